// Kernel facts that changed across versions, one row each: what holds, from which version
// (and until which), the commit that made it so, and the release it first shipped in.
// Every version test of the memmap model goes through holds(); every "versions" label a
// view prints comes from versionsOf() of the same row, and every citation from cite().
// Rows without a commit say why in `inferred` (a boundary no commit could pin).
// The version profiles (profiles.ts) keep the base engine's printk history the same way.

import { atLeast, parseKernelVersion, versionKey, type KernelVersion } from './version.ts'

export interface KernelFact {
  /** what holds, in a few words */
  what: string
  /** first version it holds in (x.y-rc1 for a mainline change) */
  since: string
  /** first version it no longer holds in */
  until?: string
  /** stable releases that carry it before `since` (a backport to that branch) */
  backports?: string[]
  /** stable releases that drop it again within their branch (a revert) */
  reverts?: string[]
  commit?: { id: string; subject: string; release: string }
  /** why the boundary is not pinned to a commit */
  inferred?: string
}

/** The last release of each major before the next major's x.0 (for "until" labels). */
const LAST_MINOR: Record<number, number> = { 3: 19, 4: 20, 5: 19, 6: 19 }

const branch = (v: KernelVersion): string => `${v.major}.${v.minor}`

export function factHolds(f: KernelFact, v: KernelVersion): boolean {
  const inBranch = (list: string[] | undefined): string | undefined =>
    list?.find((s) => {
      const p = parseKernelVersion(s)!
      return branch(p) === branch(v) && atLeast(v, s)
    })
  if (inBranch(f.reverts)) return false
  if (inBranch(f.backports)) return true
  return atLeast(v, f.since) && (!f.until || !atLeast(v, f.until))
}

/** `6.4-rc1` → `6.4`; other rcs and stable releases stay as written. */
function shown(version: string): string {
  return version.replace(/-rc1$/, '')
}

/** The last release before `until`: `6.3-rc1` → `6.2`, `7.0-rc1` → `6.19`. */
function before(until: string): string {
  const v = parseKernelVersion(until)!
  if (v.rc === null || v.patch !== 0) return `< ${until}`
  if (v.minor > 0) return `${v.major}.${v.minor - 1}`
  return `${v.major - 1}.${LAST_MINOR[v.major - 1] ?? '?'}`
}

/** `≥ 6.4`, `5.19–6.2`, `≤ 6.17`, with backports (`, 6.1.13+`) and `(inferred)`. */
export function factVersions(f: KernelFact): string {
  const old = f.since === '0' || f.since === '2.6'
  let s = f.until ? (old ? `≤ ${before(f.until)}` : `${shown(f.since)}–${before(f.until)}`) : old ? 'all' : `≥ ${shown(f.since)}`
  if (f.backports?.length) s += `, ${f.backports.map((b) => `${b}+`).join(', ')}`
  if (f.reverts?.length) s += ` (not ${f.reverts.map((r) => `${r}+`).join(', ')})`
  return f.inferred && !f.commit ? `${s} (inferred)` : s
}

/** drgn-style: `commit 23baf831a32c ("mm, treewide: redefine MAX_ORDER sanely") (in v6.4)`. */
export function factCitation(f: KernelFact): string {
  if (f.commit) return `commit ${f.commit.id} ("${f.commit.subject}") (in ${f.commit.release})`
  return `no commit pinned: ${f.inferred ?? 'boundary from the kernel sources read'}`
}

// ---------------------------------------------------------------------------------------
// The table. Ids are stable (specs and views name them); rows are grouped by the module
// that asks. Releases were read from tip-bot, mm-commits, stable review and pull mails.

const rc1 = (v: string): string => `${v}-rc1`

