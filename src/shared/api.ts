// The one IPC contract between the renderer and the main process.
//
// Every operation is a named function with JSON-plain arguments and results (no Map,
// Date, BigInt or undefined-only fields) so the same contract is served by Electron's
// ipcMain (src/main/index.ts), by the Node browser host (src/main/browser-host.ts) and
// is exposed to the renderer by the preload one function per operation.
import type { AnalysisReport, BootlogReport, Diagnostic } from './engine/report.ts'

export interface ExampleInfo {
  /** file name inside resources/examples, e.g. `x86-laptop.yaml` */
  name: string
  /** the scenario's `name:` field */
  title: string
}

export type AnalyzeResponse =
  | { ok: true; report: AnalysisReport; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] }

export type BootlogResponse =
  | { ok: true; report: BootlogReport; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] }

export interface Api {
  /** Example scenarios shipped in resources/examples. */
  listExamples(): Promise<ExampleInfo[]>
  /** The text of one example scenario. */
  readExample(name: string): Promise<string>
  /** Parse a scenario (YAML or JSON) and run the full model. */
  analyze(source: string, fileName: string): Promise<AnalyzeResponse>
  /** Predict the kernel's boot-log lines for a scenario or a dmesg/serial log. */
  bootlog(source: string, fileName: string): Promise<BootlogResponse>
}

export type ApiMethod = keyof Api

/** Runtime list of the contract's operations (preload, IPC registration, browser host). */
export const API_METHODS = ['listExamples', 'readExample', 'analyze', 'bootlog'] as const satisfies readonly ApiMethod[]

/** Argument validators, run in the main process before a call reaches a service. */
export const API_ARGUMENTS: { [M in ApiMethod]: (args: unknown[]) => string | null } = {
  listExamples: (a) => (a.length === 0 ? null : 'listExamples takes no arguments'),
  readExample: (a) =>
    a.length === 1 && typeof a[0] === 'string' && /^[\w.-]+\.(ya?ml|json)$/.test(a[0])
      ? null
      : 'readExample takes one example file name',
  analyze: (a) => sourceAndName('analyze', a),
  bootlog: (a) => sourceAndName('bootlog', a)
}

/** 100 MB: a paste larger than this is refused with a message, not parsed. */
export const MAX_SOURCE_BYTES = 100 * 1024 * 1024

function sourceAndName(op: string, a: unknown[]): string | null {
  if (a.length !== 2 || typeof a[0] !== 'string' || typeof a[1] !== 'string') {
    return `${op} takes (source: string, fileName: string)`
  }
  if (a[0].length > MAX_SOURCE_BYTES) return `${op}: input is larger than ${MAX_SOURCE_BYTES} bytes`
  return null
}
