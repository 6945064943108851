// The analysis of the editor's text, in one place: the last good report, the problems
// (capped and de-duplicated, lib/problems.ts), whether the text is valid, the busy state
// and the engine's failures. A LatestRunner sends the newest text to the host's engine
// (api.analyze); App only feeds it the text.
import { LARGE_SOURCE_CHARS, type AnalyzeResponse } from '../../../shared/api.ts'
import type { AnalysisReport, Diagnostic } from '../../../shared/engine/report.ts'
import { LatestRunner } from './latest-runner.ts'
import { sameProblems, tidyProblems } from './problems.ts'

/** the file name the engine reports problems against */
export const FILE_NAME = 'scenario.yaml'
/**
 * short: with LatestRunner a burst of keys never queues analyses, and the views must show
 * an edit within 100 ms of the last key (bench/typing.ts measures it)
 */
export const DEBOUNCE_MS = 15
/**
 * the busy state shows at once for a large input (it goes to the engine's worker and
 * takes a while), after BUSY_DELAY_MS for any other, so a quick edit does not flash it
 */
export const BUSY_DELAY_MS = 150

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export class Analysis {
  /**
   * the last good result: kept while the text does not parse or model. Raw state: a
   * report is replaced whole, never mutated, and a hyperscale one is megabytes that a
   * deep proxy would only slow down.
   */
  report = $state.raw<AnalysisReport | null>(null)
  /** the problems shown (at most MAX_PROBLEMS, lib/problems.ts) and the editor's markers */
  diagnostics = $state.raw<Diagnostic[]>([])
  /** distinct problems in all, and of them errors (the list may hold fewer) */
  problemTotal = $state(0)
  problemErrors = $state(0)
  /** the current text parses and models (report is its analysis) */
  valid = $state(true)
  busy = $state(false)
  /** a text was submitted and waits out the debounce (no call has started for it yet) */
  pending = $state(false)
  /** some text has been analysed: before the first answer nothing on screen is up to date */
  analysed = $state(false)
  /** the engine threw (not a problem in the text) */
  engineFailure = $state('')
  /** characters of the text being analysed */
  busyChars = $state(0)
  private busySlow = $state(false)

  readonly errorCount = $derived(this.problemErrors)
  readonly warningCount = $derived(this.problemTotal - this.problemErrors)
  /** the model's own warnings, for the current text only (not for a stale result) */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set for de-duplication
  readonly notes = $derived(this.valid ? [...new Set(this.report?.warnings ?? [])] : [])
  /** the busy indicator over the views */
  readonly showBusy = $derived(this.busy && (this.busySlow || this.busyChars > LARGE_SOURCE_CHARS))

  private slowTimer: ReturnType<typeof setTimeout> | undefined
  private debounce: ReturnType<typeof setTimeout> | undefined
  private readonly runner: LatestRunner<string, AnalyzeResponse>

  constructor(analyze: (text: string, fileName: string) => Promise<AnalyzeResponse>) {
    // the hosts cancel an older analysis of FILE_NAME when a newer one starts (supersedes)
    this.runner = new LatestRunner(
      (text: string) => analyze(text, FILE_NAME),
      {
        start: (text) => {
          this.busy = true
          this.busyChars = text.length
          clearTimeout(this.slowTimer)
          this.slowTimer = setTimeout(() => (this.busySlow = true), BUSY_DELAY_MS)
        },
        result: (a) => {
          // the same problems again (most edits): keep the list, so Monaco's markers are not redrawn
          const next = tidyProblems(a.diagnostics)
          if (!sameProblems(next.shown, this.diagnostics)) this.diagnostics = next.shown
          this.problemTotal = next.total
          this.problemErrors = next.errors
          if (a.ok) this.report = a.report
          this.valid = a.ok
          this.analysed = true
          this.engineFailure = ''
        },
        error: (e) => {
          this.engineFailure = message(e)
        },
        idle: () => {
          clearTimeout(this.slowTimer)
          this.busy = false
          this.busySlow = false
        }
      },
      { supersedes: true }
    )
  }

  /** Analyse `text` after DEBOUNCE_MS, unless another text comes first. */
  submit(text: string): void {
    clearTimeout(this.debounce)
    this.pending = true
    this.debounce = setTimeout(() => {
      // the runner's start() sets busy in the same task: the status never reads "up to date" between
      this.pending = false
      this.runner.submit(text)
    }, DEBOUNCE_MS)
  }

  /** Forget a pending submit (the page goes away). */
  cancel(): void {
    clearTimeout(this.debounce)
    this.pending = false
  }
}
