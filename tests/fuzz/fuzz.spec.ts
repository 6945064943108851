// The fuzz harness (tests/fuzz/fuzz.ts) can fail, and the bounded run of the scenario
// parsers (tests/fuzz/suite.ts explains the run).
import { describe, expect, it } from 'vitest'
import { errorProblem, mutate, reportProblem } from './fuzz.ts'
import { fuzzSuite } from './suite.ts'
import { mulberry32 } from '../prng.ts'

describe('the fuzz harness itself', () => {
  it('finds a refusal without a position, outside the input, or with a broken message', () => {
    expect(errorProblem('f', 'a\nb', [{ severity: 'error', message: 'bad' }])).toMatch(/not file:line:col/)
    expect(errorProblem('f', 'a\nb', [{ severity: 'error', message: 'bad', line: 9, column: 1 }])).toMatch(/outside the input/)
    expect(errorProblem('f', 'a\nb', [{ severity: 'error', message: 'size undefined', line: 1, column: 1 }])).toMatch(/broken/)
    expect(errorProblem('f', 'a\nb', [{ severity: 'warning', message: 'w', line: 1, column: 1 }])).toMatch(/without an error/)
    expect(errorProblem('f', 'a\nb', [{ severity: 'error', message: 'bad', line: 2, column: 1 }])).toBeNull()
  })
  it('finds a non-finite number or a fractional page count in a report', () => {
    expect(reportProblem({ zones: [{ presentPages: 1.5 }] })).toMatch(/presentPages = 1.5/)
    expect(reportProblem({ totals: { memmapBytes: Infinity } })).toMatch(/Infinity/)
    expect(reportProblem({ zones: [{ present: -1 }] })).toMatch(/-1/)
    expect(reportProblem({ zones: [{ presentPages: 4096 }], hvo: { vmemmapPages: 0.25 } })).toBeNull()
  })
  it('makes the same mutants from the same seed, and different ones from another', () => {
    const seedText = 'kernel: "6.1"\narch: x86_64\nfirmware:\n  map:\n    - { start: 0x1000, end: 16G, type: usable }\n'
    const a = Array.from(
      { length: 20 },
      (
        (r) => () =>
          mutate(seedText, r)
      )(mulberry32(5))
    )
    const b = Array.from(
      { length: 20 },
      (
        (r) => () =>
          mutate(seedText, r)
      )(mulberry32(5))
    )
    const c = Array.from(
      { length: 20 },
      (
        (r) => () =>
          mutate(seedText, r)
      )(mulberry32(6))
    )
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(new Set(a).size).toBeGreaterThan(15)
  })
})

describe('fuzz: scenarios', () => fuzzSuite(/^scenario/))
