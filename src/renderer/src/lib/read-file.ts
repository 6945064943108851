// A file the user hands the page (dropped on the window, chosen in a file field) as text:
// its size checked against the limit before a byte is read, then its bytes decoded as the
// CLI decodes a file (decodeText(): UTF-8 with or without a BOM, UTF-16 with a BOM; UTF-16
// without one is named, not read as mojibake). File.text() would read UTF-16 as UTF-8.
import { decodeText } from '../../../shared/text-encoding.ts'

export type ReadText =
  | { ok: true; text: string }
  /** larger than the limit: `size` bytes, and nothing was read */
  | { ok: false; tooLarge: true; size: number }
  /** unreadable, or an encoding it cannot be: a sentence about the file ("is UTF-32 …") */
  | { ok: false; tooLarge: false; error: string }

const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b)

/** The text of `file`, or why not. The size is the file's own (File.size): nothing is read when it is over `limit`. */
export async function readTextFile(file: Blob, limit: number): Promise<ReadText> {
  if (file.size > limit) return { ok: false, tooLarge: true, size: file.size }
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await file.arrayBuffer())
  } catch (e) {
    return { ok: false, tooLarge: false, error: `could not be read: ${e instanceof Error ? e.message : String(e)}` }
  }
  // the file grew between the check and the read
  if (bytes.length > limit) return { ok: false, tooLarge: true, size: bytes.length }
  const d = decodeText(bytes, utf8)
  return d.ok ? { ok: true, text: d.text } : { ok: false, tooLarge: false, error: d.error }
}
