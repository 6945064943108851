/**
 * Boot generated variants under QEMU and keep their serial logs as fixtures.
 *
 *   node --import tsx scripts/kernel-oracle/record.ts --seed 101 \
 *     --count-x86 100 --count-arm64 60 --out tests/fixtures/kernel-boots [--jobs 2]
 *
 * For each variant that reaches the kernel's `Memory:` and `HugeTLB: … vmemmap
 * can be freed` lines it writes <id>.log (the raw console bytes) and <id>.json
 * ({id, cmd, seconds, seed, kernelPackage, layout}). Boots that do not get
 * there are listed with a reason and not written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeLayout, generateBatch, qemuCommand, rangeText } from './layouts.ts';
import type { Arch, MemRange, Variant } from './layouts.ts';
import { consoleProblems } from './log-check.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
const MANIFEST = join(REPO_ROOT, '.oracle-cache', 'kernels.json');
/** A runaway console (e.g. a boot loop) is not a fixture. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;
/** Boots whose console lost bytes are run again, up to this many times in all. */
const MAX_ATTEMPTS = 3;

export interface Kernel {
  package: string;
  version: string;
  vmlinuz: string;
  config: string;
}

export type Kernels = Record<'amd64' | 'arm64', Kernel>;

export interface RecordOptions {
  seed: number;
  countX86: number;
  countArm64: number;
  outDir: string;
  jobs: number;
  timeoutSeconds: number;
  /** Only these variant ids (still generated from the same seed). */
  only?: string[];
  /** Print one line per boot. */
  verbose: boolean;
  /** Share of variants that also get kernelcore= / movablecore= (0: the recorded fixtures). */
  movableRate?: number;
}

export interface RecordedBoot {
  variant: Variant;
  logPath: string;
  jsonPath: string;
  seconds: number;
  warnings: string[];
}

export interface FailedBoot {
  variant: Variant;
  reason: string;
  seconds: number;
}

export interface BatchResult {
  recorded: RecordedBoot[];
  failed: FailedBoot[];
}

// ---------------------------------------------------------------------------
// Kernels

function readManifest(): Kernels | undefined {
  if (!existsSync(MANIFEST)) return undefined;
  const kernels = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Kernels;
  const complete = (['amd64', 'arm64'] as const).every((a) => kernels[a] && existsSync(kernels[a].vmlinuz));
  return complete ? kernels : undefined;
}

/**
 * The unpacked kernels. Runs setup.sh when they are missing and we are root
 * (it needs apt); otherwise says how to get them.
 */
export function loadKernels(): Kernels {
  const found = readManifest();
  if (found) return found;
  const setup = join(HERE, 'setup.sh');
  if (process.getuid?.() !== 0) {
    throw new Error(`kernels missing (${MANIFEST}); run as root: ${setup}`);
  }
  console.error(`kernel-oracle: kernels missing, running ${setup}`);
  const run = spawnSync('bash', [setup], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) throw new Error(`${setup} failed (exit ${run.status})`);
  const kernels = readManifest();
  if (!kernels) throw new Error(`${setup} ran but ${MANIFEST} is still incomplete`);
  return kernels;
}

const kernelFor = (kernels: Kernels, arch: Arch): Kernel => (arch === 'x86_64' ? kernels.amd64 : kernels.arm64);

// ---------------------------------------------------------------------------
// Booting

interface BootRun {
  output: Buffer;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  seconds: number;
}

