// Shared SVG building blocks for the views: XML escaping, themes (palettes as data), text
// metrics for layout without a DOM, number formats, the standalone document wrapper and
// the scenario embedding (<metadata>) with its extractor. Pure TypeScript: the output is a
// string that renders the same in a browser, in resvg (PNG) and in svg-to-pdfkit (PDF), so
// every style is a presentation attribute (svg-to-pdfkit ignores CSS) and every text
// element names its font family (an exported SVG inherits no CSS).

// ---------------------------------------------------------------------------------------
// XML

/** Characters XML 1.0 does not allow anywhere (C0 controls except tab/LF/CR, U+FFFE/FFFF, lone surrogates). */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Escape text for XML character data and attribute values; drops characters XML cannot carry. */
export function esc(s: string | number): string {
  return String(s).replace(INVALID_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

export function unesc(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const k = e.toLowerCase()
    if (k === 'amp') return '&'
    if (k === 'lt') return '<'
    if (k === 'gt') return '>'
    if (k === 'quot') return '"'
    if (k === 'apos') return "'"
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10))
  })
}

export type Attrs = Record<string, string | number | boolean | null | undefined>

/** Number formatting for coordinates: at most two decimals, no trailing zeros. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '0'
  const r = Math.round(v * 100) / 100
  return Object.is(r, -0) ? '0' : String(r)
}

function attrs(a: Attrs): string {
  let out = ''
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue
    out += ` ${k}="${typeof v === 'number' ? num(v) : v === true ? k : esc(v)}"`
  }
  return out
}

/** One element; `children` is already-serialised XML (use esc() for text). */
export function el(tag: string, a: Attrs = {}, children?: string): string {
  return children === undefined || children === '' ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children}</${tag}>`
}

/** The hover text of an element (a <title> child: browsers show it, the app reads it). */
export function tip(text: string): string {
  return `<title>${esc(text)}</title>`
}

/** `data-*` attributes from a plain record (keys in camelCase become kebab-case). */
export function dataAttrs(d: Record<string, string | number | boolean | undefined>): Attrs {
  const out: Attrs = {}
  for (const [k, v] of Object.entries(d)) if (v !== undefined) out[`data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`] = String(v)
  return out
}

// ---------------------------------------------------------------------------------------
// Themes: colour-blind-safe palettes (Okabe–Ito for meaning, Paul Tol's "light" set for
// labelled areas), as data

export type ThemeName = 'light' | 'dark'

export interface Theme {
  name: ThemeName
  background: string
  panel: string
  panelBorder: string
  text: string
  muted: string
  faint: string
  grid: string
  axis: string
  laneBackground: string
  /** memblock memory that is mapped (usable) */
  memory: string
  /** memblock NOMAP */
  nomap: string
  reserved: string
  /** present sections */
  section: string
  /** pages without memory that have a struct page (holes inside present sections) */
  hole: string
  pass: string
  fail: string
  note: string
  /** fills for labelled areas (nodes, policies …), cycled */
  categorical: string[]
  zones: Record<string, string>
  /** bars in charts */
  barCurrent: string
  barOther: string
  barProjection: string
  freed: string
  kept: string
}

export const THEMES: Record<ThemeName, Theme> = {
  light: {
    name: 'light',
    background: '#ffffff',
    panel: '#f6f7f9',
    panelBorder: '#d9dde3',
    text: '#1d2430',
    muted: '#5b6472',
    faint: '#8a93a1',
    grid: '#e3e6eb',
    axis: '#7a8391',
    laneBackground: '#eef0f3',
    memory: '#0072B2',
    nomap: '#D55E00',
    reserved: '#CC79A7',
    section: '#56B4E9',
    hole: '#E69F00',
    pass: '#0072B2',
    fail: '#D55E00',
    note: '#B07800',
    categorical: ['#77AADD', '#EE8866', '#44BB99', '#EEDD88', '#FFAABB', '#99DDFF', '#BBCC33', '#AAAA00'],
    zones: { DMA: '#EEDD88', DMA32: '#99DDFF', Normal: '#44BB99', HighMem: '#FFAABB', Movable: '#BBCC33', Device: '#DDDDDD' },
    barCurrent: '#0072B2',
    barOther: '#9CC3E4',
    barProjection: '#009E73',
    freed: '#009E73',
    kept: '#B8BEC7'
  },
  dark: {
    name: 'dark',
    background: '#14181e',
    panel: '#1c222a',
    panelBorder: '#323a45',
    text: '#e6e9ee',
    muted: '#a3adba',
    faint: '#7d8794',
    grid: '#2b323c',
    axis: '#8d97a5',
    laneBackground: '#232a33',
    memory: '#3D9BE0',
    nomap: '#E8772E',
    reserved: '#D98CB8',
    section: '#56B4E9',
    hole: '#E69F00',
    pass: '#56B4E9',
    fail: '#F07B3F',
    note: '#E6B54A',
    categorical: ['#77AADD', '#EE8866', '#44BB99', '#EEDD88', '#FFAABB', '#99DDFF', '#BBCC33', '#AAAA00'],
    zones: { DMA: '#D9C97A', DMA32: '#88C8E6', Normal: '#3FA88A', HighMem: '#E89AAB', Movable: '#A9B92F', Device: '#8a8f96' },
    barCurrent: '#56B4E9',
    barOther: '#3A5A78',
    barProjection: '#2DB38A',
    freed: '#2DB38A',
    kept: '#4A525D'
  }
}

export function theme(name: ThemeName | undefined): Theme {
  return THEMES[name ?? 'light'] ?? THEMES.light
}

/** Dark or light ink for text drawn on a fill (WCAG relative luminance). */
export function inkOn(fill: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(fill)
  if (!m) return '#000000'
  const c = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  const l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
  return l > 0.28 ? '#111111' : '#ffffff'
}

// ---------------------------------------------------------------------------------------
// Text: DejaVu Sans advance widths (em) so layout can measure without a DOM

export const SANS = "'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
export const MONO = "'DejaVu Sans Mono', Menlo, Consolas, monospace"

const W: Record<string, number> = {
  ' ': 0.318,
  '!': 0.401,
  '"': 0.46,
  '#': 0.838,
  $: 0.636,
  '%': 0.95,
  '&': 0.78,
  "'": 0.275,
  '(': 0.39,
  ')': 0.39,
  '*': 0.5,
  '+': 0.838,
  ',': 0.318,
  '-': 0.361,
  '.': 0.318,
  '/': 0.337,
  ':': 0.337,
  ';': 0.337,
  '<': 0.838,
  '=': 0.838,
  '>': 0.838,
  '?': 0.531,
  '@': 1.0,
  '[': 0.39,
  '\\': 0.337,
  ']': 0.39,
  '^': 0.838,
  _: 0.5,
  '`': 0.5,
  '{': 0.636,
  '|': 0.337,
  '}': 0.636,
  '~': 0.838,
  a: 0.613,
  b: 0.635,
  c: 0.55,
  d: 0.635,
  e: 0.615,
  f: 0.352,
  g: 0.635,
  h: 0.634,
  i: 0.278,
  j: 0.278,
  k: 0.579,
  l: 0.278,
  m: 0.974,
  n: 0.634,
  o: 0.612,
  p: 0.635,
  q: 0.635,
  r: 0.411,
  s: 0.521,
  t: 0.392,
  u: 0.634,
  v: 0.592,
  w: 0.818,
  x: 0.592,
  y: 0.592,
  z: 0.525,
  A: 0.684,
  B: 0.686,
  C: 0.698,
  D: 0.77,
  E: 0.632,
  F: 0.575,
  G: 0.775,
  H: 0.752,
  I: 0.295,
  J: 0.295,
  K: 0.656,
  L: 0.557,
  M: 0.863,
  N: 0.748,
  O: 0.787,
  P: 0.603,
  Q: 0.787,
  R: 0.695,
  S: 0.635,
  T: 0.611,
  U: 0.732,
  V: 0.684,
  W: 0.989,
  X: 0.685,
  Y: 0.611,
  Z: 0.685,
  '×': 0.838,
  '–': 0.5,
  '—': 1.0,
  '≤': 0.838,
  '≥': 0.838,
  '→': 0.838,
  '…': 1.0,
  '·': 0.318,
  '✓': 0.838,
  '✗': 0.838,
  '⌈': 0.39,
  '⌉': 0.39,
  '⌊': 0.39,
  '⌋': 0.39,
  '§': 0.5,
  '≠': 0.838,
  '⇒': 0.838,
  '±': 0.838
}

