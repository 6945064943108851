// `memmap-workbench compare FILE STATE`: a scenario, log or capture against what a running
// kernel reported (/proc/zoneinfo, lsmem). Exit 0 equal, 1 any difference, 2 bad input.

import { compareStateSource, type InputOptions } from '../../shared/engine/index.ts'
import { formatDiagnostic } from '../../shared/engine/report.ts'
import { readInput } from './input.ts'

interface Out {
  out: (s: string) => void
  err: (s: string) => void
}

export async function compareCommand(files: string[], opts: InputOptions, json: boolean, io: Out): Promise<number> {
  const [file, stateFile] = files
  if (!file || !stateFile || files.length > 2) {
    io.err('usage: memmap-workbench compare FILE STATE [--json]   (STATE: a /proc/zoneinfo or lsmem output)')
    return 2
  }
  const source = await readInput(file, io)
  if (source === null) return 2
  const state = await readInput(stateFile, io)
  if (state === null) return 2
  const r = compareStateSource(source, file, state, stateFile, opts)
  for (const d of r.stateDiagnostics ?? []) io.err(formatDiagnostic(stateFile, d))
  for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiagnostic(file, d))
  if (!r.ok) return 2
  const c = r.report
  if (json) io.out(JSON.stringify(c, null, 2))
  else {
    const w = Math.max(...c.rows.map((row) => row.what.length), 4)
    io.out(`${'what'.padEnd(w)}  ${'kernel'.padStart(12)}  ${'engine'.padStart(12)}`)
    for (const row of c.rows) io.out(`${row.what.padEnd(w)}  ${row.kernel.padStart(12)}  ${row.engine.padStart(12)}${row.equal ? '' : '  ≠'}`)
    const diff = c.rows.filter((row) => !row.equal).length
    io.err(`${file}: ${c.equal ? 'exact' : `MISMATCH (${diff} of ${c.compared} differ)`} against ${stateFile} (${c.against})`)
  }
  return c.equal ? 0 : 1
}
