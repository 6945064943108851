/**
 * `npm run oracle`: boot a fresh batch of variants with a new seed and check
 * that the engine reproduces every log exactly.
 *
 *   npm run oracle -- [--seed N] [--count-x86 8] [--count-arm64 4] [--jobs 2]
 *                     [--timeout 90] [--keep .oracle-cache/mismatches]
 *
 * Each recorded log goes through `node bin/memmap-workbench.mjs bootlog --diff
 * <log>` (exit 0 = exact, 1 = mismatch, 2 = bad input). Logs that do not pass
 * are copied, with their json, into the --keep directory so a developer can
 * inspect them and promote them to tests/fixtures/kernel-boots/. The last line
 * printed is `N passed, N failed`; the exit code is 1 when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printSummary, rateOption, recordBatch, REPO_ROOT, versionsOption } from './record.ts';
import type { RecordedBoot } from './record.ts';

const CLI = join(REPO_ROOT, 'bin', 'memmap-workbench.mjs');
/** Enough of a diff to see what went wrong without flooding the terminal. */
const MAX_DIFF_LINES = 40;

interface OracleOptions {
  seed: number;
  countX86: number;
  countArm64: number;
  jobs: number;
  timeoutSeconds: number;
  keepDir: string;
  movableRate: number;
  kaslrRate: number;
  versions: string[];
}

type Verdict = 'pass' | 'mismatch' | 'bad-input' | 'error';

interface Comparison {
  boot: RecordedBoot;
  verdict: Verdict;
  output: string;
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
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('usage: oracle.ts [--seed N] [--count-x86 8] [--count-arm64 4] [--jobs 2] [--timeout 90] [--keep DIR] [--movable-rate 0.25]');
    process.exit(0);
  }
  const int = (value: string | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${value}`);
    return n;
  };
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
    versions: versionsOption(values.versions),
  };
}

function verdictOf(status: number | null): Verdict {
  if (status === 0) return 'pass';
  if (status === 1) return 'mismatch';
  if (status === 2) return 'bad-input';
  return 'error';
}

function compare(boot: RecordedBoot): Comparison {
  const run = spawnSync(process.execPath, [CLI, 'bootlog', '--diff', boot.logPath], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
  return { boot, verdict: verdictOf(run.status), output };
}

function printComparison(c: Comparison): void {
  const label = { pass: 'PASS', mismatch: 'MISMATCH', 'bad-input': 'BAD INPUT', error: 'ERROR' }[c.verdict];
  console.log(`${label} ${c.boot.variant.id}`);
  if (c.verdict === 'pass') return;
  const lines = c.output.trimEnd().split('\n');
  for (const line of lines.slice(0, MAX_DIFF_LINES)) console.log(`    ${line}`);
  if (lines.length > MAX_DIFF_LINES) console.log(`    … ${lines.length - MAX_DIFF_LINES} more lines`);
}

/** Copy a failing log and its json where they outlive the temporary directory. */
function keep(c: Comparison, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of [c.boot.logPath, c.boot.jsonPath]) copyFileSync(file, join(dir, basename(file)));
}

async function main(): Promise<number> {
  const options = parseCli(process.argv.slice(2));
  // Fail before spending minutes on boots if there is nothing to compare with.
  if (!existsSync(CLI)) throw new Error(`${relative(REPO_ROOT, CLI)} not found`);
  const workDir = mkdtempSync(join(tmpdir(), 'kernel-oracle-'));
  try {
    console.log(`kernel-oracle: seed ${options.seed}, ${options.countX86} x86_64 + ${options.countArm64} arm64 boots in ${workDir}`);
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
      versions: options.versions,
    });
    printSummary(batch);
    if (batch.recorded.length === 0) {
      console.log('no boot was recorded; nothing to compare');
      return 2;
    }
    const comparisons = [...batch.recorded].sort((a, b) => a.variant.id.localeCompare(b.variant.id)).map(compare);
    comparisons.forEach(printComparison);
    const failed = comparisons.filter((c) => c.verdict !== 'pass');
    failed.forEach((c) => keep(c, options.keepDir));
    if (failed.length) console.log(`kept ${failed.length} failing log(s) + json in ${options.keepDir}`);
    console.log(`${comparisons.length - failed.length} passed, ${failed.length} failed`);
    return failed.length ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`kernel-oracle: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
