// Zone limits per architecture and version (each arch's zone_sizes_init() / paging_init()) and ZONE_MOVABLE.
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../scenario/scenario.ts'
import { bootlogLines } from './bootlog.ts'
import { runModel } from './model.ts'

const G = 2 ** 30
function zones(s: Partial<Scenario> & Pick<Scenario, 'kernel' | 'arch' | 'firmware'>): string[] {
  return bootlogLines(runModel({ hugetlb: [], ...s } as Scenario))
    .filter((l) => l.kind === 'zone-ranges' || l.kind === 'movable')
    .map((l) => l.text)
    .slice(1)
}
const dt = (ranges: [number, number][], dmaLimit?: number): Scenario['firmware'] => ({
  kind: 'dt',
  map: ranges.map(([start, end]) => ({ start, end, type: 'memory' as const })),
  ...(dmaLimit !== undefined ? { dmaLimit } : {})
})

describe('arm64 zone_sizes_init() across versions', () => {
  const qemu = dt([[1 * G, 5 * G]])
  it('≤5.4: only ZONE_DMA32, the 4 GiB window holding the start of DRAM', () => {
    expect(zones({ kernel: '5.4', arch: 'arm64', firmware: qemu })[0]).toBe('  DMA32    [mem 0x0000000040000000-0x00000000ffffffff]')
  })
  it('5.5–5.10.21: ZONE_DMA is the 1 GiB window holding the start of DRAM', () => {
    expect(zones({ kernel: '5.10.4', arch: 'arm64', firmware: qemu }).slice(0, 2)).toEqual([
      '  DMA      [mem 0x0000000040000000-0x000000007fffffff]',
      '  DMA32    [mem 0x0000000080000000-0x00000000ffffffff]'
    ])
  })
  it('5.11+: without dma-ranges ZONE_DMA reaches 4 GiB and DMA32 is empty (spec: RAM 1–5 GiB on QEMU)', () => {
    for (const kernel of ['5.15', '6.1', '6.12', '6.14']) {
      expect(zones({ kernel, arch: 'arm64', firmware: qemu }).slice(0, 3), kernel).toEqual([
        '  DMA      [mem 0x0000000040000000-0x00000000ffffffff]',
        '  DMA32    empty',
        '  Normal   [mem 0x0000000100000000-0x000000013fffffff]'
      ])
    }
  })
  it('5.11–6.11 round a dma-ranges limit to a power of two (fls64); 6.12+ use the address', () => {
    const pi = dt([[0, 8 * G]], 0x4fffffff)
    expect(zones({ kernel: '6.1', arch: 'arm64', firmware: pi })[0]).toBe('  DMA      [mem 0x0000000000000000-0x000000007fffffff]')
    expect(zones({ kernel: '6.13', arch: 'arm64', firmware: pi })[0]).toBe('  DMA      [mem 0x0000000000000000-0x000000004fffffff]')
  })
  it('DRAM above 4 GiB: 6.12+ leave DMA32 empty and DMA covers everything', () => {
    const high = dt([[8 * G, 16 * G]])
    expect(zones({ kernel: '6.13', arch: 'arm64', firmware: high }).slice(0, 3)).toEqual(['  DMA      [mem 0x0000000200000000-0x00000003ffffffff]', '  DMA32    empty', '  Normal   empty'])
  })
})

describe('ZONE_MOVABLE (find_zone_movable_pfns_for_nodes)', () => {
  const e820: Scenario['firmware'] = {
    kind: 'e820',
    map: [
      { start: 0, last: 0x9efff, type: 'usable' },
      { start: 0x100000, end: 3 * G, type: 'usable' },
      { start: 4 * G, end: 7 * G, type: 'usable' }
    ]
  }
  const numa = {
    nodes: [
      { id: 0, ranges: [{ start: 0, end: 4 * G }] },
      { id: 1, ranges: [{ start: 4 * G, end: 7 * G }] }
    ]
  }
  it('movablecore= leaves kernelcore spread evenly; the start is MAX_ORDER aligned', () => {
    // the line a 6.1 kernel printed for movablecore=2G on QEMU with nodes of 3 GiB and 3 GiB
    // (tests/fixtures/kernel-boots/x86_64-movable-*.log record such boots)
    expect(zones({ kernel: '6.1', arch: 'x86_64', firmware: e820, numa, cmdline: 'movablecore=2G' }).filter((l) => l.includes('Node'))).toEqual(['  Node 1: 0x0000000140000000'])
  })
  it('no request, no ZONE_MOVABLE', () => {
    expect(zones({ kernel: '6.1', arch: 'x86_64', firmware: e820, numa }).filter((l) => l.includes('Node'))).toEqual([])
  })
  it('movable_node takes the hot-pluggable ranges', () => {
    const hp = { nodes: [numa.nodes[0], { id: 1, ranges: [{ start: 4 * G, end: 7 * G, hotplug: true }] }] }
    expect(zones({ kernel: '6.1', arch: 'x86_64', firmware: e820, numa: hp, cmdline: 'movable_node' }).filter((l) => l.includes('Node'))).toEqual(['  Node 1: 0x0000000100000000'])
  })
})

describe("which zones Debian's arm64 kernels build", () => {
  const qemu = dt([[1 * G, 3 * G]])
  it('6.1 (bookworm): no ZONE_DEVICE; 6.12 (trixie) on: `Device   empty` closes the zone list, as the oracle boots print it', () => {
    expect(zones({ kernel: '6.1.176', arch: 'arm64', firmware: qemu })).not.toContain('  Device   empty')
    expect(zones({ kernel: '6.12.117', arch: 'arm64', firmware: qemu })).toContain('  Device   empty')
  })
  it('a scenario that says otherwise wins', () => {
    expect(zones({ kernel: '6.12', arch: 'arm64', firmware: qemu, config: { zoneDevice: false } })).not.toContain('  Device   empty')
  })
})
