// One firmware map (the x86 laptop example), every historical form of the hole message:
// zero_resv_unavail() / init_unavailable_range() / memmap_init() in mm/page_alloc.c and mm/mm_init.c.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../scenario/parse.ts'
import { bootlogLines } from './bootlog.ts'
import { runModel } from './model.ts'

const laptop = readFileSync(join(import.meta.dirname, '../../../resources/examples/x86-laptop.yaml'), 'utf8')

function linesFor(kernel: string, kinds = ['holes']): string[] {
  const p = parseScenario(laptop.replace(/^kernel: .*$/m, `kernel: "${kernel}"`))
  if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
  return bootlogLines(runModel(p.scenario))
    .filter((l) => kinds.includes(l.kind))
    .map((l) => l.text)
}

describe('x86 laptop, 16 GiB (resources/examples/x86-laptop.yaml)', () => {
  it('6.x: one line per hole, attributed to the zone above the hole', () => {
    expect(linesFor('6.1')).toEqual([
      'On node 0, zone DMA: 1 pages in unavailable ranges',
      'On node 0, zone DMA: 97 pages in unavailable ranges',
      'On node 0, zone DMA32: 768 pages in unavailable ranges',
      'On node 0, zone DMA32: 13 pages in unavailable ranges',
      'On node 0, zone DMA32: 16513 pages in unavailable ranges',
      'On node 0, zone Normal: 8192 pages in unavailable ranges',
      'On node 0, zone Normal: 7424 pages in unavailable ranges'
    ])
  })
  it('prints the zone and node block of the laptop', () => {
    expect(linesFor('6.1', ['zone-ranges', 'initmem', 'memory'])).toEqual([
      'Zone ranges:',
      '  DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
      '  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]',
      '  Normal   [mem 0x0000000100000000-0x000000042e2fffff]',
      '  Device   empty',
      'Initmem setup node 0 [mem 0x0000000000001000-0x000000042e2fffff]',
      'Memory: ?K/16383040K available'
    ])
  })
  it('5.11–5.13: per zone, the DMA tail counted to the section end', () => {
    expect(linesFor('5.12.9')).toEqual(['  DMA zone: 28770 pages in unavailable ranges', '  DMA32 zone: 25486 pages in unavailable ranges', '  Normal zone: 7424 pages in unavailable ranges'])
  })
  it('5.4.y and 5.6+: one total including the section-rounded tail', () => {
    expect(linesFor('5.4.59')).toEqual(['Zeroed struct page in unavailable ranges: 33008 pages'])
    expect(linesFor('5.10')).toEqual(['Zeroed struct page in unavailable ranges: 33008 pages'])
  })
  it('original 4.20–5.4.18: the tail stops at max_pfn', () => {
    expect(linesFor('5.4.18')).toEqual(['Zeroed struct page in unavailable ranges: 25584 pages'])
  })
  it('4.15–4.17: reserved-but-not-memory only', () => {
    expect(linesFor('4.15')).toEqual(['Reserved but unavailable: 98 pages'])
  })
  it('4.18/4.19.0: every e820 gap is reserved, so every hole counts', () => {
    expect(linesFor('4.19')).toEqual(['Reserved but unavailable: 33008 pages'])
  })
  it('≤5.13 prints the per-zone memmap estimates (calc_memmap_size)', () => {
    expect(linesFor('5.12.9', ['memmap'])).toEqual(['  DMA zone: 64 pages used for memmap', '  DMA32 zone: 11826 pages used for memmap', '  Normal zone: 52108 pages used for memmap'])
  })
})

describe('memmap_init() tail: up to the section end with SPARSEMEM only', () => {
  // riscv64 DT memory ending 1 MiB short of a 128 MiB section (inside a pageblock) (SECTION_SIZE_BITS 27):
  // [0x80000000, 0xbff00000) leaves 256 pages to the section end at 0xc0000000, in ZONE_DMA32
  // (riscv zone_sizes_init(): all of it lies below dma32_phys_limit, 4 GiB)
  const scenario = (memoryModel: string) =>
    `name: t\nkernel: "6.6"\narch: riscv64\nconfig: { memoryModel: ${memoryModel} }\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x80000000, end: 0xbff00000, type: memory }\n`
  const holes = (memoryModel: string) => {
    const p = parseScenario(scenario(memoryModel))
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
    return bootlogLines(runModel(p.scenario))
      .filter((l) => l.kind === 'holes')
      .map((l) => l.text)
  }
  it('SPARSEMEM: the 256 pages to the section end are initialised and counted', () => {
    expect(holes('sparsemem')).toEqual(['On node 0, zone DMA32: 256 pages in unavailable ranges'])
  })
  it('FLATMEM: no tail (the round_up() is under #ifdef CONFIG_SPARSEMEM)', () => {
    expect(holes('flatmem')).toEqual([])
  })
})
