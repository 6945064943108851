// `memmap-workbench batch PATH… [--jobs N] [--format jsonl|csv] [-o FILE] [--diff] [--resume] [--timeout S]`:
// the engine over many inputs on worker threads, one record per input written as soon as
// it is finished (JSON lines or CSV), a summary on stderr. The walk is streamed and the
// queue to the workers bounded, so memory stays flat over any number of inputs (with
// several PATHs, the paths already seen are kept, to run each input once). An input the
// engine is stuck on for --timeout seconds is an error record, and its worker is replaced
// (the other inputs it held run on another). Ctrl-C stops
// the workers and leaves every finished record written, whole. Exit codes: 0 all ok, 1 a
// mismatch, a failing check or an error record, 2 the command itself is wrong, 130
// interrupted.

import { spawn } from 'node:child_process'
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { availableParallelism, constants } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { InputOptions } from '../../shared/engine/index.ts'
import { ARCHES, type Arch } from '../../shared/scenario/scenario.ts'
import { expandArg, type FoundInput, type WalkStats } from './batch-glob.ts'
import { csvFirstFields, csvHeader, errorRecord, recordKeys, recordLine, type BatchReply, type RecordCounts } from './batch-record.ts'
import type { BatchJob, BatchWorkerData } from './batch-worker.ts'

/** --timeout's default, seconds: far above any input the engine is meant for (10^6 firmware ranges take 20 s here) */
export const BATCH_TIMEOUT_S = 300

export const BATCH_USAGE = `usage: memmap-workbench batch PATH… [--jobs N] [--format jsonl|csv] [-o FILE] [--diff] [--resume] [--timeout S]

  PATH               a scenario (.yaml/.yml/.json) or boot log, a folder (recursive; hidden files
                     and binary files skipped and counted) or a glob ('logs/**/*.log', quoted or not)
  --jobs N           worker threads (default: the number of cores, ${availableParallelism()} here)
  --format F         jsonl (default; csv when -o ends in .csv) or csv (RFC 4180, lists joined with ;)
  -o FILE            write the records to FILE instead of stdout
  --diff             compare each log's kernel lines with the prediction (as bootlog --diff)
  --resume           with -o: keep FILE's records, skip their inputs, append the rest
  --timeout S        an input the engine is still on after S seconds is an error record, and
                     the run goes on (default ${BATCH_TIMEOUT_S}; 0: wait for ever)
  --kernel, --arch, --page-size   as for bootlog, applied to every input

One record per input, as it finishes: file, kind, kernel, arch, presentPages, memmapBytes,
failingChecks (ids), with --diff diff (exact | mismatch | null for scenarios) and diffKinds
(the kinds of the differing lines), and error (file:line:col: error: …, or null). Lists
are strings of items joined with ; ("" when empty) in JSON lines and CSV alike. A folder
holding one machine's captures (iomem, memblock, lsmem, kmem -n, a firmware memmap, …)
is one input, read as analyze DIR reads it.
A summary goes to stderr. Exit codes: 0 all ok; 1 a mismatch, failing check or error
record; 2 a wrong command (bad option, no inputs, unwritable -o); 130 interrupted (Ctrl-C).`

interface Out {
  out: (s: string) => void
  err: (s: string) => void
}

/** V8's interrupt budget in a batch process (see batchCommand()). */
export const BATCH_INTERRUPT_BUDGET = 4 * 1024 * 1024
/** How many of those budgets a function runs through before V8 considers optimising it (V8 11's default: 3). */
export const BATCH_TICKS_BEFORE_OPTIMIZATION = 1

/** A worker's young generation, MiB: semi-spaces of 4 MiB (V8 11: three semi-spaces' worth). */
export const BATCH_YOUNG_GENERATION_MB = 12
/** The factor V8 may grow a heap's old generation by after a full GC, as a percentage over 1. */
export const BATCH_HEAP_GROWING_PERCENT = 50

