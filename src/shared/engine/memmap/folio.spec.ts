// Orders and folio alignment: kernel-memmap-spec §4 and §9 items 12–13, with the spec's numbers.
import { describe, expect, it } from 'vitest'
import { parseKernelVersion, type KernelVersion } from '../version.ts'
import { compoundInfoHasMask, folioAlignmentCheck, maxAlignedFolio, maxFolioOrder, maxFolioVmemmapAlign, maxPageOrder, memmapAlignmentCheck, pageblockOrder, type FolioConfig } from './folio.ts'

const v = (s: string): KernelVersion => parseKernelVersion(s)!
const K = 1024
const M = 1024 * K
const G = 1024 * M

describe('MAX_PAGE_ORDER (§4.1)', () => {
  it('exclusive MAX_ORDER before 6.4, inclusive after, renamed MAX_PAGE_ORDER in 6.8', () => {
    expect(maxPageOrder('x86_64', 4 * K, v('6.1'))).toMatchObject({ order: 10, macro: 'MAX_ORDER', macroValue: 11, nrPages: 1024 })
    expect(maxPageOrder('x86_64', 4 * K, v('6.4'))).toMatchObject({ order: 10, macro: 'MAX_ORDER', macroValue: 10 })
    expect(maxPageOrder('x86_64', 4 * K, v('6.8'))).toMatchObject({ order: 10, macro: 'MAX_PAGE_ORDER', macroValue: 10 })
  })
  it('arm64 defaults 10/11/13; a pre-6.4 configured value is one higher', () => {
    expect([4, 16, 64].map((p) => maxPageOrder('arm64', p * K, v('6.10')).order)).toEqual([10, 11, 13])
    expect(maxPageOrder('arm64', 64 * K, v('6.3'), 14).order).toBe(13)
    expect(maxPageOrder('arm64', 64 * K, v('6.4'), 13).order).toBe(13)
  })
})

describe('pageblock_order (§4.2)', () => {
  const pb = (arch: 'x86_64' | 'arm64', ps: number, ver = '6.10', extra = {}) =>
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
})

describe('MAX_FOLIO_ORDER (§4.3)', () => {
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
})

describe('v7.1 memmap alignment check (§4.4, §9 item 12)', () => {
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

describe('largest naturally aligned folio for a memmap alignment (§9 item 13)', () => {
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
  it('S = 80 is never naturally aligned: order −1', () => {
    expect(maxAlignedFolio({ alignment: { kind: 'pmd-vmemmap' }, structPageSize: 80, pageSize: 4 * K }).maxOrder).toBe(-1)
  })
})
