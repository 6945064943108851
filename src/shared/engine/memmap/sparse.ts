// SPARSEMEM geometry (include/linux/mmzone.h, mm/sparse.c): per-arch SECTION_SIZE_BITS / MAX_PHYSMEM_BITS,
// the derived section constants, the SPARSEMEM_EXTREME root table, struct mem_section_usage,
// the section_mem_map flag bits and the checks the kernel makes of them (BUILD_BUG_ON, #error, pfn_valid()).
// Everything works on runs of section numbers (half-open), never per page or per section.

import { normalize } from '../sections.ts'
import { cite, holds, versionsBefore, versionsOf } from '../facts.ts'
import type { KernelVersion } from '../version.ts'
import { hex, type Check, type Figure } from './types.ts'

/** Architectures this model knows (a superset of the scenario's `Arch`). */
export type MemArch = 'x86_64' | 'x86' | 'arm64' | 'riscv64' | 'powerpc64' | 's390' | 'loongarch64' | 'arm' | 'powerpc'

/** A run of present section numbers, half-open: sections start … end − 1. */
export interface SectionRun {
  start: number
  end: number
}

/** The present sections of one node. */
export interface NodeSectionRuns {
  nid: number
  runs: SectionRun[]
}

export interface ArchModelOptions {
  /** x86_64: '4-level' (default) | '5-level' (runtime, pgtable_l5_enabled()); x86: 'pae' | '2-level' (default) */
  paging?: '4-level' | '5-level' | 'pae' | '2-level'
  /** x86_64: Ard Biesheuvel's "Decouple MAX_PHYSMEM_BITS from LA57 state" (52 always) — not known to be merged */
  x86Mpb52?: boolean
  /** arm64 CONFIG_ARM64_PA_BITS: 48 (default) or 52 (LPA2 for 4K/16K, LPA for 64K) */
  arm64PaBits?: 48 | 52
  /** arm64 ≥ 6.13 with 4K/16K pages: lpa2_is_enabled() at run time (default: true when PA_BITS = 52) */
  arm64Lpa2?: boolean
  /** powerpc64 book3s: MMUs built in; MAX_PHYSMEM_BITS = max(H_MAX_PHYSMEM_BITS, R_MAX_PHYSMEM_BITS) when both (default) */
  ppcMmu?: 'radix' | 'hash' | 'both'
  /** powerpc64: SPARSEMEM_VMEMMAP && SPARSEMEM_EXTREME (default true): hash-64K gets 51 bits, else 46 */
  ppcVmemmapExtreme?: boolean
  /** s390 CONFIG_MAX_PHYSMEM_BITS (arch/s390/Kconfig, default 46) */
  s390MaxPhysmemBits?: number
  /** loongarch: CONFIG_HUGETLB_PAGE (default true): 64K pages then use SECTION_SIZE_BITS 29 */
  loongarchHugetlb?: boolean
}

export interface ArchMemoryModel {
  arch: MemArch
  pageSize: number
  pageShift: number
  /** SECTION_SIZE_BITS */
  sectionSizeBits: number
  /** MAX_PHYSMEM_BITS as used at run time */
  maxPhysmemBits: number
  /** 64-bit kernel (8-byte pointers) */
  is64bit: boolean
  figures: Figure[]
}

const KiB = 1024

export function fig(id: string, label: string, value: Figure['value'], unit: Figure['unit'], formula: string, ref: string, versions: string): Figure {
  return { id, label, value, unit, formula, ref, versions }
}

/** log2 of an exact power of two, or throw */
export function log2Exact(n: number): number {
  const l = Math.log2(n)
  if (!Number.isInteger(l)) throw new RangeError(`${n} is not a power of two`)
  return l
}

/** __ffs(): index of the lowest set bit (number of trailing zero bits); n > 0 */
export function ctz(n: number | bigint): number {
  let v = BigInt(n)
  if (v <= 0n) throw new RangeError('ctz of a non-positive value')
  let i = 0
  while ((v & 1n) === 0n) {
    v >>= 1n
    i++
  }
  return i
}

export const isPow2 = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n))

const PAGE_SIZES: Record<MemArch, number[]> = {
  x86_64: [4 * KiB],
  x86: [4 * KiB],
  arm64: [4 * KiB, 16 * KiB, 64 * KiB],
  riscv64: [4 * KiB],
  powerpc64: [4 * KiB, 64 * KiB],
  s390: [4 * KiB],
  loongarch64: [4 * KiB, 16 * KiB, 64 * KiB],
  arm: [4 * KiB],
  powerpc: [4 * KiB, 16 * KiB, 64 * KiB]
}

/**
 * SECTION_SIZE_BITS and MAX_PHYSMEM_BITS for an architecture, page size and kernel version
 * (arch/<arch>/include/asm/sparsemem.h). Each value is returned with its source as a Figure.
 */
