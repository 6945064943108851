import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isPng, PNG_FILE_NAME_KEYWORD, PNG_SCENARIO_KEYWORD, PNG_SIGNATURE, pngChunks, pngScenarioChunks, pngTextChunks } from './png.ts'

/** A chunk with a zero CRC: the reader does not check CRCs (resvg's writer and ours are trusted). */
function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)])
}

const bytes = (...parts: (string | number[] | Uint8Array)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))

function png(...chunks: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(PNG_SIGNATURE), chunk('IHDR', new Uint8Array(13)), ...chunks, chunk('IEND', new Uint8Array(0))])
}

const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8')

describe('png: reading chunks', () => {
  it('walks the chunks to IEND and ignores what follows', () => {
    const p = Buffer.concat([png(chunk('tEXt', bytes('a', [0], 'b'))), Buffer.from('trailing')])
    expect(isPng(p)).toBe(true)
    expect(pngChunks(p).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IEND'])
    expect(pngChunks(p)[1].offset).toBe(8 + 12 + 13)
  })
  it('refuses a file that is not a PNG, and one cut inside a chunk', () => {
    expect(isPng(Buffer.from('GIF89a..'))).toBe(false)
    expect(() => pngChunks(Buffer.from('<svg/>'))).toThrow('not a PNG file')
    const p = png(chunk('iTXt', bytes('k', [0, 0, 0, 0, 0], 'value')))
    expect(() => pngChunks(p.subarray(0, p.length - 20))).toThrow('truncated PNG chunk iTXt')
  })
  it('reads tEXt, zTXt and iTXt (plain and compressed) without decoding them', () => {
    const z = deflateSync(Buffer.from('zipped'))
    const p = png(
      chunk('tEXt', bytes('Title', [0], [0xe9])),
      chunk('zTXt', bytes('Comment', [0, 0], z)),
      chunk('iTXt', bytes('Plain', [0, 0, 0], 'en', [0], 'Klar', [0], 'ünï')),
      chunk('iTXt', bytes('Packed', [0, 1, 0, 0, 0], z)),
      chunk('iTXt', bytes('Broken', [0, 0, 0], 'no separators')),
      chunk('tEXt', bytes('no keyword separator'))
    )
    const t = pngTextChunks(p)
    expect(t.map((c) => [c.keyword, c.compressed, c.encoding])).toEqual([
      ['Title', false, 'latin1'],
      ['Comment', true, 'latin1'],
      ['Plain', false, 'utf8'],
      ['Packed', true, 'utf8']
    ])
    expect([...t[0].body]).toEqual([0xe9])
    expect(Buffer.from(t[1].body).equals(z)).toBe(true)
    expect(utf8(t[2].body)).toBe('ünï')
    expect(Buffer.from(t[3].body).equals(z)).toBe(true)
  })
  it('finds the scenario and file-name chunks of an export; none in other PNGs or non-PNGs', () => {
    const p = png(chunk('iTXt', bytes(PNG_FILE_NAME_KEYWORD, [0, 0, 0, 0, 0], 'a.yaml')), chunk('iTXt', bytes(PNG_SCENARIO_KEYWORD, [0, 0, 0, 0, 0], 'kernel: "6.1"')))
    const found = pngScenarioChunks(p)!
    expect(utf8(found.scenario.body)).toBe('kernel: "6.1"')
    expect(utf8(found.fileName!.body)).toBe('a.yaml')
    expect(pngScenarioChunks(png(chunk('iTXt', bytes(PNG_SCENARIO_KEYWORD, [0, 0, 0, 0, 0], 'x'))))!.fileName).toBeNull()
    expect(pngScenarioChunks(png())).toBeNull()
    expect(pngScenarioChunks(Buffer.from('not a png'))).toBeNull()
  })
})
