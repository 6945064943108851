// memdesc projection: the memmap at 64 → 32 → 8 bytes per page plus separately allocated
// descriptors (struct folio, struct slab, struct ptdesc) for a given population of
// allocations, the net saving, and which of today's checks become obsolete. Nothing of the
// projection is in a released kernel (7.1 still has the 64-byte struct page): sources are
// kernelnewbies "MatthewWilcox/Memdescs" and "Memdescs/Path" and linux-mm threads;
// descriptor sizes are parameters. Next to it, what page tables cost today: struct ptdesc
// overlays struct page (6.6), and with ALLOC_SPLIT_PTLOCKS each split-locked page table
// takes a separately allocated spinlock from the "page->ptl" slab cache (ptlock_alloc()
// mm/memory.c, include/linux/mm_types_task.h).
//
// Figure ids (stable; <S> is the struct page size of the stage, e.g. 64, 32, 8):
//   memdesc.pages                    pages covered by the population
//   memdesc.<S>.memmap-bytes         pages × S
//   memdesc.<S>.descriptor-bytes     Σ count × round_up(descriptor, 16) (0 at today's size)
//   memdesc.<S>.total-bytes          memmap + descriptors
//   memdesc.<S>.saving-bytes         today's total − this total (negative = costs more)
//   memdesc.<S>.percent-of-ram       total / (pages × PAGE_SIZE)
//   memdesc.ptlock.spinlock-bytes    sizeof(spinlock_t) of the lock configuration (LP64)
//   memdesc.ptlock.alloc-split       ALLOC_SPLIT_PTLOCKS = sizeof(spinlock_t) > sizeof(long)
//   memdesc.ptlock.bytes             page tables × the "page->ptl" object (today)
// Check ids: memdesc.net-saving.<S> (per projected stage), memdesc.descriptor-alignment.
// Obsolescence entries: see `memdescObsolescence()`.

import { cite, versionsOf } from '../facts.ts'
import { isPowerOf2 } from '../units.ts'
import type { Check, Figure } from './types.ts'

export type AllocationType = 'folio' | 'anon' | 'file' | 'slab' | 'ptdesc' | 'buddy' | 'reserved'

export interface Allocation {
  type: AllocationType
  order: number
  count: number
}

export type DescriptorKind = 'folio' | 'slab' | 'ptdesc'

/**
 * Descriptor sizes: struct folio ~80 B as listed on Memdescs/Path; struct slab
 * 64 B (Willy 2022: "8 words"); ptdesc 64 B assumed (today it overlays struct page; the
 * Oct 2025 separation RFC was not retrieved — unverified).
 */
export const DEFAULT_DESCRIPTOR_BYTES: Readonly<Record<DescriptorKind, number>> = { folio: 80, slab: 64, ptdesc: 64 }

/** which descriptor an allocation type needs once descriptors are separate (none for free/reserved pages) */
export function descriptorOf(type: AllocationType): DescriptorKind | null {
  switch (type) {
    case 'folio':
    case 'anon':
    case 'file':
      return 'folio'
    case 'slab':
      return 'slab'
    case 'ptdesc':
      return 'ptdesc'
    default:
      return null
  }
}

/**
 * sizeof(spinlock_t) on LP64 (x86_64, arm64) per lock configuration: qspinlock 4 B;
 * DEBUG_SPINLOCK adds magic, owner_cpu, owner (24); DEBUG_LOCK_ALLOC/PROVE_LOCKING a
 * struct lockdep_map (64); LOCK_STAT 72; PREEMPT_RT's spinlock is an rt_mutex_base (32,
 * 48 with DEBUG_SPINLOCK, 128 with lockdep). Computed from the 6.12 struct layouts
 * (include/linux/spinlock_types.h, spinlock_types_raw.h, lockdep_types.h, rtmutex.h) for
 * LP64, not measured on a running kernel.
 */
export const SPINLOCK_BYTES = { default: 4, 'debug-spinlock': 24, lockdep: 64, 'lock-stat': 72, 'preempt-rt': 32, 'rt-debug-spinlock': 48, 'rt-lockdep': 128 } as const
export type SpinlockConfig = keyof typeof SPINLOCK_BYTES

export interface MemdescInput {
  allocations: Allocation[]
  pageSize?: number
  /** today's sizeof(struct page) (default 64) */
  structPageSize?: number
  /** projected struct page sizes (default [32, 8]) */
  stages?: number[]
  descriptorBytes?: Partial<Record<DescriptorKind, number>>
  /** the lock configuration (default: qspinlock, no debugging): decides ALLOC_SPLIT_PTLOCKS */
  spinlock?: SpinlockConfig
}