/**
 * The V8 flags of the process a compiled batch runs in (launchBatchProcess()), on its
 * command line, by the V8 running it: V8 reads them before it makes a heap, as it was
 * built to (set while a process runs, a flag that changes how the collector works can
 * meet a collector made without it: see `--single-threaded` below).
 * - `--single-threaded`: a busy worker has no spare core for V8's compiler and GC helper
 *   threads, and handing work to them and back cost more than it saved: over the 1968
 *   recorded-log inputs, one worker, the lowest CPU of six runs was 5 % lower with it
 *   (2.33 s against 2.45 s). (Set with setFlagsFromString() while the process ran, it
 *   turned concurrent marking off under a collector made with it, and a run over 100 000
 *   scenarios ended in V8's "Check failed: concurrent_marking_handle_ implies
 *   !concurrent_marking_handle_->IsValid()" in the main thread's CppHeap.)
 * - `--interrupt-budget`, on V8 11 (Node 20), where it was measured: every input runs a
 *   different path through a large engine, and a worker's V8 kept optimising functions
 *   that had run for a few inputs only (deoptimising and optimising again as the next log
 *   took another branch): in a profile over 1968 recorded logs, 40 % of the process's CPU
 *   went to its compiler and GC threads. A larger budget (the bytecode a function runs
 *   before V8 considers optimising it; 132 KiB by default in V8 11.3) optimises what stays
 *   hot and leaves the rest to the baseline tiers. Over those 1968 inputs, one worker,
 *   three runs each: 5.9-6.8 s CPU with the default budget, 4.0-4.5 s with 2 MiB, 3.8-3.9 s
 *   with 4 MiB, 4.7-5.0 s with 8 MiB (and 5904 inputs: 12.9-15.9, 11.3-11.5, 9.4-10.6,
 *   11.7-12.2 s). Later V8s tier up by invocation counts
 *   (`--invocation-count-for-turbofan`) and have no such flag, so they keep their defaults.
 * - `--ticks-before-optimization`, with that budget on V8 11: a function becomes a
 *   candidate after this many budgets' worth of its bytecode has run (3 by default, plus
 *   one per 150 bytes of its bytecode: `--bytecode-size-allowance-per-tick`). At 1, the
 *   small functions every input runs (the line readers' helpers, the checks' arithmetic)
 *   are optimised within the first hundred inputs rather than near the end of a run. Over
 *   the 1968 recorded-log inputs less their first 50, one worker: 14.18 G instructions
 *   with 3, 13.46 G with 1, 13.87 G with 2 (cachegrind, every thread); CPU time, twelve
 *   interleaved runs each, 2.27-2.33 s (least, median) with 3 and 2.22-2.30 s with 1; the
 *   5904 inputs 5.50-5.60 s and 5.46-5.52 s. (A budget of 2 MiB with 1 tick ran 12.91 G
 *   instructions but no less CPU time; 8 MiB with 1 tick, 14.60 G.)
 * - `--heap-growing-percent`, in every V8 since 7, for memory flat over any number of
 *   inputs: V8 grows an isolate's heap by how much has survived so far, not by what is
 *   alive. A worker's young generation doubled each time the bytes that survived its
 *   scavenges since the last doubling passed its size, which a long enough run always
 *   reaches (up to 16 MiB semi-spaces: 48 MiB a worker); and after each full GC its old
 *   generation may grow to 4× what was alive (about 9 MiB alive in a worker). Over 10 000
 *   and 100 000 small scenarios, two workers, --trace-gc: each worker's heap 28-47 MiB and
 *   53-70 MiB by default; 21 and 25 MiB with semi-spaces of at most 4 MiB
 *   (BATCH_YOUNG_GENERATION_MB, a Worker resource limit) and a growing factor of 1.5
 *   (BATCH_HEAP_GROWING_PERCENT); the 1968 recorded logs ran no slower (one worker, three
 *   runs each).
 */
export function batchV8Flags(v8Version: string): string[] {
  const v8Eleven = /^11\./.test(v8Version) ? [`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`, `--ticks-before-optimization=${BATCH_TICKS_BEFORE_OPTIMIZATION}`] : []
  return ['--single-threaded', ...v8Eleven, `--heap-growing-percent=${BATCH_HEAP_GROWING_PERCENT}`]
}

/**
 * Set in the environment of the process a compiled batch runs in, to the CPU time (µs)
 * its launcher had used when it started it: the summary counts both.
 */
export const BATCH_PROCESS_ENV = 'MMW_BATCH_LAUNCHER_CPU_US'

/** Two SIGINTs closer together than this are one Ctrl-C (a terminal's, and its launcher's copy). */
export const SAME_CTRL_C_MS = 200

