import { describe, expect, it } from 'vitest'
import { clampViewsWidth, keyedViewsWidth, loadViewsWidth, MIN_VIEWS_PX, saveViewsWidth, STORAGE_KEY, type WidthStorage } from './splitter.ts'

function memory(init: Record<string, string> = {}): WidthStorage & { data: Record<string, string> } {
  const data = { ...init }
  return {
    data,
    getItem: (k) => (k in data ? data[k] : null),
    setItem: (k, v) => void (data[k] = v),
    removeItem: (k) => void delete data[k]
  }
}

describe('clampViewsWidth', () => {
  it('keeps a width that leaves both sides room', () => {
    expect(clampViewsWidth(600, 1280, 5)).toBe(600)
  })
  it('never narrower than the drawings re-flow to, never leaving the editor under 320 px', () => {
    expect(clampViewsWidth(100, 1280, 5)).toBe(MIN_VIEWS_PX)
    expect(clampViewsWidth(2000, 1280, 5)).toBe(1280 - 5 - 320)
  })
  it('a window too narrow for both gives the views what is left', () => {
    expect(clampViewsWidth(700, 600, 0)).toBe(280)
    expect(clampViewsWidth(500, 200, 0)).toBe(0)
  })
})

describe('keyedViewsWidth', () => {
  it('ArrowLeft widens the views (the separator moves left), ArrowRight narrows them', () => {
    expect(keyedViewsWidth('ArrowLeft', false, 600, 1280)).toBe(616)
    expect(keyedViewsWidth('ArrowRight', false, 600, 1280)).toBe(584)
    expect(keyedViewsWidth('ArrowRight', true, 700, 1280)).toBe(636)
    // not past the minimum
    expect(keyedViewsWidth('ArrowRight', true, MIN_VIEWS_PX + 10, 1280)).toBe(MIN_VIEWS_PX)
  })
  it("Home and End go to the limits; other keys are not the separator's", () => {
    expect(keyedViewsWidth('Home', false, 600, 1280)).toBe(960)
    expect(keyedViewsWidth('End', false, 600, 1280)).toBe(MIN_VIEWS_PX)
    expect(keyedViewsWidth('a', false, 600, 1280)).toBeUndefined()
  })
})

describe('loadViewsWidth / saveViewsWidth', () => {
  it('round-trips a width and forgets it on null', () => {
    const s = memory()
    saveViewsWidth(s, 612.4)
    expect(s.data[STORAGE_KEY]).toBe('612')
    expect(loadViewsWidth(s)).toBe(612)
    saveViewsWidth(s, null)
    expect(loadViewsWidth(s)).toBeNull()
  })
  it('ignores junk; a width kept under the minimum comes back at the minimum', () => {
    expect(loadViewsWidth(memory({ [STORAGE_KEY]: 'wide' }))).toBeNull()
    expect(loadViewsWidth(memory({ [STORAGE_KEY]: '-5' }))).toBeNull()
    expect(loadViewsWidth(memory({ [STORAGE_KEY]: '0' }))).toBeNull()
    // 360 was the minimum before the drawings' re-flow set it
    expect(loadViewsWidth(memory({ [STORAGE_KEY]: '360' }))).toBe(MIN_VIEWS_PX)
    expect(loadViewsWidth(memory({ [STORAGE_KEY]: '12' }))).toBe(MIN_VIEWS_PX)
    expect(loadViewsWidth(null)).toBeNull()
  })
  it('storage that throws is not fatal', () => {
    const bad: WidthStorage = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('full')
      },
      removeItem: () => {}
    }
    expect(loadViewsWidth(bad)).toBeNull()
    expect(() => saveViewsWidth(bad, 500)).not.toThrow()
  })
})
