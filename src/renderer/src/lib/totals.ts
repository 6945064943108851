// The totals cards over the views, as text for people: each card's figure with thousands
// separators, a line under it in binary units, and on hover the formula with this
// layout's numbers and the kernel function that computes it (as the Costs view does for
// its bars). Pure: Totals.svelte draws what this returns.
import type { AnalysisReport } from '../../../shared/engine/report.ts'
import { bytesParts, bytesText, grouped, hex, hexPad } from '../../../shared/engine/units.ts'

export interface TotalCard {
  id: 'present-pages' | 'memory-total' | 'nodes' | 'present-sections'
  label: string
  /** the figure, thousands separated */
  value: string
  /** a unit after the figure (KiB), or '' */
  unit: string
  /** the line under the figure: a figure of its own (thousands separated) or null, then text */
  subFigure: string | null
  sub: string
  /** on hover: the exact figures, the formula with its inputs, the kernel function */
  title: string
}

/** Where calculate_node_totalpages(), mem_init_print_info() and free_area_init() live. */
const MM_INIT = 'mm/mm_init.c (mm/page_alloc.c before 6.4)'

/** At most this many nodes are listed one by one in a formula; the rest are summed. */
const LISTED_NODES = 8

/** `4 KiB` for a page size, `16 KiB`, `64 KiB`. */
const pageSizeText = (ps: number): string => bytesText(ps)

/** A size short, with the exact bytes after it when the short one is rounded. */
function sizeWithExact(n: number): string {
  const p = bytesParts(n)
  return p.exact === null ? p.text : `${p.text} (${p.exact})`
}

/** `a + b + c` of the nodes' values, or the first few and "… (N nodes)" for many. */
function nodeSum(report: AnalysisReport, pick: (n: AnalysisReport['nodes'][number]) => number): string {
  const ns = report.nodes
  if (ns.length <= 1) return ns.length ? `node ${ns[0].nid}: ${grouped(pick(ns[0]))}` : 'no node'
  const shown = ns.slice(0, LISTED_NODES).map((n) => `${grouped(pick(n))} (node ${n.nid})`)
  return ns.length > LISTED_NODES ? `${shown.join(' + ')} + … (${grouped(ns.length)} nodes)` : shown.join(' + ')
}

/** max_pfn as the architecture sets it. */
function maxPfnSource(arch: string): string {
  switch (arch) {
    case 'x86_64':
    case 'x86':
      return 'setup_arch(): max_pfn = e820__end_of_ram_pfn() arch/x86/kernel/e820.c'
    case 's390':
      return 'setup_memory_end(): max_pfn = PFN_DOWN(ident_map_size) arch/s390/kernel/setup.c'
    case 'arm64':
      return 'bootmem_init(): max_pfn = PFN_DOWN(memblock_end_of_DRAM()) arch/arm64/mm/init.c'
    default:
      return 'the arch sets max_pfn = PFN_DOWN(memblock_end_of_DRAM()) at boot (the end of memblock.memory)'
  }
}

export function totalCards(report: AnalysisReport): TotalCard[] {
  const ps = report.pageSizeBytes
  const t = report.totals
  const s = report.sections
  const sectionBytes = s.pagesPerSection * ps
  const memBytes = t.memoryTotalKiB * 1024
  const memSize = bytesParts(memBytes)
  const structPage = report.memmap?.structPageSize ?? (s.presentSections ? s.memmapBytes / (s.presentSections * s.pagesPerSection) : 0)
  return [
    {
      id: 'present-pages',
      label: 'Present pages',
      value: grouped(t.presentPages),
      unit: '',
      subFigure: null,
      sub: `${grouped(t.spannedPages)} spanned`,
      title: [
        `present pages = Σ node_present_pages = ${nodeSum(report, (n) => n.presentPages)} = ${grouped(t.presentPages)}`,
        `  = ${grouped(t.presentPages)} × ${pageSizeText(ps)} = ${sizeWithExact(t.presentPages * ps)}`,
        `spanned pages = Σ (node_end_pfn − node_start_pfn) = ${grouped(t.spannedPages)}; present = spanned − absent (holes in memblock.memory)`,
        `calculate_node_totalpages(), from free_area_init_node() ${MM_INIT}`
      ].join('\n')
    },
    {
      id: 'memory-total',
      label: 'Memory total',
      // in binary units; the kernel's own figure (KiB) under it, the exact bytes on hover
      value: memSize.text.split(' ')[0],
      unit: memSize.text.split(' ')[1],
      subFigure: grouped(t.memoryTotalKiB),
      sub: 'KiB',
      title: [
        `the second figure of "Memory: …K/${t.memoryTotalKiB}K available"`,
        `= physpages << (PAGE_SHIFT − 10) = ${grouped(t.presentPages)} pages × ${grouped(ps / 1024)} KiB = ${grouped(t.memoryTotalKiB)} KiB`,
        `= ${sizeWithExact(memBytes)}`,
        'physpages = get_num_physpages() = Σ node_present_pages',
        `mem_init_print_info() ${MM_INIT}`
      ].join('\n')
    },
    {
      id: 'nodes',
      label: 'Nodes',
      value: grouped(report.nodes.length),
      unit: '',
      subFigure: null,
      sub: `max pfn ${hex(report.maxPfn)}`,
      title: [
        `${grouped(report.nodes.length)} NUMA node${report.nodes.length === 1 ? '' : 's'}, each a pg_data_t set up by free_area_init() → free_area_init_node() ${MM_INIT}`,
        `max_pfn = ${hex(report.maxPfn)} (${grouped(report.maxPfn)}): the first pfn above RAM, address ${hexPad(report.maxPfn * ps, 18)} = ${sizeWithExact(report.maxPfn * ps)}`,
        maxPfnSource(report.arch)
      ].join('\n')
    },
    {
      id: 'present-sections',
      label: 'Present sections',
      value: grouped(s.presentSections),
      unit: '',
      subFigure: null,
      sub: `of ${bytesParts(sectionBytes).text} each`,
      title: [
        `sections that memblock.memory touches, NOMAP included: ${grouped(s.presentSections)}`,
        `section = PAGES_PER_SECTION × PAGE_SIZE = ${grouped(s.pagesPerSection)} × ${pageSizeText(ps)} = ${bytesText(sectionBytes)} (SECTION_SIZE_BITS ${s.sectionSizeBits})`,
        `memmap = present sections × PAGES_PER_SECTION × sizeof(struct page) = ${grouped(s.presentSections)} × ${grouped(s.pagesPerSection)} × ${structPage} = ${sizeWithExact(s.memmapBytes)}`,
        'sparse_init() → memblocks_present() → memory_present() mm/sparse.c'
      ].join('\n')
    }
  ]
}
