// Architecture presets as data: zones and their limits, default huge page sizes and
// configuration defaults. SECTION_SIZE_BITS and MAX_PHYSMEM_BITS (per arch, page size,
// paging mode and version) live in memmap/sparse.ts archMemoryModel(); arm64's
// version-dependent ZONE_DMA comes from the version profile.

import type { Arch } from '../scenario/scenario.ts'
import { holds } from './facts.ts'
import type { VersionProfile } from './profiles.ts'
import type { KernelVersion } from './version.ts'
import { GiB, KiB, MiB } from './units.ts'

export type ZoneName = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable' | 'Device'

/**
 * How an architecture's zone_sizes_init()/paging_init() fills max_zone_pfn[]:
 *  x86    arch/x86/mm/init.c: DMA < 16 MiB, DMA32 < 4 GiB, Normal = max_low_pfn, HighMem = max_pfn
 *  arm64  arch/arm64/mm/init.c (version dependent, see zones.ts)
 *  limits a fixed ZONE_DMA/ZONE_DMA32 limit in bytes, clamped to lowmem, or (`unclamped`)
 *         set as it is, however little memory there is (s390, loongarch: the printed zone
 *         then runs to the limit, past the end of memory)
 */
export type ZoneRule = { kind: 'x86' } | { kind: 'arm64' } | { kind: 'limits'; dma?: number; dma32?: number; unclamped?: boolean }

export interface ArchPreset {
  arch: Arch
  pageSizes: number[]
  defaultPageSize: number
  /**
   * how firmware memory becomes memblock: e820 tables, UEFI/device tree (arm64's
   * reserve_regions()), s390's detected storage (`dt` memory ranges, mem= a physical
   * cap) or loongarch's memblock_init() over the UEFI map
   */
  firmware: 'e820' | 'efi-dt' | 's390' | 'loongarch'
  /** x86 numa_init() (meminfo, coverage check) or the generic memblk path (arch_numa.c, of_numa) */
  numa: 'x86' | 'memblk'
  zoneRule: ZoneRule
  /** bits of resource_size_t / phys_addr_t: e820 entries ending beyond it are skipped */
  physAddrBits(opts: { paging?: string }): number
  defaults: {
    zoneDma: boolean
    zoneDma32: boolean
    zoneDevice: boolean
    numa: boolean
    hugetlbVmemmap: boolean
    structPageSize: number
    maxNumNodes: number
    highmem: boolean
    /** first byte above lowmem (32-bit), null for 64-bit */
    lowmemLimit: number | null
    memoryModel: 'sparsemem' | 'flatmem'
    /** X86_FEATURE_HYPERVISOR; null: not known (bare metal and guests differ only at ≥ 64 GiB) */
    hypervisor: boolean | null
    /** block_size_bytes set by the platform (UV, CFMWS advice, LMB size); null: derived */
    memoryBlockSize: number | null
    /** CONFIG_DEFERRED_STRUCT_PAGE_INIT (distribution kernels) */
    deferredStructPageInit: boolean
  }
  /**
   * Memoryless NUMA nodes: x86 leaves them offline and sets them up late
   * (init_memory_less_node()); powerpc and arm64 bring every node online first, so
   * free_area_init() prints them in node order.
   */
  memorylessOnline: boolean
  /** memblock_find_dma_reserve() only exists on x86 (its value depends on reservations) */
  dmaReserveUnknown: boolean
  /** defaults that follow the version (distribution configs recorded in the profiles) */
  versionDefaults?(p: VersionProfile, v: KernelVersion): Partial<ArchPreset['defaults']>
  /** defaults of a kernel built with NUMA (a scenario with `numa`), where the arch's Kconfig ties them to it */
  numaDefaults?: Partial<ArchPreset['defaults']>
  /** huge page sizes registered when the scenario does not list any */
  defaultHugePageSizes(pageSize: number, paging?: string): number[]
}

const generic = {
  zoneDevice: false,
  numa: false,
  hugetlbVmemmap: false,
  structPageSize: 64,
  maxNumNodes: 1,
  highmem: false,
  lowmemLimit: null,
  memoryModel: 'sparsemem' as const,
  hypervisor: null,
  memoryBlockSize: null,
  deferredStructPageInit: true
}

