// Compare two analyses: two scenarios, or one scenario under two kernel versions or
// configurations. Every total, every figure and every check, with its delta.

import type { Figure } from './memmap/types.ts'
import type { AnalysisReport } from './report.ts'
import { bytesParts, deltaText, grouped, valueText, type ValueUnit } from './units.ts'

export interface NumberDelta {
  id: string
  label: string
  a: number | null
  b: number | null
  /** b − a when both are numbers */
  delta: number | null
  /** what the numbers count, for numberText()/deltaText(): bytes, pages, order, … */
  unit: ValueUnit
  /** where the kernel computes it: function and file */
  ref?: string
  /** each side's formula with its inputs (a figure's own; none for the totals) */
  formula?: { a: string | null; b: string | null }
}

/**
 * A side's value for people: `2 MiB`, `1,274,880 pages`, `none` for an order of −1, `—` when
 * absent. `exact: false` (a table cell, the exact figure on hover: numberTitle()): a rounded
 * size without its byte count in brackets, `15.996 MiB`.
 */
export function numberText(d: NumberDelta, side: 'a' | 'b', o: { exact?: boolean } = {}): string {
  const v = d[side]
  if (o.exact === false && d.unit === 'bytes' && v !== null && Number.isInteger(v)) return bytesParts(v).text
  return valueText(v, d.unit)
}

/** The difference for people: `+2 MiB`, `−1,024 pages`, `0`, or '' when a side is absent; `exact: false` as numberText(). */
export function changeText(d: NumberDelta, o: { exact?: boolean } = {}): string {
  if (o.exact === false && d.unit === 'bytes' && d.delta && Number.isInteger(d.delta)) return `${d.delta > 0 ? '+' : '−'}${bytesParts(Math.abs(d.delta)).text}`
  return deltaText(d.delta, d.unit)
}

/**
 * A side's value on hover: the exact figure (every byte and page counted), what an order of
 * −1 or an absent value means, then the side's formula and the kernel function it comes from.
 */
export function numberTitle(d: NumberDelta, side: 'a' | 'b'): string {
  const v = d[side]
  const who = side === 'a' ? 'A' : 'B'
  let what: string
  if (v === null) what = `— absent: ${who}'s kernel or configuration has no such figure`
  else if (d.unit === 'order' && v < 0) what = 'none: the order is −1, no order qualifies (not even order 0)'
  else if (d.unit === 'bytes' && Number.isInteger(v)) what = `${grouped(v)} bytes${Math.abs(v) >= 1024 ? ` = ${valueText(v, 'bytes').replace(/ \(.*\)$/, '')}` : ''}`
  else if (d.unit === 'pages') what = `${grouped(v)} pages`
  else what = valueText(v, d.unit)
  const formula = d.formula?.[side]
  return [`${d.label} (${who}): ${what}`, formula, d.ref].filter(Boolean).join('\n')
}

export interface ValueChange {
  id: string
  label: string
  a: string | null
  b: string | null
}

export interface CheckChange {
  id: string
  title: string
  a: boolean | null
  b: boolean | null
}

export interface Comparison {
  a: { name: string; kernel: string; profile: string; arch: string }
  b: { name: string; kernel: string; profile: string; arch: string }
  totals: NumberDelta[]
  /** numeric figures of the memmap model, matched by id */
  figures: NumberDelta[]
  /** non-numeric figures (addresses, flags) that differ */
  changed: ValueChange[]
  checks: CheckChange[]
  /** boot-log lines only one side prints */
  bootlog: { onlyA: string[]; onlyB: string[] }
}

/** A figure on both sides (or one): its numbers, the difference, and each side's formula. */
function figureDelta(x: Figure | undefined, y: Figure | undefined, nx: number | null, ny: number | null): NumberDelta {
  const f = (x ?? y)!
  return { id: f.id, label: f.label, a: nx, b: ny, delta: nx !== null && ny !== null ? ny - nx : null, unit: f.unit, ref: (y ?? f).ref, formula: { a: x?.formula ?? null, b: y?.formula ?? null } }
}

