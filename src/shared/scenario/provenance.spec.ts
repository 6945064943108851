// The click-through's mapping, without a browser: figure element → scenario lines, and
// the entry under the editor's cursor → the bytes it covers. Expected lines are read off
// the examples by hand (line numbers of resources/examples/*.yaml).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from './parse.ts'
import { entryAt, entryIndex, entrySpan, elementRange, figureElement, parsePath, pathSpans, provenanceOf, type FigureElement } from './provenance.ts'
import type { Scenario } from './scenario.ts'

const example = (name: string): { text: string; s: Scenario } => {
  const text = readFileSync(join(import.meta.dirname, '../../../resources/examples', name), 'utf8')
  const r = parseScenario(text)
  if (!r.ok) throw new Error(`${name}: ${r.diagnostics[0]?.message}`)
  return { text, s: r.scenario }
}
const laptop = example('x86-laptop.yaml')
const server = example('x86-4node-server.yaml')
const uefi = example('arm64-uefi-server.yaml')
// x86_64, 4K pages: 128 MiB sections, 32768 pages each
const X86 = { pageSize: 4096, pagesPerSection: 32768 }
const map = (view: string, el: Omit<FigureElement, 'view'>): FigureElement => ({ view, ...el })
const paths = (s: Scenario, el: FigureElement, g = X86) => provenanceOf(s, el, g).paths
/** the text of a path's first line */
const lineOf = (text: string, path: (string | number)[]): string => {
  const span = pathSpans(text, [path])[0]
  return span ? text.split('\n')[span.startLine - 1].trim() : ''
}

describe('provenance: figure element → scenario entries', () => {
  it('a memblock.memory region comes from the usable e820 entries under it', () => {
    // the laptop's RAM above 4 GiB: map[15] `{ start: 0x0100000000, last: 0x042e2fffff, type: usable }`
    const p = paths(laptop.s, map('map', { kind: 'region', style: 'memory', start: 0x100000000, end: 0x42e300000 }))
    expect(p).toEqual([['firmware', 'map', 15]])
    expect(lineOf(laptop.text, p[0])).toBe('- { start: 0x0100000000, last: 0x042e2fffff, type: usable }')
    // a bar merging several regions (pixel aggregation): every usable entry, the one at its start first
    expect(paths(laptop.s, map('map', { kind: 'region', style: 'memory', start: 0x100000, end: 0xa200000 }))).toEqual([
      ['firmware', 'map', 2],
      ['firmware', 'map', 4]
    ])
  })

  it('a NOMAP region names the UEFI runtime descriptors that make it NOMAP', () => {
    // is_usable_memory() refuses runtime code/data: map[4..6] of the arm64 server
    expect(paths(uefi.s, map('map', { kind: 'region', style: 'nomap', start: 0x5c440000, end: 0x5c730000 }), { pageSize: 4096, pagesPerSection: 32768 })).toEqual([
      ['firmware', 'map', 4],
      ['firmware', 'map', 5],
      ['firmware', 'map', 6]
    ])
  })

  it("memblock.reserved: the firmware reservation, or nothing for the kernel's own", () => {
    // UEFI ACPI reclaim memory is memblock_reserve()d: map[3]
    expect(paths(uefi.s, map('map', { kind: 'reserved', start: 0x5c430000, end: 0x5c440000 }))).toEqual([['firmware', 'map', 3]])
    // x86 trim_low_memory_range(): the first 64 KiB lie in a usable entry; no line reserves them
    const low = provenanceOf(laptop.s, map('map', { kind: 'reserved', start: 0, end: 0x10000 }), X86)
    expect(low.paths).toEqual([])
    expect(low.why).toMatch(/kernel's own/)
  })

  it('a hole: the entries over it, else the entries either side of a gap', () => {
    // [0x9f000, 0x100000): the e820 reserved entry map[1] (0x9f000–0xbffff), the rest a gap
    expect(paths(laptop.s, map('map', { kind: 'hole', start: 0x9f000, end: 0x100000 }))).toEqual([['firmware', 'map', 1]])
    // [0xc0000000, 0xf0000000): no entry; map[12] ends at 0xbfffffff, map[13] starts at 0xf0000000
    expect(paths(laptop.s, map('map', { kind: 'hole', start: 0xc0000000, end: 0xf0000000 }))).toEqual([
      ['firmware', 'map', 12],
      ['firmware', 'map', 13]
    ])
    // the NOMAP & holes view gives its rows in pfns: 0x9f–0x100 is the same hole
    const row = map('nomap', { kind: 'range', range: 'hole', start: 0x9f, end: 0x100 })
    expect(elementRange(row, X86)).toEqual({ start: 0x9f000, end: 0x100000 })
    expect(paths(laptop.s, row)).toEqual([['firmware', 'map', 1]])
  })

  it('a section: the memory entries in it', () => {
    // section 0 = [0, 128 MiB): usable map[0] (0–0x9efff) and map[2] (1 MiB–0x9cfffff)
    expect(paths(laptop.s, map('map', { kind: 'sections', firstSection: 0, endSection: 1 }))).toEqual([
      ['firmware', 'map', 0],
      ['firmware', 'map', 2]
    ])
    // the server's section 4096 = 512 GiB: map[10] `{ start: 512G, end: 1024G, type: usable }`
    const p = paths(server.s, map('sections', { kind: 'section-row', section: 4096 }))
    expect(p).toEqual([['firmware', 'map', 10]])
    expect(lineOf(server.text, p[0])).toBe('- { start: 512G, end: 1024G, type: usable }')
  })

  it('a node: its numa entry; without numa, nothing', () => {
    const p = paths(server.s, map('map', { kind: 'node', nid: 2, start: 1024 * 2 ** 30, end: 1536 * 2 ** 30 }))
    expect(p).toEqual([['numa', 'nodes', 2]])
    expect(lineOf(server.text, p[0])).toBe('- id: 2')
    const none = provenanceOf(laptop.s, map('map', { kind: 'node', nid: 0, start: 0, end: 0x42e300000 }), X86)
    expect(none.paths).toEqual([])
    expect(none.why).toMatch(/dummy_numa_init/)
  })

  it('a zone: the line its limit comes from', () => {
    expect(paths(server.s, map('map', { kind: 'zone', nid: 0, zone: 'DMA32', start: 0x1000000, end: 2 ** 32 }))).toEqual([['arch']])
    expect(lineOf(server.text, ['arch'])).toBe('arch: x86_64')
    // ZONE_MOVABLE: the hot-pluggable range (node 3's second range)
    expect(paths(server.s, map('map', { kind: 'zone', nid: 3, zone: 'Movable', start: 1792 * 2 ** 30, end: 2048 * 2 ** 30 }))).toEqual([['numa', 'nodes', 3, 'ranges', 1]])
    // arm64: ZONE_DMA ends at the DMA limit when the scenario gives one
    const s = { ...uefi.s, firmware: { ...uefi.s.firmware, dmaLimit: 2 ** 32 } }
    expect(paths(s, map('map', { kind: 'zone', nid: 0, zone: 'DMA', start: 0x40000000, end: 2 ** 32 }))).toEqual([['firmware', 'dmaLimit']])
  })

  it('Costs: the PMEM namespace and the HugeTLB pool', () => {
    expect(paths(server.s, map('costs', { kind: 'pmem', name: 'namespace0.0' }))).toEqual([['memmap', 'pmem', 0]])
    expect(paths(server.s, map('costs', { kind: 'hvo-pool', hugePageSize: 2 ** 30 }))).toEqual([['hugetlb', 0]])
    expect(paths(server.s, map('costs', { kind: 'total' }))).toEqual([])
  })

  it('reads an element from its data attributes', () => {
    const attrs: Record<string, string> = { 'data-kind': 'region', 'data-start': '0x100000000', 'data-end': '0x42e300000', 'data-nid': '0', 'data-style': 'memory' }
    expect(figureElement('map', (n) => attrs[n] ?? null)).toMatchObject({ view: 'map', kind: 'region', start: 0x100000000, end: 0x42e300000, nid: 0, style: 'memory' })
    expect(figureElement('map', () => null)).toBeNull()
  })
})

describe('provenance: lines', () => {
  it('an entry spans its deeper-indented lines', () => {
    const lines = server.text.split('\n')
    // `    - id: 3` (line 32) with `ranges:` and two range lines under it
    expect(entrySpan(lines, 32)).toEqual({ startLine: 32, endLine: 35 })
    // a one-line flow entry
    expect(entrySpan(lines, 13)).toEqual({ startLine: 13, endLine: 13 })
    // pretty-printed JSON: the closing brace belongs to the entry
    const json = JSON.stringify(
      {
        kernel: '6.1',
        arch: 'x86_64',
        firmware: {
          kind: 'e820',
          map: [
            { start: 0, size: 4096, type: 'usable' },
            { start: 8192, size: 4096, type: 'reserved' }
          ]
        }
      },
      null,
      2
    )
    const [span] = pathSpans(json, [['firmware', 'map', 1]])
    const jl = json.split('\n')
    expect(jl[span!.startLine - 1].trim()).toBe('{')
    expect(jl.slice(span!.startLine - 1, span!.endLine).join('\n')).toMatch(/"start": 8192,[\s\S]*"type": "reserved"\s*}/)
  })

  it('a path the text does not hold has no lines (never an ancestor instead)', () => {
    expect(pathSpans(server.text, [['numa', 'nodes', 9], ['kernelImage']])).toEqual([null, null])
  })

  it('parses a lookup path', () => {
    expect(parsePath('firmware.map[3]')).toEqual(['firmware', 'map', 3])
    expect(parsePath('numa.nodes[3].ranges[1]')).toEqual(['numa', 'nodes', 3, 'ranges', 1])
  })
})

