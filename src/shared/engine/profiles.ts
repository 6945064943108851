// Kernel behaviour that changed across versions, as data. A profile applies from its
// `since` version up to the next profile's `since`; stable-branch backports are profiles
// of their own keyed by the first stable release that carries them (e.g. 5.10.y).
// Each field names the kernel function it models and each row the commit that changed it
// (file, function, commit, release); the memmap model's facts live in facts.ts.

import { atLeast, formatVersion, parseKernelVersion, versionKey, type KernelVersion } from './version.ts'
import { sharedValue } from './memo.ts'

export type HoleMessage =
  /** 4.15–4.19: zero_resv_unavail() over memblock.reserved \ memblock.memory, one total */
  | 'reserved-but-unavailable'
  /** 4.20/5.0–5.10.0: zero_resv_unavail()/init_unavailable_mem() over all holes, one total */
  | 'zeroed-struct-page'
  /** 5.11–5.13: init_unavailable_range() inside memmap_init_zone(), one line per zone */
  | 'per-zone'
  /** 5.14+ (and 5.10.y stable): memmap_init() -> init_unavailable_range(), one line per hole */
  | 'per-hole'

/** arm64 pfn_valid() history (arch/arm64/mm/init.c; a7d9f306ba70 in v5.14, 3de360c3fdb3 in v5.16) */
export type Arm64PfnValid =
  /** ≤4.19: memblock_is_map_memory() only (no section check) */
  | 'map-memory'
  /** 5.4–5.13: present section && memblock_is_map_memory() (NOMAP and holes invalid) */
  | 'section-map-memory'
  /** 5.14–5.15.0: present section && memblock_is_memory() (NOMAP valid, holes invalid) */
  | 'section-memory'
  /** 5.16+ (and 5.15.y): generic SPARSEMEM pfn_valid(): the whole early section is valid */
  | 'generic'

/** arm64 zone_sizes_init()/max_zone_phys() variants (arch/arm64/mm/init.c) */
export type Arm64ZoneDma = 'dma32-only' | 'bits30' | 'min-bits' | 'limit-6.12' | 'limit-6.13'

/**
 * HugeTLB vmemmap report:
 *  can-free     5.14–5.18 hugetlb_vmemmap_init() "can free N vmemmap pages", only when
 *               HVO is enabled at boot (hugetlb_free_vmemmap=on / _DEFAULT_ON)
 *  can-optimize 5.19 "can optimize N vmemmap pages", whenever it is built in
 *  kib-freed    6.0+ report_hugepages() "N KiB vmemmap can be freed for a X page", always
 */
export type HugetlbVmemmapLine = 'none' | 'can-free' | 'can-optimize' | 'kib-freed'

/**
 * x86 NUMA coverage check that makes the kernel ignore SRAT:
 *  meminfo    ≤6.7 numa_meminfo_cover_memory(): e820 RAM minus node RAM >= 1 MiB
 *  memblock   6.8–6.12.4 memblock_validate_numa_coverage(SZ_1M): node-less RAM >= 1 MiB
 *  memblock-gt 6.12.5+ the same with ">" ("memblock: allow zero threshold")
 */
export type X86NumaCoverage = 'meminfo' | 'memblock' | 'memblock-gt'

/**
 * x86 e820__print_table()/e820_print_type() wording:
 *  classic      `BIOS-e820: [mem …] usable` / `reserved` / `persistent (type N)`
 *  system-ram   7.0+: `BIOS-e820: [mem …]  System RAM` / ` device reserved` /
 *               ` persistent RAM (type N)` (each name carries its own leading space), and
 *               `BIOS-e820: [gap …]` before every hole
 */
export type E820Wording = 'classic' | 'system-ram'

/**
 * How node_dev_init() links boot memory blocks to nodes (drivers/base/node.c):
 *  pfn-scan          register_mem_block_under_node_early(): a block joins node N when a
 *                    pfn of its present sections has get_nid_for_pfn() == N, for blocks in
 *                    N's span; with DEFERRED_STRUCT_PAGE_INIT that is early_pfn_to_nid(),
 *                    which gives first_online_node for a hole
 *  memblock-regions  register_memory_blocks_under_nodes(): every block a memblock.memory
 *                    region of node N touches
 */
