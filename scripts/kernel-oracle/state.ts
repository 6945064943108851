/**
 * Reads the kernel's computed state that the oracle's initramfs (initramfs.ts) prints
 * after the boot log, section by section, each checked against the md5 /init printed
 * with it (a console that lost a byte fails here, and the boot is recorded again).
 */
import { createHash } from 'node:crypto'

/** One `Node N, zone Z` block of /proc/zoneinfo (mm/vmstat.c zoneinfo_show_print()). */
export interface ZoneinfoZone {
  node: number
  zone: string
  spanned: number
  present: number
  managed: number
  /** printed for populated zones only */
  startPfn: number | null
}

/** /sys/devices/system/memory/memoryN (drivers/base/memory.c). */
export interface MemoryBlockState {
  id: number
  /** phys_index: the block's first section number */
  physIndex: number
  state: string
  /** valid_zones, split on spaces (`none` when the block spans zones) */
  validZones: string[]
  nodes: number[]
}

export interface IomemEntry {
  start: number
  /** inclusive, as /proc/iomem prints it */
  last: number
  name: string
  depth: number
}

export interface MemblockEntry {
  start: number
  /** inclusive, as memblock_debug_show() prints it */
  last: number
  flags: string
}

export interface HvoMeasurement {
  sizeKiB: number
  requested: number
  allocated: number
  /** nr_memmap_boot_pages / nr_memmap_pages: before, with the pages allocated, after freeing them (null before 6.11) */
  boot: [number, number, number] | null
  pages: [number, number, number] | null
}

export interface KernelState {
  zoneinfo: ZoneinfoZone[]
  /** the counters the tests read; the whole of /proc/vmstat stays in the log */
  vmstat: Record<string, number>
  memoryBlocks: { blockSizeBytes: number; blocks: MemoryBlockState[] } | null
  iomem: IomemEntry[]
  memblock: { memory: MemblockEntry[]; reserved: MemblockEntry[] } | null
  hvo: { sysctlDefault: number | null; sizes: HvoMeasurement[] }
}

const VMSTAT_KEPT = ['nr_memmap_boot_pages', 'nr_memmap_pages', 'nr_free_pages', 'nr_hugetlb']

export class StateError extends Error {}

/** The body of every `MW-STATE name BEGIN … END md5` section, md5 checked. */
export function stateSections(log: string): Map<string, string> {
  const text = log.replace(/\r\n/g, '\n')
  const out = new Map<string, string>()
  const re = /^MW-STATE (\S+) BEGIN\n([\s\S]*?)^MW-STATE \1 END ([0-9a-f]{32})$/gm
  for (const m of text.matchAll(re)) {
    const md5 = createHash('md5').update(m[2], 'latin1').digest('hex')
    if (md5 !== m[3]) throw new StateError(`state section ${m[1]}: md5 ${md5} differs from the printed ${m[3]} (console lost bytes)`)
    out.set(m[1], m[2])
  }
  if (!/^MW-STATE DONE$/m.test(text)) throw new StateError('no `MW-STATE DONE` line (the initramfs did not finish)')
  return out
}

function zoneinfo(body: string): ZoneinfoZone[] {
  const zones: ZoneinfoZone[] = []
  let cur: ZoneinfoZone | null = null
  for (const line of body.split('\n')) {
    const head = /^Node (\d+), zone +(\S+)$/.exec(line)
    if (head) {
      cur = { node: Number(head[1]), zone: head[2], spanned: -1, present: -1, managed: -1, startPfn: null }
      zones.push(cur)
      continue
    }
    const f = /^ +(spanned|present|managed|start_pfn:) +(\d+)$/.exec(line)
    if (f && cur) {
      const v = Number(f[2])
      if (f[1] === 'spanned') cur.spanned = v
      else if (f[1] === 'present') cur.present = v
      else if (f[1] === 'managed') cur.managed = v
      else cur.startPfn = v
    }
  }
  for (const z of zones) if (z.spanned < 0 || z.present < 0) throw new StateError(`zoneinfo: node ${z.node} zone ${z.zone} lacks spanned/present`)
  return zones
}

function vmstat(body: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of body.split('\n')) {
    const [k, v] = line.split(' ')
    if (VMSTAT_KEPT.includes(k)) out[k] = Number(v)
  }
  return out
}

