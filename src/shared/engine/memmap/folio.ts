// Orders and folio alignment: MAX_PAGE_ORDER and pageblock_order (include/linux/mmzone.h,
// include/linux/pageblock-flags.h, set_pageblock_order() mm/mm_init.c), MAX_FOLIO_ORDER
// (include/linux/mm.h 6.18, include/linux/mmzone.h 7.1), the v7.1 memmap alignment check of
// sparse_init() mm/sparse.c, the per-folio natural alignment the mask-encoded compound_info
// needs (compound_head() include/linux/page-flags.h), and the inverse question: how large a
// folio can a given memmap alignment carry. Version boundaries come from facts.ts.

import { cite, holds, versionsBefore, versionsBetween, versionsOf, type FactId } from '../facts.ts'
import type { KernelVersion } from '../version.ts'
import { fig, isPow2, log2Exact, type MemArch } from './sparse.ts'
import { hex, lowbit, orderBase2, type Check, type Figure } from './types.ts'
import { bytesText } from '../units.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

export type Addr = bigint | string
export const toBig = (a: Addr): bigint => (typeof a === 'bigint' ? a : BigInt(a))

/** `≥ 6.4` for a fact in this version, the era before it otherwise. */
const era = (id: FactId, v: KernelVersion): string => (holds(id, v) ? versionsOf(id) : versionsBefore(id))

// ---------------------------------------------------------------------------------------------
// MAX_PAGE_ORDER (include/linux/mmzone.h; ARCH_FORCE_MAX_ORDER in arch/*/Kconfig)

/**
 * Default MAX_PAGE_ORDER (inclusive) per arch and page size, from the ARCH_FORCE_MAX_ORDER
 * defaults of arch/{arm64,loongarch,powerpc}/Kconfig (6.1 writes them one higher, exclusive);
 * 10 from include/linux/mmzone.h elsewhere. arm64 64K/16K before 5.12 only with THP
 * (FORCE_MAX_ZONEORDER "14 if ARM64_64K_PAGES && TRANSPARENT_HUGEPAGE", else 11).
 */
function defaultMaxPageOrder(arch: MemArch, pageSize: number, version: KernelVersion, thp: boolean): { order: number; why: string } {
  const big = pageSize === 64 * KiB ? 13 : pageSize === 16 * KiB ? 11 : 10
  switch (arch) {
    case 'arm64':
      if (big > 10 && !thp && !holds('arm64-max-order-thp-independent', version))
        return { order: 10, why: `arm64 ${pageSize / KiB}K without THP: FORCE_MAX_ZONEORDER 11 (${versionsBefore('arm64-max-order-thp-independent')})` }
      return { order: big, why: `arch/arm64/Kconfig ARCH_FORCE_MAX_ORDER default for ${pageSize / KiB}K` }
    case 'loongarch64':
      return { order: big, why: `arch/loongarch/Kconfig ARCH_FORCE_MAX_ORDER default for ${pageSize / KiB}K` }
    case 'powerpc64':
      // "default 8 if PPC64 && PPC_64K_PAGES", "default 12 if PPC64 && !PPC_64K_PAGES"
      return { order: pageSize === 64 * KiB ? 8 : 12, why: `arch/powerpc/Kconfig ARCH_FORCE_MAX_ORDER default for PPC64 ${pageSize / KiB}K` }
    default:
      return { order: 10, why: 'MAX_PAGE_ORDER 10 (no ARCH_FORCE_MAX_ORDER)' }
  }
}

export interface MaxPageOrder {
  /** MAX_PAGE_ORDER: the largest buddy order, inclusive */
  order: number
  /** the macro's name in that version */
  macro: 'MAX_ORDER' | 'MAX_PAGE_ORDER'
  /** the macro's value in that version (exclusive MAX_ORDER before 6.4 = order + 1) */
  macroValue: number
  /** MAX_ORDER_NR_PAGES */
  nrPages: number
  figures: Figure[]
}

/**
 * MAX_PAGE_ORDER for an arch/page size/version. `configured` is CONFIG_ARCH_FORCE_MAX_ORDER
 * (FORCE_MAX_ZONEORDER) as written in that version's Kconfig, i.e. exclusive before 6.4.
 * `thp` is CONFIG_TRANSPARENT_HUGEPAGE (default true; it matters for arm64 before 5.12).
 */
