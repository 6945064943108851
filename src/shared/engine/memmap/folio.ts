// Orders and folio alignment (kernel-memmap-spec §4, §9 items 12–13): MAX_PAGE_ORDER,
// pageblock_order, MAX_FOLIO_ORDER, the v7.1 memmap alignment check, the per-folio natural
// alignment invariant of the mask-encoded compound_info, and the inverse question: how large a
// folio can a given memmap alignment carry.

import { atLeast, type KernelVersion } from '../version.ts'
import { fig, isPow2, log2Exact, type MemArch } from './sparse.ts'
import { hex, lowbit, orderBase2, type Check, type Figure } from './types.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

export type Addr = bigint | string
export const toBig = (a: Addr): bigint => (typeof a === 'bigint' ? a : BigInt(a))

// ---------------------------------------------------------------------------------------------
// MAX_PAGE_ORDER (§4.1)

/** Default MAX_PAGE_ORDER (inclusive, ≥ 6.4 meaning) per arch and page size; arm64 from arch/arm64/Kconfig. */
function defaultMaxPageOrder(arch: MemArch, pageSize: number): { order: number; inferred: boolean } {
  if (arch === 'arm64') return { order: pageSize === 64 * KiB ? 13 : pageSize === 16 * KiB ? 11 : 10, inferred: false }
  if (arch === 'loongarch64') return { order: pageSize === 64 * KiB ? 13 : pageSize === 16 * KiB ? 11 : 10, inferred: true }
  if (arch === 'powerpc64') return { order: pageSize === 64 * KiB ? 8 : 10, inferred: true }
  return { order: 10, inferred: false }
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
 */
export function maxPageOrder(arch: MemArch, pageSize: number, version: KernelVersion, configured?: number): MaxPageOrder {
  const inclusive = atLeast(version, '6.4-rc1')
  const renamed = atLeast(version, '6.8-rc1')
  const def = defaultMaxPageOrder(arch, pageSize)
  const order = configured === undefined ? def.order : inclusive ? configured : configured - 1
  const macroValue = inclusive ? order : order + 1
  const src = configured !== undefined ? `CONFIG_ARCH_FORCE_MAX_ORDER = ${configured}` : `default for ${arch} ${pageSize / KiB}K${def.inferred ? ' (inferred)' : ''}`
  return {
    order,
    macro: renamed ? 'MAX_PAGE_ORDER' : 'MAX_ORDER',
    macroValue,
    nrPages: 2 ** order,
    figures: [
      fig(
        'folio.max-page-order',
        'MAX_PAGE_ORDER (largest buddy order)',
        order,
        'order',
        inclusive ? `${renamed ? 'MAX_PAGE_ORDER' : 'MAX_ORDER'} = ${order} (${src}, inclusive)` : `MAX_ORDER = ${macroValue} (exclusive, ${src}) → largest order ${order}`,
        'MAX_PAGE_ORDER include/linux/mmzone.h; ARCH_FORCE_MAX_ORDER arch/*/Kconfig',
        renamed ? '≥ 6.8' : inclusive ? '6.4–6.7' : '≤ 6.3'
      ),
      fig('folio.max-order-nr-pages', 'MAX_ORDER_NR_PAGES', 2 ** order, 'pages', `1 << ${order}`, 'MAX_ORDER_NR_PAGES include/linux/mmzone.h', 'all')
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// pageblock_order (§4.2)

/** HUGETLB_PAGE_ORDER = HPAGE_SHIFT − PAGE_SHIFT, the PMD-level huge page of each arch. */
function defaultHugetlbPageOrder(arch: MemArch, pageShift: number): { order: number | null; inferred: boolean; variable: boolean } {
  switch (arch) {
    case 'x86_64':
    case 'riscv64':
      return { order: 21 - pageShift, inferred: false, variable: false }
    case 'arm64':
      return { order: pageShift - 3, inferred: false, variable: false } // PMD_SHIFT = 2·PAGE_SHIFT − 3
    case 'loongarch64':
      return { order: pageShift - 3, inferred: true, variable: false }
    case 's390':
      return { order: 20 - pageShift, inferred: true, variable: false } // 1 MiB segment
    case 'powerpc64':
      return { order: 24 - pageShift, inferred: true, variable: true } // hash 16 MiB default page; set_pageblock_order()
    case 'x86':
      return { order: 22 - pageShift, inferred: true, variable: false } // non-PAE 4 MiB
    default:
      return { order: null, inferred: true, variable: false }
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
  /** override HUGETLB_PAGE_ORDER / HPAGE_PMD_ORDER (e.g. powerpc64 radix: 21 − PAGE_SHIFT) */
  hugePageOrder?: number
  /** CONFIG_PAGE_BLOCK_MAX_ORDER (6.16+) */
  pageBlockMaxOrder?: number
}

export interface PageblockOrder {
  order: number
  pageBlockMaxOrder: number
  nrPages: number
  figures: Figure[]
}

export function pageblockOrder(i: PageblockInput): PageblockOrder {
  const pageShift = log2Exact(i.pageSize)
  const has616 = atLeast(i.version, '6.16-rc1')
  const pbMax = has616 ? (i.pageBlockMaxOrder ?? i.maxPageOrder) : i.maxPageOrder
  const def = defaultHugetlbPageOrder(i.arch, pageShift)
  const hugeOrNull = i.hugePageOrder ?? def.order
  const hugetlb = (i.hugetlb ?? true) && hugeOrNull !== null
  const thp = (i.thp ?? true) && hugeOrNull !== null
  const huge = hugeOrNull ?? i.maxPageOrder
  let order: number
  let formula: string
  if (hugetlb && def.variable && i.hugePageOrder === undefined) {
    // CONFIG_HUGETLB_PAGE_SIZE_VARIABLE: set_pageblock_order() from sparse_init()
    order = Math.min(huge > 0 ? huge : i.maxPageOrder, pbMax)
    formula = `set_pageblock_order(): HPAGE_SHIFT − PAGE_SHIFT = ${huge} (inferred default hugepage), min with PAGE_BLOCK_MAX_ORDER ${pbMax}`
  } else if (hugetlb) {
    order = Math.min(huge, pbMax)
    formula = `min(HUGETLB_PAGE_ORDER ${huge}, PAGE_BLOCK_MAX_ORDER ${pbMax})`
  } else if (thp) {
    order = Math.min(huge, pbMax)
    formula = `min(HPAGE_PMD_ORDER ${huge}, PAGE_BLOCK_MAX_ORDER ${pbMax})`
  } else {
    order = pbMax
    formula = `PAGE_BLOCK_MAX_ORDER = ${pbMax}`
  }
  return {
    order,
    pageBlockMaxOrder: pbMax,
    nrPages: 2 ** order,
    figures: [
      fig('folio.pageblock-max-order', 'PAGE_BLOCK_MAX_ORDER', pbMax, 'order', has616 ? `CONFIG_PAGE_BLOCK_MAX_ORDER${i.pageBlockMaxOrder === undefined ? ' (default MAX_PAGE_ORDER)' : ''} = ${pbMax}` : `MAX_PAGE_ORDER = ${pbMax}`, 'PAGE_BLOCK_MAX_ORDER include/linux/pageblock-flags.h', has616 ? '≥ 6.16' : '≤ 6.15'),
      fig('folio.pageblock-order', 'pageblock_order', order, 'order', formula + (def.inferred && i.hugePageOrder === undefined ? ' (inferred hugepage order)' : ''), 'pageblock_order include/linux/pageblock-flags.h', 'all')
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// MAX_FOLIO_ORDER (§4.3)

/** ARCH_HAS_GIGANTIC_PAGE, HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD and PUD_SHIFT per arch (partly inferred). */
function archFolioFacts(arch: MemArch, pageShift: number): { gigantic: boolean; thpPud: boolean; pudShift: number; inferred: boolean } {
  switch (arch) {
    case 'x86_64':
      return { gigantic: true, thpPud: true, pudShift: 30, inferred: false }
    case 'arm64':
      // 4K: 1 GiB PUD; 16K (4 levels, 48-bit VA): 47; 64K (3 levels): PUD folded into PGD, 42
      return { gigantic: true, thpPud: false, pudShift: pageShift === 12 ? 30 : pageShift === 14 ? 47 : 42, inferred: pageShift !== 12 }
    case 'riscv64':
      return { gigantic: true, thpPud: false, pudShift: 30, inferred: true }
    case 's390':
      return { gigantic: true, thpPud: false, pudShift: 31, inferred: true }
    case 'powerpc64':
      return { gigantic: true, thpPud: true, pudShift: 30, inferred: true }
    case 'loongarch64':
      return { gigantic: false, thpPud: false, pudShift: 3 * pageShift - 6, inferred: true }
    default:
      return { gigantic: false, thpPud: false, pudShift: 30, inferred: true }
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
  order: number
  nrPages: number
  bytes: number
  haveGiganticFolios: boolean
  figures: Figure[]
}

export function maxFolioOrder(c: FolioConfig): MaxFolioOrder {
  const pageShift = log2Exact(c.pageSize)
  const facts = archFolioFacts(c.arch, pageShift)
  const hugetlb = c.hugetlb ?? true
  const gigantic = c.archHasGiganticPage ?? facts.gigantic
  const thpPud = c.thpPud ?? facts.thpPud
  const pudOrder = c.pudOrder ?? facts.pudShift - pageShift
  // Kconfig HAVE_GIGANTIC_FOLIOS (mm/Kconfig, 6.18)
  const haveGigantic = (hugetlb && gigantic) || ((c.zoneDevice ?? false) && thpPud)
  let order: number
  let formula: string
  if (!haveGigantic) {
    order = c.maxPageOrder
    formula = `!HAVE_GIGANTIC_FOLIOS → MAX_PAGE_ORDER = ${order}`
  } else if (c.memoryModel === 'sparsemem') {
    order = c.pfnSectionShift
    formula = `SPARSEMEM && !SPARSEMEM_VMEMMAP → PFN_SECTION_SHIFT = ${order}`
  } else if (hugetlb) {
    const capLog = (c.is64bit ?? true) ? 34 : 30
    order = capLog - pageShift
    formula = `HUGETLB_PAGE → ilog2(SZ_${(c.is64bit ?? true) ? '16G' : '1G'}) − PAGE_SHIFT = ${capLog} − ${pageShift}`
  } else {
    order = pudOrder
    formula = `PUD_ORDER = ${pudOrder}${facts.inferred && c.pudOrder === undefined ? ' (inferred PUD_SHIFT)' : ''}`
  }
  const defined = atLeast(c.version, '6.18-rc1')
  return {
    defined,
    order,
    nrPages: 2 ** order,
    bytes: 2 ** (order + pageShift),
    haveGiganticFolios: haveGigantic,
    figures: [
      fig('folio.have-gigantic-folios', 'HAVE_GIGANTIC_FOLIOS', haveGigantic, 'flag', `(HUGETLB_PAGE ${hugetlb} && ARCH_HAS_GIGANTIC_PAGE ${gigantic}) || (ZONE_DEVICE ${c.zoneDevice ?? false} && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD ${thpPud})`, 'HAVE_GIGANTIC_FOLIOS mm/Kconfig', '≥ 6.18'),
      fig(
        'folio.max-folio-order',
        'MAX_FOLIO_ORDER',
        order,
        'order',
        defined ? formula : `${formula} (no MAX_FOLIO_ORDER before 6.18; the value is the largest folio this configuration builds, inferred)`,
        'MAX_FOLIO_ORDER include/linux/mm.h (6.18), include/linux/mmzone.h (7.1)',
        defined ? '≥ 6.18' : '≤ 6.17 (inferred)'
      ),
      fig('folio.max-folio-bytes', 'largest folio', 2 ** (order + pageShift), 'bytes', `PAGE_SIZE << MAX_FOLIO_ORDER = ${c.pageSize} << ${order}`, 'MAX_FOLIO_NR_PAGES include/linux/mmzone.h', defined ? '≥ 6.18' : '≤ 6.17 (inferred)')
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// The mask-encoded compound_info (v7.1, §4.4) and its alignment requirements (§9 items 12, 13)

/** HVO (ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) selectable by arch and version (§5; partly inferred). */
export function hvoAvailable(arch: MemArch, version: KernelVersion): { available: boolean; versions: string } {
  switch (arch) {
    case 'x86_64':
      return { available: atLeast(version, '5.14-rc1'), versions: '≥ 5.14' }
    case 'arm64':
      // enabled 5.19, reverted in 6.3-rc (060a2c92d1b6, break-before-make)
      return { available: atLeast(version, '5.19-rc1') && !atLeast(version, '6.3-rc1'), versions: '5.19–6.2' }
    case 'riscv64':
      return { available: atLeast(version, '6.3-rc1'), versions: '≥ 6.3' }
    case 's390':
      return { available: atLeast(version, '6.2-rc1'), versions: '≥ 6.2 (inferred)' }
    case 'loongarch64':
      return { available: atLeast(version, '6.2-rc1'), versions: '≥ 6.2 (inferred)' }
    default:
      return { available: false, versions: 'never (for HugeTLB)' }
  }
}

/** compound_info_has_mask() = IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(S), v7.1+. */
export function compoundInfoHasMask(version: KernelVersion, hvoConfigured: boolean, structPageSize: number): boolean {
  return atLeast(version, '7.1-rc1') && hvoConfigured && isPow2(structPageSize)
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

/** §9 item 12: the sparse_init() check of v7.1 — only evaluated when compound_info_has_mask(). */
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
      atLeast71: atLeast(i.version, '7.1-rc1'),
      hvoConfigured: i.hvoConfigured,
      structPageSizePow2: isPow2(i.structPageSize),
      pfnToPage0: hex(base),
      required: hex(align),
      actual: hex(lowbit(base)),
      aligned
    },
    ref: 'VM_WARN_ON_ONCE(!IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) sparse_init() mm/sparse.c',
    versions: '≥ 7.1',
    spec: 12,
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

/** §9 item 12, the stronger per-folio invariant: addr(pfn_to_page(P)) % (2^k · S) == 0. */
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
    versions: '≥ 7.1 (mask encoding); advisory before',
    spec: 12,
    consequence: i.maskMode ? 'compound_head() = tail & GENMASK(…, order + log2 S) lands on the wrong struct page' : 'none today: pointer-encoded compound_head'
  }
}

/** Where the memmap's alignment comes from (§9 item 13). */
export type MemmapAlignment =
  | { kind: 'address'; address: Addr }
  | { kind: 'bytes'; bytes: number; why?: string }
  /** PMD-mapped vmemmap: the base is only known to be PMD aligned (default 2 MiB) */
  | { kind: 'pmd-vmemmap'; pmdSize?: number }
  /** x86 RANDOMIZE_MEMORY: vmemmap_base moves in 1 GiB (PUD) steps; the worst case is 1 GiB */
  | { kind: 'x86-kaslr' }
  /** non-VMEMMAP memmap from kvmalloc/memblock: PAGE_SIZE only */
  | { kind: 'kvmalloc' }

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
      return { bytes: BigInt(pageSize), why: 'PAGE_SIZE-aligned allocation', ref: 'memmap_alloc() mm/mm_init.c, __populate_section_memmap() mm/sparse.c' }
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

/** §9 item 13: A = lowbit(pfn_to_page(0)); max_pages = A / S; flag hugepage sizes above max_pages · PS. */
export function maxAlignedFolio(i: MaxAlignedFolioInput): MaxAlignedFolio {
  const a = alignmentBytes(i.alignment, i.pageSize)
  const S = BigInt(i.structPageSize)
  let maxOrder = -1
  if (isPow2(i.structPageSize)) {
    maxOrder = a.bytes >= S ? orderBase2(Number(a.bytes / S)) : -1
  } else {
    // a power-of-two alignment is never a multiple of a non-power-of-two S
    while (a.bytes % ((1n << BigInt(maxOrder + 1)) * S) === 0n) maxOrder++
  }
  const maxPages = maxOrder >= 0 ? 2 ** maxOrder : 0
  const maxBytes = maxPages * i.pageSize
  const sev: Check['severity'] = i.maskMode ? 'error' : 'info'
  const ref = 'compound_info_has_mask(), compound_head() include/linux/page-flags.h'
  const checks: Check[] = (i.hugePageSizes ?? []).map((size) => {
    const order = orderBase2(size / i.pageSize)
    return {
      id: `folio.hugepage-aligned.${size}`,
      title: `${size / MiB >= 1024 ? size / GiB + ' GiB' : size / MiB + ' MiB'} huge pages have naturally aligned struct pages`,
      pass: order <= maxOrder,
      severity: sev,
      condition: 'hugepage_size ≤ (A / S) × PAGE_SIZE',
      values: { hugePageSize: size, order, alignment: hex(a.bytes), maxOrder, maxBytes },
      ref,
      versions: '≥ 7.1 (mask encoding); advisory before',
      spec: 13,
      consequence: i.maskMode ? 'compound_head() of tail pages of such a page returns a wrong head (silent corruption)' : 'none while compound_head is pointer-encoded'
    }
  })
  if (i.maxFolioOrder !== undefined) {
    checks.push({
      id: 'folio.max-folio-supported',
      title: 'MAX_FOLIO_ORDER folios have naturally aligned struct pages',
      pass: i.maxFolioOrder <= maxOrder,
      severity: sev,
      condition: 'MAX_FOLIO_ORDER ≤ log2(A / S)',
      values: { MAX_FOLIO_ORDER: i.maxFolioOrder, maxOrder, alignment: hex(a.bytes) },
      ref,
      versions: '≥ 7.1',
      spec: 13,
      consequence: 'folios of the top orders break the mask-encoded compound_head()'
    })
  }
  return {
    alignmentBytes: hex(a.bytes),
    maxOrder,
    maxPages,
    maxBytes,
    figures: [
      fig('folio.memmap-alignment', 'memmap base alignment A', hex(a.bytes), 'address', a.why, a.ref, 'all'),
      fig('folio.max-aligned-order', 'largest naturally aligned folio order', maxOrder, 'order', isPow2(i.structPageSize) ? `log2(A / S) = log2(${hex(a.bytes)} / ${i.structPageSize})` : `S = ${i.structPageSize} is not a power of two: no power-of-two A is a multiple of 2^k·S`, ref, 'all'),
      fig('folio.max-aligned-bytes', 'largest naturally aligned folio', maxBytes, 'bytes', `(A / S) × PAGE_SIZE = ${maxPages} × ${i.pageSize}`, ref, 'all')
    ],
    checks
  }
}
