// s390: online storage as memblock, mem= as an address cap, ZONE_DMA to 2 GiB unclamped,
// sections of 256 MiB (128 MiB from 6.13), memory blocks without node links. The expected
// lines are the ones Debian's s390x kernels printed under QEMU (tests/fixtures/kernel-versions/
// <version>/s390x-s501-*.log); the unit rules cite the kernel functions they come from.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../scenario/scenario.ts'
import { bootlogLines } from './bootlog.ts'
import { parseLog } from './dmesg.ts'
import { memoryBlocks, memoryBlockSize } from './memory-block.ts'
import { runModel } from './model.ts'
import { s390Physmem } from './s390-physmem.ts'

const M = 2 ** 20
const storage = (bytes: number): Scenario['firmware'] => ({ kind: 'dt', map: [{ start: 0, size: bytes, type: 'memory' }] })
const s390 = (kernel: string, bytes: number, cmdline?: string): Scenario => ({ kernel, arch: 's390', firmware: storage(bytes), hugetlb: [], ...(cmdline ? { cmdline } : {}) })
const layoutLines = (s: Scenario): string[] =>
  bootlogLines(runModel(s))
    .filter((l) => l.kind !== 'memory' && l.kind !== 'hugetlb-vmemmap')
    .map((l) => l.text)

describe('s390Physmem(): parse_boot_command_line() mem=, setup_ident_map_size(), setup_memory_end()', () => {
  const map = storage(3000 * M).map
  it('mem= caps at round_down(memparse(mem), PAGE_SIZE): 1115M ends memory at 0x45b00000 (the 1115MB the kernel printed)', () => {
    const p = s390Physmem(map, ['1115M'], 4096)
    expect(p.identMapSize).toBe(0x45b00000)
    expect(p.memory.endOfDram()).toBe(0x45b00000)
  })
  it('a K value that is not a whole page is rounded down to one', () => {
    expect(s390Physmem(map, ['1141761K'], 4096).identMapSize).toBe(1141760 * 1024)
    expect(s390Physmem(map, [String(1115 * M + 4095)], 4096).identMapSize).toBe(1115 * M)
  })
  it('mem= above the storage changes nothing; the last mem= wins; mem=0 is no limit', () => {
    expect(s390Physmem(map, ['4G'], 4096).identMapSize).toBe(3000 * M)
    expect(s390Physmem(map, ['1G', '2G'], 4096).identMapSize).toBe(2048 * M)
    expect(s390Physmem(map, ['0'], 4096).identMapSize).toBe(3000 * M)
  })
  it('refuses ranges that are not storage: s390 has no reserved or no-map firmware ranges', () => {
    expect(() => s390Physmem([{ start: 0, size: M, type: 'reserved' }], [], 4096)).toThrow(/no firmware memory map/)
  })
})

describe('s390 boot lines as Debian s390x kernels printed them under QEMU', () => {
  it('6.1, 3000 MiB, mem=1115M: DMA to 2 GiB, Normal empty, a 256 MiB section tail of 42240 pages (6.1/s390x-s501-002)', () => {
    expect(layoutLines(s390('6.1', 3000 * M, 'mem=1115M'))).toEqual([
      'Zone ranges:',
      '  DMA      [mem 0x0000000000000000-0x000000007fffffff]',
      '  Normal   empty',
      'Movable zone start for each node',
      'Early memory node ranges',
      '  node   0: [mem 0x0000000000000000-0x0000000045afffff]',
      'Initmem setup node 0 [mem 0x0000000000000000-0x0000000045afffff]',
      'On node 0, zone DMA: 42240 pages in unavailable ranges'
    ])
  })
  it('7.2 (128 MiB sections since e3a6970b7daf, v6.13; Debian builds ZONE_DEVICE): the same layout leaves 9472 pages (7.2/s390x-s501-002)', () => {
    expect(layoutLines(s390('7.2', 3000 * M, 'mem=1115M'))).toEqual([
      'Zone ranges:',
      '  DMA      [mem 0x0000000000000000-0x000000007fffffff]',
      '  Normal   empty',
      '  Device   empty',
      'Movable zone start for each node',
      'Early memory node ranges',
      '  node   0: [mem 0x0000000000000000-0x0000000045afffff]',
      'Initmem setup node 0 [mem 0x0000000000000000-0x0000000045afffff]',
      'On node 0, zone DMA: 9472 pages in unavailable ranges'
    ])
  })
  it('6.12, 512 MiB: ZONE_DMA still printed to 0x7fffffff (paging_init() does not clamp MAX_DMA_ADDRESS), no hole (6.12/s390x-s501-003)', () => {
    expect(layoutLines(s390('6.12', 512 * M))).toEqual([
      'Zone ranges:',
      '  DMA      [mem 0x0000000000000000-0x000000007fffffff]',
      '  Normal   empty',
      'Movable zone start for each node',
      'Early memory node ranges',
      '  node   0: [mem 0x0000000000000000-0x000000001fffffff]',
      'Initmem setup node 0 [mem 0x0000000000000000-0x000000001fffffff]'
    ])
  })
  it('the Memory: total is the present storage: 1141760K for mem=1115M', () => {
    expect(bootlogLines(runModel(s390('6.1', 3000 * M, 'mem=1115M'))).find((l) => l.kind === 'memory')?.text).toBe('Memory: ?K/1141760K available')
  })
  it('huge pages: 1 MiB (EDAT1) and 2 GiB (EDAT2) by default; HVO only 6.2 to 6.18-rc3 (00a34d5a99c0, 64e2f60f355e), so 6.1 frees nothing', () => {
    const s = { ...s390('6.1', 3000 * M) }
    delete s.hugetlb
    expect(
      bootlogLines(runModel(s))
        .filter((l) => l.kind === 'hugetlb-vmemmap')
        .map((l) => l.text)
    ).toEqual(['HugeTLB: 0 KiB vmemmap can be freed for a 1.00 MiB page', 'HugeTLB: 0 KiB vmemmap can be freed for a 2.00 GiB page'])
  })
})

