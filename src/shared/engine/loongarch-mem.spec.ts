// loongarch: memblock_init() over the UEFI map, early_parse_mem() (mem=size@start),
// paging_init()'s unclamped ZONE_DMA32, SECTION_SIZE_BITS per page size, the one huge page
// size (HPAGE_SHIFT = 2·PAGE_SHIFT − 3) and what HVO frees. Every number is worked out from
// the kernel source (files and functions cited per case); no loongarch boot was recorded.
import { describe, expect, it } from 'vitest'
import type { FirmwareRange, Scenario } from '../scenario/scenario.ts'
import { bootlogLines } from './bootlog.ts'
import { parseLog } from './dmesg.ts'
import { loongarchMemArgs, loongarchMemblockInit } from './loongarch-mem.ts'
import { runModel } from './model.ts'

const M = 2 ** 20
const G = 2 ** 30
const map: FirmwareRange[] = [
  { start: 0, end: 0xee00000, type: 'conventional', attrs: ['WB'] },
  { start: 0xee00000, end: 0xf000000, type: 'runtime-data', attrs: ['WB', 'RUN'] },
  { start: 0xf000000, end: 0x10000000, type: 'acpi-reclaim', attrs: ['WB'] },
  { start: 0x10000000, end: 0x10100000, type: 'acpi-nvs', attrs: ['WB'] },
  { start: 0x90000000, end: 0x120000000, type: 'conventional', attrs: ['WB'] }
]
const la = (kernel: string, extra: Partial<Scenario> = {}): Scenario => ({ kernel, arch: 'loongarch64', firmware: { kind: 'uefi', map }, ...extra })

describe('memblock_init() (arch/loongarch/kernel/mem.c)', () => {
  it('conventional and ACPI reclaim memory are memory (reclaim also reserved); runtime data is only reserved; ACPI NVS is neither', () => {
    const { memory, reserved } = loongarchMemblockInit(map)
    expect(memory.regions.map((r) => [r.base, r.end])).toEqual([
      [0, 0xee00000],
      [0xf000000, 0x10000000],
      [0x90000000, 0x120000000]
    ])
    expect(reserved.regions.map((r) => [r.base, r.end])).toEqual([[0xee00000, 0x10000000]])
  })
})

describe('early_parse_mem() (arch/loongarch/kernel/setup.c)', () => {
  it('the first mem= removes all memory, each size@start adds its range', () => {
    const { memory } = loongarchMemblockInit(map)
    const r = loongarchMemArgs(memory, ['256M@0', '1G@0x90000000'])
    expect(r.userMem).toBe(true)
    expect(memory.regions.map((x) => [x.base, x.end])).toEqual([
      [0, 256 * M],
      [0x90000000, 0x90000000 + G]
    ])
  })
  it('a size without @start is "Invalid format!", after the removal', () => {
    const { memory } = loongarchMemblockInit(map)
    const r = loongarchMemArgs(memory, ['2G'])
    expect(memory.regions).toEqual([])
    expect(r.warnings[0]).toMatch(/mem=size@start/)
  })
})

