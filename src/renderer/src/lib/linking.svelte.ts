// The views and the editor linked both ways (scenario/provenance.ts does the mapping):
// a click on a figure element selects the scenario lines it comes from; the entry under
// the editor's cursor (or the page a lookup found) is what the views mark.
import { untrack } from 'svelte'
import type { AnalysisReport } from '../../../shared/engine/report.ts'
import { pathString } from '../../../shared/scenario/parse.ts'
import {
  entryAt,
  entryIndex,
  pathSpans,
  provenanceOf,
  type ByteRange,
  type EntryIndex,
  type FigureElement,
  type Geometry,
  type LineSpan,
  type ScenarioPath
} from '../../../shared/scenario/provenance.ts'
import { logLineProvenance } from '../../../shared/scenario/log-source.ts'
import type { Analysis } from './analysis.svelte.ts'
import { revealSentence } from './reveal.ts'

/** What the editor offers: select whole lines, the first span revealed. */
export interface LineSelector {
  selectLines(spans: readonly { startLine: number; endLine: number }[]): void
}

/**
 * Above this the cursor does not mark the views: locating every entry of a scenario of
 * hundreds of thousands of ranges is a read of the whole text (a click still works).
 */
export const CURSOR_INDEX_MAX_CHARS = 4 * 1024 * 1024
/**
 * The entries are located again after a new result only once the cursor and the text
 * rest this long: locating them reads the whole text (~20 ms for 4096 ranges), which a
 * keystroke's redraw should not wait for.
 */
export const INDEX_DELAY_MS = 250

export function geometry(r: AnalysisReport): Geometry {
  return { pageSize: r.pageSizeBytes, pagesPerSection: r.sections.pagesPerSection }
}

export class Linking {
  /** the bytes the views mark (the entry under the cursor, a lookup's page); null: nothing */
  marked = $state.raw<ByteRange[] | null>(null)
  editor: LineSelector | null = null
  /** the entries of the last report's scenario, located in the text it came from */
  private index: { report: AnalysisReport; ix: EntryIndex | null } | null = null
  private markedBy: unknown = null
  private pending: ReturnType<typeof setTimeout> | undefined
  private at = { line: 1, column: 1 }
  /** the marks are a lookup's page (not the cursor's entry) */
  private lookupMark = false

  constructor(
    private readonly text: () => string,
    private readonly analysis: Analysis
  ) {}

  /** the views show the analysis of the editor's text: its lines are the figures' source */
  get current(): boolean {
    return this.analysis.report !== null && this.analysis.valid && !this.analysis.busy
  }

  /**
   * Select the lines a figure element comes from. Returns a sentence for the view's detail
   * strip: where it comes from, or why no line is selected (never a wrong line: a stale
   * result selects nothing).
   */
  reveal(el: FigureElement): string {
    const r = this.analysis.report
    if (!r || !this.current) return 'The views show the last good result: fix the scenario (or wait for the analysis) to go to its lines.'
    return this.select(provenanceOf(r.scenario, el, geometry(r)))
  }

  /**
   * Select the scenario lines a kernel log line derives from (a predicted line, a row of
   * the diff against a real log, a Compare line; scenario/log-source.ts). Returns the
   * sentence for the panel's strip, as reveal() does.
   */
  revealLogLine(line: string): string {
    const r = this.analysis.report
    if (!r || !this.current) return 'The views show the last good result: fix the scenario (or wait for the analysis) to go to its lines.'
    const p = logLineProvenance(r.scenario, line, geometry(r), r.holes)
    if (!p) return 'This line names no zone, node, range or page size of the scenario.'
    return this.select(p)
  }

  /** Select a provenance's lines; its sentence (revealSentence()). */
  private select(p: { paths: readonly ScenarioPath[]; why: string }): string {
    return revealSentence(p, p.paths.length ? this.revealPaths(p.paths) : '')
  }

  /**
   * Select the lines of the first scenario path the text holds, revealed (one selection:
   * several would be several cursors, and typing would edit them all); the others are
   * named. A summary such as `line 25 (firmware.map[15])`, or '' when none is in the text.
   */
  revealPaths(paths: readonly ScenarioPath[]): string {
    const spans = pathSpans(untrack(this.text), paths)
    const found = paths.flatMap((p, i) => (spans[i] ? [{ path: p, span: spans[i] }] : []))
    if (!found.length || !this.editor) return ''
    const [first, ...more] = found
    this.editor.selectLines([first.span])
    const lines = (s: LineSpan): string => (s.endLine > s.startLine ? `${s.startLine}–${s.endLine}` : `${s.startLine}`)
    const also = more.length ? `; also line${more.length > 1 ? 's' : ''} ${more.map((m) => lines(m.span)).join(', ')}` : ''
    return `line${first.span.endLine > first.span.startLine ? 's' : ''} ${lines(first.span)} (${pathString(first.path)})${also}`
  }

  /** The editor's cursor moved (or a new result came): mark the entry under it. */
  cursor(line: number, column: number): void {
    const moved = line !== this.at.line || column !== this.at.column
    this.at = { line, column }
    const r = this.analysis.report
    if (!r || !this.analysis.valid) return this.mark(null, null)
    if (this.index?.report !== r) {
      clearTimeout(this.pending)
      this.pending = setTimeout(() => this.locate(), INDEX_DELAY_MS)
      return
    }
    // a lookup's page stays marked until the cursor moves (a new result alone keeps it)
    if (!moved && this.lookupMark) return
    this.lookupMark = false
    const e = this.index.ix ? entryAt(this.index.ix, line, column) : null
    this.mark(e, e?.ranges ?? null)
  }

  /** Locate the entries of the shown result in the text (when the analysis is idle). */
  private locate(): void {
    const r = this.analysis.report
    if (!r || !this.analysis.valid) return
    if (this.analysis.busy) {
      this.pending = setTimeout(() => this.locate(), INDEX_DELAY_MS)
      return
    }
    const text = untrack(this.text)
    this.index = { report: r, ix: text.length <= CURSOR_INDEX_MAX_CHARS ? entryIndex(text, r.scenario) : null }
    this.cursor(this.at.line, this.at.column)
  }

  /** Mark a range (a lookup's page) until the cursor moves to an entry. */
  markRange(range: ByteRange | null): void {
    this.lookupMark = range !== null
    this.mark(range, range ? [range] : null)
  }

  private mark(by: unknown, ranges: ByteRange[] | null): void {
    // the same entry again (most cursor moves): no change, so the views do not re-mark
    if (by === this.markedBy && by !== null) return
    this.markedBy = by
    if (ranges !== null || this.marked !== null) this.marked = ranges
  }
}
