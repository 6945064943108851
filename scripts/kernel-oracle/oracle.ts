/**
 * `npm run oracle`: boot a fresh batch of layouts with a new seed on every kernel line
 * of versions.ts and check that the engine reproduces each boot exactly.
 *
 *   npm run oracle -- [--seed N] [--count-x86 8] [--count-arm64 4] [--versions 6.1,7.3]
 *                     [--jobs 2] [--timeout 120] [--keep .oracle-cache/mismatches]
 *
 * Each recorded boot is held, in process, to what tests/oracle-versions.spec.ts holds the
 * committed fixtures to: the dmesg capture's layout lines byte for byte, the console's
 * (or the engine's note that the console cannot show the kernel image range), and the
 * kernel's state (compare-state.ts). Boots that do not pass are copied, with their json,
 * into the --keep directory so a developer can inspect them and promote them to
 * tests/fixtures/kernel-versions/. The last line printed is `N passed, N failed`; the exit
 * code is 1 when anything failed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { printSummary, rateOption, recordBatch, REPO_ROOT, versionsOption } from './record.ts'
import type { FixtureJson, RecordedBoot } from './record.ts'
import { bootVerdict, problems } from './verdict.ts'

/** Enough of a diff to see what went wrong without flooding the terminal. */
const MAX_DIFF_LINES = 40

interface OracleOptions {
  seed: number
  countX86: number
  countArm64: number
  jobs: number
  timeoutSeconds: number
  keepDir: string
  movableRate: number
  kaslrRate: number
  versions: string[]
}

function parseCli(argv: string[]): OracleOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      'count-x86': { type: 'string' },
      'count-arm64': { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      keep: { type: 'string' },
      'movable-rate': { type: 'string' },
      'kaslr-rate': { type: 'string' },
      versions: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) {
    console.log('usage: oracle.ts [--seed N] [--count-x86 8] [--count-arm64 4] [--jobs 2] [--timeout 90] [--keep DIR] [--movable-rate 0.25]')
    process.exit(0)
  }
  const int = (value: string | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${value}`)
    return n
  }
  return {
    // A new seed every run (seconds since the epoch) so each run explores new
    // layouts; --seed reproduces a run exactly.
    seed: int(values.seed, 'seed', Math.floor(Date.now() / 1000)),
    countX86: int(values['count-x86'], 'count-x86', 8),
    countArm64: int(values['count-arm64'], 'count-arm64', 4),
    jobs: Math.max(1, int(values.jobs, 'jobs', 2)),
    timeoutSeconds: Math.max(1, int(values.timeout, 'timeout', 90)),
    keepDir: resolve(values.keep ?? join(REPO_ROOT, '.oracle-cache', 'mismatches')),
    // fresh batches also explore ZONE_MOVABLE requests
    movableRate: rateOption(values['movable-rate'], 0.25),
    kaslrRate: rateOption(values['kaslr-rate'], 0.3),
    versions: versionsOption(values.versions)
  }
}

interface Comparison {
  boot: RecordedBoot
  pass: boolean
  problems: string[]
}

function compare(boot: RecordedBoot): Comparison {
  const json = JSON.parse(readFileSync(boot.jsonPath, 'utf8')) as FixtureJson
  const list = problems(bootVerdict(readFileSync(boot.logPath, 'latin1'), json.state, boot.variant.id))
  return { boot, pass: list.length === 0, problems: list }
}

function printComparison(c: Comparison): void {
  console.log(`${c.pass ? 'PASS' : 'MISMATCH'} ${c.boot.version} ${c.boot.variant.id}`)
  for (const line of c.problems.slice(0, MAX_DIFF_LINES)) console.log(`    ${line}`)
  if (c.problems.length > MAX_DIFF_LINES) console.log(`    … ${c.problems.length - MAX_DIFF_LINES} more lines`)
}

/** Copy a failing log and its json where they outlive the temporary directory. */
function keep(c: Comparison, dir: string): void {
  const to = join(dir, c.boot.version)
  mkdirSync(to, { recursive: true })
  for (const file of [c.boot.logPath, c.boot.jsonPath]) copyFileSync(file, join(to, basename(file)))
}

async function main(): Promise<number> {
  const options = parseCli(process.argv.slice(2))
  const workDir = mkdtempSync(join(tmpdir(), 'kernel-oracle-'))
  try {
    console.log(`kernel-oracle: seed ${options.seed}, ${options.countX86} x86_64 + ${options.countArm64} arm64 layouts on ${options.versions.join(', ')} in ${workDir}`)
    const batch = await recordBatch({
      seed: options.seed,
      countX86: options.countX86,
      countArm64: options.countArm64,
      outDir: workDir,
      jobs: options.jobs,
      timeoutSeconds: options.timeoutSeconds,
      verbose: true,
      movableRate: options.movableRate,
      kaslrRate: options.kaslrRate,
      versions: options.versions
    })
    printSummary(batch)
    if (batch.recorded.length === 0) {
      console.log('no boot was recorded; nothing to compare')
      return 2
    }
    const comparisons = [...batch.recorded].sort((a, b) => a.version.localeCompare(b.version) || a.variant.id.localeCompare(b.variant.id)).map(compare)
    comparisons.forEach(printComparison)
    const failed = comparisons.filter((c) => !c.pass)
    failed.forEach((c) => keep(c, options.keepDir))
    if (failed.length) console.log(`kept ${failed.length} failing log(s) + json in ${options.keepDir}`)
    console.log(`${comparisons.length - failed.length} passed, ${failed.length} failed`)
    return failed.length ? 1 : 0
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(`kernel-oracle: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 2
  }
)
