// Seeded mutation fuzzing of every parser an input can reach: scenario YAML and JSON, boot
// logs, and each capture importer (issue 12). A mutant is a real input (an example, a
// recorded boot, a recorded capture) with one to four edits of the kinds people and
// tools make: a number swapped for an extreme, a line cut, doubled, moved or joined, the
// white space re-flowed, a truncation, stray bytes (NUL, escapes, a BOM, CR, non-ASCII).
// Whatever the mutant, the engine must answer: a report, or errors that say
// `file:line:col: error:` inside the input; never a throw, never a hang.
//
// Used by tests/fuzz.spec.ts (a bounded run inside `npm test`) and scripts/fuzz.ts
// (`npm run fuzz`: 10^5 mutants per parser, with a watchdog for hangs).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { analyzeSource, bootlogSource, compareStateSource, type InputKind } from '../../src/shared/engine/index.ts'
import { formatDiagnostic } from '../../src/shared/engine/report.ts'
import { mulberry32 } from '../prng.ts'

const repo = join(import.meta.dirname, '../..')

export interface Parser {
  name: string
  /** the file name the engine is told (decides YAML vs JSON, log by name) */
  fileName: string
  /** read as this kind, as `--from` does (undefined: told by content, as a user's file is) */
  from?: InputKind
  seeds: string[]
  /**
   * A state capture (zoneinfo, lsmem) is held against a model, not analysed: the log of
   * the same machine that `compare` reads with it, per seed.
   */
  against?: string[]
}

const read = (...p: string[]): string => readFileSync(join(repo, ...p), 'utf8')
const captureDirs = (): string[] => {
  const root = join(repo, 'tests/fixtures/captures')
  return readdirSync(root)
    .sort()
    .flatMap((v) =>
      readdirSync(join(root, v))
        .sort()
        .map((m) => join(root, v, m))
    )
}
const isFile = (f: string): boolean => {
  try {
    return statSync(f).isFile()
  } catch {
    return false
  }
}
const capturesNamed = (file: string): string[] =>
  captureDirs()
    .map((d) => join(d, file))
    .filter(isFile)
    .map((f) => readFileSync(f, 'utf8'))
/** [capture, the same machine's dmesg] for every recorded machine that has both */
const statePairs = (file: string): [string, string][] =>
  captureDirs()
    .filter((d) => isFile(join(d, file)) && isFile(join(d, 'dmesg')))
    .map((d) => [readFileSync(join(d, file), 'utf8'), readFileSync(join(d, 'dmesg'), 'utf8')])

/** A real log cut after its memory lines (the part the engine reads), so mutants stay small. */
function memoryPart(log: string): string {
  const lines = log.split('\n')
  const end = lines.findIndex((l) => /Memory: \d+K\/\d+K available|HugeTLB: .*vmemmap/.test(l))
  return lines.slice(0, end < 0 ? Math.min(lines.length, 600) : Math.min(lines.length, end + 8)).join('\n')
}

