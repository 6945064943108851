// parseZoneinfo() on /proc/zoneinfo as Debian's 6.1 printed it (a capture of
// tests/fixtures/captures), and on broken input.
import { expect, it } from 'vitest'
import { parseZoneinfo } from './zoneinfo.ts'

// Node 0's DMA zone from a recorded 6.1.176 x86_64 boot (per-node stats and counters cut)
const DMA = `Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 18
      nr_kernel_stack 644
  pages free     3776
        boost    0
        min      142
        low      177
        high     212
        spanned  4095
        present  3998
        managed  3840
        cma      0
        protection: (0, 759, 759, 1044, 1044)
      nr_free_pages 3776
  pagesets
    cpu: 0
              count: 0
              high:  0
              batch: 1
  vm stats threshold: 4
  node_unreclaimable:  0
  start_pfn:           1
Node 0, zone   Normal
  pages free     0
        boost    0
        min      0
        low      0
        high     0
        spanned  0
        present  0
        managed  0
        cma      0
        protection: (0, 0, 0, 0, 0)
`

it('reads each zone, start_pfn only where the kernel prints it (populated zones)', () => {
  expect(parseZoneinfo(DMA)).toEqual([
    { node: 0, zone: 'DMA', startPfn: 1, spanned: 4095, present: 3998, managed: 3840 },
    { node: 0, zone: 'Normal', startPfn: null, spanned: 0, present: 0, managed: 0 }
  ])
})

it('says where a broken file breaks', () => {
  expect(() => parseZoneinfo(DMA.replace('present  3998', 'present  39x8'), 'zi')).toThrow('zi:11:18: error: `present` wants a page count, got "39x8"')
  expect(() => parseZoneinfo(DMA.replace('        managed  3840\n', ''), 'zi')).toThrow('zi:1:1: error: node 0 zone DMA has no `managed` line')
  expect(() => parseZoneinfo('Node 0 zone DMA\n', 'zi')).toThrow('zi:1:1: error: cannot read zone header')
  expect(() => parseZoneinfo('        spanned  5\n', 'zi')).toThrow('zi:1:1: error: `spanned` before any')
  expect(() => parseZoneinfo('MemTotal: 1 kB\n', 'zi')).toThrow('zi:1:1: error: no `Node N, zone Z` header')
})