export type MemoryBlockNodes = 'pfn-scan' | 'memblock-regions'

/**
 * x86_64 probe_memory_block_size() at 64 GiB of boot memory or more (arch/x86/mm/init_64.c):
 *  large-2g        2 GiB
 *  aligned         the largest size from 2 GiB down that divides the end of boot memory
 *  bare-metal-2g   2 GiB on bare metal, `aligned` under a hypervisor (X86_FEATURE_HYPERVISOR)
 */
export type X86MemoryBlock = 'large-2g' | 'aligned' | 'bare-metal-2g'

export interface VersionProfile {
  /** short id, e.g. `6.1` or `5.10.y` */
  id: string
  /** first version the profile applies to */
  since: string
  title: string
  holeMessage: HoleMessage
  /**
   * Where the whole-map zeroing stops (4.20–5.10.0): `max_pfn` in the original code,
   * round_up(max_pfn, PAGES_PER_SECTION) after the fix backported to 5.4.y.
   */
  zeroedTail: 'max_pfn' | 'section'
  /** x86 4.19.0 e820__memblock_setup(): memblock_reserve() every non-RAM entry and gap. */
  x86ReserveE820Gaps: boolean
  arm64PfnValid: Arm64PfnValid
  arm64ZoneDma: Arm64ZoneDma
  /** `  %s zone: %lu pages used for memmap` / `pages reserved`: KERN_DEBUG ≤5.13, pr_debug after */
  memmapDebugLines: boolean
  /** `Initmem setup node %d as memoryless` (6.x) instead of an empty range */
  initmemMemoryless: boolean
  hugetlbVmemmapLine: HugetlbVmemmapLine
  /** vmemmap pages HVO keeps per huge page (HUGETLB_VMEMMAP_RESERVE_SIZE / PAGE_SIZE) */
  hvoReservedPages: number
  /** x86 e820__memblock_setup() memblock_reserve()s SOFT_RESERVED entries; arm64 skips EFI_MEMORY_SP */
  x86SoftReservedReserve: boolean
  /** x86 e820_end_pfn() counts ACPI data as well as RAM (TDX kexec change) */
  x86EndPfnAcpi: boolean
  /** DT /reserved-memory no-map: memblock_mark_nomap() (5.11+) instead of memblock_remove() */
  dtNoMapNomap: boolean
  /** x86 numa_register_memblks() skips nodes under NODE_MIN_SIZE (4 MiB) (≤6.5, 6.1.y <64, 5.10.y <202) */
  x86NodeMinSize: boolean
  x86NumaCoverage: X86NumaCoverage
  /** numa_cleanup_meminfo() clips blocks to [start, end) of DRAM (6.12+) instead of [0, max_pfn) */
  numaClipToDram: boolean
  e820Wording: E820Wording
  memoryBlockNodes: MemoryBlockNodes
  x86MemoryBlock: X86MemoryBlock
  /** /proc/vmstat nr_memmap_boot_pages / nr_memmap_pages exist (15995a352474, 6.11) */
  memmapCounters: boolean
  /**
   * Debian's arm64 config builds ZONE_DEVICE (trixie's 6.12 onwards; bookworm's 6.1 does
   * not): the default for arm64 scenarios that do not say, seen in the oracle's boots
   * (`Device   empty` in `Zone ranges`)
   */
  arm64ZoneDevice: boolean
  /**
   * Debian's s390x config builds ZONE_DEVICE: not in bookworm's 6.1.176 or trixie's
   * 6.12.107 (mm/Kconfig: ZONE_DEVICE depends on ARCH_HAS_PTE_DEVMAP there, which s390
   * never selects), in sid's 7.2.13 (scripts/kernel-oracle/kernels/config-*-s390x; the
   * oracle's s390x boots print `Device   empty` on 7.2 only). The dependency went between
   * 6.12 and 7.2; the profile that starts the 7.x line carries it.
   */
  s390ZoneDevice: boolean
}

