// Shared result types of the memmap model (issue: struct page, vmemmap, alignment,
// NOMAP policies, costs). Every figure and every check carries the kernel reference it
// comes from and the versions it holds for, so a user can trace each number.
// JSON-plain: 64-bit virtual addresses are carried as hex strings ("0xffffea0000000000").

export type Unit = 'bytes' | 'pages' | 'count' | 'bits' | 'order' | 'address' | 'percent' | 'flag'

export interface Figure {
  /** stable id, e.g. `struct-page.size`, `vmemmap.pmds` */
  id: string
  /** what a person reads, e.g. "memmap per 128 MiB section" */
  label: string
  /** numbers are exact below 2^53; larger values and virtual addresses are hex strings */
  value: number | string | boolean
  unit: Unit
  /** the formula with its inputs, e.g. "PAGES_PER_SECTION × sizeof(struct page) = 32768 × 80" */
  formula: string
  /** kernel source reference: function and file, e.g. "section_map_size() mm/sparse.c" */
  ref: string
  /** versions the formula holds for, e.g. "all", "≥ 6.4", "5.12–6.12" */
  versions: string
}

export interface Check {
  /** stable id, e.g. `folio.memmap-alignment`  */
  id: string
  title: string
  pass: boolean
  /** 'error': the kernel refuses / BUGs / misbehaves; 'warning': a WARN or a risk; 'info': advisory */
  severity: 'error' | 'warning' | 'info'
  /** the exact condition, e.g. "addr(pfn_to_page(0)) % (MAX_FOLIO_NR_PAGES × S) == 0" */
  condition: string
  /** the values that decided it */
  values: Record<string, number | string | boolean>
  ref: string
  versions: string
  /** what the kernel does when the check fails (BUILD_BUG_ON, VM_WARN_ON_ONCE, -EINVAL, …) */
  consequence?: string
}

/** What a check means for this layout: it holds, it fails, or an unmet advisory ('info') condition. */
export type CheckStatus = 'pass' | 'fail' | 'note'

/** A check as the report carries it: its status decided once, here, for every view and the CLI. */
export interface ReportedCheck extends Check {
  status: CheckStatus
}

/** A check's status: a failed check of severity info is a note. */
export function statusOf(c: Check): CheckStatus {
  return c.pass ? 'pass' : c.severity === 'info' ? 'note' : 'fail'
}

export function withStatus(c: Check): ReportedCheck {
  return { ...c, status: statusOf(c) }
}

/** ⌈log2(n)⌉ (order_base_2) */
export function orderBase2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n))
}

/** lowest set bit of a bigint or number (the natural alignment of an address); 0 for 0 */
export function lowbit(v: bigint): bigint {
  return v === 0n ? 0n : v & -v
}

export const hex = (v: bigint | number): string => '0x' + v.toString(16)