/**
 * The smallest font size (drawing px) a view draws (the badges' 9.5 px). The app's legible
 * zoom is at most 11 / MIN_FONT_PX, which sets the narrowest views pane (renderer
 * views.ts MIN_VIEWS_PANE_PX); index.spec checks every example's drawings.
 */
export const MIN_FONT_PX = 9.5

/** Estimated width in px of `s` at `size` px (DejaVu metrics; bold ≈ +10 %). */
export function textWidth(s: string, size: number, o: { mono?: boolean; bold?: boolean } = {}): number {
  return widthOf(advances(s, o), size, o)
}

/** One character's advance (em): a code point, or half of a surrogate pair a cut left alone. */
function advance(ch: string): number {
  return W[ch] ?? (/\d/.test(ch) ? 0.636 : ch.charCodeAt(0) > 0x2000 ? 0.84 : 0.62)
}

/** The advances of `s` summed in order (monospace: its characters counted): textWidth() before the size. */
function advances(s: string, o: { mono?: boolean }): number {
  if (o.mono) return [...s].length
  let w = 0
  for (const ch of s) w += advance(ch)
  return w
}

/** textWidth() of a text whose advances() are `sum`. */
function widthOf(sum: number, size: number, o: { mono?: boolean; bold?: boolean }): number {
  return o.mono ? sum * 0.602 * size : sum * size * (o.bold ? 1.14 : 1)
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff

/**
 * The longest k with textWidth(before + s.slice(from, from + k) + after) <= maxWidth, given
 * `base` = advances(before) and `tail` = advances(after) (a prefix's width grows with k):
 * every prefix measured as textWidth() measures it, summed in the same order, in one pass
 * that stops one character past the answer. A cut inside a surrogate pair leaves its first
 * half a character of its own, as String.prototype.slice() does.
 */
function fittingLength(s: string, from: number, to: number, base: number, tail: number, maxWidth: number, size: number, o: { mono?: boolean; bold?: boolean }): number {
  const fits = (sum: number): boolean => widthOf(sum + tail, size, o) <= maxWidth
  let sum = base
  let i = from
  while (i < to) {
    if (isHighSurrogate(s.charCodeAt(i)) && i + 1 < to && isLowSurrogate(s.charCodeAt(i + 1))) {
      if (!fits(sum + (o.mono ? 1 : advance(s[i])))) return i - from
      const whole = sum + (o.mono ? 1 : advance(s.slice(i, i + 2)))
      if (!fits(whole)) return i + 1 - from
      sum = whole
      i += 2
    } else {
      const next = sum + (o.mono ? 1 : advance(s[i]))
      if (!fits(next)) return i - from
      sum = next
      i++
    }
  }
  return to - from
}

/**
 * Where a token too long for a line may break: after `_ / , ( - – = : | ;` (an identifier's
 * or a path's parts, a list's items, a call's arguments, a range's ends) and before `0x`
 * or `[` (a hex number, a bracketed range). The index is where the next line starts.
 */
export function tokenBreaks(token: string): number[] {
  const out: number[] = []
  for (let i = 1; i < token.length; i++) {
    const prev = token[i - 1]
    if ('_/,(-–=:|;'.includes(prev) && !'_/,)-–=:|;'.includes(token[i])) out.push(i)
    else if ((token.startsWith('0x', i) || token[i] === '[') && !'_/,(-–=:|;['.includes(prev)) out.push(i)
  }
  return out
}

/**
 * Greedy word wrap to `maxWidth` px at spaces. A token longer than a line breaks at its
 * last boundary that fits (tokenBreaks(): after `_`, `/`, `,`, `(`…, before `0x`), so a
 * kernel function, a path or a hex address is not cut mid-identifier; only a run with no
 * boundary that fits is cut where the line ends.
 */
export function wrap(s: string, maxWidth: number, size: number, o: { mono?: boolean; bold?: boolean; maxLines?: number } = {}): string[] {
  const lines: string[] = []
  let cur = ''
  const fits = (x: string): boolean => textWidth(x, size, o) <= maxWidth
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const cand = cur ? `${cur} ${word}` : word
    if (fits(cand)) {
      cur = cand
      continue
    }
    // a long word: its first part may still join the line, at the last boundary that fits
    // (a prefix's width grows with its length: the boundaries up to the longest prefix
    // that fits). Each line of the word is measured once, so a long token (a pasted
    // name without spaces) costs its length, not its length squared.
    const breaks = tokenBreaks(word)
    let start = 0
    if (cur && !fits(word)) {
      const room = fittingLength(word, 0, word.length, advances(`${cur} `, o), 0, maxWidth, size, o)
      let k = 0
      for (let b = 0; b < breaks.length && breaks[b] <= room; b++) k = breaks[b]
      if (k) {
        cur = `${cur} ${word.slice(0, k)}`
        start = k
      }
    }
    if (cur) lines.push(cur)
    // the rest of the word while it does not fit: cut at its last boundary that fits (a
    // boundary of the rest is one of the word's after the rest's start), else where the
    // line ends
    let b = 0
    while (word.length - start > 1) {
      const room = fittingLength(word, start, word.length, 0, 0, maxWidth, size, o)
      if (room === word.length - start) break
      while (b < breaks.length && breaks[b] <= start) b++
      let k = 0
      for (let j = b; j < breaks.length && breaks[j] <= start + room; j++) k = breaks[j] - start
      if (!k) k = Math.max(room, 1)
      lines.push(word.slice(start, start + k))
      start += k
    }
    cur = word.slice(start)
  }
  if (cur) lines.push(cur)
  if (o.maxLines && lines.length > o.maxLines) {
    const kept = lines.slice(0, o.maxLines)
    kept[kept.length - 1] = truncate(kept[kept.length - 1] + ' …', maxWidth, size, o)
    return kept
  }
  return lines.length ? lines : ['']
}

