import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { freeBlocksOfRange, kmsanBootMetadata } from './kmsan.ts'

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

describe('KMSAN boot metadata (spec §8)', () => {
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
  it('§9 item 20: a buddy count equal to all free pages is not a KMSAN boot', () => {
    const r = kmsanBootMetadata({ version: v('6.6'), arch: 'x86_64', nodes: [{ nid: 0, presentPages: 3072, freePages: 3072 }], observedBuddyPages: 3072 })
    const c = r.checks.find((x) => x.id === 'kmsan.boot-accounting')!
    expect(c).toMatchObject({ pass: false, spec: 20, values: { usable: 1024, observed: 3072 } })
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
