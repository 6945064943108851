// From a kernel log line to the scenario lines it derives from: the Boot log view's
// predicted lines and its diff against a real dmesg, and Compare's boot-log lines. A
// line names what it is about (a zone's span, a node's memblock range, the holes of a
// zone, a firmware map entry, a HugeTLB page size …); provenance.ts says which scenario
// entries make that thing, as it does for the drawings' elements.
//
// The lines are those of free_area_init() (mm/mm_init.c: "Zone ranges:", each zone's
// [mem …] or "empty", "Movable zone start for each node", "Early memory node ranges" and
// each memblock.memory range per node, "Initmem setup node", "On node N, zone Z: K pages
// in unavailable ranges"), mem_init()'s "Memory: …K available", hugetlb_vmemmap's "HugeTLB:
// … vmemmap can be freed for a … page", and, in a real log, the firmware's map as the
// kernel prints it (e820__print_table(): "BIOS-e820: [mem …] type", efi_print_memmap():
// "efi: mem…: [...] range=[…]"), the SRAT's "ACPI: SRAT: Node N PXM P [mem …]", the
// command line and "Linux version".

import type { HoleReport } from '../engine/report.ts'
import { provenanceOf, type FigureElement, type Geometry, type Provenance, type ScenarioPath } from './provenance.ts'
import type { Scenario } from './scenario.ts'

/** What a log line is about: a figure element provenance.ts knows, or scenario paths outright. */
export type LogSubject = { el: FigureElement; also?: ScenarioPath[]; note?: string } | { paths: ScenarioPath[]; why: string } | { holes: { nid?: number; zone?: string } }

const HEX = '0x[0-9a-fA-F]+'
const MEM = new RegExp(`\\[mem (${HEX})-(${HEX})\\]`)
const ZONES = 'DMA32|DMA|Normal|HighMem|Movable|Device'

/** The line without a dmesg timestamp (`[    0.000000] `), a syslog level (`<6>`) or a console prefix. */
export function bareLogLine(line: string): string {
  return line
    .replace(/^<\d>/, '')
    .replace(/^\s*\[\s*\d+\.\d+\]\s?/, '')
    .replace(/\s+$/, '')
}

/** [mem a-b] (b inclusive) as bytes, half-open. */
function memRange(m: RegExpExecArray | null): { start: number; end: number } | null {
  if (!m) return null
  const start = parseInt(m[1], 16)
  const end = parseInt(m[2], 16) + 1
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? { start, end } : null
}

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }

