// The splitter between the editor and the views pane: the views pane's width in CSS
// pixels, clamped so neither side collapses, kept across reloads in the page's storage.
// Plain TypeScript (the component is Splitter.svelte) so the rules are unit-tested.

import { MIN_VIEWS_PANE_PX } from './views.ts'

/**
 * the views pane never narrower than this: every drawing re-flows for it at the legible
 * zoom (views.ts MIN_VIEWS_PANE_PX), so none scrolls sideways; the tab row and the
 * totals cards fit too
 */
export const MIN_VIEWS_PX = MIN_VIEWS_PANE_PX
/** the editor never narrower than this */
export const MIN_EDITOR_PX = 320
/** one arrow-key step; with Shift, four */
export const KEY_STEP_PX = 16

export const STORAGE_KEY = 'memmap-workbench.viewsWidth'

/** Storage as the page has it (localStorage); a parameter so the spec needs no DOM. */
export interface WidthStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * The views pane's width for a window whose main area is `total` px wide, the
 * separator taking `gutter` px: at least MIN_VIEWS_PX, leaving the editor MIN_EDITOR_PX.
 * A window too narrow for both gives the views what is left (never less than 0).
 */
export function clampViewsWidth(width: number, total: number, gutter = 0): number {
  const max = Math.max(0, total - gutter - MIN_EDITOR_PX)
  const min = Math.min(MIN_VIEWS_PX, max)
  if (!Number.isFinite(width)) return min
  return Math.round(Math.min(max, Math.max(min, width)))
}

/**
 * The width kept by an earlier session, or null (none, or not a sane number); one under
 * MIN_VIEWS_PX (kept before the minimum grew) comes back as MIN_VIEWS_PX.
 */
export function loadViewsWidth(storage: WidthStorage | null | undefined): number | null {
  let raw: string | null
  try {
    raw = storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null
  }
  if (raw === null || !/^\d{1,5}$/.test(raw)) return null
  const n = Number(raw)
  return n > 0 ? Math.max(MIN_VIEWS_PX, n) : null
}

/** Keep the width (null: forget it, the default layout returns). */
export function saveViewsWidth(storage: WidthStorage | null | undefined, width: number | null): void {
  try {
    if (width === null) storage?.removeItem(STORAGE_KEY)
    else storage?.setItem(STORAGE_KEY, String(Math.round(width)))
  } catch {
    // storage full or refused (private mode): the width lasts this session only
  }
}

/**
 * The new width for a key on the separator (the views pane is on the right, so the
 * separator moving left widens it), or undefined for a key the separator ignores.
 * Home puts the separator at its leftmost (widest views), End at its rightmost.
 */
export function keyedViewsWidth(key: string, shift: boolean, width: number, total: number, gutter = 0): number | undefined {
  const step = shift ? 4 * KEY_STEP_PX : KEY_STEP_PX
  switch (key) {
    case 'ArrowLeft':
      return clampViewsWidth(width + step, total, gutter)
    case 'ArrowRight':
      return clampViewsWidth(width - step, total, gutter)
    case 'Home':
      return clampViewsWidth(total, total, gutter)
    case 'End':
      return clampViewsWidth(0, total, gutter)
    default:
      return undefined
  }
}
