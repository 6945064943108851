// Each importer's reading of the kernel's printed forms and its located errors; the
// fixture sweeps (tests/importers.spec.ts, tests/captures-import.spec.ts) hold the numbers.
import { describe, expect, it } from 'vitest'
import { CaptureError } from './capture.ts'
import { importFirmwareMemmap } from './firmware-memmap.ts'
import { detectCapture } from './index.ts'
import { importIomem, parseIomem } from './iomem.ts'
import { parseKmemN } from './kmem-n.ts'
import { parseLsmem } from './lsmem.ts'
import { importMemblockDebugfs, parseMemblockDebugfs } from './memblock-debugfs.ts'
import { parseZoneinfo } from './zoneinfo.ts'

const where = (f: () => unknown): { line: number; column: number; message: string } => {
  try {
    f()
  } catch (e) {
    if (e instanceof CaptureError) return { line: e.line, column: e.column, message: e.message }
    throw e
  }
  throw new Error('no CaptureError')
}

describe('/proc/iomem (r_show(): two spaces per level)', () => {
  // lines of a 7.3 x86_64 boot's /proc/iomem (tests/fixtures/kernel-versions/7.3/x86_64-s401-003)
  const x86 = [
    '00000000-00000fff : Reserved',
    '00001000-0009efff : System RAM',
    '000f0000-000fffff : System ROM',
    '00100000-2fffffff : System RAM',
    '  01000000-0230680f : Kernel code',
    'c0000000-febfffff : PCI Bus 0000:00',
    '  e0000000-efffffff : PCI MMCONFIG 0000 [bus 00-ff]',
    '    e0000000-efffffff : Reserved',
    '100000000-101b997ff : System RAM'
  ].join('\n')
  it('reads depth from the indentation', () => {
    expect(parseIomem(x86).map((r) => r.depth)).toEqual([0, 0, 0, 0, 1, 0, 1, 2, 0])
  })
  it('x86: e820-named resources, even nested in a PCI window, become the e820 map', () => {
    const im = importIomem(x86, { kernel: '7.3' })
    expect(im.scenario.arch).toBe('x86_64')
    expect(im.scenario.firmware.map.map((r) => [r.start, (r as { last: number }).last, r.type])).toEqual([
      [0, 0xfff, 'reserved'],
      [0x1000, 0x9efff, 'usable'],
      [0x100000, 0x2fffffff, 'usable'],
      [0xe0000000, 0xefffffff, 'reserved'],
      [0x100000000, 0x101b997ff, 'usable']
    ])
  })
  it('arm64: top-level "reserved" is NOMAP memory (request_standard_resources())', () => {
    const im = importIomem(['40000000-5b43ffff : System RAM', '  54600000-5632ffff : Kernel code', '5b440000-5b72ffff : reserved', '5b730000-5ebfffff : System RAM'].join('\n'), { kernel: '6.12' })
    expect(im.scenario.arch).toBe('arm64')
    expect(im.scenario.firmware.map.map((r) => r.type)).toEqual(['conventional', 'reserved', 'conventional'])
  })
  it('all-zero addresses (read without CAP_SYS_ADMIN) and broken lines are located errors', () => {
    expect(where(() => importIomem('00000000-00000000 : System RAM\n00000000-00000000 : Reserved\n')).message).toMatch(/read it as root/)
    expect(where(() => importIomem('00000000-00000fff : Reserved\n00001000 0009efff System RAM\n'))).toMatchObject({ line: 2, column: 1 })
    expect(where(() => importIomem('00002000-00000fff : Reserved\n')).message).toMatch(/ends \(0x00000fff\) before it starts/)
  })
  it('no architecture evidence: asks for --arch', () => {
    expect(where(() => importIomem('80000000-8fffffff : System RAM\n')).message).toMatch(/give --arch/)
  })
})

describe('memblock debugfs (memblock_debug_show())', () => {
  it('reads both forms: before v6.5 ranges only, after with node and flag', () => {
    const old = parseMemblockDebugfs('   0: 0x0000000040000000..0x000000005b43ffff\n   1: 0x000000005b440000..0x000000005b72ffff\n')
    expect(old.withFlags).toBe(false)
    expect(old.memory![1]).toMatchObject({ start: 0x5b440000, last: 0x5b72ffff, nid: null, flag: null })
    const now = parseMemblockDebugfs('   0: 0x0000000004000000..0x0000000007ffffff    0 NOMAP\n   1: 0x0000000040000000..0x000000005b43ffff    x NONE\n')
    expect(now.memory!.map((r) => [r.nid, r.flag])).toEqual([
      [0, 'NOMAP'],
      [null, 'NONE']
    ])
  })
  it('head and grep listings of memory and reserved', () => {
    const head = parseMemblockDebugfs('==> memory <==\n   0: 0x0000000040000000..0x000000007fffffff    0 NONE\n\n==> reserved <==\n   0: 0x0000000040000000..0x0000000040ffffff    0 NONE\n')
    expect([head.memory!.length, head.reserved!.length]).toEqual([1, 1])
    const grep = parseMemblockDebugfs('memory:   0: 0x0000000040000000..0x000000007fffffff    0 NONE\nreserved:   0: 0x0000000040000000..0x0000000040ffffff    0 NONE\n')
    expect([grep.memory!.length, grep.reserved!.length]).toEqual([1, 1])
  })
  it('HOTPLUG regions and their nodes become NUMA ranges; DRV_MNG is left out', () => {
    const im = importMemblockDebugfs(
      '   0: 0x0000000040000000..0x000000007fffffff    0 NONE\n   1: 0x0000000080000000..0x00000000bfffffff    1 HOTPLUG\n   2: 0x00000000c0000000..0x00000000ffffffff    1 DRV_MNG\n',
      { kernel: '6.12', arch: 'arm64' }
    )
    expect(im.scenario.numa!.nodes).toEqual([
      { id: 0, ranges: [{ start: 0x40000000, end: 0x80000000 }] },
      { id: 1, ranges: [{ start: 0x80000000, end: 0xc0000000, hotplug: true }] }
    ])
    expect(im.unknowns.join('\n')).toMatch(/1 DRV_MNG regions left out/)
  })
  it('reserved alone is refused; two unnamed lists are refused', () => {
    expect(where(() => importMemblockDebugfs('   0: 0x0000000040000000..0x0000000040ffffff    0 NONE\n', { fileName: '/sys/kernel/debug/memblock/reserved' })).message).toMatch(
      /only memblock.reserved/
    )
    expect(where(() => parseMemblockDebugfs('   0: 0x1000..0x1fff\n   1: 0x3000..0x3fff\n   0: 0x1000..0x1fff\n'))).toMatchObject({ line: 3 })
  })
})

