import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { analyzeSource } from '../shared/engine/index.ts'
import { Worker } from 'node:worker_threads'
import { EngineCancelledError, EngineTimeoutError, EngineWorker } from './engine-client.ts'

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
      await expect(stuck).rejects.toThrow(/^evil\.log:42: this input took too long: the engine stopped after 0\.4 s at line 42 \(analyze\)$/)
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
      await expect(stopped).rejects.toThrow(/^big\.yaml: this input took too long/)
      expect((await next).ok).toBe(true)
      // a fresh worker from sources loads tsx and the engine: seconds here, ~0.4 s built
      expect(Date.now() - t0).toBeLessThan(15_000)
      expect(engine.restarts).toBe(1)
    } finally {
      await engine.close()
    }
  })
})
