// The real kernels of scripts/kernel-oracle/versions.ts (Debian's 6.1, 6.12, 7.2, 7.3 on
// amd64, arm64 and s390x), each booted on the same generated layouts,
// hold the engine to:
//  - the boot log's layout lines, byte for byte, as the console printed them and as
//    `dmesg` printed them (KERN_DEBUG lines included: what users paste);
//  - the state the kernel computed (compare-state.ts): zones per node, memory blocks,
//    nr_memmap_boot_pages, the HVO sysctl and the vmemmap HVO freed per huge page.
// A console that shows `.text .data .bss are not marked as E820_TYPE_RAM!` without the
// KERN_DEBUG range (a KASLR image in a firmware hole) cannot be exact from the console
// alone: the engine must say so, and the same boot's dmesg must be exact. On arm64 with
// mem= and an initrd no log says where the initrd is added back: the engine must say so,
// and with it supplied from the kernel's /proc/iomem every line and the state must be
// exact (verdict.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FixtureJson } from '../scripts/kernel-oracle/record.ts'
import { bootVerdict } from '../scripts/kernel-oracle/verdict.ts'
import { ORACLE_KERNELS } from '../scripts/kernel-oracle/versions.ts'

const root = join(import.meta.dirname, 'fixtures', 'kernel-versions')

interface Boot {
  version: string
  id: string
  arch: string
  json: FixtureJson
  log: string
}

function boots(): Boot[] {
  const out: Boot[] = []
  for (const { id: version } of ORACLE_KERNELS) {
    const dir = join(root, version)
    if (!existsSync(dir)) continue
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as FixtureJson
      out.push({ version, id: json.id, arch: json.layout.arch, json, log: readFileSync(join(dir, f.replace(/\.json$/, '.log')), 'latin1') })
    }
  }
  return out
}

const all = boots()

describe('the oracle covers every kernel line on both architectures', () => {
  it('at least 60 recorded boots per version, both arches, the same layouts on every version, some with KASLR', () => {
    for (const { id } of ORACLE_KERNELS) {
      const mine = all.filter((b) => b.version === id)
      expect(mine.length, id).toBeGreaterThanOrEqual(60)
      const arches = new Set(mine.map((b) => b.arch))
      expect(arches.has('x86_64') && arches.has('arm64'), id).toBe(true)
      expect(
        [...arches].filter((a) => !['x86_64', 'arm64', 's390x'].includes(a)),
        id
      ).toEqual([])
    }
    const layouts = (v: string): string[] => all.filter((b) => b.version === v).map((b) => `${b.id} ${b.json.layout.summary}`)
    const first = layouts(ORACLE_KERNELS[0].id)
    for (const { id } of ORACLE_KERNELS.slice(1)) expect(layouts(id).filter((l) => first.includes(l)).length, id).toBeGreaterThanOrEqual(55)
    expect(all.filter((b) => b.json.layout.features.includes('kaslr')).length).toBeGreaterThan(10)
  })

  it('s390x: at least 10 boots on each of two or more kernel lines, the same layouts on each, some with mem= and ZONE_NORMAL', () => {
    const s390 = all.filter((b) => b.arch === 's390x')
    const versions = [...new Set(s390.map((b) => b.version))]
    const perVersion = versions.map((v) => s390.filter((b) => b.version === v).length)
    expect(perVersion.filter((n) => n >= 10).length).toBeGreaterThanOrEqual(2)
    const layouts = (v: string): string[] =>
      s390
        .filter((b) => b.version === v)
        .map((b) => `${b.id} ${b.json.layout.summary}`)
        .sort()
    for (const v of versions.slice(1)) expect(layouts(v), v).toEqual(layouts(versions[0]))
    expect(s390.some((b) => b.json.layout.mem)).toBe(true)
    expect(s390.some((b) => b.json.layout.features.includes('ram-above-2G'))).toBe(true)
  })
})

const verdicts = new Map(all.map((b) => [b, bootVerdict(b.log, b.json.state, b.id)]))

for (const { id: version } of ORACLE_KERNELS) {
  describe(`Linux ${version}: recorded boots`, () => {
    for (const b of all.filter((x) => x.version === version)) {
      describe(`${b.id} (${b.json.release})`, () => {
        const v = verdicts.get(b)!
        it('dmesg: every layout line byte for byte', () => {
          expect(v.dmesg, 'the fixture carries a dmesg section').not.toBeNull()
          expect(v.dmesg!.detail.join('\n')).toBe('')
          expect(v.dmesg!.exact).toBe(true)
          expect(v.dmesg!.warnings.join('\n')).not.toMatch(/folded/)
        })
        it('console: every layout line byte for byte, or what the console cannot show named', () => {
          if (v.consoleUnknown) return
          expect(v.console.detail.join('\n')).toBe('')
          expect(v.console.exact).toBe(true)
        })
        it("the kernel's state: zones, memory blocks, nr_memmap_boot_pages, HVO", () => {
          expect(v.state.join('\n')).toBe('')
        })
      })
    }
  })
}

describe('rates', () => {
  it('prints the exact rates per version and architecture', () => {
    const rows: string[] = []
    for (const { id: version } of ORACLE_KERNELS) {
      for (const arch of ['x86_64', 'arm64', 's390x']) {
        const mine = all.filter((b) => b.version === version && b.arch === arch)
        if (!mine.length) continue
        const vs = mine.map((b) => verdicts.get(b)!)
        const dm = vs.filter((v) => v.dmesg?.exact).length
        const unknown = vs.filter((v) => v.consoleUnknown).length
        const con = vs.filter((v) => v.console.exact).length
        const st = vs.filter((v) => v.state.length === 0).length
        const supplied = vs.filter((v) => v.unknown).length
        rows.push(
          `  ${version.padEnd(5)} ${arch.padEnd(7)} boots ${String(mine.length).padStart(3)}  dmesg exact ${dm}/${mine.length}  console exact ${con}/${mine.length}${unknown ? ` (${unknown} name what the console cannot show)` : ''}  state exact ${st}/${mine.length}${supplied ? `  (${supplied} with the initrd supplied from /proc/iomem, after the engine named it)` : ''}`
        )
      }
    }
    console.log(`oracle: recorded boots per kernel line\n${rows.join('\n')}`)
    const s390xLines = new Set(all.filter((b) => b.arch === 's390x').map((b) => b.version)).size
    expect(rows.length).toBe(ORACLE_KERNELS.length * 2 + s390xLines)
  })

  // Floors, so an architecture cannot shrink or drop out unnoticed (the per-boot tests above
  // only cover the boots that are there): per kernel line and architecture, the boots
  // recorded (seed 401: 36 x86_64 and 28 arm64 layouts; seed 501: 22 s390x) and every one
  // exact in dmesg and state, the console exact or naming what it cannot show.
  const FLOOR: Record<string, number> = { x86_64: 36, arm64: 28, s390x: 22 }
  for (const { id: version } of ORACLE_KERNELS) {
    for (const [arch, floor] of Object.entries(FLOOR)) {
      it(`${version} ${arch}: at least ${floor} boots, all exact`, () => {
        const vs = all.filter((b) => b.version === version && b.arch === arch).map((b) => verdicts.get(b)!)
        expect(vs.length).toBeGreaterThanOrEqual(floor)
        expect(vs.filter((v) => v.dmesg?.exact).length).toBe(vs.length)
        expect(vs.filter((v) => v.state.length === 0).length).toBe(vs.length)
        expect(vs.filter((v) => v.console.exact || v.consoleUnknown).length).toBe(vs.length)
      })
    }
  }
})
