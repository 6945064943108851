// Boot logs (dmesg, serial consoles, journal excerpts) -> a scenario plus the kernel's
// own lines about the layout. Only input lines feed the scenario: `Linux version`, the
// command line, `BIOS-e820`, `user:`, `e820: update/remove`, the UEFI memory map
// (`efi=debug`), `ACPI: SRAT: Node`, `HugeTLB: registered` (which huge page sizes
// exist) and — only when the log carries no firmware map — `Early memory node ranges`.
// Kconfig facts that appear nowhere else (which zones the kernel was built with) are
// read from the names in the `Zone ranges` header, never from its numbers.

import type { Arch, FirmwareRange, Scenario } from '../scenario/scenario.ts'
import type { LineKind } from './bootlog.ts'
import { e820Name, e820ParseType } from './e820.ts'
import { EFI_SCENARIO_TYPES, EFI_TYPE_NAMES } from './efi.ts'
import { parseKernelVersion } from './version.ts'
import { loggedMemoryModel } from './memory-model.ts'
import { atLine } from './progress.ts'
import { isBlank, isSpace, timestampEnd, timestampIn } from './printk.ts'
import { afterSyslogPrefixes } from './syslog.ts'
import {
  BIOS_E820_LINE,
  CANDIDATE,
  CANDIDATE_START,
  nextWithin,
  EARLY_LINE,
  EVIDENCE_ANYWHERE,
  EVIDENCE_START,
  EXPECTED_CANDIDATE,
  MOVABLE_LINE,
  PER_ZONE_LINE,
  relevant,
  USER_E820_LINE,
  ZONE_LINE
} from './dmesg-lines.ts'

export { CALLER_ONLY, TIMESTAMP, timestampEnd } from './printk.ts'

export interface LogLine {
  /** 1-based line number in the input */
  line: number
  /** the kernel's message: prefixes (timestamps, syslog, quoting) removed, trailing white space too */
  text: string
  /** the message with every run of white space folded to one space, trimmed: what parsing reads */
  flat: string
  /** the input line as it was (for error columns) */
  raw: string
  /**
   * false when no reader of the log can care for this message: CANDIDATE, tested on the
   * text, fails (a test on flat of parseLog(), expectedLines() or firstBoot() cannot pass)
   */
  candidate: boolean
}

/**
 * A message of logMessages(): flat and candidate are worked out when first read. Most
 * of a boot log is about other things, and its messages are never folded: one test of
 * CANDIDATE on the text passes over them (parseLog() never makes a Message for them).
 */
class Message implements LogLine {
  private folded: string | null = null
  /** CANDIDATE on text: 1 passes, 0 fails, -1 not tested yet */
  cand = -1
  /** the line of the message before this one (0: none): where the boot before it ends */
  prev = 0
  /** in a list of candidates only: messages that are no candidate came between this one and the one before it */
  gap = false
  constructor(
    readonly line: number,
    readonly text: string,
    readonly raw: string
  ) {}
  get flat(): string {
    return (this.folded ??= fold(this.text))
  }
  get candidate(): boolean {
    if (this.cand < 0) this.cand = CANDIDATE.test(this.text) ? 1 : 0
    return this.cand === 1
  }
}

export interface ParsedLog {
  scenario: Scenario
  /** the kernel's own layout lines, by kind, in log order */
  expected: { kind: LineKind; text: string; line: number }[]
  warnings: string[]
  /** input lines that were used, for reports */
  used: { what: string; line: number }[]
  /** arm64: the last byte of ZONE_DMA as the log printed it (see platformDmaLimit()) */
  dmaZoneLast: number | null
}

export class LogError extends Error {
  constructor(
    message: string,
    readonly line: number = 1,
    readonly column: number = 1
  ) {
    super(message)
  }
}