/** Process groups of running QEMUs, so Ctrl-C can take them down too. */
const running = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function installInterruptHandler(): void {
  const stop = (signal: NodeJS.Signals): void => {
    for (const pid of running) killGroup(pid);
    console.error(`kernel-oracle: ${signal}, killed ${running.size} QEMU process group(s)`);
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Run one QEMU to completion, its stdout (the serial console) going to
 * logPath. It gets its own process group (detached) so a timeout kills QEMU
 * and anything it forked, and it runs in the kernel's directory so `-kernel`
 * takes the bare file name recorded in the json.
 *
 * Why a file and not a pipe: Node's stdio pipes are unix socketpairs, and
 * QEMU writes the console one byte per write(). Each byte costs a whole
 * socket buffer, so the socket fills after a few hundred unread bytes, QEMU
 * gets EAGAIN, and the guest's 8250 driver, tired of waiting, overwrites the
 * pending byte: about half the logs recorded through a pipe under load lost a
 * character. A regular file never refuses a write.
 */
function runQemu(cmd: string[], cwd: string, timeoutSeconds: number, logPath: string): Promise<BootRun> {
  return new Promise((resolvePromise) => {
    const started = process.hrtime.bigint();
    const out = openSync(logPath, 'w');
    const child = spawn(cmd[0], cmd.slice(1), { cwd, detached: true, stdio: ['ignore', out, 'pipe'] });
    closeSync(out); // the child holds its own copy
    let stderr = '';
    let timedOut = false;
    if (child.pid !== undefined) running.add(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, timeoutSeconds * 1000);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    let finished = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      // 'error' (spawn failed) may be followed by 'close': settle once.
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const size = statSync(logPath).size;
      const output = size <= MAX_LOG_BYTES ? readFileSync(logPath) : Buffer.alloc(0);
      if (size > MAX_LOG_BYTES) stderr += `console output too large (${size} bytes)`;
      resolvePromise({ output, stderr, exitCode, signal, timedOut, seconds });
    };
    child.on('error', (err) => {
      stderr += String(err);
      finish(null, null);
    });
    child.on('close', finish);
  });
}

// ---------------------------------------------------------------------------
// Checking a log

/** BIOS-e820 usable ranges as half-open ranges. */
function biosUsable(log: string): MemRange[] {
  const re = /BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable/g;
  return [...log.matchAll(re)].map((m) => ({ start: Number(m[1]), end: Number(m[2]) + 1 }));
}

/**
 * Reasons a boot is not a usable fixture, besides a damaged console: the
 * memory lines must be there, and every exactmap range must lie in RAM QEMU
 * really has (else the generator's RAM model is wrong).
 */
function layoutProblems(variant: Variant, log: string): string[] {
  const problems: string[] = [];
  if (!/Memory: \d+K\/\d+K available/.test(log)) problems.push('no `Memory:` line');
  if (!/HugeTLB: \d+ KiB vmemmap can be freed/.test(log)) problems.push('no `HugeTLB: … vmemmap can be freed` line');
  const exactmap = variant.layout.exactmap;
  if (exactmap) {
    const ram = biosUsable(log);
    const outside = exactmap.filter((r) => !ram.some((u) => u.start <= r.start && r.end <= u.end));
    if (ram.length && outside.length) {
      problems.push(`exactmap range(s) outside BIOS-e820 usable RAM: ${outside.map(rangeText).join(', ')}`);
    }
  }
  return problems;
}

/** Lines the variant should have produced; missing ones are worth a look, not a rejection. */
function warningsFor(variant: Variant, log: string): string[] {
  const warnings = variant.layout.expect.filter((s) => !log.includes(s)).map((s) => `expected \`${s}\``);
  if (!log.includes('Kernel panic')) warnings.push('no `Kernel panic` at the end (QEMU stopped early?)');
  return warnings;
}

function failureReason(run: BootRun, problems: string[]): string | undefined {
  if (run.timedOut) return `timed out; ${problems.join('; ')}`;
  if (problems.length === 0) return undefined;
  const qemuError = run.stderr.trim().split('\n').slice(0, 3).join(' | ');
  const exit = run.signal ? `signal ${run.signal}` : `exit ${run.exitCode}`;
  return `${problems.join('; ')} (qemu ${exit}${qemuError ? `: ${qemuError}` : ''})`;
}

// ---------------------------------------------------------------------------
// Fixtures

export interface FixtureJson {
  id: string;
  cmd: string[];
  seconds: number;
  seed: number;
  kernelPackage: string;
  layout: ReturnType<typeof describeLayout>;
}

/** Move the finished log into place and write its json next to it. */
function writeFixture(outDir: string, variant: Variant, cmd: string[], run: BootRun, kernel: Kernel, partPath: string): { logPath: string; jsonPath: string } {
  const logPath = join(outDir, `${variant.id}.log`);
  const jsonPath = join(outDir, `${variant.id}.json`);
  const json: FixtureJson = {
    id: variant.id,
    cmd,
    seconds: Math.round(run.seconds * 10) / 10,
    seed: variant.seed,
    // apt's pin syntax: `apt-get download <this>` fetches the exact kernel.
    kernelPackage: `${kernel.package}=${kernel.version}`,
    layout: describeLayout(variant.layout),
  };
  renameSync(partPath, logPath);
  // One-space indent, like the shared examples.
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 1)}\n`);
  return { logPath, jsonPath };
}

/**
 * Boot a variant; a boot whose console lost bytes is run again (that is the
 * host's fault, not the layout's). Other problems fail at once.
 */
async function bootOne(variant: Variant, kernels: Kernels, options: RecordOptions): Promise<RecordedBoot | FailedBoot> {
  const kernel = kernelFor(kernels, variant.arch);
  const cmd = qemuCommand(variant, basename(kernel.vmlinuz));
  // Dot-prefixed while in progress, so a half-written boot never looks like a fixture.
  const partPath = join(options.outDir, `.${variant.id}.log.part`);
  let reason = '';
  let seconds = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const run = await runQemu(cmd, dirname(kernel.vmlinuz), options.timeoutSeconds, partPath);
    seconds = run.seconds;
    // latin1 maps bytes 1:1, so firmware escape bytes never break the checks.
    const log = run.output.toString('latin1');
    const damage = consoleProblems(log, variant.layout.append);
    const failure = failureReason(run, [...damage.slice(0, 3), ...layoutProblems(variant, log)]);
    if (!failure) {
      const paths = writeFixture(options.outDir, variant, cmd, run, kernel, partPath);
      return { variant, ...paths, seconds, warnings: warningsFor(variant, log) };
    }
    reason = attempt > 1 ? `${failure} [attempt ${attempt}]` : failure;
    if (damage.length === 0 || run.timedOut) break;
    if (options.verbose) console.log(`    ${variant.id}: console lost bytes, booting again (${failure})`);
  }
  rmSync(partPath, { force: true });
  return { variant, reason, seconds };
}

/** Run tasks with at most `jobs` in flight, preserving result order. */
async function pool<T, R>(items: readonly T[], jobs: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

const isFailure = (r: RecordedBoot | FailedBoot): r is FailedBoot => 'reason' in r;

export async function recordBatch(options: RecordOptions): Promise<BatchResult> {
  const kernels = loadKernels();
  mkdirSync(options.outDir, { recursive: true });
  let variants = generateBatch(options.seed, options.countX86, options.countArm64, options.movableRate ?? 0);
  if (options.only) {
    const wanted = new Set(options.only);
    variants = variants.filter((v) => wanted.has(v.id));
  }
  installInterruptHandler();
  let done = 0;
  const results = await pool(variants, options.jobs, async (variant) => {
    const result = await bootOne(variant, kernels, options);
    done++;
    if (options.verbose) {
      const status = isFailure(result) ? `FAILED: ${result.reason}` : `ok${result.warnings.length ? ` (warning: ${result.warnings.join('; ')})` : ''}`;
      console.log(`[${done}/${variants.length}] ${variant.id} ${result.seconds.toFixed(1)}s ${status}`);
    }
    return result;
  });
  return {
    recorded: results.filter((r): r is RecordedBoot => !isFailure(r)),
    failed: results.filter(isFailure),
  };
}

export function printSummary(result: BatchResult): void {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const ok = result.recorded.filter((r) => r.variant.arch === arch);
    const bad = result.failed.filter((r) => r.variant.arch === arch);
    if (ok.length + bad.length === 0) continue;
    const times = ok.length
      ? `; boot time mean ${(ok.reduce((s, r) => s + r.seconds, 0) / ok.length).toFixed(1)}s, max ${Math.max(...ok.map((r) => r.seconds)).toFixed(1)}s`
      : '';
    console.log(`${arch}: ${ok.length} recorded, ${bad.length} failed${times}`);
  }
  const warned = result.recorded.filter((r) => r.warnings.length);
  for (const r of warned) console.log(`warning ${r.variant.id}: ${r.warnings.join('; ')}`);
  for (const f of result.failed) {
    console.log(`FAILED ${f.variant.id}: ${f.reason}`);
    console.log(`  layout: ${describeLayout(f.variant.layout).summary}`);
    console.log(`  append: ${f.variant.layout.append}`);
  }
}

// ---------------------------------------------------------------------------
// CLI

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${value}`);
  return n;
}

