import { describe, expect, it } from 'vitest'
import { textWidth, tokenBreaks, wrap } from './svg.ts'
import { midWordBreaks } from './text-boxes.ts'

describe('wrap', () => {
  it('wraps at spaces within the width', () => {
    const lines = wrap('the quick brown fox jumps over the lazy dog', 80, 11)
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(textWidth(l, 11)).toBeLessThanOrEqual(80)
    expect(midWordBreaks('the quick brown fox jumps over the lazy dog', lines)).toEqual([])
  })

  it('breaks a kernel function name after an underscore, never mid-identifier', () => {
    const s = 'walkers safe at a cost: __pageblock_pfn_to_page() and move_freepages_block() test every pfn'
    // from the width of its longest part (`freepages_`) up
    for (let w = 70; w <= 260; w += 4) {
      const lines = wrap(s, w, 11)
      expect(midWordBreaks(s, lines), `at ${w} px: ${JSON.stringify(lines)}`).toEqual([])
      for (const l of lines) expect(textWidth(l, 11), `at ${w} px: ${l}`).toBeLessThanOrEqual(w)
    }
    // the name goes on at the underscore where the line ends
    expect(wrap('__pageblock_pfn_to_page()', 90, 11)).toEqual(['__pageblock_', 'pfn_to_page()'])
  })

  it('breaks a range before its second hex number, a path after a slash, a list after a comma', () => {
    expect(wrap('[mem 0x000000005c440000-0x000000005c72ffff]', 150, 11, { mono: true })).toEqual(['[mem', '0x000000005c440000-', '0x000000005c72ffff]'])
    expect(wrap('arch/arm64/mm/init.c', 70, 11)).toEqual(['arch/arm64/', 'mm/init.c'])
    expect(wrap('pfn_valid(),PageReserved', 80, 11)).toEqual(['pfn_valid(),', 'PageReserved'])
    // a token's first part joins the line before it when it fits there
    expect(wrap('see arch/arm64/mm/init.c', 100, 11)).toEqual(['see arch/arm64/', 'mm/init.c'])
  })

  it('cuts a run with no boundary where the line ends (it must still fit)', () => {
    const lines = wrap('0123456789abcdef0123456789abcdef', 60, 11, { mono: true })
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(textWidth(l, 11, { mono: true })).toBeLessThanOrEqual(60)
    expect(lines.join('')).toBe('0123456789abcdef0123456789abcdef')
  })

  it('token boundaries', () => {
    expect(tokenBreaks('move_freepages_block()')).toEqual([5, 15])
    expect(tokenBreaks('0x1000-0x2000')).toEqual([7])
    expect(tokenBreaks('a[0x10]')).toEqual([1])
  })
})