/** Every parser with its seeds, from the examples and the recorded fixtures. */
export function parsers(): Parser[] {
  const examples = readdirSync(join(repo, 'resources/examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => read('resources/examples', f))
  const realDir = join(repo, 'tests/fixtures/real-dmesg')
  const real = readdirSync(realDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => memoryPart(readFileSync(join(realDir, f), 'utf8')))
  const qemu = readdirSync(join(repo, 'tests/fixtures/qemu-boots'))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .slice(0, 8)
    .map((f) => memoryPart(read('tests/fixtures/qemu-boots', f)))
  const bundles = captureDirs()
    .filter((d) => /x86_64/.test(d))
    .map((d) =>
      ['iomem', 'lsmem.txt', 'kmem-n.txt']
        .map((f) => {
          try {
            return `==> ${f === 'iomem' ? '/proc/iomem' : f} <==\n${readFileSync(join(d, f), 'utf8')}`
          } catch {
            return ''
          }
        })
        .filter(Boolean)
        .join('\n')
    )
  return [
    { name: 'scenario (YAML)', fileName: 'fuzz.yaml', seeds: examples },
    { name: 'scenario (JSON)', fileName: 'fuzz.json', seeds: examples.map((y) => JSON.stringify(parseYaml(y), null, 2)) },
    { name: 'boot log', fileName: 'fuzz.log', seeds: [...real, ...qemu] },
    { name: 'iomem', fileName: 'iomem', from: 'iomem', seeds: capturesNamed('iomem') },
    { name: 'firmware memmap', fileName: 'memmap.txt', from: 'firmware-memmap', seeds: capturesNamed('firmware-memmap.txt') },
    { name: 'memblock', fileName: 'memblock', from: 'memblock', seeds: [...capturesNamed('memblock-memory'), ...capturesNamed('memblock-reserved')] },
    { name: 'lsmem', fileName: 'lsmem', from: 'lsmem', seeds: [...capturesNamed('lsmem.json'), ...capturesNamed('lsmem.txt')] },
    { name: 'zoneinfo (compare)', fileName: 'zoneinfo', seeds: statePairs('zoneinfo').map(([z]) => z), against: statePairs('zoneinfo').map(([, d]) => d) },
    { name: 'lsmem (compare)', fileName: 'lsmem', seeds: statePairs('lsmem.json').map(([z]) => z), against: statePairs('lsmem.json').map(([, d]) => d) },
    { name: 'kmem -n', fileName: 'kmem-n.txt', from: 'kmem-n', seeds: capturesNamed('kmem-n.txt') },
    { name: 'bundle', fileName: 'machine.txt', from: 'bundle', seeds: bundles }
  ].filter((p) => p.seeds.length > 0) as Parser[]
}

const EXTREMES = [
  '0',
  '-1',
  '1',
  '4096',
  '9007199254740993',
  '18446744073709551616',
  '0xffffffffffffffff',
  '0x10000000000000000',
  '1e400',
  '99999999999999999999',
  'NaN',
  '',
  '-0x1',
  '1.5',
  '0x',
  '4K',
  '16E',
  '007'
]
const STRAY = ['\0', '\x1b[2J', '\ufeff', '\r', '\t', '\u00a0', '\u2028', 'é', '😀', '\\', '"', "'", '#', ':', '- ', '{', '}', '[', ']', '&a', '*a', '!!binary ', '|', '>', '%', '@', '<', '\n\n']

type Rng = () => number

/** One to four edits of a seed. */
export function mutate(seed: string, rng: Rng): string {
  let s = seed
  const n = 1 + Math.floor(rng() * 4)
  for (let i = 0; i < n; i++) s = edit(s, rng)
  return s
}

function pick<T>(a: readonly T[], rng: Rng): T {
  return a[Math.floor(rng() * a.length)]
}

function edit(s: string, rng: Rng): string {
  const lines = s.split('\n')
  const li = Math.floor(rng() * lines.length)
  const at = Math.floor(rng() * (s.length + 1))
  switch (Math.floor(rng() * 11)) {
    case 0: {
      // a number (decimal or hex) swapped for an extreme
      const re = /0x[0-9a-fA-F]+|\d+/g
      const nums = [...lines[li].matchAll(re)]
      if (!nums.length) return s
      const m = pick(nums, rng)
      lines[li] = lines[li].slice(0, m.index) + pick(EXTREMES, rng) + lines[li].slice(m.index! + m[0].length)
      return lines.join('\n')
    }
    case 1:
      lines.splice(li, 1)
      return lines.join('\n')
    case 2:
      lines.splice(li, 0, lines[li])
      return lines.join('\n')
    case 3: {
      const [l] = lines.splice(li, 1)
      lines.splice(Math.floor(rng() * (lines.length + 1)), 0, l)
      return lines.join('\n')
    }
    case 4:
      // re-flowed white space
      lines[li] = lines[li].replace(/[ \t]+/g, rng() < 0.5 ? ' ' : '').trim()
      return lines.join('\n')
    case 5:
      if (li + 1 < lines.length) lines.splice(li, 2, lines[li] + ' ' + lines[li + 1])
      return lines.join('\n')
    case 6:
      return s.slice(0, at)
    case 7:
      return s.slice(0, at) + pick(STRAY, rng) + s.slice(at)
    case 8: {
      // a character replaced
      if (!s.length) return s
      const i = Math.min(at, s.length - 1)
      return s.slice(0, i) + pick([...STRAY, '0', 'f', 'x', '-', ' ', 'Z'], rng) + s.slice(i + 1)
    }
    case 9: {
      // a line repeated many times
      const k = 2 + Math.floor(rng() * 300)
      lines.splice(li, 1, ...Array.from({ length: k }, () => lines[li]))
      return lines.join('\n')
    }
    default: {
      // a hex digit of an address changed
      const hex = [...lines[li].matchAll(/[0-9a-f]{8,16}/g)]
      if (!hex.length) return s
      const m = pick(hex, rng)
      const j = m.index! + Math.floor(rng() * m[0].length)
      lines[li] = lines[li].slice(0, j) + pick([...'0123456789abcdef'], rng) + lines[li].slice(j + 1)
      return lines.join('\n')
    }
  }
}

export interface Outcome {
  /** what went wrong, or null */
  problem: string | null
  /** CPU time (user + system) of this thread on the input: a busy machine does not make a hang */
  ms: number
  /** the engine answered with a report (false: with errors) */
  ok: boolean
}

/** CPU time of this process so far, in ms (the fuzz runs one input at a time on one thread). */
export function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Run one input through the engine and judge the answer (`against`: the log a state capture is compared with). */
export function judge(p: Parser, source: string, against?: string): Outcome {
  const t0 = cpuMs()
  let problem: string | null
  let ok = false
  try {
    const opts = p.from ? { from: p.from } : {}
    if (against !== undefined) {
      const c = compareStateSource(against, 'dmesg', source, p.fileName)
      ok = c.ok
      problem = c.ok ? reportProblem(c.report) : c.stateDiagnostics ? errorProblem(p.fileName, source, c.stateDiagnostics) : `the log was refused: ${c.diagnostics.map((d) => d.message).join('; ')}`
      return { problem, ms: cpuMs() - t0, ok }
    }
    const r = analyzeSource(source, p.fileName, opts)
    ok = r.ok
    problem = r.ok ? reportProblem(r.report) : errorProblem(p.fileName, source, r.diagnostics)
    if (!problem && p.name === 'boot log') {
      const b = bootlogSource(source, p.fileName, opts)
      problem = b.ok ? null : errorProblem(p.fileName, source, b.diagnostics)
    }
  } catch (e) {
    problem = `threw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e)}`
  }
  return { problem, ms: cpuMs() - t0, ok }
}

export function errorProblem(file: string, source: string, diagnostics: readonly { severity: string; message: string; line?: number; column?: number }[]): string | null {
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (!errors.length) return 'refused without an error diagnostic'
  let lineCount = 1
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineCount++
  for (const d of errors) {
    const text = formatDiagnostic(file, d as Parameters<typeof formatDiagnostic>[1])
    if (!/^[^:]+:\d+:\d+: error: \S/.test(text)) return `not file:line:col: ${text}`
    if (d.line! < 1 || d.line! > lineCount + 1 || d.column! < 1) return `position outside the input (${lineCount} lines): ${text}`
    // NaN or Infinity are fine where the input says so (a quoted line, JSON's 1e400)
    const broken = d.message.match(/\bundefined\b|\[object |\bNaN\b|\bInfinity\b/)
    if (broken && !(broken[0] === 'NaN' && source.includes('NaN')) && !(broken[0] === 'Infinity' && /1e400/.test(source))) return `a broken message: ${text}`
  }
  return null
}

/** A report's numbers are finite, counts are non-negative integers. */
export function reportProblem(report: unknown): string | null {
  let problem: string | null = null
  const walk = (v: unknown, path: string): void => {
    if (problem) return
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) problem = `${path} = ${v}`
      // page counts of zones, nodes and the whole layout are whole and never negative
      else if (/(^|\.)(presentPages|spannedPages|present|spanned|managedPages|totalPages)$/.test(path) && (v < 0 || !Number.isInteger(v))) problem = `${path} = ${v}`
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && i < 5000; i++) walk(v[i], `${path}[${i}]`)
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k)
    }
  }
  walk(report, '')
  return problem
}