// Console escapes: CSI, charset selection, single-character escapes, OSC (ended by BEL or
// ST, or by the next escape when a capture cut it), and a stray ESC. Every alternative
// stops at the next ESC, so an unterminated sequence costs one pass, never a rescan.
const ANSI = /\x1b\[[0-9;?=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[c=>78DEHM]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b/g

/** Fold white space: every run of spaces and tabs becomes one space; ends trimmed. Linear. */
export function fold(s: string): string {
  // most kernel lines have nothing to fold (no tab, no two spaces in a row): two native
  // scans instead of a regex replace
  if (s.indexOf('\t') < 0 && s.indexOf('  ') < 0) return s.trim()
  // a run of one space is left as it is (replacing it too made a part of every word)
  return s.replace(/[ \t]{2,}|\t/g, ' ').trim()
}

/**
 * Strip console escapes, syslog/journal prefixes, mail quoting and printk timestamps; keep
 * the message. In a timestamped log, a line without a timestamp continues the previous
 * message (mail clients wrap long lines); it is joined back with a space. A log whose
 * every line is indented by one space (quoted mail, some `dmesg -t` pastes) loses that
 * space. Linear in the input.
 */
export function logMessages(source: string): LogLine[] {
  return readMessages(source, false)
}

/** The messages parseLog() reads (CANDIDATE passes on their text): for specs. */
export function candidateMessages(source: string): LogLine[] {
  return readMessages(source, true)
}

/** Where a line's message starts, its timestamp ending at `ts`: after one space, if one follows. */
function messageStart(s: string, ts: number, end: number): number {
  return ts < end && s.charCodeAt(ts) === 32 ? ts + 1 : ts
}

/** Where a message read from `from` ends, the line ending at `end`: before its trailing white space. */
function messageEnd(s: string, from: number, end: number): number {
  while (end > from && isSpace(s.charCodeAt(end - 1))) end--
  return end
}

/**
 * logMessages(), or with `candidates` only the messages CANDIDATE passes on, each marked
 * `gap` when others came before it (they end a block of `Zone ranges` and its like) and
 * with `prev`, the line of the message before it. A message is tested once it is whole
 * (the lines that continue it joined), and no object is made for the others. Lines are
 * read in place, as spans of the text: only a line that needs cleaning, or that a reader
 * below takes apart, becomes a string of its own.
 */
function readMessages(source: string, candidates: boolean): Message[] {
  const out: Message[] = []
  const n = source.length
  // where each line ends (its '\n', or the end of the text), found as the first pass reads it
  const ends: number[] = []
  const startOf = (i: number): number => (i ? ends[i - 1] + 1 : 0)
  // the input line as it was
  const rawOf = (i: number): string => source.slice(startOf(i), ends[i])
  let stamped = 0
  let quoted = 0
  let indented = 0
  let nonEmpty = 0
  // what the cleaning below replaces, looked for once in the whole text rather than per line
  const hasCr = source.indexOf('\r') >= 0
  const hasEsc = source.indexOf('\x1b') >= 0
  const hasNbsp = source.indexOf('\u00a0') >= 0
  // the lines read as strings of their own: cleaned, or holding a line or paragraph
  // separator (U+2028/9, where a multiline `$` matches: read in place, a test could end there)
  const own = new Map<number, string>()
  // where each line's timestamp ends, from the line's start, as read in the first pass
  // (-1: none, -2: a blank line)
  const tsEnd: number[] = []
  // the next carriage return that is not only a line's end (CR LF; trailing white space,
  // which every reader below trims), escape, no-break space and separator from `off` on: a
  // line holding none of them is left as it is (most lines of a serial console's CR LF log)
  // (/\r+(?=[^\r\n])/ by hand: a native search for each CR, where the regular
  // expression read every character of a CR LF log)
  const nextCr = (from: number): number => {
    for (let at = source.indexOf('\r', from), run = at; at >= 0; at = source.indexOf('\r', at), run = at) {
      while (source.charCodeAt(++at) === 13);
      if (at < n && source.charCodeAt(at) !== 10) return run
    }
    return Infinity
  }
  const next = (ch: string, from: number): number => {
    const at = source.indexOf(ch, from)
    return at < 0 ? Infinity : at
  }
  const nextSep = (from: number): number => Math.min(next('\u2028', from), next('\u2029', from))
  let cr = hasCr ? nextCr(0) : Infinity
  let esc = hasEsc ? next('\x1b', 0) : Infinity
  let nbsp = hasNbsp ? next('\u00a0', 0) : Infinity
  let sep = nextSep(0)
  // the first '[' at or after a position (asked of positions that never go back): found
  // once, not searched for again from every line that has none
  let br = -1
  const bracket = (from: number): number => {
    if (br < from) br = next('[', from)
    return br
  }
  // a line holding what the cleaning replaces, [off, end), as a screen shows it (rare: a
  // function of its own keeps readMessages() small, and V8 optimises a function sooner the
  // smaller its bytecode: --bytecode-size-allowance-per-tick)
  const cleanLine = (off: number, end: number): string => {
    let c = source.slice(off, end)
    if (hasCr && c.charCodeAt(c.length - 1) === 13) {
      let e = c.length - 1
      while (e > 0 && c.charCodeAt(e - 1) === 13) e--
      c = c.slice(0, e)
    }
    if ((hasCr && c.indexOf('\r') >= 0) || (hasEsc && c.indexOf('\x1bc') >= 0)) c = c.replace(/^[^]*(?:\r|\x1bc)/, '')
    if (hasNbsp && c.indexOf('\u00a0') >= 0) c = c.replace(/\u00a0/g, ' ')
    if (hasEsc && c.indexOf('\x1b') >= 0) c = c.replace(ANSI, '')
    if (cr < end) cr = nextCr(end)
    if (esc < end) esc = next('\x1b', end)
    if (nbsp < end) nbsp = next('\u00a0', end)
    return c
  }
  let count = 0
  for (let off = 0; ;) {
    const i = count++
    // a carriage return inside a line sends a serial console back to column 0, a terminal
    // reset (ESC c) clears the screen: what follows the last one is what the screen shows
    // (firmware's "Probing EDD … o\x1bc…[    0.000000] Linux version …", 7.x adds a \r);
    // mail archives turn runs of spaces into no-break spaces
    // each replace runs only on a line that has what it replaces
    atLine(i + 1)
    let end = source.indexOf('\n', off)
    if (end < 0) end = n
    ends.push(end)
    let c: string | null = null
    if (cr < end || esc < end || nbsp < end) c = cleanLine(off, end)
    else if (sep < end) c = source.slice(off, end)
    if (sep < end) sep = nextSep(end)
    if (c !== null) own.set(i, c)
    const blank = c === null ? isBlank(source, off, end) : isBlank(c)
    if (blank) tsEnd.push(-2)
    else {
      nonEmpty++
      const e = c === null ? timestampIn(source, off, end, bracket) : timestampEnd(c)
      tsEnd.push(e < 0 ? -1 : c === null ? e - off : e)
      if (e >= 0) stamped++
      const c0 = c === null ? source.charCodeAt(off) : c.charCodeAt(0)
      if (c0 === 62) quoted++ // '>'
      if (c0 === 32) indented++
    }
    if (end === n) break
    off = end + 1
  }
  // In integers, and each product worked out for every log: an operation V8 has not seen
  // run has no type feedback, and the optimised reader deoptimised at it when the first
  // log that needed it came (`count / 3`, and `dedent`'s products in the first log without
  // timestamps, after hundreds of logs)
  const joinWrapped = 3 * stamped > count
  const unquote = 5 * quoted > 4 * nonEmpty
  // every line indented: one space is the paste's, not the kernel's (whose block lines
  // then carry three)
  const dedent = 5 * indented > 4 * nonEmpty && !stamped
  // the open message (lines may still join it): its line, text, input line, joins so far
  // and whether its text ends with '-' (asked of the joined text, endsWith() would copy
  // it whole at every join); held in locals, a Message is made once it is whole. Its text
  // is the span [from, to) of the source (text null) until something needs the string.
  let line = 0
  let text: string | null = ''
  let from = 0
  let to = 0
  let joins = 0
  let dash = false
  let before = 0
  let gap = false
  const textOf = (): string => (text ??= source.slice(from, to))
  // CANDIDATE on the span [from, to) of a line read in place: its anchored test from the
  // span's start (sticky, `$` before the line's end), its other test as a match that starts
  // in the span. `within` is where that next matches, at or after the last span's start:
  // spans come in the text's order, so the text is searched once, not message by message.
  let within = -1
  const candidateSpan = (): boolean => {
    if (from >= to) return false
    CANDIDATE_START.lastIndex = from
    if (CANDIDATE_START.test(source)) return true
    if (within < from) within = nextWithin(source, from)
    return within < to
  }
  const finish = (): void => {
    if (!line) return
    if (!candidates) {
      const m = new Message(line, textOf(), rawOf(line - 1))
      m.prev = before
      out.push(m)
    } else if (text === null ? candidateSpan() : CANDIDATE.test(text)) {
      const m = new Message(line, textOf(), rawOf(line - 1))
      m.cand = 1
      m.prev = before
      m.gap = gap
      gap = false
      out.push(m)
    } else gap = true
    before = line
  }
  // the open message ends, and line i starts another: the text `t`
  const openText = (i: number, t: string): void => {
    finish()
    line = i + 1
    text = t
    joins = 0
    dash = t.endsWith('-')
  }
  // … or the span of the source from `start` to the line's end, less its trailing white space
  const openSpan = (i: number, start: number, end: number): void => {
    finish()
    line = i + 1
    from = start
    to = messageEnd(source, start, end)
    text = null
    joins = 0
    dash = to > from && source.charCodeAt(to - 1) === 45
  }
  // `j` (trimmed, not empty) continues the open message: after a space, or after its '-'
  const join = (j: string): void => {
    // one concatenation for both (a branch not run yet deoptimised the reader when it came)
    text = textOf() + (dash ? '' : ' ') + j
    dash = j.charCodeAt(j.length - 1) === 45
    joins++
  }
  // line i as a string of its own (cleaned, quoted, or in a log without timestamps): rare
  // in a kernel's log, a function of its own for the reason cleanLine() is
  const readOwnLine = (i: number, off: number, ts0: number): void => {
    let s = own.get(i) ?? source.slice(off, ends[i])
    if (unquote) s = s.replace(/^(?:> ?)+/, '')
    // a serial console may start the first kernel line after firmware noise
    const ts = unquote ? timestampEnd(s) : ts0
    let t: string
    if (ts >= 0) {
      const f = messageStart(s, ts, s.length)
      t = s.slice(f, messageEnd(s, f, s.length))
    } else {
      if (dedent && s.startsWith(' ')) s = s.slice(1)
      s = s.slice(afterSyslogPrefixes(s, 0, s.length))
      // a line without a timestamp in a timestamped log continues the previous message;
      // without timestamps, a message left open (an unclosed bracket, a bare
      // `Linux version`, an e820 entry without its type) takes the next line
      const wrapped = joinWrapped ? !/^\s/.test(s) && !s.startsWith('#') : line > 0 && joins < 3 && unfinished(fold(textOf())) && !/^\S+: /.test(s.trim())
      if (line && s.trim() && wrapped) return join(s.trim())
      t = s.trimEnd()
    }
    openText(i, t)
  }
  for (let i = 0, off = 0; i < count; off = ends[i] + 1, i++) {
    atLine(i + 1)
    const ts0 = tsEnd[i]
    if (ts0 === -2) {
      // a blank line ends the open message, and is one (empty) of its own
      openText(i, '')
      continue
    }
    if (!unquote && ts0 >= 0 && !own.has(i)) {
      // a timestamped line read in place: the message after the timestamp (and one
      // space), without trailing white space
      openSpan(i, messageStart(source, off + ts0, ends[i]), ends[i])
      continue
    }
    if (joinWrapped && !unquote && ts0 === -1 && !own.has(i)) {
      // a line without a timestamp in a timestamped log (a wrapped message's tail, a state
      // dump) read in place, as the general case below reads it: its syslog prefixes
      // skipped, then a line that does not start with white space or '#' continues the open
      // message, another is one of its own, without trailing white space
      const p = afterSyslogPrefixes(source, off, ends[i])
      const c = p < ends[i] ? source.charCodeAt(p) : 32
      if (line && !isSpace(c) && c !== 35) join(source.slice(p, messageEnd(source, p, ends[i])))
      else openSpan(i, p, ends[i])
      continue
    }
    readOwnLine(i, off, ts0)
  }
  finish()
  return out
}

/** Beginnings of the lines the engine reads or compares, cut before their end. */
const STEMS =
  /^(?:(?:BIOS-e820|user): \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]|HugeTLB: registered [\d.]+ \S+(?: page size,(?: pre-allocated)?)?|HugeTLB: \d+ KiB vmemmap can be freed(?: for a(?: [\d.]+(?: \S+)?)?)?|On node \d+, zone \S+: \d+(?: pages(?: in(?: unavailable)?)?)?|Initmem setup node \d+|(?:Kernel )?[Cc]ommand line:)$/

/** A message a mail client cut short: more `[` or `(` opened than closed, or a known stem. */
function unfinished(flat: string): boolean {
  if (flat === 'Linux version' || STEMS.test(flat)) return true
  let sq = 0
  let par = 0
  for (let i = 0; i < flat.length; i++) {
    const c = flat.charCodeAt(i)
    if (c === 91) sq++
    else if (c === 93) sq--
    else if (c === 40) par++
    else if (c === 41) par--
  }
  return sq > 0 || par > 0
}

/** Heuristic: is this text a boot log rather than a scenario? */
export function looksLikeLog(source: string): boolean {
  const head = source.slice(0, 200_000)
  return /Linux version \d|BIOS-e820:|Early memory node ranges|Zone ranges:|efi:\s+0x[0-9a-f]+-0x[0-9a-f]+ \[/.test(head)
}

/**
 * The kernel's own lines of the kinds the engine predicts (for --diff), in the kernel's
 * spacing. A log whose white space was folded or re-flowed (mail, chat, bug trackers)
 * has its lines re-spaced as the kernel prints them; a log with the kernel's own
 * indentation is compared as it is, byte for byte.
 */
function expectedLines(msgs: Message[], warnings?: string[]): ParsedLog['expected'] {
  const out: ParsedLog['expected'] = []
  let block: 'zones' | 'movable' | 'early' | null = null
  let folded = false
  const respaced = (raw: string, canonical: string): string => {
    // the kernel indents block lines by exactly two spaces; some transports add one
    const kept = raw.replace(/^ {3}(?=\S)/, '  ')
    if (kept === canonical) return kept
    if (fold(kept) === fold(canonical)) {
      folded = true
      return canonical
    }
    return kept
  }
  for (const L of msgs) {
    atLine(L.line)
    // no test below passes on a message that is no candidate (not in msgs); it ends a block
    if (L.gap) block = null
    const { text, flat, line, raw } = L
    if (flat === 'Zone ranges:') {
      block = 'zones'
      out.push({ kind: 'zone-ranges', text: respaced(text, flat), line })
      continue
    }
    if (flat === 'Movable zone start for each node') {
      block = 'movable'
      out.push({ kind: 'movable', text: respaced(text, flat), line })
      continue
    }
    if (flat === 'Early memory node ranges') {
      block = 'early'
      out.push({ kind: 'early-node-ranges', text: respaced(text, flat), line })
      continue
    }
    // outside a block, most lines are of no kind: one test passes over them
    if (block === null && !EXPECTED_CANDIDATE.test(flat)) continue
    let m: RegExpExecArray | null
    if (block === 'zones' && (m = ZONE_LINE.exec(flat))) {
      out.push({ kind: 'zone-ranges', text: respaced(text, `  ${m[1].padEnd(8)} ${m[2]}`), line })
      continue
    }
    if (block === 'movable' && (m = MOVABLE_LINE.exec(flat))) {
      out.push({ kind: 'movable', text: respaced(text, `  Node ${m[1]}: ${m[2]}`), line })
      continue
    }
    if (block === 'early' && (m = EARLY_LINE.exec(flat))) {
      out.push({ kind: 'early-node-ranges', text: respaced(text, `  node ${m[1].padStart(3)}: ${m[2]}`), line })
      continue
    }
    block = null
    let kind: LineKind | null = null
    let canonical = flat
    if ((m = PER_ZONE_LINE.exec(flat))) {
      canonical = `  ${m[1]} zone: ${m[2]}`
      kind = /used for memmap$/.test(flat) ? 'memmap' : /reserved$/.test(flat) ? 'dma-reserved' : /exceeds/.test(flat) ? 'memmap-exceeds' : 'holes'
    } else if (/^Initmem setup node \d+ /.test(flat)) kind = 'initmem'
    else if (/^On node \d+ totalpages: \d+$/.test(flat)) kind = 'totalpages'
    else if (/^(?:Reserved but unavailable|Zeroed struct page in unavailable ranges): \d+ pages$/.test(flat)) kind = 'holes'
    else if (/^On node \d+, zone \S+: \d+ pages in unavailable ranges$/.test(flat)) kind = 'holes'
    else if (/^HugeTLB: (?:\d+ KiB vmemmap can be freed for a .* page|can optimize \d+ vmemmap pages for hugepages-\d+kB)$/.test(flat)) kind = 'hugetlb-vmemmap'
    else if (/^x86\/mm: Memory block size: \d+MB$/.test(flat)) kind = 'memory-block-size'
    else {
      const mm = /^Memory: \d+K\/(\d+)K available/.exec(flat)
      if (mm && mm[1].length >= 16) throw new LogError(`Memory: …/${mm[1]}K is more memory than 64-bit physical addresses reach`, line, columnOf(raw, mm[1]))
      if (mm) {
        out.push({ kind: 'memory', text: `Memory: ?K/${mm[1]}K available`, line })
        continue
      }
    }
    if (kind) {
      // a count no machine can have (2^52 pages is already 16 EiB of 4K pages)
      const big = /\b\d{16,}\b/.exec(flat)
      if (big) throw new LogError(`${big[0]} is not a count any kernel prints here (more pages than 64-bit physical memory holds)`, line, columnOf(raw, big[0]))
      out.push({ kind, text: respaced(text, canonical), line })
    }
  }
  if (folded) warnings?.push('white space in the log was folded or re-flowed: its kernel lines are compared as the kernel spaces them')
  return out
}

const EFI_NAME_TO_TYPE = new Map<string, string>(EFI_TYPE_NAMES.map((n, i) => [n, EFI_SCENARIO_TYPES[i]]))
/**
 * An attribute column of an `efi:` memory map line (efi_md_typeattr_format()'s `|RUN|  |WB|`):
 * what split('|') and trim() keep of a column, in one search (one call rather than a loop
 * over every column of every line, most of them blank)
 */
const EFI_ATTRIBUTE = /[^|\s](?:[^|]*[^|\s])?/g

/** Kernel release and, for distribution kernels, the upstream version they are built from. */
export function kernelFromVersionLine(t: string): string | null {
  const m = /^Linux version (\S+)/.exec(t)
  if (!m) return null
  // Debian: "... #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)"
  const deb = [...t.matchAll(/\bDebian (\d+\.\d+\.\d+)-\S+ \(\d{4}-\d\d-\d\d\)/g)].pop()
  if (deb && /^\d+\.\d+\.0-/.test(m[1])) return deb[1]
  // Ubuntu: "(Ubuntu 5.4.0-148.165-generic 5.4.233)"
  const ubu = /\(Ubuntu [^ ]+ (\d+\.\d+\.\d+)\)/.exec(t)
  if (ubu) return ubu[1]
  return m[1]
}

export interface ParseLogOptions {
  /** kernel version to use when the log has no `Linux version` line */
  kernel?: string
  arch?: Arch
  /** PAGE_SIZE in bytes, for a log that does not show it (arm64 4K/16K/64K) */
  pageSize?: number
}

/** MAX_NUMNODES is at most 1 << 10 (NODES_SHIFT ≤ 10 on every architecture). */
const MAX_NID = 1023
/** A huge page no architecture has: anything above 1 TiB (the largest are 16 GiB). */
const MAX_HUGE_PAGE = 2 ** 40

/** 1-based column of `token` in the input line (1 when it cannot be found). */
function columnOf(raw: string, token: string): number {
  const i = raw.indexOf(token)
  return i < 0 ? 1 : i + 1
}

/** A hex address from a log line, refused when it cannot be a 64-bit value. */
function hexValue(h: string, line: LogLine): number {
  if (h.replace(/^0x0*/i, '').length > 16) throw new LogError(`${h} does not fit in 64 bits: no kernel prints such an address`, line.line, columnOf(line.raw, h))
  return parseInt(h, 16)
}

/** A node id from a log line, refused when no kernel can have it. */
function nodeId(v: string, line: LogLine): number {
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_NID) throw new LogError(`node ${v} is impossible (node ids run from 0 to ${MAX_NID}, MAX_NUMNODES ≤ 1024)`, line.line, columnOf(line.raw, v))
  return n
}

/** A [start, last] range from a log line, both 64-bit and in order. */
function rangeOf(a: string, b: string, line: LogLine): { start: number; last: number } {
  const start = hexValue(a, line)
  const last = hexValue(b, line)
  if (last < start) throw new LogError(`[mem ${a}-${b}] ends before it starts`, line.line, columnOf(line.raw, a))
  return { start, last }
}

/** The range of an e820 line of type `type`: start, last, and e820Name()'s type and code (when it has one), built as they are, not spread. */
function e820Range(a: string, b: string, type: number, line: LogLine): FirmwareRange {
  const r = rangeOf(a, b, line)
  const n = e820Name(type) as Pick<FirmwareRange, 'type' | 'code'>
  return n.code === undefined ? { start: r.start, last: r.last, type: n.type } : { start: r.start, last: r.last, type: n.type, code: n.code }
}

/**
 * A log that holds several boots is read up to the start of the second one: the
 * candidates of the first boot, how many boots, and the line the first one ends at.
 */
function firstBoot(msgs: Message[]): { msgs: Message[]; boots: number; end: number } {
  let boots = 0
  let cut = msgs.length
  for (let i = 0; i < msgs.length; i++) {
    if (msgs[i].flat.startsWith('Linux version ') && ++boots === 2) {
      cut = i
      break
    }
  }
  if (boots < 2) return { msgs, boots: Math.max(boots, 1), end: 0 }
  let more = 1
  for (let i = cut; i < msgs.length; i++) if (msgs[i].flat.startsWith('Linux version ')) more++
  return { msgs: msgs.slice(0, cut), boots: more, end: msgs[cut].prev }
}

export function parseLog(source: string, opts: ParseLogOptions = {}): ParsedLog {
  // the messages a reader can care for (CANDIDATE), each marked when others came before it
  const all = firstBoot(readMessages(source, true))
  const msgs = all.msgs
  const warnings: string[] = []
  if (all.boots > 1) warnings.push(`the log holds ${all.boots} boots; only the first (up to line ${all.end || 1}) is read`)
  const used: ParsedLog['used'] = []
  let kernel: string | null = null
  let versionLine: LogLine | null = null
  let cmdline: string | null = null
  const bios: FirmwareRange[] = []
  let user: FirmwareRange[] | null = null
  const updates: NonNullable<Scenario['firmware']['updates']> = []
  let lastPfnIdx = -1
  const efi: FirmwareRange[] = []
  const srat = new Map<number, { start: number; end: number; hotplug: boolean }[]>()
  const early: { nid: number; start: number; end: number }[] = []
  const hugeSizes: number[] = []
  let zoneNames: string[] | null = null
  let dmaZoneLast: number | null = null
  let kernelNotRam = false
  let arch: Arch | null = opts.arch ?? null
  let versionArch = false
  // architecture evidence beyond the version line; platform facts for presets
  const seen = { riscv: 0, powerpc: 0, ppc64: 0, powermac: 0, arm32: 0, lowmem32: 0 }
  let lowmemMb: number | null = null
  let maxArchPfn: number | null = null
  let highmemLine = false
  let pendingUpdates: { u: (typeof updates)[number]; idx: number }[] = []
  let inZones = false
  let inEarly = false
  let pageSizeSeen: { size: number; line: number; text: string } | null = null
  let hypervisor = false
  let numaLine = 0
  let initrdLine = 0
  let initrdKiB: number | null = null
  let kernelNotRamLine = 0
  // architecture evidence beyond the version line: the first line of each kind
  const evidence: { arch: Arch; strong: boolean; line: number; text: string }[] = []
  const evidenceFor = (a: Arch, strong: boolean, line: number, text: string): void => {
    if (!evidence.some((e) => e.arch === a && e.strong === strong)) evidence.push({ arch: a, strong, line, text })
  }

  let m0: RegExpExecArray | null
  for (let idx = 0; idx < msgs.length; idx++) {
    const L = msgs[idx]
    const line = L.line
    atLine(line)
    // most of a boot log is about other things (not in msgs: they end a block, as do
    // candidates no test below reads)
    if (L.gap) inZones = inEarly = false
    if (!relevant(L.flat)) {
      inZones = inEarly = false
      continue
    }
    const t = L.flat
    // flat has no leading white space: the tests below anchored at a literal first
    // character are asked only of messages starting with it (most are anchored, and a
    // message passes at most one; the calls, not the matching, cost)
    const c0 = t[0]
    if (kernel === null) {
      const k = kernelFromVersionLine(t)
      if (k) {
        kernel = k
        versionLine = L
        used.push({ what: 'Linux version', line })
        if (!arch) {
          if (/amd64|x86_64|x86-64/.test(t)) arch = 'x86_64'
          else if (/arm64|aarch64/.test(t)) arch = 'arm64'
          // Debian/Fedora s390x releases and cross toolchains (s390x-linux-gnu-gcc)
          else if (/s390x/.test(t)) arch = 's390'
          else if (/loongarch64|loong64/.test(t)) arch = 'loongarch64'
          if (arch) versionArch = true
        }
        continue
      }
    }
    // evidence of the architecture and platform: one test passes over the other lines
    if (EVIDENCE_START.test(t) || EVIDENCE_ANYWHERE.test(t)) {
      if (/^SBI specification v|^riscv: /.test(t)) seen.riscv ||= line
      if (/machine description|^hash-mmu:|^radix-mmu:|^PowerMac|^pSeries|^PowerNV|^CHRP|^phys_mem_size =|\(powerpc(?:64)?-[\w.-]*gcc/.test(t)) seen.powerpc ||= line
      if (/^PowerMac|Using PowerMac machine description/.test(t)) seen.powermac ||= line
      if (/^hash-mmu:|^radix-mmu:|ppc64|^pSeries|^PowerNV/.test(t)) {
        seen.ppc64 ||= line
        seen.powerpc ||= line
      }
      if ((m0 = /NODE_DATA\((\d+)\) (?:allocated|on node)/.exec(t))) {
        // powerpc/x86 setup_node_data(): a node that gets NODE_DATA is online
        const nid = nodeId(m0[1], L)
        if (!srat.has(nid)) srat.set(nid, [])
      }
      // s390 setup_arch(): "setup: Linux is running as a z/VM guest / under KVM / natively in
      // 64-bit mode" and setup_memory_end()'s "setup: The maximum memory size is NMB"
      if (/^setup: Linux is running (?:as a z\/VM guest operating system|under KVM|natively|as a guest)|^setup: The maximum memory size is \d+MB$/.test(t)) evidenceFor('s390', true, line, t)
      // loongarch cpu_probe()/cpu_report(): "CPU0 revision is: …(Loongson-64bit)", "Loongson-3A…"
      if (/^CPU\d*: LoongArch|Loongson-64bit|^\S*\(loongarch64-/.test(t)) evidenceFor('loongarch64', true, line, t)
      if (/^CPU: (?:ARMv[4-7]|.*\(ARMv[4-7])/.test(t) || /^OF: fdt: Machine model: /.test(t)) seen.arm32 ||= line
      if (/^\d+MB LOWMEM available\.$/.test(t)) seen.lowmem32 ||= line
      if ((m0 = /^(\d+)MB LOWMEM available\.$/.exec(t))) lowmemMb = Number(m0[1])
      if (/^\d+MB HIGHMEM available\.$/.test(t)) highmemLine = true
      // arm64 setup_arch() prints the boot CPU's 64-bit MPIDR as %010lx and its MIDR
      // (32-bit arm: "0x%x"); only arm64 prints CPU features, VIPT/PIPT I-cache detection,
      // "started at EL1/2" and a bare "Machine model:" (32-bit arm: "OF: fdt: Machine
      // model:"). psci, GICv3 and the arch timer exist on both.
      if (
        /^Booting Linux on physical CPU 0x[0-9a-f]{10} \[0x[0-9a-f]{8}\]$|^CPU features: detected: |^Detected (?:VIPT|PIPT|VPIPT|AIVIVT) I-cache on CPU\d+$|^CPU: All CPU\(s\) started at EL[12]$|^Machine model: /.test(
          t
        )
      )
        evidenceFor('arm64', true, line, t)
      else if (/^Booting Linux on physical CPU 0x|^(?:psci|GICv3|arch_timer): /.test(t)) evidenceFor('arm64', false, line, t)
    }
    let m: RegExpExecArray | null
    if (cmdline === null && (c0 === 'K' || c0 === 'C' || c0 === 'c') && (m = /^(?:Kernel )?[Cc]ommand line: (.*)$/.exec(t))) {
      cmdline = m[1]
      used.push({ what: 'command line', line })
      continue
    }
    if (c0 === 'B' && (m = BIOS_E820_LINE.exec(t))) {
      const type = e820ParseType(m[3])
      if (type !== null) bios.push(e820Range(m[1], m[2], type, L))
      arch ??= 'x86_64'
      used.push({ what: 'BIOS-e820', line })
      continue
    }
    if (c0 === 'u' && /^user-defined physical RAM map:/.test(t)) {
      // e820__finish_early_params(): the table after mem=/memmap=; edits printed before
      // it are already part of it
      user = []
      pendingUpdates = []
      continue
    }
    if (user && c0 === 'u' && (m = USER_E820_LINE.exec(t))) {
      const type = e820ParseType(m[3])
      if (type !== null) user.push(e820Range(m[1], m[2], type, L))
      used.push({ what: 'user:', line })
      continue
    }
    if (c0 === 'e' && (m = /^e820: update \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?) ==> (.+)$/.exec(t))) {
      const from = e820ParseType(m[3])
      const to = e820ParseType(m[4])
      if (from !== null && to !== null && from !== to) {
        const f = e820Name(from)
        const tt = e820Name(to)
        const r = rangeOf(m[1], m[2], L)
        pendingUpdates.push({ u: { start: r.start, last: r.last, from: f.type as never, fromCode: f.code, to: tt.type as never, toCode: tt.code }, idx })
      }
      continue
    }
    if (t === '.text .data .bss are not marked as E820_TYPE_RAM!') {
      kernelNotRam = true
      kernelNotRamLine = line
      continue
    }
    if (kernelNotRam && c0 === 'e' && (m = /^e820: remove \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]$/.exec(t))) {
      // e820_add_kernel_range(): the kernel image is made RAM (remove without type, add)
      pendingUpdates.push({ u: { ...rangeOf(m[1], m[2], L), to: 'usable' }, idx })
      kernelNotRam = false
      continue
    }
    if (c0 === 'e' && (m = /^e820: remove \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$/.exec(t))) {
      const from = e820ParseType(m[3])
      if (from !== null) {
        const f = e820Name(from)
        const r = rangeOf(m[1], m[2], L)
        pendingUpdates.push({ u: { start: r.start, last: Math.min(r.last, 2 ** 52 - 1), from: f.type as never, fromCode: f.code, to: 'removed' }, idx })
      }
      continue
    }
    if ((c0 === 'e' || c0 === 'l') && (m = /^(?:e820: )?last_pfn = 0x[0-9a-f]+ max_arch_pfn = (0x[0-9a-f]+)/.exec(t))) {
      // MAX_ARCH_PFN is fixed by the paging mode: 2^34 (4-level) / 2^40 (5-level) on
      // x86_64, 2^20 (2-level) / 2^24 (PAE) on 32-bit x86
      maxArchPfn = parseInt(m[1], 16)
      lastPfnIdx = idx
      updates.push(...pendingUpdates.map((p) => p.u))
      pendingUpdates = []
      continue
    }
    if (c0 === 'e' && (m = /^efi:\s+0x([0-9a-f]+)-0x([0-9a-f]+) \[([^|\]]+)\|(.*)\]$/.exec(t))) {
      const type = EFI_NAME_TO_TYPE.get(m[3].trim())
      if (type) {
        // the columns between the bars, trimmed, the blank ones left out
        const attrs = m[4].match(EFI_ATTRIBUTE) ?? []
        efi.push({ start: parseInt(m[1], 16), last: parseInt(m[2], 16), type: type as FirmwareRange['type'], attrs: attrs as FirmwareRange['attrs'] })
        used.push({ what: 'efi memory map', line })
      }
      continue
    }
    if ((c0 === 'A' || c0 === 'S') && (m = /^(?:ACPI: )?SRAT: Node (-?\d+) PXM \d+ \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]( hotplug)?/.exec(t))) {
      const nid = nodeId(m[1], L)
      if (!srat.has(nid)) srat.set(nid, [])
      const r = rangeOf(m[2], m[3], L)
      srat.get(nid)!.push({ start: r.start, end: r.last + 1, hotplug: !!m[4] })
      used.push({ what: 'SRAT', line })
      continue
    }
    // build_zonelists() names every online node ("Fallback order for Node N:"); on x86
    // 6.12+ a cpu-only SRAT node shows nowhere else (830a0d12943f "x86/mm: Don't print out
    // SRAT table information" made the SRAT CPU lines pr_debug, in v6.12)
    if ((c0 === 'F' || c0 === 'N') && /^Fallback order for Node \d+:|^NUMA: /.test(t)) numaLine ||= line
    if (
      (c0 === 'S' || c0 === 'N' || c0 === 'F') &&
      ((m = /^SRAT: PXM \d+ -> (?:x2)?APIC 0x[0-9a-f]+ -> Node (\d+)/.exec(t)) ||
        (m = /^NUMA: Initmem setup node (\d+) \[<memory-less node>\]$/.exec(t)) ||
        (m = /^Fallback order for Node (\d+):/.exec(t)))
    ) {
      // acpi_numa_processor_affinity_init() / arm64 setup_node_data(): a node with CPUs
      // (SRAT or a device-tree numa-node-id) is a possible node
      const nid = nodeId(m[1], L)
      if (!srat.has(nid)) srat.set(nid, [])
      continue
    }
    if (c0 === 'H' && (m = /^HugeTLB:? registered (\d+(?:\.\d+)?) ([KMGTPEZY])i?B page size/.exec(t))) {
      // string_get_size(): "2.00 MiB", "1.00 GiB", "64.0 KiB"
      const size = Math.round(Number(m[1]) * 2 ** (10 * ('KMGTPEZY'.indexOf(m[2]) + 1)))
      if (!(size > 0 && size <= MAX_HUGE_PAGE) || ((size & (size - 1)) !== 0 && size < 2 ** 31))
        throw new LogError(`a ${m[1]} ${m[2]}iB huge page is impossible (no architecture has huge pages above 1 TiB; sizes are powers of two)`, line, columnOf(L.raw, m[1]))
      hugeSizes.push(size)
      used.push({ what: 'HugeTLB registered', line })
      continue
    }
    if ((c0 === 'D' || c0 === 'I') && (m = /^(?:Dentry cache|Inode-cache) hash table entries: \d+ \(order: (\d+), (\d+) bytes/.exec(t)) && !pageSizeSeen) {
      // alloc_large_system_hash(): the table is PAGE_SIZE << order bytes
      const ps = Number(m[2]) / 2 ** Number(m[1])
      if ([4096, 16384, 65536].includes(ps)) pageSizeSeen = { size: ps, line, text: t }
      continue
    }
    // an initrd: its size shows late ("Freeing initrd memory"), where it lies never does
    if (c0 === 'F' && (m = /^Freeing initrd memory: (\d+)K$/.exec(t))) initrdKiB = Number(m[1])
    if (
      (c0 === 'F' || c0 === 'T' || c0 === 'U' || c0 === 'E' || c0 === 'e') &&
      /^Freeing initrd memory|^Trying to unpack rootfs image as initramfs|^Unpacking initramfs|^EFI stub: Loaded initrd|^efi: .* INITRD=0x/.test(t)
    ) {
      initrdLine ||= line
      continue
    }
    if (c0 === 'H' && /^Hypervisor detected: /.test(t)) {
      hypervisor = true
      used.push({ what: 'Hypervisor detected', line })
      continue
    }
    if (t === 'Zone ranges:') {
      inZones = true
      zoneNames = []
      continue
    }
    if (inZones && (m = /^(\S+) (?:\[mem 0x[0-9a-f]+-(0x[0-9a-f]+)\]|empty)$/.exec(t))) {
      zoneNames!.push(m[1])
      if (m[1] === 'DMA' && m[2]) dmaZoneLast = hexValue(m[2], L)
      continue
    }
    inZones = false
    if (t === 'Early memory node ranges') {
      inEarly = true
      continue
    }
    if (inEarly && c0 === 'n' && (m = /^node (-?\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]$/.exec(t))) {
      const r = rangeOf(m[2], m[3], L)
      early.push({ nid: nodeId(m[1], L), start: r.start, end: r.last + 1 })
      continue
    }
    inEarly = false
  }
  void lastPfnIdx

  kernel ??= opts.kernel ?? null
  if (opts.kernel) kernel = opts.kernel
  if (!kernel) throw new LogError('the log has no "Linux version" line; give the kernel version (--kernel VERSION)')
  // an impossible version is pointed at where the log prints it (not at a --kernel given)
  const at = opts.kernel ? null : versionLine
  const version = parseKernelVersion(kernel)
  if (!version) throw new LogError(`cannot read a kernel version from "${kernel}"`, at?.line ?? 1, at ? columnOf(at.raw, kernel) : 1)
  const highmemZone = zoneNames !== null && (zoneNames as string[]).includes('HighMem')
  // which line decided the architecture, when the version line did not name it
  let decided: { line: number; why: string } | null = null
  const lineText = (n: number): string => msgs.find((x) => x.line === n)?.flat ?? ''
  if (!opts.arch) {
    if (seen.riscv) [arch, decided] = ['riscv64', { line: seen.riscv, why: lineText(seen.riscv) }]
    else if (seen.powerpc) [arch, decided] = [seen.ppc64 && !highmemZone ? 'powerpc64' : 'powerpc', { line: seen.powerpc, why: lineText(seen.powerpc) }]
    else if (seen.arm32) [arch, decided] = ['arm', { line: seen.arm32, why: lineText(seen.arm32) }]
    else if (arch === 'x86_64' && (seen.lowmem32 || highmemZone))
      [arch, decided] = ['x86', seen.lowmem32 ? { line: seen.lowmem32, why: lineText(seen.lowmem32) } : { line: 0, why: 'a HighMem zone in `Zone ranges`' }]
    else if (!arch) {
      const strong = evidence.find((e) => e.strong)
      const weak = evidence.find((e) => !e.strong)
      if (strong) [arch, decided] = [strong.arch, { line: strong.line, why: strong.text }]
      else if (efi.length) [arch, decided] = ['arm64', { line: used.find((u) => u.what === 'efi memory map')?.line ?? 0, why: 'a UEFI memory map (efi=debug) and no BIOS-e820 map' }]
      else if (weak) [arch, decided] = [weak.arch, { line: weak.line, why: weak.text }]
      else if (zoneNames && (zoneNames as string[]).includes('DMA32') && !bios.length) [arch, decided] = ['arm64', { line: 0, why: 'a DMA32 zone and no e820 map' }]
    } else if (!versionArch) decided = { line: used.find((u) => u.what === 'BIOS-e820')?.line ?? 0, why: 'a BIOS-e820 map' }
  }
  if (!arch) throw new LogError('cannot tell the architecture from the log (no BIOS-e820 or efi memory map, no arm64/riscv/powerpc boot lines); give --arch')
  if (decided) {
    warnings.push(`architecture ${arch}, ${decided.line ? `from line ${decided.line}: ${decided.why.slice(0, 100)}` : `from ${decided.why}`} (the Linux version line does not name it)`)
    if (decided.line) used.push({ what: `architecture (${arch})`, line: decided.line })
  }
  if (arch === 'arm64' && initrdLine && cmdline !== null && /(?:^|\s)mem=\S/.test(cmdline))
    warnings.push(
      `line ${initrdLine}: the kernel had an initrd${initrdKiB !== null ? ` (${initrdKiB}K)` : ''}, and arm64_memblock_init() adds it back to memory after mem= cut it away; where it lies is never printed: when mem= left it outside memory, a range of that size is missing from the prediction (give initrd: {start, size})`
    )
  if (kernelNotRam)
    warnings.push(
      `line ${kernelNotRamLine}: ".text .data .bss are not marked as E820_TYPE_RAM!": the kernel image (placed by KASLR or the boot loader) lies outside e820 RAM and the kernel adds it as RAM, but where is only printed at KERN_DEBUG ("e820: remove [mem …]", which dmesg keeps and a console at the default loglevel does not show): the prediction leaves that range out; paste the log from dmesg, or give the range as a firmware update`
    )

  let firmware: Scenario['firmware']
  let fromEarly = false
  if (arch === 'x86_64' || arch === 'x86') {
    const map = user ?? bios
    if (map.length) {
      firmware = { kind: 'e820', map, ...(updates.length ? { updates } : {}) }
      if (user) warnings.push("the e820 map comes from the log's user-defined map (the command line's mem=/memmap= are already applied)")
    } else if (early.length) {
      firmware = { kind: 'e820', map: early.map((r) => ({ start: r.start, end: r.end, type: 'usable' as const })) }
      fromEarly = true
      warnings.push('the log has no e820 map: memory comes from its "Early memory node ranges" block')
    } else throw new LogError('the log has neither a BIOS-e820 map nor an "Early memory node ranges" block: nothing describes memory (was it cut?)')
  } else if (efi.length && (arch === 'arm64' || arch === 'loongarch64')) {
    firmware = { kind: 'uefi', map: efi }
  } else if (early.length) {
    // arm64: as a UEFI map, so split ranges stay NOMAP in every version (a DT no-map
    // region was removed, not marked, before 5.11)
    firmware = arch === 'arm64' ? { kind: 'uefi', map: earlyAsUefi(early, warnings) } : { kind: 'dt', map: earlyAsDt(early, warnings) }
    fromEarly = true
    warnings.push(
      arch === 's390'
        ? 'memory comes from the log\'s "Early memory node ranges" block: s390 has no firmware map, and which storage the boot code found online (SCLP, diag 260) is printed only at KERN_DEBUG ("physmem info source"); standby storage is not in it'
        : 'the log has no firmware memory map (device-tree boot): memory comes from its "Early memory node ranges" block'
    )
  } else throw new LogError('the log has neither a UEFI memory map (efi=debug) nor an "Early memory node ranges" block: nothing describes memory (was it cut?)')

  // arm64 builds with 4K, 16K or 64K pages; the log shows which in its hash table sizes
  // (PAGE_SIZE << order) or in the huge page sizes hugetlbpage_init() registers (CONT_PTE
  // 64 KiB only with 4K pages; PMD 32 MiB with 16K; PMD 512 MiB and CONT_PMD 16 GiB with 64K)
  let pageSize: number | undefined = opts.pageSize
  if (pageSize === undefined && arch === 'arm64') {
    const fromHuge = hugeSizes.includes(64 * 1024) ? 4096 : hugeSizes.some((h) => h === 2 ** 29 || h === 2 ** 34) ? 65536 : hugeSizes.includes(2 ** 25) ? 16384 : null
    if (pageSizeSeen) {
      pageSize = pageSizeSeen.size
      used.push({ what: 'page size (hash table order)', line: pageSizeSeen.line })
    } else if (fromHuge) {
      pageSize = fromHuge
      used.push({ what: 'page size (HugeTLB sizes)', line: used.find((u) => u.what === 'HugeTLB registered')!.line })
    } else {
      pageSize = 4096
      warnings.push(
        'the log does not show arm64\'s page size (no "Dentry cache hash table" or "HugeTLB: registered" line): 4K pages assumed; give --page-size 16K or 64K if the kernel was built with them'
      )
    }
    if (pageSize !== 4096) warnings.push(`arm64 with ${pageSize / 1024}K pages (${pageSizeSeen ? `line ${pageSizeSeen.line}: ${pageSizeSeen.text}` : 'from the HugeTLB page sizes'})`)
  }
  // loongarch builds with 4K, 16K (the Kconfig default) or 64K pages; the hash table sizes
  // show which, and so does the one huge page size (the PMD: 2 MiB, 32 MiB, 512 MiB)
  if (pageSize === undefined && arch === 'loongarch64') {
    const fromHuge = hugeSizes.includes(2 * 2 ** 20) ? 4096 : hugeSizes.includes(2 ** 25) ? 16384 : hugeSizes.includes(2 ** 29) ? 65536 : null
    if (pageSizeSeen) {
      pageSize = pageSizeSeen.size
      used.push({ what: 'page size (hash table order)', line: pageSizeSeen.line })
    } else if (fromHuge) pageSize = fromHuge
    else {
      pageSize = 16384
      warnings.push(
        'the log does not show loongarch\'s page size (no "Dentry cache hash table" or "HugeTLB: registered" line): 16K pages (the Kconfig default) assumed; give --page-size 4K or 64K if the kernel was built with them'
      )
    }
  }

  const scenario: Scenario = {
    name: 'imported boot log',
    kernel,
    arch,
    ...(pageSize !== undefined && (pageSize !== 4096 || arch === 'loongarch64') ? { pageSize } : opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
    firmware,
    // the early block and a user: map already reflect mem=/memmap=
    ...(cmdline !== null ? { cmdline: user || fromEarly ? stripAppliedCmdline(cmdline) : cmdline } : {})
  }
  // NUMA: SRAT lines, or node ids of the early block when that is the memory source
  if ([...srat.values()].some((r) => r.length)) {
    scenario.numa = { nodes: [...srat.entries()].map(([id, rs]) => ({ id, ranges: rs.map((r) => ({ start: r.start, end: r.end, ...(r.hotplug ? { hotplug: true } : {}) })) })) }
  } else if (fromEarly && (early.some((r) => r.nid !== 0) || srat.size > 0)) {
    const byNid = new Map<number, { start: number; end: number }[]>()
    for (const r of early) byNid.set(r.nid, [...(byNid.get(r.nid) ?? []), { start: r.start, end: r.end }])
    for (const nid of srat.keys()) if (!byNid.has(nid)) byNid.set(nid, [])
    scenario.numa = { nodes: [...byNid.entries()].map(([id, ranges]) => ({ id, ranges })) }
  }
  if (hugeSizes.length) scenario.hugetlb = hugeSizes.map((size) => ({ size }))
  else scenario.hugetlb = []
  if (zoneNames) {
    const names: string[] = zoneNames
    scenario.config = { zoneDma: names.includes('DMA'), zoneDma32: names.includes('DMA32'), zoneDevice: names.includes('Device'), highmem: names.includes('HighMem') }
  }
  // probe_memory_block_size() depends on the hypervisor bit at 64 GiB or more
  if (hypervisor) scenario.config = { ...scenario.config, hypervisor: true }
  if (maxArchPfn !== null) {
    if (arch === 'x86_64' && maxArchPfn === 2 ** 40) scenario.paging = '5-level'
    if (arch === 'x86') scenario.paging = maxArchPfn === 2 ** 24 ? 'pae' : '2-level'
  }
  // 32-bit x86 initmem_init() prints lowmem in MiB before the zones. Lowmem ends at
  // MAXMEM = a PMD boundary minus two pages (VMALLOC_END = PKMAP_BASE - 2 pages), so
  // the MiB figure pins the exact pfn: the one value k * PTRS_PER_PMD - 2 in that MiB.
  if (arch === 'x86' && lowmemMb !== null && highmemLine) {
    const pmdPages = scenario.paging === 'pae' ? 512 : 1024
    const lo = lowmemMb * 256
    const pfn = Math.ceil((lo + 2) / pmdPages) * pmdPages - 2
    if (pfn < lo + 256) scenario.config = { ...scenario.config, lowmemLimit: pfn * 4096 }
  }
  // riscv and 32-bit x86: FLATMEM or SPARSEMEM, as the log shows it (memory-model.ts)
  const expected = expectedLines(msgs, warnings)
  const mm = loggedMemoryModel(arch, version, expected, numaLine)
  if (mm.memoryModel) scenario.config = { ...scenario.config, memoryModel: mm.memoryModel }
  if (mm.used) used.push(mm.used)
  if (mm.warning) warnings.push(mm.warning)
  // PowerMac kernels (pmac32/g5 defconfigs) use 4K pages and FLATMEM
  if (arch === 'powerpc64' && seen.powermac) {
    scenario.pageSize = 4096
    scenario.config = { ...scenario.config, memoryModel: 'flatmem' }
  }
  return { scenario, expected, warnings, used, dmaZoneLast: arch === 'arm64' ? dmaZoneLast : null }
}

/** Contiguous same-node ranges in the early block can only be split by a flag (NOMAP). */
function earlyAsDt(early: { nid: number; start: number; end: number }[], warnings: string[]): FirmwareRange[] {
  const out: FirmwareRange[] = []
  let prev: { nid: number; end: number; nomap: boolean } | null = null
  for (const r of early) {
    out.push({ start: r.start, end: r.end, type: 'memory' })
    const split: boolean = !!prev && prev.end === r.start && prev.nid === r.nid
    if (split && !prev!.nomap) {
      out.push({ start: r.start, end: r.end, type: 'no-map' })
      warnings.push(`ranges meeting at 0x${r.start.toString(16)} are listed separately: the later one is taken as NOMAP`)
    }
    prev = { nid: r.nid, end: r.end, nomap: split && !prev!.nomap }
  }
  return out
}

function earlyAsUefi(early: { nid: number; start: number; end: number }[], warnings: string[]): FirmwareRange[] {
  return earlyAsDt(early, warnings).map((r) =>
    r.type === 'no-map' ? { start: r.start, end: r.end, type: 'reserved', attrs: ['WB'] } : { start: r.start, end: r.end, type: 'conventional', attrs: ['WB'] }
  )
}

/** The command line without what a kernel-kept map already reflects (`mem=`, `memmap=`). */
export function stripAppliedCmdline(cmdline: string): string {
  return cmdline
    .split(/\s+/)
    .filter((a) => !/^(mem|memmap)=/.test(a))
    .join(' ')
}
