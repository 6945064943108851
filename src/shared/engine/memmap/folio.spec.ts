// Orders and folio alignment, with numbers worked out from the kernel sources cited in each
// block: include/linux/mmzone.h (MAX_PAGE_ORDER, MAX_FOLIO_ORDER in 7.1), include/linux/mm.h
// (MAX_FOLIO_NR_PAGES 6.9, MAX_FOLIO_ORDER 6.18), include/linux/pageblock-flags.h
// (pageblock_order), set_pageblock_order() mm/mm_init.c, sparse_init() mm/sparse.c (7.1).
import { describe, expect, it } from 'vitest'
import { parseKernelVersion, type KernelVersion } from '../version.ts'
import {
  compoundInfoHasMask,
  folioAlignmentCheck,
  maxAlignedFolio,
  maxFolioOrder,
  maxFolioVmemmapAlign,
  maxPageOrder,
  memmapAlignmentCheck,
  pageblockOrder,
  type FolioConfig,
  type PageblockInput
} from './folio.ts'
import type { MemArch } from './sparse.ts'
import { parseScenario } from '../../scenario/parse.ts'
import { runModel } from '../model.ts'

const v = (s: string): KernelVersion => parseKernelVersion(s)!
const K = 1024
const M = 1024 * K
const G = 1024 * M

describe('MAX_PAGE_ORDER (include/linux/mmzone.h, ARCH_FORCE_MAX_ORDER arch/*/Kconfig)', () => {
  it('exclusive MAX_ORDER before 6.4, inclusive after, renamed MAX_PAGE_ORDER in 6.8', () => {
    expect(maxPageOrder('x86_64', 4 * K, v('6.1'))).toMatchObject({ order: 10, macro: 'MAX_ORDER', macroValue: 11, nrPages: 1024 })
    expect(maxPageOrder('x86_64', 4 * K, v('6.4'))).toMatchObject({ order: 10, macro: 'MAX_ORDER', macroValue: 10 })
    expect(maxPageOrder('x86_64', 4 * K, v('6.8'))).toMatchObject({ order: 10, macro: 'MAX_PAGE_ORDER', macroValue: 10 })
  })
  it('the rename 5e0a760b4441 is v6.8-rc1-3: 6.8-rc1 still says MAX_ORDER', () => {
    expect(maxPageOrder('x86_64', 4 * K, v('6.8-rc1')).macro).toBe('MAX_ORDER')
    expect(maxPageOrder('x86_64', 4 * K, v('6.8-rc2')).macro).toBe('MAX_PAGE_ORDER')
  })
  it('powerpc64: "default 8 if PPC64 && PPC_64K_PAGES", "default 12 if PPC64 && !PPC_64K_PAGES"', () => {
    expect(maxPageOrder('powerpc64', 64 * K, v('6.12')).order).toBe(8)
    expect(maxPageOrder('powerpc64', 4 * K, v('6.12')).order).toBe(12)
    // 6.1 writes 13 (exclusive) for 4K: the same largest order
    expect(maxPageOrder('powerpc64', 4 * K, v('6.1'))).toMatchObject({ order: 12, macroValue: 13 })
  })
  it('arm64 64K before 5.12 without THP: FORCE_MAX_ZONEORDER 11, so order 10 (79cc2ed5a716 dropped the THP condition)', () => {
    expect(maxPageOrder('arm64', 64 * K, v('5.10'), undefined, false).order).toBe(10)
    expect(maxPageOrder('arm64', 64 * K, v('5.10'), undefined, true).order).toBe(13)
    expect(maxPageOrder('arm64', 64 * K, v('5.12'), undefined, false).order).toBe(13)
  })
  it('arm64 defaults 10/11/13; a pre-6.4 configured value is one higher', () => {
    expect([4, 16, 64].map((p) => maxPageOrder('arm64', p * K, v('6.10')).order)).toEqual([10, 11, 13])
    expect(maxPageOrder('arm64', 64 * K, v('6.3'), 14).order).toBe(13)
    expect(maxPageOrder('arm64', 64 * K, v('6.4'), 13).order).toBe(13)
  })
})