export function archMemoryModel(arch: MemArch, pageSize: number, version: KernelVersion, opts: ArchModelOptions = {}): ArchMemoryModel {
  if (!PAGE_SIZES[arch].includes(pageSize)) throw new RangeError(`${arch} does not support ${pageSize / KiB}K pages`)
  const pageShift = log2Exact(pageSize)
  const k = pageSize / KiB
  let ssb: number
  let mpb: number
  let ssbRef: string
  let ssbVersions = 'all'
  let ssbFormula: string
  let mpbRef: string
  let mpbVersions = 'all'
  let mpbFormula: string
  const is64bit = !(arch === 'x86' || arch === 'arm' || arch === 'powerpc')

  switch (arch) {
    case 'x86_64': {
      // arch/x86/include/asm/sparsemem.h: SECTION_SIZE_BITS 27; MAX_PHYSMEM_BITS (pgtable_l5_enabled() ? 52 : 46)
      ssb = 27
      ssbRef = 'SECTION_SIZE_BITS arch/x86/include/asm/sparsemem.h'
      ssbFormula = 'SECTION_SIZE_BITS = 27 (128 MiB)'
      const l5 = opts.paging === '5-level'
      mpb = opts.x86Mpb52 ? 52 : l5 ? 52 : 46
      mpbRef = 'MAX_PHYSMEM_BITS arch/x86/include/asm/sparsemem.h'
      mpbFormula = opts.x86Mpb52
        ? 'MAX_PHYSMEM_BITS = 52 unconditionally (Ard Biesheuvel, "x86/mm: Decouple MAX_PHYSMEM_BITS from LA57 state", posted 2025-05-20, in no release)'
        : `MAX_PHYSMEM_BITS = pgtable_l5_enabled() ? 52 : 46 = ${mpb} (${l5 ? '5' : '4'}-level paging)`
      mpbVersions = opts.x86Mpb52 ? 'not in a release' : l5 ? versionsOf('x86-5level-paging') : 'all'
      break
    }
    case 'x86': {
      // arch/x86/include/asm/sparsemem.h (32-bit): PAE 29/36, non-PAE 26/32
      const pae = opts.paging === 'pae'
      ssb = pae ? 29 : 26
      mpb = pae ? 36 : 32
      ssbRef = mpbRef = 'SECTION_SIZE_BITS, MAX_PHYSMEM_BITS arch/x86/include/asm/sparsemem.h'
      ssbFormula = `SECTION_SIZE_BITS = ${ssb} (${pae ? 'PAE' : 'non-PAE'})`
      mpbFormula = `MAX_PHYSMEM_BITS = ${mpb} (${pae ? 'PAE' : 'non-PAE'})`
      break
    }
    case 'arm64': {
      // arch/arm64/include/asm/sparsemem.h
      const reduced = holds('arm64-section-size-bits-reduced', version)
      ssb = !reduced ? 30 : pageSize === 64 * KiB ? 29 : 27
      ssbRef = `SECTION_SIZE_BITS arch/arm64/include/asm/sparsemem.h; ${cite('arm64-section-size-bits-reduced')}`
      ssbVersions = reduced ? versionsOf('arm64-section-size-bits-reduced') : versionsBefore('arm64-section-size-bits-reduced')
      ssbFormula = reduced
        ? `SECTION_SIZE_BITS = ${ssb} (${k}K pages: ${pageSize === 64 * KiB ? '512 MiB ≥ MAX_PAGE_ORDER block' : '128 MiB, PMD-mappable vmemmap'})`
        : 'SECTION_SIZE_BITS = 30 (1 GiB) for every page size'
      const paBits = opts.arm64PaBits ?? 48
      if (holds('arm64-max-physmem-bits-phys-mask-shift', version)) {
        // MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT; 4K/16K: lpa2_is_enabled() ? CONFIG_ARM64_PA_BITS : 48
        const lpa2 = opts.arm64Lpa2 ?? paBits === 52
        mpb = pageSize === 64 * KiB ? paBits : lpa2 && paBits === 52 ? 52 : 48
        mpbFormula =
          pageSize === 64 * KiB ? `MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT = CONFIG_ARM64_PA_BITS = ${mpb}` : `MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT = lpa2_is_enabled() ? CONFIG_ARM64_PA_BITS : 48 = ${mpb}`
        mpbVersions = versionsOf('arm64-max-physmem-bits-phys-mask-shift')
      } else {
        mpb = paBits
        mpbFormula = `MAX_PHYSMEM_BITS = CONFIG_ARM64_PA_BITS = ${mpb}`
        mpbVersions = versionsBefore('arm64-max-physmem-bits-phys-mask-shift')
      }
      mpbRef = `MAX_PHYSMEM_BITS arch/arm64/include/asm/sparsemem.h, PHYS_MASK_SHIFT arch/arm64/include/asm/pgtable-hwdef.h; ${cite('arm64-max-physmem-bits-phys-mask-shift')}`
      break
    }
    case 'riscv64': {
      ssb = 27
      mpb = 56
      ssbRef = mpbRef = 'SECTION_SIZE_BITS, MAX_PHYSMEM_BITS arch/riscv/include/asm/sparsemem.h'
      ssbFormula = 'SECTION_SIZE_BITS = 27 (128 MiB)'
      mpbFormula = 'MAX_PHYSMEM_BITS = 56 (64-bit)'
      break
    }
    case 'powerpc64': {
      // arch/powerpc/include/asm/sparsemem.h: SECTION_SIZE_BITS 24;
      // book3s/64/pgtable.h: MAX_PHYSMEM_BITS = max(H_MAX_PHYSMEM_BITS, R_MAX_PHYSMEM_BITS)
      ssb = 24
      const ve = opts.ppcVmemmapExtreme ?? true
      const h = pageSize === 64 * KiB && ve ? 51 : 46
      const r = 51
      const mmu = opts.ppcMmu ?? 'both'
      mpb = mmu === 'radix' ? r : mmu === 'hash' ? h : Math.max(h, r)
      ssbRef = 'SECTION_SIZE_BITS arch/powerpc/include/asm/sparsemem.h'
      ssbFormula = 'SECTION_SIZE_BITS = 24 (16 MiB)'
      mpbRef = 'MAX_PHYSMEM_BITS arch/powerpc/include/asm/book3s/64/pgtable.h'
      mpbFormula = `H_MAX_PHYSMEM_BITS = ${h} (${k}K${pageSize === 64 * KiB ? (ve ? ', VMEMMAP+EXTREME' : ', no VMEMMAP+EXTREME') : ''}), R_MAX_PHYSMEM_BITS = 51; ${mmu} → ${mpb}`
      break
    }
    case 's390': {
      // arch/s390/include/asm/sparsemem.h: 28 → 27; CONFIG_MAX_PHYSMEM_BITS (arch/s390/Kconfig, default 46)
      const newer = holds('s390-section-size-bits-128m', version)
      ssb = newer ? 27 : 28
      ssbVersions = newer ? versionsOf('s390-section-size-bits-128m') : versionsBefore('s390-section-size-bits-128m')
      ssbRef = `SECTION_SIZE_BITS arch/s390/include/asm/sparsemem.h; ${cite('s390-section-size-bits-128m')}`
      ssbFormula = `SECTION_SIZE_BITS = ${ssb}`
      mpb = opts.s390MaxPhysmemBits ?? 46
      mpbRef = 'MAX_PHYSMEM_BITS = CONFIG_MAX_PHYSMEM_BITS arch/s390/include/asm/sparsemem.h'
      mpbFormula = `MAX_PHYSMEM_BITS = CONFIG_MAX_PHYSMEM_BITS = ${mpb}${opts.s390MaxPhysmemBits === undefined ? ' (the Kconfig default: "By default 46 bits (64TB) are supported")' : ''}`
      break
    }
    case 'loongarch64': {
      // arch/loongarch/include/asm/sparsemem.h: 28; 29 with 64K pages and HUGETLB; MAX_PHYSMEM_BITS 48
      const huge = opts.loongarchHugetlb ?? true
      ssb = pageSize === 64 * KiB && huge ? 29 : 28
      mpb = 48
      ssbRef = mpbRef = 'SECTION_SIZE_BITS, MAX_PHYSMEM_BITS arch/loongarch/include/asm/sparsemem.h'
      ssbFormula = `SECTION_SIZE_BITS = ${ssb} (${k}K pages${pageSize === 64 * KiB ? (huge ? ', HUGETLB' : ', no HUGETLB') : ''})`
      mpbFormula = 'MAX_PHYSMEM_BITS = 48'
      break
    }
    case 'arm': {
      // arch/arm/include/asm/sparsemem.h defaults, unless a machine's memory.h overrides
      // them: db57f88e4ccb "ARM: 8411/1: Add default SPARSEMEM settings" ("Several
      // platforms need MAX_PHYSMEM_BITS >= 36")
      ssb = 28
      mpb = 36
      ssbRef = mpbRef = 'SECTION_SIZE_BITS, MAX_PHYSMEM_BITS arch/arm/include/asm/sparsemem.h (db57f88e4ccb)'
      ssbFormula = 'SECTION_SIZE_BITS = 28 (the default; machines may override it)'
      mpbFormula = 'MAX_PHYSMEM_BITS = 36 (the default; machines may override it)'
      break
    }
    case 'powerpc': {
      ssb = 24
      mpb = 36
      ssbRef = mpbRef = 'SECTION_SIZE_BITS, MAX_PHYSMEM_BITS arch/powerpc/include/asm/sparsemem.h'
      ssbFormula = 'SECTION_SIZE_BITS = 24 (arch/powerpc/include/asm/sparsemem.h; 32-bit powerpc is normally FLATMEM)'
      mpbFormula = "MAX_PHYSMEM_BITS = 36 (config-dependent on 32-bit; the preset's value, not pinned)"
      mpbVersions = 'all (not pinned)'
      break
    }
  }

  return {
    arch,
    pageSize,
    pageShift,
    sectionSizeBits: ssb,
    maxPhysmemBits: mpb,
    is64bit,
    figures: [
      fig('sparse.page-shift', 'PAGE_SHIFT', pageShift, 'bits', `PAGE_SHIFT = log2(${pageSize})`, 'PAGE_SHIFT arch/*/include/asm/page.h', 'all'),
      fig('sparse.section-size-bits', 'SECTION_SIZE_BITS', ssb, 'bits', ssbFormula, ssbRef, ssbVersions),
      fig('sparse.max-physmem-bits', 'MAX_PHYSMEM_BITS', mpb, 'bits', mpbFormula, mpbRef, mpbVersions)
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Section geometry (include/linux/mmzone.h, include/linux/page-flags-layout.h)

export const SUBSECTION_SHIFT = 21

export interface GeometryOptions {
  /** CONFIG_PAGE_EXTENSION: struct mem_section gains page_ext + pad (16 → 32 bytes on 64-bit) */
  pageExtension?: boolean
  /** CONFIG_SPARSEMEM_EXTREME (default true) */
  extreme?: boolean
}

export interface SectionGeometry {
  arch: MemArch
  pageSize: number
  pageShift: number
  sectionSizeBits: number
  maxPhysmemBits: number
  pointerSize: number
  pfnSectionShift: number
  pagesPerSection: number
  sectionsShift: number
  nrMemSections: number
  /** sizeof(struct mem_section) */
  memSectionSize: number
  extreme: boolean
  sectionsPerRoot: number
  nrSectionRoots: number
  /** memblocks_present(): the mem_section root pointer array (EXTREME), or the static 2-D array */
  rootArrayBytes: number
  pfnSubsectionShift: number
  pagesPerSubsection: number
  subsectionsPerSection: number
  figures: Figure[]
}

export function sectionGeometry(model: ArchMemoryModel, opts: GeometryOptions = {}): SectionGeometry {
  const { pageShift, sectionSizeBits: ssb, maxPhysmemBits: mpb } = model
  const ptr = model.is64bit ? 8 : 4
  const extreme = opts.extreme ?? true
  const memSectionSize = (opts.pageExtension ? 4 : 2) * ptr
  const pfnSectionShift = ssb - pageShift
  const pagesPerSection = 2 ** pfnSectionShift
  const sectionsShift = mpb - ssb
  const nrMemSections = 2 ** sectionsShift
  const sectionsPerRoot = extreme ? model.pageSize / memSectionSize : 1
  const nrSectionRoots = Math.ceil(nrMemSections / sectionsPerRoot)
  // EXTREME: 8 * NR_SECTION_ROOTS pointer array; static: mem_section[NR_SECTION_ROOTS][1]
  const rootArrayBytes = extreme ? ptr * nrSectionRoots : memSectionSize * nrMemSections
  const pfnSubsectionShift = SUBSECTION_SHIFT - pageShift
  const subsectionsPerSection = ssb >= SUBSECTION_SHIFT ? 2 ** (ssb - SUBSECTION_SHIFT) : 0
  const mm = 'include/linux/mmzone.h'
  return {
    arch: model.arch,
    pageSize: model.pageSize,
    pageShift,
    sectionSizeBits: ssb,
    maxPhysmemBits: mpb,
    pointerSize: ptr,
    pfnSectionShift,
    pagesPerSection,
    sectionsShift,
    nrMemSections,
    memSectionSize,
    extreme,
    sectionsPerRoot,
    nrSectionRoots,
    rootArrayBytes,
    pfnSubsectionShift,
    pagesPerSubsection: 2 ** pfnSubsectionShift,
    subsectionsPerSection,
    figures: [
      ...model.figures,
      fig('sparse.pfn-section-shift', 'PFN_SECTION_SHIFT', pfnSectionShift, 'bits', `SECTION_SIZE_BITS − PAGE_SHIFT = ${ssb} − ${pageShift}`, `PFN_SECTION_SHIFT ${mm}`, 'all'),
      fig('sparse.pages-per-section', 'PAGES_PER_SECTION', pagesPerSection, 'pages', `1 << PFN_SECTION_SHIFT = 1 << ${pfnSectionShift}`, `PAGES_PER_SECTION ${mm}`, 'all'),
      fig(
        'sparse.nr-mem-sections',
        'NR_MEM_SECTIONS',
        nrMemSections,
        'count',
        `1 << (MAX_PHYSMEM_BITS − SECTION_SIZE_BITS) = 1 << (${mpb} − ${ssb})`,
        'SECTIONS_SHIFT include/linux/page-flags-layout.h, NR_MEM_SECTIONS include/linux/mmzone.h',
        'all'
      ),
      fig(
        'sparse.mem-section-size',
        'sizeof(struct mem_section)',
        memSectionSize,
        'bytes',
        `section_mem_map + usage${opts.pageExtension ? ' + page_ext + pad' : ''} = ${opts.pageExtension ? 4 : 2} × ${ptr}`,
        `struct mem_section ${mm}`,
        'all'
      ),
      fig(
        'sparse.sections-per-root',
        'SECTIONS_PER_ROOT',
        sectionsPerRoot,
        'count',
        extreme ? `PAGE_SIZE / sizeof(struct mem_section) = ${model.pageSize} / ${memSectionSize}` : '1 (no SPARSEMEM_EXTREME)',
        `SECTIONS_PER_ROOT ${mm}`,
        'all'
      ),
      fig(
        'sparse.nr-section-roots',
        'NR_SECTION_ROOTS',
        nrSectionRoots,
        'count',
        `DIV_ROUND_UP(NR_MEM_SECTIONS, SECTIONS_PER_ROOT) = ⌈${nrMemSections} / ${sectionsPerRoot}⌉`,
        `NR_SECTION_ROOTS ${mm}`,
        'all'
      ),
      fig(
        'sparse.root-array',
        extreme ? 'mem_section root pointer array' : 'static mem_section array',
        rootArrayBytes,
        'bytes',
        extreme ? `${ptr} × NR_SECTION_ROOTS = ${ptr} × ${nrSectionRoots}` : `sizeof(struct mem_section) × NR_MEM_SECTIONS = ${memSectionSize} × ${nrMemSections}`,
        extreme ? 'memblocks_present() mm/sparse.c' : 'mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT] mm/sparse.c',
        extreme ? versionsOf('sparsemem-extreme-runtime-root') : 'all'
      ),
      fig(
        'sparse.subsections-per-section',
        'SUBSECTIONS_PER_SECTION',
        subsectionsPerSection,
        'count',
        `1 << (SECTION_SIZE_BITS − SUBSECTION_SHIFT) = 1 << (${ssb} − 21)`,
        `SUBSECTIONS_PER_SECTION ${mm}`,
        versionsOf('mem-section-usage')
      ),
      fig(
        'sparse.pages-per-subsection',
        'PAGES_PER_SUBSECTION',
        2 ** pfnSubsectionShift,
        'pages',
        `1 << (21 − PAGE_SHIFT) = 1 << ${pfnSubsectionShift}`,
        `PAGES_PER_SUBSECTION ${mm}`,
        versionsOf('mem-section-usage')
      )
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Runs: normalisation, per-node merging (never per section)

/** sort, drop empty runs, merge overlapping/adjacent runs */
/** Sorted, merged runs (sections.ts normalize()). */
export function normalizeRuns(runs: SectionRun[]): SectionRun[] {
  return normalize(runs)
}

export const runsLength = (runs: SectionRun[]): number => runs.reduce((t, r) => t + r.end - r.start, 0)

/** All runs of all nodes with their nid, sorted by section number (runs of different nodes kept apart). */
export function taggedRuns(nodes: NodeSectionRuns[]): (SectionRun & { nid: number })[] {
  return nodes.flatMap((n) => normalizeRuns(n.runs).map((r) => ({ ...r, nid: n.nid }))).sort((a, b) => a.start - b.start)
}

// ---------------------------------------------------------------------------------------------
// SPARSEMEM_EXTREME root table cost (sparse_index_init(), sparse_index_alloc() mm/sparse.c):
// pointer array + one page per root holding a present section

export interface RootTableCost {
  rootsAllocated: number
  rootBlockBytes: number
  rootBlocksBytes: number
  rootArrayBytes: number
  totalBytes: number
  /** roots are allocated by sparse_index_init() for the node of the first present section in them */
  perNode: { nid: number; roots: number; bytes: number }[]
  figures: Figure[]
}

export function rootTableCost(geo: SectionGeometry, nodes: NodeSectionRuns[]): RootTableCost {
  const spr = geo.sectionsPerRoot
  const perNode = new Map<number, number>()
  let roots = 0
  let lastRoot = -1
  if (geo.extreme) {
    // memblocks_present() walks memory in address order; sparse_index_init() allocates a root on first touch
    for (const r of taggedRuns(nodes)) {
      const first = Math.max(Math.floor(r.start / spr), lastRoot + 1)
      const last = Math.floor((r.end - 1) / spr)
      if (last >= first) {
        roots += last - first + 1
        perNode.set(r.nid, (perNode.get(r.nid) ?? 0) + last - first + 1)
        lastRoot = last
      }
    }
  }
  const block = geo.extreme ? spr * geo.memSectionSize : 0
  const total = geo.rootArrayBytes + roots * block
  return {
    rootsAllocated: roots,
    rootBlockBytes: block,
    rootBlocksBytes: roots * block,
    rootArrayBytes: geo.rootArrayBytes,
    totalBytes: total,
    perNode: [...perNode.entries()].sort((a, b) => a[0] - b[0]).map(([nid, n]) => ({ nid, roots: n, bytes: n * block })),
    figures: geo.extreme
      ? [
          fig(
            'sparse.roots-allocated',
            'mem_section roots allocated',
            roots,
            'count',
            `distinct SECTION_NR_TO_ROOT(s) = s / ${spr} over present sections`,
            'sparse_index_init() mm/sparse.c',
            versionsOf('sparsemem-extreme-runtime-root')
          ),
          fig(
            'sparse.root-blocks',
            'mem_section root blocks',
            roots * block,
            'bytes',
            `${roots} × SECTIONS_PER_ROOT × sizeof(struct mem_section) = ${roots} × ${block}`,
            'sparse_index_alloc() mm/sparse.c',
            'all'
          ),
          fig(
            'sparse.root-table-total',
            'SPARSEMEM_EXTREME root table',
            total,
            'bytes',
            `pointer array ${geo.rootArrayBytes} + root blocks ${roots * block}`,
            'memblocks_present(), sparse_index_alloc() mm/sparse.c',
            versionsOf('sparsemem-extreme-runtime-root')
          )
        ]
      : [fig('sparse.root-table-total', 'static mem_section array', total, 'bytes', `${geo.memSectionSize} × NR_MEM_SECTIONS`, 'mem_section[] mm/sparse.c', 'all')]
  }
}

// ---------------------------------------------------------------------------------------------
// struct mem_section_usage (include/linux/mmzone.h; mem_section_usage_size(), usemap_size() mm/sparse.c)

export interface UsageOptions {
  version: KernelVersion
  sparsememVmemmap: boolean
  pageblockOrder: number
  /** CONFIG_MEMORY_ISOLATION (default true): from 6.17 NR_PAGEBLOCK_BITS becomes 8 */
  memoryIsolation?: boolean
  /** force the 16-byte rcu_head (a stable backport before 6.8) or its absence */
  rcuHead?: boolean
  /** a size read elsewhere (crash dump, debug print) to compare with the formula */
  observedBytes?: number
}

export interface UsageSize {
  bytes: number
  rcuBytes: number
  subsectionMapBytes: number
  usemapBytes: number
  nrPageblockBits: number
  sectionBlockflagsBits: number
  figures: Figure[]
  check: Check
}

const bitsToLongs = (bits: number, ptr: number): number => Math.ceil(bits / (8 * ptr))

export function memSectionUsageSize(geo: SectionGeometry, o: UsageOptions): UsageSize {
  const ptr = geo.pointerSize
  const v = o.version
  const hasUsage = holds('mem-section-usage', v)
  // 5ec8e8ea8b77 went to the stable branches too: `rcuHead` says so for a backport
  const rcu = (o.rcuHead ?? holds('mem-section-usage-rcu-head', v)) && hasUsage ? 2 * ptr : 0
  const isolation = o.memoryIsolation ?? true
  // include/linux/pageblock-flags.h: 4 bits up to 6.16; roundup_pow_of_two(__NR_PAGEBLOCK_BITS) from 6.17
  const isolateBit = holds('nr-pageblock-bits-isolate', v)
  const nrPbBits = isolateBit && isolation ? 8 : 4
  const blockflagsBits = 2 ** Math.max(0, geo.pfnSectionShift - o.pageblockOrder) * nrPbBits
  const usemap = bitsToLongs(blockflagsBits, ptr) * ptr
  const subsection = hasUsage && o.sparsememVmemmap ? bitsToLongs(geo.subsectionsPerSection, ptr) * ptr : 0
  const bytes = rcu + subsection + usemap
  const ref = 'mem_section_usage_size(), usemap_size() mm/sparse.c; struct mem_section_usage include/linux/mmzone.h'
  const versions = !hasUsage
    ? versionsBefore('mem-section-usage')
    : rcu
      ? versionsOf('mem-section-usage-rcu-head')
      : `${versionsOf('mem-section-usage')}, without ${cite('mem-section-usage-rcu-head')}`
  const formula = hasUsage
    ? `${rcu} (rcu_head) + ${ptr}·BITS_TO_LONGS(${geo.subsectionsPerSection}) (subsection_map${o.sparsememVmemmap ? '' : ', VMEMMAP only'}) + ${ptr}·BITS_TO_LONGS(${blockflagsBits}) (pageblock_flags) = ${rcu} + ${subsection} + ${usemap}`
    : `usemap_size() = ${ptr}·BITS_TO_LONGS(${blockflagsBits})`
  return {
    bytes,
    rcuBytes: rcu,
    subsectionMapBytes: subsection,
    usemapBytes: usemap,
    nrPageblockBits: nrPbBits,
    sectionBlockflagsBits: blockflagsBits,
    figures: [
      fig(
        'sparse.nr-pageblock-bits',
        'NR_PAGEBLOCK_BITS',
        nrPbBits,
        'bits',
        isolateBit ? `roundup_pow_of_two(__NR_PAGEBLOCK_BITS) (MEMORY_ISOLATION ${isolation ? 'on' : 'off'})` : '3 migratetype bits + compaction skip bit',
        `NR_PAGEBLOCK_BITS include/linux/pageblock-flags.h; ${cite('nr-pageblock-bits-isolate')}`,
        isolateBit ? versionsOf('nr-pageblock-bits-isolate') : versionsBefore('nr-pageblock-bits-isolate')
      ),
      fig(
        'sparse.section-blockflags-bits',
        'SECTION_BLOCKFLAGS_BITS',
        blockflagsBits,
        'bits',
        `(1 << (PFN_SECTION_SHIFT − pageblock_order)) × NR_PAGEBLOCK_BITS = (1 << (${geo.pfnSectionShift} − ${o.pageblockOrder})) × ${nrPbBits}`,
        'SECTION_BLOCKFLAGS_BITS include/linux/mmzone.h',
        'all'
      ),
      fig('sparse.usage-size', hasUsage ? 'mem_section_usage_size()' : 'usemap_size()', bytes, 'bytes', formula, ref, versions)
    ],
    check: {
      id: 'sparse.usage-size',
      title: 'mem_section_usage size matches the formula',
      pass: o.observedBytes === undefined || o.observedBytes === bytes,
      severity: 'info',
      condition: 'mem_section_usage_size = 16 (≥6.8) + 8·BITS_TO_LONGS(SUBSECTIONS_PER_SECTION) + 8·BITS_TO_LONGS(SECTION_BLOCKFLAGS_BITS)',
      values: { formula: bytes, ...(o.observedBytes !== undefined ? { observed: o.observedBytes } : {}), rcu, subsectionMap: subsection, usemap },
      ref,
      versions,
      consequence: 'a different size means the kernel config or version differs from the one modelled'
    }
  }
}

export interface UsageCost {
  perNode: { nid: number; mapCount: number; bytes: number }[]
  totalBytes: number
  figures: Figure[]
}

/** Per node one buffer of map_count × mem_section_usage_size() (sparse_usage_init / sparse_early_usemaps_alloc_pgdat_section). */
export function usageCost(usage: UsageSize, nodes: NodeSectionRuns[]): UsageCost {
  const perNode = nodes.map((n) => {
    const mapCount = runsLength(normalizeRuns(n.runs))
    return { nid: n.nid, mapCount, bytes: mapCount * usage.bytes }
  })
  const total = perNode.reduce((t, n) => t + n.bytes, 0)
  return {
    perNode,
    totalBytes: total,
    figures: [
      fig(
        'sparse.usage-total',
        'mem_section_usage for present sections',
        total,
        'bytes',
        `Σ map_count × ${usage.bytes} over ${perNode.length} node(s)`,
        'sparse_early_usemaps_alloc_pgdat_section() / sparse_usage_init() mm/sparse.c',
        'all'
      )
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// section_mem_map flag bits and encoding (sparse_encode_mem_map(), sparse_init_one_section() mm/sparse.c)

export interface SectionFlagOptions {
  /** CONFIG_ZONE_DEVICE (adds SECTION_TAINT_ZONE_DEVICE to the enum from 6.0) */
  zoneDevice?: boolean
  /** CONFIG_SPARSEMEM_VMEMMAP_PREINIT (6.15+) */
  vmemmapPreinit?: boolean
}

export interface SectionFlags {
  names: string[]
  /** number of low flag bits = the bit index SECTION_MAP_LAST_BIT (as an enum, ≥ 6.0) */
  lastBit: number
  /** SECTION_NID_SHIFT: where memory_present() puts the node id during early boot */
  nidShift: number
  figures: Figure[]
}

export function sectionFlags(version: KernelVersion, opts: SectionFlagOptions = {}): SectionFlags {
  const names = ['SECTION_MARKED_PRESENT', 'SECTION_HAS_MEM_MAP']
  let nidShift: number
  let versions: string
  if (holds('section-flags-enum', version)) {
    names.push('SECTION_IS_ONLINE', 'SECTION_IS_EARLY')
    if (opts.zoneDevice) names.push('SECTION_TAINT_ZONE_DEVICE')
    if (opts.vmemmapPreinit && holds('section-flag-vmemmap-preinit', version)) names.push('SECTION_IS_VMEMMAP_PREINIT')
    nidShift = names.length
    versions = versionsOf('section-flags-enum')
  } else {
    // #define era: each flag is a bit below SECTION_MAP_LAST_BIT; the early node id sat
    // at SECTION_NID_SHIFT, 2 then 3 (overlapping the newer flags) until 5.15 made it 6
    if (holds('section-flag-is-online', version)) names.push('SECTION_IS_ONLINE')
    if (holds('section-flag-is-early', version)) names.push('SECTION_IS_EARLY')
    if (holds('section-flag-taint-zone-device', version)) names.push('SECTION_TAINT_ZONE_DEVICE')
    nidShift = holds('section-nid-shift-6', version) ? 6 : holds('section-flag-is-online', version) ? 3 : 2
    const latest = (['section-nid-shift-6', 'section-flag-taint-zone-device', 'section-flag-is-early', 'section-flag-is-online'] as const).find((f) => holds(f, version))
    versions = latest ? `${versionsOf(latest)} (until the enum: ${versionsOf('section-flags-enum')})` : versionsBefore('section-flag-is-online')
  }
  const lastBit = names.length
  return {
    names,
    lastBit,
    nidShift,
    figures: [
      fig(
        'sparse.section-map-last-bit',
        'section_mem_map flag bits (SECTION_MAP_LAST_BIT)',
        lastBit,
        'bits',
        names.join(' | '),
        'SECTION_MAP_LAST_BIT, SECTION_MAP_MASK include/linux/mmzone.h',
        versions
      ),
      fig(
        'sparse.section-nid-shift',
        'SECTION_NID_SHIFT',
        nidShift,
        'bits',
        holds('section-flags-enum', version)
          ? 'SECTION_NID_SHIFT = SECTION_MAP_LAST_BIT'
          : `SECTION_NID_SHIFT = ${nidShift}${nidShift === 3 && names.length > 3 ? ' (overlapping the newer flag bits until 01c8d337d195)' : ''}`,
        'sparse_encode_early_nid() mm/sparse.c',
        versions
      )
    ]
  }
}

/**
 * Muchun Song's guaranteed alignment of the coded mem_map: min(PAGE_SHIFT, PFN_SECTION_SHIFT + __ffs(S))
 * low bits are always zero (mem_map is page aligned; section_nr_to_pfn(pnum)·S has PFN_SECTION_SHIFT + __ffs(S)).
 */
export function encodableLowBits(geo: SectionGeometry, structPageSize: number): number {
  return Math.min(geo.pageShift, geo.pfnSectionShift + ctz(structPageSize))
}

const U64 = (1n << 64n) - 1n

/** sparse_encode_mem_map(): coded = mem_map − section_nr_to_pfn(pnum) (struct page arithmetic), as bytes mod 2^64 */
export function encodeMemMap(memMapAddr: bigint, sectionNr: number, geo: SectionGeometry, structPageSize: number): bigint {
  return (memMapAddr - BigInt(sectionNr) * BigInt(geo.pagesPerSection) * BigInt(structPageSize)) & U64
}

/** sizeof(struct mem_section) is a power of two (BUILD_BUG_ON in sparse_init()). */
export function memSectionSizeCheck(memSectionSize: number): Check {
  return {
    id: 'sparse.mem-section-pow2',
    title: 'struct mem_section size is a power of two',
    pass: isPow2(memSectionSize),
    severity: 'error',
    condition: 'is_power_of_2(sizeof(struct mem_section))',
    values: { sizeofMemSection: memSectionSize },
    ref: 'BUILD_BUG_ON(!is_power_of_2(sizeof(struct mem_section))) sparse_init() mm/sparse.c',
    versions: 'all',
    consequence: 'BUILD_BUG_ON: the kernel does not build'
  }
}

/**
 * The coded mem_map keeps the flag bits free (sparse_encode_mem_map()). Without an address: the build-time rule and
 * Muchun's guaranteed alignment; with one (memMapAddr of section sectionNr): the BUG_ON itself.
 */
export function encodingChecks(geo: SectionGeometry, structPageSize: number, flags: SectionFlags, at?: { memMapAddr: bigint; sectionNr: number }): Check[] {
  const ref = 'sparse_encode_mem_map() mm/sparse.c'
  const guaranteed = encodableLowBits(geo, structPageSize)
  const checks: Check[] = [
    {
      id: 'sparse.map-last-bit-build',
      title: 'SECTION_MAP_LAST_BIT fits below PFN_SECTION_SHIFT',
      pass: flags.lastBit <= geo.pfnSectionShift,
      severity: 'error',
      condition: 'SECTION_MAP_LAST_BIT ≤ PFN_SECTION_SHIFT',
      values: { SECTION_MAP_LAST_BIT: flags.lastBit, PFN_SECTION_SHIFT: geo.pfnSectionShift },
      ref: `BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT) ${ref}`,
      versions: 'all',
      consequence: 'BUILD_BUG_ON: the kernel does not build'
    },
    {
      id: 'sparse.map-guaranteed-alignment',
      title: 'the coded mem_map is always aligned enough for the flag bits',
      pass: flags.lastBit <= guaranteed,
      severity: 'error',
      condition: 'SECTION_MAP_LAST_BIT ≤ min(PAGE_SHIFT, PFN_SECTION_SHIFT + __ffs(S))',
      values: { SECTION_MAP_LAST_BIT: flags.lastBit, PAGE_SHIFT: geo.pageShift, PFN_SECTION_SHIFT: geo.pfnSectionShift, ffsS: ctz(structPageSize), guaranteedBits: guaranteed },
      ref: `${ref}; section flag comment include/linux/mmzone.h`,
      versions: 'all',
      consequence: 'BUG_ON(coded & ~SECTION_MAP_MASK) can fire for some mem_map placements'
    }
  ]
  if (at) {
    const coded = encodeMemMap(at.memMapAddr, at.sectionNr, geo, structPageSize)
    const low = coded & ((1n << BigInt(flags.lastBit)) - 1n)
    checks.push({
      id: 'sparse.map-coded-low-bits',
      title: `coded mem_map of section ${at.sectionNr} has its flag bits clear`,
      pass: low === 0n,
      severity: 'error',
      condition: '((addr(mem_map) − section_nr_to_pfn(pnum)·S) & (BIT(SECTION_MAP_LAST_BIT) − 1)) == 0',
      values: { memMap: hex(at.memMapAddr), section: at.sectionNr, coded: hex(coded), lowBits: hex(low), SECTION_MAP_LAST_BIT: flags.lastBit },
      ref: `BUG_ON(coded & ~SECTION_MAP_MASK) ${ref}`,
      versions: 'all',
      consequence: 'BUG_ON at boot / hot-add'
    })
  }
  return checks
}

// ---------------------------------------------------------------------------------------------
// the include/linux/mmzone.h #errors

export interface OrderInputs {
  /** MAX_PAGE_ORDER (inclusive; subtract 1 from a pre-6.4 MAX_ORDER) */
  maxPageOrder: number
  pageblockOrder: number
  /** PAGE_BLOCK_MAX_ORDER (6.16+; else MAX_PAGE_ORDER) */
  pageBlockMaxOrder?: number
}

export function sectionConstantChecks(geo: SectionGeometry, o: OrderInputs): Check[] {
  const mm = 'include/linux/mmzone.h'
  const pbMax = o.pageBlockMaxOrder ?? o.maxPageOrder
  return [
    {
      id: 'sparse.subsection-fits',
      title: 'a section holds whole 2 MiB subsections',
      pass: SUBSECTION_SHIFT <= geo.sectionSizeBits,
      severity: 'error',
      condition: 'SUBSECTION_SHIFT (21) ≤ SECTION_SIZE_BITS',
      values: { SUBSECTION_SHIFT, SECTION_SIZE_BITS: geo.sectionSizeBits },
      ref: `#error "Subsection size exceeds section size" ${mm}; ${cite('mem-section-usage')}`,
      versions: versionsOf('mem-section-usage'),
      consequence: '#error: the kernel does not build'
    },
    {
      id: 'sparse.max-order-fits',
      title: 'the largest buddy block fits in a section',
      pass: o.maxPageOrder + geo.pageShift <= geo.sectionSizeBits,
      severity: 'error',
      condition: 'MAX_PAGE_ORDER + PAGE_SHIFT ≤ SECTION_SIZE_BITS',
      values: { MAX_PAGE_ORDER: o.maxPageOrder, PAGE_SHIFT: geo.pageShift, SECTION_SIZE_BITS: geo.sectionSizeBits },
      ref: `#error "Allocator MAX_PAGE_ORDER exceeds SECTION_SIZE" ${mm}`,
      versions: `all (written MAX_ORDER − 1 + PAGE_SHIFT in ${versionsBefore('max-order-inclusive')})`,
      consequence: '#error: the kernel does not build'
    },
    {
      id: 'sparse.pageblock-max-order',
      title: 'PAGE_BLOCK_MAX_ORDER does not exceed MAX_PAGE_ORDER',
      pass: pbMax <= o.maxPageOrder,
      severity: 'error',
      condition: 'PAGE_BLOCK_MAX_ORDER ≤ MAX_PAGE_ORDER',
      values: { PAGE_BLOCK_MAX_ORDER: pbMax, MAX_PAGE_ORDER: o.maxPageOrder },
      ref: `PAGE_BLOCK_MAX_ORDER ${mm}, include/linux/pageblock-flags.h; ${cite('page-block-max-order')}`,
      versions: versionsOf('page-block-max-order'),
      consequence: '#error: the kernel does not build'
    },
    {
      id: 'sparse.pageblock-fits',
      title: 'a pageblock fits in a section',
      pass: o.pageblockOrder <= geo.pfnSectionShift,
      severity: 'error',
      condition: 'pageblock_order ≤ PFN_SECTION_SHIFT',
      values: { pageblock_order: o.pageblockOrder, PFN_SECTION_SHIFT: geo.pfnSectionShift },
      ref: `SECTION_BLOCKFLAGS_BITS ${mm}`,
      versions: 'all',
      consequence: 'the usemap of a section would have a fractional pageblock count'
    }
  ]
}

// ---------------------------------------------------------------------------------------------
// pfn_valid() under SPARSEMEM (include/linux/mmzone.h)

export interface PfnValidState {
  version: KernelVersion
  sparsememVmemmap: boolean
  /** early (boot) present sections — they have SECTION_IS_EARLY and a full memmap */
  early: SectionRun[]
  /** hot-added sections (no SECTION_IS_EARLY) */
  hotplugged?: SectionRun[]
  /** pfn ranges [start, end) whose subsection bit is set (hot-added, or early before the early shortcut) */
  activePfns?: { start: number; end: number }[]
}

const inRuns = (x: number, runs: { start: number; end: number }[]): boolean => runs.some((r) => x >= r.start && x < r.end)

export function pfnValidCheck(geo: SectionGeometry, pfn: number, st: PfnValidState): Check {
  const v = st.version
  // the generic pfn_valid() checks that PFN_PHYS() does not overflow only from 5.14
  const roundTripChecked = holds('pfn-valid-phys-roundtrip', v)
  const roundTrip = !roundTripChecked || ((BigInt(pfn) << BigInt(geo.pageShift)) & U64) >> BigInt(geo.pageShift) === BigInt(pfn)
  const nr = Math.floor(pfn / geo.pagesPerSection)
  const inRange = nr < geo.nrMemSections
  const early = inRuns(nr, st.early)
  const valid = early || inRuns(nr, st.hotplugged ?? [])
  // ≤ 5.2: valid_section() only; 5.3: early_section() || pfn_section_valid() (one commit)
  const hasSubsection = holds('pfn-valid-subsection', v)
  const subsectionBit = inRuns(pfn, st.activePfns ?? [])
  const subsectionTerm = !hasSubsection || !st.sparsememVmemmap || early || subsectionBit
  const pass = roundTrip && inRange && valid && subsectionTerm
  return {
    id: 'sparse.pfn-valid',
    title: `pfn_valid(${hex(pfn)})`,
    pass,
    severity: 'info',
    condition: `${roundTripChecked ? 'PHYS_PFN(PFN_PHYS(pfn)) == pfn && ' : ''}section_nr < NR_MEM_SECTIONS && valid_section()${hasSubsection ? ' && (early_section() || pfn_section_valid())' : ''}`,
    values: { pfn: hex(pfn), section: nr, physRoundTrip: roundTrip, sectionInRange: inRange, hasMemMap: valid, earlySection: early, subsectionActive: subsectionBit, subsectionTerm },
    ref: `pfn_valid(), pfn_section_valid() include/linux/mmzone.h; ${cite('pfn-valid-subsection')}`,
    versions: hasSubsection ? versionsOf('pfn-valid-subsection') : versionsBefore('pfn-valid-subsection'),
    consequence: 'pfn_valid() false: no struct page may be touched for this pfn'
  }
}