export const FACTS = {
  // -- sparse.ts: section geometry, mem_section_usage, section flags, pfn_valid() ----------
  'arm64-section-size-bits-reduced': {
    what: 'arm64 SECTION_SIZE_BITS 27 (4K/16K) or 29 (64K), not 30',
    since: rc1('5.12'),
    commit: { id: 'f0b13ee23241', subject: 'arm64/sparsemem: reduce SECTION_SIZE_BITS', release: 'v5.12' }
  },
  'arm64-max-physmem-bits-phys-mask-shift': {
    what: 'arm64 MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT (48 unless LPA2 is enabled at run time)',
    since: rc1('6.14'),
    backports: ['6.13.3', '6.12.14'],
    commit: { id: 'bf74bb73cd87', subject: 'arm64/mm: Reduce PA space to 48 bits when LPA2 is not enabled', release: 'v6.14 (6.13.3, 6.12.y)' }
  },
  's390-section-size-bits-128m': {
    what: 's390 SECTION_SIZE_BITS 27 (128 MiB), not 28',
    since: rc1('6.13'),
    commit: { id: 'e3a6970b7daf', subject: 's390/sparsemem: Reduce section size to 128 MiB', release: 'v6.13' }
  },
  'x86-5level-paging': {
    what: 'x86_64 5-level paging (MAX_PHYSMEM_BITS 52)',
    since: rc1('4.14'),
    commit: { id: '77ef56e4f0fb', subject: 'x86: Enable 5-level paging support via CONFIG_X86_5LEVEL=y', release: 'v4.14' }
  },
  'sparsemem-extreme-runtime-root': {
    what: 'SPARSEMEM_EXTREME allocates the mem_section root pointer array at boot (NR_SECTION_ROOTS pointers)',
    since: rc1('4.15'),
    backports: ['4.14.9'],
    commit: { id: '83e3c48729d9', subject: 'mm/sparsemem: Allocate mem_section at runtime for CONFIG_SPARSEMEM_EXTREME=y', release: 'v4.15 (4.14.9)' },
    inferred: 'the 4.14.y point release follows the stable review of 2017-12-22'
  },
  'mem-section-usage': {
    what: 'struct mem_section_usage (subsection_map + pageblock_flags) and sub-section hotplug',
    since: rc1('5.3'),
    commit: { id: 'f46edbd1b151', subject: 'mm/sparsemem: Add helpers track active portions of a section at boot', release: 'v5.3' }
  },
  'mem-section-usage-rcu-head': {
    what: 'struct mem_section_usage starts with a struct rcu_head (freed with kfree_rcu())',
    since: rc1('6.8'),
    // stable review of 2024-01-29 (6.7.y) and backports to 5.10.y/5.15.y; points not pinned
    commit: { id: '5ec8e8ea8b77', subject: 'mm/sparsemem: fix race in accessing memory_section->usage', release: 'v6.8 (and 6.7.y, 6.6.y, 6.1.y, 5.15.y, 5.10.y stable)' }
  },
  'nr-pageblock-bits-isolate': {
    what: 'NR_PAGEBLOCK_BITS = roundup_pow_of_two(__NR_PAGEBLOCK_BITS): 8 with MEMORY_ISOLATION',
    since: rc1('6.17'),
    commit: { id: 'e904bce2d9d4', subject: 'mm/page_isolation: make page isolation a standalone bit', release: 'v6.17' }
  },
  'section-flag-is-online': {
    what: 'SECTION_IS_ONLINE (bit 2): SECTION_MAP_LAST_BIT 1<<3, SECTION_NID_SHIFT 3',
    since: rc1('4.13'),
    commit: { id: '2d070eab2e82', subject: 'mm: consider zone which is not fully populated to have holes', release: 'v4.13' }
  },
  'section-flag-is-early': {
    what: 'SECTION_IS_EARLY (bit 3): SECTION_MAP_LAST_BIT 1<<4 (SECTION_NID_SHIFT stays 3)',
    since: rc1('5.3'),
    commit: { id: 'f46edbd1b151', subject: 'mm/sparsemem: Add helpers track active portions of a section at boot', release: 'v5.3' }
  },
  'section-flag-taint-zone-device': {
    what: 'SECTION_TAINT_ZONE_DEVICE (bit 4): SECTION_MAP_LAST_BIT 1<<5 (SECTION_NID_SHIFT stays 3)',
    since: rc1('5.12'),
    commit: { id: '1f90a3477df3', subject: 'mm: teach pfn_to_online_page() about ZONE_DEVICE section collisions', release: 'v5.12' }
  },
  'section-nid-shift-6': {
    what: 'SECTION_NID_SHIFT 6, clear of every flag bit',
    since: rc1('5.15'),
    commit: { id: '01c8d337d195', subject: 'mm/sparse: set SECTION_NID_SHIFT to 6', release: 'v5.15' }
  },
  'section-flags-enum': {
    what: 'section flags as an enum, SECTION_NID_SHIFT = SECTION_MAP_LAST_BIT, the ZONE_DEVICE bit only with CONFIG_ZONE_DEVICE',
    since: rc1('6.0'),
    inferred: 'Muchun Song, "mm: memory_hotplug: enumerate all supported section flags" (v12 posted 2022-05-16, in linux-next June 2022); the mainline id was not found'
  },
  'section-flag-vmemmap-preinit': {
    what: 'SECTION_IS_VMEMMAP_PREINIT with CONFIG_SPARSEMEM_VMEMMAP_PREINIT',
    since: rc1('6.15'),
    inferred: 'Frank van der Linden, "mm/sparse: allow for alternate vmemmap section init at boot" (v5 posted 2025-02-28); the mainline id was not found'
  },
  'max-order-inclusive': {
    what: 'MAX_ORDER is inclusive (the largest order, not one past it)',
    since: rc1('6.4'),
    commit: { id: '23baf831a32c', subject: 'mm, treewide: redefine MAX_ORDER sanely', release: 'v6.4' }
  },
  'page-block-max-order': {
    what: 'CONFIG_PAGE_BLOCK_ORDER / PAGE_BLOCK_MAX_ORDER bounds pageblock_order below MAX_PAGE_ORDER',
    since: rc1('6.16'),
    commit: { id: 'e13e7922d034', subject: 'mm: add CONFIG_PAGE_BLOCK_ORDER to select page block order', release: 'v6.16' }
  },
  'pfn-valid-subsection': {
    what: 'pfn_valid() = early_section() || pfn_section_valid() (the subsection map)',
    since: rc1('5.3'),
    commit: { id: 'f46edbd1b151', subject: 'mm/sparsemem: Add helpers track active portions of a section at boot', release: 'v5.3' }
  },
  'pfn-valid-phys-roundtrip': {
    what: 'generic pfn_valid() rejects a pfn whose PFN_PHYS() overflows (PHYS_PFN(PFN_PHYS(pfn)) != pfn)',
    since: rc1('5.14'),
    inferred:
      'the check moved into include/linux/mmzone.h with 16c9afc77660 "arm64/mm: drop HAVE_ARCH_PFN_VALID" (5.14 window, partly reverted by 3eb9cdffb397, redone by 3de360c3fdb3 in 5.16); which release first carried it in the generic code is not pinned'
  },

  // -- folio.ts: orders, MAX_FOLIO_ORDER, the v7.1 mask encoding ----------------------------
  'page-block-max-order-renamed': {
    what: 'CONFIG_PAGE_BLOCK_ORDER is called CONFIG_PAGE_BLOCK_MAX_ORDER',
    since: rc1('6.17'),
    inferred:
      'Zi Yan, "mm: rename CONFIG_PAGE_BLOCK_ORDER to CONFIG_PAGE_BLOCK_MAX_ORDER", among the 6.17-cycle mm-unstable commits; 6.16 has PAGE_BLOCK_ORDER, 7.0 PAGE_BLOCK_MAX_ORDER; the id was not found'
  },
  'max-page-order-renamed': {
    what: 'MAX_ORDER is called MAX_PAGE_ORDER (same value)',
    since: '6.8-rc2',
    commit: { id: '5e0a760b4441', subject: 'mm, treewide: rename MAX_ORDER to MAX_PAGE_ORDER', release: 'v6.8 (git describe v6.8-rc1-3-g5e0a760b4441)' }
  },
  'arm64-max-order-thp-independent': {
    what: 'arm64 FORCE_MAX_ZONEORDER 14 (64K) / 12 (16K) whatever TRANSPARENT_HUGEPAGE says (11 without THP before)',
    since: rc1('5.12'),
    commit: { id: '79cc2ed5a716', subject: 'arm64/mm: Drop THP conditionality from FORCE_MAX_ZONEORDER', release: 'v5.12' }
  },
  'pageblock-order-capped': {
    what: 'pageblock_order = min(HUGETLB_PAGE_ORDER, MAX_ORDER − 1) (HUGETLB_PAGE_ORDER alone before)',
    since: rc1('5.18'),
    commit: { id: 'b3d40a2b6d10', subject: 'mm: enforce pageblock_order < MAX_ORDER', release: 'v5.18' }
  },
  'pageblock-order-thp': {
    what: 'without HUGETLB_PAGE but with THP, pageblock_order = min(HPAGE_PMD_ORDER, MAX_PAGE_ORDER) (MAX_ORDER − 1 before)',
    since: rc1('6.10'),
    commit: { id: '72801513b2bf', subject: 'mm: set pageblock_order to HPAGE_PMD_ORDER in case with !CONFIG_HUGETLB_PAGE but THP enabled', release: 'v6.10' }
  },
  'max-folio-nr-pages': {
    what: 'MAX_FOLIO_NR_PAGES = ARCH_HAS_GIGANTIC_PAGE ? 1 << PUD_ORDER : MAX_ORDER_NR_PAGES',
    since: rc1('6.9'),
    commit: { id: 'fae7d834c43c', subject: 'mm: add __dump_folio()', release: 'v6.9' },
    inferred: 'the release is read from the commit date (2024-02-27, the 6.9 cycle in mm-unstable), not from a pull'
  },
  'max-folio-order-in-mmzone': {
    what: 'MAX_FOLIO_ORDER is defined in include/linux/mmzone.h (include/linux/mm.h before)',
    since: rc1('7.1'),
    commit: { id: 'a2c77ec320a9', subject: 'mm: move MAX_FOLIO_ORDER definition to mmzone.h', release: 'v7.1' }
  },
  'max-folio-order': {
    what: 'MAX_FOLIO_ORDER: MAX_PAGE_ORDER without ARCH_HAS_GIGANTIC_PAGE, PFN_SECTION_SHIFT for SPARSEMEM without VMEMMAP, else PUD_ORDER',
    since: rc1('6.18'),
    commit: { id: '4751c39eee0c', subject: 'mm: limit folio/compound page sizes in problematic kernel configs', release: 'v6.18' }
  },
  'have-gigantic-folios': {
    what: 'HAVE_GIGANTIC_FOLIOS and the 16 GiB (64-bit) / 1 GiB (32-bit) cap on MAX_FOLIO_ORDER with HUGETLB_PAGE; powerpc ARCH_HAS_GIGANTIC_PAGE with hugetlbfs',
    since: '6.18-rc6',
    commit: { id: '39231e8d6ba7', subject: 'mm: fix MAX_FOLIO_ORDER on powerpc configs with hugetlb', release: 'v6.18' }
  },
  'compound-info-mask': {
    what: 'compound_head() masks page->compound_info when HVO is built and sizeof(struct page) is a power of two (compound_info_has_mask())',
    since: rc1('7.1'),
    commit: { id: '8c846c879e22', subject: 'mm: rework compound_head() for power-of-2 sizeof(struct page)', release: 'v7.1' }
  },
  'memmap-alignment-check': {
    what: 'sparse_init() VM_WARN_ON_ONCE(!IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) when compound_info_has_mask()',
    since: rc1('7.1'),
    commit: { id: '9f94db4c7eaa', subject: 'mm/sparse: check memmap alignment for compound_info_has_mask()', release: 'v7.1' }
  },
  'riscv-thp-pud': {
    what: 'riscv selects HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD (64BIT && MMU)',
    since: rc1('7.0'),
    inferred: 'present in the 7.0 and 7.1 trees, absent in 6.12; the commit was not found (between 6.13 and 7.0)'
  },

  // -- hvo.ts: HugeTLB vmemmap optimisation ------------------------------------------------
  'hvo-x86': {
    what: 'x86_64 frees HugeTLB vmemmap (HVO)',
    since: rc1('5.14'),
    commit: { id: 'f41f2ed43ca5', subject: 'mm: hugetlb: free the vmemmap pages associated with each HugeTLB page', release: 'v5.14' }
  },
  'hvo-arm64': {
    what: 'arm64 selects HVO',
    since: rc1('5.19'),
    until: rc1('6.3'),
    reverts: ['6.1.16', '6.2.3'],
    commit: { id: '1e63ac088f20', subject: 'arm64: mm: hugetlb: enable HUGETLB_PAGE_FREE_VMEMMAP for arm64', release: 'v5.19; disabled by 060a2c92d1b6 in v6.3 (6.1.16, 6.2.3)' }
  },
  'hvo-s390': {
    what: 's390 selects HVO',
    since: rc1('6.2'),
    until: '6.18-rc4',
    reverts: ['6.6.117', '6.12.58'],
    commit: { id: '00a34d5a99c0', subject: 's390: select ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP', release: 'v6.2; disabled by 64e2f60f355e in v6.18-rc4 (6.6.117, 6.12.58)' }
  },
  'hvo-loongarch': {
    what: 'loongarch selects HVO',
    since: rc1('6.2'),
    inferred: 'V14 series posted 2022-10-27; absent in 6.1, present in 6.12; several mm-unstable ids (e3ea028d1ba6 …), the mainline one not confirmed'
  },
  'hvo-riscv': {
    what: 'riscv selects HVO',
    since: rc1('6.3'),
    commit: { id: 'a3c7d6b642e4', subject: 'riscv: mm: hugetlb: Enable ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP', release: 'v6.3' }
  },
  'hvo-one-kept-page': {
    what: 'HVO keeps one vmemmap page per huge page (HUGETLB_VMEMMAP_RESERVE_SIZE = PAGE_SIZE) and maps the tails onto it: the "fake heads"',
    since: rc1('5.18'),
    commit: { id: 'e7d324850bfc', subject: 'mm: hugetlb: free the 2nd vmemmap page associated with each HugeTLB page', release: 'v5.18' }
  },
  'hvo-sysctl': {
    what: 'vm.hugetlb_optimize_vmemmap',
    since: rc1('5.19'),
    commit: { id: '78f39084b41d', subject: 'mm: hugetlb_vmemmap: add hugetlb_optimize_vmemmap sysctl', release: 'v5.19' }
  },
  'hvo-shared-tails': {
    what: 'HVO copies the head vmemmap page and maps every tail onto a read-only page shared per (zone, order) (zone->vmemmap_tails[]); no fake heads',
    since: rc1('7.1'),
    commit: { id: '622026e87c40', subject: 'mm/hugetlb: remove fake head pages', release: 'v7.1' }
  },

  // -- structpage.ts, kmsan.ts, pfndev.ts ----------------------------------------------------
  'mm-zero-struct-page-bounded': {
    what: '__mm_zero_struct_page() on 64-bit: BUILD_BUG_ON unless sizeof(struct page) % 8 == 0 and 56 ≤ S ≤ 80 (plain memset before)',
    since: rc1('5.2'),
    commit: { id: '5470dea49f53', subject: 'mm: use mm_zero_struct_page from SPARC on all 64b architectures', release: 'v5.2 (mainline blame dates it 2019-05-13, the 5.2 merge window)' }
  },
  'mm-zero-struct-page-96': {
    what: '__mm_zero_struct_page() accepts 88 and 96 bytes',
    since: '6.2',
    backports: ['6.1.13'],
    commit: { id: '3770e52fd4ec', subject: 'mm: extend max struct page size for kmsan', release: 'v6.2 (merged after v6.2-rc8; 6.1.13)' }
  },
  'aligned-struct-page-unconditional': {
    what: 'x86, arm64 and s390 select HAVE_ALIGNED_STRUCT_PAGE without "if SLUB" (SLAB is gone)',
    since: rc1('6.8'),
    commit: { id: '2a19be61a651', subject: 'mm/slab: remove CONFIG_SLAB from all Kconfig and Makefile', release: 'v6.8' }
  },
  'riscv-aligned-struct-page': {
    what: 'riscv selects HAVE_ALIGNED_STRUCT_PAGE',
    since: rc1('6.13'),
    inferred: 'Alexandre Ghiti, "riscv: Implement arch_cmpxchg128() using Zacas", listed in "[GIT PULL] RISC-V Patches for the 6.13 Merge Window, Part 1"; the id was not found'
  },
  'loongarch-aligned-struct-page': {
    what: 'loongarch selects HAVE_ALIGNED_STRUCT_PAGE (if 64BIT in 7.1)',
    since: rc1('7.0'),
    inferred: 'absent in the 6.12 tree, present in 7.0; the commit was not found, so the boundary is the earliest tree that has it'
  },
  'kmsan-depends-on-slub': {
    what: 'KMSAN depends on SLUB (SLAB still exists)',
    since: rc1('6.1'),
    until: rc1('6.8'),
    inferred: 'read in the 6.1 tree (lib/Kconfig.kmsan: depends on … SLUB); moot once SLAB is gone (2a19be61a651, in v6.8)'
  },
  'kmsan-x86': {
    what: 'KMSAN on x86_64 (HAVE_ARCH_KMSAN)',
    since: rc1('6.1'),
    commit: { id: '4ca8cc8d1bbe', subject: 'x86: kmsan: enable KMSAN builds for x86', release: 'v6.1' }
  },
  'kmsan-s390': {
    what: 'KMSAN on s390',
    since: rc1('6.11'),
    commit: { id: '3a8f6f3b469b', subject: 'kmsan: enable on s390', release: 'v6.11' }
  },
  'kmsan-no-deferred-init': {
    what: 'DEFERRED_STRUCT_PAGE_INIT depends on !KMSAN',
    since: rc1('6.11'),
    commit: { id: '854fa98d1dff', subject: 'kmsan: disable KMSAN when DEFERRED_STRUCT_PAGE_INIT is enabled', release: 'v6.11' }
  },
  'ptdesc-overlay': {
    what: 'struct ptdesc overlays struct page for page tables (ptlock_alloc(struct ptdesc *))',
    since: rc1('6.6'),
    inferred:
      'Vishal Moola, "pgtable: create struct ptdesc" (v8 of 2023-07-31 against mm-unstable; mainline blame dates a helper 2023-08-07): the 6.6 merge window; 6.1 has ptlock_alloc(struct page *), 6.12 ptlock_alloc(struct ptdesc *); the mainline id was not confirmed'
  },
  'x86-reserve-first-mb': {
    what: 'x86 reserves the whole first 1 MiB (reserve_real_mode(): memblock_reserve(0, SZ_1M)); 64 KiB before',
    since: rc1('5.13'),
    commit: { id: 'f1d4d47c5851', subject: 'x86/setup: Always reserve the first 1M of RAM', release: 'v5.13' }
  },
  'pfn-max-struct-page-size': {
    what: 'nd_pfn_init() reserves MAX_STRUCT_PAGE_SIZE per pfn with BUILD_BUG_ON(sizeof(struct page) > MAX_STRUCT_PAGE_SIZE) (a hard-coded 64 × npfns before)',
    since: rc1('5.4'),
    commit: { id: 'e96f0bf2ec92', subject: 'libnvdimm/pfn_dev: Add a build check to make sure we notice when struct page size change', release: 'v5.4 (Dan Williams: "will start to trigger in v5.4")' }
  },
  'pfn-max-struct-page-128': {
    what: 'MAX_STRUCT_PAGE_SIZE 128',
    since: rc1('6.1'),
    until: '6.2-rc8',
    reverts: ['6.1.12'],
    commit: { id: '6e9f05dc66f9', subject: 'libnvdimm/pfn_dev: increase MAX_STRUCT_PAGE_SIZE', release: 'v6.1' }
  },
  'pfn-page-struct-override': {
    what: 'MAX_STRUCT_PAGE_SIZE 64 again, and page_struct_override (CONFIG_NVDIMM_KMSAN) for a larger struct page',
    since: '6.2-rc8',
    backports: ['6.1.12'],
    commit: { id: 'c91d71363084', subject: 'nvdimm: Support sizeof(struct page) > MAX_STRUCT_PAGE_SIZE', release: 'v6.2 (6.1.12)' }
  },
  'pfn-info-block-1-4': {
    what: 'the pfn info block records page_size and page_struct_size (minor version 4)',
    since: rc1('5.4'),
    inferred: 'in the libnvdimm pull for 5.4, "libnvdimm/pfn_dev: Add page size and struct page size to pfn superblock" (Aneesh Kumar); the id was not found'
  },
  'memremap-compat-align': {
    what: 'memremap_compat_align(): SUBSECTION_SIZE, 16 MiB on powerpc hash',
    since: rc1('5.7'),
    inferred: 'in the libnvdimm pull for 5.7 (Linus\' reply of 2020-04-07), "mm/memremap_pages: Introduce memremap_compat_align()"; the id was not found'
  },

  // -- vmemmap.ts: mapping, bases, boot buffer, memmap_on_memory ----------------------------
  'x86-vmemmap-sub-pmd-tracking': {
    what: 'x86 marks the unused part of a partly used vmemmap PMD (PAGE_UNUSED 0xFD) and frees it only when wholly unused',
    since: rc1('5.13'),
    commit: { id: '8d400913c231', subject: 'x86/vmemmap: handle unpopulated sub-pmd ranges', release: 'v5.13' }
  },
  'arm64-vmemmap-subsection-basepages': {
    what: 'arm64 vmemmap_populate() maps a range shorter than a section with base pages',
    since: '6.14-rc7',
    commit: { id: 'd4234d131b0a', subject: 'arm64: mm: Populate vmemmap at the page level if not section aligned', release: 'v6.14 (Cc: stable # v5.4+)' }
  },
  'vmemmap-populate-hugepages-generic': {
    what: 'the generic vmemmap_populate_hugepages() that riscv and loongarch use',
    since: rc1('6.1'),
    inferred: '2045a3b8911b "mm/sparse-vmemmap: generalise vmemmap_populate_hugepages()" (6.1); when riscv switched to it was not found'
  },
  'x86-kaslr-vmemmap-size': {
    what: 'x86 KASLR sizes the vmemmap region from the direct map (TiB × sizeof(struct page)) instead of a fixed 1 TiB',
    since: '5.2-rc5',
    backports: ['4.19.52', '5.1.11'],
    commit: { id: '00e5a2bbcc31', subject: 'x86/mm/KASLR: Compute the size of the vmemmap section properly', release: 'v5.2 (4.19.52, 5.1.11)' }
  },
  'x86-ldt-remap-moved': {
    what: 'x86_64 direct map at 0xffff888000000000 (4-level) / 0xff11000000000000 (5-level)',
    since: '4.20-rc2',
    backports: ['4.19.5'],
    commit: { id: 'd52888aa2753', subject: 'x86/mm: Move LDT remap out of KASLR region on 5-level paging', release: 'v4.20 (4.19.5)' }
  },
  'x86-kaslr-p2pdma-no-shrink': {
    what: 'with CONFIG_PCI_P2PDMA the KASLR direct-map region is not shrunk to the size of RAM',
    since: rc1('6.15'),
    commit: { id: '7ffb791423c7', subject: 'x86/kaslr: Reduce KASLR entropy on most x86 systems', release: 'v6.15' }
  },
  'arm64-vmemmap-linear-projection': {
    what: 'arm64 VMEMMAP_RANGE = _PAGE_END(VA_BITS_MIN) − PAGE_OFFSET (the vmemmap is a projection of the linear region)',
    since: rc1('5.11'),
    commit: { id: 'f4693c2716b3', subject: 'arm64: mm: extend linear region for 52-bit VA configurations', release: 'v5.11' }
  },
  'arm64-vmemmap-real-struct-page-size': {
    what: 'arm64 sizes the vmemmap with the real sizeof(struct page) and ends it 1 GiB below the top',
    since: rc1('6.9'),
    commit: { id: '32697ff38287', subject: 'arm64: vmemmap: Avoid base2 order of struct page size to dimension region', release: 'v6.9' }
  },
  'riscv-vmemmap-phys-ram-base': {
    what: 'riscv vmemmap = VMEMMAP_START − (phys_ram_base >> PAGE_SHIFT)',
    since: '6.8-rc7',
    commit: { id: 'a11dd49dcb93', subject: 'riscv: Sparse-Memory/vmemmap out-of-bounds fix', release: 'v6.8' }
  },
  'riscv-phys-ram-base-pmd-aligned': {
    what: 'riscv phys_ram_base = memblock_start_of_DRAM() & PMD_MASK',
    since: rc1('6.5'),
    commit: { id: 'c3bcc65d4d2e', subject: 'riscv: Start of DRAM should at least be aligned on PMD size for the direct mapping', release: 'v6.5' }
  },
  'riscv-vmemmap-start-pfn': {
    what: 'riscv vmemmap = VMEMMAP_START − vmemmap_start_pfn, with vmemmap_start_pfn = round_down(phys_ram_base, VMEMMAP_ADDR_ALIGN) >> PAGE_SHIFT',
    since: '6.13-rc7',
    backports: ['6.12.9', '6.6.72', '6.1.139'],
    commit: { id: 'f754f27e98f8', subject: 'riscv: mm: Fix the out of bound issue of vmemmap address', release: 'v6.13 (6.12.y, 6.6.y, 6.1.y)' },
    inferred: 'the stable point releases are the first after the reviews that carried it, not read from their changelogs'
  },
  'vmemmap-max-folio-align': {
    what: 'riscv VMEMMAP_ADDR_ALIGN and loongarch vmemmap alignment are max(section | PMD, MAX_FOLIO_VMEMMAP_ALIGN)',
    since: rc1('7.1'),
    commit: { id: '476849b0fba4', subject: 'riscv/mm: align vmemmap to maximal folio size', release: 'v7.1 (loongarch: 2969b42c8f99)' }
  },
  'sparse-buffer': {
    what: "sparse_init_nid() carves the node's memmaps out of one memblock buffer (sparse_buffer_init())",
    since: rc1('4.19'),
    commit: { id: '35fd1eb1e821', subject: 'mm/sparse: abstract sparse buffer allocations', release: 'v4.19' }
  },
  'sparse-buffer-section-aligned': {
    what: 'the boot buffer is aligned to section_map_size() and carved at roundup(cursor, size) (PAGE_SIZE before)',
    since: rc1('5.5'),
    inferred: 'Michal Hocko, "mm, sparse: do not waste pre allocated memmap space" (posted 2019-11-19, Fixes 35fd1eb1e821); the id was not found'
  },
  'memmap-on-memory': {
    what: 'memory hotplug can take the memmap from the added range (MHP_MEMMAP_ON_MEMORY)',
    since: rc1('5.13'),
    commit: { id: 'a08a2ae34613', subject: 'mm,memory_hotplug: allocate memmap from the added memory range', release: 'v5.13' },
    inferred: 'in the akpm batch merged for 5.13-rc1 (linux-next history of 2021-05-06); no Linus-tree log was seen'
  },
  'memmap-on-memory-force': {
    what: 'memmap_on_memory=force and arch_supports_memmap_on_memory() (pageblock-aligned altmap reservation)',
    since: rc1('6.6'),
    inferred: 'Aneesh Kumar K.V., "mm/hotplug: Allow pageblock alignment via altmap reservation" (v4 posted 2023-07-18); the id was not found'
  },

  'hole-message': {
    what: 'a hole pass counts and prints the struct pages it initialises for memory holes (zero_resv_unavail(): "Reserved but unavailable: N pages"); before, no kernel printed a hole message',
    since: rc1('4.15'),
    commit: { id: 'a4a3ede2132a', subject: 'mm: zero reserved and unavailable struct pages', release: 'v4.15' }
  },

  'flatmem-hole-init': {
    what: 'struct pages of memory holes are initialised (and counted in the "unavailable ranges" message) under FLATMEM too; before, init_unavailable_range(), init_unavailable_mem() and zero_resv_unavail() were all #if !defined(CONFIG_FLAT_NODE_MEM_MAP) (from 5.14 CONFIG_FLATMEM), so a FLATMEM kernel printed none of the hole messages',
    since: rc1('5.15'),
    inferred:
      'Mike Rapoport, "mm/page_alloc: always initialize memory map for the holes" ([PATCH 1/4] of 2021-07-14, <20210714123739.16493-2-rppt@kernel.org>, in the mm tree for the 5.15 merge window); its mainline id was not found here. Seen in real 32-bit x86 FLATMEM boots: 5.4.210 and 5.13-rc6 print no hole message, 6.4-rc3 prints one per hole and no section tail'
  },

  'riscv-sparsemem-default': {
    what: 'riscv64 kernels as built are SPARSEMEM_VMEMMAP (defconfig SPARSEMEM_MANUAL; distribution kernels with NUMA); riscv has no ARCH_SPARSEMEM_DEFAULT, so before that a NUMA-less defconfig is FLATMEM',
    since: rc1('6.8'),
    inferred:
      'the 6.1 defconfig is FLATMEM, the 6.12 defconfig sets SPARSEMEM_MANUAL, and a real 6.8 boot prints "28 KiB vmemmap can be freed" (SPARSEMEM_VMEMMAP); the defconfig commit was not found, so the boundary is the earliest evidence'
  },

  // -- policies.ts: NOMAP and hole handling ------------------------------------------------
  'arm64-holes-in-zone-numa': {
    what: 'arm64 selects HOLES_IN_ZONE with NUMA only (pfn walkers check pfn_valid_within())',
    since: rc1('4.11'),
    commit: { id: '6d526ee26ccd', subject: 'arm64: mm: enable CONFIG_HOLES_IN_ZONE for NUMA', release: 'v4.11' },
    inferred: 'release (4.10 or 4.11) from the posting date'
  },
  'arm64-holes-in-zone-always': {
    what: 'arm64 selects HOLES_IN_ZONE whatever NUMA says',
    since: rc1('4.20'),
    commit: { id: 'f52bb98f5ade', subject: 'arm64: mm: always enable CONFIG_HOLES_IN_ZONE', release: 'v4.20' },
    inferred: 'release from the merge window (possibly a 4.19-rc fix)'
  },
  'memblock-free-unused-memmap-generic': {
    what: 'free_unused_memmap() lives in mm/memblock.c and runs with HAVE_ARCH_PFN_VALID and without SPARSEMEM_VMEMMAP',
    since: rc1('5.11'),
    commit: { id: '4f5b0c178996', subject: 'arm, arm64: move free_unused_memmap() to generic mm', release: 'v5.11' },
    inferred: 'the release is read from linux-next of 2020-12-16 next to the 5.11 merge window'
  },
  'free-unused-memmap-pageblock': {
    what: 'free_unused_memmap() rounds to pageblocks (MAX_ORDER_NR_PAGES before), also with SPARSEMEM',
    since: rc1('5.14'),
    backports: ['5.10.87', '5.4.166'],
    commit: { id: 'e2a86800d586', subject: 'memblock: free_unused_memmap: use pageblock units instead of MAX_ORDER', release: 'v5.14 (with f921f53e089a; 5.10.87, 5.4.166)' }
  },
  'holes-in-zone-removed': {
    what: 'HOLES_IN_ZONE and pfn_valid_within() are gone',
    since: rc1('5.15'),
    commit: { id: '859a85ddf90e', subject: 'mm: remove pfn_valid_within() and CONFIG_HOLES_IN_ZONE', release: 'v5.15' }
  },
  'memmap-init-hole-zone-links': {
    what: 'memmap_init() gives holes inside a zone that zone and node (struct page initialised, PageReserved)',
    since: rc1('5.12'),
    commit: { id: '0740a50b9baa', subject: 'mm/page_alloc.c: refactor initialization of struct page for holes in memory layout', release: 'v5.12 (5.11.7, 5.10.24)' },
    backports: ['5.11.7', '5.10.24']
  },
  'nomap-reserved': {
    what: 'NOMAP memory gets an initialised, PageReserved struct page (memmap_init_reserved_pages())',
    since: rc1('5.14'),
    commit: { id: '9092d4f7a1f8', subject: 'memblock: update initialization of reserved pages', release: 'v5.14' }
  },
  'arm64-pfn-valid-memblock-memory': {
    what: 'arm64 pfn_valid() = valid section && memblock_is_memory() (NOMAP valid, holes not)',
    since: rc1('5.14'),
    until: rc1('5.16'),
    reverts: ['5.15.36'],
    commit: { id: 'a7d9f306ba70', subject: 'arm64: drop pfn_valid_within() and simplify pfn_valid()', release: 'v5.14' }
  },
  'arm64-generic-pfn-valid': {
    what: 'arm64 uses the generic SPARSEMEM pfn_valid() (the whole early section is valid)',
    since: rc1('5.16'),
    backports: ['5.15.36'],
    commit: { id: '3de360c3fdb3', subject: 'arm64/mm: drop HAVE_ARCH_PFN_VALID', release: 'v5.16 (5.15.36)' }
  }
} satisfies Record<string, KernelFact>

