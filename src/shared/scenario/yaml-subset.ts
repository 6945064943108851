// A linear, allocation-light reader for the block-style YAML subset scenarios are written
// in: block mappings and sequences, one-line flow collections (`- { start: 0x1000,
// size: 4K, type: usable }`), plain and quoted scalars, comments. The `yaml` package
// builds a CST, an AST node per scalar and a JS value for every one of them; at 10^6
// firmware ranges that is gigabytes. This reader builds only the JS value, and source
// positions only for the paths asked for (diagnostics).
//
// It never guesses: on anything outside the subset (anchors, aliases, tags, block
// scalars, multi-line scalars or flow collections, escapes, tabs, duplicate or unusual
// keys, empty values, anything the `yaml` package would report) it returns null and the
// caller uses the `yaml` package, whose result is then the answer. On what it accepts it
// gives the value `yaml`'s parseDocument().toJS() gives (YAML 1.2 core schema, as in
// yaml/dist/schema/core: int, intHex, intOct, float, floatExp, floatNaN, bool, null) and
// the node start offsets its AST has (node.range[0]); yaml-subset.spec.ts compares both.

import { atLine } from '../engine/progress.ts'

/** A tree of wanted paths; `offset` is filled with the start of the node at that path. */
export interface Want {
  offset?: number
  children: Map<string | number, Want>
}

export function wantPaths(paths: readonly (readonly (string | number)[])[]): Want {
  const root: Want = { children: new Map() }
  for (const path of paths) {
    let w = root
    for (const key of path) {
      let c = w.children.get(key)
      if (!c) w.children.set(key, (c = { children: new Map() }))
      w = c
    }
  }
  return root
}

/** Thrown inside the reader for "not in the subset"; never escapes readYamlSubset(). */
class OutsideSubset {}
const OUT = new OutsideSubset()
const bail = (): never => {
  throw OUT
}

// Core schema plain-scalar resolution, in the order the core schema tries its tags.
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/
const OCT_RE = /^0o[0-7]+$/
const INT_RE = /^[-+]?[0-9]+$/
const HEX_RE = /^0x[0-9a-fA-F]+$/
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/

function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0)
  // only these can start a non-string: digits, sign, '.', '~', n/N, t/T, f/F, and the empty scalar
  if (!(c <= 0x39 || c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46)) return s
  if (NULL_RE.test(s)) return null
  if (BOOL_RE.test(s)) return s[0] === 't' || s[0] === 'T'
  if (OCT_RE.test(s)) return parseInt(s.substring(2), 8)
  if (INT_RE.test(s)) return parseInt(s, 10)
  if (HEX_RE.test(s)) return parseInt(s.substring(2), 16)
  if (NAN_RE.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  if (EXP_RE.test(s) || FLOAT_RE.test(s)) return parseFloat(s)
  return s
}

/** Keys this reader takes: identifiers that resolve to themselves as strings. */
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/
function checkKey(k: string): string {
  if (k.length > 1024 || !KEY_RE.test(k) || NULL_RE.test(k) || BOOL_RE.test(k) || k === '__proto__') bail()
  return k
}

// Characters that may not start a plain scalar here (YAML c-indicator, plus what the subset leaves out).
const NO_PLAIN_START = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)))
// Anything that makes a text leave the subset at once: tabs, control characters, BOM, a
// lone carriage return, a directive or document marker at the start of a line.
const REJECT_RE = /[\x00-\x08\x09\x0b\x0c\x0e-\x1f\x7f\ufeff\u2028\u2029]|\r(?!\n)|(?:^|\n)(?:%|---|\.\.\.)/

const SP = 0x20
const HASH = 0x23
const COLON = 0x3a
const DASH = 0x2d

class Reader {
  /** current line: start, end (before \r\n), indent, or ls = -1 at the end */
  ls = 0
  le = 0
  ind = 0
  /** offset after the node just read */
  private end = 0
  private next = 0
  /** 1-based number of the line at `next` - 1 (lines are only ever read forward) */
  private lineNo = 0
  constructor(private readonly t: string) {
    this.advance(0)
  }

