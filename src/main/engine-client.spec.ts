import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { analyzeSource } from '../shared/engine/index.ts'
import { Worker } from 'node:worker_threads'
import { callDeadlineMs, EngineCancelledError, EngineTimeoutError, EngineWorker } from './engine-client.ts'
import { pathologicalLog, recordedBoot, slowLineLog } from '../../tests/pathological.ts'

const root = join(import.meta.dirname, '../..')
const worker = new EngineWorker()
afterAll(() => worker.close())

describe('engine worker thread', () => {
  it('answers exactly what the engine answers in-thread', async () => {
    const text = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
    const r = await worker.call<ReturnType<typeof analyzeSource>>('analyze', text, 'x86-laptop.yaml')
    expect(r).toEqual(JSON.parse(JSON.stringify(analyzeSource(text, 'x86-laptop.yaml'))))
  })
  it('runs a boot-log diff and reports bad input as diagnostics', async () => {
    const log = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    const r = await worker.call<{ ok: boolean; report: { diff: { equal: boolean } } }>('bootlog', log, 'boot.log')
    expect(r.ok && r.report.diff.equal).toBe(true)
    const bad = await worker.call<{ ok: boolean; diagnostics: { line: number }[] }>('analyze', 'kernel: [', 'x.yaml')
    expect(bad.ok).toBe(false)
    expect(bad.diagnostics[0].line).toBe(1)
  })
  it('rejects unknown methods instead of hanging', async () => {
    await expect(worker.call('frobnicate' as never, '', '')).rejects.toThrow(/unknown engine method/)
  })
})

/**
 * A stand-in engine worker: answers at once, except for a source starting with "spin", on
 * which it reports line 42 and never yields (as a pathological input would).
 */
