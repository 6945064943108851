// A generated hyperscale layout: x86-64 with 5-level paging, `tib` TiB of RAM over
// `nodes` NUMA nodes, `ranges` firmware entries: usable runs separated by holes and
// reserved regions of varied sizes and alignments (deterministic PRNG).
import type { Scenario } from '../src/shared/scenario/scenario.ts'
import { mulberry32 } from '../tests/prng.ts'

export function hyperscale(tib: number, nodes: number, ranges: number, seed = 1): Scenario {
  const rnd = mulberry32(seed)
  const total = tib * 2 ** 40
  const perNode = total / nodes
  const map: Scenario['firmware']['map'] = [
    { start: 0, last: 0x9efff, type: 'usable' },
    { start: 0x9f000, last: 0xfffff, type: 'reserved' }
  ]
  const step = Math.floor((total - 2 ** 32) / (ranges - 2) / 4096) * 4096
  let at = 2 ** 20
  for (let i = 2; i < ranges; i++) {
    const kind = rnd()
    const len = step - (at % 4096)
    if (i % 2 === 0) map.push({ start: at, size: len, type: 'usable' })
    else if (kind < 0.5) map.push({ start: at, size: Math.max(4096, Math.floor((len * rnd()) / 4096) * 4096), type: 'reserved' })
    else if (kind < 0.7) map.push({ start: at, size: Math.max(4096, Math.floor(len / 7)), type: 'acpi-nvs' })
    // otherwise: a hole (nothing listed)
    at += len + (i % 5 === 0 ? Math.floor(rnd() * 64) * 4096 + 0x800 : 0)
    if (at >= 0xc0000000 && at < 2 ** 32) at = 2 ** 32
  }
  return {
    name: `hyperscale ${tib} TiB / ${nodes} nodes / ${ranges} ranges`,
    kernel: '6.12',
    arch: 'x86_64',
    paging: '5-level',
    firmware: { kind: 'e820', map },
    numa: { nodes: Array.from({ length: nodes }, (_, n) => ({ id: n, ranges: [{ start: n * perNode, end: (n + 1) * perNode }] })) },
    hugetlb: [{ size: 2 ** 21 }, { size: 2 ** 30 }]
  }
}
