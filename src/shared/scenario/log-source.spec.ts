import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { bareLogLine, logLineProvenance, logSubject } from './log-source.ts'

const root = join(import.meta.dirname, '../../..')
function example(name: string): AnalysisReport {
  const r = analyzeSource(readFileSync(join(root, 'resources/examples', name), 'utf8'), name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}
const geometry = (r: AnalysisReport): { pageSize: number; pagesPerSection: number } => ({ pageSize: r.pageSizeBytes, pagesPerSection: r.sections.pagesPerSection })

describe('a kernel log line to the scenario lines it derives from', () => {
  const server = example('x86-4node-server.yaml')
  const of = (line: string, r = server) => logLineProvenance(r.scenario, line, geometry(r), r.holes)

  it('a zone span: the line its limit comes from (x86_64: the arch preset)', () => {
    expect(of('  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]')).toMatchObject({ paths: [['arch']] })
    expect(logSubject('  Device   empty')).toMatchObject({ el: { kind: 'zone', zone: 'Device' } })
    // ZONE_DEVICE holds the PMEM namespace
    expect(of('  Device   empty')!.paths).toEqual([['memmap', 'pmem', 0]])
  })

  it("a node's memblock range: the firmware entry over it, then the node's entry", () => {
    // [0x7a000000, 0x80000000) is firmware.map[6]; node 0 is numa.nodes[0]
    const p = of('  node   0: [mem 0x000000007a000000-0x000000007fffffff]')!
    expect(p.paths).toEqual([
      ['firmware', 'map', 6],
      ['numa', 'nodes', 0]
    ])
    expect(p.why).toMatch(/node 0's memory affinity/)
    // node 3's second range lies in map[12]
    expect(of('  node   3: [mem 0x000001c000000000-0x000001ffefffffff]')!.paths).toEqual([
      ['firmware', 'map', 12],
      ['numa', 'nodes', 3]
    ])
  })

  it('a node: its numa entry; without a numa section, none (dummy_numa_init())', () => {
    expect(of('Initmem setup node 2 [mem 0x0000010000000000-0x0000017fffffffff]')!.paths).toEqual([['numa', 'nodes', 2]])
    expect(of('NODE_DATA(1) allocated [mem 0xffffff000-0xfffffffff]')!.paths).toEqual([['numa', 'nodes', 1]])
    const laptop = example('x86-laptop.yaml')
    const p = of('Initmem setup node 0 [mem 0x0000000000001000-0x000000042e2fffff]', laptop)!
    expect(p.paths).toEqual([])
    expect(p.why).toMatch(/dummy_numa_init/)
  })

  it("a zone's unavailable ranges: the firmware entries over or beside its holes", () => {
    // node 0's DMA32 hole: [0x6f000000, 0x7a000000), the reserved, ACPI data and NVS entries map[3..5]
    const p = of('On node 0, zone DMA32: 12288 pages in unavailable ranges')!
    expect(p.paths).toEqual([
      ['firmware', 'map', 3],
      ['firmware', 'map', 4],
      ['firmware', 'map', 5]
    ])
    expect(p.why).toMatch(/the hole in node 0's zone DMA32/)
    expect(of('On node 3, zone Normal: 5 pages in unavailable ranges')).toEqual({ paths: [], why: "this scenario has no hole in node 3's zone Normal" })
  })

  it("the lines of kernels before 5.14: a zone's memmap, the zeroed pages of every hole, a node's total", () => {
    expect(of('  DMA32 zone: 7424 pages used for memmap')!.paths).toEqual([['arch']])
    expect(of('On node 1 totalpages: 134217728')!.paths).toEqual([['numa', 'nodes', 1]])
    const p = of('Zeroed struct page in unavailable ranges: 12389 pages')!
    // pfn 0 (in map[0]), the legacy hole (map[1]), below 4 GiB (map[3..5]) …
    expect(p.paths.slice(0, 2)).toEqual([
      ['firmware', 'map', 0],
      ['firmware', 'map', 1]
    ])
    expect(p.paths).toContainEqual(['firmware', 'map', 4])
    expect(p.why).toMatch(/holes in this scenario/)
  })

  it('a HugeTLB page size: its pool; a size with no pool says so', () => {
    expect(of('HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page')!.paths).toEqual([['hugetlb', 0]])
    expect(of('HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page')!.paths).toEqual([['hugetlb', 1]])
    const arm = example('arm64-uefi-server.yaml')
    expect(of('HugeTLB: 0 KiB vmemmap can be freed for a 64.0 KiB page', arm)).toMatchObject({ paths: [], why: expect.stringMatching(/no HugeTLB pool/) })
  })

  it("a real log's lines: e820 entries, SRAT ranges, the command line, with timestamps", () => {
    expect(bareLogLine('[    0.000000] BIOS-e820: [mem 0x000000000009c000-0x00000000000fffff] reserved')).toBe('BIOS-e820: [mem 0x000000000009c000-0x00000000000fffff] reserved')
    expect(of('[    0.000000] BIOS-e820: [mem 0x000000000009c000-0x00000000000fffff] reserved')!.paths).toEqual([['firmware', 'map', 1]])
    expect(of('BIOS-e820: [mem 0x0000000100000000-0x0000007fffffffff] usable')!.paths).toEqual([['firmware', 'map', 9]])
    expect(of('ACPI: SRAT: Node 1 PXM 1 [mem 0x8000000000-0xffffffffff]')!.paths).toEqual([['numa', 'nodes', 1]])
    expect(of('Linux version 6.8.0 (gcc) #1 SMP')!.paths).toEqual([['kernel']])
    // no command line in the scenario: said, not a wrong line
    expect(of('Kernel command line: console=ttyS0')).toEqual({ paths: [], why: 'the command line, not in this scenario' })
  })

  it('a line that names nothing of a scenario is null; headers go to their source', () => {
    expect(of('x86/mm: Memory block size: 2048MB')).toBeNull()
    expect(of('random: crng init done')).toBeNull()
    expect(of('Zone ranges:')!.paths).toEqual([['arch']])
    expect(of('Early memory node ranges')!.paths).toEqual([['numa', 'nodes']])
    expect(of('Memory: ?K/2144943724K available')!.paths).toEqual([['firmware', 'map']])
  })

  it('every predicted line of every example that names a zone, node or range has a source', () => {
    for (const name of ['x86-laptop.yaml', 'x86-4node-server.yaml', 'arm64-uefi-server.yaml', 'arm64-dt-board.yaml']) {
      const r = example(name)
      for (const line of r.bootlog) {
        if (!/\[mem |zone|node|Zone|Node/.test(line)) continue
        const p = of(line, r)
        expect(p, `${name}: ${line}`).not.toBeNull()
        expect(p!.paths.length + (p!.why ? 1 : 0), `${name}: ${line}`).toBeGreaterThan(0)
      }
    }
  })
})
