// The Problems list: each diagnostic once, in line order, at most MAX_PROBLEMS of them
// kept for the page (the list and the editor's markers); the counts are of all of them.
// De-duplication is one pass with a Set (a 600 KB paste of broken text gave 175 000
// diagnostics, and the pairwise comparison it replaces was quadratic).
import type { Diagnostic } from '../../../shared/engine/report.ts'

export const MAX_PROBLEMS = 1000

export interface Problems {
  /** the first MAX_PROBLEMS distinct diagnostics, by line and column */
  shown: Diagnostic[]
  /** distinct diagnostics in all */
  total: number
  errors: number
  warnings: number
}

const key = (d: Diagnostic): string => `${d.severity}\u0000${d.line ?? ''}\u0000${d.column ?? ''}\u0000${d.message}`

export function tidyProblems(list: readonly Diagnostic[], cap = MAX_PROBLEMS): Problems {
  const seen = new Set<string>()
  const unique: Diagnostic[] = []
  let errors = 0
  for (const d of list) {
    const k = key(d)
    if (seen.has(k)) continue
    seen.add(k)
    unique.push(d)
    if (d.severity === 'error') errors++
  }
  unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return { shown: unique.length > cap ? unique.slice(0, cap) : unique, total: unique.length, errors, warnings: unique.length - errors }
}

/** the same problems (most edits): the list is kept, so Monaco's markers are not redrawn */
export function sameProblems(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (key(a[i]) !== key(b[i])) return false
  return true
}