/** `s`, shortened with an ellipsis to fit `maxWidth` px. */
export function truncate(s: string, maxWidth: number, size: number, o: { mono?: boolean; bold?: boolean } = {}): string {
  if (textWidth(s, size, o) <= maxWidth) return s
  // the longest prefix that fits with the ellipsis after it, measured in one pass
  const k = fittingLength(s, 0, s.length, 0, advances('…', o), maxWidth, size, o)
  return k > 0 ? s.slice(0, k).trimEnd() + '…' : ''
}

/** Where a text lies in drawing px (top-left, width, height): what a layout keeps apart. */
export interface TextBox {
  x: number
  y: number
  w: number
  h: number
}

/** a text's ink from baseline − 0.8 × size to baseline + 0.25 × size */
export const ASCENT = 0.8
export const DESCENT = 0.25

/** The box of `s` drawn at (x, baseline y) with `size` and `anchor` (textWidth's metrics). */
export function textBox(x: number, y: number, s: string, size: number, o: { anchor?: 'start' | 'middle' | 'end'; mono?: boolean; bold?: boolean } = {}): TextBox {
  const w = textWidth(s, size, o)
  const left = o.anchor === 'middle' ? x - w / 2 : o.anchor === 'end' ? x - w : x
  return { x: left, y: y - ASCENT * size, w, h: (ASCENT + DESCENT) * size }
}