export function maxPageOrder(arch: MemArch, pageSize: number, version: KernelVersion, configured?: number, thp = true): MaxPageOrder {
  const inclusive = holds('max-order-inclusive', version)
  const renamed = holds('max-page-order-renamed', version)
  const def = defaultMaxPageOrder(arch, pageSize, version, thp)
  const order = configured === undefined ? def.order : inclusive ? configured : configured - 1
  const macroValue = inclusive ? order : order + 1
  const src = configured !== undefined ? `CONFIG_ARCH_FORCE_MAX_ORDER = ${configured}` : def.why
  const macro = renamed ? 'MAX_PAGE_ORDER' : 'MAX_ORDER'
  return {
    order,
    macro,
    macroValue,
    nrPages: 2 ** order,
    figures: [
      fig(
        'folio.max-page-order',
        'MAX_PAGE_ORDER (largest buddy order)',
        order,
        'order',
        inclusive ? `${macro} = ${order} (${src}, inclusive)` : `MAX_ORDER = ${macroValue} (exclusive, ${src}) → largest order ${order}`,
        `${macro} include/linux/mmzone.h; ARCH_FORCE_MAX_ORDER arch/*/Kconfig; ${cite(renamed ? 'max-page-order-renamed' : 'max-order-inclusive')}`,
        renamed ? versionsOf('max-page-order-renamed') : inclusive ? versionsBetween('max-order-inclusive', 'max-page-order-renamed') : versionsBefore('max-order-inclusive')
      ),
      fig('folio.max-order-nr-pages', 'MAX_ORDER_NR_PAGES', 2 ** order, 'pages', `1 << ${order}`, 'MAX_ORDER_NR_PAGES include/linux/mmzone.h', 'all')
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// pageblock_order (include/linux/pageblock-flags.h; set_pageblock_order() mm/mm_init.c)

export interface HugePageShift {
  /** HPAGE_SHIFT, or null when the arch has no HugeTLB pages (arm without LPAE, 32-bit powerpc here) */
  shift: number | null
  /** HUGETLB_PAGE_SIZE_VARIABLE: HPAGE_SHIFT is set at boot and pageblock_order by set_pageblock_order() */
  variable: boolean
  why: string
}

/**
 * HPAGE_SHIFT, the size of the PMD-level (default) huge page. x86: PMD_SHIFT (22 on 2-level
 * 32-bit paging, 21 with PAE and on x86_64; arch/x86/include/asm/page_types.h); arm64 and
 * loongarch: PMD_SHIFT = 2·PAGE_SHIFT − 3; riscv 21; s390 20 (1 MiB segment). powerpc64
 * Book3S: hpage_shift from hugetlbpage_init_defaultsize() arch/powerpc/mm/book3s64/hugetlbpage.c,
 * the first of 16M, 1M, 2M the MMU offers (16M on hash, 2M on radix): read here from the
 * scenario's huge page sizes.
 */
export function hugePageShift(arch: MemArch, pageShift: number, opts: { paging?: string; hugePageSizes?: number[] } = {}): HugePageShift {
  switch (arch) {
    case 'x86_64':
    case 'riscv64':
      return { shift: 21, variable: false, why: 'HPAGE_SHIFT = PMD_SHIFT = 21' }
    case 'x86':
      return opts.paging === 'pae'
        ? { shift: 21, variable: false, why: 'HPAGE_SHIFT = PMD_SHIFT = 21 (PAE)' }
        : { shift: 22, variable: false, why: 'HPAGE_SHIFT = PMD_SHIFT = PGDIR_SHIFT = 22 (2-level paging)' }
    case 'arm64':
    case 'loongarch64':
      return { shift: 2 * pageShift - 3, variable: false, why: `HPAGE_SHIFT = PMD_SHIFT = 2 × ${pageShift} − 3` }
    case 's390':
      return { shift: 20, variable: false, why: 'HPAGE_SHIFT = 20 (segment)' }
    case 'powerpc64': {
      const sizes = opts.hugePageSizes ?? []
      const pick = [16 * MiB, 1 * MiB, 2 * MiB].find((s) => sizes.includes(s))
      return pick
        ? { shift: Math.log2(pick), variable: true, why: `hpage_shift = ${pick / MiB} MiB, the first of 16M, 1M, 2M among the huge page sizes (hugetlbpage_init_defaultsize())` }
        : { shift: null, variable: true, why: 'no 16M, 1M or 2M huge page size: hpage_shift stays 0' }
    }
    default:
      return { shift: null, variable: false, why: `${arch}: no HugeTLB page size in this model` }
  }
}

export interface PageblockInput {
  arch: MemArch
  pageSize: number
  version: KernelVersion
  maxPageOrder: number
  /** CONFIG_HUGETLB_PAGE (default true) */
  hugetlb?: boolean
  /** CONFIG_TRANSPARENT_HUGEPAGE (default true) */
  thp?: boolean
  /** x86 paging mode ('pae' gives 2 MiB huge pages on 32-bit) */
  paging?: string
  /** the huge page sizes (powerpc64 takes its HPAGE_SHIFT from them) */
  hugePageSizes?: number[]
  /** override HPAGE_SHIFT − PAGE_SHIFT (HUGETLB_PAGE_ORDER / HPAGE_PMD_ORDER) */
  hugePageOrder?: number
  /** CONFIG_PAGE_BLOCK_MAX_ORDER (CONFIG_PAGE_BLOCK_ORDER in 6.16) */
  pageBlockMaxOrder?: number
}

export interface PageblockOrder {
  order: number
  pageBlockMaxOrder: number
  nrPages: number
  figures: Figure[]
}

/**
 * pageblock_order as include/linux/pageblock-flags.h defines it in each version:
 * - HUGETLB_PAGE: HUGETLB_PAGE_ORDER, capped at MAX_ORDER − 1 / MAX_PAGE_ORDER from 5.18
 *   (b3d40a2b6d10) and at PAGE_BLOCK_MAX_ORDER from 6.16 (e13e7922d034); with
 *   HUGETLB_PAGE_SIZE_VARIABLE set_pageblock_order() does the same at boot when HPAGE_SHIFT > PAGE_SHIFT;
 * - THP without HUGETLB_PAGE: HPAGE_PMD_ORDER from 6.10 (72801513b2bf), the top order before;
 * - neither: MAX_ORDER − 1 / MAX_PAGE_ORDER / PAGE_BLOCK_MAX_ORDER.
 */
export function pageblockOrder(i: PageblockInput): PageblockOrder {
  const pageShift = log2Exact(i.pageSize)
  const has616 = holds('page-block-max-order', i.version)
  const kconfig = holds('page-block-max-order-renamed', i.version) ? 'CONFIG_PAGE_BLOCK_MAX_ORDER' : 'CONFIG_PAGE_BLOCK_ORDER'
  const top = has616 ? (i.pageBlockMaxOrder ?? i.maxPageOrder) : i.maxPageOrder
  const topName = has616 ? `PAGE_BLOCK_MAX_ORDER ${top}` : holds('max-order-inclusive', i.version) ? `MAX_PAGE_ORDER ${top}` : `MAX_ORDER − 1 = ${top}`
  const capped = holds('pageblock-order-capped', i.version)
  const hps = hugePageShift(i.arch, pageShift, { paging: i.paging, hugePageSizes: i.hugePageSizes })
  const huge = i.hugePageOrder ?? (hps.shift !== null && hps.shift > pageShift ? hps.shift - pageShift : null)
  const hugetlb = (i.hugetlb ?? true) && hps.shift !== null
  const thp = (i.thp ?? true) && huge !== null
  let order: number
  let formula: string
  let fact: FactId
  if (hugetlb && huge !== null) {
    order = capped ? Math.min(huge, top) : huge
    const what = hps.variable ? `set_pageblock_order(): HUGETLB_PAGE_ORDER = HPAGE_SHIFT − PAGE_SHIFT = ${huge} (${hps.why})` : `HUGETLB_PAGE_ORDER ${huge} (${hps.why})`
    formula = capped ? `min(${what}, ${topName})` : `${what}, uncapped`
    fact = 'pageblock-order-capped'
  } else if (!hugetlb && thp && huge !== null && holds('pageblock-order-thp', i.version)) {
    order = Math.min(huge, top)
    formula = `!HUGETLB_PAGE, THP: min(HPAGE_PMD_ORDER ${huge}, ${topName})`
    fact = 'pageblock-order-thp'
  } else {
    order = top
    formula = hugetlb
      ? `${hps.why} → ${topName}`
      : `${i.hugetlb === false ? '!HUGETLB_PAGE' : hps.why}${thp && !holds('pageblock-order-thp', i.version) ? ` (THP is ignored ${versionsBefore('pageblock-order-thp')})` : ''} → ${topName}`
    fact = 'pageblock-order-thp'
  }
  return {
    order,
    pageBlockMaxOrder: top,
    nrPages: 2 ** order,
    figures: [
      fig(
        'folio.pageblock-max-order',
        'PAGE_BLOCK_MAX_ORDER',
        top,
        'order',
        has616 ? `${kconfig}${i.pageBlockMaxOrder === undefined ? ' (default MAX_PAGE_ORDER)' : ''} = ${top}` : `no Kconfig: the top buddy order ${top}`,
        `PAGE_BLOCK_MAX_ORDER include/linux/pageblock-flags.h; ${cite('page-block-max-order')}`,
        era('page-block-max-order', i.version)
      ),
      fig(
        'folio.pageblock-order',
        'pageblock_order',
        order,
        'order',
        formula,
        `pageblock_order include/linux/pageblock-flags.h, set_pageblock_order() mm/mm_init.c; ${cite(fact)}`,
        era(fact, i.version)
      )
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// MAX_FOLIO_ORDER (include/linux/mm.h 6.18, include/linux/mmzone.h 7.1; MAX_FOLIO_NR_PAGES 6.9)

/**
 * ARCH_HAS_GIGANTIC_PAGE, HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD and PUD_SHIFT per arch:
 * x86_64 PUD 30 (both); arm64 PUD_SHIFT = ARM64_HW_PGTABLE_LEVEL_SHIFT(1) = 3·(PAGE_SHIFT − 3) + 3
 * (30, 36, 42 for 4K, 16K, 64K; arch/arm64/include/asm/pgtable-hwdef.h), no PUD THP;
 * riscv PUD 30 (pgtable-64.h), PUD THP from 7.0; s390 _REGION3_SHIFT 31; loongarch
 * PMD_SHIFT + PAGE_SHIFT − 3 and no gigantic pages; powerpc64 gigantic via radix (hugetlbfs
 * from 6.18-rc6, 39231e8d6ba7), PUD THP via PPC_THP, PUD 30 (radix; runtime-sized on hash).
 */
function archFolioFacts(arch: MemArch, pageShift: number, version: KernelVersion): { gigantic: boolean; thpPud: boolean; pudShift: number; why: string } {
  switch (arch) {
    case 'x86_64':
      return { gigantic: true, thpPud: true, pudShift: 30, why: 'PUD_SHIFT 30' }
    case 'arm64':
      return { gigantic: true, thpPud: false, pudShift: 3 * (pageShift - 3) + 3, why: `PUD_SHIFT = 3 × (${pageShift} − 3) + 3` }
    case 'riscv64':
      return { gigantic: true, thpPud: holds('riscv-thp-pud', version), pudShift: 30, why: 'PUD_SHIFT 30' }
    case 's390':
      return { gigantic: true, thpPud: false, pudShift: 31, why: 'PUD_SHIFT = _REGION3_SHIFT = 31' }
    case 'powerpc64':
      return { gigantic: true, thpPud: true, pudShift: 30, why: 'PUD_SHIFT 30 (radix; hash sizes it at boot)' }
    case 'loongarch64':
      return { gigantic: false, thpPud: false, pudShift: 3 * pageShift - 6, why: `PUD_SHIFT = PMD_SHIFT + PAGE_SHIFT − 3 = ${3 * pageShift - 6}` }
    default:
      return { gigantic: false, thpPud: false, pudShift: 30, why: 'no gigantic pages on 32-bit here' }
  }
}

export interface FolioConfig {
  arch: MemArch
  pageSize: number
  version: KernelVersion
  maxPageOrder: number
  /** PFN_SECTION_SHIFT (non-VMEMMAP SPARSEMEM keeps folios inside a section) */
  pfnSectionShift: number
  memoryModel: 'sparsemem-vmemmap' | 'sparsemem' | 'flatmem'
  /** CONFIG_HUGETLB_PAGE (default true) */
  hugetlb?: boolean
  /** CONFIG_ZONE_DEVICE (default false) */
  zoneDevice?: boolean
  archHasGiganticPage?: boolean
  thpPud?: boolean
  pudOrder?: number
  /** 64-bit kernel (default true) */
  is64bit?: boolean
}

export interface MaxFolioOrder {
  /** the MAX_FOLIO_ORDER macro exists in this version (6.18+) */
  defined: boolean
  /** the name of the kernel's constant in this version (MAX_FOLIO_NR_PAGES in 6.9–6.17), or null */
  macro: 'MAX_FOLIO_ORDER' | 'MAX_FOLIO_NR_PAGES' | null
  order: number
  nrPages: number
  bytes: number
  haveGiganticFolios: boolean
  figures: Figure[]
}

/**
 * The largest folio order of a configuration:
 * - ≥ 6.18-rc6 (39231e8d6ba7): !HAVE_GIGANTIC_FOLIOS → MAX_PAGE_ORDER; SPARSEMEM without
 *   VMEMMAP → PFN_SECTION_SHIFT; HUGETLB_PAGE → ilog2(SZ_16G) − PAGE_SHIFT (SZ_1G on 32-bit);
 *   else PUD_ORDER. HAVE_GIGANTIC_FOLIOS = (HUGETLB_PAGE && ARCH_HAS_GIGANTIC_PAGE) ||
 *   (ZONE_DEVICE && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD) (mm/Kconfig).
 * - 6.18-rc1…rc5 (4751c39eee0c): !ARCH_HAS_GIGANTIC_PAGE → MAX_PAGE_ORDER; SPARSEMEM without
 *   VMEMMAP → PFN_SECTION_SHIFT; else PUD_ORDER.
 * - 6.9–6.17 (fae7d834c43c): MAX_FOLIO_NR_PAGES = ARCH_HAS_GIGANTIC_PAGE ? 1 << PUD_ORDER : MAX_ORDER_NR_PAGES.
 * - before 6.9 no constant names it; the 6.9 rule is shown as the largest folio the
 *   configuration's huge pages make, marked as such.
 */
export function maxFolioOrder(c: FolioConfig): MaxFolioOrder {
  const pageShift = log2Exact(c.pageSize)
  const facts = archFolioFacts(c.arch, pageShift, c.version)
  const hugetlb = c.hugetlb ?? true
  const gigantic = c.archHasGiganticPage ?? facts.gigantic
  const thpPud = c.thpPud ?? facts.thpPud
  const pudOrder = c.pudOrder ?? facts.pudShift - pageShift
  const pudText = `PUD_ORDER = ${pudOrder}${c.pudOrder === undefined ? ` (${facts.why} − PAGE_SHIFT ${pageShift})` : ''}`
  const rc6 = holds('have-gigantic-folios', c.version)
  const rc1 = holds('max-folio-order', c.version)
  const nrPages = holds('max-folio-nr-pages', c.version)
  const haveGigantic = (hugetlb && gigantic) || ((c.zoneDevice ?? false) && thpPud)
  let order: number
  let formula: string
  let fact: FactId
  if (rc6 || rc1) {
    // 6.18: the gate is HAVE_GIGANTIC_FOLIOS from rc6, ARCH_HAS_GIGANTIC_PAGE before it
    fact = rc6 ? 'have-gigantic-folios' : 'max-folio-order'
    const gate = rc6 ? haveGigantic : gigantic
    if (!gate) {
      order = c.maxPageOrder
      formula = `!${rc6 ? 'HAVE_GIGANTIC_FOLIOS' : 'ARCH_HAS_GIGANTIC_PAGE'} → MAX_PAGE_ORDER = ${order}`
    } else if (c.memoryModel === 'sparsemem') {
      order = c.pfnSectionShift
      formula = `SPARSEMEM && !SPARSEMEM_VMEMMAP → PFN_SECTION_SHIFT = ${order}`
    } else if (rc6 && hugetlb) {
      const capLog = (c.is64bit ?? true) ? 34 : 30
      order = capLog - pageShift
      formula = `HUGETLB_PAGE → ilog2(SZ_${(c.is64bit ?? true) ? '16G' : '1G'}) − PAGE_SHIFT = ${capLog} − ${pageShift}`
    } else {
      order = pudOrder
      formula = pudText
    }
  } else {
    fact = 'max-folio-nr-pages'
    order = gigantic ? pudOrder : c.maxPageOrder
    formula = gigantic ? `MAX_FOLIO_NR_PAGES = 1 << PUD_ORDER: ${pudText}` : `MAX_FOLIO_NR_PAGES = MAX_ORDER_NR_PAGES: order ${order}`
    if (!nrPages) formula += ` (no constant names the largest folio ${versionsBefore('max-folio-nr-pages')}; the 6.9 rule)`
  }
  const defined = rc1
  const macro = rc1 ? 'MAX_FOLIO_ORDER' : nrPages ? 'MAX_FOLIO_NR_PAGES' : null
  const where = holds('max-folio-order-in-mmzone', c.version) ? 'include/linux/mmzone.h' : 'include/linux/mm.h'
  return {
    defined,
    macro,
    order,
    nrPages: 2 ** order,
    bytes: 2 ** (order + pageShift),
    haveGiganticFolios: haveGigantic,
    figures: [
      fig(
        'folio.have-gigantic-folios',
        'HAVE_GIGANTIC_FOLIOS',
        haveGigantic,
        'flag',
        `(HUGETLB_PAGE ${hugetlb} && ARCH_HAS_GIGANTIC_PAGE ${gigantic}) || (ZONE_DEVICE ${c.zoneDevice ?? false} && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD ${thpPud})${rc6 ? '' : ' (the Kconfig symbol does not exist in this version)'}`,
        `HAVE_GIGANTIC_FOLIOS mm/Kconfig; ${cite('have-gigantic-folios')}`,
        versionsOf('have-gigantic-folios')
      ),
      fig('folio.max-folio-order', 'MAX_FOLIO_ORDER', order, 'order', formula, `${macro ?? 'MAX_FOLIO_NR_PAGES'} ${where}; ${cite(fact)}`, era(fact, c.version)),
      fig('folio.max-folio-bytes', 'largest folio', 2 ** (order + pageShift), 'bytes', `PAGE_SIZE << MAX_FOLIO_ORDER = ${c.pageSize} << ${order}`, `MAX_FOLIO_NR_PAGES ${where}`, era(fact, c.version))
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// The mask-encoded compound_info (v7.1, 8c846c879e22) and its alignment requirements

/** compound_info_has_mask() = IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(S), v7.1+. */
export function compoundInfoHasMask(version: KernelVersion, hvoConfigured: boolean, structPageSize: number): boolean {
  return holds('compound-info-mask', version) && hvoConfigured && isPow2(structPageSize)
}

export interface MemmapAlignmentInput {
  version: KernelVersion
  /** CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP */
  hvoConfigured: boolean
  structPageSize: number
  /** addr(pfn_to_page(0)), i.e. vmemmap */
  pfnToPage0: Addr
  maxFolioOrder: number
}

/** MAX_FOLIO_VMEMMAP_ALIGN (include/linux/mmzone.h, v7.1): MAX_FOLIO_NR_PAGES · S when the mask is used, else 0 */
export function maxFolioVmemmapAlign(version: KernelVersion, hvoConfigured: boolean, structPageSize: number, maxFolioOrderValue: number): bigint {
  return compoundInfoHasMask(version, hvoConfigured, structPageSize) ? (1n << BigInt(maxFolioOrderValue)) * BigInt(structPageSize) : 0n
}

/** The sparse_init() check of v7.1 (9f94db4c7eaa), only compiled in when compound_info_has_mask(). */
export function memmapAlignmentCheck(i: MemmapAlignmentInput): Check {
  const active = compoundInfoHasMask(i.version, i.hvoConfigured, i.structPageSize)
  const base = toBig(i.pfnToPage0)
  const align = (1n << BigInt(i.maxFolioOrder)) * BigInt(i.structPageSize)
  const aligned = base % align === 0n
  return {
    id: 'folio.memmap-alignment',
    title: active ? 'pfn_to_page(0) is aligned to MAX_FOLIO_VMEMMAP_ALIGN' : 'memmap alignment check not compiled in (no mask-encoded compound_info)',
    pass: !active || aligned,
    severity: 'warning',
    condition: 'compound_info_has_mask() ⇒ addr(pfn_to_page(0)) % (MAX_FOLIO_NR_PAGES × S) == 0',
    values: {
      active,
      atLeast71: holds('memmap-alignment-check', i.version),
      hvoConfigured: i.hvoConfigured,
      structPageSizePow2: isPow2(i.structPageSize),
      pfnToPage0: hex(base),
      required: hex(align),
      actual: hex(lowbit(base)),
      aligned
    },
    ref: `VM_WARN_ON_ONCE(!IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) sparse_init() mm/sparse.c; ${cite('memmap-alignment-check')}`,
    versions: versionsOf('memmap-alignment-check'),
    consequence: 'VM_WARN_ON_ONCE, only with CONFIG_DEBUG_VM; otherwise silent — compound_head() of large folios may return a wrong head'
  }
}

export interface FolioAlignmentInput {
  pfnToPage0: Addr
  /** first pfn of the compound page */
  pfn: number
  order: number
  structPageSize: number
  /** compound_info_has_mask(): a misaligned head then breaks compound_head() */
  maskMode: boolean
}

/**
 * The per-folio invariant the mask encoding relies on (the kernel checks only pfn_to_page(0)):
 * compound_head() computes page & compound_info, so addr(pfn_to_page(P)) % (2^k · S) == 0.
 */
export function folioAlignmentCheck(i: FolioAlignmentInput): Check {
  const S = BigInt(i.structPageSize)
  const head = toBig(i.pfnToPage0) + BigInt(i.pfn) * S
  const need = (1n << BigInt(i.order)) * S
  const pfnAligned = BigInt(i.pfn) % (1n << BigInt(i.order)) === 0n
  const aligned = head % need === 0n
  return {
    id: 'folio.head-alignment',
    title: `order-${i.order} folio at pfn ${hex(i.pfn)}: head struct page naturally aligned`,
    pass: pfnAligned && aligned,
    severity: i.maskMode ? 'error' : 'info',
    condition: 'pfn % 2^k == 0 && addr(pfn_to_page(pfn)) % (2^k × S) == 0',
    values: { pfn: hex(i.pfn), order: i.order, head: hex(head), required: hex(need), actual: hex(lowbit(head)), pfnAligned, maskMode: i.maskMode },
    ref: 'set_compound_head(), compound_head() include/linux/page-flags.h',
    versions: `${versionsOf('compound-info-mask')} (mask encoding); advisory before`,
    consequence: i.maskMode ? 'compound_head() = tail & GENMASK(…, order + log2 S) lands on the wrong struct page' : 'none today: pointer-encoded compound_head'
  }
}

/** Where the memmap's alignment comes from. */
export type MemmapAlignment =
  | { kind: 'address'; address: Addr }
  | { kind: 'bytes'; bytes: number; why?: string }
  /** PMD-mapped vmemmap: the base is only known to be PMD aligned (default 2 MiB) */
  | { kind: 'pmd-vmemmap'; pmdSize?: number }
  /** x86 RANDOMIZE_MEMORY: vmemmap_base moves in 1 GiB (PUD) steps; the worst case is 1 GiB */
  | { kind: 'x86-kaslr' }
  /** SPARSEMEM without VMEMMAP, hot-added section: populate_section_memmap() → kvmalloc_node(), PAGE_SIZE at worst (vmalloc) */
  | { kind: 'kvmalloc' }
  /**
   * SPARSEMEM without VMEMMAP, boot section: carved from the node's sparse buffer at
   * roundup(cursor, section_map_size()) (aligned: sparse-buffer-section-aligned) or at the
   * PAGE_SIZE-aligned cursor before that
   */
  | { kind: 'section-buffer'; sectionMapSize: number; aligned: boolean }
  /** FLATMEM: alloc_node_mem_map() → memmap_alloc(size, SMP_CACHE_BYTES, …) */
  | { kind: 'flatmem'; cacheBytes?: number }

export function alignmentBytes(a: MemmapAlignment, pageSize: number): { bytes: bigint; why: string; ref: string } {
  switch (a.kind) {
    case 'address': {
      const v = toBig(a.address)
      return { bytes: lowbit(v), why: `lowbit(${hex(v)})`, ref: 'pfn_to_page(0) = vmemmap' }
    }
    case 'bytes':
      return { bytes: BigInt(a.bytes), why: a.why ?? 'given', ref: 'input' }
    case 'pmd-vmemmap':
      return { bytes: BigInt(a.pmdSize ?? 2 * MiB), why: 'PMD-mapped vmemmap', ref: 'vmemmap_populate_hugepages() mm/sparse-vmemmap.c' }
    case 'x86-kaslr':
      return { bytes: BigInt(GiB), why: 'KASLR vmemmap_base in PUD (1 GiB) steps, worst case', ref: 'kernel_randomize_memory() arch/x86/mm/kaslr.c' }
    case 'kvmalloc':
      return { bytes: BigInt(pageSize), why: 'hot-added section: kvmalloc_node() may fall back to vmalloc, PAGE_SIZE aligned', ref: 'populate_section_memmap() mm/sparse.c' }
    case 'section-buffer':
      return a.aligned
        ? {
            bytes: BigInt(a.sectionMapSize),
            why: `boot section: sparse_buffer_alloc() at roundup(cursor, section_map_size() = ${bytesText(a.sectionMapSize)})`,
            ref: `sparse_buffer_alloc() mm/sparse.c; ${cite('sparse-buffer-section-aligned')}`
          }
        : {
            bytes: BigInt(pageSize),
            why: 'boot section: the sparse buffer cursor is only PAGE_SIZE aligned',
            ref: `sparse_buffer_alloc() mm/sparse.c (${versionsBefore('sparse-buffer-section-aligned')})`
          }
    case 'flatmem':
      return { bytes: BigInt(a.cacheBytes ?? 64), why: 'node_mem_map: memmap_alloc(size, SMP_CACHE_BYTES)', ref: 'alloc_node_mem_map() mm/mm_init.c' }
  }
}

export interface MaxAlignedFolioInput {
  alignment: MemmapAlignment
  structPageSize: number
  pageSize: number
  /** configured hugetlb page sizes in bytes, e.g. [2 MiB, 1 GiB, 16 GiB] */
  hugePageSizes?: number[]
  /** compound_info_has_mask() (failures are errors then) */
  maskMode?: boolean
  /** MAX_FOLIO_ORDER, to compare with the supported order */
  maxFolioOrder?: number
  /** which memmaps this alignment is for (e.g. 'hot-added sections'): suffixes ids and titles */
  scope?: { id: string; title: string }
}

export interface MaxAlignedFolio {
  alignmentBytes: string
  /** largest order k with (2^k · S) | alignment; −1 when not even order 0 (S not a power of two) */
  maxOrder: number
  maxPages: number
  maxBytes: number
  figures: Figure[]
  checks: Check[]
}

/**
 * The largest folio whose struct pages a memmap base alignment A keeps naturally aligned:
 * A = lowbit(pfn_to_page(0)); max_pages = A / S (compound_head() include/linux/page-flags.h with
 * MAX_FOLIO_NR_PAGES include/linux/mmzone.h); flag huge page sizes above max_pages · PAGE_SIZE.
 */
export function maxAlignedFolio(i: MaxAlignedFolioInput): MaxAlignedFolio {
  const a = alignmentBytes(i.alignment, i.pageSize)
  const S = BigInt(i.structPageSize)
  // the largest k with 2^k · S dividing A (a power-of-two A is never a multiple of a
  // non-power-of-two S; a section buffer's A = PAGES_PER_SECTION · S is)
  let maxOrder = -1
  while (a.bytes > 0n && maxOrder < 63 && a.bytes % ((1n << BigInt(maxOrder + 1)) * S) === 0n) maxOrder++
  const sc = i.scope
  const maxPages = maxOrder >= 0 ? 2 ** maxOrder : 0
  const maxBytes = maxPages * i.pageSize
  const sev: Check['severity'] = i.maskMode ? 'error' : 'info'
  const ref = 'compound_info_has_mask(), compound_head() include/linux/page-flags.h'
  const checks: Check[] = (i.hugePageSizes ?? []).map((size) => {
    const order = orderBase2(size / i.pageSize)
    return {
      id: `folio.hugepage-aligned.${size}${sc ? '.' + sc.id : ''}`,
      title: `${bytesText(size)} huge pages have naturally aligned struct pages${sc ? ` (${sc.title})` : ''}`,
      pass: order <= maxOrder,
      severity: sev,
      condition: 'hugepage_size ≤ (A / S) × PAGE_SIZE',
      values: { hugePageSize: size, order, alignment: hex(a.bytes), maxOrder, maxBytes },
      ref,
      versions: `${versionsOf('compound-info-mask')} (mask encoding); advisory before`,
      consequence: i.maskMode ? 'compound_head() of tail pages of such a page returns a wrong head (silent corruption)' : 'none while compound_head is pointer-encoded'
    }
  })
  if (i.maxFolioOrder !== undefined) {
    checks.push({
      id: `folio.max-folio-supported${sc ? '.' + sc.id : ''}`,
      title: `MAX_FOLIO_ORDER folios have naturally aligned struct pages${sc ? ` (${sc.title})` : ''}`,
      pass: i.maxFolioOrder <= maxOrder,
      severity: sev,
      condition: 'MAX_FOLIO_ORDER ≤ log2(A / S)',
      values: { MAX_FOLIO_ORDER: i.maxFolioOrder, maxOrder, alignment: hex(a.bytes) },
      ref,
      versions: versionsOf('compound-info-mask'),
      consequence: 'folios of the top orders break the mask-encoded compound_head()'
    })
  }
  return {
    alignmentBytes: hex(a.bytes),
    maxOrder,
    maxPages,
    maxBytes,
    figures: [
      fig(`folio.memmap-alignment${sc ? '.' + sc.id : ''}`, `memmap base alignment A${sc ? ` (${sc.title})` : ''}`, hex(a.bytes), 'address', a.why, a.ref, 'all'),
      fig(
        `folio.max-aligned-order${sc ? '.' + sc.id : ''}`,
        `largest naturally aligned folio order${sc ? ` (${sc.title})` : ''}`,
        maxOrder,
        'order',
        maxOrder < 0 ? `S = ${i.structPageSize}: A = ${hex(a.bytes)} is not a multiple of S` : `largest k with 2^k × S dividing A = ${hex(a.bytes)} (S = ${i.structPageSize})`,
        ref,
        'all'
      ),
      fig(
        `folio.max-aligned-bytes${sc ? '.' + sc.id : ''}`,
        `largest naturally aligned folio${sc ? ` (${sc.title})` : ''}`,
        maxBytes,
        'bytes',
        `2^${Math.max(maxOrder, 0)} × PAGE_SIZE = ${maxPages} × ${i.pageSize}`,
        ref,
        'all'
      )
    ],
    checks
  }
}
