// Where the memmap lives (mm/sparse.c, mm/sparse-vmemmap.c, arch/*/mm/init*.c): the vmemmap base
// per arch (x86 fixed or KASLR, arm64 memstart-relative, riscv, loongarch, powerpc, s390), PMD vs
// base-page mapping, PMDs shared by consecutive sections, the per-node boot buffer, SPARSEMEM
// without VMEMMAP, FLATMEM, altmap and memmap_on_memory.
// Virtual addresses are bigint inside and hex strings in results. Work is per section run:
// `memmapRows()` materialises only the window of sections a view asks for.

import { cite, holds, versionsBefore, versionsBetween, versionsOf } from '../facts.ts'
import type { KernelVersion } from '../version.ts'
import { toBig, type Addr } from './folio.ts'
import { fig, log2Exact, normalizeRuns, type ArchMemoryModel, type MemArch, type NodeSectionRuns, type SectionGeometry, type SectionRun } from './sparse.ts'
import { hex, lowbit, orderBase2, type Check, type Figure } from './types.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const TB_SHIFT = 40n
const PUD = 1n << 30n
const U64 = 1n << 64n
const wrap = (v: bigint): bigint => ((v % U64) + U64) % U64
const roundUpBig = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a
const roundDownBig = (v: bigint, a: bigint): bigint => (v / a) * a
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b

// ---------------------------------------------------------------------------------------------
// Page-table geometry and mapping policy (vmemmap_populate() of each arch)

/** PMD_SIZE (or the vmemmap mapping block) for an arch and page size. */
export function pmdSize(arch: MemArch, pageSize: number, ppcMmu: 'radix' | 'hash' = 'hash'): { bytes: number; inferred: boolean } {
  const ps = log2Exact(pageSize)
  switch (arch) {
    case 'x86_64':
    case 'riscv64':
      return { bytes: 2 * MiB, inferred: false }
    case 'arm64':
      return { bytes: 2 ** (2 * ps - 3), inferred: false } // 2 MiB / 32 MiB / 512 MiB
    case 'loongarch64':
      // PMD_SHIFT = PAGE_SHIFT + (PAGE_SHIFT − 3) (arch/loongarch/include/asm/pgtable.h)
      return { bytes: 2 ** (2 * ps - 3), inferred: false }
    case 's390':
      return { bytes: 1 * MiB, inferred: false } // segment
    case 'powerpc64':
      // hash: mmu_vmemmap_psize (16 MiB when the MMU offers it: chosen at boot, not a
      // constant); radix: 2 MiB PMD
      return { bytes: ppcMmu === 'hash' ? 16 * MiB : 2 * MiB, inferred: ppcMmu === 'hash' }
    default:
      // 32-bit: no vmemmap; a 2-level PMD (PGDIR) of PAGE_SIZE / 4-byte entries
      return { bytes: 2 ** (2 * ps - 2), inferred: true }
  }
}

export interface VmemmapMapping {
  arch: MemArch
  /** how a full boot section's memmap is mapped */
  fullSection: 'pmd' | 'base'
  /** how a sub-section (hot-add, ZONE_DEVICE) range is mapped */
  subSection: 'pmd' | 'base'
  /** PMD_SIZE, or the hash vmemmap page on powerpc64 */
  pmdSize: number
  /** x86/s390: unused parts of shared PMDs are marked 0xFD and a PMD is freed only when all of it is */
  subPmdTracking: boolean
  /** arm64: WARN_ON_ONCE when a populate range exceeds one section */
  warnOversize: boolean
  figure: Figure
}

export interface MappingOptions {
  /** x86: CPU has PSE (default true) */
  pse?: boolean
  ppcMmu?: 'radix' | 'hash'
  /** loongarch: CONFIG_PGTABLE_LEVELS == 2 → base pages */
  loongarchTwoLevels?: boolean
}

export function vmemmapMapping(arch: MemArch, pageSize: number, version: KernelVersion, o: MappingOptions = {}): VmemmapMapping {
  const pmd = pmdSize(arch, pageSize, o.ppcMmu)
  let full: 'pmd' | 'base' = 'base'
  let sub: 'pmd' | 'base' = 'base'
  let tracking = false
  let warn = false
  let ref: string
  let versions = 'all'
  let why: string
  switch (arch) {
    case 'x86_64':
      full = (o.pse ?? true) ? 'pmd' : 'base'
      tracking = holds('x86-vmemmap-sub-pmd-tracking', version)
      ref = `vmemmap_populate() arch/x86/mm/init_64.c; ${cite('x86-vmemmap-sub-pmd-tracking')}`
      versions = tracking ? versionsOf('x86-vmemmap-sub-pmd-tracking') : versionsBefore('x86-vmemmap-sub-pmd-tracking')
      why = `end − start < PAGES_PER_SECTION·S → base pages; else ${full === 'pmd' ? 'PSE → vmemmap_populate_hugepages()' : 'no PSE → base pages'}; sub-PMD tracking ${tracking ? 'on' : 'off'} (${versions})`
      break
    case 'arm64':
      if (pageSize === 4 * KiB) {
        full = 'pmd'
        // sub-section ranges use base pages (Cc: stable # v5.4+; stable points not pinned)
        const fixed = holds('arm64-vmemmap-subsection-basepages', version)
        sub = fixed ? 'base' : 'pmd'
        warn = fixed
        versions = fixed ? versionsOf('arm64-vmemmap-subsection-basepages') : versionsBefore('arm64-vmemmap-subsection-basepages')
        why = fixed ? '4K: full sections PMD, sub-section ranges base pages' : '4K: every range PMD-mapped (a sub-section hot-add maps a whole PMD)'
      } else {
        why = `${pageSize / KiB}K: always base pages (a ${pmd.bytes / MiB} MiB PMD is larger than a section's memmap)`
      }
      ref = `vmemmap_populate() arch/arm64/mm/mmu.c; ${cite('arm64-vmemmap-subsection-basepages')}`
      break
    case 'riscv64': {
      const huge = holds('vmemmap-populate-hugepages-generic', version)
      full = sub = huge ? 'pmd' : 'base'
      ref = `vmemmap_populate() arch/riscv/mm/init.c → vmemmap_populate_hugepages() mm/sparse-vmemmap.c; ${cite('vmemmap-populate-hugepages-generic')}`
      versions = huge ? versionsOf('vmemmap-populate-hugepages-generic') : versionsBefore('vmemmap-populate-hugepages-generic')
      why = huge ? 'generic vmemmap_populate_hugepages() for every range' : 'base pages'
      break
    }
    case 's390':
      full = sub = 'pmd'
      tracking = true
      ref = 'vmemmap_populate() arch/s390/mm/vmem.c'
      versions = 'all (not pinned)'
      why = '1 MiB segments (EDAT1) with sub-segment 0xFD tracking like x86'
      break
    case 'loongarch64':
      full = sub = o.loongarchTwoLevels ? 'base' : 'pmd'
      ref = 'vmemmap_populate() arch/loongarch/mm/init.c'
      versions = 'all (not pinned)'
      why = o.loongarchTwoLevels ? '2-level page tables: base pages' : 'vmemmap_populate_hugepages(): one PMD is shared by many sections'
      break
    case 'powerpc64':
      full = sub = (o.ppcMmu ?? 'hash') === 'hash' ? 'pmd' : 'base'
      ref = 'vmemmap_populate() arch/powerpc/mm/init_64.c, radix__vmemmap_populate() arch/powerpc/mm/book3s64/radix_pgtable.c'
      versions = 'all (not pinned)'
      why = full === 'pmd' ? 'hash: mmu_vmemmap_psize blocks (16 MiB) shared by many sections' : 'radix: a 16 KiB section memmap is below PMD_SIZE → base pages'
      break
    default:
      ref = 'no SPARSEMEM_VMEMMAP on 32-bit'
      versions = 'n/a'
      why = 'no vmemmap'
  }
  return {
    arch,
    fullSection: full,
    subSection: sub,
    pmdSize: pmd.bytes,
    subPmdTracking: tracking,
    warnOversize: warn,
    figure: fig('vmemmap.mapping', 'vmemmap mapping of a boot section', full === 'pmd' ? `PMD (${pmd.bytes / MiB} MiB)` : 'base pages', 'flag', why, ref, versions)
  }
}