describe('the boot lines of a 16K-page loongarch64 machine', () => {
  it('ZONE_DMA32 runs to 4 GiB (MAX_DMA32_PFN, not clamped), Normal above; a 2 MiB runtime hole is 128 16K pages', () => {
    const lines = bootlogLines(runModel(la('6.12')))
      .filter((l) => l.kind !== 'memory' && l.kind !== 'hugetlb-vmemmap')
      .map((l) => l.text)
    expect(lines).toEqual([
      'Zone ranges:',
      '  DMA32    [mem 0x0000000000000000-0x00000000ffffffff]',
      '  Normal   [mem 0x0000000100000000-0x000000011fffffff]',
      'Movable zone start for each node',
      'Early memory node ranges',
      '  node   0: [mem 0x0000000000000000-0x000000000edfffff]',
      '  node   0: [mem 0x000000000f000000-0x000000000fffffff]',
      '  node   0: [mem 0x0000000090000000-0x000000011fffffff]',
      'Initmem setup node 0 [mem 0x0000000000000000-0x000000011fffffff]',
      'On node 0, zone DMA32: 128 pages in unavailable ranges'
    ])
  })
  it('a machine with less than 4 GiB still prints DMA32 to 0xffffffff and Normal empty', () => {
    const small = bootlogLines(runModel({ kernel: '6.12', arch: 'loongarch64', firmware: { kind: 'uefi', map: [{ start: 0, end: 2 * G, type: 'conventional', attrs: ['WB'] }] } }))
      .filter((l) => l.kind === 'zone-ranges')
      .map((l) => l.text)
    expect(small).toEqual(['Zone ranges:', '  DMA32    [mem 0x0000000000000000-0x00000000ffffffff]', '  Normal   empty'])
  })
  it('sections are 256 MiB with 16K pages (SECTION_SIZE_BITS 28) and 512 MiB with 64K pages and HUGETLB (29)', () => {
    expect(runModel(la('6.12')).sectionSizeBits).toBe(28)
    expect(runModel(la('6.12', { pageSize: 64 * 1024 })).sectionSizeBits).toBe(29)
  })
  it('the huge page is the PMD: HPAGE_SHIFT = 2·PAGE_SHIFT − 3 → 2 MiB (4K), 32 MiB (16K), 512 MiB (64K)', () => {
    expect(runModel(la('6.12', { pageSize: 4096 })).hugePageSizes).toEqual([2 * M])
    expect(runModel(la('6.12')).hugePageSizes).toEqual([32 * M])
    expect(runModel(la('6.12', { pageSize: 64 * 1024 })).hugePageSizes).toEqual([512 * M])
  })
  it('HVO (from 6.2): a 32 MiB page has 2048 × 64 B = 128 KiB of struct pages, 8 16K pages, 7 freed = 112 KiB; nothing in 6.1', () => {
    const hvo = (kernel: string, pageSize?: number): string[] =>
      bootlogLines(runModel(la(kernel, pageSize ? { pageSize } : {})))
        .filter((l) => l.kind === 'hugetlb-vmemmap')
        .map((l) => l.text)
    expect(hvo('6.12')).toEqual(['HugeTLB: 112 KiB vmemmap can be freed for a 32.0 MiB page'])
    expect(hvo('6.12', 4096)).toEqual(['HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page'])
    expect(hvo('6.12', 65536)).toEqual(['HugeTLB: 448 KiB vmemmap can be freed for a 512 MiB page'])
    expect(hvo('6.1')).toEqual(['HugeTLB: 0 KiB vmemmap can be freed for a 32.0 MiB page'])
  })
})

describe("a loongarch64 log (lines in the kernel's printk formats)", () => {
  const log = [
    '[    0.000000] Linux version 6.12.9 (builder@host) (loongarch64-linux-gnu-gcc (GCC) 14.2.0, GNU ld (GNU Binutils) 2.43) #1 SMP PREEMPT_DYNAMIC',
    '[    0.000000] efi:   0x000000000000-0x00000edfffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]',
    '[    0.000000] efi:   0x00000ee00000-0x00000effffff [Runtime Data|RUN|  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]',
    '[    0.000000] efi:   0x000090000000-0x00011fffffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]',
    '[    0.000000] Dentry cache hash table entries: 262144 (order: 7, 2097152 bytes, linear)'
  ].join('\n')
  it('the version line names the architecture; the page size comes from the hash table (2097152 >> 7 = 16K); the UEFI map is the memory', () => {
    const p = parseLog(log)
    expect(p.scenario.arch).toBe('loongarch64')
    expect(p.scenario.pageSize).toBe(16384)
    expect(p.scenario.firmware.kind).toBe('uefi')
    expect(p.scenario.firmware.map).toHaveLength(3)
  })
  it('s390x: the Debian version line names s390', () => {
    const p = parseLog(
      '[    1.756571] Linux version 6.1.0-50-s390x (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Debian 6.1.176-1 (2026-07-02)\nEarly memory node ranges\n  node   0: [mem 0x0000000000000000-0x000000003fffffff]\n'
    )
    expect(p.scenario.arch).toBe('s390')
    expect(p.scenario.kernel).toBe('6.1.176')
    expect(p.scenario.firmware).toEqual({ kind: 'dt', map: [{ start: 0, end: 0x40000000, type: 'memory' }] })
  })
})