/** Whether two boxes share any area (touching edges do not). */
export function boxesMeet(a: TextBox, b: TextBox): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

export interface TextOpts {
  size?: number
  weight?: 'normal' | 'bold'
  anchor?: 'start' | 'middle' | 'end'
  fill?: string
  mono?: boolean
  italic?: boolean
  /** extra attributes (data-*, class …) */
  extra?: Attrs
  /** hover text */
  title?: string
}

/**
 * A <text>. The sans face comes from the root <svg>'s font-family attribute (inherited
 * within the drawing, wherever it is shown); only monospace text names its own. One
 * font-family per text made the app restyle and re-lay out every label on each edit.
 */
export function text(x: number, y: number, s: string, o: TextOpts = {}): string {
  return el(
    'text',
    {
      x,
      y,
      'font-family': o.mono ? MONO : undefined,
      'font-size': o.size ?? 12,
      'font-weight': o.weight === 'bold' ? 'bold' : undefined,
      'font-style': o.italic ? 'italic' : undefined,
      'text-anchor': o.anchor && o.anchor !== 'start' ? o.anchor : undefined,
      fill: o.fill,
      ...o.extra
    },
    (o.title ? tip(o.title) : '') + esc(s)
  )
}

/** Several lines of text, `lineHeight` apart, starting at baseline y. */
export function lines(x: number, y: number, ls: string[], lineHeight: number, o: TextOpts = {}): string {
  return ls.map((l, i) => text(x, y + i * lineHeight, l, o)).join('')
}