function blocks(body: string): KernelState['memoryBlocks'] {
  const lines = body.split('\n').filter(Boolean)
  const size = /^block_size_bytes ([0-9a-f]+)$/.exec(lines[0] ?? '')
  if (!size) throw new StateError('blocks: no block_size_bytes')
  const list: MemoryBlockState[] = []
  for (const line of lines.slice(1)) {
    // memoryN phys_index state valid_zones… | nodeN…
    const m = /^memory(\d+) ([0-9a-f]+) (\S+) ([^|]*)\| ?(.*)$/.exec(line)
    if (!m) {
      if (/^memory\*/.test(line)) continue // no blocks (no MEMORY_HOTPLUG)
      throw new StateError(`blocks: cannot read ${JSON.stringify(line)}`)
    }
    list.push({
      id: Number(m[1]),
      physIndex: parseInt(m[2], 16),
      state: m[3],
      validZones: m[4].trim().split(/\s+/).filter(Boolean),
      nodes: m[5]
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((n) => Number(n.replace(/^node/, '')))
    })
  }
  list.sort((a, b) => a.id - b.id)
  return { blockSizeBytes: parseInt(size[1], 16), blocks: list }
}

function iomem(body: string): IomemEntry[] {
  const out: IomemEntry[] = []
  for (const line of body.split('\n')) {
    const m = /^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$/.exec(line)
    if (m) out.push({ start: parseInt(m[2], 16), last: parseInt(m[3], 16), name: m[4], depth: m[1].length / 2 })
  }
  return out
}

function memblock(body: string | undefined): MemblockEntry[] {
  if (body === undefined) return []
  const out: MemblockEntry[] = []
  for (const line of body.split('\n')) {
    // mm/memblock.c memblock_debug_show(): "%4d: %pa..%pa %s\n" (flags from 6.x)
    const m = /^ *\d+: (0x[0-9a-f]+)\.\.(0x[0-9a-f]+)(?: (.*))?$/.exec(line)
    if (m) out.push({ start: Number(m[1]), last: Number(m[2]), flags: (m[3] ?? '').trim() })
  }
  return out
}

function hvo(body: string | undefined): KernelState['hvo'] {
  const result: KernelState['hvo'] = { sysctlDefault: null, sizes: [] }
  for (const line of (body ?? '').split('\n')) {
    const d = /^sysctl_default=(\d+)$/.exec(line)
    if (d) result.sysctlDefault = Number(d[1])
    if (!line.startsWith('size_kb=') || line.endsWith(' absent')) continue
    const kv = Object.fromEntries(line.split(' ').map((p) => p.split('=') as [string, string]))
    const num = (k: string): number | null => (kv[k] === undefined || kv[k] === '' ? null : Number(kv[k]))
    const triple = (a: string, b: string, c: string): [number, number, number] | null => {
      const t = [num(a), num(b), num(c)]
      return t.every((x) => x !== null) ? (t as [number, number, number]) : null
    }
    result.sizes.push({
      sizeKiB: Number(kv.size_kb),
      requested: Number(kv.requested),
      allocated: Number(kv.allocated),
      boot: triple('boot_before', 'boot_after', 'boot_freed'),
      pages: triple('pages_before', 'pages_after', 'pages_freed')
    })
  }
  return result
}

export function parseState(log: string): KernelState {
  const s = stateSections(log)
  const need = (name: string): string => {
    const body = s.get(name)
    if (body === undefined) throw new StateError(`no ${name} section`)
    return body
  }
  const mem = s.get('memblock-memory')
  return {
    zoneinfo: zoneinfo(need('zoneinfo')),
    vmstat: vmstat(need('vmstat')),
    memoryBlocks: blocks(need('blocks')),
    iomem: iomem(need('iomem')),
    memblock: mem === undefined ? null : { memory: memblock(mem), reserved: memblock(s.get('memblock-reserved')) },
    hvo: hvo(s.get('hvo'))
  }
}

/** The `dmesg` the initramfs printed (every log level), or null. */
export function dmesgPart(log: string): string | null {
  try {
    return stateSections(log).get('dmesg') ?? null
  } catch {
    return null
  }
}

/** Where the kernel's boot log ends and the state dump begins (the whole log when there is none). */
export function bootPart(log: string): string {
  const at = log.search(/^MW-STATE /m)
  return at < 0 ? log : log.slice(0, at)
}
