import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../../../shared/engine/report.ts'
import { sameProblems, tidyProblems } from './problems.ts'

const d = (line: number, message: string, severity: Diagnostic['severity'] = 'error', column = 1): Diagnostic => ({ line, column, message, severity }) as Diagnostic

describe('tidyProblems', () => {
  it('keeps each diagnostic once, in line then column order', () => {
    const p = tidyProblems([d(3, 'b'), d(1, 'a'), d(3, 'b'), d(1, 'a', 'warning'), d(1, 'c', 'error', 0)])
    expect(p.shown.map((x) => `${x.line}:${x.column} ${x.severity} ${x.message}`)).toEqual(['1:0 error c', '1:1 error a', '1:1 warning a', '3:1 error b'])
    expect(p).toMatchObject({ total: 4, errors: 3, warnings: 1 })
  })
  it('caps what is shown and counts the rest', () => {
    const list = Array.from({ length: 2500 }, (_, i) => d(i + 1, `bad ${i}`))
    const p = tidyProblems(list, 1000)
    expect(p.shown).toHaveLength(1000)
    expect(p.shown[999].line).toBe(1000)
    expect(p.total).toBe(2500)
    expect(p.errors).toBe(2500)
  })
  it('175 000 diagnostics with many repeats are tidied in linear time', () => {
    const list = Array.from({ length: 175_000 }, (_, i) => d(Math.floor(i / 2) + 1, 'unexpected character'))
    const t = performance.now()
    const p = tidyProblems(list)
    // the quadratic version needed minutes here; generous for a loaded machine
    expect(performance.now() - t).toBeLessThan(2000)
    expect(p.total).toBe(87_500)
    expect(p.shown).toHaveLength(1000)
  })
})

describe('sameProblems', () => {
  it('compares severity, place and message', () => {
    expect(sameProblems([d(1, 'a')], [d(1, 'a')])).toBe(true)
    expect(sameProblems([d(1, 'a')], [d(1, 'a', 'warning')])).toBe(false)
    expect(sameProblems([d(1, 'a')], [d(2, 'a')])).toBe(false)
    expect(sameProblems([], [d(2, 'a')])).toBe(false)
  })
})
