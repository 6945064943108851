// Line diff between the kernel's own lines and the predicted ones. A `?` in a
// predicted line stands for one number the memory map cannot determine.

import type { DiffLine } from './report.ts'

function matcher(predicted: string): (s: string) => boolean {
  if (!predicted.includes('?')) return (s) => s === predicted
  const re = new RegExp('^' + predicted.split('?').map((p) => p.replace(/[.*+^${}()|[\]\\/]/g, '\\$&')).join('(?:\\d+|\\?)') + '$')
  return (s) => re.test(s)
}

/** LCS diff; `expected` are the kernel's lines, `predicted` ours. */
export function diffLines(expected: string[], predicted: string[]): { equal: boolean; lines: DiffLine[] } {
  const n = expected.length
  const m = predicted.length
  const match = predicted.map(matcher)
  // dp over suffixes; sizes are a few hundred lines at most
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = match[j](expected[i]) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1])
    }
  }
  const lines: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && match[j](expected[i])) {
      lines.push({ op: ' ', text: expected[i] })
      i++
      j++
    } else if (j < m && (i === n || dp[i][j + 1] >= dp[i + 1][j])) {
      lines.push({ op: '+', text: predicted[j++] })
    } else {
      lines.push({ op: '-', text: expected[i++] })
    }
  }
  return { equal: lines.every((l) => l.op === ' '), lines }
}
