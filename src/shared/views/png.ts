// Reading the scenario back out of an exported PNG, without Node or the DOM, so the main
// process (File › Open, the CLI) and the renderer (a PNG dropped on the window) share one
// parser. The writer is src/main/render.ts svgToPng(): two iTXt chunks before IEND, the
// file name uncompressed and the scenario text zlib-compressed (PNG spec §11.3.4.5).
//
// Decompression and UTF-8 decoding are the caller's (node:zlib + Buffer in main,
// DecompressionStream + TextDecoder in the renderer); this module only walks the bytes.

/** iTXt keyword of the scenario text (UTF-8, zlib-compressed) */
export const PNG_SCENARIO_KEYWORD = 'memmap-workbench-scenario'
/** iTXt keyword of the scenario's file name */
export const PNG_FILE_NAME_KEYWORD = 'memmap-workbench-file-name'

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export interface PngChunk {
  type: string
  data: Uint8Array
  /** offset of the chunk's length field in the file */
  offset: number
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = ''
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i])
  return s
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3]
}

/** The chunks up to and including IEND; throws on a file that is not a PNG or is cut inside a chunk. */
export function pngChunks(png: Uint8Array): PngChunk[] {
  if (!isPng(png)) throw new Error('not a PNG file')
  const out: PngChunk[] = []
  let i = 8
  while (i + 12 <= png.length) {
    const len = u32(png, i)
    const type = latin1(png, i + 4, i + 8)
    if (i + 12 + len > png.length) throw new Error(`truncated PNG chunk ${type}`)
    out.push({ type, data: png.subarray(i + 8, i + 8 + len), offset: i })
    i += 12 + len
    if (type === 'IEND') break
  }
  return out
}

/** One text chunk, undecoded: `body` is Latin-1 (tEXt, zTXt) or UTF-8 (iTXt), zlib data when `compressed`. */
export interface PngTextChunk {
  keyword: string
  compressed: boolean
  encoding: 'latin1' | 'utf8'
  body: Uint8Array
}

/** tEXt, zTXt and iTXt chunks in file order; a chunk without a keyword separator is skipped. */
export function pngTextChunks(png: Uint8Array): PngTextChunk[] {
  const out: PngTextChunk[] = []
  for (const c of pngChunks(png)) {
    if (c.type !== 'tEXt' && c.type !== 'iTXt' && c.type !== 'zTXt') continue
    const nul = c.data.indexOf(0)
    if (nul < 0) continue
    const keyword = latin1(c.data, 0, nul)
    if (c.type === 'tEXt') out.push({ keyword, compressed: false, encoding: 'latin1', body: c.data.subarray(nul + 1) })
    else if (c.type === 'zTXt') out.push({ keyword, compressed: true, encoding: 'latin1', body: c.data.subarray(nul + 2) })
    else {
      // keyword \0 flag method language \0 translated-keyword \0 text
      const lang = c.data.indexOf(0, nul + 3)
      const trans = lang < 0 ? -1 : c.data.indexOf(0, lang + 1)
      if (trans < 0) continue
      out.push({ keyword, compressed: c.data[nul + 1] === 1, encoding: 'utf8', body: c.data.subarray(trans + 1) })
    }
  }
  return out
}

/** The two chunks an export carries, or null when the PNG has no scenario. */
export function pngScenarioChunks(png: Uint8Array): { scenario: PngTextChunk; fileName: PngTextChunk | null } | null {
  let chunks: PngTextChunk[]
  try {
    chunks = pngTextChunks(png)
  } catch {
    return null
  }
  const scenario = chunks.find((c) => c.keyword === PNG_SCENARIO_KEYWORD)
  if (!scenario) return null
  return { scenario, fileName: chunks.find((c) => c.keyword === PNG_FILE_NAME_KEYWORD) ?? null }
}