export interface MemdescStage {
  structPageSize: number
  memmapBytes: number
  descriptorBytes: number
  totalBytes: number
  savingBytes: number
}

export interface MemdescResult {
  pages: number
  /** today: the separately allocated page-table locks */
  ptlock: { spinlockBytes: number; allocSplit: boolean; pageTables: number; objectBytes: number; bytes: number }
  today: MemdescStage
  stages: MemdescStage[]
  figures: Figure[]
  checks: Check[]
  obsolete: Obsolescence[]
}

const REF = 'kernelnewbies MatthewWilcox/Memdescs, Memdescs/Path'
const VERSIONS = 'projection (not in any release)'
const roundUp16 = (n: number): number => Math.ceil(n / 16) * 16

export function memdescProjection(input: MemdescInput): MemdescResult {
  const ps = input.pageSize ?? 4096
  const todayS = input.structPageSize ?? 64
  const sizes = { ...DEFAULT_DESCRIPTOR_BYTES, ...input.descriptorBytes }
  const pages = input.allocations.reduce((a, x) => a + x.count * 2 ** x.order, 0)
  // descriptors come from slab caches with 16-byte alignment (low 4 bits of memdesc = type)
  const descriptors = input.allocations.reduce((a, x) => {
    const d = descriptorOf(x.type)
    return d ? a + x.count * roundUp16(sizes[d]) : a
  }, 0)
  const stage = (S: number, separate: boolean): MemdescStage => {
    const memmapBytes = pages * S
    const descriptorBytes = separate ? descriptors : 0
    return { structPageSize: S, memmapBytes, descriptorBytes, totalBytes: memmapBytes + descriptorBytes, savingBytes: 0 }
  }
  const today = stage(todayS, false)
  const stages = (input.stages ?? [32, 8]).map((S) => {
    const s = stage(S, true)
    s.savingBytes = today.totalBytes - s.totalBytes
    return s
  })

  const figures: Figure[] = [{ id: 'memdesc.pages', label: 'pages covered by the population', value: pages, unit: 'pages', formula: 'Σ count × 2^order', ref: REF, versions: 'all' }]
  for (const s of [today, ...stages]) {
    const p = `memdesc.${s.structPageSize}`
    const isToday = s === today
    const v = isToday ? 'today' : VERSIONS
    figures.push(
      {
        id: `${p}.memmap-bytes`,
        label: `memmap at ${s.structPageSize} B per page`,
        value: s.memmapBytes,
        unit: 'bytes',
        formula: `${pages} × ${s.structPageSize}`,
        ref: isToday ? 'struct page include/linux/mm_types.h' : REF,
        versions: v
      },
      {
        id: `${p}.descriptor-bytes`,
        label: `separately allocated descriptors at ${s.structPageSize} B`,
        value: s.descriptorBytes,
        unit: 'bytes',
        formula: isToday ? '0 (folio/slab/ptdesc overlay struct page today)' : `Σ count × round_up(descriptor, 16) (folio ${sizes.folio}, slab ${sizes.slab}, ptdesc ${sizes.ptdesc})`,
        ref: isToday ? 'struct folio / struct slab / struct ptdesc include/linux/mm_types.h, mm/slab.h' : REF,
        versions: v
      },
      {
        id: `${p}.total-bytes`,
        label: `memory descriptors in total at ${s.structPageSize} B`,
        value: s.totalBytes,
        unit: 'bytes',
        formula: `${s.memmapBytes} + ${s.descriptorBytes}`,
        ref: REF,
        versions: v
      },
      {
        id: `${p}.percent-of-ram`,
        label: `descriptor overhead at ${s.structPageSize} B`,
        value: pages ? Number(((s.totalBytes / (pages * ps)) * 100).toFixed(4)) : 0,
        unit: 'percent',
        formula: `${s.totalBytes} / (${pages} × ${ps})`,
        ref: REF,
        versions: v
      }
    )
    if (!isToday)
      figures.push({
        id: `${p}.saving-bytes`,
        label: `saving at ${s.structPageSize} B vs ${todayS} B`,
        value: s.savingBytes,
        unit: 'bytes',
        formula: `${today.totalBytes} − ${s.totalBytes}`,
        ref: REF,
        versions: v
      })
  }

  const checks: Check[] = stages.map((s) => ({
    id: `memdesc.net-saving.${s.structPageSize}`,
    title: `a ${s.structPageSize}-byte struct page saves memory for this population`,
    pass: s.savingBytes >= 0,
    severity: 'info' as const,
    condition: `pages × ${todayS} ≥ pages × ${s.structPageSize} + Σ descriptors`,
    values: { pages, today: today.totalBytes, projected: s.totalBytes, saving: s.savingBytes },
    ref: `${REF}; Vlastimil Babka 2021: "not a simple clear win"`,
    versions: VERSIONS,
    consequence: 'separately allocated descriptors cost more than the smaller memmap saves (many small folios)'
  }))
  const bad = (Object.keys(sizes) as DescriptorKind[]).filter((k) => sizes[k] % 16 !== 0)
  checks.push({
    id: 'memdesc.descriptor-alignment',
    title: 'descriptor sizes are multiples of 16 bytes',
    pass: bad.length === 0,
    severity: 'warning',
    condition: 'sizeof(descriptor) % 16 == 0 (slab caches with 16-byte alignment; the low 4 bits of memdesc hold the type)',
    values: { folio: sizes.folio, slab: sizes.slab, ptdesc: sizes.ptdesc },
    ref: REF,
    versions: VERSIONS,
    consequence: `rounded up to 16 when costed${bad.length ? ` (${bad.join(', ')})` : ''}`
  })

  // today's page-table locks: ALLOC_SPLIT_PTLOCKS (SPINLOCK_SIZE > BITS_PER_LONG/8) puts a
  // pointer in struct ptdesc and kmem_cache_alloc()s the lock from "page->ptl" (no
  // SLAB_HWCACHE_ALIGN: the object is sizeof(spinlock_t) rounded to the 8-byte minimum)
  const lockCfg = input.spinlock ?? 'default'
  const spinlockBytes = SPINLOCK_BYTES[lockCfg]
  const allocSplit = spinlockBytes > 8
  const pageTables = input.allocations.filter((x) => x.type === 'ptdesc').reduce((a, x) => a + x.count, 0)
  const objectBytes = Math.ceil(spinlockBytes / 8) * 8
  const ptlock = { spinlockBytes, allocSplit, pageTables, objectBytes, bytes: allocSplit ? pageTables * objectBytes : 0 }
  const refPtl = `ptlock_alloc(), ptlock_cache_init() mm/memory.c; ALLOC_SPLIT_PTLOCKS include/linux/mm_types_task.h; struct ptdesc include/linux/mm_types.h (${cite('ptdesc-overlay')})`
  figures.push(
    {
      id: 'memdesc.ptlock.spinlock-bytes',
      label: 'sizeof(spinlock_t)',
      value: spinlockBytes,
      unit: 'bytes',
      formula: `${lockCfg} lock configuration, LP64 (struct layouts of 6.12)`,
      ref: 'spinlock_t include/linux/spinlock_types.h',
      versions: 'all'
    },
    {
      id: 'memdesc.ptlock.alloc-split',
      label: 'ALLOC_SPLIT_PTLOCKS',
      value: allocSplit,
      unit: 'flag',
      formula: `SPINLOCK_SIZE ${spinlockBytes} > BITS_PER_LONG / 8 = 8`,
      ref: 'ALLOC_SPLIT_PTLOCKS include/linux/mm_types_task.h',
      versions: 'all'
    },
    {
      id: 'memdesc.ptlock.bytes',
      label: 'page-table locks allocated separately (today)',
      value: ptlock.bytes,
      unit: 'bytes',
      formula: allocSplit
        ? `${pageTables} page tables (PTE tables, and PMD tables with split PMD locks) × ${objectBytes} B "page->ptl" objects`
        : `0: the ${spinlockBytes}-byte lock fits in struct ptdesc (ptl in place of the pointer)`,
      ref: refPtl,
      versions: `all (struct ptdesc ${versionsOf('ptdesc-overlay')}, struct page before)`
    }
  )

  const obsolete = (input.stages ?? [32, 8]).flatMap((S) => memdescObsolescence(S, ps))
  return { pages, ptlock, today, stages, figures, checks, obsolete }
}

