// Runs engine calls on a worker thread (src/main/engine-worker.ts). One worker, started
// on first use; calls run one at a time in order, each with a deadline. A call that
// passes its deadline cannot be interrupted inside the engine (synchronous code): the
// worker is terminated, the call fails (`file:line:1: error: this input took too long`,
// with the line the engine had reached), a fresh worker starts at once and the next call
// runs on it. A call that a newer one supersedes, or whose caller aborts it, fails at
// once; queued, it is dropped; running, its worker gets SUPERSEDE_GRACE_MS to finish
// (about what starting a new one costs) and is then replaced the same way. A crashed
// worker is replaced too and its call fails with the reason instead of hanging.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { RequestError } from './files.ts'
import { asarUnpackedPath } from './packaged.ts'
import type { WorkerArgs, WorkerMethod } from './engine-worker.ts'

/** What a worker gets: `progress`, one Int32 the engine sets to the input line it is at (0: unknown). */
export interface EngineWorkerData {
  progress: SharedArrayBuffer
}

function spawnWorker(workerData: EngineWorkerData): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  // built: out/main/engine-worker.js, beside this module or, when the bundler put this
  // module in a shared chunk (out/main/chunks/), one level up
  const built = [join(here, 'engine-worker.js'), join(here, '..', 'engine-worker.js')].find((f) => existsSync(f))
  // packaged: the worker and what it imports are unpacked beside app.asar (electron-builder.yml)
  if (built) return new Worker(asarUnpackedPath(built), { workerData })
  // from sources (tests, the CLI): load the .ts through tsx's loader inside the worker
  const url = pathToFileURL(join(here, 'engine-worker.ts')).href
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`, { eval: true, workerData })
}

/** An engine call that passed its deadline; the browser host answers 422 (the input is the cause). */
export class EngineTimeoutError extends RequestError {
  constructor(message: string) {
    super(422, message)
  }
}

/** An engine call superseded by a newer one with the same key, or aborted by its caller (409). */
export class EngineCancelledError extends RequestError {
  constructor(message: string) {
    super(409, message)
  }
}

/** A call's deadline: 5 s, plus 2 s for each MiB of input (a 100 MB log may take its time), exports 30 s more. */
export const ENGINE_DEADLINE_MS = 5_000
const DEADLINE_PER_MIB_MS = 2_000
const EXPORT_EXTRA_MS = 30_000
/**
 * How long a superseded or aborted call that is running may go on before its worker is
 * replaced: a fresh worker takes 0.4–0.7 s to start (built), so a call that finishes
 * within about that long is cheaper to wait for; one still running after this does not
 * yield and is stopped. (At 300 ms, typing in a 4096-range scenario, whose analyses take
 * 0.5–0.9 s under load, replaced the worker at nearly every pause: p95 2.3 s in
 * bench/typing.ts.)
 */
export const SUPERSEDE_GRACE_MS = 1_000

export interface EngineWorkerOptions {
  /** the deadline of a call with a small input (default ENGINE_DEADLINE_MS) */
  deadlineMs?: number
  /** tests: start a different worker */
  spawn?: (workerData: EngineWorkerData) => Worker
  /** how long a cancelled running call may finish before its worker is replaced (default SUPERSEDE_GRACE_MS) */
  supersedeGraceMs?: number
}

export interface EngineCallOptions {
  /** a newer call with the same key cancels this one (queued: dropped; running: the worker is replaced) */
  supersede?: string
  /** aborting cancels the call the same way */
  signal?: AbortSignal
  /** this call's deadline instead of the computed one */
  deadlineMs?: number
}

interface Job {
  id: number
  method: WorkerMethod
  args: unknown[]
  key: string | undefined
  deadlineMs: number
  resolve: (bytes: Uint8Array) => void
  reject: (e: Error) => void
  timer?: ReturnType<typeof setTimeout>
  started?: number
  done?: boolean
  /** its caller has been answered (cancelled); the worker may still be running it */
  settled?: boolean
  grace?: ReturnType<typeof setTimeout>
}

/** The deadline of a call with `chars` characters of input: base + 2 s per MiB (+30 s for an export). */
export function callDeadlineMs(chars: number, method: WorkerMethod = 'analyze', baseMs = ENGINE_DEADLINE_MS): number {
  return Math.round(baseMs + (chars / (1024 * 1024)) * DEADLINE_PER_MIB_MS + (method === 'export' ? EXPORT_EXTRA_MS : 0))
}

function inputBytes(args: unknown[]): number {
  let n = 0
  for (const a of args) if (typeof a === 'string') n += a.length
  return n
}

export class EngineWorker {
  private worker: Worker | null = null
  /** the worker has loaded the engine (its start-up does not count against a deadline) */
  private ready = false
  private progress: Int32Array | null = null
  private next = 1
  private queue: Job[] = []
  private running: Job | null = null
  private readonly deadlineMs: number
  private readonly graceMs: number
  private readonly spawn: (workerData: EngineWorkerData) => Worker
  /** workers replaced so far (a call timed out, was superseded while running, or the worker died) */
  restarts = 0
  /** calls cancelled so far (superseded by a newer call of the same key, or aborted by their caller) */
  cancelled = 0

  constructor(opts: EngineWorkerOptions = {}) {
    this.deadlineMs = opts.deadlineMs ?? ENGINE_DEADLINE_MS
    this.graceMs = opts.supersedeGraceMs ?? SUPERSEDE_GRACE_MS
    this.spawn = opts.spawn ?? spawnWorker
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const progress = new SharedArrayBuffer(4)
    const w = this.spawn({ progress })
    w.on('message', (m: { id: number; ok: boolean; bytes?: Uint8Array; error?: string; ready?: boolean }) => {
      if (this.worker !== w) return
      if (m.ready) {
        this.ready = true
        if (this.running) this.arm(this.running)
        return
      }
      const job = this.running
      if (!job || job.id !== m.id) return
      this.finish(job)
      if (m.ok) job.resolve(m.bytes as Uint8Array)
      else job.reject(new Error(m.error))
      this.pump()
    })
    const fail = (why: string): void => {
      if (this.worker !== w) return // replaced on purpose: its exit is expected
      this.worker = null
      this.restarts++
      const job = this.running
      if (job) {
        this.finish(job)
        job.reject(new Error(`the engine worker stopped: ${why}`))
      }
      this.pump()
    }
    w.on('error', (e) => fail(e.message))
    w.on('exit', (code) => fail(`exit code ${code}`))
    w.unref()
    this.worker = w
    this.ready = false
    this.progress = new Int32Array(progress)
    return w
  }

  private finish(job: Job): void {
    job.done = true
    if (job.timer) clearTimeout(job.timer)
    if (job.grace) clearTimeout(job.grace)
    if (this.running === job) this.running = null
  }

  /** Post the next queued call when none runs. */
  private pump(): void {
    if (this.running) return
    const job = this.queue.shift()
    if (!job) {
      this.worker?.unref()
      return
    }
    const w = this.start()
    w.ref()
    this.running = job
    if (this.progress) Atomics.store(this.progress, 0, 0)
    if (this.ready) this.arm(job)
    w.postMessage({ id: job.id, method: job.method, args: job.args })
  }

  /** Start the running call's deadline (when the worker is ready: posted calls wait for it). */
  private arm(job: Job): void {
    if (job.timer || job.done) return
    job.started = Date.now()
    job.timer = setTimeout(() => this.timeOut(job), job.deadlineMs)
  }

  private timeOut(job: Job): void {
    if (job.done || this.running !== job) return
    const line = this.progress ? Atomics.load(this.progress, 0) : 0
    const fileName = typeof job.args[1] === 'string' ? job.args[1] : 'the input'
    // a diagnostic like the engine's own (formatDiagnostic): the line the parser was reading
    const where = line > 0 ? `${fileName}:${line}:1: ` : `${fileName}: `
    const seconds = (job.deadlineMs / 1000).toFixed(1)
    this.replaceRunning(job, new EngineTimeoutError(`${where}error: this input took too long (the engine stopped after ${seconds} s${line > 0 ? ` on line ${line}` : ''}; ${job.method})`))
  }

  /** Fail the running call now: terminate its worker, start a fresh one, run the next call. */
  private replaceRunning(job: Job, error: Error): void {
    this.finish(job)
    const w = this.worker
    this.worker = null
    this.progress = null
    if (w) {
      this.restarts++
      void w.terminate()
    }
    job.reject(error)
    // the next call (or the next the user makes) does not wait for the worker to start
    this.start()
    this.pump()
  }

  private cancel(job: Job, error: Error): void {
    if (job.done || job.settled) return
    this.cancelled++
    if (this.running === job) {
      // the caller hears now; the worker may finish the call within the grace, else it is replaced
      job.settled = true
      job.reject(error)
      if (this.graceMs <= 0) return this.replaceRunning(job, error)
      job.grace = setTimeout(() => {
        if (this.running === job && !job.done) this.replaceRunning(job, error)
      }, this.graceMs)
      return
    }
    const i = this.queue.indexOf(job)
    if (i >= 0) this.queue.splice(i, 1)
    job.done = true
    job.reject(error)
  }

  /** calls queued or running (a cancelled call still running within its grace counts) */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0)
  }

  /** The engine's answer as bytes: UTF-8 JSON, or an export's file content (made on the worker thread). */
  callBytes<M extends WorkerMethod>(method: M, ...args: WorkerArgs<M>): Promise<Uint8Array> {
    return this.callWith({}, method, ...args)
  }

  /** callBytes with a supersede key, an abort signal or a deadline of its own. */
  callWith<M extends WorkerMethod>(opts: EngineCallOptions, method: M, ...args: WorkerArgs<M>): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const job: Job = {
        id: this.next++,
        method,
        args,
        key: opts.supersede,
        deadlineMs: opts.deadlineMs ?? callDeadlineMs(inputBytes(args), method, this.deadlineMs),
        resolve,
        reject
      }
      if (opts.signal?.aborted) return reject(new EngineCancelledError(`${method}: cancelled`))
      opts.signal?.addEventListener('abort', () => this.cancel(job, new EngineCancelledError(`${method}: cancelled`)), { once: true })
      if (job.key !== undefined) {
        const superseded = new EngineCancelledError(`${method}: superseded by a newer call`)
        for (const old of [...this.queue]) if (old.key === job.key) this.cancel(old, superseded)
        this.queue.push(job)
        if (this.running?.key === job.key) this.cancel(this.running, superseded)
      } else this.queue.push(job)
      this.pump()
    })
  }

  /** A JSON answer as an object (parsed on the calling thread). */
  async call<T>(method: Exclude<WorkerMethod, 'export' | 'lookup'>, source: string, fileName: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.callBytes(method, source, fileName))) as T
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    for (const job of [...this.queue, ...(this.running ? [this.running] : [])]) {
      this.finish(job)
      job.reject(new Error('the engine worker was closed'))
    }
    this.queue = []
    if (w) await w.terminate()
  }
}
