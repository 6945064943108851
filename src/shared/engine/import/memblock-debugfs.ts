// memblock debugfs (mm/memblock.c memblock_debug_show(), on architectures with
// ARCH_KEEP_MEMBLOCK: arm64, riscv, powerpc, s390, loongarch): `memory` and `reserved`,
// one region a line, "%4d: %pa..%pa" (inclusive end). Since commit 493f349e38d0
// ("memblock: Add flags and nid info in memblock debugfs") (in v6.5) each line also shows
// the node ("%4d", or 'x' for none, de649e7f5edb) and the first flag set: NONE, HOTPLUG,
// MIRROR, NOMAP, DRV_MNG (later RSRV_NOINIT, RSRV_KERN, KHO_SCRATCH).

import type { FirmwareRange, Scenario } from '../../scenario/scenario.ts'
import { CaptureError, captureLines, cmdlineFor, isPromptLine, kernelFor, type ImportOptions, type Imported } from './capture.ts'

export interface MemblockDebugRegion {
  start: number
  /** inclusive */
  last: number
  /** null: not printed (before v6.5) or no node ('x') */
  nid: number | null
  /** null: not printed (before v6.5) */
  flag: string | null
  line: number
}

export interface MemblockDebugfs {
  memory: MemblockDebugRegion[] | null
  reserved: MemblockDebugRegion[] | null
  /** the v6.5 form with nodes and flags */
  withFlags: boolean
}

const REGION = /^\s*(\d+): (0x[0-9a-f]+)\.\.(0x[0-9a-f]+)(?:\s+(\d+|x)\s+([A-Z_]+))?$/i
/** `==> memory <==` (head), `memory:   0: …` (grep . memory reserved) */
const HEAD = /^==> (?:.*[/_.-])?(memory|reserved) <==$/
const PREFIX = /^(?:\S*\/)?(memory|reserved):(\s*\d+: .*)$/

export function parseMemblockDebugfs(source: string, fileName = ''): MemblockDebugfs {
  const out: MemblockDebugfs = { memory: null, reserved: null, withFlags: false }
  const fallback: 'memory' | 'reserved' = /(^|\/)reserved$/.test(fileName) ? 'reserved' : 'memory'
  let current: 'memory' | 'reserved' | null = null
  let lastIndex = -1
  for (const { no, text } of captureLines(source)) {
    if (!text.trim()) continue
    const head = HEAD.exec(text.trim())
    if (head) {
      current = head[1] as 'memory' | 'reserved'
      lastIndex = -1
      continue
    }
    let body = text
    let which: 'memory' | 'reserved' = current ?? fallback
    const pre = PREFIX.exec(text.trim())
    if (pre) {
      which = pre[1] as 'memory' | 'reserved'
      body = pre[2]
    }
    const m = REGION.exec(body)
    if (!m) {
      if (isPromptLine(text) && !out.memory && !out.reserved) continue
      throw new CaptureError(`not a memblock debugfs line (expected "   N: 0x…..0x…[ nid FLAG]"): ${text.slice(0, 80)}`, no, 1)
    }
    const index = Number(m[1])
    // the regions of one type are numbered from 0: a new 0 after others starts the next file
    if (!pre && !current && index === 0 && lastIndex >= 0)
      throw new CaptureError('a second list of regions starts here: give memory and reserved in separate files, or as `grep . memory reserved`', no, 1)
    lastIndex = index
    const start = parseInt(m[2], 16)
    const last = parseInt(m[3], 16)
    if (!Number.isSafeInteger(last)) throw new CaptureError(`address beyond 2^53: ${m[3]}`, no, text.indexOf(m[3]) + 1)
    if (last < start) throw new CaptureError(`the region ends (${m[3]}) before it starts (${m[2]})`, no, text.indexOf(m[2]) + 1)
    if (m[5]) out.withFlags = true
    const list = (out[which] ??= [])
    list.push({ start, last, nid: m[4] === undefined || m[4] === 'x' ? null : Number(m[4]), flag: m[5] ?? null, line: no })
  }
  if (!out.memory && !out.reserved) throw new CaptureError('no memblock regions in this capture', 1, 1)
  return out
}

