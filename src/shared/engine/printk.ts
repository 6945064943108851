// The prefix printk puts before each message of the kernel log buffer as the console and
// dmesg print it: print_time() "[%5lu.%06lu]" and, with CONFIG_PRINTK_CALLER,
// print_caller() "[%6s]" of "T%u" (a task) or "C%u" (a CPU) (kernel/printk/printk.c,
// info_print_prefix(); the caller id since commit 15ff2069cb7f ("printk: Add caller
// information to printk() output.") (in v5.1)). Read by hand, not by regular
// expressions: this runs on every line of every log.

/** A printk timestamp (and CONFIG_PRINTK_CALLER's `[T123]`): timestampEnd() matches it without a regex. */
export const TIMESTAMP = /\[\s*\d+\.\d{6}\](?:\s*\[\s*[TC]\d+\])?/
/**
 * CONFIG_PRINTK_CALLER's `[T123]` / `[C0]` alone at a line's start: `dmesg -t` (and tools
 * that drop the time) keep it. timestampEnd() takes it for a timestamp.
 */
export const CALLER_ONLY = /^\s*\[\s*[TC]\d+\]/
/**
 * `\s` of a regular expression (and what String.prototype.trim() removes), by char code
 * (a UTF-16 code unit: charCodeAt() gives no more than 0xffff).
 */
export function isSpace(c: number): boolean {
  return SPACES[c] === 1
}
/**
 * `\s` by code unit, as a table: one load, where a chain of comparisons had V8 deoptimise
 * every reader it was inlined in when the first character above 0x9f came (a comparison
 * not run yet has no type feedback: the line readers were optimised twice per run).
 */
const SPACES = new Uint8Array(0x10000)
for (const c of [9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff])
  SPACES[c] = 1

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * Where TIMESTAMP's match at `b` (a `[`) ends, or -1, reading `s` no further than `end`
 * (a line of a whole text): the regular expression, by hand.
 */
function timestampAt(s: string, b: number, end: number): number {
  let i = b + 1
  while (i < end && isSpace(s.charCodeAt(i))) i++
  const d = i
  while (i < end && isDigit(s.charCodeAt(i))) i++
  if (i === d || i >= end || s.charCodeAt(i) !== 46) return -1
  i++
  for (let k = 0; k < 6; k++, i++) if (i >= end || !isDigit(s.charCodeAt(i))) return -1
  if (i >= end || s.charCodeAt(i) !== 93) return -1
  i++
  // the optional thread/CPU id: `[T123]`, `[C0]`
  const c = callerIdAt(s, i, end)
  return c >= 0 ? c : i
}

/**
 * Where a printk caller id (`[T123]`, `[C0]`; white space before it and inside its
 * brackets) read from `j` ends, or -1, reading no further than `end`. After a timestamp,
 * or alone at a line's start (CALLER_ONLY).
 */
function callerIdAt(s: string, j: number, end: number): number {
  while (j < end && isSpace(s.charCodeAt(j))) j++
  if (j >= end || s.charCodeAt(j) !== 91) return -1
  j++
  while (j < end && isSpace(s.charCodeAt(j))) j++
  // read on as for an id whether or not `T`/`C` is there, and decide at the end: a
  // timestamp's `[    0.000000]` (a line's start in every timestamped log) then runs each
  // step an id takes, so each has its type feedback when V8 optimises the line readers,
  // and a log's first caller id deoptimises none of them (as it did, when only ids ran it)
  const tc = j < end ? s.charCodeAt(j) : -1
  const id = tc === 84 || tc === 67
  const e = j + (id ? 1 : 0)
  j = e
  while (j < end && isDigit(s.charCodeAt(j))) j++
  const digits = j > e
  const closed = j < end && s.charCodeAt(j) === 93
  const next = j + 1
  return id && digits && closed ? next : -1
}

/**
 * The end of a caller id alone at `off`, the start of the line [off, end) of `s`
 * (CALLER_ONLY), else of the line's first printk timestamp (TIMESTAMP), or -1.
 * `bracket(from)`: the first `[` of `s` at or after `from` (Infinity: none), asked with
 * `from` never going back. Linear: an attempt at one `[` reads only white space, digits
 * and a dot, never the next `[`.
 */
export function timestampIn(s: string, off: number, end: number, bracket: (from: number) => number): number {
  const caller = callerIdAt(s, off, end)
  if (caller >= 0) return caller
  for (let b = bracket(off); b < end; b = bracket(b + 1)) {
    const e = timestampAt(s, b, end)
    if (e >= 0) return e
  }
  return -1
}

/**
 * The end of a caller id alone at the start of `s` (CALLER_ONLY), else of the first printk
 * timestamp in `s` (TIMESTAMP.exec(s): its index + length), or -1. No match object is
 * made: this runs on every line of every log.
 */
export function timestampEnd(s: string): number {
  return timestampIn(s, 0, s.length, (from) => {
    const at = s.indexOf('[', from)
    return at < 0 ? Infinity : at
  })
}

/** !s.slice(off, end).trim(): nothing but white space. */
export function isBlank(s: string, off = 0, end = s.length): boolean {
  for (let i = off; i < end; i++) if (!isSpace(s.charCodeAt(i))) return false
  return true
}
