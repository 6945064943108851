import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { exampleReports, hyperscaleReport } from '../../../tests/view-reports.ts'
import { MIN_WIDTH, nomapModel, renderNomap, walkerRisk } from './nomap.ts'
import { layoutProblems, midWordBreaks, textBoxes } from './text-boxes.ts'
import { checkWellFormed } from './xml.ts'

const root = join(import.meta.dirname, '../../..')
function example(name: string): AnalysisReport {
  const r = analyzeSource(readFileSync(join(root, 'resources/examples', name), 'utf8'), name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}

describe('NOMAP & holes view model', () => {
  const arm = example('arm64-uefi-server.yaml')

  it('policies as columns, holes and NOMAP ranges as rows', () => {
    const m = nomapModel(arm)
    expect(m.columns.map((c) => c.id)).toEqual(['arm64-4.19', 'arm64-5.4-5.13', 'arm64-5.14-5.15', 'pageblock-reserve', 'generic-5.14'])
    // kernel 6.6: the generic policy is the one that runs
    expect(m.columns.filter((c) => c.running).map((c) => c.id)).toEqual(['generic-5.14'])
    expect(m.rows.map((r) => r.kind)).toEqual(['hole', 'nomap', 'hole', 'nomap', 'nomap', 'nomap'])
    expect(m.window).toMatchObject({ start: 0, count: 6, total: 6 })
  })

  it('the UEFI runtime range 0x5c440000–0x5c72ffff under each policy', () => {
    const m = nomapModel(arm)
    const row = m.rows.find((r) => r.kind === 'nomap' && r.start === 0x5c440)!
    expect(row.label[0]).toBe('pfn [0x5c440-0x5c72f]')
    const cell = Object.fromEntries(row.cells.map((c) => [c.policy, c]))
    expect(cell['arm64-4.19']).toMatchObject({ pfnValid: 'none', pageReserved: false, risk: 'costly' })
    expect(cell['arm64-4.19'].structPage).toMatch(/not initialised/)
    expect(cell['arm64-5.4-5.13']).toMatchObject({ pfnValid: 'none', structPage: 'zone DMA, node 0', pageReserved: false })
    expect(cell['generic-5.14']).toMatchObject({ pfnValid: 'all', structPage: 'zone DMA, node 0', pageReserved: true, linearMap: false, risk: 'safe', partialPageblocks: 2, partialMaxOrderBlocks: 1 })
    // every cell shows the seven facts, labelled
    expect(cell['generic-5.14'].lines.map((l) => l.key)).toEqual(['pfn_valid()', 'struct page', 'PageReserved', 'linear map', 'partial blocks', 'walkers', 'memmap'])
  })

  it('summary per policy and zone contiguity', () => {
    const m = nomapModel(arm)
    // 5.14–5.15.35: memblock_is_memory() is true for the 18,160 NOMAP pages, false for holes
    expect(m.summary.find((s) => s.label === 'pfn_valid() pages')!.values).toEqual(['0', '0', '18,160', '18,160', '34,544'])
    expect(m.summary.find((s) => s.label === 'ranges at risk')!.values).toEqual(['0', '0', '0', '0', '0'])
    const normal = m.contiguity.find((z) => z.zone === 'Normal')!
    expect(normal.cells.map((c) => c.contiguous)).toEqual([false, false, true, true, true])
    expect(normal.cells[0].why).toMatch(/pfn 0x13c000/)
  })

  it('a window of rows', () => {
    const m = nomapModel(arm, { window: { start: 2, count: 2 } })
    expect(m.rows.map((r) => r.index)).toEqual([2, 3])
    expect(m.subtitle).toMatch(/rows 2–3 shown/)
  })

  it('walker texts map to a risk level', () => {
    expect(walkerRisk('RISK: walkers see uninitialised struct pages')).toBe('risk')
    expect(walkerRisk('safe at a cost: move_freepages_block()')).toBe('costly')
    expect(walkerRisk('safe: no pfn is valid')).toBe('safe')
    expect(walkerRisk('__pageblock_pfn_to_page() fails for blocks linked to another zone')).toBe('not-contiguous')
  })

  it('renders cells with hover details', () => {
    const svg = renderNomap(arm)
    expect(checkWellFormed(svg)).toBeNull()
    expect(svg).toMatch(
      /<g data-kind="policy-cell" data-policy="generic-5.14" data-start="0x5c440" data-pfn-valid="all" data-reserved="true" data-risk="safe"><title>NOMAP pfn \[0x5c440-0x5c72f\] under/
    )
    expect(svg).toMatch(/<title>NOMAP range pfn \[0x5c440-0x5c72f\] \[mem 0x000000005c440000-0x000000005c72ffff\]/)
    expect(svg.match(/ranges \[first-last\], both ends inclusive/g)).toHaveLength(1)
    const laptop = example('x86-laptop.yaml')
    expect(nomapModel(laptop).rows.every((r) => r.kind === 'hole')).toBe(true)
    expect(checkWellFormed(renderNomap(laptop, { theme: 'dark' }))).toBeNull()
  })

  it('32-bit arm: the memmap free_unused_memmap() frees, per policy rounding', () => {
    const r = analyzeSource(
      'name: a\nkernel: "6.1"\narch: arm\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x80000000, end: 0x8f000000, type: memory }\n    - { start: 0x90100000, end: 0x9f000000, type: memory }\n',
      'a.yaml'
    )
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
    const m = nomapModel(r.report)
    // [0x8f000, 0x90000): 4096 pfns × 32 bytes
    expect(m.summary.find((s) => s.label === 'memmap freed (free_unused_memmap)')!.values).toEqual(Array(5).fill('128 KiB'))
  })

  it('re-flows for a narrow pane: no text overlaps another or runs past the edges, at 540 px and the minimum', () => {
    const cases: [string, AnalysisReport][] = [...exampleReports(), ['hyperscale', hyperscaleReport()]]
    for (const [name, r] of cases)
      for (const width of [MIN_WIDTH, 540, 720, 900, 1200]) {
        const svg = renderNomap(r, { width })
        expect(svg, `${name} at ${width}`).toMatch(new RegExp(`<svg [^>]*width="${width}"`))
        expect(layoutProblems(svg), `${name} at ${width}`).toEqual([])
      }
    // narrow: the policies in a grid of two under each range, each cell naming its policy
    const narrow = nomapModel(arm, { width: 540 })
    expect(narrow.layout).toMatchObject({ wide: false, per: 2 })
    expect(narrow.columns.map((c) => c.line)).toEqual([0, 0, 1, 1, 2])
    expect(narrow.rows.every((r) => r.headH > 0 && r.lineY.length === 3)).toBe(true)
    const svg = renderNomap(arm, { width: 540 })
    expect(svg).toMatch(/data-kind="policy-cell" data-policy="generic-5.14"[^>]*><title>[^<]*<\/title>[\s\S]*?>generic-5\.14<\/text>/)
    // wide: the policies side by side, as exported
    expect(nomapModel(arm, { width: 1200 }).layout).toMatchObject({ wide: true, per: 5 })
    expect(MIN_WIDTH).toBeLessThanOrEqual(540)
  })

  it('names every policy in full: no title, version, cell or reason cut with "…", no word broken mid-identifier', () => {
    const cases: [string, AnalysisReport][] = [...exampleReports(), ['hyperscale', hyperscaleReport()]]
    // 480 and 600 are the layouts of the default pane at 1280×800 and 1600×1000
    for (const [name, r] of cases)
      for (let width = MIN_WIDTH; width <= 1200; width += 24) {
        const at = `${name} at ${width}`
        const m = nomapModel(r, { width })
        for (const c of m.columns) {
          // every character of the title and versions is drawn (a token may go on on the next line)
          const bare = (x: string): string => x.replace(/\s+/g, '')
          expect(bare(c.titleLines.join('')), at).toBe(bare(c.title))
          expect(bare(c.versionLines.join('')), at).toBe(bare(c.versions))
          expect(midWordBreaks(c.title, c.titleLines), at).toEqual([])
          expect(midWordBreaks(c.versions, c.versionLines), at).toEqual([])
        }
        for (const row of m.rows) for (const cell of row.cells) for (const l of cell.lines) expect(midWordBreaks(`${l.key} ${l.value}`, l.lines), `${at}: ${l.key}`).toEqual([])
        for (const z of m.contiguity) for (const c of z.cells) expect(midWordBreaks(c.why, c.lines), at).toEqual([])
        const svg = renderNomap(r, { width })
        expect(layoutProblems(svg), at).toEqual([])
        const cut = textBoxes(svg).filter((b) => b.text.includes('…'))
        expect(
          cut.map((b) => b.text),
          at
        ).toEqual([])
      }
  })
})
