import { describe, expect, it } from 'vitest'
import { rowWindow } from './virtual.ts'

describe('rowWindow: the rows a virtualised table renders', () => {
  it('a short table renders every row and no spacers', () => {
    expect(rowWindow(5, 24, 0, 600)).toEqual({ from: 0, to: 5, padTop: 0, padBottom: 0 })
  })
  it('500 000 rows render about a viewport of rows plus the overscan, wherever the scroll is', () => {
    const n = 500_000
    for (const scrollTop of [0, 24 * 1000 + 7, 24 * (n - 10)]) {
      const w = rowWindow(n, 24, scrollTop, 480, 10)
      expect(w.to - w.from).toBeLessThanOrEqual(20 + 1 + 2 * 10)
      // the spacers and the rendered rows add up to the whole table
      expect(w.padTop + (w.to - w.from) * 24 + w.padBottom).toBe(n * 24)
      // the row at the top of the viewport is rendered
      const top = Math.min(n - 1, Math.floor(scrollTop / 24))
      expect(w.from).toBeLessThanOrEqual(top)
      expect(w.to).toBeGreaterThan(top)
    }
  })
  it('a sticky header above the rows is not counted as rows; a scroll past the end clamps', () => {
    expect(rowWindow(100, 20, 30, 100, 0, 30)).toMatchObject({ from: 0, to: 6 })
    expect(rowWindow(100, 20, 10_000, 100, 2)).toMatchObject({ from: 97, to: 100, padBottom: 0 })
    expect(rowWindow(0, 20, 0, 100)).toEqual({ from: 0, to: 0, padTop: 0, padBottom: 0 })
  })
})
