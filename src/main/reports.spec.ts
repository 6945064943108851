// The Markdown report in one number format: the range legend once, ranges as the kernel
// prints them (inclusive), counts with separators, sizes in binary units; figures worked
// out from the laptop example's e820 map (x86_64, 4K pages, 128 MiB sections).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../shared/engine/index.ts'
import { reportMarkdown } from './reports.ts'

const laptop = readFileSync(join(import.meta.dirname, '../../resources/examples/x86-laptop.yaml'), 'utf8')

function md(text: string): string {
  const r = analyzeSource(text, 'x86-laptop.yaml')
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return reportMarkdown(r.report, { fileName: 'x86-laptop.yaml' })
}

describe('Markdown report numbers', () => {
  const m = md(laptop)
  it('says the range legend once and prints memblock ranges as [mem 0x%016llx-0x%016llx]', () => {
    expect(m.match(/both ends inclusive/g)).toHaveLength(1)
    // e820 entry { start: 0x0100000000, last: 0x042e2fffff, type: usable }: 0x32e300000 = 13,659,799,552 bytes
    expect(m).toContain('| `[mem 0x0000000100000000-0x000000042e2fffff]` | 12.72 GiB (13,659,799,552 bytes) | node 0 | — |')
  })
  it('pfn ranges inclusive, page counts with separators', () => {
    // ZONE_DMA32: MAX_DMA_PFN 0x1000 up to MAX_DMA32_PFN 0x100000
    expect(m).toContain('| DMA32 | `pfn [0x1000-0xfffff]` |')
    // 4,095,760 present pages (the CLI's bootlog spec) = 15.62 GiB
    expect(m).toMatch(/\| present memory \| 4,095,760 pages = 15\.62 GiB \(16,776,232,960 bytes\) \|/)
    expect(m).toMatch(/\| present sections \| 126 × 128 MiB \|/)
    expect(m).not.toMatch(/\| \d{5,} \|/)
  })
  it('check values in units, not raw bytes; an order of −1 is none', () => {
    const k = md(laptop + 'memmap:\n  structPage: { kmsan: true }\n')
    // 80-byte struct pages under a 1 GiB-aligned base: no folio order is naturally aligned
    expect(k).toMatch(/- no folio has naturally aligned struct pages \(largest order: none\)/)
    expect(k).toMatch(/hugePageSize = 2 MiB, order = 9/)
    expect(k).toMatch(/maxOrder = none/)
    expect(k).not.toMatch(/hugePageSize=2097152/)
  })
})
