// The examples hold what their names say (issue 11: "the '4 GiB' board example showed
// 4.86 GiB"). A name's memory size (or its mem= cap) is the DRAM fitted; what the kernel
// sees present is at most that and not less than 90 % of it (firmware and holes take
// the rest). DRAM is sold in binary sizes, so "8 GB" is 8 GiB.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../src/shared/engine/index.ts'

const dir = join(import.meta.dirname, '../resources/examples')
const UNIT: Record<string, number> = { M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }

describe('examples hold what their names say', () => {
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(join(dir, f), 'utf8')
    const name = /^name: (.*)$/m.exec(text)![1]
    const sizes = [...name.matchAll(/(?:mem=)?(\d+(?:\.\d+)?) ?([MGT])(?:i?B)?\b/g)]
    if (!sizes.length) continue
    // a mem= cap, when the name gives one, is what the kernel keeps
    const m = sizes.find((s) => s[0].startsWith('mem=')) ?? sizes[0]
    const nominal = Number(m[1]) * UNIT[m[2]]
    it(`${f}: "${name}" has ${m[0]} present, give or take the firmware's holes`, () => {
      const r = analyzeSource(text, f)
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
      const present = r.report.totals.presentPages * r.report.pageSizeBytes
      expect(present).toBeLessThanOrEqual(nominal)
      expect(present).toBeGreaterThanOrEqual(0.9 * nominal)
    })
  }
})
