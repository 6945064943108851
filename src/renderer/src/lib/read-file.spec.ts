// Files handed to the page: the size is checked before reading, UTF-16 with a BOM reads as
// text (File.text() would give "\uFFFD\uFFFDn\0a\0m\0e\0…"), UTF-16 without one is named.
import { describe, expect, it } from 'vitest'
import { readTextFile } from './read-file.ts'

const SCENARIO = 'name: utf16 laptop\nkernel: "6.1"\n'

function utf16(text: string, order: 'le' | 'be', bom = true): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer((bom ? 2 : 0) + text.length * 2))
  let i = 0
  if (bom) {
    out.set(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff], 0)
    i = 2
  }
  for (const ch of text) {
    const u = ch.charCodeAt(0)
    out[i++] = order === 'le' ? u & 0xff : u >> 8
    out[i++] = order === 'le' ? u >> 8 : u & 0xff
  }
  return out
}

describe('readTextFile()', () => {
  it('UTF-16 LE and BE with a byte-order mark read as their text, the mark dropped', async () => {
    for (const order of ['le', 'be'] as const) {
      const r = await readTextFile(new Blob([utf16(SCENARIO, order)]), 1024)
      expect(r, order).toEqual({ ok: true, text: SCENARIO })
    }
  })
  it('UTF-8 with and without a BOM, a non-ASCII character kept', async () => {
    const text = 'name: Löwe\n'
    expect(await readTextFile(new Blob([text]), 1024)).toEqual({ ok: true, text })
    expect(await readTextFile(new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), text]), 1024)).toEqual({ ok: true, text })
  })
  it('UTF-16 without a mark is named, not read as text', async () => {
    const r = await readTextFile(new Blob([utf16(SCENARIO, 'le', false)]), 1024)
    expect(r).toMatchObject({ ok: false, tooLarge: false })
    expect(r.ok ? '' : 'error' in r ? r.error : '').toMatch(/UTF-16 without a byte-order mark \(little-endian\)/)
  })
  it('a file over the limit is refused from its size, without being read', async () => {
    let read = false
    const big = new Blob(['x'.repeat(2048)])
    const spy = {
      size: big.size,
      arrayBuffer: () => {
        read = true
        return big.arrayBuffer()
      }
    } as unknown as Blob
    expect(await readTextFile(spy, 1024)).toEqual({ ok: false, tooLarge: true, size: 2048 })
    expect(read).toBe(false)
    // at the limit it is read
    expect(await readTextFile(new Blob(['y'.repeat(1024)]), 1024)).toMatchObject({ ok: true })
  })
})
