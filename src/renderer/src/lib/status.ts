// The status bar's word on the analysis: whether the views show the newest text's result.

export interface AnalysisState {
  /** a call is in flight */
  busy: boolean
  /** a text waits out the debounce */
  pending: boolean
  /** some text has been analysed */
  analysed: boolean
  /** the engine threw (not a problem in the text) */
  engineFailure: string
  /** the newest analysed text parses and models */
  valid: boolean
  /** errors in the newest analysed text */
  errorCount: number
  /** the last good result, on screen (null: none yet) */
  report: object | null
}

/**
 * "up to date" only when a result for the newest text is shown: not before the first
 * answer, nor while a text waits (debounce) or runs. `a` is the Analysis
 * (analysis.svelte.ts), or any state of its shape.
 */
export function analysisStatus(a: AnalysisState): string {
  if (a.busy || a.pending) return 'working…'
  if (a.engineFailure) return a.report ? 'the engine failed: showing the last good result' : 'the engine failed'
  if (!a.analysed) return 'not analysed yet'
  if (a.valid) return 'up to date'
  const errors = `${a.errorCount} error${a.errorCount === 1 ? '' : 's'}`
  return a.report ? `${errors}: showing the last good result` : errors
}
