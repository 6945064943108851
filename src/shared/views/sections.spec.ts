import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { exampleReports, hyperscaleReport } from '../../../tests/view-reports.ts'
import { MIN_WIDTH, renderSections, sectionsModel } from './sections.ts'
import { layoutProblems } from './text-boxes.ts'
import { checkWellFormed } from './xml.ts'

const root = join(import.meta.dirname, '../../..')
function report(name: string, extra = ''): AnalysisReport {
  const text = readFileSync(join(root, 'resources/examples', name), 'utf8') + extra
  const r = analyzeSource(text, name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}
const GiB = 2 ** 30

describe('sections view model', () => {
  const laptop = report('x86-laptop.yaml')

  it('shows a window of present sections with their memmap placement', () => {
    const m = sectionsModel(laptop)
    expect(m.window).toEqual({ start: 0, count: 16, total: 126 })
    expect(m.unitName).toBe('PMD')
    expect(m.unitBytes).toBe(2 * 1024 * 1024)
    const r0 = m.rows[0]
    const p0 = laptop.memmap!.placement.rows[0]
    expect([r0.section, r0.nid, r0.memmapVirt, r0.memmapPhys, r0.memmapBytes]).toEqual([p0.section, p0.nid, p0.memmapVirt, p0.phys, 2 * 1024 * 1024])
    expect(r0.cells.phys).toBe('0x0–0x7ffffff')
    // 64-byte struct pages: each section's memmap is exactly one PMD, none shared
    expect(m.rows.every((r) => r.units === 1 && !r.sharesWithPrevious)).toBe(true)
    expect(m.diagram.sections).toHaveLength(16)
    expect(m.diagram.units.filter((u) => u.shared)).toHaveLength(0)
  })

  it('any window: rows beyond the report’s cached ones are computed from the plan', () => {
    const cached = sectionsModel(laptop, { window: { start: 10, count: 5 } })
    expect(cached.rows.map((r) => r.memmapVirt)).toEqual(laptop.memmap!.placement.rows.slice(10, 15).map((r) => r.memmapVirt))
    const far = sectionsModel(laptop, { window: { start: 120, count: 10 } })
    expect(far.rows.map((r) => r.index)).toEqual([120, 121, 122, 123, 124, 125])
    // the laptop's present sections: 0–23 below 4 GiB, then 32–133
    expect(far.rows[far.rows.length - 1].section).toBe(133)
    expect(BigInt(far.rows[0].memmapVirt!) - BigInt(laptop.memmap!.placement.base!.pfnToPage0)).toBe(BigInt(far.rows[0].section) * 2n * 1024n * 1024n)
    // a jump in section numbers (23 → 32) breaks the diagram
    const jump = sectionsModel(laptop, { window: { start: 22, count: 4 } })
    expect(jump.rows.map((r) => r.section)).toEqual([22, 23, 32, 33])
    expect(jump.diagram.breaks).toHaveLength(1)
  })

  it('alignment checks with their conditions and the largest aligned folio', () => {
    const m = sectionsModel(laptop)
    // 6.1 x86_64: no MAX_FOLIO_ORDER yet; the largest folio is the 1 GiB gigantic page
    // (PUD_ORDER 18, the MAX_FOLIO_NR_PAGES rule of include/linux/mm.h 6.9), not 16 GiB
    expect(m.folio).toMatchObject({ alignment: '0x40000000', maxOrder: 24, maxBytes: 64 * GiB, maxFolioOrder: 18, maxFolioBytes: 1 * GiB })
    expect(m.folio!.hugePages.map((h) => [h.order, h.aligned])).toEqual([
      [9, true],
      [18, true]
    ])
    const byId = new Map(m.checks.map((c) => [c.id, c]))
    expect(byId.get('folio.memmap-alignment')!.status).toBe('pass')
    expect(byId.get('folio.memmap-alignment')!.condition).toMatch(/MAX_FOLIO_NR_PAGES × S/)
    expect(byId.get('folio.max-folio-supported')).toMatchObject({ status: 'pass', condition: 'MAX_FOLIO_ORDER ≤ log2(A / S)' })
    const svg = renderSections(laptop)
    expect(svg).toMatch(/<g data-kind="check" data-id="folio.max-folio-supported" data-status="pass"/)
    expect(svg).toContain('MAX_FOLIO_ORDER ≤ log2(A / S)')
    expect(checkWellFormed(svg)).toBeNull()
  })

  it('KMSAN (80-byte struct pages): sections share PMDs, no folio order is aligned', () => {
    const k = report('x86-laptop.yaml', 'memmap:\n  structPage: { kmsan: true }\n')
    const m = sectionsModel(k)
    expect(m.rows[0].memmapBytes).toBe(2.5 * 1024 * 1024)
    expect(m.rows.slice(1, 4).every((r) => r.sharesWithPrevious)).toBe(true)
    expect(m.rows[1].units).toBe(2)
    expect(m.diagram.units.filter((u) => u.shared).length).toBeGreaterThan(0)
    expect(m.folio!.maxOrder).toBe(-1)
    expect(m.checks.find((c) => c.id === 'folio.max-folio-supported')!.status).toBe('note')
  })

  it('a report without the memmap analysis still renders', () => {
    const bare = { ...laptop, memmap: null }
    const m = sectionsModel(bare)
    expect(m.available).toBe(false)
    expect(m.rows).toHaveLength(0)
    expect(checkWellFormed(renderSections(bare))).toBeNull()
  })
})

describe('numbers in the check tooltips', () => {
  it('sizes in binary units, orders as orders: no raw byte counts, no "0.0625 MiB"', () => {
    // arm64 with 4K pages registers the 64 KiB CONT_PTE size (16 × 4 KiB) and the 2 MiB PMD
    const svg = renderSections(report('arm64-dt-board.yaml'))
    expect(svg).toContain('64 KiB huge pages have naturally aligned struct pages')
    expect(svg).not.toContain('0.0625 MiB')
    // PAGES_PER_SECTION 32,768 × 64 bytes = 2 MiB = PMD_SIZE
    expect(svg).toMatch(/sectionMemmapBytes = 2 MiB · pmdSize = 2 MiB/)
    expect(svg).toMatch(/hugePageSize = 64 KiB · order = 4 · /)
    expect(svg).not.toMatch(/= \d{5,}\b/)
  })
  it('the section buffer alignment reads in binary units (loongarch64 16K pages: 16,384 × 64 bytes = 1 MiB)', () => {
    const svg = renderSections(report('loongarch64-uefi.yaml'))
    expect(svg).toContain('roundup(cursor, section_map_size() = 1 MiB)')
    expect(svg).not.toContain('= 1048576')
  })
})

describe('sections view: laid out for the pane', () => {
  it('re-flows for a narrow pane: no text overlaps another or runs past the edges, at 540 px and the minimum', () => {
    const cases: [string, AnalysisReport][] = [...exampleReports(), ['hyperscale', hyperscaleReport()]]
    for (const [name, r] of cases)
      for (const width of [MIN_WIDTH, 540, 720, 900, 1200])
        for (const window of [undefined, { start: Math.max(0, r.sections.presentSections - 16), count: 16 }]) {
          const svg = renderSections(r, { width, window })
          const what = `${name} at ${width}${window ? ` from #${window.start}` : ''}`
          expect(svg, what).toMatch(new RegExp(`<svg [^>]*width="${width}"`))
          expect(layoutProblems(svg), what).toEqual([])
        }
    // narrow: the facts in two columns, the table's columns on three lines; wide: one line
    const r = report('arm64-uefi-server.yaml')
    const narrow = sectionsModel(r, { width: 540 })
    expect(narrow.layout).toMatchObject({ factsPerLine: 2, tableLines: 3 })
    expect(narrow.columns.map((c) => c.line)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2])
    for (const c of narrow.columns) expect(c.x + c.width, c.key).toBeLessThanOrEqual(540 - 28)
    expect(sectionsModel(r, { width: 1200 }).layout).toMatchObject({ factsPerLine: 6, tableLines: 1 })
    expect(MIN_WIDTH).toBeLessThanOrEqual(540)
  })
})
