/**
 * Boot generated variants under QEMU on every kernel line of versions.ts and keep their
 * serial logs, with the state the kernel computed, as fixtures.
 *
 *   node --import tsx scripts/kernel-oracle/record.ts --seed 401 \
 *     --count-x86 36 --count-arm64 26 [--count-s390x 12] --out tests/fixtures/kernel-versions \
 *     [--versions 6.1,6.12,7.2,7.3] [--kaslr-rate 0.3] [--movable-rate 0.2] [--jobs 2]
 *
 * The same generated layout boots on each version. Each boot runs the oracle's initramfs
 * (initramfs.ts), which prints /proc/zoneinfo, /proc/vmstat, the memory blocks, iomem,
 * memblock and an HVO measurement after the boot log, then powers off. For each boot
 * that gets there intact it writes <out>/<version>/<id>.log (the raw console bytes) and
 * <id>.json ({id, kernel, cmd, seconds, seed, kernelPackage, release, busybox, layout,
 * state}). Boots that do not are listed with a reason and not written.
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { buildInitramfs } from './initramfs.ts'
import { describeLayout, generateVariants, qemuCommand, rangeText } from './layouts.ts'
import type { Arch, MemRange, Variant } from './layouts.ts'
import { consoleProblems } from './log-check.ts'
import { readManifest, setup } from './setup.ts'
import type { KernelFiles, Manifest } from './setup.ts'
import { bootPart, parseState, StateError } from './state.ts'
import type { KernelState } from './state.ts'
import { ORACLE_KERNELS } from './versions.ts'
import type { DebArch } from './versions.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = resolve(HERE, '..', '..')
/** The initramfs, written beside each vmlinuz so the recorded command names it bare. */
export const INITRAMFS = 'mw-initramfs.cpio.gz'
/** A runaway console (e.g. a boot loop) is not a fixture. */
const MAX_LOG_BYTES = 8 * 1024 * 1024
/** Held by every QEMU the oracle runs (flock), so only one boots at a time on the machine. */
const QEMU_LOCK = '/tmp/qemu.lock'
/** Boots whose console lost bytes are run again, up to this many times in all. */
const MAX_ATTEMPTS = 3

export type Kernel = KernelFiles

export interface RecordOptions {
  seed: number
  /** kernel lines (versions.ts ids) to boot every layout on */
  versions: string[]
  /** share of x86 variants booted without `nokaslr` */
  kaslrRate?: number
  countX86: number
  countArm64: number
  /** s390x variants (the s390x kernels are fetched only when this is > 0) */
  countS390x?: number
  outDir: string
  jobs: number
  timeoutSeconds: number
  /** Only these variant ids (still generated from the same seed). */
  only?: string[]
  /** Print one line per boot. */
  verbose: boolean
  /** Share of variants that also get kernelcore= / movablecore= (0: the recorded fixtures). */
  movableRate?: number
}

export interface RecordedBoot {
  variant: Variant
  version: string
  logPath: string
  jsonPath: string
  seconds: number
  warnings: string[]
}

export interface FailedBoot {
  variant: Variant
  version: string
  reason: string
  seconds: number
}

export interface BatchResult {
  recorded: RecordedBoot[]
  failed: FailedBoot[]
}

// ---------------------------------------------------------------------------
// Kernels

function complete(m: Manifest, versions: readonly string[], arches: readonly DebArch[]): boolean {
  return arches.every((a) => m.busybox[a] && existsSync(m.busybox[a]!.path)) && versions.every((v) => arches.every((a) => m.kernels[v]?.[a] && existsSync(m.kernels[v]![a]!.vmlinuz)))
}

/**
 * The unpacked kernels of these versions and busybox. Runs setup.ts when they are missing
 * and we are root (it needs apt); otherwise says how to get them.
 */
export function loadKernels(versions: readonly string[], arches: readonly DebArch[] = ['amd64', 'arm64']): Manifest {
  const found = readManifest()
  if (complete(found, versions, arches)) return found
  if (process.getuid?.() !== 0) {
    throw new Error(`kernels missing (.oracle-cache/kernels.json); run as root: node --import tsx scripts/kernel-oracle/setup.ts`)
  }
  console.error(`kernel-oracle: kernels missing, running setup.ts`)
  const m = setup(versions, arches)
  if (!complete(m, versions, arches)) throw new Error('setup.ts ran but the manifest is still incomplete')
  return m
}

const debArch = (arch: Arch): DebArch => (arch === 'x86_64' ? 'amd64' : arch === 's390x' ? 's390x' : 'arm64')

/** The Debian arches a batch boots. */
function batchArches(o: Pick<RecordOptions, 'countX86' | 'countArm64' | 'countS390x'>): DebArch[] {
  return [...(o.countX86 ? ['amd64' as const] : []), ...(o.countArm64 ? ['arm64' as const] : []), ...(o.countS390x ? ['s390x' as const] : [])]
}

