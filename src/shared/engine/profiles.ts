// Kernel behaviour that changed across versions, as data. A profile applies from its
// `since` version up to the next profile's `since`; stable-branch backports are profiles
// of their own keyed by the first stable release that carries them (e.g. 5.10.y).
// Sources: ../shared/docs/kernel-holes-spec.md (§3.7 version matrix, §4.2, §2.1, §5) and
// kernel-memmap-spec.md (§5 HVO); each field names the kernel function it models.

import { atLeast, formatVersion, parseKernelVersion, versionKey, type KernelVersion } from './version.ts'

export type HoleMessage =
  /** 4.15–4.19: zero_resv_unavail() over memblock.reserved \ memblock.memory, one total */
  | 'reserved-but-unavailable'
  /** 4.20/5.0–5.10.0: zero_resv_unavail()/init_unavailable_mem() over all holes, one total */
  | 'zeroed-struct-page'
  /** 5.11–5.13: init_unavailable_range() inside memmap_init_zone(), one line per zone */
  | 'per-zone'
  /** 5.14+ (and 5.10.y stable): memmap_init() -> init_unavailable_range(), one line per hole */
  | 'per-hole'

/** arm64 pfn_valid() history (arch/arm64/mm/init.c), kernel-holes-spec §4.2 */
export type Arm64PfnValid =
  /** ≤4.19: memblock_is_map_memory() only (no section check) */
  | 'map-memory'
  /** 5.4–5.13: present section && memblock_is_map_memory() (NOMAP and holes invalid) */
  | 'section-map-memory'
  /** 5.14–5.15.0: present section && memblock_is_memory() (NOMAP valid, holes invalid) */
  | 'section-memory'
  /** 5.16+ (and 5.15.y): generic SPARSEMEM pfn_valid(): the whole early section is valid */
  | 'generic'

/** arm64 zone_sizes_init()/max_zone_phys() variants, kernel-holes-spec §2.1 */
export type Arm64ZoneDma = 'dma32-only' | 'bits30' | 'min-bits' | 'limit-6.12' | 'limit-6.13'

/** HugeTLB vmemmap report in report_hugepages()/hugetlb_vmemmap_init() */
export type HugetlbVmemmapLine = 'none' | 'can-optimize' | 'kib-freed'

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
  /** arm64 SECTION_SIZE_BITS with 4K/16K pages (30 until 5.11, 27 from 5.12) */
  arm64SectionBits4K16K: number
  /** arm64 SECTION_SIZE_BITS with 64K pages (30 until 5.11, 29 from 5.12) */
  arm64SectionBits64K: number
  arm64PfnValid: Arm64PfnValid
  arm64ZoneDma: Arm64ZoneDma
  /** `  %s zone: %lu pages used for memmap` / `pages reserved`: KERN_DEBUG ≤5.13, pr_debug after */
  memmapDebugLines: boolean
  /** `Initmem setup node %d as memoryless` (6.x) instead of an empty range */
  initmemMemoryless: boolean
  hugetlbVmemmapLine: HugetlbVmemmapLine
  /** vmemmap pages HVO keeps per huge page (HUGETLB_VMEMMAP_RESERVE_SIZE / PAGE_SIZE) */
  hvoReservedPages: number
  /** arm64 selected ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (5.19–6.2) */
  arm64Hvo: boolean
  /** x86 e820__memblock_setup() memblock_reserve()s SOFT_RESERVED entries; arm64 skips EFI_MEMORY_SP */
  x86SoftReservedReserve: boolean
  /** x86 e820_end_pfn() counts ACPI data as well as RAM (TDX kexec change) */
  x86EndPfnAcpi: boolean
  /** DT /reserved-memory no-map: memblock_mark_nomap() (5.11+) instead of memblock_remove() */
  dtNoMapNomap: boolean
}

const base: Omit<VersionProfile, 'id' | 'since' | 'title'> = {
  holeMessage: 'reserved-but-unavailable',
  zeroedTail: 'max_pfn',
  x86ReserveE820Gaps: false,
  arm64SectionBits4K16K: 30,
  arm64SectionBits64K: 30,
  arm64PfnValid: 'map-memory',
  arm64ZoneDma: 'dma32-only',
  memmapDebugLines: true,
  initmemMemoryless: false,
  hugetlbVmemmapLine: 'none',
  hvoReservedPages: 2,
  arm64Hvo: false,
  x86SoftReservedReserve: false,
  x86EndPfnAcpi: false,
  dtNoMapNomap: false
}

type Delta = Partial<Omit<VersionProfile, 'id' | 'since' | 'title'>> & { id: string; since: string; title: string }

