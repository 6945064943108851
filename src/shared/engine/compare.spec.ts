// One layout under two kernels and two struct page sizes: every total and check, with deltas.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from './index.ts'
import { compareReports } from './compare.ts'

const laptop = readFileSync(join(import.meta.dirname, '../../../resources/examples/x86-laptop.yaml'), 'utf8')
function analyze(text: string) {
  const r = analyzeSource(text, 'scenario.yaml')
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}

describe('compareReports()', () => {
  it('5.4 against 6.1: the same totals, different boot-log hole lines', () => {
    const c = compareReports(analyze(laptop.replace('kernel: "6.1"', 'kernel: "5.4.59"')), analyze(laptop))
    expect(c.totals.find((t) => t.id === 'present-pages')).toMatchObject({ a: 4095760, b: 4095760, delta: 0 })
    expect(c.bootlog.onlyA).toContain('Zeroed struct page in unavailable ranges: 33008 pages')
    expect(c.bootlog.onlyB).toContain('On node 0, zone Normal: 7424 pages in unavailable ranges')
  })
  it('KMSAN (80-byte struct page): memmap +25 %, HVO checks flip to failing', () => {
    const c = compareReports(analyze(laptop), analyze(laptop + 'memmap:\n  structPage: { kmsan: true }\n'))
    const memmap = c.totals.find((t) => t.id === 'memmap-bytes')!
    expect(memmap.delta).toBe(memmap.a! / 4)
    expect(c.totals.find((t) => t.id === 'struct-page')).toMatchObject({ a: 64, b: 80 })
    expect(c.checks.find((x) => x.id === 'hvo.eligibility.2M')).toMatchObject({ a: true, b: false })
    expect(c.figures.find((f) => f.id === 'hvo.page.2M.freed-bytes')).toMatchObject({ a: 28672, b: 0, delta: -28672 })
  })
})
