// Property tests: totals add up across nodes/zones/sections; struct page size scales
// the memmap exactly; a machine with 2^40 pages is analysed without per-page work.
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../../scenario/scenario.ts'
import { runModel } from '../model.ts'
import { memmapTotals, sectionOwners } from './totals.ts'
import { mulberry32 as rng } from '../../../../tests/prng.ts'

/** A random x86 or arm64 layout: 1–6 RAM ranges with holes, 1–4 nodes. */
function randomScenario(seed: number): Scenario {
  const r = rng(seed)
  const arm = r() < 0.5
  const ranges: { start: number; end: number }[] = []
  let at = arm ? 0x40000000 : 0x100000
  const n = 1 + Math.floor(r() * 6)
  for (let i = 0; i < n; i++) {
    const size = (1 + Math.floor(r() * 4096)) * 0x100000
    ranges.push({ start: at, end: at + size })
    at += size + Math.floor(r() * 2048) * 0x100000 + (r() < 0.3 ? 0x1000 * Math.floor(r() * 500) : 0)
  }
  const end = ranges[ranges.length - 1].end
  const nodes = 1 + Math.floor(r() * 4)
  const cut = (k: number) => Math.floor((ranges[0].start + ((end - ranges[0].start) * k) / nodes) / 0x100000) * 0x100000
  return {
    kernel: r() < 0.5 ? '6.12' : '5.10.100',
    arch: arm ? 'arm64' : 'x86_64',
    firmware: arm
      ? { kind: 'dt', map: ranges.map((x) => ({ ...x, type: 'memory' as const })) }
      : { kind: 'e820', map: [{ start: 0, end: 0x9f000, type: 'usable' as const }, ...ranges.map((x) => ({ ...x, type: 'usable' as const }))] },
    numa: { nodes: Array.from({ length: nodes }, (_, k) => ({ id: k, ranges: [{ start: k === 0 ? 0 : cut(k), end: k === nodes - 1 ? end : cut(k + 1) }] })) },
    hugetlb: []
  }
}

describe('memmap totals (properties over 60 random layouts)', () => {
  for (let seed = 1; seed <= 60; seed++) {
    it(`layout ${seed}: nodes add up to the total, zones never exceed it, S scales it exactly`, () => {
      const m = runModel(randomScenario(seed))
      const t = memmapTotals(m)
      expect(t.nodes.reduce((a, n) => a + n.memmapBytes, 0)).toBe(t.memmapBytes)
      expect(t.memmapBytes).toBe(t.presentSections * m.pagesPerSection * 64)
      expect(t.zones.reduce((a, z) => a + z.memmapBytes, 0)).toBeLessThanOrEqual(t.memmapBytes)
      expect(sectionOwners(m).reduce((a, o) => a + o.end - o.start, 0)).toBe(m.sections.reduce((a, s) => a + s.end - s.start, 0))
      const t80 = memmapTotals(m, 80)
      expect(t80.memmapBytes * 64).toBe(t.memmapBytes * 80)
      t80.zones.forEach((z, i) => expect(z.memmapBytes * 64).toBe(t.zones[i].memmapBytes * 80))
    })
  }
})

describe('no per-page work', () => {
  it('analyses 4 PiB (2^40 pages) over 64 nodes', () => {
    const P = 2 ** 50
    const m = runModel({
      kernel: '6.12',
      arch: 'x86_64',
      paging: '5-level',
      firmware: {
        kind: 'e820',
        map: [
          { start: 0, end: 0x9f000, type: 'usable' },
          { start: 0x100000, end: 4 * P, type: 'usable' }
        ]
      },
      numa: { nodes: Array.from({ length: 64 }, (_, k) => ({ id: k, ranges: [{ start: (k * 4 * P) / 64, end: ((k + 1) * 4 * P) / 64 }] })) },
      hugetlb: []
    })
    const t = memmapTotals(m)
    expect(t.presentSections).toBe((4 * P) / 2 ** 27)
    expect(t.memmapBytes).toBe((4 * P) / 64)
  })
})