const base: Omit<VersionProfile, 'id' | 'since' | 'title'> = {
  holeMessage: 'reserved-but-unavailable',
  zeroedTail: 'max_pfn',
  x86ReserveE820Gaps: false,
  arm64PfnValid: 'map-memory',
  arm64ZoneDma: 'dma32-only',
  memmapDebugLines: true,
  initmemMemoryless: false,
  hugetlbVmemmapLine: 'none',
  hvoReservedPages: 2,
  x86SoftReservedReserve: false,
  x86EndPfnAcpi: false,
  dtNoMapNomap: false,
  x86NodeMinSize: true,
  x86NumaCoverage: 'meminfo',
  numaClipToDram: false,
  e820Wording: 'classic',
  memoryBlockNodes: 'pfn-scan',
  x86MemoryBlock: 'large-2g',
  memmapCounters: false,
  arm64ZoneDevice: false,
  s390ZoneDevice: false
}

type Delta = Partial<Omit<VersionProfile, 'id' | 'since' | 'title'>> & { id: string; since: string; title: string }

/**
 * Ordered by `since`; each entry lists what changed from the previous one. Stable
 * branches sort between their mainline release and the next one (x.y < x.y.z <
 * x.(y+1)-rc1), so an entry after a stable backport restates the mainline values.
 * Stable release numbers come from the stable review mails and Debian's changelogs;
 * "inferred" marks points not read in a tree.
 */
