// PNG and PDF from the views' SVG (used by the CLI's `export` and the app's main
// process). PNG: resvg with the system fonts (DejaVu), the scenario embedded in iTXt
// chunks so an exported image can be reopened. PDF: pdfkit + svg-to-pdfkit, one page per
// view, each page the size of its SVG (1 px = 0.75 pt), with DejaVu embedded so every
// character (≤, →, ×, ✓) prints.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'
import { Resvg } from '@resvg/resvg-js'
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { PNG_FILE_NAME_KEYWORD, PNG_SCENARIO_KEYWORD, pngChunks, pngScenarioChunks, type PngTextChunk } from '../shared/views/png.ts'
import { extractEmbeddedSource, type EmbeddedSource } from '../shared/views/svg.ts'

// ---------------------------------------------------------------------------------------
// PNG (reading the chunks is shared with the renderer: src/shared/views/png.ts)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

export function crc32(buf: Uint8Array, crc = 0xffffffff): number {
  let c = crc
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

/** An iTXt chunk: keyword, compression flag/method, empty language tag and translated keyword, UTF-8 text. */
function itxt(keyword: string, value: string, compress: boolean): Buffer {
  const text = Buffer.from(value, 'utf8')
  return chunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, compress ? 1 : 0, 0, 0, 0]), compress ? deflateSync(text) : text]))
}

/** Insert text chunks before IEND. */
export function addPngText(png: Buffer, entries: { keyword: string; text: string; compress?: boolean }[]): Buffer {
  const chunks = pngChunks(png)
  const iend = chunks.find((c) => c.type === 'IEND')
  if (!iend) throw new Error('PNG without IEND')
  return Buffer.concat([png.subarray(0, iend.offset), ...entries.map((e) => itxt(e.keyword, e.text, e.compress ?? false)), png.subarray(iend.offset)])
}

/** The scenario svgToPng() embedded, or null (also when its chunk is damaged). */
export function extractPngSource(png: Uint8Array): EmbeddedSource | null {
  const found = pngScenarioChunks(png)
  if (!found) return null
  const decode = (c: PngTextChunk): string => Buffer.from(c.compressed ? inflateSync(c.body) : c.body).toString(c.encoding)
  try {
    return { text: decode(found.scenario), fileName: found.fileName ? decode(found.fileName) : 'scenario.yaml' }
  } catch {
    return null
  }
}

/** Width and height from IHDR. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const ihdr = pngChunks(png)[0]
  if (!ihdr || ihdr.type !== 'IHDR') throw new Error('PNG without IHDR')
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, ihdr.data.byteLength)
  return { width: view.getUint32(0), height: view.getUint32(4) }
}

/**
 * Rasterise an SVG (scale 2 by default, for sharp text). The scenario is embedded from
 * `opts.source`, or else from the SVG's own <metadata>.
 */
export function svgToPng(svg: string, opts: { scale?: number; source?: EmbeddedSource } = {}): Buffer {
  const scale = opts.scale ?? 2
  if (!(scale > 0 && scale <= 16)) throw new RangeError(`scale must be in (0, 16], not ${scale}`)
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans Mono' },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off'
  })
  const png = Buffer.from(r.render().asPng())
  const source = opts.source ?? extractEmbeddedSource(svg)
  if (!source) return png
  return addPngText(png, [
    { keyword: PNG_FILE_NAME_KEYWORD, text: source.fileName },
    { keyword: PNG_SCENARIO_KEYWORD, text: source.text, compress: true }
  ])
}

// ---------------------------------------------------------------------------------------
// PDF

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/usr/local/share/fonts', '/Library/Fonts', 'C:\\Windows\\Fonts']
const FONT_FILES: Record<string, string> = {
  DejaVuSans: 'DejaVuSans.ttf',
  'DejaVuSans-Bold': 'DejaVuSans-Bold.ttf',
  'DejaVuSans-Oblique': 'DejaVuSans-Oblique.ttf',
  'DejaVuSans-BoldOblique': 'DejaVuSans-BoldOblique.ttf',
  DejaVuSansMono: 'DejaVuSansMono.ttf',
  'DejaVuSansMono-Bold': 'DejaVuSansMono-Bold.ttf'
}

function findFont(file: string): string | null {
  for (const d of FONT_DIRS) {
    const p = join(d, file)
    if (existsSync(p)) return p
  }
  return null
}

/** svg-to-pdfkit's font hook: DejaVu when installed, else the PDF standard fonts (Latin-1 only). */
function fontResolver(doc: PDFKit.PDFDocument): (family: string, bold: boolean, italic: boolean) => string {
  const registered = new Set<string>()
  const use = (name: string, fallback: string): string => {
    if (registered.has(name)) return name
    const file = findFont(FONT_FILES[name])
    if (!file) return fallback
    doc.registerFont(name, file)
    registered.add(name)
    return name
  }
  return (family, bold, italic) => {
    const mono = /mono|courier|consol|menlo/i.test(family)
    if (mono) return use(bold ? 'DejaVuSansMono-Bold' : 'DejaVuSansMono', bold ? 'Courier-Bold' : 'Courier')
    const name = bold && italic ? 'DejaVuSans-BoldOblique' : bold ? 'DejaVuSans-Bold' : italic ? 'DejaVuSans-Oblique' : 'DejaVuSans'
    return use(name, bold ? 'Helvetica-Bold' : 'Helvetica')
  }
}

function svgSize(svg: string): { width: number; height: number } {
  const vb = /<svg\b[^>]*\bviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/.exec(svg)
  if (vb) return { width: Number(vb[1]), height: Number(vb[2]) }
  const w = /<svg\b[^>]*\bwidth="([\d.]+)"/.exec(svg)
  const h = /<svg\b[^>]*\bheight="([\d.]+)"/.exec(svg)
  return { width: Number(w?.[1] ?? 1200), height: Number(h?.[1] ?? 800) }
}

/**
 * A PDF with one page per SVG, each page sized to its SVG, an outline entry per page, and
 * the scenario attached as an embedded file (from `opts.source` or the first page's
 * <metadata>) so the report can be reopened.
 */
export function svgsToPdf(pages: { title: string; svg: string }[], opts: { title?: string; subject?: string; source?: EmbeddedSource } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    try {
      // pdfkit reads every info value (undefined ones included): pass only those that exist
      const info: PDFKit.DocumentInfo = {
        Title: opts.title ?? pages.map((p) => p.title).join(', '),
        Creator: 'memmap-workbench',
        Producer: 'memmap-workbench (pdfkit, svg-to-pdfkit)',
        ...(opts.subject ? { Subject: opts.subject } : {})
      }
      const doc = new PDFDocument({ autoFirstPage: false, margin: 0, info })
      const chunks: Buffer[] = []
      doc.on('data', (c: Buffer) => chunks.push(c))
      doc.on('end', () => resolve(Buffer.concat(chunks)))
      doc.on('error', reject)
      const fontCallback = fontResolver(doc)
      for (const p of pages) {
        const { width, height } = svgSize(p.svg)
        const w = width * 0.75
        const h = height * 0.75
        doc.addPage({ size: [w, h], margin: 0 })
        SVGtoPDF(doc, p.svg, 0, 0, { width: w, height: h, fontCallback, warningCallback: () => {} })
        doc.outline.addItem(p.title)
      }
      const source = opts.source ?? (pages.length ? extractEmbeddedSource(pages[0].svg) : null)
      if (source) doc.file(Buffer.from(source.text, 'utf8'), { name: source.fileName, type: 'text/plain', description: 'memmap-workbench scenario' })
      doc.end()
    } catch (e) {
      reject(e)
    }
  })
}