export function rect(x: number, y: number, w: number, h: number, a: Attrs = {}, title?: string): string {
  return el('rect', { x, y, width: Math.max(0, w), height: Math.max(0, h), ...a }, title ? tip(title) : undefined)
}

export function line(x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): string {
  return el('line', { x1, y1, x2, y2, ...a })
}

/** A pill-shaped badge (PASS / FAIL / NOTE …); returns the markup and its width. */
export function badge(x: number, y: number, label: string, fill: string, o: { size?: number; title?: string; extra?: Attrs } = {}): { svg: string; width: number } {
  const size = o.size ?? 10
  const w = textWidth(label, size, { bold: true }) + 12
  const h = size + 7
  const svg = el(
    'g',
    { ...o.extra },
    (o.title ? tip(o.title) : '') + rect(x, y, w, h, { rx: h / 2, fill }) + text(x + w / 2, y + h / 2 + size * 0.36, label, { size, weight: 'bold', anchor: 'middle', fill: inkOn(fill) })
  )
  return { svg, width: w }
}

// ---------------------------------------------------------------------------------------
// Numbers

/** Binary sizes with up to three significant digits: 4 KiB, 252 MiB, 15.6 GiB. */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const neg = n < 0
  let v = Math.abs(n)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  // three significant digits, four from 1000 up so 1023.75 MiB never reads as 1024 MiB
  const s = Number.isInteger(v) ? String(v) : v >= 1000 ? v.toFixed(1).replace(/\.0$/, '') : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '')
  return `${neg ? '−' : ''}${s} ${units[i]}`
}

/** Exact binary size: the largest unit that divides n (16380 KiB, not 16 MiB). */
export function exactBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  let v = n
  while (i < units.length - 1 && v !== 0 && v % 1024 === 0) {
    v /= 1024
    i++
  }
  return `${int(v)} ${units[i]}`
}

/** 16 GiB + 2 MiB when the remainder is a whole number of a smaller unit, else bytes(). */
export function plusBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  while (i < units.length - 1 && n >= 1024 ** (i + 1)) i++
  const major = Math.floor(n / 1024 ** i)
  const rem = n - major * 1024 ** i
  if (rem === 0) return `${int(major)} ${units[i]}`
  return rem % 1024 === 0 ? `${int(major)} ${units[i]} + ${exactBytes(rem)}` : bytes(n)
}

export function hex(n: number | bigint): string {
  if (typeof n === 'bigint') return '0x' + n.toString(16)
  if (n < 0x80000000) return '0x' + n.toString(16)
  const hi = Math.floor(n / 0x100000000)
  const lo = n - hi * 0x100000000
  return '0x' + (hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16))
}

/** The range legend a drawing says once (the short form of units.ts RANGE_LEGEND). */
export const RANGE_NOTE = 'ranges [first-last], both ends inclusive'

