// Line diff between the kernel's own lines and the predicted ones. A `?` in a
// predicted line stands for one number the memory map cannot determine.

import type { DiffLine } from './report.ts'

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * A test of a kernel line against a predicted one: equal, each `?` of the prediction
 * standing for a run of digits or a `?` (what /^A(?:\d+|\?)B$/ tests, without making a
 * regular expression for every predicted line of every log).
 */
export function lineMatcher(predicted: string): (s: string) => boolean {
  if (!predicted.includes('?')) return (s) => s === predicted
  const parts = predicted.split('?')
  // parts[k] at p, then a hole, parts[k + 1], … up to the end of s (every run of digits
  // the hole can take is tried: parts[k + 1] may itself start with a digit)
  const from = (s: string, k: number, p: number): boolean => {
    if (!s.startsWith(parts[k], p)) return false
    p += parts[k].length
    if (k === parts.length - 1) return p === s.length
    if (s.charCodeAt(p) === 63 && from(s, k + 1, p + 1)) return true
    for (let e = p; e < s.length && isDigit(s.charCodeAt(e));) if (from(s, k + 1, ++e)) return true
    return false
  }
  return (s) => from(s, 0, 0)
}

/**
 * LCS diff; `expected` are the kernel's lines, `predicted` ours. The common beginning is
 * matched line by line first (the walk below takes a match wherever it finds one, so this
 * is the same diff): an exact log costs one pass, and the table covers only what follows.
 */
export function diffLines(expected: string[], predicted: string[]): { equal: boolean; lines: DiffLine[] } {
  const n = expected.length
  const m = predicted.length
  const match = predicted.map(lineMatcher)
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
