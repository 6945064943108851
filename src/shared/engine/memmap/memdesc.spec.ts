import { describe, expect, it } from 'vitest'
import { memdescObsolescence, memdescProjection } from './memdesc.ts'
import type { Scenario } from '../../scenario/scenario.ts'
import { runModel } from '../model.ts'
import { memmapReport } from './index.ts'

const fig = (r: ReturnType<typeof memdescProjection>, id: string) => r.figures.find((f) => f.id === id)!.value

describe('memdesc projection (kernelnewbies MatthewWilcox/Memdescs)', () => {
  it('an order-2 slab costs 4×8 + 64 = 96 B at 8 B per page vs 4×64 = 256 B today', () => {
    const r = memdescProjection({ allocations: [{ type: 'slab', order: 2, count: 1 }] })
    expect(r.today.totalBytes).toBe(256)
    expect(r.stages.find((s) => s.structPageSize === 8)!.totalBytes).toBe(96)
    expect(fig(r, 'memdesc.8.saving-bytes')).toBe(160)
    expect(r.stages.find((s) => s.structPageSize === 32)!.totalBytes).toBe(4 * 32 + 64)
  })
  it('64 B per 4 KiB page is 1.5625 % of RAM; 8 B is 0.2 % (free pages need no descriptor)', () => {
    const r = memdescProjection({ allocations: [{ type: 'buddy', order: 10, count: 1024 }] })
    expect(fig(r, 'memdesc.64.percent-of-ram')).toBe(1.5625)
    expect(fig(r, 'memdesc.32.percent-of-ram')).toBe(0.7813)
    expect(fig(r, 'memdesc.8.percent-of-ram')).toBe(0.1953)
    expect(r.stages[0].savingBytes).toBe(r.pages * 32)
  })
  it('a 2 MiB THP folio: 512 × 64 today, 512 × 8 + 80 projected', () => {
    const r = memdescProjection({ allocations: [{ type: 'anon', order: 9, count: 1 }] })
    expect(r.today.totalBytes).toBe(32768)
    expect(r.stages[1].totalBytes).toBe(4096 + 80)
  })
  it('fails the net-saving check when order-0 folios dominate (8 + 80 > 64)', () => {
    const r = memdescProjection({ allocations: [{ type: 'file', order: 0, count: 1000 }] })
    const c8 = r.checks.find((c) => c.id === 'memdesc.net-saving.8')!
    expect(c8.pass).toBe(false)
    expect(c8.values.saving).toBe(1000 * (64 - 88))
    // the 32-byte stage costs even more per order-0 folio: 32 + 80 = 112
    expect(r.checks.find((c) => c.id === 'memdesc.net-saving.32')!.pass).toBe(false)
  })
  it('rounds descriptors to 16 bytes and flags sizes that are not multiples of 16', () => {
    const r = memdescProjection({ allocations: [{ type: 'ptdesc', order: 0, count: 10 }], descriptorBytes: { ptdesc: 72 } })
    expect(r.stages[1].descriptorBytes).toBe(10 * 80)
    expect(r.checks.find((c) => c.id === 'memdesc.descriptor-alignment')!.pass).toBe(false)
  })
})

describe("today's checks under memdescs", () => {
  it('the v7.1 memmap alignment check and the HVO pow2 requirement become obsolete', () => {
    const o = memdescObsolescence(32)
    expect(o.find((x) => x.check === 'folio.memmap-alignment')).toMatchObject({ status: 'obsolete' })
    const pow2 = o.find((x) => x.check === 'struct-page.pow2')!
    expect(pow2.status).toBe('obsolete')
    // 32 B: a 2 MiB page has 16 KiB of memmap → 3 pages freed; 1 GiB → 2047
    expect(pow2.reason).toContain('→ 3 pages freed')
    expect(pow2.reason).toContain('→ 2047')
    // 8 B: a 2 MiB page has one page of memmap: nothing to free
    expect(memdescObsolescence(8).find((x) => x.check === 'struct-page.pow2')!.reason).toContain('→ 0 pages freed')
    expect(o.find((x) => x.check === 'struct-page.mm-zero-struct-page')!.status).toBe('changes')
    expect(o.find((x) => x.check === 'memmap-on-memory.pmd-aligned')!.reason).toContain('1 MiB')
  })
  it('is returned with the projection for every stage', () => {
    const r = memdescProjection({ allocations: [] })
    expect(new Set(r.obsolete.map((x) => x.structPageSize))).toEqual(new Set([32, 8]))
    for (const f of r.figures) expect(f.ref && f.versions).toBeTruthy()
  })
})

describe('the report: nothing is obsolete until a memdesc stage is chosen', () => {
  const base: Scenario = { kernel: '7.1', arch: 'x86_64', firmware: { kind: 'e820', map: [{ start: 0x100000, end: 2 ** 32, type: 'usable' }] }, hugetlb: [] }
  it("today's 64-byte struct page makes nothing obsolete (the folio alignment checks stand)", () => {
    expect(memmapReport(runModel(base)).obsolescence).toEqual([])
  })
  it('a chosen stage (32 bytes) makes the v7.1 alignment check obsolete, for that stage only', () => {
    const o = memmapReport(runModel({ ...base, memmap: { memdesc: { allocations: [{ type: 'folio', order: 0, count: 1 }], stages: [32] } } })).obsolescence
    expect(o.find((x) => x.check === 'folio.memmap-alignment')).toMatchObject({ status: 'obsolete', structPageSize: 32 })
    expect(new Set(o.map((x) => x.structPageSize))).toEqual(new Set([32]))
  })
})

describe('page-table locks today (ALLOC_SPLIT_PTLOCKS, ptlock_alloc() mm/memory.c)', () => {
  const allocations = [
    { type: 'ptdesc' as const, order: 0, count: 10000 },
    { type: 'anon' as const, order: 0, count: 100000 }
  ]
  it('a 4-byte qspinlock fits in struct ptdesc: nothing is allocated', () => {
    const r = memdescProjection({ allocations })
    expect(r.ptlock).toMatchObject({ spinlockBytes: 4, allocSplit: false, pageTables: 10000, bytes: 0 })
  })
  it('PREEMPT_RT (Debian amd64 rt: a 32-byte rt_mutex_base): 32 bytes per page table', () => {
    const r = memdescProjection({ allocations, spinlock: 'preempt-rt' })
    expect(r.ptlock).toMatchObject({ allocSplit: true, objectBytes: 32, bytes: 320000 })
    expect(r.figures.find((f) => f.id === 'memdesc.ptlock.bytes')!.value).toBe(320000)
  })
  it('DEBUG_SPINLOCK (24 bytes) and lockdep (64 bytes)', () => {
    expect(memdescProjection({ allocations, spinlock: 'debug-spinlock' }).ptlock.bytes).toBe(240000)
    expect(memdescProjection({ allocations, spinlock: 'lockdep' }).ptlock.bytes).toBe(640000)
  })
})
