// The engine in a worker thread: large scenarios and logs are analysed here so the
// main process's event loop (Electron's, or the browser host's) is never blocked.
// Messages: { id, method, args } in, { id, ok: true, result } or { id, ok: false, error } out.
import { parentPort } from 'node:worker_threads'
import { analyzeSource, bootlogSource, checkSource } from '../shared/engine/index.ts'

const METHODS = { analyze: analyzeSource, bootlog: bootlogSource, check: checkSource } as const
export type WorkerMethod = keyof typeof METHODS

parentPort?.on('message', (msg: { id: number; method: WorkerMethod; args: [string, string] }) => {
  try {
    const fn = METHODS[msg.method]
    if (!fn) throw new Error(`unknown engine method ${msg.method}`)
    parentPort!.postMessage({ id: msg.id, ok: true, result: fn(msg.args[0], msg.args[1]) })
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) })
  }
})
