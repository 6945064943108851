import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../index.ts'
import { parseKernelVersion } from '../version.ts'
import { firstDeferredPfn, freeBlocksOfRange, kmsanBootMetadata, kmsanHandoff, kmsanHandoffDeferred } from './kmsan.ts'

const v = (s: string) => parseKernelVersion(s)!
const fig = (r: ReturnType<typeof kmsanBootMetadata>, id: string) => r.figures.find((f) => f.id === id)!.value

describe('memblock → buddy blocks (__free_pages_memory())', () => {
  it('splits a range into naturally aligned blocks of at most MAX_PAGE_ORDER', () => {
    // pfn 1..2050: 1, 2, 4, … 512 up to 1024, one order-10 block, then 1 + 1 page
    const b = freeBlocksOfRange(1, 2051, 10)
    expect(b).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    expect(b.reduce((a, n, k) => a + n * 2 ** k, 0)).toBe(2050)
    expect(freeBlocksOfRange(0, 262144, 10)[10]).toBe(256)
  })
})

describe('KMSAN boot metadata (kmsan_memblock_free_pages(), kmsan_memblock_discard() mm/kmsan/init.c)', () => {
  it('turns 3 max-order blocks into 1 buddy block and 2 metadata blocks', () => {
    const r = kmsanBootMetadata({ version: v('6.1'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 3072, freePages: 3072 }] })
    expect(r).toMatchObject({ usablePages: 1024, metadataPages: 2048, lostPages: 0 })
    expect(fig(r, 'kmsan.usable-percent')).toBe(33.333)
  })
  it('splits a lone held block in the discard pass: 1024 pages → 341 usable, 682 metadata, 1 lost', () => {
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 1024, freePages: 1024 }] })
    expect(r).toMatchObject({ usablePages: 341, metadataPages: 682, lostPages: 1 })
  })
  it('1 GiB of free memory (4K pages) leaves 87381 buddy pages', () => {
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 262144, freePages: 262144 }], futureRangePages: 5000 })
    expect(r.usablePages).toBe(87381) // 85 triples × 1024 + 341 from the leftover block
    expect(r.metadataPages).toBe(2 * 87381)
    expect(fig(r, 'kmsan.future-metadata-pages')).toBe(10000)
    expect(fig(r, 'kmsan.struct-page-extra-bytes')).toBe(262144 * 16)
  })
  it('attributes usable and metadata pages per node; a triple can span two nodes', () => {
    const r = kmsanBootMetadata({
      version: v('6.6'),
      arch: 'x86_64',
      nodes: [
        { nid: 0, presentPages: 4096, freePages: 4096 },
        { nid: 1, presentPages: 2048, freePages: 2048 }
      ]
    })
    expect(r.nodes.map((n) => [n.usablePages, n.metadataPages])).toEqual([
      [1024, 3072],
      [1024, 1024]
    ])
    expect(r.crossNodeTriples).toBe(1)
    expect(fig(r, 'kmsan.node.1.usable-pages')).toBe(1024)
  })
  it('uses exact free ranges per node', () => {
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 2050, freeRanges: [{ startPfn: 1, endPfn: 2051 }] }] })
    expect(r.usablePages + r.metadataPages + r.lostPages).toBe(2050)
    expect(r.metadataPages).toBe(2 * r.usablePages)
    expect(r.checks.find((c) => c.id === 'kmsan.boot-accounting')!.pass).toBe(true)
  })
})

