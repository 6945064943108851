import { describe, expect, it } from 'vitest'
import { textWidth, tokenBreaks, truncate, wrap } from './svg.ts'
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

/** wrap() and truncate() as they were written first: each cut measured by textWidth() from scratch (quadratic in a token's length) */
function wrapByHand(s: string, maxWidth: number, size: number, o: { mono?: boolean; bold?: boolean; maxLines?: number } = {}): string[] {
  const w = (x: string): number => textWidth(x, size, o)
  const words = s.split(/\s+/).filter(Boolean)
  const out: string[] = []
  let line = ''
  for (let i = 0; i < words.length; i++) {
    const joined = line === '' ? words[i] : `${line} ${words[i]}`
    if (w(joined) <= maxWidth) {
      line = joined
      continue
    }
    let rest = words[i]
    if (line !== '' && w(rest) > maxWidth) {
      const k = tokenBreaks(rest)
        .filter((b) => w(`${line} ${rest.slice(0, b)}`) <= maxWidth)
        .pop()
      if (k !== undefined) [line, rest] = [`${line} ${rest.slice(0, k)}`, rest.slice(k)]
    }
    if (line !== '') out.push(line)
    while (rest.length > 1 && w(rest) > maxWidth) {
      let k = tokenBreaks(rest)
        .filter((b) => w(rest.slice(0, b)) <= maxWidth)
        .pop()
      if (k === undefined) for (k = rest.length - 1; k > 1 && w(rest.slice(0, k)) > maxWidth;) k--
      out.push(rest.slice(0, k))
      rest = rest.slice(k)
    }
    line = rest
  }
  if (line !== '') out.push(line)
  // more lines than maxLines: the last one kept ends in an ellipsis
  if (!o.maxLines || out.length <= o.maxLines) return out.length ? out : ['']
  return [...out.slice(0, o.maxLines - 1), truncateByHand(`${out[o.maxLines - 1]} …`, maxWidth, size, o)]
}
function truncateByHand(s: string, maxWidth: number, size: number, o: { mono?: boolean; bold?: boolean } = {}): string {
  if (textWidth(s, size, o) <= maxWidth) return s
  let k = s.length
  while (k > 0 && textWidth(s.slice(0, k) + '…', size, o) > maxWidth) k--
  return k > 0 ? s.slice(0, k).trimEnd() + '…' : ''
}

describe('wrap and truncate measure each line once', () => {
  it('give what measuring every cut from scratch gives', () => {
    // characters of every width class, token boundaries, digits, a surrogate pair (cut or whole)
    const alphabet = ['a', 'W', 'i', '0', '7', '_', '/', ',', '(', ')', '-', '–', '=', ':', '|', ';', '[', 'x', '0x', ' ', ' ', '…', '≥', '✓', '😀', '\ud83d', '\ude00', '\t']
    let seed = 11
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n
    let n = 0
    for (let t = 0; t < 4000; t++) {
      let s = ''
      const len = 1 + rnd(60)
      for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)]
      const o = { mono: rnd(3) === 0, bold: rnd(2) === 0, maxLines: rnd(3) === 0 ? 1 + rnd(3) : undefined }
      const width = 5 + rnd(200)
      const size = [9.5, 10, 11, 12.5][rnd(4)]
      expect(wrap(s, width, size, o), JSON.stringify([s, width, size, o])).toEqual(wrapByHand(s, width, size, o))
      expect(truncate(s, width, size, o), JSON.stringify([s, width, size, o])).toBe(truncateByHand(s, width, size, o))
      n++
    }
    expect(n).toBe(4000)
  })

  it('a pasted name of 1 MB without spaces wraps and truncates in time linear in its length', () => {
    // a hang guard (generous), not a speed target: those live in `npm run bench`
    const t0 = performance.now()
    for (const token of ['a'.repeat(2 ** 20), 'pfn_'.repeat(2 ** 18), '0x1f,'.repeat(200_000)]) {
      const lines = wrap(token, 300, 11)
      expect(lines.join('')).toBe(token)
      for (const l of lines.slice(0, 50)) expect(textWidth(l, 11)).toBeLessThanOrEqual(300)
      expect(truncate(token, 300, 11).endsWith('…')).toBe(true)
    }
    expect(performance.now() - t0).toBeLessThan(10_000)
  })
})