const DELTAS: Delta[] = [
  { id: '4.15', since: '4.15-rc1', title: 'zero_resv_unavail(): "Reserved but unavailable"' },
  // 124049decbb1 (inferred 4.18; stable from ~4.17.4), removed in 4.19.y before 4.19.13 (4.19.9 inferred)
  // 078eb6aa50dc "x86/mm/memory_hotplug: determine block size based on the end of boot
  // memory" (in v4.17)
  { id: '4.17', since: '4.17-rc1', title: 'x86 memory blocks sized to divide the end of boot memory', x86MemoryBlock: 'aligned' },
  { id: '4.18', since: '4.18-rc1', title: 'x86 e820__memblock_setup() reserves every non-RAM entry and gap', x86ReserveE820Gaps: true },
  { id: '4.19.9', since: '4.19.9', title: '4.19 stable: e820 gap reservation reverted', x86ReserveE820Gaps: false },
  { id: '4.19.103', since: '4.19.103', title: '4.19 stable: "Zeroed struct page", section-rounded tail', holeMessage: 'zeroed-struct-page', zeroedTail: 'section' },
  { id: '4.20', since: '4.20-rc1', title: '907ec5fca3dc: "Zeroed struct page in unavailable ranges"', holeMessage: 'zeroed-struct-page', zeroedTail: 'max_pfn', x86ReserveE820Gaps: false },
  { id: '5.4', since: '5.4-rc1', title: 'arm64 pfn_valid() checks the section', arm64PfnValid: 'section-map-memory' },
  { id: '5.4.19', since: '5.4.19', title: '5.4 stable: zeroing tail rounded up to a section', zeroedTail: 'section' },
  { id: '5.5', since: '5.5-rc1', title: 'arm64 ZONE_DMA (30 bits); SOFT_RESERVED reserved', arm64ZoneDma: 'bits30', zeroedTail: 'max_pfn', x86SoftReservedReserve: true },
  { id: '5.6', since: '5.6-rc1', title: 'e822969cab48: zeroing tail rounded up to a section', zeroedTail: 'section' },
  // fe124c95df9e "x86/mm: use max memory block size on bare metal" (v3 posted 2020-07-14,
  // via -mm; in v5.9)
  { id: '5.9', since: '5.9-rc1', title: 'x86 memory blocks of 2 GiB on bare metal at 64 GiB or more', x86MemoryBlock: 'bare-metal-2g' },
  { id: '5.10', since: '5.10-rc1', title: 'whole-map zeroing (init_unavailable_mem)' },
  { id: '5.10.22', since: '5.10.22', title: '5.10 stable: arm64 zone_dma_bits from DT/IORT', arm64ZoneDma: 'min-bits' },
  { id: '5.10.24', since: '5.10.24', title: '5.10 stable: per-zone "pages in unavailable ranges" (0740a50b9baa)', holeMessage: 'per-zone' },
  { id: '5.10.53', since: '5.10.53', title: '5.10 stable: per-hole memmap_init() (122e093c1734)', holeMessage: 'per-hole' },
  { id: '5.10.202', since: '5.10.202', title: '5.10 stable: NODE_MIN_SIZE check removed', x86NodeMinSize: false },
  {
    id: '5.11',
    since: '5.11-rc1',
    title: 'arm64 zone_dma_bits from DT/IORT; DT no-map becomes NOMAP; whole-map zeroing',
    holeMessage: 'zeroed-struct-page',
    arm64ZoneDma: 'min-bits',
    dtNoMapNomap: true,
    x86NodeMinSize: true
  },
  { id: '5.11.7', since: '5.11.7', title: '5.11 stable: per-zone "pages in unavailable ranges"', holeMessage: 'per-zone' },
  { id: '5.12', since: '5.12-rc1', title: 'arm64 SECTION_SIZE_BITS 27 (4K/16K), 29 (64K) (in memmap/sparse.ts)', holeMessage: 'zeroed-struct-page' },
  // 0740a50b9baa landed during the 5.12 rcs (5.12-rc2 boots still print "Zeroed"; rc3 inferred)
  { id: '5.12-rc3', since: '5.12-rc3', title: 'per-zone "pages in unavailable ranges"', holeMessage: 'per-zone' },
  // 122e093c1734 "mm/page_alloc: fix memory map initialization for descending nodes"
  // backported to 5.12.17 and 5.13.2 (their -rc1 review lists: 5.13.2 patch 031/800)
  { id: '5.12.17', since: '5.12.17', title: '5.12 stable: per-hole memmap_init() (122e093c1734)', holeMessage: 'per-hole' },
  { id: '5.13', since: '5.13-rc1', title: 'per-zone "pages in unavailable ranges"', holeMessage: 'per-zone' },
  { id: '5.13.2', since: '5.13.2', title: '5.13 stable: per-hole memmap_init() (122e093c1734)', holeMessage: 'per-hole' },
  {
    id: '5.14',
    since: '5.14-rc1',
    title: 'per-hole memmap_init(); arm64 pfn_valid() = memblock_is_memory(); memmap lines pr_debug; HVO "can free"',
    holeMessage: 'per-hole',
    arm64PfnValid: 'section-memory',
    memmapDebugLines: false,
    hugetlbVmemmapLine: 'can-free',
    hvoReservedPages: 2
  },
  { id: '5.15.36', since: '5.15.36', title: '5.15 stable: arm64 generic pfn_valid()', arm64PfnValid: 'generic' },
  { id: '5.16', since: '5.16-rc1', title: '3de360c3fdb3: arm64 generic pfn_valid()', arm64PfnValid: 'generic' },
  { id: '5.18', since: '5.18-rc1', title: 'HVO keeps one vmemmap page; "Initmem setup node N as memoryless"', hvoReservedPages: 1, initmemMemoryless: true },
  { id: '5.19', since: '5.19-rc1', title: 'HVO "can optimize", printed whenever built in', hugetlbVmemmapLine: 'can-optimize' },
  { id: '6.0', since: '6.0-rc1', title: 'report_hugepages(): "N KiB vmemmap can be freed"', hugetlbVmemmapLine: 'kib-freed' },
  { id: '6.1', since: '6.1-rc1', title: 'Debian 12 kernel (oracle fixtures)' },
  { id: '6.1.64', since: '6.1.64', title: '6.1 stable: NODE_MIN_SIZE check removed', x86NodeMinSize: false },
  { id: '6.2', since: '6.2-rc1', title: 'x86 NODE_MIN_SIZE check still in mainline (6.1.64 was a backport of its removal)', x86NodeMinSize: true },
  { id: '6.6', since: '6.6-rc1', title: 'NODE_MIN_SIZE check removed; mm_init.c', x86NodeMinSize: false },
  { id: '6.8', since: '6.8-rc1', title: 'MAX_PAGE_ORDER; memblock_validate_numa_coverage()', x86NumaCoverage: 'memblock' },
  { id: '6.10', since: '6.10-rc1', title: 'calc_memmap_size()/dma_reserve removed' },
  // 15995a352474 "mm: report per-page metadata information" (in v6.11); 06fa48d85b09
  // "x86/mm: Make e820__end_ram_pfn() cover E820_TYPE_ACPI ranges" (tip x86/cc, TDX kexec
  // series, in v6.11; seen in the oracle's 6.12 and 7.x boots, not in 6.1's)
  {
    id: '6.11',
    since: '6.11-rc1',
    title: 'Memory: line printed after deferred init; nr_memmap_boot_pages in /proc/vmstat; e820 end of RAM counts ACPI data',
    memmapCounters: true,
    x86EndPfnAcpi: true
  },
  {
    id: '6.12',
    since: '6.12-rc1',
    title: 'arm64 zone_dma_limit; numa_memblks.c clips to DRAM; Debian arm64 builds ZONE_DEVICE',
    arm64ZoneDma: 'limit-6.12',
    numaClipToDram: true,
    arm64ZoneDevice: true
  },
  { id: '6.12.5', since: '6.12.5', title: '6.12 stable: arm64 DMA clamp moved; coverage threshold ">"', arm64ZoneDma: 'limit-6.13', x86NumaCoverage: 'memblock-gt' },
  { id: '6.13', since: '6.13-rc1', title: 'arm64 zone DMA clamp in zone_sizes_init()', arm64ZoneDma: 'limit-6.13', x86NumaCoverage: 'memblock-gt' },
  { id: '6.16', since: '6.16-rc1', title: 'for_each_valid_pfn()' },
  // 4f745def815d "drivers/base/node: optimize memory block registration to reduce boot
  // time" and 69e944b1606a "drivers/base/node: remove register_mem_block_under_node_early()"
  // (mm-stable in July 2025: 6.17 inferred; absent in 6.12.y, present in 7.0)
  { id: '6.17', since: '6.17-rc1', title: 'memory blocks join nodes by memblock region (register_memory_blocks_under_nodes())', memoryBlockNodes: 'memblock-regions' },
  // Ingo Molnar's e820 series, tip x86/boot 2025-12-14: c87f94477740 (the separator
  // space moves into e820_print_type()), fa06d58805c8 ("System RAM"), 4a7a13e04c05
  // ("device reserved", "persistent RAM"), 4d8e5a682be4 (gap lines) (in v7.0)
  { id: '7.0', since: '7.0-rc1', title: 'e820 tables print "System RAM"/"device reserved" and [gap …] lines; Debian s390x builds ZONE_DEVICE', e820Wording: 'system-ram', s390ZoneDevice: true }
]

