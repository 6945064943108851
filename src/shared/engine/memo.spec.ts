import { describe, expect, it } from 'vitest'
import { deepFreeze, keptPer } from './memo.ts'

describe('keptPer()', () => {
  it('answers once per value of the arguments, not per object', () => {
    let calls = 0
    const f = keptPer((o: { version: { text: string }; size: number }) => ({ n: ++calls, twice: o.size * 2 }))
    const a = f({ version: { text: '6.1' }, size: 64 })
    const b = f({ version: { text: '6.1' }, size: 64 })
    expect(b).toBe(a)
    expect(f({ version: { text: '6.12' }, size: 64 }).n).toBe(2)
    expect(f({ version: { text: '6.1' }, size: 56 })).toEqual({ n: 3, twice: 112 })
    expect(calls).toBe(3)
  })

  it('tells BigInts apart from numbers and strings', () => {
    const f = keptPer((x: unknown) => ({ kind: typeof x }))
    expect(f(16n).kind).toBe('bigint')
    expect(f('16n').kind).toBe('string')
    expect(f(16).kind).toBe('number')
  })

  it('shares a frozen answer: a caller that changes it throws', () => {
    const f = keptPer(() => ({ figures: [{ id: 'a', value: 1 }] }))
    const r = f()
    expect(() => r.figures.push({ id: 'b', value: 2 })).toThrow(TypeError)
    expect(() => {
      r.figures[0].value = 2
    }).toThrow(TypeError)
    expect(f().figures).toEqual([{ id: 'a', value: 1 }])
  })

  it('refuses arguments whose value a key would not show (a Map, a Set, a function, a class instance)', () => {
    const f = keptPer((_m: unknown) => 1)
    expect(() => f(new Map([[1, 2]]))).toThrow(/plain data/)
    expect(() => f(new Set([1]))).toThrow(/plain data/)
    expect(() => f({ g: () => 1 })).toThrow(/plain data/)
    expect(() => f(new (class Range {})())).toThrow(/plain data/)
    expect(f(Object.create(null))).toBe(1)
  })

  it('tells apart what JSON would not: undefined, NaN, nested keys', () => {
    let calls = 0
    const f = keptPer((_o: unknown) => ++calls)
    f({ a: undefined })
    f({})
    f({ a: NaN })
    f({ a: null })
    f({ a: { b: 1 } })
    f({ a: { b: '1' } })
    f([1, [2]])
    f([[1], 2])
    expect(calls).toBe(8)
  })

  it('keeps at most `size` answers', () => {
    let calls = 0
    const f = keptPer((n: number) => ({ n, call: ++calls }), 2)
    f(1)
    f(2)
    f(1)
    expect(calls).toBe(2)
    f(3) // the third key: the kept answers are dropped
    f(1)
    expect(calls).toBe(4)
  })
})

describe('deepFreeze()', () => {
  it('freezes nested objects and arrays, and leaves primitives', () => {
    const v = deepFreeze({ a: [{ b: 1n }], s: 'x' })
    expect(Object.isFrozen(v.a[0])).toBe(true)
    expect(deepFreeze(3)).toBe(3)
  })
})

describe('keptPer() of a kept answer', () => {
  it('keys an answer of a kept function by its identity, and its equal copy by value', () => {
    const geometry = keptPer((bits: number) => ({ bits, figures: [{ id: 'x', value: bits }] }))
    let calls = 0
    const cost = keptPer((g: { bits: number; figures?: unknown }) => ({ n: ++calls, bytes: 2 ** g.bits }))
    const g = geometry(27)
    expect(cost(g)).toBe(cost(geometry(27)))
    expect(calls).toBe(1)
    // an equal object that is no kept answer is keyed by its fields: another key
    expect(cost({ bits: 27, figures: [{ id: 'x', value: 27 }] }).bytes).toBe(2 ** 27)
    expect(cost(geometry(30)).bytes).toBe(2 ** 30)
    expect(calls).toBe(3)
  })
})

describe('deepFreeze() of a value frozen only at its top', () => {
  it('freezes what it holds too (a kept answer is keyed by identity: nothing in it may change)', () => {
    const inner = { pages: [1, 2] }
    const v = deepFreeze(Object.freeze({ inner }))
    expect(Object.isFrozen(inner)).toBe(true)
    expect(Object.isFrozen(v.inner.pages)).toBe(true)
  })
})