/** How a populate range is mapped (vmemmap_populate_hugepages() / vmemmap_populate_basepages()), and the kernel's complaints about it. */
export function populateModeCheck(m: VmemmapMapping, geo: SectionGeometry, structPageSize: number, rangeBytes: number): Check {
  const sectionBytes = geo.pagesPerSection * structPageSize
  const full = rangeBytes >= sectionBytes
  const mode = full ? m.fullSection : m.subSection
  const oversize = m.warnOversize && rangeBytes > sectionBytes
  const sharedPmdHazard = !full && mode === 'pmd' && m.arch === 'arm64'
  return {
    id: 'vmemmap.populate-mode',
    title: `a ${rangeBytes}-byte memmap range is mapped with ${mode === 'pmd' ? 'PMDs' : 'base pages'}`,
    pass: !oversize && !sharedPmdHazard,
    severity: 'warning',
    condition: 'end − start == PAGES_PER_SECTION·S → PMD; < → base pages (x86, arm64 4K ≥ 6.15); arm64: end − start ≤ PAGES_PER_SECTION·S',
    values: { rangeBytes, sectionMemmapBytes: sectionBytes, mode, oversize, sharedPmdHazard },
    ref: m.figure.ref,
    versions: m.figure.versions,
    consequence: oversize ? 'WARN_ON_ONCE in vmemmap_populate()' : sharedPmdHazard ? 'freeing this sub-section later clears the whole shared PMD (fixed by using base pages)' : 'none'
  }
}

// ---------------------------------------------------------------------------------------------
// x86_64 vmemmap base and KASLR (arch/x86/mm/kaslr.c kernel_randomize_memory())

export interface X86KaslrInput {
  version: KernelVersion
  paging: '4-level' | '5-level'
  maxPhysmemBits: number
  structPageSize: number
  /** max_pfn (4K pages) */
  maxPfn: number
  /** CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING in TiB (arch/x86/Kconfig: default 0xa with MEMORY_HOTPLUG) */
  paddingTb?: number
  /** shrink the direct map to the RAM size (default true; not with CONFIG_PCI_P2PDMA from 6.15, 7ffb791423c7) */
  shrinkDirectMap?: boolean
}

export interface X86KaslrRange {
  vaddrStart: string
  vaddrEnd: string
  directMapTb: number
  vmallocTb: number
  vmemmapTb: number
  entropyBytes: string
  minBase: string
  maxBase: string
  positions: number
  granularity: string
  /** lowbit over all possible bases (the worst case for alignment) */
  worstAlignment: string
  /** a base with the worst alignment (used as the representative vmemmap_base) */
  worstBase: string
  figures: Figure[]
  checks: Check[]
}

const X86_VMEMMAP_L4 = 0xffffea0000000000n
const X86_VMEMMAP_L5 = 0xffd4000000000000n
const X86_CPU_ENTRY_AREA_BASE = 0xfffffe0000000000n