export const PROFILES: VersionProfile[] = (() => {
  const out: VersionProfile[] = []
  let cur: VersionProfile = { ...base, id: '', since: '', title: '' }
  for (const d of DELTAS) {
    cur = { ...cur, ...d }
    out.push(cur)
  }
  return out
})()

export const OLDEST = PROFILES[0].since
/** Newest release the profiles were checked against; later versions get a warning. */
export const NEWEST_KNOWN = '7.3'

export interface ProfileChoice {
  version: KernelVersion
  profile: VersionProfile
  warnings: string[]
}

/** selectProfile()'s answers by version text (≤ 1024, then cleared). */
const chosenFor = new Map<string, ProfileChoice | null>()

/**
 * The profile for a version: the last one whose `since` is not newer. Versions outside
 * the known range map to the nearest profile with a warning; unparseable ones are errors
 * for the caller (null).
 */
export function selectProfile(text: string): ProfileChoice | null {
  // a fleet's logs name few kernels: each text is read once (the answer is frozen, shared)
  let c = chosenFor.get(text)
  if (c === undefined) {
    if (chosenFor.size >= 1024) chosenFor.clear()
    c = choose(text)
    if (c) {
      Object.freeze(c.warnings)
      // keptPer() keys the version by identity
      sharedValue(c.version)
      Object.freeze(c)
    }
    chosenFor.set(text, c)
  }
  return c
}

function choose(text: string): ProfileChoice | null {
  const v = parseKernelVersion(text)
  if (!v) return null
  const warnings: string[] = []
  let chosen = PROFILES[0]
  for (const p of PROFILES) if (atLeast(v, p.since)) chosen = p
  if (!atLeast(v, OLDEST)) warnings.push(`kernel ${formatVersion(v)} is older than the oldest modelled version ${OLDEST}; using profile ${chosen.id}`)
  else if (versionKey(v) >= versionKey(parseKernelVersion(NEWEST_KNOWN)!) + 1_000)
    warnings.push(`kernel ${formatVersion(v)} is newer than the newest checked version ${NEWEST_KNOWN}; using profile ${chosen.id}`)
  return { version: v, profile: chosen, warnings }
}