export function importMemblockDebugfs(source: string, opts: ImportOptions = {}): Imported {
  const mb = parseMemblockDebugfs(source, opts.fileName)
  if (!mb.memory) throw new CaptureError('only memblock.reserved is here: it says what the kernel allocated, not what memory exists; give the `memory` file too', 1, 1)
  const unknowns: string[] = []
  const arch = opts.arch ?? 'arm64'
  if (!opts.arch) unknowns.push('architecture: arm64 assumed (memblock debugfs exists on arm64, riscv, powerpc, s390 and loongarch); give --arch')
  const map: FirmwareRange[] = []
  const nodes = new Map<number, { start: number; end: number; hotplug?: boolean }[]>()
  let driverManaged = 0
  let prevEnd = -1
  let prevNomap = false
  for (const r of mb.memory) {
    // DRV_MNG: memory a driver added after boot (add_memory_driver_managed()): not the layout
    if (r.flag === 'DRV_MNG') {
      driverManaged++
      continue
    }
    // before v6.5 the flags are not printed: two regions meeting end to end differ in a
    // flag (memblock_merge_regions() joins equal neighbours), taken as NOMAP alternately
    const nomap: boolean = r.flag !== null ? r.flag === 'NOMAP' : prevEnd === r.start && !prevNomap
    prevEnd = r.last + 1
    prevNomap = nomap
    const comment = `line ${r.line}${r.flag ? `: ${r.flag}` : nomap ? ': NOMAP (assumed)' : ''}`
    map.push(arch === 'arm64' ? { start: r.start, last: r.last, type: nomap ? 'reserved' : 'conventional', attrs: ['WB'], comment } : { start: r.start, last: r.last, type: 'memory', comment })
    if (nomap && arch !== 'arm64') map.push({ start: r.start, last: r.last, type: 'no-map', comment })
    if (r.nid !== null) nodes.set(r.nid, [...(nodes.get(r.nid) ?? []), { start: r.start, end: r.last + 1, ...(r.flag === 'HOTPLUG' ? { hotplug: true } : {}) }])
  }
  if (!map.length) throw new CaptureError('memblock.memory holds only driver-managed regions: nothing describes boot memory', 1, 1)
  if (driverManaged) unknowns.push(`${driverManaged} DRV_MNG regions left out: memory drivers added after boot (dax kmem, virtio-mem)`)
  if (!mb.withFlags)
    unknowns.push('this kernel (before v6.5) prints neither nodes nor flags: one node assumed, and regions meeting end to end taken as NOMAP alternately (present pages do not depend on it)')
  if (mb.memory.some((r) => r.flag === 'MIRROR')) unknowns.push('MIRROR regions (kernelcore=mirror) are read as ordinary memory')
  const kernel = kernelFor(opts, unknowns, 'memblock debugfs')
  if (arch === 'arm64' && opts.pageSize === undefined) unknowns.push('page size: memblock debugfs does not show it; 4K assumed (give --page-size 16K or 64K)')
  const scenario: Scenario = {
    name: 'imported memblock debugfs',
    kernel,
    arch,
    ...(opts.pageSize !== undefined && opts.pageSize !== 4096 ? { pageSize: opts.pageSize } : {}),
    firmware: arch === 'arm64' ? { kind: 'uefi', map } : { kind: 'dt', map },
    ...cmdlineFor(opts, unknowns, 'memblock debugfs')
  }
  if (nodes.size > 1 || [...nodes.keys()].some((n) => n !== 0) || [...nodes.values()].some((rs) => rs.some((r) => r.hotplug)))
    scenario.numa = { nodes: [...nodes.entries()].sort((a, b) => a[0] - b[0]).map(([id, ranges]) => ({ id, ranges })) }
  if (mb.reserved) unknowns.push(`memblock.reserved: ${mb.reserved.length} regions (the kernel's own allocations at the time of reading), not part of the layout`)
  unknowns.push('the platform DMA limit (device-tree dma-ranges / IORT) and the kernel configuration: the architecture defaults are used')
  return { kind: 'memblock', scenario, unknowns }
}
