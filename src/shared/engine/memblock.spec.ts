import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../tests/prng.ts'
import { MEMBLOCK_HOTPLUG, MEMBLOCK_NOMAP, MemblockType, memPfnRanges } from './memblock.ts'

describe('memblock (mm/memblock.c)', () => {
  it('merges adjacent regions with equal nid and flags only', () => {
    const m = new MemblockType('memory')
    m.add(0x1000, 0x1000)
    m.add(0x2000, 0x1000)
    m.add(0x5000, 0x1000)
    expect(m.regions.map((r) => [r.base, r.end])).toEqual([
      [0x1000, 0x3000],
      [0x5000, 0x6000]
    ])
    m.setNode(0x2000, 0x1000, 1)
    expect(m.regions.length).toBe(3)
  })
  it('keeps overlapped parts of existing regions (memblock_add_range)', () => {
    const m = new MemblockType('memory')
    m.add(0x4000, 0x2000, 3)
    m.add(0x3000, 0x5000, 5)
    expect(m.regions.map((r) => [r.base, r.end, r.nid])).toEqual([
      [0x3000, 0x4000, 5],
      [0x4000, 0x6000, 3],
      [0x6000, 0x8000, 5]
    ])
  })
  it('a NOMAP island splits a range and survives in for_each_mem_pfn_range', () => {
    const m = new MemblockType('memory')
    m.add(0, 0x100000)
    m.setFlag(0x40000, 0x10000, MEMBLOCK_NOMAP, true)
    const r = memPfnRanges(m, 12)
    expect(r.map((x) => [x.start, x.end, x.flags])).toEqual([
      [0, 0x40, 0],
      [0x40, 0x50, MEMBLOCK_NOMAP],
      [0x50, 0x100, 0]
    ])
  })
  it('skips sub-page regions and rounds partial pages inward', () => {
    const m = new MemblockType('memory')
    m.add(0x100, 0x800)
    m.add(0x40429400, 0x1000000)
    expect(memPfnRanges(m, 12).map((r) => [r.start, r.end])).toEqual([[0x4042a, 0x41429]])
  })
  it('remove() cuts real holes', () => {
    const m = new MemblockType('memory')
    m.add(0, 0x10000)
    m.remove(0x4000, 0x2000)
    expect(m.regions.map((r) => [r.base, r.end])).toEqual([
      [0, 0x4000],
      [0x6000, 0x10000]
    ])
  })
  it('setNodes() equals one memblock_set_node() per block', () => {
    const a = new MemblockType('memory')
    for (let i = 0; i < 50; i++) a.add(i * 0x5000, 0x3000 + (i % 3) * 0x1000)
    const b = a.clone()
    const blocks = [
      { start: 0x1800, end: 0x40000, nid: 1 },
      { start: 0x40000, end: 0x9a000, nid: 2 },
      { start: 0xb0000, end: 0x200000, nid: 3 }
    ]
    a.setNodes(blocks)
    for (const x of blocks) b.setNode(x.start, x.end - x.start, x.nid)
    expect(a.regions).toEqual(b.regions)
  })
  it('addRanges(), setFlagRanges(), removeRanges() equal one kernel call per range, in any order', () => {
    const rnd = mulberry32(7)
    const ranges = (n: number): { base: number; size: number }[] => Array.from({ length: n }, () => ({ base: Math.floor(rnd() * 256) * 0x1000, size: Math.floor(rnd() * 12) * 0x1000 }))
    for (let round = 0; round < 200; round++) {
      // existing regions with mixed nids and flags, then a batch over them
      const base = new MemblockType('memory')
      for (const r of ranges(8)) base.add(r.base, r.size, Math.floor(rnd() * 3), rnd() < 0.3 ? MEMBLOCK_HOTPLUG : 0)
      const batch = ranges(1 + Math.floor(rnd() * 40))
      const [a, b] = [base.clone(), base.clone()]
      a.addRanges(batch, 5, MEMBLOCK_NOMAP)
      for (const r of batch) b.add(r.base, r.size, 5, MEMBLOCK_NOMAP)
      expect(a.regions).toEqual(b.regions)
      const marks = ranges(1 + Math.floor(rnd() * 20))
      const set = rnd() < 0.7
      a.setFlagRanges(marks, MEMBLOCK_NOMAP, set)
      for (const r of marks) b.setFlag(r.base, r.size, MEMBLOCK_NOMAP, set)
      expect(a.regions).toEqual(b.regions)
      const cuts = ranges(1 + Math.floor(rnd() * 20))
      a.removeRanges(cuts)
      for (const r of cuts) b.remove(r.base, r.size)
      expect(a.regions).toEqual(b.regions)
    }
  })
})