/** Run from sources (specs, the bench's tsx runs) rather than from the compiled CLI in dist/cli. */
const FROM_SOURCES = fileURLToPath(import.meta.url).endsWith('.ts')

/**
 * Inputs go to a worker in chunks of up to CHUNK (one message each way per chunk: per
 * input, waking the other thread cost more than reading the file), DEPTH inputs in flight
 * per worker (a chunk queued while one runs). The first chunks are smaller (1, 2, 4, …
 * per worker) so a short run still spreads over all workers.
 */
const CHUNK = 16
const DEPTH = 2 * CHUNK

interface Options {
  paths: string[]
  jobs: number
  format: 'jsonl' | 'csv'
  output: string | null
  diff: boolean
  resume: boolean
  /** seconds an input may take (0: no limit) */
  timeout: number
  opts: InputOptions
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = { paths: [], jobs: availableParallelism(), format: 'jsonl', output: null, diff: false, resume: false, timeout: BATCH_TIMEOUT_S, opts: {} }
  let format: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string | null => (i + 1 < argv.length ? argv[++i] : null)
    if (a === '--diff') o.diff = true
    else if (a === '--resume') o.resume = true
    else if (a === '--jobs' || a === '-j') {
      const v = value()
      if (!v || !/^[1-9]\d{0,3}$/.test(v)) return `--jobs needs a whole number from 1 to 9999, not ${v ?? 'nothing'}`
      o.jobs = Number(v)
    } else if (a === '--timeout') {
      const v = value()
      if (!v || !/^\d{1,6}$/.test(v)) return `--timeout needs a whole number of seconds (0: none), not ${v ?? 'nothing'}`
      o.timeout = Number(v)
    } else if (a === '--format') {
      format = value()
      if (format !== 'jsonl' && format !== 'csv') return `--format must be jsonl or csv, not ${format ?? 'nothing'}`
    } else if (a === '-o' || a === '--output') {
      o.output = value()
      if (!o.output) return `${a} needs a FILE`
    } else if (a === '--kernel') {
      const v = value()
      if (!v) return '--kernel needs a value'
      o.opts.kernel = v
    } else if (a === '--arch') {
      const v = value()
      if (!v || !(ARCHES as readonly string[]).includes(v)) return `--arch must be one of ${ARCHES.join(', ')}, not ${v ?? 'nothing'}`
      o.opts.arch = v as Arch
    } else if (a === '--page-size') {
      const v = value()
      const ps = v ? { '4K': 4096, '16K': 16384, '64K': 65536, '4096': 4096, '16384': 16384, '65536': 65536 }[v.toUpperCase()] : undefined
      if (!ps) return `--page-size must be 4K, 16K or 64K, not ${v ?? 'nothing'}`
      o.opts.pageSize = ps
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`
    else o.paths.push(a)
  }
  o.format = (format as Options['format'] | null) ?? (o.output?.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')
  if (!o.paths.length) return 'batch needs at least one PATH'
  if (o.resume && !o.output) return '--resume needs -o FILE (the records to resume from)'
  return o
}

/** The inputs an existing output already has (by `file`), and where its last complete record ends. */
function readDone(file: string, o: Options): { done: Set<string>; complete: number; size: number } | string {
  const text = readFileSync(file, 'utf8')
  const done = new Set<string>()
  if (o.format === 'csv') {
    const { fields, complete } = csvFirstFields(text)
    if (fields.length) {
      const header = text.slice(0, text.search(/\r?\n/))
      if (header !== csvHeader(o.diff)) return `${file}: the existing header is "${header}", not "${csvHeader(o.diff)}": resume with the options of the first run`
      for (const f of fields.slice(1)) done.add(f)
    }
    return { done, complete, size: Buffer.byteLength(text) }
  }
  const keys = recordKeys(o.diff).join(',')
  let complete = 0
  let at = 0
  for (;;) {
    const nl = text.indexOf('\n', at)
    if (nl < 0) break
    const line = text.slice(at, nl)
    at = nl + 1
    if (!line.trim()) {
      complete = at
      continue
    }
    let rec: Record<string, unknown>
    try {
      rec = JSON.parse(line) as Record<string, unknown>
    } catch {
      return `${file}:${text.slice(0, at).split('\n').length - 1}:1: error: not a record of memmap-workbench batch (invalid JSON)`
    }
    if (Object.keys(rec).join(',') !== keys) return `${file}: its records have the keys ${Object.keys(rec).join(',')}, not ${keys}: resume with the options of the first run`
    done.add(String(rec.file))
    complete = at
  }
  return { done, complete: Buffer.byteLength(text.slice(0, complete)), size: Buffer.byteLength(text) }
}

/**
 * A worker thread running batch-worker (or, from sources, `module`: a spec's stand-in
 * for it, such as a worker that dies on a given input).
 */
function spawnWorker(data: BatchWorkerData, module?: string): Worker {
  const here = fileURLToPath(import.meta.url)
  const resourceLimits = { maxYoungGenerationSizeMb: BATCH_YOUNG_GENERATION_MB }
  if (!FROM_SOURCES) return new Worker(new URL('./batch-worker.mjs', import.meta.url), { workerData: data, resourceLimits })
  // from sources (tests, bench): load the .ts through tsx's loader inside the worker
  const url = pathToFileURL(module ?? join(dirname(here), 'batch-worker.ts')).href
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`, { eval: true, workerData: data, resourceLimits })
}