const SLOW_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const cell = workerData && workerData.progress ? new Int32Array(workerData.progress) : null
parentPort.on('message', (m) => {
  const source = m.args[0]
  if (source.startsWith('spin')) {
    if (cell) cell[0] = 42
    for (;;) {}
  }
  const bytes = new TextEncoder().encode(JSON.stringify({ echo: source }))
  parentPort.postMessage({ id: m.id, ok: true, bytes }, [bytes.buffer])
})
parentPort.postMessage({ ready: true })
`

describe('engine calls: a deadline, and a superseded call cancelled', () => {
  const decode = (b: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(b))
  const slowEngine = (deadlineMs: number): EngineWorker => new EngineWorker({ deadlineMs, spawn: (workerData) => new Worker(SLOW_WORKER, { eval: true, workerData }) })

  it('a call that never yields fails at its deadline with the line; the queued call runs at once on a new worker', async () => {
    const engine = slowEngine(400)
    try {
      await engine.callBytes('analyze', 'warm', 'w.yaml')
      const t0 = Date.now()
      const stuck = engine.callBytes('analyze', 'spin forever', 'evil.log')
      stuck.catch(() => undefined)
      const next = engine.callBytes('analyze', 'next', 'good.yaml')
      await expect(stuck).rejects.toThrow(/^evil\.log:42:1: error: this input took too long \(the engine stopped after 0\.4 s on line 42; analyze\)$/)
      await expect(stuck).rejects.toBeInstanceOf(EngineTimeoutError)
      expect(decode(await next)).toEqual({ echo: 'next' })
      // the deadline and a worker's start, not the 17 s of the issue
      expect(Date.now() - t0).toBeLessThan(3000)
      expect(engine.restarts).toBe(1)
    } finally {
      await engine.close()
    }
  })

  it('a newer call with the same key cancels the running one at once (no deadline wait); other keys are kept', async () => {
    const engine = slowEngine(60_000)
    try {
      await engine.callBytes('analyze', 'warm', 'w.yaml')
      const t0 = Date.now()
      const failure = (p: Promise<unknown>): Promise<unknown> =>
        p.then(
          () => null,
          (e: unknown) => e
        )
      const old = failure(engine.callWith({ supersede: 'analyze:doc.yaml' }, 'analyze', 'spin', 'doc.yaml'))
      const queuedOther = engine.callWith({ supersede: 'bootlog:doc.yaml' }, 'bootlog', 'other', 'doc.yaml')
      // it spins too, so it is still queued or running when the newest edit comes, however fast the machine
      const queuedSame = failure(engine.callWith({ supersede: 'analyze:doc.yaml' }, 'analyze', 'spin older edit', 'doc.yaml'))
      await new Promise((r) => setTimeout(r, 100))
      const newest = engine.callWith({ supersede: 'analyze:doc.yaml' }, 'analyze', 'newest edit', 'doc.yaml')
      expect(await old).toBeInstanceOf(EngineCancelledError)
      expect(String(await queuedSame)).toMatch(/superseded by a newer call/)
      expect(decode(await queuedOther)).toEqual({ echo: 'other' })
      expect(decode(await newest)).toEqual({ echo: 'newest edit' })
      expect(Date.now() - t0).toBeLessThan(3000)
    } finally {
      await engine.close()
    }
  })

  it('an aborted call is dropped from the queue or its worker replaced', async () => {
    const engine = slowEngine(60_000)
    try {
      const ac = new AbortController()
      const running = engine.callWith({ signal: ac.signal }, 'analyze', 'spin', 'a.yaml')
      running.catch(() => undefined)
      const after = engine.callBytes('analyze', 'after', 'b.yaml')
      await new Promise((r) => setTimeout(r, 300))
      ac.abort()
      await expect(running).rejects.toThrow(/cancelled/)
      expect(decode(await after)).toEqual({ echo: 'after' })
    } finally {
      await engine.close()
    }
  })

  it('the real engine worker: a call past its deadline is stopped and the next analysis answers', async () => {
    const engine = new EngineWorker()
    try {
      const small = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
      await engine.call('analyze', small, 'warm.yaml')
      const { stringify } = await import('yaml')
      const { hyperscale } = await import('../../bench/hyperscale.ts')
      const big = stringify(hyperscale(8, 4, 600))
      const t0 = Date.now()
      const stopped = engine.callWith({ deadlineMs: 50 }, 'analyze', big, 'big.yaml')
      stopped.catch(() => undefined)
      const next = engine.call<{ ok: boolean }>('analyze', small, 'next.yaml')
      await expect(stopped).rejects.toThrow(/^big\.yaml(:\d+:1)?: error: this input took too long/)
      expect((await next).ok).toBe(true)
      // a fresh worker from sources loads tsx and the engine: seconds here, ~0.4 s built
      expect(Date.now() - t0).toBeLessThan(15_000)
      expect(engine.restarts).toBe(1)
    } finally {
      await engine.close()
    }
  })

  it('the real engine, a pathological log: the deadline names the line it was reading (file:line:col: error:)', async () => {
    const engine = new EngineWorker()
    try {
      await engine.call('analyze', WARM, 'warm.yaml')
      // line 12 holds 96 MiB of escape sequences: seconds (about 6 s idle here), the 11
      // lines before it microseconds. The deadline must fall after the text has reached
      // the worker and before that line is read: 2 s does on an idle machine and on one
      // loaded several times over (1 s with a third of the text once fell before the
      // parser had read a line, with both cores busy and a build running)
      const slow = slowLineLog(12, 3)
      const stopped = engine.callWith({ deadlineMs: 2000 }, 'bootlog', slow.text, 'slow.log')
      await expect(stopped).rejects.toBeInstanceOf(EngineTimeoutError)
      await expect(stopped).rejects.toThrow(/^slow\.log:12:1: error: this input took too long \(the engine stopped after 2\.0 s on line 12; bootlog\)$/)
    } finally {
      await engine.close()
    }
  })
})

/** A small valid scenario, for warming a worker up and for "the next analysis". */
const WARM = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')

describe('the real engine: a superseded call on a pathological log ends at once', () => {
  const failure = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => null,
      (e: unknown) => e
    )
  /** a moment for the worker to begin the pathological call (posted to it: the one call pending) */
  const started = async (engine: EngineWorker): Promise<void> => {
    await new Promise((r) => setTimeout(r, 100))
    expect(engine.pending).toBe(1)
  }

  it('superseded while running: cancelled at once, its worker replaced, the newer analysis answered before the deadline would have fired', async () => {
    // a short grace: the log keeps the engine busy for far longer (~1 s), so it does not yield
    const engine = new EngineWorker({ supersedeGraceMs: 50 })
    try {
      await engine.call('analyze', WARM, 'warm.yaml')
      const log = pathologicalLog()
      const old = failure(engine.callWith({ supersede: 'bootlog:doc.log' }, 'bootlog', log, 'doc.log'))
      await started(engine)
      const t0 = Date.now()
      const newer = engine.callWith({ supersede: 'bootlog:doc.log' }, 'bootlog', recordedBoot(), 'doc.log')
      const e = await old
      const cancelledAfter = Date.now() - t0
      expect(e).toBeInstanceOf(EngineCancelledError)
      expect(String(e)).toMatch(/bootlog: superseded by a newer call/)
      // at once: not at its deadline (5 s + 2 s per MiB: 27 s for this log)
      expect(cancelledAfter).toBeLessThan(1000)
      const r = JSON.parse(new TextDecoder().decode(await newer)) as { ok: boolean }
      expect(r.ok).toBe(true)
      // a fresh worker from sources (tsx) starts in seconds: well before the deadline the log's call ran to
      expect(Date.now() - t0).toBeLessThan(callDeadlineMs(log.length) / 2)
      expect(engine.restarts).toBe(1)
      expect(engine.cancelled).toBe(1)
    } finally {
      await engine.close()
    }
  })

  it('a superseded call that finishes within the grace keeps its worker: the caller hears at once, the newer call runs next', async () => {
    const engine = new EngineWorker({ supersedeGraceMs: 60_000 })
    try {
      await engine.call('analyze', WARM, 'warm.yaml')
      const old = failure(engine.callWith({ supersede: 'bootlog:doc.log' }, 'bootlog', pathologicalLog(), 'doc.log'))
      await started(engine)
      const newer = engine.callWith({ supersede: 'bootlog:doc.log' }, 'bootlog', recordedBoot(), 'doc.log')
      expect(await old).toBeInstanceOf(EngineCancelledError)
      expect((JSON.parse(new TextDecoder().decode(await newer)) as { ok: boolean }).ok).toBe(true)
      expect(engine.restarts).toBe(0)
    } finally {
      await engine.close()
    }
  })

  it('aborted by its caller while running: cancelled at once, and the next call answers', async () => {
    const engine = new EngineWorker({ supersedeGraceMs: 50 })
    try {
      await engine.call('analyze', WARM, 'warm.yaml')
      const ac = new AbortController()
      const log = pathologicalLog()
      const old = failure(engine.callWith({ signal: ac.signal }, 'bootlog', log, 'doc.log'))
      await started(engine)
      const t0 = Date.now()
      ac.abort()
      expect(String(await old)).toMatch(/bootlog: cancelled/)
      expect(Date.now() - t0).toBeLessThan(1000)
      expect((await engine.call<{ ok: boolean }>('analyze', WARM, 'next.yaml')).ok).toBe(true)
      expect(Date.now() - t0).toBeLessThan(callDeadlineMs(log.length) / 2)
      expect(engine.restarts).toBe(1)
    } finally {
      await engine.close()
    }
  })
})
