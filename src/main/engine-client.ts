// Runs engine calls on a worker thread (src/main/engine-worker.ts). One worker, started
// on first use, calls queued in order; a crashed worker is replaced and its pending
// calls fail with the reason instead of hanging.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerArgs, WorkerMethod } from './engine-worker.ts'

function spawnWorker(): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  // built: out/main/engine-worker.js, beside this module or, when the bundler put this
  // module in a shared chunk (out/main/chunks/), one level up
  const built = [join(here, 'engine-worker.js'), join(here, '..', 'engine-worker.js')].find((f) => existsSync(f))
  if (built) return new Worker(built)
  // from sources (tests, the CLI): load the .ts through tsx's loader inside the worker
  const url = pathToFileURL(join(here, 'engine-worker.ts')).href
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`, { eval: true })
}

export class EngineWorker {
  private worker: Worker | null = null
  private next = 1
  private pending = new Map<number, { resolve: (json: Uint8Array) => void; reject: (e: Error) => void }>()

  private start(): Worker {
    if (this.worker) return this.worker
    const w = spawnWorker()
    w.on('message', (m: { id: number; ok: boolean; bytes?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      // an idle worker does not keep the process alive
      if (this.pending.size === 0) w.unref()
      if (m.ok) p.resolve(m.bytes as Uint8Array)
      else p.reject(new Error(m.error))
    })
    const fail = (why: string): void => {
      for (const p of this.pending.values()) p.reject(new Error(`the engine worker stopped: ${why}`))
      this.pending.clear()
      this.worker = null
    }
    w.on('error', (e) => fail(e.message))
    w.on('exit', (code) => code !== 0 && fail(`exit code ${code}`))
    this.worker = w
    return w
  }

  /** The engine's answer as bytes: UTF-8 JSON, or an export's file content (made on the worker thread). */
  callBytes<M extends WorkerMethod>(method: M, ...args: WorkerArgs<M>): Promise<Uint8Array> {
    const w = this.start()
    const id = this.next++
    w.ref()
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      w.postMessage({ id, method, args })
    })
  }

  /** A JSON answer as an object (parsed on the calling thread). */
  async call<T>(method: Exclude<WorkerMethod, 'export' | 'lookup'>, source: string, fileName: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.callBytes(method, source, fileName))) as T
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}
