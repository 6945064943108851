// Kernel facts that changed across versions, one row each: what holds, from which version
// (and until which), the commit that made it so, and the release it first shipped in.
// Every version test of the memmap model goes through holds(); every "versions" label a
// view prints comes from versionsOf() of the same row, and every citation from cite().
// Rows without a commit say why in `inferred` (a boundary no commit could pin).
// The version profiles (profiles.ts) keep the base engine's printk history the same way.

import { atLeast, parseKernelVersion, type KernelVersion } from './version.ts'

export interface KernelFact {
  /** what holds, in a few words */
  what: string
  /** first version it holds in (x.y-rc1 for a mainline change) */
  since: string
  /** first version it no longer holds in */
  until?: string
  /** stable releases that carry it before `since` (a backport to that branch) */
  backports?: string[]
  /** stable releases that drop it again within their branch (a revert) */
  reverts?: string[]
  commit?: { id: string; subject: string; release: string }
  /** why the boundary is not pinned to a commit */
  inferred?: string
}

/** The last release of each major before the next major's x.0 (for "until" labels). */
const LAST_MINOR: Record<number, number> = { 3: 19, 4: 20, 5: 19, 6: 19 }

const branch = (v: KernelVersion): string => `${v.major}.${v.minor}`

export function factHolds(f: KernelFact, v: KernelVersion): boolean {
  const inBranch = (list: string[] | undefined): string | undefined =>
    list?.find((s) => {
      const p = parseKernelVersion(s)!
      return branch(p) === branch(v) && atLeast(v, s)
    })
  if (inBranch(f.reverts)) return false
  if (inBranch(f.backports)) return true
  return atLeast(v, f.since) && (!f.until || !atLeast(v, f.until))
}

/** `6.4-rc1` → `6.4`; other rcs and stable releases stay as written. */
function shown(version: string): string {
  return version.replace(/-rc1$/, '')
}

/** The last release before `until`: `6.3-rc1` → `6.2`, `7.0-rc1` → `6.19`. */
function before(until: string): string {
  const v = parseKernelVersion(until)!
  if (v.rc === null || v.patch !== 0) return `< ${until}`
  if (v.minor > 0) return `${v.major}.${v.minor - 1}${v.rc > 1 ? '' : ''}`
  return `${v.major - 1}.${LAST_MINOR[v.major - 1] ?? '?'}`
}

/** `≥ 6.4`, `5.19–6.2`, `≤ 6.17`, with backports (`, 6.1.13+`) and `(inferred)`. */
export function factVersions(f: KernelFact): string {
  const old = f.since === '0' || f.since === '2.6'
  let s = f.until ? (old ? `≤ ${before(f.until)}` : `${shown(f.since)}–${before(f.until)}`) : old ? 'all' : `≥ ${shown(f.since)}`
  if (f.backports?.length) s += `, ${f.backports.map((b) => `${b}+`).join(', ')}`
  if (f.reverts?.length) s += ` (not ${f.reverts.map((r) => `${r}+`).join(', ')})`
  return f.inferred && !f.commit ? `${s} (inferred)` : s
}

/** drgn-style: `commit 23baf831a32c ("mm, treewide: redefine MAX_ORDER sanely") (in v6.4)`. */
export function factCitation(f: KernelFact): string {
  if (f.commit) return `commit ${f.commit.id} ("${f.commit.subject}") (in ${f.commit.release})`
  return `no commit pinned: ${f.inferred ?? 'boundary from the kernel sources read'}`
}
