// The engine on a worker thread. Every engine call of the hosts (Electron's main process
// and the browser host) runs here, so their event loop is never blocked by a model, a
// log import or an export's rendering (resvg and pdfkit are synchronous).
//
// One call at a time (the host posts the next when this one answered); a call past its
// deadline gets this thread terminated (src/main/engine-client.ts).
// Messages: { id, method, args } in, { id, ok: true, bytes } or { id, ok: false, error } out.
// `bytes` is UTF-8 JSON (analyze, bootlog, check, lookup, importLog) or the exported file's
// content (export), made here and transferred, not copied: a hyperscale report is
// megabytes, and as an object graph it would be rebuilt on the main thread node by node.
import { parentPort, workerData } from 'node:worker_threads'
import type { ExportFormat, ExportView, ExportRequest } from '../shared/api.ts'
import { analyzeSource, bootlogSource, checkSource, lookupSource } from '../shared/engine/index.ts'
import { formatDiagnostic } from '../shared/engine/report.ts'
import { setProgressCell } from '../shared/engine/progress.ts'
import { VIEW_IDS } from '../shared/views/index.ts'
import { importLog } from './import-log.ts'
import { renderExport } from './reports.ts'

/** Bytes with an ArrayBuffer of their own (Buffer.from may share a pool), so they can be transferred. */
function own(data: string | Uint8Array): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data)
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice()
}

const json = (v: unknown): Uint8Array => own(JSON.stringify(v))

/** What File › Export writes: the scenario analysed, then rendered as `request` asks. */
async function exportFile(source: string, fileName: string, request: ExportRequest): Promise<Uint8Array> {
  const r = analyzeSource(source, fileName)
  if (!r.ok) {
    const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0]
    throw new Error(first ? formatDiagnostic(fileName, first) : `${fileName}: the scenario could not be analysed`)
  }
  const format: ExportFormat = request.format
  const views: ExportView[] = format === 'pdf' ? [...VIEW_IDS] : [request.view]
  return own(await renderExport(r.report, { views, format, opts: { theme: request.theme, scale: request.scale, zoom: request.zoom ?? undefined, source: { text: source, fileName } } }))
}

export const METHODS = {
  analyze: (source: string, fileName: string) => json(analyzeSource(source, fileName)),
  bootlog: (source: string, fileName: string) => json(bootlogSource(source, fileName)),
  check: (source: string, fileName: string) => json(checkSource(source, fileName)),
  lookup: (source: string, fileName: string, queries: string[]) => json(lookupSource(source, fileName, queries)),
  importLog: (text: string, fileName: string) => json(importLog(text, fileName)),
  export: exportFile
} satisfies Record<string, (...args: never[]) => Uint8Array | Promise<Uint8Array>>

export type WorkerMethod = keyof typeof METHODS
export type WorkerArgs<M extends WorkerMethod> = Parameters<(typeof METHODS)[M]>

// the line the engine is at, read by the host when a call passes its deadline
const shared = (workerData as { progress?: unknown } | null)?.progress
if (shared instanceof SharedArrayBuffer) setProgressCell(new Int32Array(shared))

parentPort?.on('message', async (msg: { id: number; method: WorkerMethod; args: unknown[] }) => {
  try {
    const fn = METHODS[msg.method] as ((...a: unknown[]) => Uint8Array | Promise<Uint8Array>) | undefined
    if (!fn) throw new Error(`unknown engine method ${msg.method}`)
    const bytes = await fn(...msg.args)
    parentPort!.postMessage({ id: msg.id, ok: true, bytes }, [bytes.buffer as ArrayBuffer])
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) })
  }
})
// loaded: EngineWorker (which shares the progress cell) starts a call's deadline from
// here, not from the thread's start-up; a bare Worker of this file gets answers only
if (shared instanceof SharedArrayBuffer) parentPort?.postMessage({ ready: true })