const fmtDuration = (s: number): string =>
  s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : s < 3600 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`

export interface BatchHow {
  /** stderr is a terminal this command may draw a progress bar on */
  tty?: boolean
  /**
   * `io` is this process's own stdout and stderr: compiled, the command runs in a process
   * of its own, started with batchV8Flags() (launchBatchProcess()), unless this is that
   * process (BATCH_PROCESS_ENV set)
   */
  ownStdio?: boolean
  /** specs, from sources: the module the workers run instead of batch-worker.ts */
  workerModule?: string
}

export async function batchCommand(argv: string[], io: Out, how: BatchHow = {}): Promise<number> {
  const { tty = false, workerModule } = how
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(BATCH_USAGE)
    return 0
  }
  const o = parseArgs(argv)
  if (typeof o === 'string') {
    io.err(`batch: ${o}\n${BATCH_USAGE}`)
    return 2
  }
  if (!FROM_SOURCES && how.ownStdio && process.env[BATCH_PROCESS_ENV] === undefined) return launchBatchProcess(argv, io)

  // the output: opened before any work, so an unwritable -o is a usage error (2)
  let fd: number | null = null
  let done = new Set<string>()
  let resumed = 0
  let needHeader = o.format === 'csv'
  if (o.output) {
    try {
      if (o.resume && existsSync(o.output)) {
        if (statSync(o.output).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
        const prev = readDone(o.output, o)
        if (typeof prev === 'string') {
          io.err(`batch: ${prev}`)
          return 2
        }
        done = prev.done
        resumed = done.size
        fd = openSync(o.output, 'r+')
        // a record cut short (a crash, a full disk) is dropped: its input runs again
        if (prev.complete < prev.size) ftruncateSync(fd, prev.complete)
        closeSync(fd)
        fd = openSync(o.output, 'a')
        needHeader = o.format === 'csv' && prev.complete === 0
      } else fd = openSync(o.output, 'w')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      io.err(`batch: cannot write ${o.output}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`)
      return 2
    }
  }
  const outputPath = o.output ? resolve(o.output) : null
  const write = (lines: string): void => {
    if (fd === null) return io.out(lines)
    const buf = Buffer.from(lines + '\n')
    // whole records, written before anything else runs (an interrupt lands between them)
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off)
  }
  if (needHeader) write(csvHeader(o.diff))

  const stats: WalkStats = { hidden: 0, unmatched: [] }
  const counts = { records: 0, ok: 0, failingChecks: 0, mismatch: 0, exact: 0, errors: 0, binary: 0, alreadyDone: 0, duplicates: 0 }
  let found = 0
  let walkDone = false
  let stopped = false
  let interrupted = false
  const started = performance.now()
  // the CPU time of the run: since the command started, or in a process of its own
  // (launchBatchProcess()), all of that process's and its launcher's
  const launcherCpu = Number(process.env[BATCH_PROCESS_ENV] ?? NaN)
  const ownProcess = Number.isFinite(launcherCpu)
  const cpuStart = ownProcess ? null : process.cpuUsage()

  // ---- workers ---------------------------------------------------------------------
  interface Slot {
    w: Worker
    inflight: Map<number, FoundInput>
    /** the id of the input the worker is on, as it stores it (BatchWorkerData.progress) */
    onInput: Int32Array
    /** the id the watchdog last saw there, and since when (performance.now()) */
    seen: number
    since: number
  }
  const slots: Slot[] = []
  let inflight = 0
  let nextId = 1
  let wake: (() => void) | null = null
  const notify = (): void => {
    const f = wake
    wake = null
    f?.()
  }
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise<void>((r) => (wake = r))
  }
  // a chunk's records are written together (one write, not one per record)
  let pending: string[] = []
  const writePending = (): void => {
    if (!pending.length) return
    const lines = pending.join('\n')
    pending = []
    write(lines)
  }
  // a record comes as its line, made by the worker (the main thread allocates next to
  // nothing per input: what it keeps is only ever a chunk in flight)
  const emit = (line: string, c: RecordCounts): void => {
    pending.push(line)
    counts.records++
    if (c.error) counts.errors++
    if (c.failingChecks) counts.failingChecks++
    if (c.diff === 'mismatch') counts.mismatch++
    if (c.diff === 'exact') counts.exact++
    if (c.ok) counts.ok++
  }
  // an input its worker gave no record for: an error record of its own
  const failed = (f: FoundInput, message: string): void => {
    const r = recordLine(errorRecord(f.file, `${f.file}:1:1: error: ${message}`, o.diff), o.diff, o.format)
    emit(r.line, r.counts)
    inflight--
  }
  // a worker gone (or stopped here) gives its place to a new one
  const replace = (slot: Slot): void => {
    slots.splice(slots.indexOf(slot), 1)
    slots.push(start())
  }
  const start = (): Slot => {
    const progress = new SharedArrayBuffer(4)
    const data: BatchWorkerData = { opts: o.opts, diff: o.diff, format: o.format, progress }
    const slot: Slot = { w: spawnWorker(data, workerModule), inflight: new Map(), onInput: new Int32Array(progress), seen: 0, since: 0 }
    slot.w.on('message', (replies: BatchReply[]) => {
      if (stopped) return
      for (const m of replies) {
        slot.inflight.delete(m.id)
        inflight--
        if ('skipped' in m) counts.binary++
        else emit(m.line, m.counts)
      }
      writePending()
      notify()
    })
    const lost = (why: string): void => {
      if (stopped || !slots.includes(slot)) return
      // a worker that died takes its in-flight inputs with it: each gets an error record
      replace(slot)
      for (const f of slot.inflight.values()) failed(f, `internal error: the worker stopped (${why})`)
      writePending()
      notify()
    }
    slot.w.on('error', (e) => lost(e.message))
    slot.w.on('exit', (code) => lost(`exit code ${code}`))
    return slot
  }
  for (let i = 0; i < o.jobs; i++) slots.push(start())

  // inputs to the least busy worker, each with an id of its own
  const dispatch = (inputs: FoundInput[]): void => {
    const slot = slots.reduce((a, b) => (b.inflight.size < a.inflight.size ? b : a))
    const jobs: BatchJob[] = inputs.map((f) => {
      const id = nextId++
      slot.inflight.set(id, f)
      return { id, file: f.file, found: f.found }
    })
    inflight += jobs.length
    slot.w.postMessage(jobs)
  }

  // ---- the watchdog (--timeout) --------------------------------------------------------
  // an input a worker has been on for longer than the timeout is an engine stuck on it (it
  // is linear in its input, so never a large input): an error record, the worker replaced,
  // and the inputs it held besides sent to another
  const timeoutMs = o.timeout * 1000
  const stuck = (slot: Slot, id: number): void => {
    replace(slot) // before it exits: lost() then finds it gone, its exit is no crash
    failed(slot.inflight.get(id)!, `the engine was still on this input after ${o.timeout} s, and was stopped (--timeout)`)
    slot.inflight.delete(id)
    writePending()
    const rest = [...slot.inflight.values()]
    inflight -= rest.length
    void slot.w.terminate()
    if (rest.length) dispatch(rest)
    notify()
  }
  const watchdog = timeoutMs
    ? setInterval(
        () => {
          if (stopped) return
          const now = performance.now()
          for (const slot of [...slots]) {
            const id = Atomics.load(slot.onInput, 0)
            if (id !== slot.seen) {
              slot.seen = id
              slot.since = now
            } else if (slot.inflight.has(id) && now - slot.since >= timeoutMs) stuck(slot, id)
          }
        },
        Math.min(1000, timeoutMs / 4)
      )
    : null
  watchdog?.unref()

  // ---- Ctrl-C: stop, keep what is written ---------------------------------------------
  // a terminal's Ctrl-C reaches this process and its launcher, which passes it on as well
  // (launchBatchProcess()): a second SIGINT soon after the first is that same Ctrl-C
  let interruptedAt = 0
  const onSigint = (): void => {
    if (interrupted) {
      if (performance.now() - interruptedAt >= SAME_CTRL_C_MS) process.exit(130) // a second Ctrl-C does not wait
      return
    }
    interrupted = true
    interruptedAt = performance.now()
    stopped = true
    notify()
  }
  process.on('SIGINT', onSigint)

  // ---- progress --------------------------------------------------------------------
  // the walk that feeds the workers runs only as far ahead as the queue; a second walk
  // that only counts (and holds nothing) gives the total for the ETA early
  // (started with the progress bar, or with the first plain progress line)
  let counted: number | null = null
  let counting = false
  const count = (): void => {
    if (counting) return
    counting = true
    void (async () => {
      let n = 0
      const scratch: WalkStats = { hidden: 0, unmatched: [] }
      for (const arg of o.paths) {
        for await (const _ of expandArg(arg, scratch)) {
          if (stopped) return
          n++
        }
      }
      counted = n
    })().catch(() => undefined)
  }
  if (tty) count()
  const totalEstimate = (): { total: number; exact: boolean } => {
    const known = found - counts.alreadyDone - counts.duplicates
    if (walkDone) return { total: known, exact: true }
    return counted === null ? { total: known, exact: false } : { total: known + Math.max(0, counted - found), exact: true }
  }
  const progressLine = (): string => {
    const s = (performance.now() - started) / 1000
    const rate = counts.records / Math.max(s, 1e-3)
    const { total, exact } = totalEstimate()
    const finished = counts.records + counts.binary
    const eta = exact && rate > 0 ? `, ETA ${fmtDuration(Math.max(0, total - finished) / rate)}` : ''
    return `${finished}/${total}${exact ? '' : '+'} done, ${rate.toFixed(0)}/s${eta}`
  }
  let lastPlain = performance.now()
  const timer = setInterval(
    () => {
      if (tty) {
        const s = (performance.now() - started) / 1000
        const { total, exact } = totalEstimate()
        const frac = exact && total ? Math.min(1, (counts.records + counts.binary) / total) : 0
        const bar = exact ? `[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ` : ''
        process.stderr.write(`\r\x1b[Kbatch ${bar}${progressLine()} (${fmtDuration(s)})`)
      } else if (performance.now() - lastPlain >= 10_000) {
        lastPlain = performance.now()
        count()
        io.err(`batch: ${progressLine()}`)
      }
    },
    tty ? 200 : 1000
  )
  timer.unref()

  // ---- the walk, fed to the workers through a bounded queue -------------------------
  // one PATH never yields a path twice (a folder walk or a glob lists each file once), so
  // memory stays flat; several PATHs may overlap, and then the paths seen are kept
  const seen = o.paths.length > 1 ? new Set<string>() : null
  let chunk: FoundInput[] = []
  let chunks = 0
  const chunkSize = (): number => Math.min(CHUNK, 2 ** Math.floor(chunks / o.jobs))
  // the chunk to the least busy worker, once there is room for it
  const send = async (): Promise<void> => {
    await until(() => stopped || inflight + chunk.length <= slots.length * DEPTH)
    if (stopped) return
    dispatch(chunk)
    chunks++
    chunk = []
  }
  try {
    outer: for (const arg of o.paths) {
      for await (const f of expandArg(arg, stats)) {
        if (stopped) break outer
        found++
        const abs = f.found || seen ? resolve(f.file) : null
        if (abs !== null && (abs === outputPath || seen?.has(abs))) {
          counts.duplicates++
          continue
        }
        if (abs !== null) seen?.add(abs)
        if (done.has(f.file)) {
          counts.alreadyDone++
          continue
        }
        chunk.push(f)
        if (chunk.length >= chunkSize()) {
          await send()
          if (stopped) break outer
        }
      }
    }
    if (chunk.length) await send()
    walkDone = true
    await until(() => stopped || inflight === 0)
  } finally {
    stopped = true
    clearInterval(timer)
    if (watchdog) clearInterval(watchdog)
    // in a process of its own, the launcher's copy of a Ctrl-C may come after the run has
    // stopped: still that same Ctrl-C (the process ends as soon as this returns)
    if (!ownProcess) process.off('SIGINT', onSigint)
    await Promise.all(slots.map((s) => s.w.terminate()))
    if (fd !== null) closeSync(fd)
    if (tty) process.stderr.write('\r\x1b[K')
  }

  // ---- summary (stderr: the records stay machine-loadable) ---------------------------
  const secs = (performance.now() - started) / 1000
  // the process's CPU time, all threads (getrusage RUSAGE_SELF), since the command started
  // (in a process of its own: since that process started, and its launcher's)
  const cpu = process.cpuUsage(cpuStart ?? undefined)
  const cpuSecs = (cpu.user + cpu.system + (ownProcess ? launcherCpu : 0)) / 1e6
  for (const p of stats.unmatched) io.err(`batch: warning: ${p} matched no file`)
  const ran = counts.records + counts.binary
  if (!interrupted && ran === 0 && counts.alreadyDone === 0) {
    io.err(`batch: no inputs matched ${o.paths.join(' ')}${stats.hidden ? ` (${stats.hidden} hidden skipped)` : ''}`)
    return 2
  }
  const parts = [`${counts.ok} ok`, `${counts.failingChecks} with failing checks`]
  if (o.diff) parts.push(`${counts.exact} exact`, `${counts.mismatch} mismatched`)
  parts.push(`${counts.errors} errors`)
  const skipped = [stats.hidden ? `${stats.hidden} hidden` : '', counts.binary ? `${counts.binary} binary` : '', counts.duplicates ? `${counts.duplicates} repeated` : ''].filter(Boolean)
  io.err(
    `batch: ${counts.records} records in ${fmtDuration(secs)} (${(counts.records / Math.max(secs, 1e-3)).toFixed(0)}/s on ${o.jobs} worker${o.jobs > 1 ? 's' : ''}, ${cpuSecs.toFixed(2)} s CPU): ${parts.join(', ')}` +
      (skipped.length ? `; skipped ${skipped.join(', ')}` : '') +
      (o.resume ? `; ${counts.alreadyDone} already in ${o.output} (of ${resumed} records there)` : '') +
      (o.output ? `; written to ${o.output}` : '')
  )
  if (interrupted) {
    io.err(`batch: interrupted: ${counts.records} finished records written${o.output ? `; run again with --resume -o ${o.output} to continue` : ''}`)
    return 130
  }
  return counts.records - counts.ok > 0 ? 1 : 0
}

/**
 * Run the compiled batch command in a process of its own: `node FLAGS batch-process.mjs
 * ARGS`, with batchV8Flags() and the same stdin, stdout and stderr; wait for it, pass on
 * the signals sent to this process (a terminal's reach both: one process group; `kill`,
 * `timeout` or a supervisor may signal this one alone), and end as it ended.
 */
async function launchBatchProcess(argv: string[], io: Out): Promise<number> {
  const cpu = process.cpuUsage()
  const entry = fileURLToPath(new URL('./batch-process.mjs', import.meta.url))
  const child = spawn(process.execPath, [...batchV8Flags(process.versions.v8), entry, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [BATCH_PROCESS_ENV]: String(cpu.user + cpu.system) }
  })
  // Windows gives a console's Ctrl-C to every process attached to it, and kill() there
  // ends a process at once: SIGINT is only kept from ending this one
  const passed: NodeJS.Signals[] = process.platform === 'win32' ? [] : ['SIGINT', 'SIGTERM', 'SIGHUP']
  const pass = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  const ignore = (): void => undefined
  for (const s of passed) process.on(s, pass)
  if (process.platform === 'win32') process.on('SIGINT', ignore)
  const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
    child.on('error', resolve)
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  for (const s of passed) process.off(s, pass)
  process.off('SIGINT', ignore)
  if (end instanceof Error) {
    io.err(`batch: cannot start its process (${process.execPath}): ${end.message}`)
    return 2
  }
  if (end.signal) {
    // ended by a signal: this process ends by it too (a shell then reports it as such)
    process.kill(process.pid, end.signal)
    return 128 + (constants.signals[end.signal] ?? 0)
  }
  return end.code ?? 1
}
