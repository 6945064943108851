// Line diff between the kernel's own lines and the predicted ones. A `?` in a
// predicted line stands for one number the memory map cannot determine.

import type { DiffLine } from './report.ts'

function matcher(predicted: string): (s: string) => boolean {
  if (!predicted.includes('?')) return (s) => s === predicted
  const re = new RegExp(
    '^' +
      predicted
        .split('?')
        .map((p) => p.replace(/[.*+^${}()|[\]\\/]/g, '\\$&'))
        .join('(?:\\d+|\\?)') +
      '$'
  )
  return (s) => re.test(s)
}

/**
 * LCS diff; `expected` are the kernel's lines, `predicted` ours. The common beginning is
 * matched line by line first (the walk below takes a match wherever it finds one, so this
 * is the same diff): an exact log costs one pass, and the table covers only what follows.
 */
export function diffLines(expected: string[], predicted: string[]): { equal: boolean; lines: DiffLine[] } {
  const n = expected.length
  const m = predicted.length
  const match = predicted.map(matcher)
  const lines: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n && j < m && match[j](expected[i])) {
    lines.push({ op: ' ', text: expected[i] })
    i++
    j++
  }
  if (i === n && j === m) return { equal: true, lines }
  // dp over suffixes, from the first difference; sizes are a few hundred lines at most
  const p = i
  const dp: Uint32Array[] = Array.from({ length: n - p + 1 }, () => new Uint32Array(m - p + 1))
  for (let a = n - 1; a >= p; a--) {
    for (let b = m - 1; b >= p; b--) {
      dp[a - p][b - p] = match[b](expected[a]) ? dp[a - p + 1][b - p + 1] + 1 : Math.max(dp[a - p + 1][b - p], dp[a - p][b - p + 1])
    }
  }
  while (i < n || j < m) {
    if (i < n && j < m && match[j](expected[i])) {
      lines.push({ op: ' ', text: expected[i] })
      i++
      j++
    } else if (j < m && (i === n || dp[i - p][j - p + 1] >= dp[i - p + 1][j - p])) {
      lines.push({ op: '+', text: predicted[j++] })
    } else {
      lines.push({ op: '-', text: expected[i++] })
    }
  }
  return { equal: lines.every((l) => l.op === ' '), lines }
}