/** An input that takes more CPU time than this is a hang (issue 12: "no hang over 2 s"). */
export const HANG_MS = 2000

export interface Tally {
  parser: string
  inputs: number
  accepted: number
  refused: number
  problems: { seed: number; index: number; problem: string; input: string }[]
  slowest: number
  totalMs: number
}

/** n mutants of p's seeds from one seed number; a problem keeps its input for the report. */
export function fuzz(p: Parser, n: number, seed: number, onInput?: (i: number) => void, from = 0): Tally {
  const rng = mulberry32(seed)
  const t: Tally = { parser: p.name, inputs: 0, accepted: 0, refused: 0, problems: [], slowest: 0, totalMs: 0 }
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng() * p.seeds.length)
    const input = mutate(p.seeds[k], rng)
    // resuming after a hang: the same mutants are made again, the ones done are not run
    if (i < from) continue
    onInput?.(i)
    const o = judge(p, input, p.against?.[k])
    t.inputs++
    if (o.ok) t.accepted++
    else t.refused++
    t.totalMs += o.ms
    if (o.ms > t.slowest) t.slowest = o.ms
    const problem = o.problem ?? (o.ms > HANG_MS ? `took ${o.ms.toFixed(0)} ms of CPU time (a hang is over ${HANG_MS} ms)` : null)
    if (problem) t.problems.push({ seed, index: i, problem, input })
  }
  return t
}
