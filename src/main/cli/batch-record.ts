// One record of `memmap-workbench batch` per input: what the input was read as, the
// kernel and architecture, present pages, the memmap's size, the failing memmap checks
// and, with --diff, the boot-log verdict and the kinds of the differing lines. The same
// engine calls as `bootlog --diff` and `check`: load once, model once, report.
// Records are written as JSON lines or CSV (RFC 4180), with the same keys in the same
// order for every record of a run and the same type per key in every run (lists as
// `;`-joined strings in both), so DuckDB, pandas or a spreadsheet load them as they are.

import { bootlogLines, type LineKind } from '../../shared/engine/bootlog.ts'
import { buildBootlog, bootlogSource, loadInput, platformDmaLimit, type InputOptions } from '../../shared/engine/index.ts'
import { memmapChecks } from '../../shared/engine/memmap/index.ts'
import { ModelError, runModel } from '../../shared/engine/model.ts'
import { formatDiagnostic, type Diagnostic } from '../../shared/engine/report.ts'

export interface BatchRecord {
  file: string
  /** loadInput()'s kind (scenario, log, or an importer's), null when the input did not load */
  kind: string | null
  kernel: string | null
  arch: string | null
  presentPages: number | null
  /** the struct page arrays of the present sections (memmapReport().totals.memmapBytes, via memmapChecks()) */
  memmapBytes: number | null
  /** ids of the memmap checks whose status is 'fail' (as `check` prints FAIL) */
  failingChecks: string[]
  /** with --diff: the boot-log verdict; null for inputs that carry no kernel lines (scenarios) */
  diff?: 'exact' | 'mismatch' | null
  /** with --diff: the LineKinds of the differing lines, in the kernel's order of kinds */
  diffKinds?: string[]
  /** `file:line:col: error: …` when the input could not be read, parsed or modelled */
  error: string | null
}

/** The keys of every record, in order (the CSV header). */
export function recordKeys(diff: boolean): (keyof BatchRecord)[] {
  return ['file', 'kind', 'kernel', 'arch', 'presentPages', 'memmapBytes', 'failingChecks', ...(diff ? (['diff', 'diffKinds'] as const) : []), 'error']
}

export function errorRecord(file: string, message: string, diff: boolean, kind: string | null = null): BatchRecord {
  return { file, kind, kernel: null, arch: null, presentPages: null, memmapBytes: null, failingChecks: [], ...(diff ? { diff: null, diffKinds: [] } : {}), error: message }
}

function firstError(file: string, diagnostics: Diagnostic[]): string {
  const d = diagnostics.find((x) => x.severity === 'error') ?? diagnostics[0] ?? { severity: 'error', message: 'the input could not be read' }
  return formatDiagnostic(file, d)
}

/** The order bootlogLines() prints the kinds in: diffKinds are listed in it. */
const KIND_ORDER: LineKind[] = [
  'zone-ranges',
  'movable',
  'early-node-ranges',
  'initmem',
  'totalpages',
  'memmap',
  'dma-reserved',
  'memmap-exceeds',
  'holes',
  'memory',
  'memory-block-size',
  'hugetlb-vmemmap'
]

/** One input's record; never throws for bad input (an error record instead). */
export function evaluate(source: string, file: string, opts: InputOptions, diff: boolean): BatchRecord {
  const l = loadInput(source, file, opts)
  if (!l.ok) return errorRecord(file, firstError(file, l.diagnostics), diff)
  let model
  try {
    model = platformDmaLimit(l, runModel(l.scenario))
  } catch (e) {
    if (!(e instanceof ModelError)) throw e
    // the same located message as bootlog/check/analyze give for this input
    const r = bootlogSource(source, file, opts)
    return errorRecord(file, r.ok ? `${file}:1:1: error: ${e.message}` : firstError(file, r.diagnostics), diff, l.kind)
  }
  const rec: BatchRecord = {
    file,
    kind: l.kind,
    kernel: model.scenario.kernel,
    arch: model.scenario.arch,
    presentPages: model.nodes.reduce((a, n) => a + n.present, 0),
    memmapBytes: 0,
    failingChecks: [],
    error: null
  }
  // the memmap's size and its checks only, as memmapReport() gives them (no figures or rows)
  const mm = memmapChecks(model)
  rec.memmapBytes = mm.memmapBytes
  rec.failingChecks = mm.failing
  if (diff) {
    rec.diff = null
    rec.diffKinds = []
    if (l.log) {
      const d = buildBootlog(model, l.log).diff!
      rec.diff = d.equal ? 'exact' : 'mismatch'
      if (!d.equal) {
        // '-' lines are the kernel's (their kind from the log), '+' lines ours (from the prediction)
        const theirs = new Map(l.log.expected.map((e) => [e.text, e.kind]))
        const ours = new Map(bootlogLines(model).map((p) => [p.text, p.kind]))
        const kinds = new Set<LineKind>()
        for (const x of d.lines) {
          const k = x.op === '-' ? theirs.get(x.text) : x.op === '+' ? ours.get(x.text) : undefined
          if (k) kinds.add(k)
        }
        // a log without its `Early memory node ranges` block is never exact (buildBootlog())
        if (!l.log.expected.some((e) => e.kind === 'early-node-ranges')) kinds.add('early-node-ranges')
        rec.diffKinds = KIND_ORDER.filter((k) => kinds.has(k))
      }
    }
  }
  return rec
}