export function x86KaslrRange(i: X86KaslrInput): X86KaslrRange {
  const l5 = i.paging === '5-level'
  const ref = 'kernel_randomize_memory() arch/x86/mm/kaslr.c'
  // __PAGE_OFFSET_BASE_L4/L5 (arch/x86/include/asm/page_64_types.h)
  const vaddrStart = l5 ? 0xff11000000000000n : 0xffff888000000000n
  const vaddrEnd = X86_CPU_ENTRY_AREA_BASE
  const maxTb = 2n ** BigInt(i.maxPhysmemBits - 40)
  const memTb = ceilDiv(BigInt(i.maxPfn) << 12n, 1n << TB_SHIFT) + BigInt(i.paddingTb ?? 10)
  const directTb = (i.shrinkDirectMap ?? true) && memTb < maxTb ? memTb : maxTb
  const vmallocTb = l5 ? 12800n : 32n
  // before 00e5a2bbcc31 the vmemmap region was a fixed 1 TiB
  const sized = holds('x86-kaslr-vmemmap-size', i.version)
  const vmemmapTb = sized ? ceilDiv((directTb << (TB_SHIFT - 12n)) * BigInt(i.structPageSize), 1n << TB_SHIFT) : 1n
  const sizes = [directTb, vmallocTb, vmemmapTb].map((t) => t << TB_SHIFT)
  const entropy = vaddrEnd - vaddrStart - sizes.reduce((a, b) => a + b, 0n)
  // all entropy zero: each region starts at round_up(prev_base + size + 1, PUD_SIZE)
  let v = vaddrStart
  for (const s of sizes.slice(0, 2)) v = roundUpBig(v + s + 1n, PUD)
  const minBase = v
  // Σ entropies ≤ remain_entropy with each step & PUD_MASK: the last region can take all of it
  const span = roundDownBig(entropy, PUD)
  const maxBase = minBase + span
  const positions = span / PUD + 1n
  const worstAlignment = positions > 1n ? (lowbit(minBase) < PUD ? lowbit(minBase) : PUD) : lowbit(minBase)
  let worstBase = minBase
  if (positions > 1n && lowbit(minBase) > PUD) worstBase = minBase + PUD
  const memmapInUse = BigInt(i.maxPfn) * BigInt(i.structPageSize)
  const versions = versionsOf('x86-ldt-remap-moved')
  return {
    vaddrStart: hex(vaddrStart),
    vaddrEnd: hex(vaddrEnd),
    directMapTb: Number(directTb),
    vmallocTb: Number(vmallocTb),
    vmemmapTb: Number(vmemmapTb),
    entropyBytes: hex(entropy),
    minBase: hex(minBase),
    maxBase: hex(maxBase),
    positions: Number(positions),
    granularity: hex(PUD),
    worstAlignment: hex(worstAlignment),
    worstBase: hex(worstBase),
    figures: [
      fig(
        'vmemmap.kaslr.direct-tb',
        'KASLR direct map region',
        Number(directTb),
        'count',
        `TiB = min(1 << (MAX_PHYSMEM_BITS − 40), ⌈max_pfn·4K / 1 TiB⌉ + padding) = min(${maxTb}, ${memTb})`,
        ref,
        'all'
      ),
      fig(
        'vmemmap.kaslr.vmemmap-tb',
        'KASLR vmemmap region',
        Number(vmemmapTb),
        'count',
        sized ? `TiB = ⌈(direct TiB << 28)·S / 1 TiB⌉ = ⌈${directTb}·${i.structPageSize}/4096⌉` : `TiB = 1 (fixed before ${cite('x86-kaslr-vmemmap-size')})`,
        ref,
        sized ? versionsOf('x86-kaslr-vmemmap-size') : versionsBefore('x86-kaslr-vmemmap-size')
      ),
      fig('vmemmap.kaslr.positions', 'possible vmemmap_base values', Number(positions), 'count', `⌊remain_entropy / 1 GiB⌋ + 1, remain_entropy = ${hex(entropy)}`, ref, versions),
      fig('vmemmap.kaslr.min-base', 'lowest vmemmap_base', hex(minBase), 'address', 'vaddr_start + direct + 1 GiB + vmalloc + 1 GiB (round_up(vaddr + 1, PUD_SIZE) after each region)', ref, versions),
      fig('vmemmap.kaslr.max-base', 'highest vmemmap_base', hex(maxBase), 'address', 'lowest + (remain_entropy & PUD_MASK)', ref, versions),
      fig(
        'vmemmap.kaslr.worst-alignment',
        'worst-case vmemmap_base alignment',
        hex(worstAlignment),
        'address',
        'entropy = (rand % (remain/(3 − i) + 1)) & PUD_MASK → 1 GiB steps',
        ref,
        'all (PUD_MASK steps; not pinned further)'
      )
    ],
    checks: [
      {
        id: 'vmemmap.kaslr-alignment',
        title: 'every KASLR vmemmap_base is 1 GiB aligned',
        pass: minBase % PUD === 0n,
        severity: 'warning',
        condition: 'vmemmap_base % 1 GiB == 0',
        values: { minBase: hex(minBase), lowbit: hex(lowbit(minBase)) },
        ref,
        versions
      },
      {
        id: 'vmemmap.kaslr-fits',
        title: 'the memmap in use stays below CPU_ENTRY_AREA_BASE for every KASLR position',
        pass: maxBase + memmapInUse <= vaddrEnd,
        severity: 'error',
        condition: 'max vmemmap_base + max_pfn·S ≤ CPU_ENTRY_AREA_BASE',
        values: { maxBase: hex(maxBase), memmapInUse: hex(memmapInUse), end: hex(maxBase + memmapInUse), cpuEntryAreaBase: hex(vaddrEnd), nominalRegionEnd: hex(maxBase + sizes[2]) },
        ref,
        versions,
        consequence: 'the vmemmap would collide with the CPU entry area'
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// arm64 vmemmap region (arch/arm64/include/asm/memory.h)

export interface Arm64Input {
  version: KernelVersion
  pageSize: number
  sectionSizeBits: number
  structPageSize: number
  /** CONFIG_ARM64_VA_BITS (default 48) */
  vaBits?: number
  /** memstart_addr (signed); default round_down(dramBase, ARM64_MEMSTART_ALIGN) */
  memstartAddr?: bigint
  /** start of DRAM (default 2 GiB) */
  dramBase?: bigint
  /** highest pfn + 1, to check the region covers it */
  maxPfn?: number
}

export interface Arm64Vmemmap {
  vmemmapStart: string
  vmemmapEnd: string
  vmemmapSize: string
  memstartAddr: string
  memstartAlign: string
  pfnToPage0: string
  figures: Figure[]
  checks: Check[]
}

export function arm64Vmemmap(i: Arm64Input): Arm64Vmemmap {
  const ps = log2Exact(i.pageSize)
  const vaBits = i.vaBits ?? 48
  const vaMin = Math.min(vaBits, 48)
  const S = BigInt(i.structPageSize)
  const pageOffset = U64 - (1n << BigInt(vaBits)) // -(1 << VA_BITS)
  const pageEnd = U64 - (1n << BigInt(vaMin - 1)) // _PAGE_END(VA_BITS_MIN)
  const range = pageEnd - pageOffset
  const newLayout = holds('arm64-vmemmap-real-struct-page-size', i.version)
  const projection = holds('arm64-vmemmap-linear-projection', i.version)
  let start: bigint
  let size: bigint
  let end: bigint
  let formula: string
  if (newLayout) {
    size = (range >> BigInt(ps)) * S
    end = U64 - PUD
    start = end - size
    formula = `VMEMMAP_SIZE = (VMEMMAP_RANGE >> PAGE_SHIFT)·S = (${hex(range)} >> ${ps})·${S}; VMEMMAP_END = −1 GiB`
  } else {
    const shift = ps - orderBase2(i.structPageSize)
    size = range >> BigInt(shift)
    start = U64 - (1n << BigInt(vaBits - shift))
    end = start + size
    formula = `VMEMMAP_SHIFT = PAGE_SHIFT − STRUCT_PAGE_MAX_SHIFT = ${shift}; VMEMMAP_SIZE = VMEMMAP_RANGE >> ${shift}; VMEMMAP_START = −(1 << (VA_BITS − ${shift}))`
  }
  // ARM64_MEMSTART_ALIGN = 1 << max(ARM64_MEMSTART_SHIFT, SECTION_SIZE_BITS)
  const memstartShift = i.pageSize === 64 * KiB ? 29 : 30 // PMD_SHIFT (64K), CONT_PMD_SHIFT (16K), PUD_SHIFT (4K)
  const align = 1n << BigInt(Math.max(memstartShift, i.sectionSizeBits))
  const memstart = i.memstartAddr ?? roundDownBig(i.dramBase ?? 2n * BigInt(GiB), align)
  const memstartPfn = memstart >= 0n ? memstart >> BigInt(ps) : -(-memstart >> BigInt(ps))
  const pfn0 = wrap(start - memstartPfn * S)
  const ref = `VMEMMAP_START, VMEMMAP_SIZE, vmemmap arch/arm64/include/asm/memory.h, pgtable.h; ${cite(newLayout ? 'arm64-vmemmap-real-struct-page-size' : 'arm64-vmemmap-linear-projection')}`
  // 5.4–5.10 placed VMEMMAP_START at −VMEMMAP_SIZE − SZ_2M: not modelled, said in the label
  const versions = newLayout
    ? versionsOf('arm64-vmemmap-real-struct-page-size')
    : projection
      ? versionsBetween('arm64-vmemmap-linear-projection', 'arm64-vmemmap-real-struct-page-size')
      : `${versionsBefore('arm64-vmemmap-linear-projection')}: laid out as 5.11–6.8 (VMEMMAP_START = −VMEMMAP_SIZE − SZ_2M there, not modelled)`
  const checks: Check[] = [
    {
      id: 'vmemmap.arm64-memstart-align',
      title: 'memstart_addr is ARM64_MEMSTART_ALIGN aligned',
      pass: ((memstart % align) + align) % align === 0n,
      severity: 'error',
      condition: 'memstart_addr % ARM64_MEMSTART_ALIGN == 0',
      values: { memstartAddr: hex(wrap(memstart)), align: hex(align) },
      ref: 'arm64_memblock_init() arch/arm64/mm/init.c, ARM64_MEMSTART_ALIGN arch/arm64/include/asm/kernel-pgtable.h',
      versions: 'all',
      consequence: "the linear map and vmemmap offsets would not match the kernel's"
    },
    {
      id: 'vmemmap.arm64-region-end',
      title: newLayout ? 'VMEMMAP_END is −1 GiB' : 'vmemmap region is sized by STRUCT_PAGE_MAX_SHIFT',
      pass: newLayout ? end === U64 - PUD : true,
      severity: 'info',
      condition: newLayout ? 'VMEMMAP_END = 2^64 − 1 GiB' : 'VMEMMAP_SIZE = VMEMMAP_RANGE >> (PAGE_SHIFT − order_base_2(S))',
      values: { vmemmapStart: hex(start), vmemmapEnd: hex(end), vmemmapSize: hex(size) },
      ref,
      versions
    }
  ]
  if (i.maxPfn !== undefined) {
    const top = wrap(pfn0 + BigInt(i.maxPfn) * S)
    checks.push({
      id: 'vmemmap.arm64-covers',
      title: 'the memmap of the highest pfn lies inside the vmemmap region',
      pass: wrap(pfn0 + memstartPfn * S) >= start && top <= end,
      severity: 'error',
      condition: 'VMEMMAP_START ≤ pfn_to_page(memstart_pfn) && pfn_to_page(max_pfn) ≤ VMEMMAP_END',
      values: { pfnToPageMax: hex(top), vmemmapEnd: hex(end) },
      ref,
      versions,
      consequence: 'WARN_ON(start < VMEMMAP_START || end > VMEMMAP_END) in vmemmap_populate()'
    })
  }
  return {
    vmemmapStart: hex(start),
    vmemmapEnd: hex(end),
    vmemmapSize: hex(size),
    memstartAddr: hex(wrap(memstart)),
    memstartAlign: hex(align),
    pfnToPage0: hex(pfn0),
    figures: [
      fig('vmemmap.arm64.range', 'VMEMMAP_RANGE', hex(range), 'address', `_PAGE_END(VA_BITS_MIN ${vaMin}) − PAGE_OFFSET (VA_BITS ${vaBits})`, ref, versionsOf('arm64-vmemmap-linear-projection')),
      fig('vmemmap.arm64.size', 'VMEMMAP_SIZE', hex(size), 'address', formula, ref, versions),
      fig('vmemmap.arm64.start', 'VMEMMAP_START', hex(start), 'address', newLayout ? 'VMEMMAP_END − VMEMMAP_SIZE' : '−(1 << (VA_BITS − VMEMMAP_SHIFT))', ref, versions),
      fig('vmemmap.arm64.memstart', 'memstart_addr', hex(wrap(memstart)), 'address', `round_down(DRAM base, ARM64_MEMSTART_ALIGN ${hex(align)})`, 'arm64_memblock_init() arch/arm64/mm/init.c', 'all'),
      fig(
        'vmemmap.arm64.pfn0',
        'pfn_to_page(0) (vmemmap)',
        hex(pfn0),
        'address',
        `VMEMMAP_START − (memstart_addr >> PAGE_SHIFT)·S = ${hex(start)} − ${memstartPfn}·${S}`,
        'vmemmap arch/arm64/include/asm/pgtable.h',
        'all'
      )
    ],
    checks
  }
}

// ---------------------------------------------------------------------------------------------
// vmemmap base of any arch (the `vmemmap` symbol of each arch's pgtable.h / memory.h)

export interface VmemmapBaseOptions {
  structPageSize: number
  /** x86_64 */
  paging?: '4-level' | '5-level'
  /** x86_64 CONFIG_RANDOMIZE_MEMORY in effect */
  kaslr?: Omit<X86KaslrInput, 'version' | 'paging' | 'maxPhysmemBits' | 'structPageSize'> & { base?: Addr }
  /** arm64 */
  arm64?: Omit<Arm64Input, 'version' | 'pageSize' | 'sectionSizeBits' | 'structPageSize'>
  /** riscv64 */
  riscv?: { satp?: 'sv39' | 'sv48' | 'sv57'; pageOffset?: Addr; physRamBase?: Addr; maxFolioVmemmapAlign?: bigint }
  /** loongarch64: VMALLOC_END (required unless vmemmapStart) and v7.1 MAX_FOLIO_VMEMMAP_ALIGN */
  loongarch?: { vmallocEnd: Addr; maxFolioVmemmapAlign?: bigint }
  /** any arch: the observed address of pfn_to_page(0) (required for s390) */
  pfnToPage0?: Addr
}

export interface VmemmapBase {
  arch: MemArch
  pfnToPage0: string
  alignment: string
  regionStart: string | null
  regionEnd: string | null
  kaslr?: X86KaslrRange
  figures: Figure[]
  checks: Check[]
}

function base(arch: MemArch, pfn0: bigint, figures: Figure[], extra: Partial<VmemmapBase> = {}): VmemmapBase {
  return {
    arch,
    pfnToPage0: hex(pfn0),
    alignment: hex(lowbit(pfn0)),
    regionStart: null,
    regionEnd: null,
    checks: [],
    ...extra,
    figures: [...figures, fig('vmemmap.pfn0-alignment', 'alignment of pfn_to_page(0)', hex(lowbit(pfn0)), 'address', `lowbit(${hex(pfn0)})`, 'vmemmap', 'all')]
  }
}

export function vmemmapBase(model: ArchMemoryModel, version: KernelVersion, o: VmemmapBaseOptions): VmemmapBase {
  const S = BigInt(o.structPageSize)
  const arch = model.arch
  if (o.pfnToPage0 !== undefined && !(arch === 'x86_64' && o.kaslr)) {
    return base(arch, toBig(o.pfnToPage0), [fig('vmemmap.pfn0', 'pfn_to_page(0)', hex(toBig(o.pfnToPage0)), 'address', 'given', 'vmemmap', 'all')])
  }
  switch (arch) {
    case 'x86_64': {
      const l5 = (o.paging ?? '4-level') === '5-level'
      const fixed = l5 ? X86_VMEMMAP_L5 : X86_VMEMMAP_L4
      const ref = 'VMEMMAP_START = vmemmap_base arch/x86/include/asm/pgtable_64_types.h'
      if (!o.kaslr) {
        return base(arch, fixed, [fig('vmemmap.pfn0', 'vmemmap_base (pfn_to_page(0))', hex(fixed), 'address', l5 ? '__VMEMMAP_BASE_L5' : '__VMEMMAP_BASE_L4', ref, 'all')], {
          regionStart: hex(fixed),
          regionEnd: hex(fixed + (l5 ? 1n << 49n : 1n << 40n))
        })
      }
      const k = x86KaslrRange({ ...o.kaslr, version, paging: l5 ? '5-level' : '4-level', maxPhysmemBits: model.maxPhysmemBits, structPageSize: o.structPageSize })
      const chosen = o.kaslr.base !== undefined ? toBig(o.kaslr.base) : toBig(k.worstBase)
      return base(
        arch,
        chosen,
        [
          fig(
            'vmemmap.pfn0',
            'vmemmap_base (pfn_to_page(0))',
            hex(chosen),
            'address',
            o.kaslr.base !== undefined ? 'observed KASLR base' : 'KASLR: a worst-aligned position (1 GiB steps)',
            'kernel_randomize_memory() arch/x86/mm/kaslr.c',
            'all'
          ),
          ...k.figures
        ],
        { kaslr: k, checks: k.checks, regionStart: k.minBase, regionEnd: hex(toBig(k.maxBase) + (BigInt(k.vmemmapTb) << TB_SHIFT)) }
      )
    }
    case 'arm64': {
      const a = arm64Vmemmap({ ...o.arm64, version, pageSize: model.pageSize, sectionSizeBits: model.sectionSizeBits, structPageSize: o.structPageSize })
      return base(arch, toBig(a.pfnToPage0), a.figures, { checks: a.checks, regionStart: a.vmemmapStart, regionEnd: a.vmemmapEnd })
    }
    case 'riscv64': {
      const r = o.riscv ?? {}
      const satp = r.satp ?? 'sv48'
      const vaBits = satp === 'sv39' ? 39 : satp === 'sv48' ? 48 : 57
      const pgdirShift = satp === 'sv39' ? 30 : satp === 'sv48' ? 39 : 48
      // PAGE_OFFSET_L3/L4/L5 arch/riscv/include/asm/page.h (the sv39 value moved across releases: inferred)
      const pageOffset = r.pageOffset !== undefined ? toBig(r.pageOffset) : satp === 'sv39' ? 0xffffffd800000000n : satp === 'sv48' ? 0xffffaf8000000000n : 0xff60000000000000n
      const vmallocSize = 1n << BigInt(pgdirShift + 6) // KERN_VIRT_SIZE >> 1, KERN_VIRT_SIZE = (PTRS_PER_PGD / 2 · PGDIR_SIZE) / 2
      const vmemmapSize = 1n << BigInt(vaBits - model.pageShift - 1 + orderBase2(o.structPageSize))
      const start = pageOffset - vmallocSize - vmemmapSize
      // phys_ram_base: the start of DRAM (memblock_start_of_DRAM()), PMD-aligned from 6.5
      const dram = r.physRamBase !== undefined ? toBig(r.physRamBase) : 0x80000000n
      const pmdAligned = holds('riscv-phys-ram-base-pmd-aligned', version)
      const physBase = pmdAligned ? roundDownBig(dram, 2n * BigInt(MiB)) : dram
      // vmemmap: VMEMMAP_START (≤ 6.7), − phys_ram_base pfn (6.8), − vmemmap_start_pfn rounded
      // to VMEMMAP_ADDR_ALIGN (6.13, and stable), which 7.1 raises to MAX_FOLIO_VMEMMAP_ALIGN
      // when that is larger. The 7.1 code rounds a physical address by a struct-page byte
      // count (476849b0fba4 as merged); the model follows the code.
      const offset = holds('riscv-vmemmap-phys-ram-base', version) || holds('riscv-vmemmap-start-pfn', version)
      const rounded = holds('riscv-vmemmap-start-pfn', version)
      const folioAlign = holds('vmemmap-max-folio-align', version) ? (r.maxFolioVmemmapAlign ?? 0n) : 0n
      const sectionAlign = 1n << BigInt(model.sectionSizeBits)
      const addrAlign = folioAlign > sectionAlign ? folioAlign : sectionAlign
      const startPfn = !offset ? 0n : (rounded ? roundDownBig(physBase, addrAlign) : physBase) >> BigInt(model.pageShift)
      const pfn0 = wrap(start - startPfn * S)
      const ref = 'vmemmap, VMEMMAP_START arch/riscv/include/asm/pgtable.h; phys_ram_base, vmemmap_start_pfn setup_bootmem() arch/riscv/mm/init.c'
      const pfnFormula = !offset
        ? 'vmemmap = VMEMMAP_START (no offset)'
        : rounded
          ? `round_down(phys_ram_base ${hex(physBase)}, VMEMMAP_ADDR_ALIGN ${hex(addrAlign)}) >> PAGE_SHIFT`
          : `phys_ram_base ${hex(physBase)} >> PAGE_SHIFT`
      const pfnVersions = rounded
        ? folioAlign
          ? versionsOf('vmemmap-max-folio-align')
          : versionsOf('riscv-vmemmap-start-pfn')
        : offset
          ? `${versionsOf('riscv-vmemmap-phys-ram-base')} (until ${cite('riscv-vmemmap-start-pfn')})`
          : versionsBefore('riscv-vmemmap-phys-ram-base')
      return base(
        arch,
        pfn0,
        [
          fig(
            'vmemmap.riscv.start',
            'VMEMMAP_START',
            hex(start),
            'address',
            `VMALLOC_START − BIT(VA_BITS − PAGE_SHIFT − 1 + STRUCT_PAGE_MAX_SHIFT) (${satp}, PAGE_OFFSET ${hex(pageOffset)})`,
            ref,
            'all (PAGE_OFFSET_L3/L4/L5 not pinned per release)'
          ),
          fig(
            'vmemmap.riscv.phys-ram-base',
            'phys_ram_base',
            hex(physBase),
            'address',
            pmdAligned ? `memblock_start_of_DRAM() ${hex(dram)} & PMD_MASK` : `memblock_start_of_DRAM() = ${hex(dram)}`,
            `setup_bootmem() arch/riscv/mm/init.c; ${cite('riscv-phys-ram-base-pmd-aligned')}`,
            pmdAligned ? versionsOf('riscv-phys-ram-base-pmd-aligned') : versionsBefore('riscv-phys-ram-base-pmd-aligned')
          ),
          fig(
            'vmemmap.riscv.start-pfn',
            'vmemmap_start_pfn',
            hex(startPfn),
            'pages',
            pfnFormula,
            `${ref}; ${cite(rounded ? (folioAlign ? 'vmemmap-max-folio-align' : 'riscv-vmemmap-start-pfn') : 'riscv-vmemmap-phys-ram-base')}`,
            pfnVersions
          ),
          fig('vmemmap.pfn0', 'pfn_to_page(0)', hex(pfn0), 'address', 'VMEMMAP_START − vmemmap_start_pfn·S', ref, 'all')
        ],
        { regionStart: hex(start), regionEnd: hex(start + vmemmapSize) }
      )
    }
    case 'loongarch64': {
      if (!o.loongarch) throw new RangeError('loongarch64 needs loongarch.vmallocEnd (or pfnToPage0)')
      const pmd = BigInt(pmdSize(arch, model.pageSize).bytes)
      const v71 = holds('vmemmap-max-folio-align', version)
      const folioAlign = o.loongarch.maxFolioVmemmapAlign ?? 0n
      const align = v71 && folioAlign > pmd ? folioAlign : pmd
      const end = toBig(o.loongarch.vmallocEnd)
      const pfn0 = v71 ? roundUpBig(end, align) : (end + pmd) & ~(pmd - 1n)
      return base(arch, pfn0, [
        fig(
          'vmemmap.pfn0',
          'vmemmap (pfn_to_page(0))',
          hex(pfn0),
          'address',
          v71 ? `ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)) = ALIGN(${hex(end)}, ${hex(align)})` : `(VMALLOC_END + PMD_SIZE) & PMD_MASK`,
          `vmemmap arch/loongarch/include/asm/pgtable.h; ${cite('vmemmap-max-folio-align')}`,
          v71 ? versionsOf('vmemmap-max-folio-align') : versionsBefore('vmemmap-max-folio-align')
        )
      ])
    }
    case 'powerpc64': {
      const pfn0 = 0xc00c000000000000n
      return base(arch, pfn0, [
        fig(
          'vmemmap.pfn0',
          'vmemmap (pfn_to_page(0))',
          hex(pfn0),
          'address',
          'RADIX_VMEMMAP_START 0xc00c000000000000 (the hash H_VMEMMAP_START is taken as the same: not pinned)',
          'vmemmap arch/powerpc/include/asm/book3s/64/pgtable.h',
          'all (inferred)'
        )
      ])
    }
    case 's390':
      throw new RangeError('s390 places vmemmap in its boot code: pass pfnToPage0')
    default:
      throw new RangeError(`${arch} has no SPARSEMEM_VMEMMAP`)
  }
}

// ---------------------------------------------------------------------------------------------
// Per-section memmap placement, PMD sharing and boot buffers (sparse_init_nid(), sparse_buffer_init() mm/sparse.c; vmemmap_use_sub_pmd() arch/x86/mm/init_64.c)

export interface MemmapPlanInput {
  geo: SectionGeometry
  structPageSize: number
  version: KernelVersion
  /** SPARSEMEM_VMEMMAP (with mapping and pfnToPage0) or classic SPARSEMEM */
  vmemmap: { mapping: VmemmapMapping; pfnToPage0: Addr } | null
  nodes: NodeSectionRuns[]
  /** physical base of each node's boot buffer (by nid); default: offsets inside the buffer */
  bufferBase?: Record<number, Addr>
}

interface Run extends SectionRun {
  nid: number
  /** present sections before this run */
  before: number
  group: number
}

interface Group {
  nid: number
  firstRun: number
  lastRun: number
  mapCount: number
  /** present sections before this group */
  before: number
  /** last allocation unit touched before the group, decimal ("-1": none) */
  unitBefore: string
  newUnits: number
}

export interface MemmapPlan {
  /** the input with addresses as hex strings (JSON-plain) */
  input: MemmapPlanInput
  /** PAGES_PER_SECTION · S */
  sectionMemmapBytes: number
  /** section_map_size() */
  sectionMapSize: number
  /** the unit memory is allocated in: PMD_SIZE or PAGE_SIZE (vmemmap), section_map_size() (classic) */
  unitBytes: number
  presentSections: number
  runs: Run[]
  groups: Group[]
  summary: {
    /** distinct units (PMDs or vmemmap pages) touched by the present sections */
    unitsTouched: number
    mappedBytes: number
    buffers: { nid: number; mapCount: number; bufferBytes: number; alignment: number; consumedBytes: number; freedBytes: number; fallbackUnits: number }[]
  }
  figures: Figure[]
  checks: Check[]
}

/** section_map_size(): ALIGN(PAGES_PER_SECTION·S, PMD_SIZE) with VMEMMAP, PAGE_ALIGN(…) without. */
export function sectionMapSize(geo: SectionGeometry, structPageSize: number, pmd: number | null): number {
  const raw = geo.pagesPerSection * structPageSize
  const a = pmd ?? geo.pageSize
  return Math.ceil(raw / a) * a
}

export function buildMemmapPlan(input: MemmapPlanInput): MemmapPlan {
  const { geo, structPageSize: s } = input
  const M = geo.pagesPerSection * s
  const vm = input.vmemmap
  const pmd = vm ? vm.mapping.pmdSize : null
  const mapSize = sectionMapSize(geo, s, pmd)
  const unit = vm ? (vm.mapping.fullSection === 'pmd' ? vm.mapping.pmdSize : geo.pageSize) : mapSize
  const B = vm ? toBig(vm.pfnToPage0) : 0n
  // unit indexes relative to ⌊B / unit⌋: B is a 64-bit virtual address, but B mod unit plus
  // a section's memmap offset (< 2^47) stays exact in a double, so the loop needs no bigint
  const U = BigInt(unit)
  const r0 = vm ? Number(B % U) : 0
  const firstUnit = (sec: number): number => (vm ? Math.floor((r0 + sec * M) / unit) : sec)
  const lastUnit = (sec: number): number => (vm ? Math.floor((r0 + (sec + 1) * M - 1) / unit) : sec)

  // runs in address order, each tagged with its node; groups = consecutive runs of one node (sparse_init())
  const tagged = input.nodes.flatMap((n) => normalizeRuns(n.runs).map((r) => ({ ...r, nid: n.nid }))).sort((a, b) => a.start - b.start)
  const runs: Run[] = []
  const groups: Group[] = []
  let before = 0
  let maxUnit = -1
  let touched = 0
  const unitBase = vm ? B / U : 0n
  for (const r of tagged) {
    const g = groups[groups.length - 1]
    if (!g || g.nid !== r.nid)
      groups.push({ nid: r.nid, firstRun: runs.length, lastRun: runs.length, mapCount: 0, before, unitBefore: maxUnit < 0 ? '-1' : (unitBase + BigInt(maxUnit)).toString(), newUnits: 0 })
    const group = groups[groups.length - 1]
    group.lastRun = runs.length
    group.mapCount += r.end - r.start
    runs.push({ ...r, before, group: groups.length - 1 })
    before += r.end - r.start
    // distinct units of this run not yet touched (units grow with the section number)
    const lo = Math.max(firstUnit(r.start), maxUnit + 1)
    const hi = lastUnit(r.end - 1)
    if (hi >= lo) {
      group.newUnits += hi - lo + 1
      touched += hi - lo + 1
      maxUnit = hi
    }
  }

  const buffers = groups.map((g) => {
    const bufferBytes = g.mapCount * mapSize
    const lead = leadBytes(input, g.nid, BigInt(vm ? unit : mapSize))
    const fits = Math.max(0, Math.floor((bufferBytes - lead) / unit))
    const fromBuffer = Math.min(g.newUnits, fits)
    return { nid: g.nid, mapCount: g.mapCount, bufferBytes, alignment: mapSize, consumedBytes: fromBuffer * unit, freedBytes: bufferBytes - fromBuffer * unit, fallbackUnits: g.newUnits - fromBuffer }
  })
  const mappedBytes = Number(touched) * unit
  const ref = vm ? 'vmemmap_populate_hugepages()/vmemmap_populate_basepages() mm/sparse-vmemmap.c; sparse_buffer_alloc() mm/sparse.c' : '__populate_section_memmap(), sparse_buffer_alloc() mm/sparse.c'
  const unitName = vm ? (unit === geo.pageSize ? 'vmemmap pages' : 'PMDs') : 'section maps'
  const figures: Figure[] = [
    fig('vmemmap.section-memmap', 'memmap per section', M, 'bytes', `PAGES_PER_SECTION × sizeof(struct page) = ${geo.pagesPerSection} × ${s}`, 'section_map_size() mm/sparse.c', 'all'),
    fig('vmemmap.section-map-size', 'section_map_size()', mapSize, 'bytes', vm ? `ALIGN(${M}, PMD_SIZE ${pmd})` : `PAGE_ALIGN(${M})`, 'section_map_size() mm/sparse.c', 'all'),
    fig('vmemmap.units-touched', `${unitName} backing the memmap`, Number(touched), 'count', vm ? `distinct ⌊addr / ${unit}⌋ over ${before} present sections` : `one per present section`, ref, 'all'),
    fig('vmemmap.mapped-bytes', 'memory backing the memmap', mappedBytes, 'bytes', `${touched} × ${unit}`, ref, 'all'),
    fig(
      'vmemmap.boot-buffers',
      'boot buffers reserved (sparse_buffer_init)',
      buffers.reduce((t, b) => t + b.bufferBytes, 0),
      'bytes',
      `Σ map_count × section_map_size() over ${buffers.length} node group(s)`,
      `sparse_buffer_init() mm/sparse.c; ${cite('sparse-buffer')}`,
      versionsOf('sparse-buffer')
    )
  ]
  const checks: Check[] = buffers.map((b) => ({
    id: `vmemmap.boot-buffer.${b.nid}`,
    title: `node ${b.nid}: the boot buffer holds every section's memmap`,
    pass: b.fallbackUnits === 0,
    severity: 'info' as const,
    condition: 'per node buffer = map_count · section_map_size(), aligned to section_map_size(); each map at roundup(cursor, size)',
    values: { nid: b.nid, mapCount: b.mapCount, bufferBytes: b.bufferBytes, alignment: b.alignment, consumedBytes: b.consumedBytes, freedBytes: b.freedBytes, fallbackUnits: b.fallbackUnits },
    ref: `sparse_buffer_init(), sparse_buffer_alloc(), sparse_buffer_fini() mm/sparse.c; ${cite('sparse-buffer')}; section_map_size() alignment: ${cite('sparse-buffer-section-aligned')}`,
    versions: `${versionsOf('sparse-buffer')} (aligned to section_map_size() ${versionsOf('sparse-buffer-section-aligned')}, to PAGE_SIZE before: not modelled)`,
    consequence: 'the rest comes from memmap_alloc()/vmemmap_alloc_block() one by one, alignment unspecified beyond the request'
  }))
  if (vm && vm.mapping.fullSection === 'pmd') {
    checks.push({
      id: 'vmemmap.sub-pmd',
      title: 'each section memmap is a whole number of PMDs',
      pass: M % vm.mapping.pmdSize === 0,
      severity: 'info',
      condition: '(PAGES_PER_SECTION · S) % PMD_SIZE == 0; otherwise PMDs = distinct ⌊addr / PMD_SIZE⌋ touched',
      values: { sectionMemmapBytes: M, pmdSize: vm.mapping.pmdSize, pmds: Number(touched), sections: before, subPmdTracking: vm.mapping.subPmdTracking },
      ref: vm.mapping.subPmdTracking ? 'vmemmap_use_new_sub_pmd(), vmemmap_use_sub_pmd(), vmemmap_unuse_sub_pmd() arch/x86/mm/init_64.c' : 'vmemmap_populate_hugepages() mm/sparse-vmemmap.c',
      versions: vm.mapping.subPmdTracking ? versionsOf('x86-vmemmap-sub-pmd-tracking') : 'all',
      consequence: vm.mapping.subPmdTracking
        ? 'consecutive sections share PMDs; unused bytes are 0xFD and a PMD is freed only when all of it is 0xFD'
        : 'consecutive sections share PMDs; hot-remove cannot free a shared PMD'
    })
  }
  const plain: MemmapPlanInput = {
    ...input,
    vmemmap: vm ? { mapping: vm.mapping, pfnToPage0: hex(B) } : null,
    bufferBase: input.bufferBase ? Object.fromEntries(Object.entries(input.bufferBase).map(([k, a]) => [k, hex(toBig(a))])) : undefined
  }
  return {
    input: plain,
    sectionMemmapBytes: M,
    sectionMapSize: mapSize,
    unitBytes: unit,
    presentSections: before,
    runs,
    groups,
    summary: { unitsTouched: Number(touched), mappedBytes, buffers },
    figures,
    checks
  }
}

/** bytes skipped at the start of a node's buffer by roundup(buffer, unit) when its physical base is given */
function leadBytes(input: MemmapPlanInput, nid: number, unit: bigint): number {
  const b = input.bufferBase?.[nid]
  if (b === undefined) return 0
  const base = toBig(b)
  return Number(roundUpBig(base, unit) - base)
}

export interface MemmapRow {
  /** index among present sections (address order) */
  index: number
  section: number
  nid: number
  startPfn: number
  /** virtual address of the section's first struct page (VMEMMAP only) */
  memmapVirt: string | null
  memmapBytes: number
  /** first and last allocation unit (PMD / vmemmap page) touched, as addresses */
  firstUnit: string | null
  lastUnit: string | null
  /** units this section allocates itself (0 when all are shared with earlier sections) */
  newUnits: number
  sharesWithPrevious: boolean
  /** offset of the memmap's first byte inside the node's boot buffer; null when it lies elsewhere */
  bufferOffset: number | null
  /** physical address when the buffer base is known */
  phys: string | null
  fromBuffer: boolean
}

/** Rows for present sections [start, start + count) in address order — only the window is computed. */
export function memmapRows(plan: MemmapPlan, start: number, count: number): MemmapRow[] {
  const { input, runs, groups } = plan
  const { geo } = input
  const vm = input.vmemmap
  const U = BigInt(plan.unitBytes)
  const MB = BigInt(plan.sectionMemmapBytes)
  const B = vm ? toBig(vm.pfnToPage0) : 0n
  const first = (sec: number): bigint => (B + BigInt(sec) * MB) / U
  const last = (sec: number): bigint => (B + BigInt(sec + 1) * MB - 1n) / U
  const rows: MemmapRow[] = []
  if (count <= 0 || start >= plan.presentSections) return rows
  // locate the run holding present index `start` (binary search on `before`)
  let lo = 0
  let hi = runs.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (runs[mid].before <= Math.max(0, start)) lo = mid
    else hi = mid - 1
  }
  let ri = lo
  let idx = Math.max(0, start)
  let sec = runs[ri].start + (idx - runs[ri].before)
  // state before `sec`: last unit touched globally, and new units of the group before `sec`
  const g0 = groups[runs[ri].group]
  let maxUnit = BigInt(g0.unitBefore)
  let newInGroup = 0n
  for (let k = g0.firstRun; k <= ri; k++) {
    const endSec = k === ri ? sec : runs[k].end
    if (endSec <= runs[k].start) continue
    const a = vm ? first(runs[k].start) : BigInt(runs[k].start)
    const l = a > maxUnit ? a : maxUnit + 1n
    const h = vm ? last(endSec - 1) : BigInt(endSec - 1)
    if (h >= l) {
      newInGroup += h - l + 1n
      maxUnit = h
    }
  }
  let groupIdx = runs[ri].group
  while (rows.length < count && ri < runs.length) {
    const run = runs[ri]
    if (run.group !== groupIdx) {
      groupIdx = run.group
      newInGroup = 0n
    }
    const g = groups[groupIdx]
    const buf = plan.summary.buffers[groupIdx]
    const lead = BigInt(leadBytes(input, g.nid, vm ? U : BigInt(plan.sectionMapSize)))
    const fu = vm ? first(sec) : BigInt(sec)
    const lu = vm ? last(sec) : BigInt(sec)
    const shares = vm !== null && fu <= maxUnit
    const fresh = lu > maxUnit ? lu - (fu > maxUnit ? fu : maxUnit + 1n) + 1n : 0n
    const sharedFromThisGroup = shares && newInGroup > 0n
    // index (in the group's buffer) of the unit holding the memmap's first byte
    const unitIndex = shares ? (sharedFromThisGroup ? newInGroup - 1n : null) : newInGroup
    const inUnit = vm ? (B + BigInt(sec) * MB) % U : 0n
    const step = vm ? U : BigInt(plan.sectionMapSize)
    // the unit must lie inside the buffer (sparse_buffer_alloc() returns NULL past its end)
    const fromBuffer = unitIndex !== null && lead + (unitIndex + 1n) * step <= BigInt(buf.bufferBytes)
    const offset = fromBuffer ? lead + unitIndex * step + inUnit : null
    const baseAddr = input.bufferBase?.[g.nid]
    rows.push({
      index: idx,
      section: sec,
      nid: run.nid,
      startPfn: sec * geo.pagesPerSection,
      memmapVirt: vm ? hex(B + BigInt(sec) * MB) : null,
      memmapBytes: plan.sectionMemmapBytes,
      firstUnit: vm ? hex(fu * U) : null,
      lastUnit: vm ? hex(lu * U) : null,
      newUnits: Number(fresh),
      sharesWithPrevious: shares,
      bufferOffset: offset === null ? null : Number(offset),
      phys: offset !== null && baseAddr !== undefined ? hex(toBig(baseAddr) + offset) : null,
      fromBuffer
    })
    newInGroup += fresh
    if (lu > maxUnit) maxUnit = lu
    idx++
    sec++
    if (sec >= run.end) {
      ri++
      if (ri < runs.length) sec = runs[ri].start
    }
  }
  return rows
}

/** sparse_encode_mem_map(): with VMEMMAP every valid section encodes the same value, vmemmap (= pfn_to_page(0)). */
export function vmemmapConsistencyCheck(pfnToPage0: Addr, observed: { section: number; sectionMemMap: Addr }[], flagBits: number): Check {
  const want = toBig(pfnToPage0)
  const mask = ~((1n << BigInt(flagBits)) - 1n) & (U64 - 1n)
  const bad = observed.filter((o) => (toBig(o.sectionMemMap) & mask) !== want)
  return {
    id: 'vmemmap.consistency',
    title: 'every valid section stores pfn_to_page(0) in section_mem_map',
    pass: bad.length === 0,
    severity: 'error',
    condition: 'section_mem_map & SECTION_MAP_MASK == addr(pfn_to_page(0))',
    values: { pfnToPage0: hex(want), checked: observed.length, mismatches: bad.length, ...(bad[0] ? { firstMismatch: bad[0].section, value: hex(toBig(bad[0].sectionMemMap)) } : {}) },
    ref: 'sparse_encode_mem_map(), __section_mem_map_addr() mm/sparse.c, include/linux/mmzone.h',
    versions: 'all',
    consequence: 'pfn_to_page()/page_to_pfn() disagree between VMEMMAP arithmetic and the section table'
  }
}

// ---------------------------------------------------------------------------------------------
// altmap (struct vmem_altmap include/linux/memremap.h; altmap_alloc_block_buf() mm/sparse-vmemmap.c)

export interface Altmap {
  basePfn: number
  reserve: number
  free: number
  alloc: number
  align: number
}

/** altmap_alloc_block_buf(): natural alignment to lowbit(nr_pfns); returns the new altmap and a Check. */
export function altmapAllocBlock(a: Altmap, sizeBytes: number, pageSize: number): { pfn: number | null; altmap: Altmap; check: Check } {
  const pageAligned = sizeBytes % pageSize === 0
  const pfn = a.basePfn + a.reserve + a.alloc + a.align
  const nrPfns = Math.floor(sizeBytes / pageSize)
  const nrAlign = nrPfns > 0 ? Number(lowbit(BigInt(nrPfns))) : 1
  const pad = Math.ceil(pfn / nrAlign) * nrAlign - pfn
  const nrFree = Math.max(0, a.free - (a.alloc + a.align))
  const ok = pageAligned && nrPfns + pad <= nrFree
  const got = ok ? pfn + pad : null
  return {
    pfn: got,
    altmap: ok ? { ...a, alloc: a.alloc + nrPfns, align: a.align + pad } : a,
    check: {
      id: 'vmemmap.altmap-alloc',
      title: `altmap allocation of ${sizeBytes} bytes`,
      pass: ok,
      severity: 'error',
      condition: 'pfn ≡ 0 mod lowbit(nr_pfns) && alloc + align ≤ free',
      values: { nextPfn: pfn, nrPfns, nrAlign, padding: pad, nrFree, pageAligned, ...(got !== null ? { pfn: got } : {}) },
      ref: 'altmap_alloc_block_buf() mm/sparse-vmemmap.c',
      versions: 'all',
      consequence: 'NULL: with an altmap there is no fallback, hot-add fails with -ENOMEM'
    }
  }
}

// ---------------------------------------------------------------------------------------------
// FLATMEM (alloc_node_mem_map() mm/mm_init.c)

export interface FlatmemInput {
  nodeStartPfn: number
  nodeEndPfn: number
  maxPageOrder: number
  structPageSize: number
  /** SMP_CACHE_BYTES (default 64) */
  cacheBytes?: number
}

export interface FlatmemMap {
  startPfn: number
  offset: number
  endPfn: number
  sizeBytes: number
  alignment: number
  figures: Figure[]
  check: Check
}

export function flatmemMap(i: FlatmemInput): FlatmemMap {
  const n = 2 ** i.maxPageOrder
  const start = Math.floor(i.nodeStartPfn / n) * n
  const end = Math.ceil(i.nodeEndPfn / n) * n
  const size = (end - start) * i.structPageSize
  const ref = 'alloc_node_mem_map() mm/mm_init.c'
  return {
    startPfn: start,
    offset: i.nodeStartPfn - start,
    endPfn: end,
    sizeBytes: size,
    alignment: i.cacheBytes ?? 64,
    figures: [
      fig('flatmem.start', 'node_mem_map start pfn', start, 'pages', `node_start_pfn & ~(MAX_ORDER_NR_PAGES − 1) = ${i.nodeStartPfn} & ~${n - 1}`, ref, 'all'),
      fig('flatmem.end', 'node_mem_map end pfn', end, 'pages', `ALIGN(pgdat_end_pfn, MAX_ORDER_NR_PAGES) = ALIGN(${i.nodeEndPfn}, ${n})`, ref, 'all'),
      fig('flatmem.size', 'node_mem_map size', size, 'bytes', `(end − start) × S = ${end - start} × ${i.structPageSize}`, ref, 'all'),
      fig('flatmem.alignment', 'node_mem_map alignment', i.cacheBytes ?? 64, 'bytes', 'memmap_alloc(size, SMP_CACHE_BYTES, …)', ref, 'all')
    ],
    check: flatmemAlignmentCheck(start, end, i.maxPageOrder)
  }
}

/** alloc_node_mem_map(): a flat map's ends are multiples of MAX_ORDER_NR_PAGES (pass observed ends to verify them). */
export function flatmemAlignmentCheck(startPfn: number, endPfn: number, maxPageOrder: number): Check {
  const n = 2 ** maxPageOrder
  return {
    id: 'flatmem.max-order-aligned',
    title: 'node_mem_map covers whole MAX_PAGE_ORDER blocks',
    pass: startPfn % n === 0 && endPfn % n === 0,
    severity: 'error',
    condition: 'start_pfn % MAX_ORDER_NR_PAGES == 0 && end_pfn % MAX_ORDER_NR_PAGES == 0',
    values: { startPfn, endPfn, MAX_ORDER_NR_PAGES: n },
    ref: 'alloc_node_mem_map() mm/mm_init.c',
    versions: 'all',
    consequence: 'a max-order buddy block at the node edge would have no struct pages'
  }
}

// ---------------------------------------------------------------------------------------------
// memmap_on_memory (mhp_supports_memmap_on_memory(), arch_supports_memmap_on_memory() mm/memory_hotplug.c)

export interface MemmapOnMemoryInput {
  version: KernelVersion
  memoryBlockSize: number
  structPageSize: number
  pageSize: number
  pageblockOrder: number
  pmdSize: number
  /** memmap_on_memory=force (6.6+): page count rounded up to a pageblock */
  force?: boolean
}

export function memmapOnMemoryCheck(i: MemmapOnMemoryInput): Check {
  const blockPages = Math.floor(i.memoryBlockSize / i.pageSize)
  const vmemmapSize = blockPages * i.structPageSize
  const pb = 2 ** i.pageblockOrder
  const available = holds('memmap-on-memory', i.version)
  const force = (i.force ?? false) && holds('memmap-on-memory-force', i.version)
  let pages = Math.ceil(vmemmapSize / i.pageSize)
  if (force) pages = Math.ceil(pages / pb) * pb
  const pageAligned = vmemmapSize % i.pageSize === 0
  const pbAligned = pages % pb === 0
  const leavesMemory = pages < blockPages
  const arch = vmemmapSize % i.pmdSize === 0
  return {
    id: 'vmemmap.memmap-on-memory',
    title: "memmap_on_memory can host this memory block's memmap",
    pass: available && pageAligned && pbAligned && leavesMemory && arch,
    severity: 'info',
    condition: 'vmemmap_size = PHYS_PFN(block)·S; IS_ALIGNED(vmemmap_size, PAGE_SIZE) && pageblock_aligned(pages) && pages < block pages && IS_ALIGNED(vmemmap_size, PMD_SIZE)',
    values: { available, vmemmapSize, pages, pageAligned, pageblockAligned: pbAligned, leavesMemory, pmdAligned: arch, forced: force },
    ref: `mhp_supports_memmap_on_memory() mm/memory_hotplug.c (the default arch_supports_memmap_on_memory(): IS_ALIGNED(vmemmap_size, PMD_SIZE)); ${cite('memmap-on-memory')}`,
    versions: versionsOf('memmap-on-memory'),
    consequence: 'the feature is refused: the memmap of hot-added memory comes from other memory'
  }
}
