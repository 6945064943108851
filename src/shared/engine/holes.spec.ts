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

// A 32-bit x86 PC with 512 MiB less 512 KiB (e820 as in the real-dmesg c134 boot, RAM cut at
// 0x1ff7ffff): ranges [1, 0x9f) and [0x100, 0x1ff80) (pfn 0 is made reserved by
// trim_bios_range()), ZONE_DMA [1, 0x1000), ZONE_NORMAL [0x1000, 0x1ff80). Non-PAE
// SPARSEMEM has SECTION_SIZE_BITS 26: 16384 pages per section, so the end of memory is
// 128 pages short of a section. Counted by hand from the kernel's hole passes:
//  - SPARSEMEM, 5.11-5.13 memmap_init_zone(): DMA gets pfn 0 (1), [0x9f, 0x100) (97) and
//    its zone tail [0x1000, 0x4000) (12288); Normal its tail [0x1ff80, 0x20000) (128)
//  - SPARSEMEM, 5.14+ memmap_init(): one line per hole, the section tail to Normal
//  - SPARSEMEM, 5.4.19+ init_unavailable_mem(): 1 + 97 + 128 to round_up(max_pfn, section)
//  - FLATMEM (the i386 default: ARCH_FLATMEM_ENABLE, X86_32 && !NUMA): before 5.15 every
//    hole pass is #if !defined(CONFIG_FLAT_NODE_MEM_MAP), so nothing; from 5.15 ("mm/page_alloc:
//    always initialize memory map for the holes") one line per hole and no tail (the
//    round_up to a section is #ifdef CONFIG_SPARSEMEM)
describe('32-bit x86, 512 MiB: FLATMEM and SPARSEMEM', () => {
  const pc = (kernel: string, memoryModel?: 'flatmem' | 'sparsemem'): string[] => {
    const p = parseScenario(
      [
        'name: i386 PC',
        `kernel: "${kernel}"`,
        'arch: x86',
        ...(memoryModel ? ['config:', `  memoryModel: ${memoryModel}`] : []),
        'firmware:',
        '  kind: e820',
        '  map:',
        '    - { start: 0x0, last: 0x9fbff, type: usable }',
        '    - { start: 0x9fc00, last: 0x9ffff, type: reserved }',
        '    - { start: 0xf0000, last: 0xfffff, type: reserved }',
        '    - { start: 0x100000, last: 0x1ff7ffff, type: usable }',
        '    - { start: 0xffff0000, last: 0xffffffff, type: reserved }'
      ].join('\n')
    )
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
    return bootlogLines(runModel(p.scenario))
      .filter((l) => l.kind === 'holes')
      .map((l) => l.text)
  }
  it('is FLATMEM unless the scenario says otherwise', () => {
    expect(pc('5.13')).toEqual(pc('5.13', 'flatmem'))
    expect(pc('6.4')).toEqual(pc('6.4', 'flatmem'))
  })
  it('FLATMEM before 5.15 prints no hole message', () => {
    for (const k of ['4.19', '5.4.210', '5.10', '5.12', '5.13', '5.14']) expect(pc(k, 'flatmem'), k).toEqual([])
  })
  it('FLATMEM from 5.15: one line per hole, no section tail', () => {
    for (const k of ['5.15', '6.4']) expect(pc(k, 'flatmem'), k).toEqual(['On node 0, zone DMA: 1 pages in unavailable ranges', 'On node 0, zone DMA: 97 pages in unavailable ranges'])
  })
  it('SPARSEMEM: every era counts the holes and the section tail', () => {
    expect(pc('5.4.210', 'sparsemem')).toEqual(['Zeroed struct page in unavailable ranges: 226 pages'])
    expect(pc('5.13', 'sparsemem')).toEqual(['  DMA zone: 12386 pages in unavailable ranges', '  Normal zone: 128 pages in unavailable ranges'])
    expect(pc('6.4', 'sparsemem')).toEqual([
      'On node 0, zone DMA: 1 pages in unavailable ranges',
      'On node 0, zone DMA: 97 pages in unavailable ranges',
      'On node 0, zone Normal: 128 pages in unavailable ranges'
    ])
  })
})
