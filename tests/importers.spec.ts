// The importers held to the recorded kernels (tests/fixtures/kernel-versions: Debian's 6.1,
// 6.12, 7.2 and 7.3 on x86_64 and arm64, the state each printed after boot): a boot's own
// /proc/iomem or memblock debugfs, imported and analysed, must give the zones that kernel
// reported in /proc/zoneinfo. Captures do not show the kernel version or the command line;
// the test supplies them as a user would (--kernel, --cmdline "$(cat /proc/cmdline)").
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FixtureJson } from '../scripts/kernel-oracle/record.ts'
import { stateSections } from '../scripts/kernel-oracle/state.ts'
import { ORACLE_KERNELS } from '../scripts/kernel-oracle/versions.ts'
import { analyzeSource, loadInput } from '../src/shared/engine/index.ts'
import { compareZoneinfo } from '../src/shared/engine/import/state-compare.ts'
import { runModel } from '../src/shared/engine/model.ts'

const root = join(import.meta.dirname, 'fixtures', 'kernel-versions')

interface Boot {
  version: string
  json: FixtureJson
  sections: Map<string, string>
  cmdline: string
}

function boots(arch: string): Boot[] {
  const out: Boot[] = []
  for (const { id: version } of ORACLE_KERNELS) {
    const dir = join(root, version)
    if (!existsSync(dir)) continue
    for (const f of readdirSync(dir)
      .filter((x) => x.startsWith(`${arch}-`) && x.endsWith('.json'))
      .sort()) {
      const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as FixtureJson
      const log = readFileSync(join(dir, f.replace(/\.json$/, '.log')), 'latin1')
      // what /proc/cmdline holds: the kernel's own "Kernel command line:" / "Command line:"
      const cmdline = /(?:Kernel command line|Command line): (.*)/.exec(log)![1].replace(/\r/g, '')
      out.push({ version, json, sections: stateSections(log), cmdline })
    }
  }
  return out
}

type Zones = Map<string, number>
const kernelZones = (b: Boot, perNode: boolean): Zones => {
  const z: Zones = new Map()
  for (const e of b.json.state.zoneinfo) if (e.present) z.set(`${perNode ? e.node : '*'}:${e.zone}`, (z.get(`${perNode ? e.node : '*'}:${e.zone}`) ?? 0) + e.present)
  return z
}
const engineZones = (m: ReturnType<typeof runModel>, perNode: boolean): Zones => {
  const z: Zones = new Map()
  for (const n of m.nodes) for (const e of n.zones) if (e.present) z.set(`${perNode ? n.nid : '*'}:${e.name}`, (z.get(`${perNode ? n.nid : '*'}:${e.name}`) ?? 0) + e.present)
  return z
}
const sorted = (z: Zones): [string, number][] => [...z.entries()].sort()

describe("/proc/iomem of every recorded x86_64 and arm64 boot analyses to the kernel's zones", () => {
  const all = [...boots('x86_64'), ...boots('arm64')]
  it('covers both architectures on every kernel line', () => {
    for (const { id } of ORACLE_KERNELS)
      for (const arch of ['x86_64', 'arm64']) expect(all.filter((b) => b.version === id && b.json.layout.arch === arch).length, `${id} ${arch}`).toBeGreaterThanOrEqual(10)
  })
  for (const b of all) {
    const nodes = b.json.layout.numa.length
    // iomem shows no nodes: kernelcore=/movablecore= spread ZONE_MOVABLE over nodes by
    // their sizes, so with several nodes only the total is known from iomem alone
    const spread = nodes > 1 && /\b(kernelcore|movablecore)=/.test(b.cmdline)
    it(`${b.version} ${b.json.id}: ${spread ? 'present pages in all' : nodes > 1 ? 'present pages per zone' : "each zone's start, span and present pages"}`, () => {
      const r = loadInput(b.sections.get('iomem')!, 'iomem', { kernel: b.json.release, cmdline: b.cmdline })
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'))
      expect(r.kind).toBe('iomem')
      expect(r.scenario.arch).toBe(b.json.layout.arch)
      const m = runModel(r.scenario)
      if (spread) {
        const total = (z: Zones): number => [...z.values()].reduce((a, v) => a + v, 0)
        expect(total(engineZones(m, false))).toBe(total(kernelZones(b, false)))
      } else expect(sorted(engineZones(m, false))).toEqual(sorted(kernelZones(b, false)))
      if (nodes <= 1) {
        // the recorded zoneinfo section is a real /proc/zoneinfo (its layout lines)
        const c = compareZoneinfo(m, b.sections.get('zoneinfo')!)
        expect(c.rows.filter((row) => !row.equal)).toEqual([])
        expect(c.compared).toBeGreaterThanOrEqual(3)
      }
    })
  }
})

describe("memblock debugfs of every recorded arm64 boot analyses to the kernel's zones per node", () => {
  for (const b of boots('arm64')) {
    // nodes and flags are printed from v6.5 (493f349e38d0): before, zones summed over nodes
    const perNode = b.version !== '6.1'
    it(`${b.version} ${b.json.id}: ${perNode ? 'per node' : 'summed over nodes'}`, () => {
      const capture = `==> memory <==\n${b.sections.get('memblock-memory')}==> reserved <==\n${b.sections.get('memblock-reserved')}`
      const r = analyzeSource(capture, 'memblock.txt', { kernel: b.json.release, cmdline: b.cmdline })
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'))
      const got: Zones = new Map()
      for (const n of r.report.nodes) for (const z of n.zones) if (z.presentPages) got.set(`${perNode ? n.nid : '*'}:${z.name}`, (got.get(`${perNode ? n.nid : '*'}:${z.name}`) ?? 0) + z.presentPages)
      expect(sorted(got)).toEqual(sorted(kernelZones(b, perNode)))
    })
  }
})
