// The CLI on captures: told by content or --from, a /sys/firmware/memmap tree read as a
// directory, `compare` against /proc/zoneinfo and lsmem, located errors. The captures are
// the recorded kernels' own (tests/fixtures/kernel-versions), so the numbers are theirs.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stateSections } from '../../../scripts/kernel-oracle/state.ts'
import { cli, root } from './run-cli.ts'

// 6.12 x86_64 seabios, one node: the kernel's zoneinfo says DMA 3998 and DMA32 present pages below
const boot = 'tests/fixtures/kernel-versions/6.12/x86_64-s401-002'
const log = readFileSync(join(root, `${boot}.log`), 'latin1')
const sections = stateSections(log)
const kernelZones = (JSON.parse(readFileSync(join(root, `${boot}.json`), 'utf8')) as { state: { zoneinfo: { node: number; zone: string; present: number }[] } }).state.zoneinfo
const dir = mkdtempSync(join(tmpdir(), 'mmw-import-'))
const put = (name: string, text: string): string => (writeFileSync(join(dir, name), text), join(dir, name))
const iomem = put('iomem', sections.get('iomem')!)
const zoneinfo = put('zoneinfo', sections.get('zoneinfo')!)
const cmdline = /Command line: (.*)/.exec(log)![1].replace(/\r/g, '')

describe('captures on the command line', () => {
  it('analyze reads /proc/iomem by content and lists what it could not know', async () => {
    const r = await cli('analyze', '--json', '--kernel', '6.12.117', '--cmdline', cmdline, iomem)
    expect(r.code).toBe(0)
    const rep = JSON.parse(r.out)
    const present = (zone: string): number =>
      rep.nodes
        .flatMap((n: { zones: { name: string; presentPages: number }[] }) => n.zones)
        .filter((z: { name: string }) => z.name === zone)
        .reduce((a: number, z: { presentPages: number }) => a + z.presentPages, 0)
    for (const zone of ['DMA', 'DMA32', 'Normal']) expect(present(zone), zone).toBe(kernelZones.filter((z) => z.zone === zone).reduce((a, z) => a + z.present, 0))
    expect(r.err).toMatch(/info: import: NUMA/)
    expect(r.err).not.toMatch(/import: kernel version/)
  })
  it('without --kernel the assumed version is said', async () => {
    const r = await cli('bootlog', iomem)
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/kernel version: \/proc\/iomem does not show it; 6\.12 assumed/)
  })
  it("compare against the kernel's /proc/zoneinfo: exact, then 1 on a changed count", async () => {
    const ok = await cli('compare', '--kernel', '6.12.117', '--cmdline', cmdline, iomem, zoneinfo)
    expect(ok.err).toMatch(/exact against/)
    expect(ok.code).toBe(0)
    const edited = put(
      'zoneinfo-edited',
      sections.get('zoneinfo')!.replace(/present +(\d+)/, (_m, n) => `present  ${Number(n) + 1}`)
    )
    const bad = await cli('compare', '--kernel', '6.12.117', '--cmdline', cmdline, iomem, edited)
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(/node 0 DMA present +\d+ +\d+ {2}≠/)
  })
  it('compare says when STATE is not a zoneinfo or lsmem', async () => {
    const r = await cli('compare', iomem, iomem)
    expect(r.code).toBe(2)
    expect(r.err).toContain(`${iomem}:1:1: error: ${iomem} is not a /proc/zoneinfo or lsmem output (it reads as iomem)`)
  })
  it('--from forces a kind; a wrong one is a located error', async () => {
    const r = await cli('analyze', '--from', 'lsmem', iomem)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(new RegExp(`${iomem}:1:1: error: not lsmem output`))
    expect((await cli('analyze', '--from', 'nonsense', iomem)).code).toBe(2)
  })
  it('a broken /proc/iomem line is reported at its line', async () => {
    const f = put('iomem-broken', sections.get('iomem')!.replace(/\n(\S+) : System RAM\n/, '\n$1 System RAM\n'))
    const r = await cli('analyze', '--from', 'iomem', f)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(new RegExp(`${f}:\\d+:1: error: not a /proc/iomem line`))
  })
  it('reads a /sys/firmware/memmap tree given as a directory', async () => {
    const tree = join(dir, 'memmap')
    // the BIOS map of this boot as QEMU's SeaBIOS gave it (its BIOS-e820 lines)
    const e820 = [...log.matchAll(/BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (usable|reserved)/g)]
    expect(e820.length).toBeGreaterThan(3)
    e820.forEach((m, i) => {
      mkdirSync(join(tree, String(i)), { recursive: true })
      writeFileSync(join(tree, String(i), 'start'), `0x${BigInt(m[1]).toString(16)}\n`)
      writeFileSync(join(tree, String(i), 'end'), `0x${BigInt(m[2]).toString(16)}\n`)
      writeFileSync(join(tree, String(i), 'type'), m[3] === 'usable' ? 'System RAM\n' : 'Reserved\n')
    })
    const r = await cli('analyze', '--json', '--kernel', '6.12.117', '--cmdline', cmdline, tree)
    expect(r.err).not.toMatch(/error/)
    const rep = JSON.parse(r.out)
    expect(rep.scenario.firmware.map.length).toBe(e820.length)
    const total = rep.nodes.reduce((a: number, n: { presentPages: number }) => a + n.presentPages, 0)
    expect(total).toBe(kernelZones.reduce((a, z) => a + z.present, 0))
    const empty = mkdtempSync(join(tmpdir(), 'mmw-empty-'))
    expect((await cli('analyze', empty)).err).toBe(`${empty}:1:1: error: is a directory with no capture in it (a /sys/firmware/memmap tree, or files such as iomem, zoneinfo, lsmem.json)\n`)
  })
  it("a directory of one machine's captures: compare DIR DIR takes the layout and the zoneinfo from it", async () => {
    // 6.1 x86_64, two nodes: iomem for the map, crash kmem -n for the node spans, the dmesg
    // for the kernel version and command line (tests/fixtures/captures)
    const d = join(root, 'tests/fixtures/captures/6.1/x86_64-1')
    const r = await cli('compare', d, d)
    expect(r.err).toMatch(/exact against .* \(zoneinfo\)/)
    expect(r.err).toMatch(/node spans from kmem-n\.txt/)
    expect(r.code).toBe(0)
  })
})