  /** Move to the first line at or after `from` that has content other than a comment. */
  advance(from: number): void {
    const t = this.t
    let p = from
    while (p < t.length) {
      // where a host's deadline finds the reader (progress.ts)
      atLine(++this.lineNo)
      let e = t.indexOf('\n', p)
      const nx = e < 0 ? t.length : e + 1
      if (e < 0) e = t.length
      if (e > p && t.charCodeAt(e - 1) === 0x0d) e--
      let i = p
      while (i < e && t.charCodeAt(i) === SP) i++
      if (i < e && t.charCodeAt(i) !== HASH) {
        this.ls = p
        this.le = e
        this.ind = i - p
        this.next = nx
        return
      }
      p = nx
    }
    this.ls = -1
  }

  nextLine(): void {
    this.advance(this.next)
  }

  /** Rest of the line from `p` is white space or a comment (after white space). */
  private restIsEmpty(p: number): boolean {
    const t = this.t
    const start = p
    while (p < this.le && t.charCodeAt(p) === SP) p++
    return p === this.le || (t.charCodeAt(p) === HASH && p > start)
  }

  private isSeqStart(p: number): boolean {
    return this.t.charCodeAt(p) === DASH && (p + 1 === this.le || this.t.charCodeAt(p + 1) === SP)
  }

  /** The document: a block mapping or sequence at the root. */
  document(want: Want | null): unknown {
    if (this.ls < 0) bail() // empty: let the general parser say so
    if (want) want.offset = this.ls + this.ind
    const v = this.block(this.ind, this.ls + this.ind, want)
    if (this.ls >= 0) bail() // content after the root node ended
    return v
  }

  /** A block node whose first line is the current line; content starts at `at` (column `col`). */
  private block(col: number, at: number, want: Want | null): unknown {
    if (this.isSeqStart(at)) return this.seq(col, want)
    const c = this.t.charCodeAt(at)
    if (c === 0x7b || c === 0x5b) {
      // a one-line flow collection as a whole block node (e.g. a JSON document on one line)
      const v = this.flow(at, want)
      if (!this.restIsEmpty(this.end)) bail()
      this.nextLine()
      if (this.ls >= 0 && this.ind > col) bail()
      return v
    }
    return this.map(col, at, want)
  }

  /** Block sequence: lines `- item` at column `col`. */
  private seq(col: number, want: Want | null): unknown[] {
    const out: unknown[] = []
    const t = this.t
    while (this.ls >= 0 && this.ind === col && this.isSeqStart(this.ls + col)) {
      let p = this.ls + col + 1
      while (p < this.le && t.charCodeAt(p) === SP) p++
      if (this.restIsEmpty(p) || this.isSeqStart(p)) bail() // item on the next lines, or `- - x`
      const w = want?.children.get(out.length) ?? null
      if (w) w.offset = p
      const c = t.charCodeAt(p)
      if (c === 0x7b || c === 0x5b || c === 0x22 || c === 0x27) {
        const v = c === 0x7b || c === 0x5b ? this.flow(p, w) : this.quoted(p)
        if (!this.restIsEmpty(this.end)) bail() // e.g. a quoted key `- "a": 1`
        out.push(v)
        this.nextLine()
        if (this.ls >= 0 && this.ind > col) bail()
      } else if (this.entryColon(p) >= 0) {
        out.push(this.map(p - this.ls, p, w)) // `- key: value` starts a mapping at that column
      } else {
        const v = this.plainBlock(p)
        if (!this.restIsEmpty(this.end)) bail()
        out.push(v)
        this.nextLine()
        if (this.ls >= 0 && this.ind > col) bail()
      }
    }
    if (this.ls >= 0 && this.ind > col) bail()
    return out
  }