/** 1234567 → 1,234,567 */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n)))
  return (n < 0 ? '−' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

export function pct(n: number, digits = 2): string {
  return `${n.toFixed(digits)} %`
}

// ---------------------------------------------------------------------------------------
// Document and scenario embedding

export const MMW_NS = 'https://memmap-workbench.invalid/ns'

export interface EmbeddedSource {
  text: string
  fileName: string
}

export interface DocumentSpec {
  /** view id, used for element ids and data-view */
  view: string
  width: number
  height: number
  title: string
  desc: string
  theme: Theme
  body: string
  source?: EmbeddedSource
  /** <defs> content (patterns …) */
  defs?: string
}

/** The fields every view model starts with (title block, size, whether the report has the data). */
export interface ViewModelBase {
  title: string
  subtitle: string
  desc: string
  width: number
  height: number
}

/** A view whose report has nothing to draw: its header and one muted sentence below it. */
export function messageDocument(view: string, t: Theme, m: ViewModelBase, headerSvg: string, y: number, message: string, source?: EmbeddedSource, minHeight = 0): string {
  const body = headerSvg + text(MARGIN, y, message, { size: 13, fill: t.muted })
  return svgDocument({ view, width: m.width, height: Math.max(y + 40, minHeight), title: m.title, desc: m.desc, theme: t, body, source })
}

/** A standalone, accessible SVG document with its background and optional embedded scenario. */
export function svgDocument(d: DocumentSpec): string {
  const id = `mmw-${d.view}`
  const meta = d.source ? `<metadata>${embedSource(d.source)}</metadata>` : ''
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    el(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        'xmlns:mmw': MMW_NS,
        version: '1.1',
        width: Math.ceil(d.width),
        height: Math.ceil(d.height),
        viewBox: `0 0 ${Math.ceil(d.width)} ${Math.ceil(d.height)}`,
        role: 'img',
        'aria-labelledby': `${id}-title ${id}-desc`,
        'data-view': d.view,
        'data-theme': d.theme.name,
        'font-family': SANS
      },
      `<title id="${id}-title">${esc(d.title)}</title><desc id="${id}-desc">${esc(d.desc)}</desc>` +
        meta +
        (d.defs ? `<defs>${d.defs}</defs>` : '') +
        rect(0, 0, Math.ceil(d.width), Math.ceil(d.height), { fill: d.theme.background, 'data-kind': 'background' }) +
        d.body
    ) +
    '\n'
  )
}

/**
 * The scenario inside <metadata>: CDATA when the text survives XML parsing unchanged,
 * base64 (UTF-8) when it holds CR (parsers normalise line ends) or characters XML forbids.
 */