describe('checks', () => {
  it('a buddy count equal to all free pages is not a KMSAN boot', () => {
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 3072, freePages: 3072 }], observedBuddyPages: 3072 })
    const c = r.checks.find((x) => x.id === 'kmsan.boot-accounting')!
    expect(c).toMatchObject({ pass: false, values: { usable: 1024, observed: 3072 } })
    const ok = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 3072, freePages: 3072 }], observedBuddyPages: 1024 })
    expect(ok.checks.find((x) => x.id === 'kmsan.boot-accounting')!.pass).toBe(true)
  })
  it('KMSAN needs x86_64 ≥ 6.1; more than 128 future ranges overflow start_end_pairs[]', () => {
    const arm = kmsanBootMetadata({ version: v('6.6'), arch: 'arm64', nodes: [], futureRangeCount: 129 })
    expect(arm.checks.find((c) => c.id === 'kmsan.arch')!.pass).toBe(false)
    expect(arm.checks.find((c) => c.id === 'kmsan.future-ranges')!.pass).toBe(false)
    const old = kmsanBootMetadata({ version: v('6.0'), arch: 'x86_64', nodes: [] })
    expect(old.checks.find((c) => c.id === 'kmsan.arch')!.pass).toBe(false)
    const ok = kmsanBootMetadata({ version: v('6.1'), arch: 'x86_64', nodes: [] })
    expect(ok.checks.find((c) => c.id === 'kmsan.arch')!.pass).toBe(true)
  })
})

describe('the hand-off ranges (kmsan_init_shadow(), for_each_free_mem_range())', () => {
  const MiB = 2 ** 20
  // One node of 1 GiB (262144 pages). memblock.reserved holds the first 1 MiB (256 pages,
  // reserve_real_mode()) and 4 MiB of memmap at the top (1024 pages): 1280 future pages.
  // kmsan_init_alloc_meta_for_range() memblock_alloc()s 2 × 1280 = 2560 pages top-down, so
  // memblock_free_all() hands over [256, 261120 − 2560) = 258304 pages:
  // buddy ⌊258304 / 3⌋ = 86101, stranded 258304 mod 3 = 1. Without the reservations the
  // buddy would get ⌊262144 / 3⌋ = 87381: 1280 = R pages more.
  const h = kmsanHandoff({
    memory: [{ nid: 0, start: 0, end: 1024 * MiB }],
    reserved: [
      { start: 0, end: 1 * MiB },
      { start: 1020 * MiB, end: 1024 * MiB }
    ],
    pageSize: 4096
  })
  it('reserved ranges are future ranges and cost 2 × their pages, taken from the top', () => {
    expect(h.futureRanges.length).toBe(2)
    expect([h.futureRangePages, h.futureMetadataPages]).toEqual([1280, 2560])
    expect(h.freeRanges.get(0)).toEqual([{ startPfn: 256, endPfn: 258560 }])
  })
  it('buddy = ⌊F/3⌋, metadata 2⌊F/3⌋, F mod 3 stranded, whatever the block orders', () => {
    const r = kmsanBootMetadata({
      version: v('6.1'),
      arch: 'x86_64',
      nodes: [{ nid: 0, presentPages: 262144, freeRanges: h.freeRanges.get(0) }],
      futureRangePages: h.futureRangePages,
      futureMetadataPages: h.futureMetadataPages
    })
    expect([r.usablePages, r.metadataPages, r.lostPages]).toEqual([86101, 172202, 1])
    expect(fig(r, 'kmsan.future-metadata-pages')).toBe(2560)
    // per order: the triples account for every usable page
    expect(r.orders.reduce((a, o) => a + (o.triples + o.discardTriples) * 2 ** o.order, 0)).toBe(86101)
    expect(r.orders[10]).toMatchObject({ triples: Math.floor(r.orders[10].blocks / 3) })
  })
  it('touching reserved ranges merge into one future range', () => {
    const m = kmsanHandoff({
      memory: [{ nid: 0, start: 0, end: 64 * MiB }],
      reserved: [
        { start: 0, end: 1 * MiB },
        { start: 1 * MiB, end: 2 * MiB },
        { start: 0x1800, end: 0x2000 }
      ],
      pageSize: 4096
    })
    expect(m.futureRanges).toEqual([{ start: 0, end: 2 * MiB }])
  })
})