  /** Offset of the `:` ending a plain key that starts at `p`, or -1 when the line is no `key:` entry. */
  private entryColon(p: number): number {
    const t = this.t
    let i = p
    while (i < this.le) {
      const c = t.charCodeAt(i)
      if (c === COLON && (i + 1 === this.le || t.charCodeAt(i + 1) === SP)) return i
      if (c === SP && i + 1 < this.le && t.charCodeAt(i + 1) === HASH) return -1
      i++
    }
    return -1
  }

  /** Block mapping at column `col`; the first key starts at `at` (mid-line after `- `). */
  private map(col: number, at: number, want: Want | null): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const t = this.t
    let p = at
    for (;;) {
      const colon = this.entryColon(p)
      if (colon < 0 || NO_PLAIN_START.has(t.charCodeAt(p))) bail()
      const key = checkKey(t.slice(p, colon))
      if (Object.prototype.hasOwnProperty.call(out, key)) bail() // the general parser reports it
      const w = want?.children.get(key) ?? null
      let v = colon + 1
      while (v < this.le && t.charCodeAt(v) === SP) v++
      if (this.restIsEmpty(colon + 1)) {
        // the value is the block on the next lines: more indented, or a sequence at this column
        this.nextLine()
        if (this.ls < 0) bail()
        const at2 = this.ls + this.ind
        if (!(this.ind > col || (this.ind === col && this.isSeqStart(at2)))) bail() // empty value
        if (w) w.offset = at2
        out[key] = this.ind === col ? this.seq(col, w) : this.block(this.ind, at2, w)
      } else {
        if (w) w.offset = v
        const c = t.charCodeAt(v)
        out[key] = c === 0x7b || c === 0x5b ? this.flow(v, w) : c === 0x22 || c === 0x27 ? this.quoted(v) : this.plainBlock(v)
        if (!this.restIsEmpty(this.end)) bail()
        this.nextLine()
        if (this.ls >= 0 && this.ind > col) bail() // a continuation line
      }
      if (this.ls < 0 || this.ind < col) return out
      if (this.ind > col) bail()
      p = this.ls + col
      if (this.isSeqStart(p)) bail()
    }
  }

  /** Plain scalar in block context, from `p` to a comment or the end of the line; sets `end`. */
  private plainBlock(p: number): unknown {
    const t = this.t
    const c = t.charCodeAt(p)
    if (NO_PLAIN_START.has(c) && !(c === DASH && p + 1 < this.le && t.charCodeAt(p + 1) !== SP)) bail()
    let e = p
    while (e < this.le) {
      const ch = t.charCodeAt(e)
      if (ch === SP && e + 1 < this.le && t.charCodeAt(e + 1) === HASH) break
      if (ch === COLON && (e + 1 === this.le || t.charCodeAt(e + 1) === SP)) bail() // `a: b: c`
      e++
    }
    this.end = e
    while (e > p && t.charCodeAt(e - 1) === SP) e--
    return resolvePlain(t.slice(p, e))
  }

  /** A quoted scalar closed on this line (no escapes); sets `end` to the offset after it. */
  private quoted(p: number): string {
    const t = this.t
    const q = t.charCodeAt(p)
    if (q === 0x22) {
      const e = t.indexOf('"', p + 1)
      if (e < 0 || e >= this.le) bail()
      const s = t.slice(p + 1, e)
      if (s.includes('\\')) bail()
      this.end = e + 1
      return s
    }
    let s = ''
    let i = p + 1
    for (;;) {
      const e = t.indexOf("'", i)
      if (e < 0 || e >= this.le) bail()
      s += t.slice(i, e)
      if (t.charCodeAt(e + 1) === 0x27) {
        s += "'"
        i = e + 2
      } else {
        this.end = e + 1
        return s
      }
    }
  }

  private skip(i: number): number {
    while (i < this.le && this.t.charCodeAt(i) === SP) i++
    return i
  }

  /** A node inside a flow collection; sets `end` to the offset after it. */
  private flowNode(i: number, w: Want | null): unknown {
    const t = this.t
    const le = this.le
    if (w) w.offset = i
    const c = t.charCodeAt(i)
    if (c === 0x7b || c === 0x5b) return this.flow(i, w)
    if (c === 0x22 || c === 0x27) return this.quoted(i)
    if (i >= le || (NO_PLAIN_START.has(c) && !(c === DASH && i + 1 < le && t.charCodeAt(i + 1) !== SP))) bail()
    let e = i
    while (e < le) {
      const ch = t.charCodeAt(e)
      if (ch === 0x2c || ch === 0x5d || ch === 0x7d || ch === COLON || ch === HASH || ch === 0x5b || ch === 0x7b) break
      e++
    }
    if (e >= le) bail()
    const stop = t.charCodeAt(e)
    if (stop === COLON || stop === HASH || stop === 0x5b || stop === 0x7b) bail() // `a:b`, `a#b`, a comment, `a{`
    this.end = e
    while (e > i && t.charCodeAt(e - 1) === SP) e--
    return resolvePlain(t.slice(i, e))
  }

  /** A flow collection closed on this line; sets `end` to the offset after it. */
  private flow(p: number, want: Want | null): unknown {
    const t = this.t
    const le = this.le
    let i = this.skip(p + 1)
    if (t.charCodeAt(p) === 0x7b) {
      const out: Record<string, unknown> = {}
      while (t.charCodeAt(i) !== 0x7d) {
        if (i >= le) bail()
        let key: string
        let e: number
        const c = t.charCodeAt(i)
        if (c === 0x22 || c === 0x27) {
          key = this.quoted(i)
          e = this.end
          if (t.charCodeAt(e) !== COLON) bail()
        } else {
          e = i
          while (e < le && t.charCodeAt(e) !== COLON) e++
          if (e + 1 >= le || t.charCodeAt(e + 1) !== SP) bail()
          key = t.slice(i, e)
        }
        checkKey(key)
        if (Object.prototype.hasOwnProperty.call(out, key)) bail()
        const v = this.skip(e + 1)
        const c2 = t.charCodeAt(v)
        if (v >= le || c2 === 0x2c || c2 === 0x7d) bail() // empty value
        out[key] = this.flowNode(v, want?.children.get(key) ?? null)
        i = this.skip(this.end)
        if (t.charCodeAt(i) === 0x2c) i = this.skip(i + 1)
        else if (t.charCodeAt(i) !== 0x7d) bail()
      }
      this.end = i + 1
      return out
    }
    const out: unknown[] = []
    while (t.charCodeAt(i) !== 0x5d) {
      if (i >= le || t.charCodeAt(i) === 0x2c) bail()
      out.push(this.flowNode(i, want?.children.get(out.length) ?? null))
      i = this.skip(this.end)
      if (t.charCodeAt(i) === 0x2c) i = this.skip(i + 1)
      else if (t.charCodeAt(i) !== 0x5d) bail()
    }
    this.end = i + 1
    return out
  }
}

/**
 * The value of a YAML text in the subset, or null when the text is outside it (then
 * parse it with the `yaml` package). With `want`, the start offset of every wanted
 * path's node is filled in.
 */
export function readYamlSubset(text: string, want: Want | null = null, stop?: { offset: number }): { value: unknown } | null {
  const reject = REJECT_RE.exec(text)
  if (reject) {
    if (stop) stop.offset = reject.index + (reject[0][0] === '\n' ? 1 : 0)
    return null
  }
  const r = new Reader(text)
  try {
    return { value: r.document(want) }
  } catch (e) {
    if (e !== OUT) throw e
    if (stop) stop.offset = r.ls < 0 ? text.length : r.ls + r.ind
    return null
  } finally {
    // read: what follows (the schema's checks, or the \`yaml\` package) is no line of this reader's
    atLine(0)
  }
}

/** 1-based line and column of an offset, as yaml's LineCounter.linePos() gives them. */
export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

export function linePos(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0
  let high = starts.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (starts[mid] < offset) low = mid + 1
    else high = mid
  }
  if (starts[low] === offset) return { line: low + 1, column: 1 }
  return { line: low, column: offset - starts[low - 1] + 1 }
}
