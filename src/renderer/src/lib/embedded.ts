// The scenario inside an exported SVG or PNG that was dropped on the window: the same
// parsers the main process uses for File › Open (src/shared/views/svg.ts, png.ts), with
// the browser's DecompressionStream and TextDecoder in place of node:zlib and Buffer.
import { pngScenarioChunks, type PngTextChunk } from '../../../shared/views/png.ts'
import { extractEmbeddedSource, type EmbeddedSource } from '../../../shared/views/svg.ts'

async function decode(chunk: PngTextChunk): Promise<string> {
  let bytes: Uint8Array = chunk.body
  if (chunk.compressed) {
    // PNG's compression method 0 is a zlib stream: DecompressionStream's 'deflate'
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'))
    bytes = new Uint8Array(await new Response(stream).arrayBuffer())
  }
  return new TextDecoder(chunk.encoding === 'utf8' ? 'utf-8' : 'latin1', { fatal: chunk.encoding === 'utf8' }).decode(bytes)
}

/**
 * The embedded scenario, or null when the image carries none. Throws only when it carries
 * one that cannot be decoded (a damaged chunk), so the caller can say so.
 */
export async function embeddedScenario(file: Blob, name: string): Promise<EmbeddedSource | null> {
  if (/\.svg$/i.test(name)) return extractEmbeddedSource(await file.text())
  const found = pngScenarioChunks(new Uint8Array(await file.arrayBuffer()))
  if (!found) return null
  return { text: await decode(found.scenario), fileName: found.fileName ? await decode(found.fileName) : 'scenario.yaml' }
}
