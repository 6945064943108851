// Sections and pfn_valid(): which hole pfns get a struct page (include/linux/mmzone.h pfn_valid(),
// arch/arm64/mm/init.c pfn_valid() through the versions).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../scenario/parse.ts'
import { bootlogLines } from './bootlog.ts'
import { runModel } from './model.ts'
import { countValidByPageblock, presentSections } from './sections.ts'

const board = readFileSync(join(import.meta.dirname, '../../../resources/examples/arm64-dt-board.yaml'), 'utf8')
function holes(kernel: string): string[] {
  const p = parseScenario(board.replace(/^kernel: .*$/m, `kernel: "${kernel}"`))
  if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
  return bootlogLines(runModel(p.scenario))
    .filter((l) => l.kind === 'holes')
    .map((l) => l.text)
}

describe('present sections', () => {
  it('every section a range touches is present, NOMAP included', () => {
    expect(
      presentSections(
        [
          { start: 0x100, end: 0x8001, nid: 0, flags: 0 },
          { start: 0x20000, end: 0x20001, nid: 0, flags: 4 }
        ],
        0x8000
      )
    ).toEqual([
      { start: 0, end: 2 },
      { start: 4, end: 5 }
    ])
  })
  it('counts a pfn when the first pfn of its pageblock is valid', () => {
    // valid [0, 700): pageblocks starting at 0 and 512 are valid, so [0, 1024) counts
    expect(countValidByPageblock(600, 2000, [{ start: 0, end: 700 }], 512)).toBe(1024 - 600)
    expect(countValidByPageblock(0, 100, [], 512)).toBe(0)
  })
})

describe('arm64 pfn_valid() history on a device-tree board (resources/examples/arm64-dt-board.yaml)', () => {
  it('5.16+ (generic): hole pfns inside present sections count', () => {
    expect(holes('6.1')).toEqual(['On node 0, zone DMA32: 19456 pages in unavailable ranges', 'On node 0, zone Normal: 16384 pages in unavailable ranges'])
  })
  it('5.14–5.15.35: arm64 pfn_valid() rejects holes, so nothing is printed', () => {
    expect(holes('5.15.10')).toEqual([])
  })
  it('5.12–5.13: per zone, and still nothing', () => {
    expect(holes('5.13')).toEqual([])
  })
})
