// NOMAP and hole policies side by side on the example layouts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../scenario/parse.ts'
import { runModel } from '../model.ts'
import { policyTable } from './policies.ts'

function model(example: string, kernel?: string) {
  let text = readFileSync(join(import.meta.dirname, '../../../../resources/examples', example), 'utf8')
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
  it('which keeps DMA32 non-contiguous while DMA and Normal are contiguous (spec §4.3)', () => {
    const c = (z: string) => t.contiguity.find((x) => x.zone === z)!.contiguous['generic-5.14']
    expect([c('DMA'), c('DMA32'), c('Normal')]).toEqual([true, false, true])
  })
})
