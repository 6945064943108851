// /sys/firmware/memmap (drivers/firmware/memmap.c): one directory per entry of the
// firmware's own map, each with `start`, `end` (inclusive, "0x%llx\n") and `type`. On x86
// e820__reserve_resources() adds every entry of e820_table_firmware, the table as the BIOS
// gave it, before trim_bios_range(), memmap= and mem=, named by e820_type_to_string().
// Read as `grep . */*` in that directory (`0/end:0x9fbff`), with or without the
// /sys/firmware/memmap/ prefix; the CLI turns a directory tree into that listing.

import type { FirmwareRange } from '../../scenario/scenario.ts'
import { CaptureError, captureLines, hex, isPromptLine, kernelFor, type ImportOptions, type Imported } from './capture.ts'
import { E820_NAMES } from './iomem.ts'

const ENTRY = /^(?:\/sys\/firmware\/memmap\/)?(\d+)\/(start|end|type):(.*)$/

interface Entry {
  index: number
  start?: number
  end?: number
  type?: string
  line: number
}

export function importFirmwareMemmap(source: string, opts: ImportOptions = {}): Imported {
  const entries = new Map<number, Entry>()
  for (const { no, text } of captureLines(source)) {
    if (!text.trim()) continue
    const m = ENTRY.exec(text.trim())
    if (!m) {
      if (isPromptLine(text) && !entries.size) continue
      throw new CaptureError(`not a /sys/firmware/memmap line (expected "N/start:0x…", "N/end:0x…" or "N/type:…"): ${text.slice(0, 80)}`, no, 1)
    }
    const index = Number(m[1])
    const e = entries.get(index) ?? { index, line: no }
    entries.set(index, e)
    const col = text.indexOf(':') + 2
    if (m[2] === 'type') e.type = m[3].trim()
    else {
      const v = hex(m[3].trim())
      if (v === null) throw new CaptureError(`not an address: ${m[3]}`, no, col)
      e[m[2] as 'start' | 'end'] = v
    }
  }
  if (!entries.size) throw new CaptureError('empty /sys/firmware/memmap listing: nothing describes memory', 1, 1)
  const map: FirmwareRange[] = []
  const unknowns: string[] = []
  let unknownTypes = 0
  for (const e of [...entries.values()].sort((a, b) => a.index - b.index)) {
    for (const f of ['start', 'end', 'type'] as const) if (e[f] === undefined) throw new CaptureError(`entry ${e.index} has no ${f}`, e.line, 1)
    if (e.end! < e.start!) throw new CaptureError(`entry ${e.index} ends (0x${e.end!.toString(16)}) before it starts (0x${e.start!.toString(16)})`, e.line, 1)
    const type = E820_NAMES[e.type!]
    if (type === undefined) throw new CaptureError(`entry ${e.index}: "${e.type}" is not a name e820_type_to_string() gives`, e.line, 1)
    if (type === 'other') unknownTypes++
    map.push({ start: e.start!, last: e.end!, type, ...(type === 'other' ? { code: 0 } : {}), comment: `entry ${e.index}: ${e.type}` })
  }
  if (unknownTypes) unknowns.push(`${unknownTypes} "Unknown E820 type" entries: their type numbers are not shown (taken as type 0, not RAM)`)
  if (!map.some((r) => r.type === 'usable')) throw new CaptureError('no "System RAM" entry: nothing describes memory', 1, 1)
  unknowns.push('the BIOS e820 map as the firmware gave it: e820 edits the kernel made (MTRR trimming, e820: update lines) are not shown')
  const arch = opts.arch ?? 'x86_64'
  if (!opts.arch) unknowns.push('architecture: x86_64 assumed (only x86 fills /sys/firmware/memmap at boot); give --arch x86 for a 32-bit kernel')
  const kernel = kernelFor(opts, unknowns, '/sys/firmware/memmap')
  // the firmware's map is the one memmap= and mem= edit: the command line applies in full
  if (opts.cmdline === undefined) unknowns.push('kernel command line: not shown (mem=, memmap=, kernelcore=, movablecore= edit this map and the zones); give --cmdline "$(cat /proc/cmdline)"')
  unknowns.push('NUMA: /sys/firmware/memmap does not show nodes; one node assumed')
  return {
    kind: 'firmware-memmap',
    scenario: { name: 'imported /sys/firmware/memmap', kernel, arch, firmware: { kind: 'e820', map }, ...(opts.cmdline?.trim() ? { cmdline: opts.cmdline.trim() } : {}) },
    unknowns
  }
}