describe('KMSAN with DEFERRED_STRUCT_PAGE_INIT (before 854fa98d1dff, in v6.11)', () => {
  it('first_deferred_pfn: the first section-aligned pfn after PAGES_PER_SECTION pfns of the last zone (defer_init())', () => {
    // ZONE_NORMAL from 4 GiB (pfn 0x100000), 32768 pages per section
    expect(firstDeferredPfn(0x100000, 0x42e300, [{ start: 0x100000, end: 0x42e300 }], 32768)).toBe(0x108000)
    // a zone starting mid-section: more than 32768 pfns, then the next boundary
    expect(firstDeferredPfn(0x104000, 0x200000, [{ start: 0x104000, end: 0x200000 }], 32768)).toBe(0x110000)
    // too small to defer
    expect(firstDeferredPfn(0, 0x8000, [{ start: 0, end: 0x8000 }], 32768)).toBeNull()
  })
  it('the deferred pages skip the hand-off and fail the check before 6.11; 6.11 Kconfig forbids the pair', () => {
    const MiB = 2 ** 20
    const { handoff, deferredPages } = kmsanHandoffDeferred({ memory: [{ nid: 0, start: 0, end: 512 * MiB }], reserved: [], pageSize: 4096 }, new Map([[0, 65536]]))
    expect(deferredPages).toBe(131072 - 65536)
    expect(handoff.freeRanges.get(0)).toEqual([{ startPfn: 0, endPfn: 65536 }])
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 131072, freeRanges: handoff.freeRanges.get(0) }], deferredPages })
    expect(r.checks.find((c) => c.id === 'kmsan.deferred-init')).toMatchObject({ pass: false, severity: 'error' })
    const later = kmsanBootMetadata({ version: v('6.11'), arch: 'x86_64', nodes: [], deferredPages: 0 })
    expect(later.checks.find((c) => c.id === 'kmsan.deferred-init')).toMatchObject({ pass: true, severity: 'info' })
  })
  it('s390 has KMSAN from 6.11 (3a8f6f3b469b), not 6.10', () => {
    expect(kmsanBootMetadata({ version: v('6.10'), arch: 's390', nodes: [] }).checks.find((c) => c.id === 'kmsan.arch')!.pass).toBe(false)
    expect(kmsanBootMetadata({ version: v('6.11'), arch: 's390', nodes: [] }).checks.find((c) => c.id === 'kmsan.arch')!.pass).toBe(true)
  })
})

describe('a scenario with KMSAN: the 16 GiB x86 laptop on 6.1', () => {
  const text = readFileSync(join(import.meta.dirname, '../../../../resources/examples/x86-laptop.yaml'), 'utf8')
  const r = analyzeSource(text + 'config: { deferredStructPageInit: false }\nmemmap: { structPage: { kmsan: true } }\n', 'x86-laptop.yaml')
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  const mm = r.report.memmap!
  const k = mm.kmsan!
  const value = (id: string) => Number(mm.figures.find((f) => f.id === id)!.value)
  it('the memmap backing and the first 1 MiB are future ranges with 2 × their pages of metadata', () => {
    const memmapPages = mm.placement.plan.summary.mappedBytes / 4096
    const R = value('kmsan.future-range-pages')
    expect(R).toBeGreaterThanOrEqual(memmapPages + 256)
    expect(k.futureMetadataPages).toBe(2 * R)
  })
  it('the buddy gets about R pages fewer than a hand-off of every present page: ⌊(F₀ − 3R)/3⌋', () => {
    const F0 = r.report.totals.presentPages - r.report.totals.nomapPages
    const R = value('kmsan.future-range-pages')
    const free = k.usablePages * 3 + k.lostPages
    // F = F₀ − (R ∩ memory) − 2R; the low reservations lie partly outside memory
    expect(F0 - 3 * R).toBeLessThanOrEqual(free)
    expect(free).toBeLessThanOrEqual(F0 - 3 * R + 256 * 3)
    expect(k.usablePages).toBe(Math.floor(free / 3))
    expect(Math.floor(F0 / 3) - k.usablePages).toBeGreaterThan(80000)
  })
  it('the struct page growth counts whole sections (+16 bytes per page the memmap covers)', () => {
    expect(value('kmsan.struct-page-extra-bytes')).toBe(mm.placement.plan.presentSections * 32768 * 16)
  })
})
