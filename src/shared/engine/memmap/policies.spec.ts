// NOMAP and hole policies side by side on the example layouts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../scenario/parse.ts'
import { runModel } from '../model.ts'
import { freeUnusedMemmapWindows, policyTable } from './policies.ts'

function model(example: string, kernel?: string, extra = '') {
  let text = readFileSync(join(import.meta.dirname, '../../../../resources/examples', example), 'utf8') + extra
  if (kernel) text = text.replace(/^kernel: .*$/m, `kernel: "${kernel}"`)
  const p = parseScenario(text)
  if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
  return runModel(p.scenario)
}

describe('arm64 UEFI server: NOMAP runtime regions', () => {
  const t = policyTable(model('arm64-uefi-server.yaml'))
  const nomap = t.rows.filter((r) => r.row.kind === 'nomap')
  it('lists every NOMAP range as a row', () => {
    expect(nomap.map((r) => r.row.start.toString(16))).toEqual(['4000', '5c440', '5fc00', '13c000'])
  })
  it('≤4.19 pfn_valid() rejects NOMAP and memmap_init_zone() skips it; 5.14+ initialises it PageReserved', () => {
    const rt = nomap[1].cells
    expect(rt['arm64-4.19'].pfnValid).toBe('none')
    expect(rt['arm64-4.19'].structPage).toMatch(/not initialised/)
    expect(rt['arm64-5.4-5.13'].pageReserved).toBe(false)
    expect(rt['generic-5.14'].pfnValid).toBe('all')
    expect(rt['generic-5.14'].pageReserved).toBe(true)
    expect(rt['generic-5.14'].linearMap).toBe(false)
  })
  it('runtime regions share MAX_ORDER blocks and pageblocks with usable RAM', () => {
    // [0x5c440, 0x5c730) lies inside one 4 MiB MAX_ORDER block, across two 2 MiB pageblocks
    expect(nomap[1].cells['generic-5.14'].partialMaxOrderBlocks).toBe(1)
    expect(nomap[1].cells['generic-5.14'].partialPageblocks).toBe(2)
  })
  it('ZONE_DMA is contiguous only when NOMAP pfns are valid', () => {
    const dma = t.contiguity.find((c) => c.zone === 'DMA')!
    expect(dma.contiguous['arm64-4.19']).toBe(false)
    expect(dma.why['arm64-4.19']).toMatch(/fails pfn_valid/)
  })
  it('the running 6.6 kernel has no walker at risk', () => {
    expect(t.checks.find((c) => c.id === 'nomap.walkers')!.pass).toBe(true)
  })
})

describe('x86 laptop: holes', () => {
  const t = policyTable(model('x86-laptop.yaml'))
  it('the PCI hole tail is linked to ZONE_NORMAL although it lies in DMA32 (memmap_init attribution)', () => {
    const pci = t.rows.find((r) => r.row.start === 0xbe000)!
    expect(pci.row.zone).toBe('DMA32')
    expect(pci.row.linkedZone).toBe('Normal')
    expect(pci.cells['generic-5.14'].structPage).toMatch(/zone Normal.*lie in DMA32/)
    expect(pci.cells['generic-5.14'].memmapBytes).toBe(8192 * 64)
  })
  it('which keeps DMA32 non-contiguous while DMA and Normal are contiguous (set_zone_contiguous() mm/mm_init.c)', () => {
    const c = (z: string) => t.contiguity.find((x) => x.zone === z)!.contiguous['generic-5.14']
    expect([c('DMA'), c('DMA32'), c('Normal')]).toEqual([true, false, true])
  })
})

describe('arm64 HOLES_IN_ZONE before the seed patch (6d526ee26ccd, in v4.11: NUMA only; f52bb98f5ade, in v4.20: always)', () => {
  const noNuma = 'config: { numa: false }\n'
  it('a non-NUMA 4.14 kernel: NOMAP ranges that share a pageblock with RAM are reached by walkers uninitialised', () => {
    const t = policyTable(model('arm64-uefi-server.yaml', '4.14', noNuma))
    expect(t.policies.find((p) => p.id === 'arm64-4.19')!.holesInZone).toBe(false)
    const rt = t.rows.find((r) => r.row.start === 0x5c440)!.cells['arm64-4.19']
    expect(rt.walkers).toMatch(/^RISK: the range shares a pageblock/)
    expect(t.checks.find((c) => c.id === 'nomap.walkers')).toMatchObject({ pass: false, values: { policy: 'arm64-4.19' } })
  })
  it('with NUMA the same 4.14 layout is guarded (pfn_valid_within() per pfn)', () => {
    const t = policyTable(model('arm64-uefi-server.yaml', '4.14'))
    expect(t.rows.find((r) => r.row.start === 0x5c440)!.cells['arm64-4.19'].walkers).toMatch(/^safe at a cost/)
    expect(t.checks.find((c) => c.id === 'nomap.walkers')!.pass).toBe(true)
  })
  it('before 4.11 no arm64 kernel selected HOLES_IN_ZONE', () => {
    expect(policyTable(model('arm64-uefi-server.yaml', '4.10')).policies.find((p) => p.id === 'arm64-4.19')!.holesInZone).toBe(false)
  })
})