/** Has this record something to report (exit status 1)? */
export function recordFails(r: BatchRecord): boolean {
  return r.error !== null || r.failingChecks.length > 0 || r.diff === 'mismatch'
}

/**
 * One JSON line, keys in recordKeys() order. Every column has one JSON type in every
 * record, whatever the inputs, so a loader's inferred schema is the same for every run:
 * file a string; kind, kernel, arch, error a string or null; presentPages, memmapBytes a
 * number or null; diff a string or null; and the lists (failingChecks, diffKinds) a string,
 * their items joined with `;` as in the CSV, "" when empty. (Written as JSON arrays, a run
 * whose lists are all empty gave DuckDB a JSON[] column, another run VARCHAR[].)
 */
export function toJsonl(r: BatchRecord, diff: boolean): string {
  const o: Record<string, unknown> = {}
  for (const k of recordKeys(diff)) {
    const v = r[k]
    o[k] = Array.isArray(v) ? v.join(';') : (v ?? null)
  }
  return JSON.stringify(o)
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvHeader(diff: boolean): string {
  return recordKeys(diff).join(',')
}

/** One CSV row; lists joined with `;`. Lines end in CRLF only inside quoted fields as given. */
export function toCsv(r: BatchRecord, diff: boolean): string {
  return recordKeys(diff)
    .map((k) => csvField(r[k]))
    .join(',')
}

/**
 * The first field of every complete CSV record (RFC 4180: quoted fields may hold commas,
 * quotes and line breaks), the header's included. `complete` is the length of the text up
 * to the end of the last complete record.
 */
const SPECIAL = /[",\r\n]/g

export function csvFirstFields(text: string): { fields: string[]; complete: number } {
  const fields: string[] = []
  let complete = 0
  let i = 0
  const n = text.length
  while (i < n) {
    // one record: its first field, then skip the rest of the record
    let first = ''
    let field = 0
    let cur = ''
    let ended = false
    while (i < n) {
      if (text[i] === '"') {
        const close = (() => {
          let j = i + 1
          for (;;) {
            const q = text.indexOf('"', j)
            if (q < 0) return -1
            if (text[q + 1] === '"') j = q + 2
            else return q
          }
        })()
        if (close < 0) return { fields, complete } // an unterminated quote: not complete
        cur += text.slice(i + 1, close).replace(/""/g, '"')
        i = close + 1
      } else if (text[i] === ',') {
        if (field === 0) first = cur
        field++
        cur = ''
        i++
      } else if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
        i += text[i] === '\r' ? 2 : 1
        ended = true
        break
      } else {
        SPECIAL.lastIndex = i + 1
        const m = SPECIAL.exec(text)
        const end = m ? m.index : n
        cur += text.slice(i, end)
        i = end
        // a lone CR inside an unquoted field is data
        if (m && text[end] === '\r' && text[end + 1] !== '\n') {
          cur += '\r'
          i++
        }
      }
    }
    if (!ended) break
    if (field === 0) first = cur
    fields.push(first)
    complete = i
  }
  return { fields, complete }
}

/** An input's record as its output line (JSONL or CSV) and what batch's summary counts of it. */
export interface RecordLine {
  line: string
  counts: { error: boolean; failingChecks: boolean; diff: BatchRecord['diff']; ok: boolean }
}
export type RecordCounts = RecordLine['counts']

/**
 * A worker's reply for an input: its record as a line (made there: the main thread only
 * writes it), or a binary input, skipped.
 */
export type BatchReply = ({ id: number } & RecordLine) | { id: number; skipped: 'binary' }

export function recordLine(r: BatchRecord, withDiff: boolean, as: 'jsonl' | 'csv'): RecordLine {
  return {
    line: as === 'csv' ? toCsv(r, withDiff) : toJsonl(r, withDiff),
    counts: { error: r.error !== null, failingChecks: r.failingChecks.length > 0, diff: r.diff ?? null, ok: !recordFails(r) }
  }
}