describe('s390 memory blocks (sysfs as the 6.1 boots show it)', () => {
  it('block_size_bytes is the section (10000000 in 6.1, 8000000 in 7.2), blocks carry no node link without CONFIG_NUMA', () => {
    const m61 = runModel(s390('6.1', 3000 * M, 'mem=1115M'))
    expect(memoryBlockSize(m61).bytes).toBe(0x10000000)
    const b = memoryBlocks(m61)
    expect(b.count).toBe(5)
    expect(b.runs.every((r) => r.nodes.length === 0 && r.validZones === 'DMA')).toBe(true)
    expect(memoryBlockSize(runModel(s390('7.2', 3000 * M, 'mem=1115M'))).bytes).toBe(0x8000000)
  })
})

describe('every recorded s390x boot, rebuilt from its QEMU command alone', () => {
  // The scenario is what QEMU was asked for: the storage s390-ccw-virtio gave (-m rounded
  // to the storage increment, layouts.ts s390Ram()) and the command line with its mem=,
  // kernelcore=, movablecore=. The kernel's own lines (its dmesg) are the expectation.
  const root = join(import.meta.dirname, '../../../tests/fixtures/kernel-versions')
  const boots = readdirSync(root).flatMap((v) =>
    readdirSync(join(root, v))
      .filter((f) => /^s390x-.*\.json$/.test(f))
      .map((f) => ({ v, f, json: JSON.parse(readFileSync(join(root, v, f), 'utf8')) as { cmd: string[]; layout: { ram: string[] } } }))
  )
  it('there are at least 60 of them', () => expect(boots.length).toBeGreaterThanOrEqual(60))
  for (const { v, f, json } of boots)
    it(`${v}/${f}`, () => {
      const log = readFileSync(join(root, v, f.replace(/\.json$/, '.log')), 'latin1')
      const dmesg = log.slice(log.indexOf('MW-STATE dmesg BEGIN') + 'MW-STATE dmesg BEGIN'.length, log.indexOf('MW-STATE dmesg END'))
      // the version as the kernel's own `Linux version` line gives it (7.3-rc7 has no x.y.z)
      const parsed = parseLog(dmesg)
      const kernel = parsed.scenario.kernel
      const map = json.layout.ram.map((r) => {
        const [a, b] = r.split('-').map((x) => Number(x))
        return { start: a, last: b, type: 'memory' as const }
      })
      const s: Scenario = { kernel, arch: 's390', firmware: { kind: 'dt', map }, cmdline: json.cmd[json.cmd.length - 1], hugetlb: [] }
      const want = parsed.expected.map((l) => l.text)
      expect(bootlogLines(runModel(s)).map((l) => l.text)).toEqual(want)
    })
})

describe('the s390 memmap report', () => {
  it('says vmemmap is placed at boot instead of inventing an address, and renders every view', async () => {
    const { analyzeSource } = await import('./index.ts')
    const { renderView, VIEW_IDS } = await import('../views/index.ts')
    for (const f of ['s390x-guest.yaml', 'loongarch64-uefi.yaml']) {
      const r = analyzeSource(readFileSync(join(import.meta.dirname, '../../../resources/examples', f), 'utf8'), f)
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '))
      const fig = r.report.memmap!.figures.find((x) => x.id === 'vmemmap.pfn0')!
      expect(fig.value, f).toBe('decided at boot')
      for (const v of VIEW_IDS) expect(renderView(v, r.report, { theme: 'light' }).length, `${f} ${v}`).toBeGreaterThan(1000)
    }
  })
})
