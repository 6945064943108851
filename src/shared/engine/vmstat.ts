// The /proc/vmstat counters the layout alone fixes at the end of boot.
//
// nr_memmap_boot_pages (15995a352474 "mm: report per-page metadata information", in
// v6.11): pages holding struct page arrays allocated from memblock. SPARSEMEM adds
// DIV_ROUND_UP(PAGES_PER_SECTION * sizeof(struct page), PAGE_SIZE) per present section
// (__populate_section_memmap() until c3576889d87b "mm: fix accounting of memmap pages"
// (in v6.17, 6.12.y), sparse_init_nid() since: the same number), whatever the vmemmap
// mapping; FLATMEM adds each node's node_mem_map (alloc_node_mem_map()). HVO of a boot
// huge page takes its freed vmemmap pages off it (hugetlb_vmemmap.c free_vmemmap_page()).
// nr_memmap_pages counts memmap allocated later (hot-add, page_ext, HVO head pages): 0 at
// the end of boot for RAM the firmware map describes, unless page_ext users are on.

import { flatmemMap } from './memmap/vmemmap.ts'
import type { Model } from './model.ts'
import { totalLength } from './sections.ts'

export interface MemmapBootPages {
  /** the struct page arrays' pages as the kernel counts them at boot */
  pages: number
  /** /proc/vmstat nr_memmap_boot_pages; null before 6.11 (the counter does not exist) */
  nrMemmapBootPages: number | null
  formula: string
  ref: string
}

export function memmapBootPages(m: Model): MemmapBootPages {
  const S = m.config.structPageSize
  const ps = m.pageSize
  let pages: number
  let formula: string
  let ref: string
  if (m.config.memoryModel === 'flatmem') {
    const order = m.orders.maxPage.order
    const maps = m.nodes.filter((n) => n.end > n.start).map((n) => flatmemMap({ nodeStartPfn: n.start, nodeEndPfn: n.end, maxPageOrder: order, structPageSize: S }))
    pages = maps.reduce((a, f) => a + Math.ceil(f.sizeBytes / ps), 0)
    formula = `Σ nodes DIV_ROUND_UP(node_mem_map size, PAGE_SIZE) = ${maps.map((f) => Math.ceil(f.sizeBytes / ps)).join(' + ') || 0}`
    ref = 'alloc_node_mem_map() (mm/mm_init.c)'
  } else {
    const sections = totalLength(m.sections)
    const perSection = Math.ceil((m.pagesPerSection * S) / ps)
    pages = sections * perSection
    formula = `present sections × DIV_ROUND_UP(PAGES_PER_SECTION × sizeof(struct page), PAGE_SIZE) = ${sections} × ⌈${m.pagesPerSection} × ${S} / ${ps}⌉ = ${sections} × ${perSection}`
    ref = 'sparse_init_nid() (mm/sparse.c) -> memmap_boot_pages_add()'
  }
  return { pages, nrMemmapBootPages: m.profile.memmapCounters ? pages : null, formula, ref }
}