export function rateOption(value: string | undefined, fallback = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new Error(`--movable-rate wants a number from 0 to 1, got ${value}`);
  return n;
}

function parseCli(argv: string[]): RecordOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      'count-x86': { type: 'string' },
      'count-arm64': { type: 'string' },
      out: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      only: { type: 'string' },
      'movable-rate': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || values.seed === undefined || values.out === undefined) {
    console.log(
      'usage: record.ts --seed N --count-x86 N --count-arm64 N --out DIR [--jobs 2] [--timeout 90] [--only id,id] [--movable-rate 0..1]',
    );
    process.exit(values.help ? 0 : 2);
  }
  return {
    seed: intOption(values.seed, 'seed', 0),
    countX86: intOption(values['count-x86'], 'count-x86', 0),
    countArm64: intOption(values['count-arm64'], 'count-arm64', 0),
    outDir: resolve(values.out),
    jobs: Math.max(1, intOption(values.jobs, 'jobs', 2)),
    timeoutSeconds: Math.max(1, intOption(values.timeout, 'timeout', 90)),
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    verbose: true,
    movableRate: rateOption(values['movable-rate']),
  };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const result = await recordBatch(options);
  printSummary(result);
  console.log(`fixtures in ${options.outDir}`);
  process.exitCode = result.failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`kernel-oracle: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