describe('pageblock_order (include/linux/pageblock-flags.h, set_pageblock_order())', () => {
  const pb = (arch: MemArch, ps: number, ver = '6.10', extra: Partial<PageblockInput> = {}) =>
    pageblockOrder({ arch, pageSize: ps * K, version: v(ver), maxPageOrder: maxPageOrder(arch, ps * K, v(ver)).order, ...extra }).order
  it('x86_64 9 (2 MiB); arm64 4K 9, 16K 11 (32 MiB), 64K 13 (512 MiB)', () => {
    expect(pb('x86_64', 4)).toBe(9)
    expect([4, 16, 64].map((p) => pb('arm64', p))).toEqual([9, 11, 13])
  })
  it('6.16 PAGE_BLOCK_MAX_ORDER caps it; before 6.16 the Kconfig does not exist', () => {
    expect(pb('arm64', 64, '6.16', { pageBlockMaxOrder: 10 })).toBe(10)
    expect(pb('arm64', 64, '6.15', { pageBlockMaxOrder: 10 })).toBe(13)
  })
  it('without hugetlb and THP it is PAGE_BLOCK_MAX_ORDER', () => {
    expect(pb('x86_64', 4, '6.10', { hugetlb: false, thp: false })).toBe(10)
  })
  it('THP without hugetlb: HPAGE_PMD_ORDER 9 from 6.10 (72801513b2bf), MAX_PAGE_ORDER 10 before', () => {
    expect(pb('x86_64', 4, '6.10', { hugetlb: false })).toBe(9)
    expect(pb('x86_64', 4, '6.9', { hugetlb: false })).toBe(10)
  })
  it('before 5.18 HUGETLB_PAGE_ORDER was not capped (b3d40a2b6d10): arm64 64K with MAX_ORDER 11 keeps 13', () => {
    // 5.10 arm64 64K without THP: FORCE_MAX_ZONEORDER 11 → MAX_ORDER − 1 = 10; pageblock_order = HUGETLB_PAGE_ORDER = 29 − 16
    expect(pb('arm64', 64, '5.10', { maxPageOrder: 10 })).toBe(13)
    expect(pb('arm64', 64, '5.18', { maxPageOrder: 10 })).toBe(10)
  })
  it('a 32-bit PAE scenario registers 2 MiB huge pages, a 2-level one 4 MiB (HPAGE_SHIFT = PMD_SHIFT)', () => {
    const run = (paging: string) => {
      const p = parseScenario(
        `name: x\nkernel: "6.1"\narch: x86\npaging: ${paging}\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, last: 0x9fbff, type: usable }\n    - { start: 0x100000, last: 0x3fffffff, type: usable }\n`
      )
      if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
      return runModel(p.scenario)
    }
    expect([run('pae').hugePageSizes, run('pae').pageblockPages]).toEqual([[2 * M], 512])
    expect([run('2-level').hugePageSizes, run('2-level').pageblockPages]).toEqual([[4 * M], 1024])
  })
  it('32-bit x86: PMD_SHIFT 22 without PAE (4 MiB pageblocks), 21 with PAE (2 MiB)', () => {
    expect(pb('x86', 4, '6.1')).toBe(10)
    expect(pb('x86', 4, '6.1', { paging: 'pae' })).toBe(9)
  })
  it('powerpc64 Book3S: hpage_shift 16M on hash (order 8 on 64K, 12 on 4K), 2M on radix (5, 9), none → MAX_PAGE_ORDER', () => {
    expect(pb('powerpc64', 64, '6.12', { hugePageSizes: [16 * M, 16 * G] })).toBe(8)
    expect(pb('powerpc64', 4, '6.12', { hugePageSizes: [16 * M, 16 * G] })).toBe(12)
    expect(pb('powerpc64', 64, '6.12', { hugePageSizes: [2 * M, 1 * G] })).toBe(5)
    expect(pb('powerpc64', 4, '6.12', { hugePageSizes: [2 * M, 1 * G] })).toBe(9)
    expect(pb('powerpc64', 64, '6.12', { hugePageSizes: [] })).toBe(8)
  })
  it('32-bit arm without LPAE has no huge pages: MAX_PAGE_ORDER 10 (4 MiB)', () => {
    expect(pb('arm', 4, '6.1')).toBe(10)
  })
})

