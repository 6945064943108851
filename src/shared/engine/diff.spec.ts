import { describe, expect, it } from 'vitest'
import { diffLines, lineMatcher } from './diff.ts'
import { mulberry32 } from '../../../tests/prng.ts'

/** What lineMatcher() stands for: the prediction as a regular expression, `?` a number or `?`. */
const asRegExp = (predicted: string): RegExp =>
  new RegExp(
    '^' +
      predicted
        .split('?')
        .map((p) => p.replace(/[.*+^${}()|[\]\\/]/g, '\\$&'))
        .join('(?:\\d+|\\?)') +
      '$'
  )

describe('lineMatcher', () => {
  it('takes a number or a `?` for each `?` of the prediction, nothing else', () => {
    const m = lineMatcher('Memory: ?K/2096632K available')
    expect(m('Memory: 1955412K/2096632K available')).toBe(true)
    expect(m('Memory: ?K/2096632K available')).toBe(true)
    expect(m('Memory: K/2096632K available')).toBe(false)
    expect(m('Memory: 12a4K/2096632K available')).toBe(false)
    expect(m('Memory: 1955412K/2096632K available (x)')).toBe(false)
    expect(lineMatcher('  node   0: [mem 0x1000-0x9efff]')('  node   0: [mem 0x1000-0x9efff]')).toBe(true)
  })

  it('tries every length of a run of digits when what follows starts with a digit', () => {
    // `?0K`: the hole takes "12", not "120"; each hole takes at least one digit
    expect(lineMatcher('x ?0K')('x 120K')).toBe(true)
    expect(lineMatcher('?1?')('111')).toBe(true)
    expect(lineMatcher('?1?')('212')).toBe(true)
    expect(lineMatcher('?1?')('11')).toBe(false)
    expect(lineMatcher('?1?')('1')).toBe(false)
  })

  it('agrees with the regular expression on random lines over digits, `?` and the literals', () => {
    const rnd = mulberry32(11)
    const pick = (s: string): string => s[Math.floor(rnd() * s.length)]
    let agreed = 0
    for (let k = 0; k < 20000; k++) {
      let predicted = ''
      for (let i = Math.floor(rnd() * 7); i > 0; i--) predicted += pick('?1K. ')
      let line = ''
      for (let i = Math.floor(rnd() * 9); i > 0; i--) line += pick('?0123K. ')
      expect(lineMatcher(predicted)(line), `${JSON.stringify(predicted)} ${JSON.stringify(line)}`).toBe(asRegExp(predicted).test(line))
      agreed++
    }
    expect(agreed).toBe(20000)
  })
})

describe('diffLines', () => {
  it('an equal log is one pass of common lines', () => {
    expect(diffLines(['a', 'Memory: 5K/8K available'], ['a', 'Memory: ?K/8K available'])).toEqual({
      equal: true,
      lines: [
        { op: ' ', text: 'a' },
        { op: ' ', text: 'Memory: 5K/8K available' }
      ]
    })
  })
  it('the kernel’s lines are `-`, ours `+`', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c']).lines).toEqual([
      { op: ' ', text: 'a' },
      { op: '+', text: 'x' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' }
    ])
  })
})