describe('provenance: the entry under the cursor', () => {
  const ix = entryIndex(server.text, server.s)
  const at = (line: number, column: number) => entryAt(ix, line, column)

  it('finds firmware entries, nodes and their ranges', () => {
    // line 13: `    - { start: 0x6f000000, end: 0x78000000, type: reserved }`
    expect(at(13, 20)).toMatchObject({ path: ['firmware', 'map', 3], ranges: [{ start: 0x6f000000, end: 0x78000000 }] })
    // before the entry's first character, on its `- `
    expect(at(13, 3)?.path).toEqual(['firmware', 'map', 3])
    // line 29: `      ranges: [{ start: 512G, end: 1024G }]`: inside the range, the range
    expect(at(29, 20)?.path).toEqual(['numa', 'nodes', 1, 'ranges', 0])
    // on `- id: 1` and on node 3's `ranges:` key: the node, with all its ranges
    expect(at(28, 3)?.path).toEqual(['numa', 'nodes', 1])
    expect(at(33, 7)).toMatchObject({
      path: ['numa', 'nodes', 3],
      ranges: [
        { start: 1536 * 2 ** 30, end: 1792 * 2 ** 30 },
        { start: 1792 * 2 ** 30, end: 2048 * 2 ** 30 }
      ]
    })
    expect(at(44, 10)?.path).toEqual(['memmap', 'pmem', 0])
  })

  it('outside any range entry: nothing', () => {
    expect(at(6, 3)).toBeNull() // arch
    expect(at(8, 3)).toBeNull() // kind: e820
    expect(at(36, 1)).toBeNull() // hugetlb:
    expect(at(1, 1)).toBeNull()
  })
})