describe('/sys/firmware/memmap (drivers/firmware/memmap.c)', () => {
  it('entries in numeric order, end inclusive, e820 names', () => {
    const im = importFirmwareMemmap('10/end:0x1fffffff\n10/start:0x100000\n10/type:System RAM\n2/end:0x9ffff\n2/start:0x9fc00\n2/type:Reserved\n', { kernel: '6.1' })
    expect(im.scenario.firmware.map.map((r) => [r.start, (r as { last: number }).last, r.type])).toEqual([
      [0x9fc00, 0x9ffff, 'reserved'],
      [0x100000, 0x1fffffff, 'usable']
    ])
  })
  it('a missing field or an unknown type is located', () => {
    expect(where(() => importFirmwareMemmap('0/start:0x0\n0/type:System RAM\n'))).toMatchObject({ line: 1, message: 'entry 0 has no end' })
    expect(where(() => importFirmwareMemmap('0/start:0x0\n0/end:0xfff\n0/type:Weird RAM\n')).message).toMatch(/not a name e820_type_to_string\(\) gives/)
  })
})

describe('lsmem', () => {
  it('the table: RANGE is exact, the summary gives the block size', () => {
    const ls = parseLsmem(
      'RANGE                                  SIZE  STATE BLOCK NODE   ZONES\n0x0000000000000000-0x0000000007ffffff  128M online     0    0    None\n0x0000000008000000-0x000000002fffffff  640M online   1-5    0   DMA32\n\nMemory block size:       128M\n'
    )
    expect(ls.blockSize).toBe(128 << 20)
    expect(ls.runs[1]).toMatchObject({ start: 0x8000000, last: 0x2fffffff, firstBlock: 1, lastBlock: 5, node: 0, zones: ['DMA32'] })
  })
  it('JSON without a block-size line: bytes over blocks', () => {
    const ls = parseLsmem('{"memory": [{"range": "0x0000000000000000-0x00000000bfffffff", "size": "3G", "state": "online", "removable": true, "block": "0-23"}]}')
    expect(ls.blockSize).toBe(128 << 20)
  })
  it('a row that does not fit its blocks, or a short row, is located', () => {
    expect(where(() => parseLsmem('RANGE SIZE STATE BLOCK\n0x0000000000000000-0x0000000007ffffff 128M online 0-2\n')).message).toMatch(/do not divide/)
    expect(where(() => parseLsmem('RANGE SIZE STATE BLOCK\n0x0-0x7ffffff online 0\n'))).toMatchObject({ line: 2 })
  })
})

describe('/proc/zoneinfo and crash kmem -n', () => {
  it('zoneinfo: spanned, present, managed and start_pfn per node and zone', () => {
    const z = parseZoneinfo(
      'Node 0, zone      DMA\n  per-node stats\n      nr_inactive_anon 0\n  pages free     3840\n        spanned  4095\n        present  3998\n        managed  3840\n  start_pfn:           1\n'
    )
    expect(z).toEqual([{ node: 0, zone: 'DMA', spanned: 4095, present: 3998, managed: 3840, startPfn: 1, line: 1 }])
    expect(where(() => parseZoneinfo('Node 0, zone DMA\n  pages free 1\n')).message).toMatch(/no spanned\/present/)
  })
  it('kmem -n: an unknown line inside a table is located', () => {
    const head =
      'NODE    SIZE      PGLIST_DATA       BOOTMEM_DATA       NODE_ZONES\n  0    300031   ffff8880493d5000        ----        ffff8880493d5000\n    MEM_MAP          START_PADDR    START_MAPNR\nffffea0000000040        1000             1\n'
    expect(where(() => parseKmemN(head + 'ZONE  NAME         SIZE       MEM_MAP      START_PADDR  START_MAPNR\n  0   DMA   many\n'))).toMatchObject({ line: 6 })
    expect(where(() => parseKmemN(head)).message).toMatch(/no mem_section table/)
  })
  it('detection by the first lines', () => {
    expect(detectCapture('Node 0, zone      DMA\n  pages free 1\n')).toBe('zoneinfo')
    expect(detectCapture('$ cat /proc/iomem\n00000000-00000fff : Reserved\n')).toBe('iomem')
    expect(detectCapture('[    0.000000] Linux version 6.1.0\n')).toBe(null)
    expect(detectCapture('name: x\nkernel: "6.1"\n')).toBe(null)
  })
})
