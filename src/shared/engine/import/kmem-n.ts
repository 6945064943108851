// crash's `kmem -n` (crash memory.c dump_memory_nodes() and dump_mem_sections()): per
// node its pglist_data with SIZE (node_spanned_pages), START_PADDR and START_MAPNR (the
// first pfn), its zones with SIZE (spanned_pages) and start; then every mem_section with
// its STATE (P present, M has a memmap, O online, E early) and first PFN; and the memory
// blocks with their PHYSICAL RANGE, NODE and STATE. Sections and spans, not ranges: holes
// inside a present section are not in it.

import type { FirmwareRange, Scenario } from '../../scenario/scenario.ts'
import { CaptureError, captureLines, cmdlineFor, hex, kernelFor, type ImportOptions, type Imported } from './capture.ts'

export const KMEM_N_HEADER = /^NODE\s+SIZE\s+PGLIST_DATA\b/

export interface KmemZone {
  node: number
  name: string
  /** spanned pages */
  size: number
  startPfn: number
  line: number
}

export interface KmemN {
  nodes: { node: number; size: number; startPfn: number; line: number }[]
  zones: KmemZone[]
  /** present sections: number, first pfn, state letters */
  sections: { nr: number; pfn: number; state: string; memMap: string }[]
  blocks: { name: string; start: number; last: number; node: number; state: string; line: number }[]
}

export function parseKmemN(source: string): KmemN {
  const out: KmemN = { nodes: [], zones: [], sections: [], blocks: [] }
  let table: 'node' | 'node-memmap' | 'zone' | 'sections' | 'blocks' | null = null
  let node = -1
  let nodeSize = 0
  let nodeLine = 0
  for (const { no, text } of captureLines(source)) {
    const t = text.trim()
    if (!t || /^-+$/.test(t) || /^crash>/.test(t)) continue
    if (KMEM_N_HEADER.test(t)) {
      table = 'node'
      continue
    }
    if (/^MEM_MAP\s+START_PADDR\s+START_MAPNR$/.test(t)) {
      table = 'node-memmap'
      continue
    }
    if (/^ZONE\s+NAME\s+SIZE\b/.test(t)) {
      table = 'zone'
      continue
    }
    if (/^NR\s+SECTION\s+CODED_MEM_MAP\b/.test(t)) {
      table = 'sections'
      continue
    }
    if (/^MEM_BLOCK\s+NAME\s+PHYSICAL RANGE\b/.test(t)) {
      table = 'blocks'
      continue
    }
    // the sparsemem summary crash prints on some versions (NR_SECTIONS … PAGES_PER_SECTION)
    if (/^NR_SECTIONS\b/.test(t) || (/^\d+(\s+\d+|\s+[0-9a-f]+){4}$/.test(t) && table === null)) continue
    const f = t.split(/\s+/)
    const bad = (what: string): CaptureError => new CaptureError(`not a kmem -n ${what} line: ${t.slice(0, 80)}`, no, 1)
    switch (table) {
      case 'node':
        // the first row names the node; the NODE_ZONES column continues on lines of one address
        if (f.length === 1 && /^[0-9a-f]+$/.test(f[0])) continue
        if (f.length < 4 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1])) throw bad('NODE')
        node = Number(f[0])
        nodeSize = Number(f[1])
        nodeLine = no
        continue
      case 'node-memmap': {
        const paddr = hex(f[1] ?? '')
        if (f.length !== 3 || paddr === null || !/^\d+$/.test(f[2])) throw bad('node MEM_MAP')
        out.nodes.push({ node, size: nodeSize, startPfn: Number(f[2]), line: nodeLine })
        table = null
        continue
      }
      case 'zone':
        if (f.length < 4 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[2])) throw bad('ZONE')
        // ZONE NAME SIZE MEM_MAP START_PADDR START_MAPNR; an empty zone prints zeros
        out.zones.push({ node, name: f[1], size: Number(f[2]), startPfn: Number(f[f.length - 1]), line: no })
        continue
      case 'sections':
        if (f.length < 6 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[5])) throw bad('section')
        out.sections.push({ nr: Number(f[0]), pfn: Number(f[5]), state: f[4], memMap: f[3] })
        continue
      case 'blocks': {
        // MEM_BLOCK NAME START - END NODE STATE START_SECTION_NO
        const m = /^\S+\s+(\S+)\s+([0-9a-f]+)\s*-\s*([0-9a-f]+)\s+(\d+)\s+(\S+)/.exec(t)
        const a = m && hex(m[2])
        const b = m && hex(m[3])
        if (!m || a === null || b === null) throw bad('MEM_BLOCK')
        out.blocks.push({ name: m[1], start: a, last: b, node: Number(m[4]), state: m[5], line: no })
        continue
      }
      default:
        throw new CaptureError(`not kmem -n output (expected its NODE, ZONE, section or MEM_BLOCK tables): ${t.slice(0, 80)}`, no, 1)
    }
  }
  if (!out.nodes.length) throw new CaptureError('no NODE table: not kmem -n output (or cut before it)', 1, 1)
  if (!out.sections.length) throw new CaptureError('no mem_section table: kmem -n shows sections only on SPARSEMEM kernels', 1, 1)
  return out
}