describe('arm64 5.14–5.15.35: pfn_valid() = memblock_is_memory() (a7d9f306ba70 until 3de360c3fdb3 / 5.15.36)', () => {
  it('runs on 5.15.10: NOMAP pages valid and PageReserved, holes invalid', () => {
    const t = policyTable(model('arm64-uefi-server.yaml', '5.15.10'))
    expect(t.checks.find((c) => c.id === 'nomap.walkers')!.values.policy).toBe('arm64-5.14-5.15')
    const nomap = t.rows.find((r) => r.row.start === 0x5c440)!.cells['arm64-5.14-5.15']
    expect(nomap).toMatchObject({ pfnValid: 'all', pageReserved: true })
    expect(t.rows.find((r) => r.row.kind === 'hole')!.cells['arm64-5.14-5.15'].pfnValid).toBe('none')
  })
  it('5.15.36 takes the generic pfn_valid()', () => {
    expect(policyTable(model('arm64-uefi-server.yaml', '5.15.36')).checks.find((c) => c.id === 'nomap.walkers')!.values.policy).toBe('generic-5.14')
  })
})

describe('free_unused_memmap() (mm/memblock.c; arch/arm/mm/init.c before 4f5b0c178996)', () => {
  it('frees the memmap between banks, the next start rounded down and the previous end up to the block', () => {
    // banks [0x80000, 0x8f000) and [0x90100, 0x9f000), FLATMEM, 1024-pfn blocks:
    // prev_end = ALIGN(0x8f000, 1024) = 0x8f000, start = round_down(0x90100, 1024) = 0x90000
    const banks = [
      { start: 0x80000, end: 0x8f000 },
      { start: 0x90100, end: 0x9f000 }
    ]
    expect(freeUnusedMemmapWindows(banks, { block: 1024, sparsemem: false, pagesPerSection: 0, roundStart: true })).toEqual([{ start: 0x8f000, end: 0x90000 }])
    // SPARSEMEM: start = min(start, ALIGN(prev_end, PAGES_PER_SECTION)) = min(0x90100, 0x90000),
    // prev_end = ALIGN(0x8f080, 1024) = 0x8f400; the last section's tail is freed too
    const sparse = [
      { start: 0x80000, end: 0x8f080 },
      { start: 0x90100, end: 0x9f000 }
    ]
    expect(freeUnusedMemmapWindows(sparse, { block: 1024, sparsemem: true, pagesPerSection: 0x10000, roundStart: false })).toEqual([
      { start: 0x8f400, end: 0x90000 },
      { start: 0x9f000, end: 0xa0000 }
    ])
    expect(freeUnusedMemmapWindows(sparse, { block: 512, sparsemem: true, pagesPerSection: 0x10000, roundStart: true })[0]).toEqual({ start: 0x8f200, end: 0x90000 })
  })
  it('32-bit arm (HAVE_ARCH_PFN_VALID, no vmemmap): the hole keeps only the memmap of its partial blocks', () => {
    const p = parseScenario(
      'name: a\nkernel: "6.1"\narch: arm\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x80000000, end: 0x8f000000, type: memory }\n    - { start: 0x90100000, end: 0x9f000000, type: memory }\n'
    )
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
    const t = policyTable(runModel(p.scenario))
    // 4096 pfns freed × 32 bytes = 128 KiB; the hole [0x8f000, 0x90100) keeps 256 × 32 bytes
    expect(t.freeUnusedMemmap).toMatchObject({ runs: true, freedBytes: { 'max-order': 131072, pageblock: 131072 } })
    const hole = t.rows.find((r) => r.row.start === 0x8f000)!
    expect(hole.cells['generic-5.14'].memmapBytes).toBe(256 * 32)
    expect(policyTable(model('arm64-uefi-server.yaml')).freeUnusedMemmap.runs).toBe(false)
  })
})

describe('the running policy alone (what `batch` and `check` read)', () => {
  it('gives the check and that policy’s summary the whole table gives, on every example, kernel and NUMA setting', () => {
    const examples = ['arm64-uefi-server.yaml', 'arm64-dt-board.yaml', 'x86-laptop.yaml', 'x86-4node-server.yaml', 'loongarch64-uefi.yaml', 's390x-guest.yaml']
    let failing = 0
    for (const ex of examples)
      for (const kernel of ['4.14', '4.19', '5.4', '5.13', '5.15.10', '5.15.36', '6.1', '6.12', '7.3'])
        for (const extra of ['', 'config: { numa: false }\n']) {
          const m = model(ex, kernel, extra)
          const whole = policyTable(m)
          const alone = policyTable(m, { start: 0, count: 0 }, { contiguity: false, runningOnly: true })
          expect(alone.checks, `${ex} ${kernel} ${extra}`).toEqual(whole.checks)
          const running = String(whole.checks[0].values.policy)
          expect(alone.policies.map((p) => p.id)).toEqual([running])
          expect(alone.summary).toEqual({ [running]: whole.summary[running as keyof typeof whole.summary] })
          if (!whole.checks[0].pass) failing++
        }
    // the comparison covers a failing check too (arm64 ≤ 4.19 without NUMA)
    expect(failing).toBeGreaterThan(0)
  })
})