/** Write the initramfs beside every kernel (same bytes for the same busybox). */
function placeInitramfs(m: Manifest, versions: readonly string[], arches: readonly DebArch[]): void {
  for (const arch of arches) {
    const bytes = buildInitramfs(readFileSync(m.busybox[arch]!.path))
    for (const v of versions) {
      const at = join(dirname(m.kernels[v]![arch]!.vmlinuz), INITRAMFS)
      if (!existsSync(at) || !readFileSync(at).equals(bytes)) writeFileSync(at, bytes)
    }
  }
}

// ---------------------------------------------------------------------------
// Booting

interface BootRun {
  output: Buffer
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  seconds: number
}

/** Process groups of running QEMUs, so Ctrl-C can take them down too. */
const running = new Set<number>()

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

function installInterruptHandler(): void {
  const stop = (signal: NodeJS.Signals): void => {
    for (const pid of running) killGroup(pid)
    console.error(`kernel-oracle: ${signal}, killed ${running.size} QEMU process group(s)`)
    process.exit(130)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
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
    const started = process.hrtime.bigint()
    const out = openSync(logPath, 'w')
    // one QEMU at a time on the machine, across users: every boot takes /tmp/qemu.lock
    const child = spawn('flock', [QEMU_LOCK, ...cmd], { cwd, detached: true, stdio: ['ignore', out, 'pipe'] })
    closeSync(out) // the child holds its own copy
    let stderr = ''
    let timedOut = false
    if (child.pid !== undefined) running.add(child.pid)
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) killGroup(child.pid)
    }, timeoutSeconds * 1000)
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8')
    })
    let finished = false
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      // 'error' (spawn failed) may be followed by 'close': settle once.
      if (finished) return
      finished = true
      clearTimeout(timer)
      if (child.pid !== undefined) running.delete(child.pid)
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const size = statSync(logPath).size
      const output = size <= MAX_LOG_BYTES ? readFileSync(logPath) : Buffer.alloc(0)
      if (size > MAX_LOG_BYTES) stderr += `console output too large (${size} bytes)`
      resolvePromise({ output, stderr, exitCode, signal, timedOut, seconds })
    }
    child.on('error', (err) => {
      stderr += String(err)
      finish(null, null)
    })
    child.on('close', finish)
  })
}

// ---------------------------------------------------------------------------
// Checking a log

/** BIOS-e820 usable ranges as half-open ranges. */
function biosUsable(log: string): MemRange[] {
  // `usable` up to 6.x, ` System RAM` (two spaces) in 7.x
  const re = /BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] {1,2}(?:usable|System RAM)/g
  return [...log.matchAll(re)].map((m) => ({ start: Number(m[1]), end: Number(m[2]) + 1 }))
}

/**
 * Reasons a boot is not a usable fixture, besides a damaged console: the
 * memory lines must be there, and every exactmap range must lie in RAM QEMU
 * really has (else the generator's RAM model is wrong).
 */
function layoutProblems(variant: Variant, log: string): string[] {
  const problems: string[] = []
  if (!/Memory: \d+K\/\d+K available/.test(log)) problems.push('no `Memory:` line')
  // s390x under TCG: no EDAT1, so hugetlbfs registers no huge page size at all
  if (!/HugeTLB: \d+ KiB vmemmap can be freed/.test(log) && !(variant.arch === 's390x' && /hugetlbfs: disabling because there are no supported hugepage sizes/.test(log)))
    problems.push('no `HugeTLB: … vmemmap can be freed` line')
  const exactmap = variant.layout.exactmap
  if (exactmap) {
    const ram = biosUsable(log)
    const outside = exactmap.filter((r) => !ram.some((u) => u.start <= r.start && r.end <= u.end))
    if (ram.length && outside.length) {
      problems.push(`exactmap range(s) outside BIOS-e820 usable RAM: ${outside.map(rangeText).join(', ')}`)
    }
  }
  return problems
}

/** Lines the variant should have produced; missing ones are worth a look, not a rejection. */
function warningsFor(variant: Variant, log: string): string[] {
  const warnings = variant.layout.expect.filter((s) => !log.includes(s)).map((s) => `expected \`${s}\``)
  if (!log.includes('MW-STATE DONE')) warnings.push('no `MW-STATE DONE` at the end (QEMU stopped early?)')
  return warnings
}

function failureReason(run: BootRun, problems: string[]): string | undefined {
  if (run.timedOut) return `timed out; ${problems.join('; ')}`
  if (problems.length === 0) return undefined
  const qemuError = run.stderr.trim().split('\n').slice(0, 3).join(' | ')
  const exit = run.signal ? `signal ${run.signal}` : `exit ${run.exitCode}`
  return `${problems.join('; ')} (qemu ${exit}${qemuError ? `: ${qemuError}` : ''})`
}