export function embedSource(s: EmbeddedSource): string {
  INVALID_XML.lastIndex = 0
  const needsB64 = /\r/.test(s.text) || INVALID_XML.test(s.text)
  INVALID_XML.lastIndex = 0
  const body = needsB64 ? base64Encode(utf8Encode(s.text)) : `<![CDATA[${s.text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
  return `<mmw:scenario xmlns:mmw="${MMW_NS}" file-name="${esc(s.fileName)}"${needsB64 ? ' encoding="base64"' : ''}>${body}</mmw:scenario>`
}

/** The scenario an export embedded (svgDocument with `source`), or null. */
export function extractEmbeddedSource(svg: string): EmbeddedSource | null {
  const m = /<mmw:scenario\b([^>]*)>([\s\S]*?)<\/mmw:scenario>/.exec(svg)
  if (!m) return null
  const attr = (name: string): string | null => {
    const a = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(m[1])
    return a ? unesc(a[2] ?? a[3] ?? '') : null
  }
  const fileName = attr('file-name') ?? 'scenario.yaml'
  const raw = m[2]
  if (attr('encoding') === 'base64') {
    const bytes = base64Decode(raw.replace(/\s+/g, ''))
    return bytes ? { text: utf8Decode(bytes), fileName } : null
  }
  // concatenate CDATA sections; character data outside them is entity-decoded
  let out = ''
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g
  let k: RegExpExecArray | null
  while ((k = re.exec(raw))) out += k[1] !== undefined ? k[1] : unesc(k[2])
  return { text: out, fileName }
}

// UTF-8 and base64 without TextEncoder / Buffer (the engine has neither DOM nor Node types)

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}

export function utf8Decode(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length;) {
    const c = b[i]
    let cp: number
    if (c < 0x80) {
      cp = c
      i += 1
    } else if (c >> 5 === 6) {
      cp = ((c & 31) << 6) | (b[i + 1] & 63)
      i += 2
    } else if (c >> 4 === 14) {
      cp = ((c & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63)
      i += 3
    } else {
      cp = ((c & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63)
      i += 4
    }
    s += String.fromCodePoint(cp)
  }
  return s
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function base64Encode(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0)
    s += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=')
  }
  return s
}

export function base64Decode(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4) return null
  const out: number[] = []
  for (let i = 0; i < s.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => (s[i + k] === '=' ? 0 : B64.indexOf(s[i + k])))
    const n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3]
    out.push(n >> 16)
    if (s[i + 2] !== '=') out.push((n >> 8) & 255)
    if (s[i + 3] !== '=') out.push(n & 255)
  }
  return Uint8Array.from(out)
}

// ---------------------------------------------------------------------------------------
// Panels and headers shared by the views

export const MARGIN = 28

/** a title wraps onto this many lines before its last is shortened (a narrow pane, a long scenario name) */
const TITLE_MAX_LINES = 4

/** The title's lines: wrapped in full up to TITLE_MAX_LINES, the last then shortened with an ellipsis (the full title is its tooltip). */
function titleLines(title: string, maxWidth: number): string[] {
  const ls = wrap(title, maxWidth, 19, { bold: true })
  if (ls.length <= TITLE_MAX_LINES) return ls
  return [...ls.slice(0, TITLE_MAX_LINES - 1), truncate(ls.slice(TITLE_MAX_LINES - 1).join(' '), maxWidth, 19, { bold: true })]
}

/** View header: title (wrapped where it does not fit one line), subtitle; returns markup and the y below it. */
export function header(t: Theme, width: number, title: string, subtitle: string): { svg: string; bottom: number } {
  const tl = titleLines(title, width - 2 * MARGIN)
  const dy = (tl.length - 1) * 23
  const sub = wrap(subtitle, width - 2 * MARGIN, 12)
  const full = tl.join(' ') === title ? undefined : title
  const svg =
    tl.map((l, i) => text(MARGIN, MARGIN + 16 + i * 23, l, { size: 19, weight: 'bold', fill: t.text, extra: { 'data-kind': 'heading' }, title: full })).join('') +
    lines(MARGIN, MARGIN + 38 + dy, sub, 16, { size: 12, fill: t.muted })
  return { svg, bottom: MARGIN + 38 + dy + (sub.length - 1) * 16 + 14 }
}

/** Whether a heading's note fits beside it within `maxWidth` (else it goes on the line below). */
export function noteBeside(s: string, note: string | undefined, maxWidth: number): boolean {
  return !note || textWidth(s, 14, { bold: true }) + 14 + textWidth(note, 11) <= maxWidth
}

/** The extra height a heading takes within `maxWidth`: its note's lines below it, 14 px each. */
export function headingExtra(s: string, note: string | undefined, maxWidth: number): number {
  return noteBeside(s, note, maxWidth) ? 0 : wrap(note!, maxWidth, 11).length * 14
}

/**
 * A section heading inside a view; its note beside it, or (given `maxWidth` and too
 * long for it) wrapped on the lines below, 14 px apart (headingExtra()).
 */
export function heading(t: Theme, x: number, y: number, s: string, note?: string, maxWidth = Infinity): string {
  const head = text(x, y, s, { size: 14, weight: 'bold', fill: t.text })
  if (!note) return head
  if (noteBeside(s, note, maxWidth)) return head + text(x + textWidth(s, 14, { bold: true }) + 14, y, note, { size: 11, fill: t.muted })
  return head + lines(x, y + 16, wrap(note, maxWidth, 11), 14, { size: 11, fill: t.muted })
}

export function panel(t: Theme, x: number, y: number, w: number, h: number, a: Attrs = {}): string {
  return rect(x, y, w, h, { rx: 6, fill: t.panel, stroke: t.panelBorder, 'stroke-width': 1, ...a })
}

/** A swatch and its label; returns markup and the x after it. */
export function swatch(t: Theme, x: number, y: number, fill: string, label: string, o: { pattern?: string; stroke?: string } = {}): { svg: string; next: number } {
  const svg = rect(x, y - 9, 14, 11, { rx: 2, fill: o.pattern ? `url(#${o.pattern})` : fill, stroke: o.stroke ?? 'none' }) + text(x + 19, y, label, { size: 11, fill: t.text })
  return { svg, next: x + 19 + textWidth(label, 11) + 18 }
}

/** Pattern for hatched fills (NOMAP): colour-independent cue. */
export function hatch(id: string, fill: string, stroke: string): string {
  return el('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, rect(0, 0, 6, 6, { fill }) + line(0, 0, 0, 6, { stroke, 'stroke-width': 2.5 }))
}
