import { describe, expect, it } from 'vitest'
import { decodeText, utf16WithoutBom, UTF16_WITHOUT_BOM } from './text-encoding.ts'

const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b)
const TEXT = 'kernel: "6.1"\nname: "Zürich 日本 😀"\r\n'

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2)
  const units = (bom ? '\uFEFF' : '') + text
  for (let i = 0; i < units.length; i++) {
    const u = units.charCodeAt(i)
    out[2 * i] = littleEndian ? u & 0xff : u >> 8
    out[2 * i + 1] = littleEndian ? u >> 8 : u & 0xff
  }
  return out
}

describe('decodeText', () => {
  it('UTF-16 with a BOM, little- and big-endian, surrogate pairs included', () => {
    expect(decodeText(utf16(TEXT, true, true), utf8)).toEqual({ ok: true, text: TEXT, encoding: 'utf-16le', bom: true })
    expect(decodeText(utf16(TEXT, false, true), utf8)).toEqual({ ok: true, text: TEXT, encoding: 'utf-16be', bom: true })
    // longer than one decoding chunk
    const long = TEXT.repeat(2000)
    expect(decodeText(utf16(long, true, true), utf8)).toMatchObject({ ok: true, text: long })
  })

  it('UTF-8 with and without a BOM', () => {
    const bytes = new TextEncoder().encode(TEXT)
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]), utf8)).toEqual({ ok: true, text: TEXT, encoding: 'utf-8', bom: true })
    expect(decodeText(bytes, utf8)).toEqual({ ok: true, text: TEXT, encoding: 'utf-8', bom: false })
    expect(decodeText(new Uint8Array(), utf8)).toMatchObject({ ok: true, text: '' })
  })

  it('names UTF-16 without a BOM and UTF-32 instead of misreading them', () => {
    for (const le of [true, false]) {
      const r = decodeText(utf16(TEXT, le, false), utf8)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error).toMatch(new RegExp(`^${UTF16_WITHOUT_BOM} \\(${le ? 'little' : 'big'}-endian\\)`))
    }
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0, 0, 0x6b, 0, 0, 0]), utf8)).toMatchObject({ ok: false, error: expect.stringMatching(/UTF-32/) })
    expect(decodeText(new Uint8Array([0, 0, 0xfe, 0xff, 0, 0, 0, 0x6b]), utf8)).toMatchObject({ ok: false, error: expect.stringMatching(/UTF-32/) })
  })

  it('a half code unit at the end is a replacement character; binary data is not UTF-16', () => {
    const odd = new Uint8Array([...utf16('ab', true, true), 0x63])
    expect(decodeText(odd, utf8)).toMatchObject({ ok: true, text: 'ab\uFFFD' })
    const elf = new Uint8Array(4096)
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0])
    for (let i = 64; i < elf.length; i += 7) elf[i] = (i * 31) & 0xff
    expect(utf16WithoutBom(elf)).toBeNull()
  })
})
