// The reports the view specs lay out at narrow and wide widths: every example in
// resources/examples (as tests/examples.spec.ts loads them) and a hyperscale machine.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hyperscale } from '../bench/hyperscale.ts'
import { analyzeSource, buildAnalysis } from '../src/shared/engine/index.ts'
import { runModel } from '../src/shared/engine/model.ts'
import type { AnalysisReport } from '../src/shared/engine/report.ts'

const dir = join(import.meta.dirname, '../resources/examples')

/** Every example, by file name; `extra` is appended to each scenario's text. */
export function exampleReports(extra = ''): [string, AnalysisReport][] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const r = analyzeSource(readFileSync(join(dir, f), 'utf8') + extra, f)
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.diagnostics)}`)
      return [f, r.report]
    })
}

let big: AnalysisReport | null = null
/** A machine of 128 nodes and half a million sections (bench/hyperscale.ts). */
export function hyperscaleReport(): AnalysisReport {
  big ??= buildAnalysis(runModel(hyperscale(128, 16, 4096)))
  return big
}