/** Ordered by `since`; each entry lists only what changed from the previous one. */
const DELTAS: Delta[] = [
  { id: '4.15', since: '4.15', title: 'zero_resv_unavail(): "Reserved but unavailable"' },
  { id: '4.19', since: '4.19', title: 'x86 reserves every e820 gap in memblock', x86ReserveE820Gaps: true },
  { id: '4.20', since: '4.20', title: '"Zeroed struct page in unavailable ranges" over all holes', holeMessage: 'zeroed-struct-page', x86ReserveE820Gaps: false },
  { id: '5.4', since: '5.4', title: 'arm64 pfn_valid() checks the section', arm64PfnValid: 'section-map-memory' },
  { id: '5.4.y', since: '5.4.1', title: '5.4 stable: zeroing tail rounded up to a section', zeroedTail: 'section' },
  { id: '5.5', since: '5.5', title: 'arm64 ZONE_DMA (30 bits); section-rounded tail; SOFT_RESERVED reserved', arm64ZoneDma: 'bits30', zeroedTail: 'section', x86SoftReservedReserve: true },
  { id: '5.10', since: '5.10', title: 'last release with whole-map zeroing' },
  { id: '5.10.y', since: '5.10.1', title: '5.10 stable: per-hole memmap_init() backport', holeMessage: 'per-hole', arm64ZoneDma: 'min-bits' },
  { id: '5.11', since: '5.11', title: 'per-zone "pages in unavailable ranges"; arm64 zone_dma_bits from DT/IORT', holeMessage: 'per-zone', arm64ZoneDma: 'min-bits', dtNoMapNomap: true },
  { id: '5.12', since: '5.12', title: 'arm64 SECTION_SIZE_BITS 27 (4K/16K), 29 (64K)', arm64SectionBits4K16K: 27, arm64SectionBits64K: 29 },
  { id: '5.14', since: '5.14', title: 'per-hole memmap_init(); arm64 pfn_valid() = memblock_is_memory(); memmap lines pr_debug', holeMessage: 'per-hole', arm64PfnValid: 'section-memory', memmapDebugLines: false, hvoReservedPages: 2 },
  { id: '5.15.y', since: '5.15.1', title: '5.15 stable: arm64 generic pfn_valid()', arm64PfnValid: 'generic' },
  { id: '5.16', since: '5.16', title: 'arm64 generic pfn_valid()', arm64PfnValid: 'generic' },
  { id: '5.18', since: '5.18', title: 'HVO reports "can optimize N vmemmap pages"', hugetlbVmemmapLine: 'can-optimize', hvoReservedPages: 1 },
  { id: '5.19', since: '5.19', title: 'arm64 HVO', arm64Hvo: true },
  { id: '6.0', since: '6.0', title: 'HugeTLB "N KiB vmemmap can be freed"; "Initmem setup node as memoryless"', hugetlbVmemmapLine: 'kib-freed', initmemMemoryless: true },
  // 060a2c92d1b6 (arm64 HVO disabled for break-before-make) went to stable: Debian's
  // 6.1.176 arm64 boots print "0 KiB vmemmap can be freed" for every size
  { id: '6.1', since: '6.1', title: 'arm64 HVO disabled (stable backport of the 6.3 revert)', arm64Hvo: false },
  { id: '6.6', since: '6.6', title: 'mm_init.c split' },
  { id: '6.8', since: '6.8', title: 'MAX_ORDER renamed MAX_PAGE_ORDER; "\\n" on the per-hole message' },
  { id: '6.10', since: '6.10', title: 'calc_memmap_size()/dma_reserve removed' },
  { id: '6.11', since: '6.11', title: 'Memory: line printed after deferred init' },
  { id: '6.12', since: '6.12', title: 'arm64 zone_dma_limit (addresses)', arm64ZoneDma: 'limit-6.12' },
  { id: '6.13', since: '6.13', title: 'arm64 DMA32 limit no longer clamped by DRAM start', arm64ZoneDma: 'limit-6.13' },
  { id: '6.16', since: '6.16', title: 'for_each_valid_pfn()' },
  { id: '7.0', since: '7.0', title: 'current' }
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
export const NEWEST_KNOWN = '7.1'

export interface ProfileChoice {
  version: KernelVersion
  profile: VersionProfile
  warnings: string[]
}

/**
 * The profile for a version: the last one whose `since` is not newer. Versions outside
 * the known range map to the nearest profile with a warning; unparseable ones are errors
 * for the caller (null).
 */
export function selectProfile(text: string): ProfileChoice | null {
  const v = parseKernelVersion(text)
  if (!v) return null
  const warnings: string[] = []
  let chosen = PROFILES[0]
  for (const p of PROFILES) if (atLeast(v, p.since)) chosen = p
  if (!atLeast(v, OLDEST)) warnings.push(`kernel ${formatVersion(v)} is older than the oldest modelled version ${OLDEST}; using profile ${chosen.id}`)
  else if (versionKey(v) >= versionKey(parseKernelVersion(NEWEST_KNOWN)!) + 1000)
    warnings.push(`kernel ${formatVersion(v)} is newer than the newest checked version ${NEWEST_KNOWN}; using profile ${chosen.id}`)
  return { version: v, profile: chosen, warnings }
}