describe('MAX_FOLIO_ORDER (include/linux/mm.h 6.18, mmzone.h 7.1; MAX_FOLIO_NR_PAGES 6.9)', () => {
  const cfg = (ps: number, extra: Partial<FolioConfig> = {}): FolioConfig => ({
    arch: 'arm64',
    pageSize: ps * K,
    version: v('6.18'),
    maxPageOrder: 10,
    pfnSectionShift: 15,
    memoryModel: 'sparsemem-vmemmap',
    ...extra
  })
  it('64-bit with hugetlb: 16 GiB → 22 (4K), 20 (16K), 18 (64K)', () => {
    expect([4, 16, 64].map((p) => maxFolioOrder(cfg(p)).order)).toEqual([22, 20, 18])
    expect(maxFolioOrder(cfg(4)).bytes).toBe(16 * G)
  })
  it('x86_64 ZONE_DEVICE without hugetlb: PUD_ORDER 18 (1 GiB)', () => {
    expect(maxFolioOrder(cfg(4, { arch: 'x86_64', hugetlb: false, zoneDevice: true })).order).toBe(18)
  })
  it('no gigantic folios: MAX_PAGE_ORDER; classic SPARSEMEM: PFN_SECTION_SHIFT', () => {
    expect(maxFolioOrder(cfg(4, { hugetlb: false })).order).toBe(10)
    expect(maxFolioOrder(cfg(4, { memoryModel: 'sparsemem' })).order).toBe(15)
  })
  it('is not defined before 6.18', () => {
    expect(maxFolioOrder(cfg(4, { version: v('6.17') })).defined).toBe(false)
  })
  it('6.9–6.17: MAX_FOLIO_NR_PAGES = 1 << PUD_ORDER with gigantic pages (fae7d834c43c): order 18 on x86_64, not the 16 GiB cap', () => {
    expect(maxFolioOrder(cfg(4, { arch: 'x86_64', version: v('6.12') }))).toMatchObject({ order: 18, macro: 'MAX_FOLIO_NR_PAGES', bytes: 1 * G })
    // loongarch has no ARCH_HAS_GIGANTIC_PAGE: MAX_ORDER_NR_PAGES
    expect(maxFolioOrder(cfg(16, { arch: 'loongarch64', version: v('6.12'), maxPageOrder: 11 })).order).toBe(11)
  })
  it('6.18-rc1…rc5 (4751c39eee0c): PUD_ORDER; the 16 GiB cap only from 6.18-rc6 (39231e8d6ba7)', () => {
    expect(maxFolioOrder(cfg(4, { arch: 'x86_64', version: v('6.18-rc5') }))).toMatchObject({ order: 18, macro: 'MAX_FOLIO_ORDER' })
    expect(maxFolioOrder(cfg(4, { arch: 'x86_64', version: v('6.18-rc6') })).order).toBe(22)
  })
  it('arm64 16K PUD_SHIFT = 3 × (14 − 3) + 3 = 36: PUD_ORDER 22 for ZONE_DEVICE with PUD THP', () => {
    expect(maxFolioOrder(cfg(16, { hugetlb: false, zoneDevice: true, thpPud: true })).order).toBe(22)
  })
  it('riscv selects HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD from 7.0: ZONE_DEVICE without hugetlb gives PUD_ORDER 18', () => {
    expect(maxFolioOrder(cfg(4, { arch: 'riscv64', version: v('7.0'), hugetlb: false, zoneDevice: true })).order).toBe(18)
    expect(maxFolioOrder(cfg(4, { arch: 'riscv64', version: v('6.18'), hugetlb: false, zoneDevice: true })).order).toBe(10)
  })
})

describe('v7.1 memmap alignment check (sparse_init() mm/sparse.c, 9f94db4c7eaa)', () => {
  it('MAX_FOLIO_VMEMMAP_ALIGN: 1 GiB folio needs 16 MiB, 16 GiB needs 256 MiB (4K); 16 MiB (64K); 64 MiB (16K)', () => {
    expect(maxFolioVmemmapAlign(v('7.1'), true, 64, 18)).toBe(16n * BigInt(M))
    expect(maxFolioVmemmapAlign(v('7.1'), true, 64, 22)).toBe(256n * BigInt(M))
    expect(maxFolioVmemmapAlign(v('7.1'), true, 64, 18 /* 64K, 16 GiB */)).toBe(16n * BigInt(M))
    expect(maxFolioVmemmapAlign(v('7.1'), true, 64, 20 /* 16K, 16 GiB */)).toBe(64n * BigInt(M))
    expect(maxFolioVmemmapAlign(v('7.1'), true, 80, 22)).toBe(0n)
  })
  it('active only on 7.1+ with HVO configured and a power-of-two struct page', () => {
    expect(compoundInfoHasMask(v('7.1'), true, 64)).toBe(true)
    expect(compoundInfoHasMask(v('7.0'), true, 64)).toBe(false)
    expect(compoundInfoHasMask(v('7.1'), false, 64)).toBe(false)
    expect(compoundInfoHasMask(v('7.1'), true, 80)).toBe(false)
  })
  it('x86_64 vmemmap_base 0xffffea0000000000 is 2 TiB aligned: passes for 16 GiB folios', () => {
    const c = memmapAlignmentCheck({ version: v('7.1'), hvoConfigured: true, structPageSize: 64, pfnToPage0: 0xffffea0000000000n, maxFolioOrder: 22 })
    expect(c.pass).toBe(true)
    expect(c.values.active).toBe(true)
  })
  it('FAILS (VM_WARN_ON_ONCE) for a 32 MiB-aligned pfn_to_page(0) with MAX_FOLIO_ORDER 22', () => {
    const c = memmapAlignmentCheck({ version: v('7.1'), hvoConfigured: true, structPageSize: 64, pfnToPage0: '0xfffffdffbe000000', maxFolioOrder: 22 })
    expect(c.pass).toBe(false)
    expect(c.severity).toBe('warning')
    expect(c.values).toMatchObject({ required: '0x10000000', actual: '0x2000000' })
  })
  it('not compiled in on 7.0: passes with active = false', () => {
    const c = memmapAlignmentCheck({ version: v('7.0'), hvoConfigured: true, structPageSize: 64, pfnToPage0: '0xfffffdffbe000000', maxFolioOrder: 22 })
    expect(c.pass).toBe(true)
    expect(c.values.active).toBe(false)
  })
  it('per-folio invariant: a 1 GiB folio fits a 32 MiB base, a 16 GiB one FAILS in mask mode', () => {
    const base = '0xfffffdffbe000000'
    expect(folioAlignmentCheck({ pfnToPage0: base, pfn: 0x40000, order: 18, structPageSize: 64, maskMode: true }).pass).toBe(true)
    const bad = folioAlignmentCheck({ pfnToPage0: base, pfn: 0x400000, order: 22, structPageSize: 64, maskMode: true })
    expect(bad.pass).toBe(false)
    expect(bad.severity).toBe('error')
  })
})