/** What the kernel log line is about, or null for a line that names nothing of a scenario. */
export function logSubject(raw: string): LogSubject | null {
  const line = bareLogLine(raw)
  let m: RegExpExecArray | null
  const el = (e: Omit<FigureElement, 'view'>): FigureElement => ({ view: 'bootlog', ...e })
  // free_area_init(): "  DMA32    [mem 0x…-0x…]", "  Device   empty"
  if ((m = new RegExp(`^\\s+(${ZONES})\\s+(?:\\[mem (${HEX})-(${HEX})\\]|empty)$`).exec(line))) {
    const r = m[2] ? memRange(MEM.exec(line)) : null
    return { el: el({ kind: 'zone', zone: m[1], ...(r ?? {}) }) }
  }
  // free_area_init_core() before 5.14: "  DMA zone: 64 pages used for memmap", "… pages reserved"
  if ((m = new RegExp(`^\\s+(${ZONES}) zone: `).exec(line))) return { el: el({ kind: 'zone', zone: m[1] }) }
  if (/^Zeroed struct page in unavailable ranges: \d+ pages$/.test(line)) return { holes: {} }
  if (/^Zone ranges:$/.test(line)) return { paths: [['arch']], why: "the zones' limits come from the architecture (zone_sizes_init())" }
  // "Movable zone start for each node" and its "  Node N: 0x…" lines
  if (/^Movable zone start for each node$/.test(line) || /^\s+Node \d+: 0x[0-9a-f]+$/i.test(line)) return { el: el({ kind: 'zone', zone: 'Movable' }) }
  if (/^Early memory node ranges$/.test(line))
    return {
      paths: [
        ['numa', 'nodes'],
        ['firmware', 'map']
      ],
      why: 'memblock.memory per node: the firmware map, split by the nodes’ memory affinity'
    }
  // "  node   0: [mem 0x…-0x…]": a memblock.memory range of node 0
  if ((m = /^\s+node\s+(\d+): \[mem /.exec(line))) {
    const r = memRange(MEM.exec(line))
    if (r) return { el: el({ kind: 'region', ...r }), also: [['numa', 'nodes', Number(m[1])]], note: `node ${m[1]}` }
  }
  if ((m = /^(?:Initmem setup node|NODE_DATA\(|On node) ?(\d+)(?:\)| \[mem| totalpages)/.exec(line))) return { el: el({ kind: 'node', nid: Number(m[1]) }) }
  if ((m = new RegExp(`^On node (\\d+), zone (${ZONES}): \\d+ pages in unavailable ranges$`).exec(line))) return { holes: { nid: Number(m[1]), zone: m[2] } }
  if (/^Memory: .*K available/.test(line)) return { paths: [['firmware', 'map']], why: 'mem_init(): memblock.memory (the firmware map) less memblock.reserved' }
  if ((m = /^HugeTLB: .*(?:for a|registered) (\d+(?:\.\d+)?) (KiB|MiB|GiB) page/.exec(line))) return { el: el({ kind: 'hvo-pool', hugePageSize: Math.round(Number(m[1]) * UNITS[m[2]]) }) }
  // a real log: the SRAT's node ranges, the firmware's map, the command line, the version
  if ((m = /SRAT: Node (\d+) PXM \d+ \[mem /.exec(line))) {
    const r = memRange(MEM.exec(line))
    return { el: el({ kind: 'node', nid: Number(m[1]), ...(r ?? {}) }) }
  }
  if ((m = /^(?:BIOS-e820|BIOS-provided physical RAM map|e820|user|reserve setup_data): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$/i.exec(line))) {
    const r = memRange(MEM.exec(line))
    if (r) return { el: el({ kind: /^usable$|reserved-kern/i.test(m[3]) ? 'region' : 'reserved', ...r }) }
  }
  if ((m = new RegExp(`efi: +mem\\d+: .*range=\\[(${HEX})-(${HEX})\\]`).exec(line))) {
    const start = parseInt(m[1], 16)
    const end = parseInt(m[2], 16) + 1
    return { el: el({ kind: /\[Conventional|\[Loader|\[Boot/.test(line) ? 'region' : 'reserved', start, end }) }
  }
  if (/^Kernel command line:/.test(line)) return { paths: [['cmdline']], why: 'the command line' }
  if (/^Linux version /.test(line)) return { paths: [['kernel']], why: 'the kernel version' }
  // any other line about a range: what memory lies there
  const r = memRange(MEM.exec(line))
  if (r) return { el: el({ kind: 'region', ...r }) }
  return null
}

function dedupe(paths: ScenarioPath[]): ScenarioPath[] {
  const seen = new Set<string>()
  return paths.filter((p) => {
    const k = p.join('\u0000')
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** Whether the scenario has the key a path names (a scenario without NUMA has no numa.nodes). */
function present(s: Scenario, p: ScenarioPath): boolean {
  if (p[0] === 'numa') return !!s.numa
  if (p[0] === 'cmdline') return s.cmdline !== undefined
  return true
}

/**
 * The scenario entries a kernel log line derives from (provenance.ts's rules), or null for
 * a line that names nothing of a scenario. `holes` (report.holes) answers "On node N,
 * zone Z: K pages in unavailable ranges".
 */
export function logLineProvenance(s: Scenario, line: string, g: Geometry, holes: readonly HoleReport[] = []): Provenance | null {
  const subject = logSubject(line)
  if (!subject) return null
  if ('paths' in subject) {
    const paths = subject.paths.filter((p) => present(s, p))
    return paths.length ? { paths: paths.slice(0, 1), why: subject.why } : { paths: [], why: `${subject.why}, not in this scenario` }
  }
  if ('holes' in subject) {
    const { nid, zone } = subject.holes
    const mine = holes.filter((h) => (nid === undefined || h.nid === nid) && (zone === undefined || h.zone === zone) && h.end > h.start)
    const where = nid === undefined ? 'this scenario' : `node ${nid}'s zone ${zone}`
    if (!mine.length) return { paths: [], why: nid === undefined ? 'this scenario has no hole' : `this scenario has no hole in ${where}` }
    const paths = dedupe(mine.flatMap((h) => provenanceOf(s, { view: 'bootlog', kind: 'hole', start: h.start * g.pageSize, end: h.end * g.pageSize }, g).paths))
    return { paths, why: `the ${mine.length === 1 ? 'hole' : `${mine.length} holes`} in ${where}: the firmware entries over or either side of ${mine.length === 1 ? 'it' : 'each'}` }
  }
  const p = provenanceOf(s, subject.el, g)
  if (subject.el.kind === 'hvo-pool' && !p.paths.length) return { paths: [], why: 'no HugeTLB pool of this page size in the scenario: HVO is worked out for every huge page size the arch has' }
  // a node's memblock range: the firmware entries, then the node's entry (by its index)
  const also = (subject.also ?? []).flatMap((a) => {
    const i = a[0] === 'numa' && s.numa ? s.numa.nodes.findIndex((n) => n.id === a[2]) : -1
    return i >= 0 ? [['numa', 'nodes', i] as ScenarioPath] : []
  })
  const why = subject.note ? `${p.why}; ${subject.note}${also.length ? "'s memory affinity" : ' (no numa section: dummy_numa_init())'}` : p.why
  return { paths: dedupe([...p.paths, ...also]), why }
}
