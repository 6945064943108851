import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hyperscale } from '../../../bench/hyperscale.ts'
import { analyzeSource, buildAnalysis } from '../engine/index.ts'
import { runModel } from '../engine/model.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { exampleReports, hyperscaleReport } from '../../../tests/view-reports.ts'
import { mapModel, MIN_WIDTH, renderMap } from './map.ts'
import { layoutProblems } from './text-boxes.ts'
import { checkWellFormed } from './xml.ts'

const root = join(import.meta.dirname, '../../..')
function example(name: string): AnalysisReport {
  const r = analyzeSource(readFileSync(join(root, 'resources/examples', name), 'utf8'), name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}
const GiB = 2 ** 30

describe('map view model', () => {
  const laptop = example('x86-laptop.yaml')
  const arm = example('arm64-uefi-server.yaml')

  it('x86 laptop: 6 memblock memory regions, one node, 4 zones with an empty Device', () => {
    const m = mapModel(laptop)
    expect(m.counts.memoryRegions).toBe(6)
    const mem = m.lanes.find((l) => l.id === 'memory')!
    // regions closer than a pixel merge into one mark; every region is accounted for
    expect(mem.bars.reduce((a, b) => a + b.count, 0)).toBe(6)
    expect(mem.bars.every((b) => b.style === 'memory')).toBe(true)
    expect(m.zones.map((z) => [z.name, z.empty])).toEqual([
      ['DMA', false],
      ['DMA32', false],
      ['Normal', false],
      ['Device', true]
    ])
    expect(m.lanes.find((l) => l.id === 'zones')!.sublabel).toBe('Device: empty')
    expect(m.lanes.find((l) => l.id === 'nodes')!.bars.map((b) => b.label)).toEqual(['node 0'])
    // in log scale the low regions are wide enough to be drawn one by one
    const log = mapModel(laptop, { scale: 'log' })
    expect(log.lanes.find((l) => l.id === 'memory')!.bars.length).toBeGreaterThanOrEqual(4)
    expect(log.ticks.every((t) => Number.isInteger(Math.log2(t.addr)) || t.x === log.plot.x)).toBe(true)
  })

  it('x86 laptop: the section grid marks exactly the sections that hold hole pages', () => {
    const m = mapModel(laptop)
    const cells = m.sectionCells
    expect(cells.reduce((a, c) => a + c.present, 0)).toBe(126)
    // sections of 128 MiB are wider than 4 px here: one cell per present section
    expect(cells.length).toBe(126)
    const holeCells = cells.filter((c) => c.holePages > 0)
    // pfn 0-1 and 0x9f-0x100 (section 0), 0x9d00-0xa20d (1), 0xb8b7e-0xbcbff and 0xbe000- (23), the tail 0x42e300- (133)
    expect(holeCells.map((c) => c.first)).toEqual([0, 1, 23, 133])
    expect(holeCells.map((c) => c.holePages)).toEqual([98, 781, 16513 + 8192, 7424])
    expect(holeCells.reduce((a, c) => a + c.holePages, 0)).toBe(laptop.totals.holePagesWithStructPage)
    expect(holeCells.every((c) => c.state === 'holes')).toBe(true)
    // the holes lane: parts inside present sections carry the pages, the rest is outlined
    const holes = m.lanes.find((l) => l.id === 'holes')!
    expect(holes.bars.reduce((a, b) => a + (b.pages ?? 0), 0)).toBe(33008)
    expect(holes.bars.some((b) => b.style === 'hole-no-struct-page')).toBe(true)
  })

  it('zoom clips every lane to the address range', () => {
    const m = mapModel(laptop, { zoom: { start: 0, end: 4 * GiB } })
    expect(m.zoomed).toBe(true)
    expect(m.domain).toEqual({ start: 0, end: 4 * GiB })
    expect(m.sectionCells.every((c) => c.end <= 32)).toBe(true)
    for (const l of m.lanes) for (const b of l.bars) expect(b.end).toBeLessThanOrEqual(4 * GiB)
    expect(m.lanes.find((l) => l.id === 'zones')!.bars.map((b) => b.zone)).toEqual(['DMA', 'DMA32'])
    expect(m.subtitle).toMatch(/zoom 0x0–0x100000000/)
  })

  it('arm64 UEFI server: the NOMAP regions are flagged and drawn hatched', () => {
    const m = mapModel(arm)
    expect(m.counts.nomapRegions).toBe(4)
    expect(m.lanes.find((l) => l.id === 'memory')!.sublabel).toBe('8 regions, 4 NOMAP')
    expect(m.zones.find((z) => z.name === 'DMA32')!.empty).toBe(true)
    // zoomed on the UEFI runtime regions, each NOMAP range is its own bar
    const z = mapModel(arm, { zoom: { start: 0x5c000000, end: 0x60000000 } })
    const nomap = z.lanes.find((l) => l.id === 'memory')!.bars.filter((b) => b.style === 'nomap')
    expect(nomap.map((b) => [b.start, b.end])).toEqual([
      [0x5c440000, 0x5c730000],
      [0x5fc00000, 0x5ffe0000]
    ])
    const svg = renderMap(arm)
    expect(svg).toContain('id="mmw-map-nomap"')
    expect(svg).toMatch(/data-kind="region"[^>]*data-style="nomap"/)
    expect(svg).toMatch(/<g data-kind="region" data-start="0x4000000" data-end="0x8000000"[^>]*><title>memblock\.memory \[mem 0x0000000004000000-0x0000000007ffffff\] 64 MiB, node 0, flags NOMAP/)
    // the range legend is said once, beside the address axis
    expect(svg.match(/ranges \[first-last\], both ends inclusive/g)).toHaveLength(1)
    expect(checkWellFormed(svg)).toBeNull()
  })

  it('the axis caption lies clear of every tick label (each example, linear and log, zoomed, 440 to 1400 px)', () => {
    type Box = { x: number; y: number; w: number; h: number }
    const meets = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    const names = ['x86-laptop.yaml', 'arm64-uefi-server.yaml', 'x86-4node-server.yaml', 'arm64-dt-board.yaml', 's390x-guest.yaml', 'loongarch64-uefi.yaml']
    let checked = 0
    for (const name of names) {
      const r = example(name)
      for (const opts of [{ width: 440 }, { width: 640 }, { width: 900 }, { width: 1400 }, { width: 440, scale: 'log' as const }, { width: 900, zoom: { start: 0, end: 4 * GiB } }]) {
        const m = mapModel(r, opts)
        const what = `${name} ${JSON.stringify(opts)}`
        // linear: the first tick sits at the plot's left edge, right under where a caption beside the axis would be
        expect(m.axisLabels.length, what).toBeGreaterThanOrEqual(2)
        if (!('scale' in opts)) expect(m.axisLabels[0].tick.x, what).toBe(m.plot.x)
        for (const l of m.axisLabels) expect(meets(m.caption.box, l.box), `${what}: caption over ${l.tick.label}`).toBe(false)
        for (let i = 1; i < m.axisLabels.length; i++) expect(meets(m.axisLabels[i - 1].box, m.axisLabels[i].box), `${what}: ${m.axisLabels[i].tick.label}`).toBe(false)
        // and it stays inside the drawing, above the legend's swatches (their tops are 9 px over its baseline)
        expect(m.caption.box.x + m.caption.box.w, what).toBeLessThanOrEqual(m.width)
        expect(m.caption.box.y + m.caption.box.h, what).toBeLessThanOrEqual(m.legendY - 9)
        checked++
      }
    }
    expect(checked).toBe(36)
    // the drawing puts the caption and the labels where the model says
    const m = mapModel(laptop)
    const svg = renderMap(laptop)
    expect(svg).toContain(`<text x="${m.caption.x}" y="${m.caption.y}" font-size="11"`)
    expect(svg.match(/data-kind="tick"/g)).toHaveLength(m.axisLabels.length)
  })

  it('every total under the map has its formula and the kernel function on hover', () => {
    const m = mapModel(laptop)
    const fn = Object.fromEntries(m.totals.map((t) => [t.label, t.title]))
    // 4,095,760 present pages, 4,383,487 spanned (pfn 1 to 0x42e2ff)
    // the same figures as the totals cards: 15.62 GiB, never rounded to 15.6
    expect(m.totals.slice(0, 3).map((t) => t.value)).toEqual(['15.62 GiB', '16.72 GiB', '0 bytes'])
    expect(fn['present memory']).toMatch(/= 4,095,760 pages × 4 KiB = 15\.62 GiB \(16,776,232,960 bytes\)\ncalculate_node_totalpages\(\)/)
    expect(fn['spanned by nodes']).toMatch(/= 4,383,487 pages = 16\.72 GiB \(17,954,762,752 bytes\)\ncalculate_node_totalpages\(\)/)
    expect(fn['NOMAP']).toContain('memblock_mark_nomap()')
    expect(fn['holes with struct page']).toContain('init_unavailable_range()')
    expect(fn['present sections']).toContain('memblocks_present()')
    expect(fn['memmap']).toMatch(/126 sections × 32,768 × sizeof\(struct page\) 64\n.*__populate_section_memmap\(\)/)
    expect(fn['kernel "Memory:" total']).toContain('mem_init_print_info()')
    expect(fn['max_pfn']).toContain('e820__end_of_ram_pfn()')
    for (const t of m.totals) expect(t.title, t.label).toMatch(/\w+\(\)/)
  })

  it('a hyperscale machine (500k+ sections) draws at most a few hundred cells and marks', () => {
    const r = buildAnalysis(runModel(hyperscale(128, 16, 4096)))
    expect(r.sections.presentSections).toBeGreaterThan(500_000)
    const m = mapModel(r)
    expect(m.sectionCells.length).toBeLessThanOrEqual(300)
    expect(m.sectionCells.reduce((a, c) => a + c.present, 0)).toBe(r.sections.presentSections)
    for (const l of m.lanes) expect(l.bars.length, l.id).toBeLessThanOrEqual(400)
    const svg = renderMap(r)
    expect((svg.match(/<rect/g) ?? []).length).toBeLessThan(1500)
    expect(svg.length).toBeLessThan(1_000_000)
    expect(checkWellFormed(svg)).toBeNull()
  })

  it('re-flows for a narrow pane: no text overlaps another or runs past the edges, at 540 px and the minimum', () => {
    const cases: [string, AnalysisReport][] = [...exampleReports(), ['hyperscale', hyperscaleReport()]]
    for (const [name, r] of cases)
      for (const width of [MIN_WIDTH, 540, 720, 900, 1200])
        for (const opts of [{}, { scale: 'log' as const }, { zoom: { start: 0, end: 4 * GiB } }]) {
          const svg = renderMap(r, { width, ...opts })
          const what = `${name} at ${width} ${JSON.stringify(opts)}`
          expect(svg, what).toMatch(new RegExp(`<svg [^>]*width="${width}"`))
          expect(layoutProblems(svg), what).toEqual([])
        }
    // narrow: the legend on three rows (the zones on their own), the totals two to a row; wide: one row, four
    const narrow = mapModel(laptop, { width: 540 })
    expect(narrow.legend.rows).toBe(3)
    expect(narrow.legend.zones).toMatchObject({ anchor: 'start', text: 'zones: DMA · DMA32 · Normal · Device (empty)' })
    expect(narrow.totalsPerLine).toBe(2)
    const wide = mapModel(laptop, { width: 1200 })
    expect(wide.legend.rows).toBe(1)
    expect(wide.totalsPerLine).toBe(4)
    expect(MIN_WIDTH).toBeLessThanOrEqual(540)
  })
})