describe('largest naturally aligned folio for a memmap alignment (compound_head() include/linux/page-flags.h)', () => {
  it("Muchun's number: 2 MiB PMD-mapped vmemmap, S = 64, 4K → 32 768 pages = 128 MiB", () => {
    const r = maxAlignedFolio({ alignment: { kind: 'pmd-vmemmap' }, structPageSize: 64, pageSize: 4 * K, hugePageSizes: [2 * M, 1 * G, 16 * G], maskMode: true })
    expect([r.maxOrder, r.maxPages, r.maxBytes]).toEqual([15, 32768, 128 * M])
    expect(r.checks.map((c) => c.pass)).toEqual([true, false, false])
    expect(r.checks[1].severity).toBe('error')
  })
  it('2 MiB alignment with 64K pages carries 2 GiB folios', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'pmd-vmemmap' }, structPageSize: 64, pageSize: 64 * K }).maxBytes).toBe(2 * G)
  })
  it('x86 KASLR (1 GiB steps) carries 64 GiB folios, enough for MAX_FOLIO_ORDER 22', () => {
    const r = maxAlignedFolio({ alignment: { kind: 'x86-kaslr' }, structPageSize: 64, pageSize: 4 * K, maxFolioOrder: 22 })
    expect([r.maxOrder, r.maxBytes]).toEqual([24, 64 * G])
    expect(r.checks[0].pass).toBe(true)
  })
  it('a kvmalloc-ed memmap (PAGE_SIZE only) carries order 6 (256 KiB)', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'kvmalloc' }, structPageSize: 64, pageSize: 4 * K })).toMatchObject({ maxOrder: 6, maxBytes: 256 * K })
  })
  it('an address: lowbit of arm64 pfn_to_page(0) with DRAM at 2 GiB (32 MiB) → 2 GiB folios', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'address', address: '0xfffffdffbe000000' }, structPageSize: 64, pageSize: 4 * K }).maxBytes).toBe(2 * G)
  })
  it('SPARSEMEM without VMEMMAP: a boot section map sits at a multiple of section_map_size(), a hot-added one only PAGE_SIZE', () => {
    // 32-bit x86: PAGES_PER_SECTION 2^(26 − 12) = 16384, S = 32 → section_map_size() 512 KiB
    const boot = maxAlignedFolio({ alignment: { kind: 'section-buffer', sectionMapSize: 16384 * 32, aligned: true }, structPageSize: 32, pageSize: 4 * K })
    expect([boot.maxOrder, boot.maxBytes]).toEqual([14, 64 * M])
    const old = maxAlignedFolio({ alignment: { kind: 'section-buffer', sectionMapSize: 16384 * 32, aligned: false }, structPageSize: 32, pageSize: 4 * K })
    expect(old.maxOrder).toBe(7)
    const hot = maxAlignedFolio({ alignment: { kind: 'kvmalloc' }, structPageSize: 32, pageSize: 4 * K, maxFolioOrder: 14, scope: { id: 'hotplug', title: 'hot-added sections' } })
    expect(hot.maxOrder).toBe(7)
    expect(hot.checks.map((c) => [c.id, c.pass])).toEqual([['folio.max-folio-supported.hotplug', false]])
  })
  it('a non-power-of-two S in a section buffer: the base is a multiple of PAGES_PER_SECTION × S', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'section-buffer', sectionMapSize: 16384 * 40, aligned: true }, structPageSize: 40, pageSize: 4 * K }).maxOrder).toBe(14)
  })
  it('S = 80 is never naturally aligned: order −1', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'pmd-vmemmap' }, structPageSize: 80, pageSize: 4 * K }).maxOrder).toBe(-1)
  })
})
