// Sizes, addresses and the kernel's number formats.
//
// Physical addresses are plain numbers: every physical address a kernel of today can
// describe (MAX_PHYSMEM_BITS <= 52) is below 2^53 and therefore exact in a double.
// Virtual addresses (vmemmap, linear map) do not fit and use bigint elsewhere.

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB
export const TiB = 1024 * GiB

/** Largest value a JS number carries exactly. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER

const SUFFIX: Record<string, number> = { '': 1, k: KiB, m: MiB, g: GiB, t: TiB, p: TiB * 1024 }

/**
 * Parse a size or address the way people write them in scenarios and on the kernel
 * command line (memparse(): `4K`, `2M`, `16G`, `0x1000`, `4096`, also `4KiB`, `2 MiB`).
 * Returns null when the text is not a number; throws nothing.
 */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : null
  const t = text.trim().replace(/_/g, '')
  const m = /^(0x[0-9a-f]+|\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(t)
  if (!m) return null
  const base = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : Number(m[1])
  const mult = SUFFIX[m[2].toLowerCase()]
  const v = base * mult
  if (!Number.isFinite(v) || !Number.isInteger(v) || v > MAX_EXACT) return null
  return v
}

/**
 * An address range as people type it: `START-END` (end exclusive) or `START+SIZE`, each
 * part as parseSize() reads it: `0-4G`, `0x100000000-0x140000000`, `4G+1G`.
 */
export function parseRange(text: string): { start: number; end: number } | { error: string } {
  const m = /^\s*([^-+\s]+)\s*([-+])\s*([^-+\s]+)\s*$/.exec(text)
  const a = m ? parseSize(m[1]) : null
  const b = m ? parseSize(m[3]) : null
  if (!m || a === null || b === null) return { error: 'a range is START-END or START+SIZE, with sizes like 4G or 0x1000' }
  const end = m[2] === '+' ? a + b : b
  if (end <= a) return { error: 'the end of a range lies above its start' }
  if (end > MAX_EXACT) return { error: 'the range ends above 2^53' }
  return { start: a, end }
}

/**
 * The kernel's memparse() as used by `mem=` and `memmap=`: a C integer (0x prefix for
 * hex, leading 0 for octal) followed by an optional K/M/G/T/P/E suffix. Returns the
 * value and the rest of the string.
 */
export function memparse(s: string): { value: number; rest: string } | null {
  const m = /^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)([KkMmGgTtPpEe]?)/.exec(s)
  if (!m) return null
  const raw = m[1]
  let v = raw.startsWith('0x') || raw.startsWith('0X') ? parseInt(raw, 16) : raw.length > 1 && raw[0] === '0' ? parseInt(raw, 8) : parseInt(raw, 10)
  const suf = m[2].toLowerCase()
  if (suf) v *= suf === 'e' ? TiB * 1024 * 1024 : SUFFIX[suf]
  return { value: v, rest: s.slice(m[0].length) }
}

/** `%#0Nx` zero-padded hex with 0x prefix, as printk prints `%#018Lx` (width includes "0x"). */
export function hexPad(v: number | bigint, width: number): string {
  return '0x' + hexOf(v).padStart(width - 2, '0')
}

/** toString(16) without V8's slow double-to-radix path for values above 2^31. */
function hexOf(v: number | bigint): string {
  if (typeof v === 'bigint' || v < 0x80000000) return v.toString(16)
  const hi = Math.floor(v / 0x100000000)
  const lo = v - hi * 0x100000000
  return hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16)
}

/** `0x%012llx`-style: 0x followed by exactly `digits` zero-padded digits (or more). */
export function hexDigits(v: number | bigint, digits: number): string {
  return '0x' + hexOf(v).padStart(digits, '0')
}

export function hex(v: number | bigint): string {
  return '0x' + hexOf(v)
}