// ---------------------------------------------------------------------------
// Fixtures

export interface FixtureJson {
  id: string
  /** kernel line (versions.ts) */
  kernel: string
  cmd: string[]
  seconds: number
  seed: number
  /** the batch's rates, so generateVariants() rebuilds this boot's command from the seed */
  generator: { movableRate: number; kaslrRate: number }
  kernelPackage: string
  /** uname -r */
  release: string
  busybox: string
  layout: ReturnType<typeof describeLayout>
  /** what the kernel computed, read from the initramfs's dump */
  state: KernelState
}

/** Move the finished log into place and write its json next to it. */
function writeFixture(
  dir: string,
  variant: Variant,
  version: string,
  cmd: string[],
  run: BootRun,
  m: Manifest,
  state: KernelState,
  partPath: string,
  options: RecordOptions
): { logPath: string; jsonPath: string } {
  const kernel = m.kernels[version]![debArch(variant.arch)]!
  const bb = m.busybox[debArch(variant.arch)]!
  const logPath = join(dir, `${variant.id}.log`)
  const jsonPath = join(dir, `${variant.id}.json`)
  const json: FixtureJson = {
    id: variant.id,
    kernel: version,
    cmd,
    seconds: Math.round(run.seconds * 10) / 10,
    seed: variant.seed,
    generator: { movableRate: options.movableRate ?? 0, kaslrRate: options.kaslrRate ?? 0 },
    // apt's pin syntax: `apt-get download <this>` fetches the exact kernel.
    kernelPackage: `${kernel.package}=${kernel.version}`,
    release: kernel.release,
    busybox: `${bb.package}=${bb.version}`,
    layout: describeLayout(variant.layout),
    state
  }
  renameSync(partPath, logPath)
  // One-space indent, like the shared examples.
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 1)}\n`)
  return { logPath, jsonPath }
}

/**
 * Boot a variant on one kernel; a boot whose console lost bytes is run again (that is
 * the host's fault, not the layout's). Other problems fail at once.
 */
async function bootOne(variant: Variant, version: string, m: Manifest, options: RecordOptions): Promise<RecordedBoot | FailedBoot> {
  const kernel = m.kernels[version]![debArch(variant.arch)]!
  const cmd = qemuCommand(variant, basename(kernel.vmlinuz), INITRAMFS)
  const dir = join(options.outDir, version)
  mkdirSync(dir, { recursive: true })
  // Dot-prefixed while in progress, so a half-written boot never looks like a fixture.
  const partPath = join(dir, `.${variant.id}.log.part`)
  let reason = ''
  let seconds = 0
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const run = await runQemu(cmd, dirname(kernel.vmlinuz), options.timeoutSeconds, partPath)
    seconds = run.seconds
    // latin1 maps bytes 1:1, so firmware escape bytes never break the checks.
    const log = run.output.toString('latin1')
    // arm64 UEFI (ArmVirtQemu) hands the kernel the command line with `initrd=initrd`
    // appended when QEMU loads an initrd; the EFI stub reads the initramfs through it
    const echoed = variant.layout.firmware === 'uefi' ? `${variant.layout.append} initrd=initrd` : variant.layout.append
    const damage = consoleProblems(bootPart(log), echoed)
    let state: KernelState | undefined
    try {
      state = parseState(log)
    } catch (e) {
      if (!(e instanceof StateError)) throw e
      damage.push(`state: ${e.message}`)
    }
    const failure = failureReason(run, [...damage.slice(0, 3), ...layoutProblems(variant, log)])
    if (!failure && state) {
      const paths = writeFixture(dir, variant, version, cmd, run, m, state, partPath, options)
      return { variant, version, ...paths, seconds, warnings: warningsFor(variant, log) }
    }
    reason = attempt > 1 ? `${failure} [attempt ${attempt}]` : `${failure}`
    if (damage.length === 0 || run.timedOut) break
    if (options.verbose) console.log(`    ${variant.id}@${version}: console lost bytes, booting again (${failure})`)
  }
  rmSync(partPath, { force: true })
  return { variant, version, reason, seconds }
}

/** Run tasks with at most `jobs` in flight, preserving result order. */
async function pool<T, R>(items: readonly T[], jobs: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker))
  return results
}

const isFailure = (r: RecordedBoot | FailedBoot): r is FailedBoot => 'reason' in r

export async function recordBatch(options: RecordOptions): Promise<BatchResult> {
  const arches = batchArches(options)
  const m = loadKernels(options.versions, arches)
  placeInitramfs(m, options.versions, arches)
  mkdirSync(options.outDir, { recursive: true })
  let variants = generateVariants(options.seed, options.countX86, options.countArm64, {
    countS390x: options.countS390x ?? 0,
    movableRate: options.movableRate ?? 0,
    kaslrRate: options.kaslrRate ?? 0,
    state: true
  })
  if (options.only) {
    const wanted = new Set(options.only)
    variants = variants.filter((v) => wanted.has(v.id))
  }
  // every layout on every version, the versions of one layout one after another
  const boots = variants.flatMap((variant) => options.versions.map((version) => ({ variant, version })))
  installInterruptHandler()
  let done = 0
  const results = await pool(boots, options.jobs, async ({ variant, version }) => {
    const result = await bootOne(variant, version, m, options)
    done++
    if (options.verbose) {
      const status = isFailure(result) ? `FAILED: ${result.reason}` : `ok${result.warnings.length ? ` (warning: ${result.warnings.join('; ')})` : ''}`
      console.log(`[${done}/${boots.length}] ${version} ${variant.id} ${result.seconds.toFixed(1)}s ${status}`)
    }
    return result
  })
  return {
    recorded: results.filter((r): r is RecordedBoot => !isFailure(r)),
    failed: results.filter(isFailure)
  }
}

export function printSummary(result: BatchResult): void {
  const versions = [...new Set([...result.recorded, ...result.failed].map((r) => r.version))]
  for (const version of versions)
    for (const arch of ['x86_64', 'arm64', 's390x'] as const) {
      const ok = result.recorded.filter((r) => r.variant.arch === arch && r.version === version)
      const bad = result.failed.filter((r) => r.variant.arch === arch && r.version === version)
      if (ok.length + bad.length === 0) continue
      const times = ok.length ? `; boot time mean ${(ok.reduce((s, r) => s + r.seconds, 0) / ok.length).toFixed(1)}s, max ${Math.max(...ok.map((r) => r.seconds)).toFixed(1)}s` : ''
      console.log(`${version} ${arch}: ${ok.length} recorded, ${bad.length} failed${times}`)
    }
  const warned = result.recorded.filter((r) => r.warnings.length)
  for (const r of warned) console.log(`warning ${r.version} ${r.variant.id}: ${r.warnings.join('; ')}`)
  for (const f of result.failed) {
    console.log(`FAILED ${f.version} ${f.variant.id}: ${f.reason}`)
    console.log(`  layout: ${describeLayout(f.variant.layout).summary}`)
    console.log(`  append: ${f.variant.layout.append}`)
  }
}

// ---------------------------------------------------------------------------
// CLI

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${value}`)
  return n
}