// ---------------------------------------------------------------------------------------
// Which of today's checks stop applying

export interface Obsolescence {
  /** check id in this engine */
  check: string
  structPageSize: number
  status: 'obsolete' | 'changes' | 'still-applies'
  reason: string
  ref: string
}

/**
 * Today's checks under a projected struct page size `S` (32 or 8), with reasons.
 * HVO numbers use the PMD- and PUD-level huge pages of the page size (n = PS/8, PS²/64).
 */
export function memdescObsolescence(S: number, pageSize = 4096): Obsolescence[] {
  const ps = pageSize
  const pmdPages = ps / 8
  const pudPages = pmdPages * (ps / 8)
  const hvoFreed = (n: number): number => (n * S >= 2 * ps ? (n * S) / ps - 1 : 0)
  // x86_64 numbers for the PMD-based rules: 4K pages, 128 MiB sections/memory blocks, 2 MiB PMD
  const x86SectionMemmap = (2 ** 27 / 4096) * S
  const mem = (b: number): string => (b >= 2 ** 30 ? `${b / 2 ** 30} GiB` : b >= 2 ** 20 ? `${b / 2 ** 20} MiB` : `${b / 1024} KiB`)
  const out: Obsolescence[] = [
    {
      check: 'folio.memmap-alignment',
      structPageSize: S,
      status: 'obsolete',
      reason:
        'struct folio is allocated separately and every page’s memdesc points to it: compound_head() no longer masks the struct page address, so MAX_FOLIO_VMEMMAP_ALIGN and the sparse_init() VM_WARN_ON_ONCE go (David Hildenbrand: the v7.1 series "will have to be reverted again")',
      ref: 'sparse_init() mm/sparse.c; MAX_FOLIO_VMEMMAP_ALIGN include/linux/mmzone.h (v7.1)'
    },
    {
      check: 'folio.max-folio-supported',
      structPageSize: S,
      status: 'obsolete',
      reason: 'the memmap base alignment no longer limits the largest folio (no mask-encoded compound_info)',
      ref: 'compound_info_has_mask() include/linux/page-flags.h (v7.1)'
    }
  ]
  if (isPowerOf2(S))
    out.push(
      {
        check: 'struct-page.pow2',
        structPageSize: S,
        status: 'obsolete',
        reason: `${S} is a power of two, so HVO's is_power_of_2(S) requirement always holds; HVO itself shrinks: a ${mem(pmdPages * ps)} page has ${mem(pmdPages * S)} of memmap → ${hvoFreed(pmdPages)} pages freed, a ${mem(pudPages * ps)} page → ${hvoFreed(pudPages)} (n·S ≥ 2·PS)`,
        ref: 'hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h'
      },
      {
        check: 'struct-page.max-shift',
        structPageSize: S,
        status: 'obsolete',
        reason: 'order_base_2(S) == log2(S): regions sized by STRUCT_PAGE_MAX_SHIFT are exact',
        ref: 'STRUCT_PAGE_MAX_SHIFT include/linux/mm_types.h'
      }
    )
  if (S < 56)
    out.push({
      check: 'struct-page.mm-zero-struct-page',
      structPageSize: S,
      status: 'changes',
      reason: `${S} < 56: the BUILD_BUG_ON(sizeof(struct page) < 56) bound and the switch cases of __mm_zero_struct_page() must change`,
      ref: '__mm_zero_struct_page() include/linux/mm.h'
    })
  out.push({
    check: 'pfn.struct-page-size',
    structPageSize: S,
    status: 'still-applies',
    reason: `S = ${S} ≤ MAX_STRUCT_PAGE_SIZE (64) always passes; info blocks keep reserving 64 B per page (page_struct_size) for compatibility`,
    ref: 'nd_pfn_init() / nd_pfn_validate() drivers/nvdimm/pfn_devs.c'
  })
  if (x86SectionMemmap % 2 ** 21 !== 0)
    out.push(
      {
        check: 'memmap-on-memory.pmd-aligned',
        structPageSize: S,
        status: 'changes',
        reason: `x86_64: a 128 MiB memory block has ${mem(x86SectionMemmap)} of memmap at ${S} B, not a 2 MiB PMD multiple: the default arch_supports_memmap_on_memory() (IS_ALIGNED(vmemmap_size, PMD_SIZE), mm/memory_hotplug.c) refuses it`,
        ref: 'mhp_supports_memmap_on_memory() mm/memory_hotplug.c'
      },
      {
        check: 'vmemmap.sub-pmd',
        structPageSize: S,
        status: 'changes',
        reason: `x86_64: a 128 MiB section's memmap is ${mem(x86SectionMemmap)}, not a whole 2 MiB PMD: consecutive sections share PMDs and sub-PMD tracking becomes the normal case`,
        ref: 'vmemmap_use_sub_pmd() arch/x86/mm/init_64.c'
      }
    )
  return out
}