function n(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

export function compareReports(a: AnalysisReport, b: AnalysisReport): Comparison {
  const side = (r: AnalysisReport) => ({ name: r.name, kernel: r.kernel, profile: r.profile, arch: r.arch })
  const totals: NumberDelta[] = []
  const addTotal = (id: string, label: string, x: number | null, y: number | null, unit: ValueUnit, ref: string): void => {
    totals.push({ id, label, a: x, b: y, delta: x !== null && y !== null ? y - x : null, unit, ref })
  }
  const mmInit = 'mm/mm_init.c (mm/page_alloc.c before 6.4)'
  addTotal('present-pages', 'present pages', a.totals.presentPages, b.totals.presentPages, 'pages', `Σ node_present_pages: calculate_node_totalpages() ${mmInit}`)
  addTotal('memory-total-kib', 'Memory: total (KiB)', a.totals.memoryTotalKiB, b.totals.memoryTotalKiB, 'count', `physpages << (PAGE_SHIFT − 10): mem_init_print_info() ${mmInit}`)
  addTotal('spanned-pages', 'spanned pages', a.totals.spannedPages, b.totals.spannedPages, 'pages', `Σ node_spanned_pages: calculate_node_totalpages() ${mmInit}`)
  addTotal('nomap-pages', 'NOMAP pages', a.totals.nomapPages, b.totals.nomapPages, 'pages', 'memblock.memory pages flagged MEMBLOCK_NOMAP: memblock_mark_nomap() mm/memblock.c')
  addTotal('hole-pages', 'hole pages with a struct page', a.totals.holePagesWithStructPage, b.totals.holePagesWithStructPage, 'pages', `memmap_init() → init_unavailable_range() ${mmInit}`)
  addTotal('present-sections', 'present sections', a.sections.presentSections, b.sections.presentSections, 'count', 'sparse_init() → memblocks_present() mm/sparse.c')
  addTotal('nodes', 'online nodes', a.nodes.length, b.nodes.length, 'count', `free_area_init() → free_area_init_node() ${mmInit}`)
  addTotal('memblock-regions', 'memblock.memory regions', a.memblock.memory.length, b.memblock.memory.length, 'count', 'memblock_add() / memblock_add_node() mm/memblock.c')
  addTotal(
    'memmap-bytes',
    'memmap (struct page arrays)',
    a.memmap?.totals.memmapBytes ?? null,
    b.memmap?.totals.memmapBytes ?? null,
    'bytes',
    'present sections × PAGES_PER_SECTION × sizeof(struct page): sparse_init_nid() → __populate_section_memmap() mm/sparse.c'
  )
  addTotal('struct-page', 'sizeof(struct page)', a.memmap?.structPageSize ?? null, b.memmap?.structPageSize ?? null, 'bytes', 'struct page include/linux/mm_types.h')

  const fa = new Map((a.memmap?.figures ?? []).map((f) => [f.id, f]))
  const fb = new Map((b.memmap?.figures ?? []).map((f) => [f.id, f]))
  const figures: NumberDelta[] = []
  const changed: ValueChange[] = []
  for (const id of [...new Set([...fa.keys(), ...fb.keys()])]) {
    const x = fa.get(id)
    const y = fb.get(id)
    const label = (x ?? y)!.label
    const nx = n(x?.value)
    const ny = n(y?.value)
    if (nx !== null || ny !== null) figures.push(figureDelta(x, y, nx, ny))
    else if (String(x?.value ?? '') !== String(y?.value ?? '')) changed.push({ id, label, a: x ? String(x.value) : null, b: y ? String(y.value) : null })
  }

  const ca = new Map((a.memmap?.checks ?? []).map((c) => [c.id, c]))
  const cb = new Map((b.memmap?.checks ?? []).map((c) => [c.id, c]))
  const checks: CheckChange[] = [...new Set([...ca.keys(), ...cb.keys()])].map((id) => ({
    id,
    title: (ca.get(id) ?? cb.get(id))!.title,
    a: ca.get(id)?.pass ?? null,
    b: cb.get(id)?.pass ?? null
  }))

  const la = new Set(a.bootlog)
  const lb = new Set(b.bootlog)
  return {
    a: side(a),
    b: side(b),
    totals,
    figures,
    changed,
    checks,
    bootlog: { onlyA: a.bootlog.filter((l) => !lb.has(l)), onlyB: b.bootlog.filter((l) => !la.has(l)) }
  }
}
