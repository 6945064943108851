import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { costsModel, MIN_WIDTH, renderCosts } from './costs.ts'
import { exampleReports, hyperscaleReport } from '../../../tests/view-reports.ts'
import { layoutProblems } from './text-boxes.ts'
import { checkWellFormed } from './xml.ts'

const root = join(import.meta.dirname, '../../..')
function report(name: string, extra = ''): AnalysisReport {
  const r = analyzeSource(readFileSync(join(root, 'resources/examples', name), 'utf8') + extra, name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}
const MiB = 2 ** 20

describe('costs view model', () => {
  it('memmap for every struct page size: present sections × pages per section × S', () => {
    const m = costsModel(report('x86-laptop.yaml'))
    expect(m.bars.map((b) => b.label)).toEqual(['56 B', '64 B', '72 B', '80 B', '88 B', '96 B', 'KMSAN 80 B', 'memdesc 32 B', 'memdesc 8 B'])
    for (const b of m.bars) expect(b.bytes).toBe(126 * 32768 * b.structPageSize)
    expect(m.bars.filter((b) => b.current).map((b) => b.label)).toEqual(['64 B'])
    expect(m.bars.find((b) => b.label === '64 B')!.bytes).toBe(252 * MiB)
    expect(m.bars.filter((b) => !b.pow2).map((b) => b.structPageSize)).toEqual([56, 72, 80, 88, 96, 80])
  })

  it('HVO per huge page size and per pool', () => {
    const laptop = costsModel(report('x86-laptop.yaml'))
    expect(laptop.hvo.rows.map((r) => [r.label, r.freedBytes, r.vmemmapBytes])).toEqual([
      ['2 MiB page', 28 * 1024, 32 * 1024],
      ['1 GiB page', 16380 * 1024, 16 * MiB]
    ])
    expect(laptop.hvo.pools).toEqual([])
    const server = costsModel(report('x86-4node-server.yaml'))
    expect(server.hvo.pools).toEqual([{ hugePageSize: 2 ** 30, pages: 64, freedBytes: 64 * 16773120 }])
    expect(server.pmem).toEqual([expect.objectContaining({ name: 'namespace0.0', ok: true, pageMapSize: 268435454 * 64, reservedBytes: 17181966336 })])
  })

  it('KMSAN: struct page + 16 is the current bar, metadata per node, HVO impossible', () => {
    const m = costsModel(report('x86-laptop.yaml', 'memmap:\n  structPage: { kmsan: true }\n'))
    expect(m.structPageSize).toBe(80)
    expect(m.bars.filter((b) => b.current).map((b) => [b.kind, b.structPageSize])).toEqual([['kmsan', 80]])
    expect(m.kmsan!.rows).toHaveLength(1)
    expect(m.kmsan!.metadataPages).toBe(2 * m.kmsan!.usablePages)
    expect(m.hvo.rows.every((r) => !r.optimized && /not a power of two/.test(r.reason))).toBe(true)
    expect(checkWellFormed(renderCosts(report('x86-laptop.yaml', 'memmap:\n  structPage: { kmsan: true }\n')))).toBeNull()
  })

  it("KMSAN: the reserved ranges' metadata, the deferred pages (6.1 allows DEFERRED_STRUCT_PAGE_INIT) and the triples per order", () => {
    const r = report('x86-laptop.yaml', 'memmap:\n  structPage: { kmsan: true }\n')
    const m = costsModel(r)
    expect(m.kmsan!.futureMetadataPages).toBe(2 * m.kmsan!.futureRangePages)
    expect(m.kmsan!.futureRangePages).toBeGreaterThan(80000)
    // the laptop's Normal zone ends the node: on 6.1 its pages past first_deferred_pfn skip the hand-off
    expect(m.kmsan!.deferredPages).toBeGreaterThan(0)
    expect(m.kmsan!.triples[0].order).toBe(10)
    const svg = renderCosts(r)
    expect(svg).toContain('data-kind="kmsan-reserved"')
    expect(svg).toContain('data-kind="kmsan-triples"')
    expect(r.memmap!.checks.find((c) => c.id === 'kmsan.deferred-init')).toMatchObject({ status: 'fail' })
  })

  it('renders bars with hover details and states what is absent', () => {
    const svg = renderCosts(report('arm64-uefi-server.yaml'), { theme: 'dark' })
    expect(checkWellFormed(svg)).toBeNull()
    expect(svg).toMatch(/<g data-kind="memmap-bar" data-struct-page-size="64" data-bytes="69206016" data-current="true" data-variant="size"><title>sizeof\(struct page\) = 64 B/)
    expect(svg).toContain('data-kind="kmsan-off"')
    expect(svg).toContain('No PMEM namespaces in this scenario')
  })

  it('re-flows for a narrow pane: no text overlaps another or runs past the edges, at 540 px and the minimum', () => {
    const kmsan = report('x86-laptop.yaml', 'memmap:\n  structPage: { kmsan: true }\n')
    const cases: [string, AnalysisReport][] = [...exampleReports(), ['x86-laptop.yaml with KMSAN', kmsan], ['hyperscale', hyperscaleReport()]]
    for (const [name, r] of cases)
      for (const width of [MIN_WIDTH, 540, 720, 900, 1200]) {
        const svg = renderCosts(r, { width })
        expect(svg, `${name} at ${width}`).toMatch(new RegExp(`<svg [^>]*width="${width}"`))
        expect(layoutProblems(svg), `${name} at ${width}`).toEqual([])
      }
    // narrow: the bars are rows and the panels stack; wide: as exported
    const r = report('x86-4node-server.yaml')
    expect(costsModel(r, { width: 540 }).layout).toMatchObject({ barsAcross: false, besideRow2: false, legendBeside: false })
    expect(costsModel(r, { width: 1200 }).layout).toMatchObject({ barsAcross: true, besideRow2: true, legendBeside: true })
    expect(MIN_WIDTH).toBeLessThanOrEqual(540)
  })
})
