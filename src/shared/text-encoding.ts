// The text of a scenario or log file from its bytes: UTF-8 (with or without a byte-order
// mark), or UTF-16 with a BOM (little- or big-endian, as Windows editors and PowerShell's
// `>` write it). UTF-16 without a BOM is not guessed at: it is named, so the user sees why
// the file does not read ("expected a mapping" said nothing). Pure: the host passes its
// UTF-8 decoder (Node's Buffer, the browser's TextDecoder).

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be'

export type DecodedText = { ok: true; text: string; encoding: TextEncodingName; bom: boolean } | { ok: false; error: string }

/** The message for UTF-16 without a byte-order mark (the CLI prints it as `file:1:1: error: …`). */
export const UTF16_WITHOUT_BOM = 'looks like UTF-16 without a byte-order mark'

/** How much of the start is looked at to tell UTF-16 without a BOM. */
const SNIFF = 4096

/**
 * Whether the bytes look like UTF-16 text without a BOM: NULs in every other byte (the high
 * byte of ASCII) and not in the others. Returns the byte order, or null.
 */
export function utf16WithoutBom(bytes: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(bytes.length, SNIFF) & ~1
  if (n < 4) return null
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++
    if (bytes[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  // ASCII-heavy text: nearly every pair has exactly one NUL, always on the same side
  if (oddZero >= pairs * 0.8 && evenZero <= pairs * 0.05) return 'le'
  if (evenZero >= pairs * 0.8 && oddZero <= pairs * 0.05) return 'be'
  return null
}

/** UTF-16 code units from `start` (surrogate pairs pass through: JS strings are UTF-16). */
function decodeUtf16(bytes: Uint8Array, start: number, littleEndian: boolean): string {
  const parts: string[] = []
  const CHUNK = 8192
  const units = new Array<number>(CHUNK)
  let k = 0
  const end = start + ((bytes.length - start) & ~1)
  for (let i = start; i < end; i += 2) {
    units[k++] = littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]
    if (k === CHUNK) {
      parts.push(String.fromCharCode(...units))
      k = 0
    }
  }
  if (k) parts.push(String.fromCharCode(...units.slice(0, k)))
  // an odd trailing byte is half a code unit: shown as the replacement character
  if (end < bytes.length) parts.push('\uFFFD')
  return parts.join('')
}

/**
 * The text of a file's bytes: by its byte-order mark (UTF-8, UTF-16 LE or BE; the mark is
 * dropped), otherwise UTF-8 through `utf8`. UTF-32 and UTF-16 without a mark are errors
 * that say so.
 */
export function decodeText(bytes: Uint8Array, utf8: (b: Uint8Array) => string): DecodedText {
  const b = bytes
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { ok: false, error: 'is UTF-32 (a little-endian byte-order mark): save it as UTF-8' }
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { ok: false, error: 'is UTF-32 (a big-endian byte-order mark): save it as UTF-8' }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { ok: true, text: decodeUtf16(b, 2, true), encoding: 'utf-16le', bom: true }
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { ok: true, text: decodeUtf16(b, 2, false), encoding: 'utf-16be', bom: true }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { ok: true, text: utf8(b.subarray(3)), encoding: 'utf-8', bom: true }
  const order = utf16WithoutBom(b)
  if (order) return { ok: false, error: `${UTF16_WITHOUT_BOM} (${order === 'le' ? 'little' : 'big'}-endian): save it as UTF-8, or as UTF-16 with a BOM` }
  return { ok: true, text: utf8(b), encoding: 'utf-8', bom: false }
}