export function rateOption(value: string | undefined, fallback = 0): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(n >= 0 && n <= 1)) throw new Error(`a rate is a number from 0 to 1, got ${value}`)
  return n
}

/** --versions 6.1,7.3 (default: every kernel line of versions.ts). */
export function versionsOption(value: string | undefined): string[] {
  const all = ORACLE_KERNELS.map((k) => k.id)
  if (value === undefined) return all
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = ids.filter((id) => !all.includes(id))
  if (unknown.length || !ids.length) throw new Error(`--versions: unknown ${unknown.join(', ') || '(none given)'}; known: ${all.join(', ')}`)
  return ids
}

function parseCli(argv: string[]): RecordOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      'count-x86': { type: 'string' },
      'count-arm64': { type: 'string' },
      'count-s390x': { type: 'string' },
      out: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      only: { type: 'string' },
      'movable-rate': { type: 'string' },
      'kaslr-rate': { type: 'string' },
      versions: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help || values.seed === undefined || values.out === undefined) {
    console.log(
      `usage: record.ts --seed N --count-x86 N --count-arm64 N [--count-s390x N] --out DIR [--versions ${ORACLE_KERNELS.map((k) => k.id).join(',')}] [--jobs 2] [--timeout 120] [--only id,id] [--movable-rate 0..1] [--kaslr-rate 0..1]`
    )
    process.exit(values.help ? 0 : 2)
  }
  return {
    seed: intOption(values.seed, 'seed', 0),
    versions: versionsOption(values.versions),
    kaslrRate: rateOption(values['kaslr-rate']),
    countX86: intOption(values['count-x86'], 'count-x86', 0),
    countArm64: intOption(values['count-arm64'], 'count-arm64', 0),
    countS390x: intOption(values['count-s390x'], 'count-s390x', 0),
    outDir: resolve(values.out),
    jobs: Math.max(1, intOption(values.jobs, 'jobs', 2)),
    timeoutSeconds: Math.max(1, intOption(values.timeout, 'timeout', 120)),
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    verbose: true,
    movableRate: rateOption(values['movable-rate'])
  }
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2))
  const result = await recordBatch(options)
  printSummary(result)
  console.log(`fixtures in ${options.outDir}`)
  process.exitCode = result.failed.length ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`kernel-oracle: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(2)
  })
}
