// One layout under two kernels and two struct page sizes: every total and check, with deltas.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from './index.ts'
import { changeText, compareReports, numberText, numberTitle } from './compare.ts'

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
  it('numbers for people: binary units, separators, an order of −1 as none', () => {
    const c = compareReports(analyze(laptop), analyze(laptop + 'memmap:\n  structPage: { kmsan: true }\n'))
    // 126 present sections (0–23 below 3 GiB, 32–133 above 4 GiB) × 32,768 struct pages × 64 or 80 bytes
    const memmap = c.totals.find((t) => t.id === 'memmap-bytes')!
    expect([numberText(memmap, 'a'), numberText(memmap, 'b'), changeText(memmap)]).toEqual(['252 MiB', '315 MiB', '+63 MiB'])
    const present = c.totals.find((t) => t.id === 'present-pages')!
    expect([numberText(present, 'a'), changeText(present)]).toEqual(['4,095,760 pages', '0'])
    // a KASLR vmemmap base is 1 GiB aligned: 2^k × 64 divides 2^30 up to k = 24; 2^30 is no multiple of 80
    const order = c.figures.find((f) => f.id === 'folio.max-aligned-order')!
    expect(order.unit).toBe('order')
    expect([numberText(order, 'a'), numberText(order, 'b')]).toEqual(['24', 'none'])
    // a table cell: a rounded size without its bytes (they are on hover); 4,095 freed vmemmap pages of 4 KiB per 1 GiB page
    const freed = c.figures.find((f) => f.id === 'hvo.page.1G.freed-bytes')!
    expect([freed.a, freed.b]).toEqual([4095 * 4096, 0])
    expect(numberText(freed, 'a')).toBe('15.996 MiB (16,773,120 bytes)')
    expect([numberText(freed, 'a', { exact: false }), numberText(freed, 'b', { exact: false }), changeText(freed, { exact: false })]).toEqual(['15.996 MiB', '0 bytes', '−15.996 MiB'])
    expect(numberTitle(freed, 'a')).toMatch(/^[^\n]*\(A\): 16,773,120 bytes = 15\.996 MiB\n/)
    // on hover: what "none" means, the exact bytes, the formula and the kernel function
    expect(numberTitle(order, 'b')).toMatch(/^[^\n]*\(B\): none: the order is −1, no order qualifies \(not even order 0\)\n.*80/)
    expect(numberTitle(order, 'b')).toContain(order.ref!)
    expect(numberTitle(memmap, 'a')).toBe(
      'memmap (struct page arrays) (A): 264,241,152 bytes = 252 MiB\npresent sections × PAGES_PER_SECTION × sizeof(struct page): sparse_init_nid() → __populate_section_memmap() mm/sparse.c'
    )
    expect(numberTitle(present, 'a')).toMatch(/^present pages \(A\): 4,095,760 pages\n.*calculate_node_totalpages\(\)/)
    // a figure only one side has: absent, said so
    const fake = { id: 'hvo.page.2M.fake-heads', label: 'fake head struct pages per 2M page', a: 7, b: null, delta: null, unit: 'count' as const }
    expect(numberTitle(fake, 'b')).toBe("fake head struct pages per 2M page (B): — absent: B's kernel or configuration has no such figure")
    expect(numberText(fake, 'b')).toBe('—')
  })
})
