// Memory blocks at the end of boot, worked out from drivers/base/memory.c and
// drivers/base/node.c; the oracle (tests/oracle-state.spec.ts) holds them to the real
// kernels' sysfs on top of this.
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../scenario/scenario.ts'
import { memoryBlocks, memoryBlockSize } from './memory-block.ts'
import { runModel } from './model.ts'

const M = 2 ** 20
const G = 2 ** 30

/** QEMU pc with 4 GiB: RAM below 3 GiB (minus the BIOS areas) and 4–5 GiB. */
const qemu4g: Scenario = {
  kernel: '7.2',
  arch: 'x86_64',
  firmware: {
    kind: 'e820',
    map: [
      { start: 0, last: 0x9fbff, type: 'usable' },
      { start: 0x9fc00, last: 0x9ffff, type: 'reserved' },
      { start: 0xf0000, last: 0xfffff, type: 'reserved' },
      { start: 1 * M, last: 0xbffdffff, type: 'usable' },
      { start: 4 * G, end: 5 * G, type: 'usable' }
    ]
  },
  hugetlb: []
}

/** Expand runs to one entry per block (small layouts only). */
function blocks(s: Scenario): Map<number, string> {
  const out = new Map<number, string>()
  for (const r of memoryBlocks(runModel(s)).runs) for (let id = r.first; id <= r.last; id++) out.set(id, `${r.validZones} [${r.nodes}]`)
  return out
}

describe('memory_block_size_bytes()', () => {
  it('x86_64 below 64 GiB of boot memory: MIN_MEMORY_BLOCK_SIZE, the 128 MiB section (probe_memory_block_size())', () => {
    expect(memoryBlockSize(runModel(qemu4g)).bytes).toBe(128 * M)
  })
  const big = (endGiB: number, hypervisor?: boolean): Scenario => ({
    ...qemu4g,
    firmware: { kind: 'e820', map: [{ start: 1 * M, end: endGiB * G, type: 'usable' }] },
    ...(hypervisor === undefined ? {} : { config: { hypervisor } })
  })
  it('x86_64 at 64 GiB or more: 2 GiB on bare metal (MAX_BLOCK_SIZE)', () => {
    expect(memoryBlockSize(runModel(big(65, false))).bytes).toBe(2 * G)
  })
  it('x86_64 at 64 GiB or more under a hypervisor: the largest size from 2 GiB down that divides the end of memory', () => {
    // 65 GiB is no multiple of 2 GiB, it is of 1 GiB; 96 GiB is of 2 GiB
    expect(memoryBlockSize(runModel(big(65, true))).bytes).toBe(1 * G)
    expect(memoryBlockSize(runModel(big(96, true))).bytes).toBe(2 * G)
    // 64 GiB + 128 MiB: only the section size divides it
    expect(memoryBlockSize(runModel({ ...big(64, true), firmware: { kind: 'e820', map: [{ start: 1 * M, end: 64 * G + 128 * M, type: 'usable' }] } })).bytes).toBe(128 * M)
  })
  it('x86_64 at 64 GiB or more with no word on the hypervisor: unknown, and says both answers', () => {
    const s = memoryBlockSize(runModel(big(65)))
    expect(s.bytes).toBeNull()
    expect(s.note).toMatch(/2048 MiB on bare metal, 1024 MiB under a hypervisor/)
  })
  it('arm64: the section size (no arch override): 128 MiB with 4K pages, 512 MiB with 64K pages', () => {
    const arm = (pageSize: number): Scenario => ({ kernel: '6.12', arch: 'arm64', pageSize, firmware: { kind: 'dt', map: [{ start: 1 * G, end: 3 * G, type: 'memory' }] }, hugetlb: [] })
    expect(memoryBlockSize(runModel(arm(4096))).bytes).toBe(128 * M)
    expect(memoryBlockSize(runModel(arm(65536))).bytes).toBe(512 * M)
  })
})

describe('memory_dev_init() and valid_zones', () => {
  it('a block exists for each section a memory range touches; none in the PCI hole (3–4 GiB)', () => {
    const b = blocks(qemu4g)
    expect([...b.keys()]).toEqual([...Array.from({ length: 24 }, (_, i) => i), ...Array.from({ length: 8 }, (_, i) => 32 + i)])
  })
  it('block 0 spans ZONE_DMA (pfn 1–4095) and ZONE_DMA32: "none"; the others name their one zone', () => {
    const b = blocks(qemu4g)
    expect(b.get(0)).toBe('none [0]')
    expect(b.get(1)).toBe('DMA32 [0]')
    expect(b.get(23)).toBe('DMA32 [0]')
    expect(b.get(32)).toBe('Normal [0]')
  })
  it('a block holding memory of two nodes is "none" (memory_block_add_nid(): a second node clears mem->zone)', () => {
    const s: Scenario = {
      ...qemu4g,
      numa: {
        nodes: [
          { id: 0, ranges: [{ start: 0, end: 1 * G + 64 * M }] },
          { id: 1, ranges: [{ start: 1 * G + 64 * M, end: 5 * G }] }
        ]
      }
    }
    const b = blocks(s)
    expect(b.get(7)).toBe('DMA32 [0]')
    expect(b.get(8)).toBe('none [0,1]')
    expect(b.get(9)).toBe('DMA32 [1]')
  })
  it('before 6.17 a hole inside a present section links the block to the first online node (early_pfn_to_nid()); from 6.17 only memblock regions count', () => {
    // node 0 spans 0–2 GiB around node 1's 1 GiB–1 GiB+192 MiB; node 1's range ends in
    // the middle of section 9 (1 GiB+128 MiB … 1 GiB+256 MiB), whose tail is a hole
    const layout = (kernel: string): Scenario => ({
      ...qemu4g,
      kernel,
      firmware: {
        kind: 'e820',
        map: [
          { start: 1 * M, end: 1 * G + 192 * M, type: 'usable' },
          { start: 1.5 * G, end: 2 * G, type: 'usable' }
        ]
      },
      numa: {
        nodes: [
          {
            id: 0,
            ranges: [
              { start: 0, end: 1 * G },
              { start: 1.5 * G, end: 2 * G }
            ]
          },
          { id: 1, ranges: [{ start: 1 * G, end: 1.5 * G }] }
        ]
      }
    })
    expect(blocks(layout('6.12')).get(9)).toBe('none [0,1]')
    expect(blocks(layout('7.2')).get(9)).toBe('DMA32 [1]')
    // section 8 is wholly node 1's memory: the same in both
    expect(blocks(layout('6.12')).get(8)).toBe('DMA32 [1]')
  })
  it('keeps runs, not one entry per block: a 64 TiB machine in a handful of runs', () => {
    const s: Scenario = { ...qemu4g, paging: '5-level', config: { hypervisor: false }, firmware: { kind: 'e820', map: [{ start: 1 * M, end: 64 * 2 ** 40, type: 'usable' }] } }
    const r = memoryBlocks(runModel(s))
    expect(r.size.bytes).toBe(2 * G)
    expect(r.count).toBe(32768)
    expect(r.runs.length).toBeLessThan(5)
  })
})
