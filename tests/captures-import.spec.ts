// Each importer on real captures of recorded boots (tests/fixtures/captures, made by
// scripts/kernel-oracle/captures.ts: the kernel's own /proc/iomem, /sys/firmware/memmap,
// memblock debugfs and /proc/zoneinfo; util-linux lsmem over the recorded sysfs tree; crash
// `kmem -n` on a QEMU dump of the same guest). The truth is that kernel's /proc/zoneinfo.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readInput } from '../src/main/cli/input.ts'
import { loadInput, type InputOptions } from '../src/shared/engine/index.ts'
import { compareLsmem, compareZoneinfo } from '../src/shared/engine/import/state-compare.ts'
import { parseZoneinfo } from '../src/shared/engine/import/zoneinfo.ts'
import { runModel, type Model } from '../src/shared/engine/model.ts'

const root = join(import.meta.dirname, 'fixtures', 'captures')

interface Capture {
  version: string
  id: string
  dir: string
  release: string
  cmdline: string
  files: Set<string>
  read: (f: string) => string
}

const captures: Capture[] = []
for (const version of existsSync(root) ? readdirSync(root).sort() : [])
  for (const id of readdirSync(join(root, version)).sort()) {
    const dir = join(root, version, id)
    const boot = JSON.parse(readFileSync(join(dir, 'boot.json'), 'utf8')) as { release: string; commandLine: string }
    captures.push({ version, id, dir, release: boot.release, cmdline: boot.commandLine, files: new Set(readdirSync(dir)), read: (f) => readFileSync(join(dir, f), 'utf8') })
  }

function model(c: Capture, file: string, opts: InputOptions = {}): { model: Model; kind: string } {
  const l = loadInput(c.read(file), file, { kernel: c.release, cmdline: c.cmdline, ...opts })
  if (!l.ok) throw new Error(l.diagnostics.map((d) => `${file}:${d.line}:${d.column}: ${d.message}`).join('\n'))
  return { model: runModel(l.scenario), kind: l.kind }
}

const zonesOf = (m: Model, perNode: boolean): [string, number][] =>
  [
    ...m.nodes
      .flatMap((n) => n.zones.filter((z) => z.present).map((z) => [`${perNode ? n.nid : '*'}:${z.name}`, z.present] as [string, number]))
      .reduce((a, [k, v]) => a.set(k, (a.get(k) ?? 0) + v), new Map<string, number>())
  ].sort()
const truthOf = (c: Capture, perNode: boolean): [string, number][] =>
  [
    ...parseZoneinfo(c.read('zoneinfo'))
      .filter((z) => z.present)
      .reduce((a, z) => a.set(`${perNode ? z.node : '*'}:${z.zone}`, (a.get(`${perNode ? z.node : '*'}:${z.zone}`) ?? 0) + z.present), new Map<string, number>())
  ].sort()