export const ARCH_PRESETS: Record<Arch, ArchPreset> = {
  x86_64: {
    arch: 'x86_64',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'e820',
    numa: 'x86',
    zoneRule: { kind: 'x86' },
    physAddrBits: () => 64,
    defaults: { ...generic, zoneDma: true, zoneDma32: true, zoneDevice: true, numa: true, hugetlbVmemmap: true, maxNumNodes: 1024 },
    dmaReserveUnknown: true,
    memorylessOnline: false,
    defaultHugePageSizes: () => [2 * MiB, 1 * GiB]
  },
  arm64: {
    arch: 'arm64',
    pageSizes: [4 * KiB, 16 * KiB, 64 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'efi-dt',
    numa: 'memblk',
    zoneRule: { kind: 'arm64' },
    physAddrBits: () => 64,
    defaults: { ...generic, zoneDma: true, zoneDma32: true, numa: true, hugetlbVmemmap: true, maxNumNodes: 64 },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    // Debian's arm64 configs build ZONE_DEVICE from trixie's 6.12 (bookworm's 6.1 do not)
    versionDefaults: (p) => ({ zoneDevice: p.arm64ZoneDevice }),
    // arch/arm64/mm/hugetlbpage.c: CONT_PTE, PMD, CONT_PMD, PUD sizes
    defaultHugePageSizes: (ps) => (ps === 4 * KiB ? [64 * KiB, 2 * MiB, 32 * MiB, 1 * GiB] : ps === 16 * KiB ? [2 * MiB, 32 * MiB, 1 * GiB] : [2 * MiB, 512 * MiB, 16 * GiB])
  },
  riscv64: {
    arch: 'riscv64',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'efi-dt',
    numa: 'memblk',
    // arch/riscv/mm/init.c zone_sizes_init(): dma32_phys_limit = min(4 GiB, end of DRAM)
    zoneRule: { kind: 'limits', dma32: 4 * GiB },
    physAddrBits: () => 64,
    // FLATMEM with ARCH_PFN_OFFSET at the start of DRAM (seen in 5.6 and 5.16 QEMU boots);
    // SPARSEMEM_VMEMMAP as riscv kernels are built later (a NUMA log says so itself)
    // HVO is built wherever the arch selects it (6.3+) on SPARSEMEM_VMEMMAP
    defaults: { ...generic, zoneDma: false, zoneDma32: true, memoryModel: 'flatmem', hugetlbVmemmap: true },
    versionDefaults: (_p, v) => (holds('riscv-sparsemem-default', v) ? { memoryModel: 'sparsemem' } : {}),
    // arch/riscv/Kconfig: ARCH_FLATMEM_ENABLE def_bool !NUMA
    numaDefaults: { memoryModel: 'sparsemem' },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    defaultHugePageSizes: () => [2 * MiB, 1 * GiB]
  },
  powerpc64: {
    arch: 'powerpc64',
    pageSizes: [4 * KiB, 64 * KiB],
    defaultPageSize: 64 * KiB,
    firmware: 'efi-dt',
    numa: 'memblk',
    // arch/powerpc/mm/mem.c paging_init(): zone_dma_bits 31 on 64-bit
    zoneRule: { kind: 'limits', dma: 2 ** 31 },
    physAddrBits: () => 64,
    defaults: { ...generic, zoneDma: false, zoneDma32: false, numa: true, maxNumNodes: 256 },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    defaultHugePageSizes: () => [16 * MiB, 16 * GiB]
  },
  powerpc: {
    arch: 'powerpc',
    pageSizes: [4 * KiB, 16 * KiB, 64 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'efi-dt',
    numa: 'memblk',
    // arch/powerpc/mm/mem.c paging_init(): zone_dma_bits 30 on 32-bit
    zoneRule: { kind: 'limits', dma: 2 ** 30 },
    physAddrBits: () => 64,
    // CONFIG_LOWMEM_SIZE defaults to 0x30000000; a 32-bit struct page is 32 bytes
    defaults: { ...generic, zoneDma: false, zoneDma32: false, highmem: true, lowmemLimit: 0x30000000, memoryModel: 'flatmem', structPageSize: 32 },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    defaultHugePageSizes: () => []
  },
  arm: {
    arch: 'arm',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'efi-dt',
    numa: 'memblk',
    zoneRule: { kind: 'limits' },
    physAddrBits: () => 64,
    // the default 3G/1G split with a 240 MiB vmalloc area leaves 760 MiB of lowmem
    defaults: { ...generic, zoneDma: false, zoneDma32: false, highmem: true, lowmemLimit: 0x2f800000, memoryModel: 'flatmem', structPageSize: 32 },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    defaultHugePageSizes: () => []
  },
  x86: {
    arch: 'x86',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 'e820',
    numa: 'x86',
    zoneRule: { kind: 'x86' },
    physAddrBits: ({ paging }) => (paging === 'pae' ? 64 : 32),
    // MAXMEM with the default 3G/1G split and 128 MiB vmalloc reserve. FLATMEM: arch/x86/Kconfig
    // ARCH_FLATMEM_ENABLE (X86_32 && !NUMA), and mm/Kconfig's memory model choice takes
    // SPARSEMEM_MANUAL only where ARCH_SPARSEMEM_DEFAULT (X86_64 || (NUMA && X86_32)); a log
    // shows SPARSEMEM by its NUMA lines or, before 5.15, by any hole message (memory-model.ts)
    defaults: { ...generic, zoneDma: true, zoneDma32: false, highmem: true, lowmemLimit: 0x377fe000, memoryModel: 'flatmem', structPageSize: 32 },
    // ARCH_SPARSEMEM_DEFAULT: NUMA && X86_32 (and FLATMEM needs !NUMA)
    numaDefaults: { memoryModel: 'sparsemem' },
    dmaReserveUnknown: true,
    memorylessOnline: false,
    // HPAGE_SHIFT = PMD_SHIFT: 22 with 2-level paging, 21 with PAE (arch/x86/include/asm/page_types.h)
    defaultHugePageSizes: (_ps, paging) => [paging === 'pae' ? 2 * MiB : 4 * MiB]
  },
  s390: {
    arch: 's390',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    firmware: 's390',
    numa: 'memblk',
    // arch/s390/mm/init.c paging_init(): max_zone_pfns[ZONE_DMA] = PFN_DOWN(MAX_DMA_ADDRESS)
    // (0x80000000, 31-bit addressing), ZONE_NORMAL = max_low_pfn; the DMA limit is not
    // clamped, so a 1 GiB guest prints `DMA [mem 0x0-0x7fffffff]` (Debian 6.1/6.12/7.2 boots)
    zoneRule: { kind: 'limits', dma: 2 ** 31, unclamped: true },
    physAddrBits: () => 64,
    // no CONFIG_ZONE_DMA32 on s390; CONFIG_NUMA is not set in Debian's s390x configs (6.1,
    // 6.12, 7.2), and s390's NUMA support was removed upstream; NODES_SHIFT 1 then
    defaults: { ...generic, zoneDma: true, zoneDma32: false, numa: false, hugetlbVmemmap: true },
    // ZONE_DEVICE as Debian builds it (profiles.ts s390ZoneDevice)
    versionDefaults: (p) => ({ zoneDevice: p.s390ZoneDevice }),
    dmaReserveUnknown: false,
    memorylessOnline: true,
    // arch/s390/mm/hugetlbpage.c arch_hugetlb_valid_size(): PMD_SIZE (1 MiB segment) with
    // EDAT1, PUD_SIZE (2 GiB region-third) with EDAT2; hugepages_supported() needs EDAT1,
    // which QEMU's TCG CPUs lack ("hugetlbfs: disabling because there are no supported
    // hugepage sizes"; a log says which sizes were registered)
    defaultHugePageSizes: () => [1 * MiB, 2 * GiB]
  },
  loongarch64: {
    arch: 'loongarch64',
    pageSizes: [4 * KiB, 16 * KiB, 64 * KiB],
    // arch/loongarch/Kconfig: "choice … default 16KB"
    defaultPageSize: 16 * KiB,
    firmware: 'loongarch',
    numa: 'memblk',
    // arch/loongarch/mm/init.c paging_init(): max_zone_pfns[ZONE_DMA32] = MAX_DMA32_PFN
    // (1 << (32 - PAGE_SHIFT)), ZONE_NORMAL = max_low_pfn; not clamped to memory
    zoneRule: { kind: 'limits', dma32: 4 * GiB, unclamped: true },
    physAddrBits: () => 64,
    // arch/loongarch/Kconfig selects ZONE_DMA32 (no ZONE_DMA); NODES_SHIFT 6 with NUMA
    defaults: { ...generic, zoneDma: false, zoneDma32: true, numa: true, maxNumNodes: 64, hugetlbVmemmap: true },
    dmaReserveUnknown: false,
    memorylessOnline: true,
    // arch/loongarch/include/asm/page.h: HPAGE_SHIFT = PAGE_SHIFT + PAGE_SHIFT - 3 (the PMD):
    // 2 MiB with 4K pages, 32 MiB with 16K, 512 MiB with 64K; no other size is registered
    defaultHugePageSizes: (ps) => [ps === 4 * KiB ? 2 * MiB : ps === 16 * KiB ? 32 * MiB : 512 * MiB]
  }
}
