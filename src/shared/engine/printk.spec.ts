// The printk prefix readers' character classes, against the regular expressions they stand in for.
import { describe, expect, it } from 'vitest'
import { isBlank, isSpace } from './printk.ts'

describe('isSpace', () => {
  it('is `\\s` of a regular expression for every UTF-16 code unit', () => {
    const differ: number[] = []
    for (let c = 0; c <= 0xffff; c++) if (isSpace(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c)
    expect(differ).toEqual([])
  })
  it('is false past the code units, and for what charCodeAt() gives past a string (NaN)', () => {
    expect([0x10000, 0x20000, -1, NaN].map(isSpace)).toEqual([false, false, false, false])
  })
})

describe('isBlank', () => {
  it('holds where trim() leaves nothing, over the whole string or a span', () => {
    for (const s of ['', ' \t\r\n', '\u00a0\u2028\ufeff', ' x ', '\u200b', '\u3000y']) expect(isBlank(s), JSON.stringify(s)).toBe(s.trim() === '')
    expect(isBlank('ab  cd', 2, 4)).toBe(true)
    expect(isBlank('ab  cd', 1, 4)).toBe(false)
  })
})