/** Human size with binary units, e.g. 128 MiB, 2.5 GiB. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  let v = n
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/\.?0+$/, '')} ${units[i]}`
}

/** Thousands separated for people: 536235931 → `536,235,931` (the same in every locale). */
export function grouped(n: number): string {
  const neg = n < 0
  const [int, frac] = String(Math.abs(n)).split('.')
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${g}${frac !== undefined ? '.' + frac : ''}`
}

/**
 * A size for people: binary units, exact when the unit divides it (`8 GiB`), else two
 * decimals that never round to a whole unit, and the exact bytes (`7.996 GiB (8,585,740,288 bytes)`).
 */
export function bytesText(n: number): string {
  const p = bytesParts(n)
  return p.exact === null ? p.text : `${p.text} (${p.exact})`
}

/**
 * bytesText() in two parts, for a card or a cell that shows the short figure and the
 * exact one on hover: `{ text: '7.996 GiB', exact: '8,585,740,288 bytes' }`; exact is null
 * when the short figure is exact (`8 GiB`, `512 bytes`).
 */
export function bytesParts(n: number): { text: string; exact: string | null } {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  while (i < units.length - 1 && Math.abs(n) >= 1024 ** (i + 1)) i++
  const v = n / 1024 ** i
  if (Number.isInteger(v)) return { text: `${grouped(v)} ${units[i]}`, exact: null }
  let digits = 2
  let t = v.toFixed(digits)
  while (Number(t) === Math.round(v) && digits < 6) t = v.toFixed(++digits)
  return { text: `${t.replace(/(\.\d*?[1-9])0+$/, '$1')} ${units[i]}`, exact: `${grouped(n)} bytes` }
}

export const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b)
export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b
export const roundDown = (a: number, b: number): number => Math.floor(a / b) * b
export const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi)

/** is_power_of_2() */
export const isPowerOf2 = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n))

/** fls64(): 1-based index of the most significant set bit, 0 for 0. Exact for n < 2^53. */
export function fls64(n: number): number {
  return n <= 0 ? 0 : Math.floor(n).toString(2).length
}

// ---------------------------------------------------------------------------------------
// One number format for people (CLI text, Markdown, the drawings' text and tooltips; JSON
// stays raw): thousands separators, binary units, hex addresses padded as the kernel prints
// them, ranges with both ends inclusive and that said once per document (RANGE_LEGEND).

/** Said once in every document that prints ranges. */
export const RANGE_LEGEND = 'ranges are [first-last], both ends inclusive, as the kernel prints them ([mem 0x%016llx-0x%016llx])'

/** `[mem 0x0000000100000000-0x000000013fffffff]` for the bytes [start, end), as e820/memblock print it. */
export function memRange(start: number, end: number): string {
  return `[mem ${hexPad(start, 18)}-${hexPad(end - 1, 18)}]`
}

/** `pfn [0x100000-0x13ffff]` for the pfns [start, end); `pfn [empty]` when end <= start. */
export function pfnRange(start: number, end: number): string {
  return end > start ? `pfn [${hex(start)}-${hex(end - 1)}]` : 'pfn [empty]'
}

/** A node id for people: NUMA_NO_NODE (−1, MAX_NUMNODES in memblock's own dumps) is "no node". */
export function nidText(nid: number): string {
  return nid < 0 ? 'no node' : `node ${nid}`
}

/** An order for people: −1 (nothing qualifies, not even order 0) is "none". */
export function orderText(order: number): string {
  return order < 0 ? 'none' : String(order)
}

/** A page count for people: `1,274,880 pages (4.86 GiB)` given the page size. */
export function pagesText(pages: number, pageSize?: number): string {
  return `${grouped(pages)} page${pages === 1 ? '' : 's'}${pageSize ? ` (${bytesText(pages * pageSize)})` : ''}`
}

export type ValueUnit = 'bytes' | 'pages' | 'count' | 'bits' | 'order' | 'address' | 'percent' | 'flag'

/** Names of check values that hold addresses (hex) rather than sizes. */
const ADDRESS_NAME = /addr|base|start|end|pfn|offset|virt|phys/i
const SIZE_NAME = /bytes|size|align/i
const ORDER_NAME = /order/i

/**
 * A figure's or a check's value for people. With a unit (figures): bytes in binary units
 * (exact, or with the exact count: bytesText()), pages and counts with separators, an order
 * of −1 as "none", addresses as given. Without (check values): the name decides: sizes as
 * bytes, addresses in hex, orders as orders, other numbers with separators.
 */
export function valueText(v: number | string | boolean | null | undefined, unit?: ValueUnit | null, name = ''): string {
  if (v === null || v === undefined) return '—'
  if (typeof v !== 'number') return String(v)
  if (!Number.isFinite(v)) return String(v)
  const u = unit ?? (ORDER_NAME.test(name) ? 'order' : SIZE_NAME.test(name) ? 'bytes' : ADDRESS_NAME.test(name) ? 'address' : 'count')
  switch (u) {
    case 'bytes':
      return Number.isInteger(v) ? bytesText(v) : String(v)
    case 'pages':
      return pagesText(v)
    case 'order':
      return orderText(v)
    case 'address':
      return Number.isInteger(v) && v >= 0 ? hex(v) : String(v)
    case 'percent':
      return `${Number(v.toFixed(3))} %`
    case 'bits':
      return `${v} bits`
    default:
      return Number.isInteger(v) ? grouped(v) : String(Number(v.toFixed(6)))
  }
}

/** A signed difference for people: `+2 MiB`, `−1,024 pages`, `0`. */
export function deltaText(d: number | null, unit?: ValueUnit | null, name = ''): string {
  if (d === null) return ''
  if (d === 0) return '0'
  const u = unit ?? (ORDER_NAME.test(name) ? 'order' : SIZE_NAME.test(name) ? 'bytes' : 'count')
  const mag = u === 'order' ? String(Math.abs(d)) : valueText(Math.abs(d), u === 'address' ? 'count' : u, name)
  return `${d > 0 ? '+' : '−'}${mag}`
}