describe('captures of recorded boots, imported', () => {
  it('cover x86_64 and arm64 on two kernel lines or more, with every kind of capture', () => {
    const lines = (arch: string): Set<string> => new Set(captures.filter((c) => c.id.startsWith(arch)).map((c) => c.version))
    expect(lines('x86_64').size).toBeGreaterThanOrEqual(2)
    expect(lines('arm64').size).toBeGreaterThanOrEqual(2)
    for (const f of ['iomem', 'zoneinfo', 'lsmem.json', 'lsmem.txt', 'firmware-memmap.txt', 'memblock-memory', 'kmem-n.txt'])
      expect(
        captures.some((c) => c.files.has(f)),
        f
      ).toBe(true)
  })
  for (const c of captures) {
    describe(`${c.version} ${c.id}`, () => {
      const nodes = new Set(
        parseZoneinfo(c.read('zoneinfo'))
          .filter((z) => z.present)
          .map((z) => z.node)
      ).size
      const spread = nodes > 1 && /\b(kernelcore|movablecore)=/.test(c.cmdline)
      it(`/proc/iomem: ${spread ? 'present pages in all (no nodes in iomem)' : 'present pages per zone'}`, () => {
        const { model: m, kind } = model(c, 'iomem')
        expect(kind).toBe('iomem')
        const sum = (z: [string, number][]): number => z.reduce((a, [, v]) => a + v, 0)
        if (spread) expect(sum(zonesOf(m, false))).toBe(sum(truthOf(c, false)))
        else expect(zonesOf(m, false)).toEqual(truthOf(c, false))
      })
      if (c.files.has('memblock-memory'))
        it('memblock debugfs: present pages per node and zone', () => {
          const src = `==> memory <==\n${c.read('memblock-memory')}${c.files.has('memblock-reserved') ? `==> reserved <==\n${c.read('memblock-reserved')}` : ''}`
          const l = loadInput(src, 'memblock', { kernel: c.release, cmdline: c.cmdline })
          if (!l.ok) throw new Error(l.diagnostics[0].message)
          const perNode = c.version !== '6.1' // nodes printed from v6.5
          expect(zonesOf(runModel(l.scenario), perNode)).toEqual(truthOf(c, perNode))
        })
      if (c.files.has('firmware-memmap.txt'))
        it('/sys/firmware/memmap with the whole command line: present pages in all', () => {
          const { model: m, kind } = model(c, 'firmware-memmap.txt')
          expect(kind).toBe('firmware-memmap')
          const sum = (z: [string, number][]): number => z.reduce((a, [, v]) => a + v, 0)
          expect(sum(zonesOf(m, false))).toBe(sum(truthOf(c, false)))
        })
      // the engine's own reading of the same boot's dmesg (nodes included) against lsmem
      // and the full /proc/zoneinfo
      const fromLog = (): Model => model(c, 'dmesg', { cmdline: undefined }).model
      for (const f of ['lsmem.json', 'lsmem.txt'])
        if (c.files.has(f))
          it(`${f}: the memory blocks of the boot's dmesg, node and zones as lsmem shows them`, () => {
            const r = compareLsmem(fromLog(), c.read(f))
            expect(r.rows.filter((row) => !row.equal)).toEqual([])
            expect(r.compared).toBeGreaterThan(0)
          })
      it("/proc/zoneinfo (whole file): the boot's dmesg gives every zone's start, span and present pages", () => {
        const r = compareZoneinfo(fromLog(), c.read('zoneinfo'))
        expect(r.rows.filter((row) => !row.equal)).toEqual([])
      })
      // the whole directory as one bundle: the map from the most exact capture, nodes from
      // memblock (v6.5+) or kmem -n spans; lsmem's nodes are per block, so not claimed exact
      const exactNodes = nodes <= 1 || (c.files.has('memblock-memory') && c.version !== '6.1') || c.files.has('kmem-n.txt')
      it(`the directory as a bundle: ${exactNodes ? 'every zone of every node exact' : 'present pages in all'}`, async () => {
        const text = await readInput(c.dir, {
          err: (s) => {
            throw new Error(s)
          }
        })
        const l = loadInput(text!, c.dir, { kernel: undefined, cmdline: undefined })
        if (!l.ok) throw new Error(l.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`).join('\n'))
        expect(l.kind).toBe('bundle')
        // the kernel version and command line come from the dmesg among the captures
        expect(l.scenario.kernel).toBe(c.release)
        const m = runModel(l.scenario)
        if (exactNodes) expect(compareZoneinfo(m, c.read('zoneinfo')).rows.filter((r) => !r.equal)).toEqual([])
        else expect(zonesOf(m, false).reduce((a, [, v]) => a + v, 0)).toBe(truthOf(c, false).reduce((a, [, v]) => a + v, 0))
      })
      if (c.files.has('kmem-n.txt'))
        it('crash kmem -n: node spans exact (and zone spans without kernelcore=), present pages an upper bound', () => {
          const { model: m, kind } = model(c, 'kmem-n.txt')
          expect(kind).toBe('kmem-n')
          const rows = compareZoneinfo(m, c.read('zoneinfo')).rows
          // kernelcore=/movablecore= place ZONE_MOVABLE by present pages, which kmem -n
          // bounds only: then each node's span is exact, not its split into zones
          if (/\b(kernelcore|movablecore)=/.test(c.cmdline)) {
            const spans = (col: 'kernel' | 'engine'): [string, number][] =>
              [...rows.filter((r) => r.what.endsWith('spanned')).reduce((a, r) => a.set(r.what.split(' ')[1], (a.get(r.what.split(' ')[1]) ?? 0) + Number(r[col])), new Map<string, number>())].sort()
            expect(spans('engine')).toEqual(spans('kernel'))
          } else expect(rows.filter((r) => /spanned|start_pfn/.test(r.what) && !r.equal)).toEqual([])
          for (const r of rows.filter((row) => row.what.endsWith('present'))) expect(Number(r.engine), r.what).toBeGreaterThanOrEqual(Number(r.kernel))
        })
    })
  }
})
