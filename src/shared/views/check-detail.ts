// What the workbench shows when a memmap check is clicked (Sections & memmap): the check's
// condition as the kernel states it, every value that decided it (sizes also in binary
// units, addresses in hex), what the kernel does when it fails, and the kernel functions
// and versions it comes from. Framework-free, so the Svelte panel only lays it out.

import type { Check, ReportedCheck } from '../engine/memmap/types.ts'
import { checkStatus } from './sections.ts'
import { bytes, hex, int } from './svg.ts'
import { orderText } from '../engine/units.ts'

export interface CheckDetail {
  id: string
  title: string
  status: 'pass' | 'fail' | 'note'
  severity: Check['severity']
  /** e.g. "fails: the kernel WARNs", "passes", "advisory, does not hold" */
  verdict: string
  condition: string
  values: { name: string; value: string; /** another reading of a number (bytes or hex) */ alt?: string }[]
  consequence: string | null
  /** the kernel references, one per function or file */
  refs: string[]
  versions: string
}

/** Names whose numbers are addresses (shown in hex) rather than sizes. */
const ADDRESS = /addr|base|start|end|pfn|offset|virt|phys/i
/** …unless the name says it is a size */
const SIZE = /bytes|size/i

function reading(name: string, v: number): string | undefined {
  if (!Number.isInteger(v) || v < 1024) return undefined
  if (ADDRESS.test(name) && !SIZE.test(name)) return hex(v)
  if (SIZE.test(name) || /align/i.test(name) || v >= 2 ** 20) return bytes(v)
  return undefined
}

export function checkDetail(c: ReportedCheck): CheckDetail {
  const status = c.status
  const verdict =
    status === 'pass'
      ? 'holds'
      : status === 'note'
        ? 'does not hold (advisory: the kernel carries on)'
        : `does not hold (${c.severity === 'error' ? 'the kernel refuses or misbehaves' : 'the kernel warns, or a risk'})`
  return {
    id: c.id,
    title: c.title,
    status,
    severity: c.severity,
    verdict,
    condition: c.condition,
    values: Object.entries(c.values).map(([name, v]) => ({
      name,
      // an order of −1 (nothing qualifies) reads "none", the raw −1 beside it
      value: typeof v === 'number' ? (/order/i.test(name) && v < 0 ? orderText(v) : Number.isInteger(v) ? int(v) : String(v)) : String(v),
      alt: typeof v === 'number' ? (/order/i.test(name) && v < 0 ? '−1' : reading(name, v)) : undefined
    })),
    consequence: c.consequence ?? null,
    refs: c.ref
      .split(/;\s*/)
      .map((r) => r.trim())
      .filter(Boolean),
    versions: c.versions
  }
}

/** The order a list of checks is offered in: failures first, then notes, then passes; stable within each. */
export function orderChecks(checks: readonly ReportedCheck[]): ReportedCheck[] {
  const rank = { fail: 0, note: 1, pass: 2 }
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank[checkStatus(a.c)] - rank[checkStatus(b.c)] || a.i - b.i)
    .map((x) => x.c)
}