export type FactId = keyof typeof FACTS

/** Does this fact hold in this kernel? (the one place memmap modules compare versions) */
export function holds(id: FactId, v: KernelVersion): boolean {
  // a model asks the same few dozen rows for every input, and a fleet runs few kernels:
  // each (row, version) is worked out once (versionKey() is all factHolds() reads of v)
  const key = versionKey(v)
  let byVersion = held.get(id)
  if (!byVersion) held.set(id, (byVersion = new Map()))
  let r = byVersion.get(key)
  if (r === undefined) {
    r = factHolds(FACTS[id], v)
    if (byVersion.size >= 256) byVersion.clear()
    byVersion.set(key, r)
  }
  return r
}
const held = new Map<FactId, Map<number, boolean>>()

/** A text made of a fact's row, worked out once per fact (every model and check asks for it again). */
function perFact(text: (f: KernelFact) => string): (id: FactId) => string {
  const kept = new Map<FactId, string>()
  return (id) => {
    let s = kept.get(id)
    if (s === undefined) kept.set(id, (s = text(FACTS[id])))
    return s
  }
}
const versionsLabel = perFact(factVersions)
const beforeLabel = perFact((f) => {
  const b = before(f.since)
  return `${b.startsWith('<') ? b : `≤ ${b}`}${f.inferred && !f.commit ? ' (inferred)' : ''}`
})
const citation = perFact(factCitation)

/** The "versions" label of a fact, for figures and checks. */
export function versionsOf(id: FactId): string {
  return versionsLabel(id)
}

/** The label of the era before a fact (`≤ 6.8` for a fact since 6.9). */
export function versionsBefore(id: FactId): string {
  return beforeLabel(id)
}

/** The first version a fact holds in, as labels print it (`6.4` for 6.4-rc1). */
export function sinceOf(id: FactId): string {
  return shown(FACTS[id].since)
}

/** The era from one fact up to the next: `5.14–5.17` for hvo-x86 → hvo-one-kept-page. */
export function versionsBetween(from: FactId, to: FactId): string {
  return `${sinceOf(from)}–${before(FACTS[to].since)}`
}

/** drgn-style citation of a fact. */
export function cite(id: FactId): string {
  return citation(id)
}
