// Virtualised lists: a table of tens of thousands of rows (memblock regions of a
// hyperscale layout) renders only the rows in view plus a margin, with spacers above and
// below keeping the scrollbar true. Rows have one fixed height.

export interface RowWindow {
  /** first row rendered */
  from: number
  /** one past the last row rendered */
  to: number
  /** px of the spacer above and below the rendered rows */
  padTop: number
  padBottom: number
}

/**
 * The rows to render for a viewport `viewport` px high scrolled to `scrollTop` px over
 * `count` rows of `rowHeight` px, with `overscan` extra rows each side. `header` px at
 * the top of the scroller (a sticky table head) are not rows.
 */
export function rowWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 10, header = 0): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { from: 0, to: 0, padTop: 0, padBottom: 0 }
  const top = Math.max(0, scrollTop - header)
  const first = Math.min(count - 1, Math.floor(top / rowHeight))
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1
  const from = Math.max(0, first - overscan)
  const to = Math.min(count, first + visible + overscan)
  return { from, to, padTop: from * rowHeight, padBottom: (count - to) * rowHeight }
}
