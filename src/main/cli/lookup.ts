// `memmap-workbench lookup FILE ADDR…`: which node, zone, section, memblock region and
// firmware range hold each address or pfn, and where its struct page lies. Exit 0 when
// every ADDR was understood, 2 on bad input (the file, or any ADDR that is not an address
// or pfn; the others are still answered).

import { lookupSource, type InputOptions } from '../../shared/engine/index.ts'
import { lookupText } from '../../shared/engine/lookup.ts'
import { formatDiagnostic } from '../../shared/engine/report.ts'
import { readInput } from './input.ts'

interface Out {
  out: (s: string) => void
  err: (s: string) => void
}

export const LOOKUP_USAGE = 'usage: memmap-workbench lookup FILE ADDR… [--json]   (ADDR: 0x100000000, 4G, 4294967296, or pfn:0x100000)'

export async function lookupCommand(args: string[], opts: InputOptions, json: boolean, io: Out): Promise<number> {
  const [file, ...queries] = args
  if (!file || !queries.length) {
    io.err(LOOKUP_USAGE)
    return 2
  }
  const source = await readInput(file, io)
  if (source === null) return 2
  const r = lookupSource(source, file, queries, opts)
  for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiagnostic(file, d))
  if (!r.ok) return 2
  if (json) io.out(JSON.stringify(r.report, null, 2))
  else io.out(lookupText(r.report))
  const bad = r.report.results.filter((x) => 'error' in x)
  for (const x of bad) if ('error' in x) io.err(`${file}: error: ${x.error}`)
  return bad.length ? 2 : 0
}