export function importKmemN(source: string, opts: ImportOptions = {}): Imported {
  const k = parseKmemN(source)
  const unknowns: string[] = []
  // PAGES_PER_SECTION from consecutive sections (NR × PAGES_PER_SECTION = PFN)
  const step = k.sections.find((s) => s.nr > 0)
  if (!step) throw new CaptureError('only section 0 is listed: the section size cannot be told', 1, 1)
  const pps = step.pfn / step.nr
  // the vmemmap base tells x86_64 (VMEMMAP_START 0xffffea0000000000, 5-level 0xffd4…)
  const x86 = /^ffffea|^ffd4/.test(step.memMap)
  const arch = opts.arch ?? (x86 ? 'x86_64' : 'arm64')
  if (!opts.arch) unknowns.push(`architecture: ${arch} ${x86 ? 'from the vmemmap base of the MEM_MAP column' : "assumed (the MEM_MAP addresses are not x86_64's vmemmap)"}; give --arch`)
  const pageSize = opts.pageSize ?? 4096
  if (!opts.pageSize && arch === 'arm64') unknowns.push('page size: kmem -n does not show it; 4K assumed (give --page-size)')
  // memory: present sections, clipped to the node spans (memory ranges inside are not shown)
  const present = k.sections.filter((s) => s.state.includes('P')).map((s) => ({ start: s.pfn, end: s.pfn + pps }))
  const map: FirmwareRange[] = []
  const numa: { id: number; ranges: { start: number; end: number }[] }[] = []
  for (const n of k.nodes) {
    const ns = n.startPfn
    const ne = n.startPfn + n.size
    const ranges: { start: number; end: number }[] = []
    for (const s of present) {
      const a = Math.max(s.start, ns)
      const b = Math.min(s.end, ne)
      if (a >= b) continue
      const last = ranges[ranges.length - 1]
      if (last && last.end === a * pageSize) last.end = b * pageSize
      else ranges.push({ start: a * pageSize, end: b * pageSize })
    }
    numa.push({ id: n.node, ranges })
    for (const r of ranges)
      map.push(
        arch === 'x86_64' || arch === 'x86'
          ? { start: r.start, end: r.end, type: 'usable', comment: `node ${n.node}: present sections in its span` }
          : arch === 'arm64'
            ? { start: r.start, end: r.end, type: 'conventional', attrs: ['WB'], comment: `node ${n.node}` }
            : { start: r.start, end: r.end, type: 'memory', comment: `node ${n.node}` }
      )
  }
  if (!map.length) throw new CaptureError('no present section lies in a node span', 1, 1)
  unknowns.push(`holes inside present sections (${pps} pages each) are not shown: memory is taken as every present section within the node spans, so present pages are an upper bound`)
  const movable = k.zones.find((z) => z.name === 'Movable' && z.size > 0)
  if (movable && opts.cmdline === undefined)
    unknowns.push(`ZONE_MOVABLE starts at pfn ${movable.startPfn} on node ${movable.node}: the kernelcore=/movablecore= that put it there is not shown (give --cmdline)`)
  const scenario: Scenario = {
    name: 'imported crash kmem -n',
    kernel: kernelFor(opts, unknowns, 'kmem -n'),
    arch,
    ...(pageSize !== 4096 ? { pageSize } : {}),
    firmware: arch === 'x86_64' || arch === 'x86' ? { kind: 'e820', map } : arch === 'arm64' ? { kind: 'uefi', map } : { kind: 'dt', map },
    ...(numa.length > 1 || numa.some((n) => n.id !== 0) ? { numa: { nodes: numa } } : {}),
    ...cmdlineFor(opts, unknowns, 'kmem -n')
  }
  return { kind: 'kmem-n', scenario, unknowns }
}
