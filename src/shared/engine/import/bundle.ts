// Several captures of one machine at once, as `head` prints files ("==> /proc/iomem <==",
// a blank line between them) or as the CLI reads a directory of them. The map comes from
// the most exact capture present, the nodes from the most exact that shows them, the
// kernel version and command line from /proc/version, /proc/cmdline or a dmesg among them.
//   map:   memblock debugfs > /proc/iomem > /sys/firmware/memmap > kmem -n > lsmem
//   nodes: the map's own (memblock from v6.5) > kmem -n node spans > lsmem (per block)

import type { Scenario } from '../../scenario/scenario.ts'
import { CAPTURE_TITLES, CaptureError, type CaptureKind, type ImportOptions, type Imported } from './capture.ts'
import { parseKmemN } from './kmem-n.ts'
import { parseLsmem } from './lsmem.ts'

export interface BundleFile {
  name: string
  source: string
  /** 1-based line of its first content line in the bundle text */
  line: number
}

const HEADER = /^==> (.+) <==$/

/** The files of a `head`-style listing; null when the text does not start with a header. */
export function splitBundle(source: string): BundleFile[] | null {
  const lines = source.split('\n')
  let i = 0
  while (i < lines.length && !lines[i].trim()) i++
  if (i >= lines.length || !HEADER.test(lines[i].replace(/\r$/, ''))) return null
  const out: BundleFile[] = []
  let cur: { name: string; lines: string[]; line: number } | null = null
  for (; i < lines.length; i++) {
    const h = HEADER.exec(lines[i].replace(/\r$/, ''))
    if (h) {
      if (cur) out.push({ name: cur.name, source: cur.lines.join('\n'), line: cur.line })
      cur = { name: h[1].trim(), lines: [], line: i + 2 }
    } else cur!.lines.push(lines[i])
  }
  if (cur) out.push({ name: cur.name, source: cur.lines.join('\n'), line: cur.line })
  return out
}

/** memblock debugfs files only (`==> memory <==`, `==> reserved <==`): one memblock capture. */
export function isMemblockListing(files: readonly BundleFile[]): boolean {
  return files.length > 0 && files.every((f) => /(^|[/_.-])(memory|reserved)$/.test(f.name))
}

const base = (name: string): string => name.replace(/\/+$/, '').split('/').pop() ?? name

export interface Bundle {
  files: { file: BundleFile; kind: CaptureKind | 'cmdline' | 'version' | 'log' | null }[]
}

export function importBundle(
  files: readonly BundleFile[],
  opts: ImportOptions,
  detect: (source: string) => CaptureKind | null,
  importOne: (kind: CaptureKind, source: string, opts: ImportOptions) => Imported,
  logFacts: (source: string) => { kernel: string | null; cmdline: string | null }
): Imported {
  const unknowns: string[] = []
  const located = (f: BundleFile, e: unknown): never => {
    if (e instanceof CaptureError) throw new CaptureError(`${f.name}: ${e.message}`, f.line + e.line - 1, e.column)
    throw e
  }
  let kernel = opts.kernel
  let cmdline = opts.cmdline
  const byKind = new Map<CaptureKind, BundleFile>()
  const memblock: BundleFile[] = []
  for (const f of files) {
    const b = base(f.name)
    if (b === 'cmdline') cmdline ??= f.source.trim()
    else if (b === 'version' || b === 'osrelease' || b === 'uname-r') {
      const v = /Linux version (\S+)/.exec(f.source)?.[1] ?? f.source.trim().split(/\s+/)[0]
      if (v) kernel ??= v
    } else if (/(^|[-_.])(memory|reserved)$/.test(b)) memblock.push(f)
    else {
      const kind = detect(f.source)
      if (kind) {
        if (!byKind.has(kind)) byKind.set(kind, f)
        continue
      }
      // a boot log among the captures: its Linux version and command line
      const facts = logFacts(f.source)
      if (facts.kernel || facts.cmdline) {
        kernel ??= facts.kernel ?? undefined
        cmdline ??= facts.cmdline ?? undefined
      } else unknowns.push(`${f.name}: not a capture this tool reads; left out`)
    }
  }
  if (memblock.length) byKind.set('memblock', { name: memblock.map((f) => f.name).join(' + '), source: memblock.map((f) => `==> ${f.name} <==\n${f.source}`).join('\n'), line: memblock[0].line - 1 })
  const mapKind = (['memblock', 'iomem', 'firmware-memmap', 'kmem-n', 'lsmem'] as const).find((k) => byKind.has(k))
  if (!mapKind) throw new CaptureError(`none of these describes memory (${files.map((f) => f.name).join(', ')}): give /proc/iomem, memblock debugfs, /sys/firmware/memmap, lsmem or kmem -n`, 1, 1)
  const mapFile = byKind.get(mapKind)!
  let im: Imported
  try {
    im = importOne(mapKind, mapFile.source, { ...opts, kernel, cmdline, fileName: mapFile.name })
  } catch (e) {
    return located(mapFile, e)
  }
  const scenario: Scenario = im.scenario
  scenario.name = `imported ${files.map((f) => base(f.name)).join(', ')}`
  const own = im.unknowns.filter((u) => !/^NUMA:/.test(u))
  // nodes from another capture when the map's own does not show them
  if (!scenario.numa && mapKind !== 'kmem-n' && byKind.has('kmem-n')) {
    const f = byKind.get('kmem-n')!
    try {
      const k = parseKmemN(f.source)
      const ps = scenario.pageSize ?? 4096
      if (k.nodes.length > 1) scenario.numa = { nodes: k.nodes.map((n) => ({ id: n.node, ranges: n.size ? [{ start: n.startPfn * ps, end: (n.startPfn + n.size) * ps }] : [] })) }
      own.push(`NUMA: node spans from ${f.name} (kmem -n)`)
    } catch (e) {
      located(f, e)
    }
  } else if (!scenario.numa && mapKind !== 'lsmem' && byKind.has('lsmem')) {
    const f = byKind.get('lsmem')!
    try {
      const ls = parseLsmem(f.source)
      const nodes = new Map<number, { start: number; end: number }[]>()
      for (const r of ls.runs) if (r.node !== null) nodes.set(r.node, [...(nodes.get(r.node) ?? []), { start: r.start, end: r.last + 1 }])
      if (nodes.size > 1) {
        scenario.numa = { nodes: [...nodes.entries()].sort((a, b) => a[0] - b[0]).map(([id, ranges]) => ({ id, ranges })) }
        own.push(`NUMA: nodes from ${f.name} (lsmem) at memory block granularity; a block holding two nodes shows one of them, so node boundaries inside a block are not known`)
      }
    } catch (e) {
      located(f, e)
    }
  } else if (!scenario.numa) own.push(...im.unknowns.filter((u) => /^NUMA:/.test(u)))
  const used = [...byKind.entries()].filter(([k]) => k !== 'zoneinfo').map(([k, f]) => `${f.name} (${CAPTURE_TITLES[k]})`)
  own.unshift(`the layout from ${mapFile.name} (${CAPTURE_TITLES[mapKind]}); read: ${used.join(', ')}`)
  return { kind: mapKind, scenario, unknowns: [...own, ...unknowns] }
}
