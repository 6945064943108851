// Sections & memmap: for a window of present sections, where each section's struct page
// array lies (vmemmap address, estimated physical address in the node's boot buffer), which
// allocation units (PMDs / vmemmap pages) back it and which are shared with the section
// before; then the folio alignment checks with their conditions.

import type { AnalysisReport } from '../engine/report.ts'
import type { Check, ReportedCheck } from '../engine/memmap/types.ts'
import { memmapRows, type MemmapRow } from '../engine/memmap/vmemmap.ts'
import type { ViewOptions } from './index.ts'
import { valueText } from '../engine/units.ts'
import {
  badge,
  bytes,
  headingExtra,
  dataAttrs,
  el,
  header,
  heading,
  hex,
  inkOn,
  int,
  line,
  MARGIN,
  panel,
  rect,
  svgDocument,
  text,
  textWidth,
  theme,
  tip,
  truncate,
  wrap,
  type Theme,
  type ViewModelBase,
  messageDocument
} from './svg.ts'

export interface SectionsColumn {
  key: string
  label: string
  /** the narrowest width its heading and values take (drawing px) */
  w: number
  mono?: boolean
  align?: 'start' | 'end'
  /** where it is drawn: the row's line (a narrow table wraps its columns onto more lines), x and width */
  line: number
  x: number
  width: number
}

export interface SectionsRow {
  index: number
  section: number
  nid: number
  /** physical range of the section, bytes, half-open */
  physStart: number
  physEnd: number
  memmapVirt: string | null
  memmapPhys: string | null
  memmapBytes: number
  firstUnit: string | null
  lastUnit: string | null
  /** allocation units the section's memmap touches */
  units: number
  newUnits: number
  sharesWithPrevious: boolean
  fromBuffer: boolean
  cells: Record<string, string>
  title: string
}

export interface DiagramBox {
  kind: 'section' | 'unit' | 'unit-band'
  x: number
  w: number
  label: string
  title: string
  /** unit shared by two sections */
  shared?: boolean
  section?: number
  nid?: number
  addr?: string
}

export interface CheckBadge {
  id: string
  title: string
  status: 'pass' | 'fail' | 'note'
  severity: Check['severity']
  condition: string
  values: string
  ref: string
  versions: string
  consequence: string
}

export interface SectionsModel extends ViewModelBase {
  available: boolean
  window: { start: number; count: number; total: number }
  unitName: string
  unitBytes: number
  columns: SectionsColumn[]
  rows: SectionsRow[]
  diagram: { y: number; sections: DiagramBox[]; units: DiagramBox[]; breaks: number[]; x: number; w: number }
  facts: { label: string; value: string; title: string }[]
  folio: {
    alignment: string
    alignmentWhy: string
    structPageSize: number
    /** largest naturally aligned folio order (−1: none) */
    maxOrder: number
    maxBytes: number
    maxFolioOrder: number
    maxFolioBytes: number
    maxFolioDefined: boolean
    hugePages: { bytes: number; order: number; aligned: boolean }[]
    rulerMax: number
  } | null
  checks: CheckBadge[]
  layout: {
    factsY: number
    /** facts per line of the facts strip, and its height */
    factsPerLine: number
    factsH: number
    diagramY: number
    /** the diagram heading's note on lines of its own (px) */
    diagramExtra: number
    tableY: number
    /** lines per table row (its columns wrapped to the width) */
    tableLines: number
    tableExtra: number
    rowH: number
    folioY: number
    folioH: number
    /** the folio heading's note on lines of its own (px) */
    folioExtra: number
    checksY: number
    checksExtra: number
    checkHeights: number[]
  }
}

const ROW_H = 21
/** a table row's further lines (its columns wrapped) */
const LINE_STEP = 16
/** the narrowest width the view lays out for (drawing px) */
export const MIN_WIDTH = 440
const DIAGRAM_HEADING = 'Section → struct page array'
const TABLE_HEADING = 'Per-section placement'
const FOLIO_HEADING = 'Folio alignment of the struct pages'
const CHECKS_HEADING = 'Alignment checks'
const FACT_W = 170
const DEFAULT_COUNT = 16
const MAX_COUNT = 256

/** The engine decides a check's status once (withStatus()); views only read it. */
export function checkStatus(c: ReportedCheck): CheckBadge['status'] {
  return c.status
}

function valuesText(v: Check['values']): string {
  return Object.entries(v)
    .map(([k, x]) => `${k} = ${valueText(x, null, k)}`)
    .join(' · ')
}

export function checkBadges(checks: ReportedCheck[], pick: (c: ReportedCheck) => boolean): CheckBadge[] {
  return checks.filter(pick).map((c) => ({
    id: c.id,
    title: c.title,
    status: checkStatus(c),
    severity: c.severity,
    condition: c.condition,
    values: valuesText(c.values),
    ref: c.ref,
    versions: c.versions,
    consequence: c.consequence ?? ''
  }))
}

const big = (h: string): bigint => BigInt(h)

export function sectionsModel(report: AnalysisReport, opts: ViewOptions = {}): SectionsModel {
  const t = theme(opts.theme)
  const width = Math.max(MIN_WIDTH, opts.width ?? 1200)
  const W = width - 2 * MARGIN
  const ps = report.pageSizeBytes
  const pps = report.sections.pagesPerSection
  const SB = pps * ps
  const mm = report.memmap
  const total = report.sections.presentSections
  const start = Math.max(0, Math.min(opts.window?.start ?? 0, Math.max(0, total - 1)))
  const count = Math.max(1, Math.min(opts.window?.count ?? DEFAULT_COUNT, MAX_COUNT))
  const title = `Sections & memmap — ${report.name || 'scenario'}`

  let raw: MemmapRow[] = []
  if (mm) {
    const cached = mm.placement.rows
    const first = cached[0]?.index ?? 0
    // the report carries the first rows; any other window is computed from the plan
    raw = start >= first && start + count <= first + cached.length ? cached.slice(start - first, start - first + count) : memmapRows(mm.placement.plan, start, count)
  }
  const unitBytes = mm?.placement.plan.unitBytes ?? 0
  const vm = raw.some((r) => r.memmapVirt !== null)
  const unitName = !vm ? 'section map' : unitBytes === ps ? 'vmemmap page' : 'PMD'
  const plural = (n: number, w: string): string => `${int(n)} ${w}${n === 1 ? '' : 's'}`

  const columns = tableColumns(
    [
      { key: 'index', label: '#', w: 44, align: 'end' },
      { key: 'section', label: 'section', w: 72, align: 'end' },
      { key: 'nid', label: 'node', w: 50, align: 'end' },
      { key: 'phys', label: 'physical range', w: 200, mono: true },
      { key: 'virt', label: 'memmap (vmemmap)', w: 168, mono: true },
      { key: 'mphys', label: 'memmap phys (est.)', w: 136, mono: true },
      { key: 'size', label: 'memmap', w: 84, align: 'end' },
      { key: 'units', label: `backing ${unitName}s`, w: 150 },
      { key: 'shares', label: 'shared', w: 110 }
    ],
    W - 16
  )
  const tableLines = Math.max(...columns.map((c) => c.line)) + 1
  const rows: SectionsRow[] = raw.map((r) => {
    const units = r.firstUnit && r.lastUnit && unitBytes ? Number((big(r.lastUnit) - big(r.firstUnit)) / BigInt(unitBytes)) + 1 : 1
    const physStart = r.section * SB
    const physEnd = physStart + SB
    const cells: Record<string, string> = {
      index: String(r.index),
      section: String(r.section),
      nid: String(r.nid),
      phys: `${hex(physStart)}–${hex(physEnd - 1)}`,
      virt: r.memmapVirt ?? '—',
      mphys: r.phys ?? (r.fromBuffer ? `+${hex(r.bufferOffset ?? 0)}` : 'outside buffer'),
      size: bytes(r.memmapBytes),
      units: `${plural(units, unitName)}${r.newUnits !== units ? `, ${r.newUnits} new` : ''}`,
      shares: r.sharesWithPrevious ? '↔ with previous' : '—'
    }
    const title =
      `section ${r.section} (present #${r.index}), node ${r.nid}: [${cells.phys}], pfn ${hex(r.startPfn)}\n` +
      `struct pages: ${r.memmapVirt ?? '(not virtually mapped)'} · ${bytes(r.memmapBytes)}\n` +
      (r.firstUnit ? `${unitName}s ${r.firstUnit}–${r.lastUnit} (${units}, ${r.newUnits} allocated by this section)\n` : '') +
      (r.phys ? `physical (boot buffer estimate): ${r.phys}` : r.fromBuffer ? `boot buffer offset ${hex(r.bufferOffset ?? 0)}` : 'memmap allocated outside the boot buffer') +
      (r.sharesWithPrevious ? `\nshares its first ${unitName} with the section before` : '')
    return {
      index: r.index,
      section: r.section,
      nid: r.nid,
      physStart,
      physEnd,
      memmapVirt: r.memmapVirt,
      memmapPhys: r.phys,
      memmapBytes: r.memmapBytes,
      firstUnit: r.firstUnit,
      lastUnit: r.lastUnit,
      units,
      newUnits: r.newUnits,
      sharesWithPrevious: r.sharesWithPrevious,
      fromBuffer: r.fromBuffer,
      cells,
      title
    }
  })

  // facts about the placement
  const p = mm?.placement
  const facts: SectionsModel['facts'] = p
    ? [
        {
          label: 'pfn_to_page(0)',
          value: p.base ? String(p.base.pfnToPage0) : 'no vmemmap',
          title: p.base ? `vmemmap base (${report.arch}); alignment ${String(p.base.alignment)}` : 'SPARSEMEM without VMEMMAP: each section map is allocated on its own'
        },
        { label: 'memmap per section', value: bytes(p.plan.sectionMemmapBytes), title: `PAGES_PER_SECTION × sizeof(struct page) = ${int(pps)} × ${mm!.structPageSize}` },
        { label: 'section_map_size()', value: bytes(p.plan.sectionMapSize), title: 'the memmap of a section rounded up to the allocation unit' },
        { label: `${unitName} size`, value: bytes(unitBytes), title: `memory is mapped in ${unitName}s` },
        { label: `${unitName}s backing the memmap`, value: int(p.plan.summary.unitsTouched), title: `${bytes(p.plan.summary.mappedBytes)} mapped for ${int(p.plan.presentSections)} present sections` },
        { label: 'present sections', value: `${int(total)} × ${bytes(SB)}`, title: `SECTION_SIZE_BITS ${report.sections.sectionSizeBits}` }
      ]
    : []

  const folio: SectionsModel['folio'] = p
    ? (() => {
        const a = p.alignedFolio
        const why = (a.figures.find((f) => f.id === 'folio.memmap-alignment')?.formula ?? '') as string
        const hugePages = (a.checks.filter((c) => c.id.startsWith('folio.hugepage-aligned.')) as Check[]).map((c) => ({
          bytes: Number(c.values.hugePageSize),
          order: Number(c.values.order),
          aligned: c.pass
        }))
        const rulerMax = Math.min(40, Math.max(a.maxOrder, p.maxFolioOrder.order, ...hugePages.map((h) => h.order)) + 2)
        return {
          alignment: a.alignmentBytes,
          alignmentWhy: why,
          structPageSize: mm!.structPageSize,
          maxOrder: a.maxOrder,
          maxBytes: a.maxBytes,
          maxFolioOrder: p.maxFolioOrder.order,
          maxFolioBytes: p.maxFolioOrder.bytes,
          maxFolioDefined: p.maxFolioOrder.defined,
          hugePages,
          rulerMax
        }
      })()
    : null
  const checks = mm ? checkBadges(mm.checks, (c) => c.id.startsWith('folio.') || c.id === 'vmemmap.sub-pmd' || c.id === 'vmemmap.kaslr-alignment') : []

  // layout: the facts strip, the diagram, the table (its columns wrapped onto more lines
  // where the width is short), the folio ruler and the checks, each as tall as it needs
  const subtitle = mm
    ? `kernel ${report.kernel} · ${report.arch} · sizeof(struct page) ${mm.structPageSize} B · present sections ${rows.length ? `${rows[0].index}–${rows[rows.length - 1].index}` : '—'} of ${int(total)}`
    : `kernel ${report.kernel} · ${report.arch} · no memmap analysis in this report`
  const hd = header(t, width, title, subtitle)
  const factsY = hd.bottom + 8
  const factsPerLine = Math.max(1, Math.min(facts.length, Math.floor(W / FACT_W)))
  const factsH = facts.length ? 58 + (Math.ceil(facts.length / factsPerLine) - 1) * 48 : 0
  const diagramY = factsY + (facts.length ? factsH + 12 : 0) + 14
  const dX = MARGIN + 150
  const dW = width - dX - MARGIN
  const diagram = buildDiagram(rows, unitBytes, unitName, dX, dW)
  const diagramExtra = headingExtra(DIAGRAM_HEADING, diagramNote(rows.length, unitName, unitBytes), W)
  const tableY = diagramY + diagramExtra + 152
  const tableExtra = headingExtra(TABLE_HEADING, tableNote(start, rows.length, total), W)
  const rowH = ROW_H + (tableLines - 1) * LINE_STEP
  const folioY = tableY + tableExtra + 30 + (tableLines - 1) * LINE_STEP + Math.max(1, rows.length) * rowH + 30
  const folioExtra = folio ? headingExtra(FOLIO_HEADING, folioNote(folio), W) : 0
  const folioH = folio ? 150 + folioExtra + (hugePageRows(folio, MARGIN + 150, W - 170) - 1) * 14 : 0
  const checksY = folioY + folioH
  const checksExtra = headingExtra(CHECKS_HEADING, checksNote(checks), W)
  const checkHeights = checks.map((c) => checkHeight(c, width))
  const height = checksY + checksExtra + 24 + checkHeights.reduce((a, b) => a + b + 8, 0) + MARGIN

  const failed = checks.filter((c) => c.status === 'fail').length
  const desc = mm
    ? `Struct page placement for ${rows.length} present sections (from #${start}); ${unitName}s of ${bytes(unitBytes)}; ${rows.filter((r) => r.sharesWithPrevious).length} share a ${unitName} with the section before. Alignment checks: ${checks.length - failed} pass or note, ${failed} fail.`
    : 'No memmap analysis in this report.'
  return {
    title,
    subtitle,
    desc,
    width,
    height,
    available: !!mm,
    window: { start, count: rows.length, total },
    unitName,
    unitBytes,
    columns,
    rows,
    diagram: { y: diagramY, ...diagram, x: dX, w: dW },
    facts,
    folio,
    checks,
    layout: { factsY, factsPerLine, factsH, diagramY, diagramExtra, tableY, tableLines, tableExtra, rowH, folioY, folioH, folioExtra, checksY, checksExtra, checkHeights }
  }
}

/**
 * The table's columns placed: on one line where their widths (at least the heading's)
 * fit `avail`, else wrapped greedily onto more lines; each line's columns share out its
 * spare width.
 */
function tableColumns(cols: Omit<SectionsColumn, 'line' | 'x' | 'width'>[], avail: number): SectionsColumn[] {
  const need = cols.map((c) => Math.max(c.w, textWidth(c.label, 11, { bold: true }) + 14))
  const total = need.reduce((a, b) => a + b, 0)
  const lineOf: number[] = []
  let line = 0
  let used = 0
  need.forEach((w) => {
    if (total > avail && used > 0 && used + w > avail) {
      line++
      used = 0
    }
    lineOf.push(line)
    used += w
  })
  const out: SectionsColumn[] = []
  for (let l = 0; l <= line; l++) {
    const idx = cols.map((_, i) => i).filter((i) => lineOf[i] === l)
    // one line: the widths as before (c.w scaled to the table); more: the needed widths
    const base = line === 0 ? idx.map((i) => cols[i].w) : idx.map((i) => need[i])
    const sum = base.reduce((a, b) => a + b, 0)
    const k = line === 0 ? avail / sum : 1
    let x = MARGIN + 8
    idx.forEach((i, j) => {
      out[i] = { ...cols[i], line: l, x, width: base[j] * k }
      x += base[j] * k
    })
  }
  return out
}

function diagramNote(n: number, unitName: string, unitBytes: number): string {
  return `${n} present sections; ${unitName}s of ${bytes(unitBytes)}; orange = ${unitName} shared by two sections`
}

function tableNote(start: number, n: number, total: number): string {
  return `rows ${start}–${start + n - 1} of ${int(total)} present sections`
}

function folioNote(f: NonNullable<SectionsModel['folio']>): string {
  return `A = ${f.alignment}: ${f.alignmentWhy}`
}

function checksNote(checks: CheckBadge[]): string {
  const n = (s: CheckBadge['status']): number => checks.filter((c) => c.status === s).length
  return `${n('pass')} pass · ${n('fail')} fail · ${n('note')} notes`
}

/** The huge page labels under the folio ruler: each on the first row where it clears the one before (left, row). */
function hugePagePlaces(f: NonNullable<SectionsModel['folio']>, rx: number, rw: number): { label: string; left: number; w: number; row: number }[] {
  const ox = (o: number): number => rx + (Math.max(0, o) / f.rulerMax) * rw
  const sorted = [...f.hugePages].sort((a, b) => a.order - b.order)
  const places = sorted.map((h) => {
    const label = `${bytes(h.bytes)} huge page (order ${h.order}) ${h.aligned ? '✓' : '✗'}`
    const w = textWidth(label, 10)
    // centred under its order where that stays inside the drawing, else as far as it may go
    const left = Math.max(MARGIN, Math.min(ox(h.order) - w / 2, rx + rw + 20 - w))
    return { label, left, w, row: 0 }
  })
  // one row where they all clear each other; else a staircase, the highest order on top
  // and each label starting at its marker, so no connector crosses a label above it
  if (places.every((p, i) => i === 0 || p.left >= places[i - 1].left + places[i - 1].w + 6)) return places
  const rowLeft: number[] = []
  for (let i = places.length - 1; i >= 0; i--) {
    const p = places[i]
    p.left = Math.max(MARGIN, Math.min(ox(sorted[i].order) - 4, rx + rw + 20 - p.w))
    let row = 0
    while (row < rowLeft.length && p.left + p.w + 6 > rowLeft[row]) row++
    rowLeft[row] = p.left
    p.row = row
  }
  return places
}

function hugePageRows(f: NonNullable<SectionsModel['folio']>, rx: number, rw: number): number {
  return Math.max(1, ...hugePagePlaces(f, rx, rw).map((p) => p.row + 1))
}

/** Section boxes in address order (a gap where section numbers jump) and, below, the units backing them. */
function buildDiagram(rows: SectionsRow[], unitBytes: number, unitName: string, x0: number, w: number): { sections: DiagramBox[]; units: DiagramBox[]; breaks: number[] } {
  const sections: DiagramBox[] = []
  const units: DiagramBox[] = []
  const breaks: number[] = []
  if (!rows.length) return { sections, units, breaks }
  const segs: SectionsRow[][] = []
  for (const r of rows) {
    const last = segs[segs.length - 1]
    if (last && last[last.length - 1].section + 1 === r.section) last.push(r)
    else segs.push([r])
  }
  const GAP = 22
  const bw = Math.min(96, (w - (segs.length - 1) * GAP) / rows.length)
  let x = x0
  for (const [si, seg] of segs.entries()) {
    if (si > 0) {
      breaks.push(x + GAP / 2)
      x += GAP
    }
    const segX = x
    for (const r of seg) {
      sections.push({ kind: 'section', x, w: bw, label: String(r.section), title: r.title, section: r.section, nid: r.nid })
      x += bw
    }
    const segW = x - segX
    const M = seg[0].memmapBytes
    const v0 = seg[0].memmapVirt ? big(seg[0].memmapVirt) : null
    const fu = seg[0].firstUnit
    const lu = seg[seg.length - 1].lastUnit
    if (v0 === null || !fu || !lu || !unitBytes) {
      // classic SPARSEMEM: one map per section
      for (const b of sections.slice(sections.length - seg.length)) units.push({ kind: 'unit', x: b.x, w: b.w, label: 'map', title: `section ${b.section}: its own section map`, section: b.section })
      continue
    }
    const U = BigInt(unitBytes)
    const k = bw / M
    const n = Number((big(lu) - big(fu)) / U) + 1
    if ((unitBytes * k < 3 || n > 400) && unitBytes < M) {
      units.push({
        kind: 'unit-band',
        x: segX,
        w: segW,
        label: `${int(Math.round(segW / k / unitBytes))} × ${bytes(unitBytes)} ${unitName}s`,
        title: `${unitName}s ${fu}–${lu}: ${int(n)} units of ${bytes(unitBytes)}`,
        addr: fu
      })
      continue
    }
    // section boundaries inside the segment (virtual), to find units that straddle two sections
    const bounds = seg.slice(1).map((r) => big(r.memmapVirt!))
    for (let i = 0; i < n; i++) {
      const ua = big(fu) + BigInt(i) * U
      const ux0 = segX + Number(ua - v0) * k
      const ux1 = ux0 + unitBytes * k
      const cx0 = Math.max(segX, ux0)
      const cx1 = Math.min(segX + segW, ux1)
      if (cx1 <= cx0) continue
      const shared = bounds.some((b) => b > ua && b < ua + U) || (i === 0 && seg[0].sharesWithPrevious) || (i === n - 1 && ux1 > segX + segW + 0.01)
      units.push({
        kind: 'unit',
        x: cx0,
        w: cx1 - cx0,
        label: '',
        title: `${unitName} ${hex(ua)}–${hex(ua + U - 1n)} (${bytes(unitBytes)})${shared ? '\nshared by two sections' : ''}`,
        shared,
        addr: hex(ua)
      })
    }
  }
  return { sections, units, breaks }
}

/** Whether a check card's id goes on a line of its own under the title (the card is too narrow for both). */
function idBelow(c: CheckBadge, cardWidth: number): boolean {
  const inner = cardWidth - 110
  return textWidth(c.title, 12.5, { bold: true }) + textWidth(c.id, 10, { mono: true }) + 20 > inner && inner < 560
}

function checkHeight(c: CheckBadge, width: number): number {
  const inner = width - 2 * MARGIN - 110
  const cond = wrap(c.condition, inner, 11, { mono: true }).length
  const vals = wrap(c.values, inner, 10.5, { maxLines: 3 }).length
  return 26 + (idBelow(c, width - 2 * MARGIN) ? 14 : 0) + cond * 15 + vals * 14 + 8
}

function statusFill(t: Theme, s: CheckBadge['status']): string {
  return s === 'pass' ? t.pass : s === 'fail' ? t.fail : t.note
}

export function renderChecks(t: Theme, checks: CheckBadge[], x: number, y: number, width: number, heights: number[]): string {
  const out: string[] = []
  let cy = y
  checks.forEach((c, i) => {
    const h = heights[i]
    const inner = width - 110
    const fill = statusFill(t, c.status)
    const b = badge(x + 12, cy + 10, c.status === 'pass' ? '✓ PASS' : c.status === 'fail' ? '✗ FAIL' : '! NOTE', fill, { size: 10 })
    const cond = wrap(c.condition, inner, 11, { mono: true })
    const vals = wrap(c.values, inner, 10.5, { maxLines: 3 })
    // narrow: the id under the title, so the title keeps its room
    const below = idBelow(c, width)
    const dy = below ? 14 : 0
    const body =
      tip(`${c.id}: ${c.title}\ncondition: ${c.condition}\nvalues: ${c.values}\nkernel: ${c.ref} (${c.versions})${c.consequence ? `\neffect: ${c.consequence}` : ''}`) +
      rect(x, cy, width, h, { rx: 6, fill: t.panel, stroke: t.panelBorder }) +
      rect(x, cy, 4, h, { fill }) +
      b.svg +
      text(x + 98, cy + 22, truncate(c.title, below ? inner : inner - textWidth(c.id, 10, { mono: true }) - 20, 12.5, { bold: true }), { size: 12.5, weight: 'bold', fill: t.text }) +
      (below
        ? text(x + 98, cy + 37, truncate(c.id, inner, 10, { mono: true }), { size: 10, mono: true, fill: t.muted })
        : text(x + width - 12, cy + 22, c.id, { size: 10, mono: true, anchor: 'end', fill: t.muted })) +
      cond.map((l, k) => text(x + 98, cy + 40 + dy + k * 15, l, { size: 11, mono: true, fill: t.text })).join('') +
      vals.map((l, k) => text(x + 98, cy + 40 + dy + cond.length * 15 + k * 14, l, { size: 10.5, fill: t.muted })).join('')
    out.push(el('g', dataAttrs({ kind: 'check', id: c.id, status: c.status, severity: c.severity }), body))
    cy += h + 8
  })
  return out.join('')
}

export function renderSections(report: AnalysisReport, opts: ViewOptions = {}): string {
  const t = theme(opts.theme)
  const m = sectionsModel(report, opts)
  const hd = header(t, m.width, m.title, m.subtitle)
  if (!m.available)
    return messageDocument(
      'sections',
      t,
      m,
      hd.svg,
      m.layout.factsY + 30,
      'This report has no memmap analysis (analyze with the memmap model to see section placement).',
      opts.source,
      Math.max(m.height, 200)
    )
  const out: string[] = [hd.svg]
  const W = m.width - 2 * MARGIN

  // facts strip
  const fy = m.layout.factsY
  out.push(panel(t, MARGIN, fy, W, m.layout.factsH))
  const per = m.layout.factsPerLine
  const fw = W / per
  m.facts.forEach((f, k) => {
    const i = k % per
    const fy = m.layout.factsY + Math.floor(k / per) * 48
    const fx = MARGIN + 14 + i * fw
    const mono = f.value.startsWith('0x')
    out.push(
      el(
        'g',
        dataAttrs({ kind: 'fact', label: f.label }),
        tip(`${f.label}: ${f.value}\n${f.title}`) +
          text(fx, fy + 22, truncate(f.label, fw - 18, 10.5), { size: 10.5, fill: t.muted }) +
          text(fx, fy + 42, truncate(f.value, fw - 18, mono ? 12 : 14, { mono, bold: !mono }), { size: mono ? 12 : 14, weight: mono ? undefined : 'bold', mono, fill: t.text })
      )
    )
  })

  // diagram
  const dy = m.layout.diagramY
  out.push(heading(t, MARGIN, dy + 4, DIAGRAM_HEADING, diagramNote(m.rows.length, m.unitName, m.unitBytes), W))
  const rowA = dy + m.layout.diagramExtra + 22
  const rowB = dy + m.layout.diagramExtra + 74
  const boxH = 34
  out.push(
    text(MARGIN, rowA + 15, 'section (physical)', { size: 11.5, weight: 'bold', fill: t.text }) +
      text(MARGIN, rowA + 29, `${bytes(report.sections.pagesPerSection * report.pageSizeBytes)} each`, { size: 10, fill: t.muted })
  )
  out.push(text(MARGIN, rowB + 12, 'struct pages', { size: 11.5, weight: 'bold', fill: t.text }) + text(MARGIN, rowB + 26, `in ${m.unitName}s`, { size: 10, fill: t.muted }))
  const nodeFill = (nid: number): string => t.categorical[nid % t.categorical.length]
  for (const b of m.diagram.sections) {
    const fill = nodeFill(b.nid ?? 0)
    out.push(
      el(
        'g',
        dataAttrs({ kind: 'section', section: b.section, nid: b.nid }),
        tip(b.title) +
          rect(b.x + 1, rowA, b.w - 2, boxH, { rx: 3, fill }) +
          (textWidth(b.label, 11) < b.w - 6 ? text(b.x + b.w / 2, rowA + boxH / 2 + 4, b.label, { size: 11, anchor: 'middle', fill: inkOn(fill), weight: 'bold' }) : '')
      )
    )
    // connector
    out.push(line(b.x + b.w / 2, rowA + boxH, b.x + b.w / 2, rowB, { stroke: t.faint, 'stroke-width': 1, 'stroke-dasharray': '2 2' }))
  }
  for (const u of m.diagram.units) {
    const fill = u.shared ? t.hole : t.section
    const h = 26
    const shape =
      u.kind === 'unit-band'
        ? rect(u.x + 1, rowB, u.w - 2, h, { fill: t.section, rx: 2 }) + text(u.x + u.w / 2, rowB + 17, truncate(u.label, u.w - 8, 10.5), { size: 10.5, anchor: 'middle', fill: inkOn(t.section) })
        : rect(u.x + 0.5, rowB, Math.max(1, u.w - 1), h, { fill, stroke: t.background, 'stroke-width': 1 })
    out.push(el('g', dataAttrs({ kind: u.kind, addr: u.addr, shared: u.shared }), tip(u.title) + shape))
  }
  for (const bx of m.diagram.breaks)
    out.push(text(bx, rowA + boxH / 2 + 5, '⋯', { size: 14, anchor: 'middle', fill: t.muted }) + text(bx, rowB + 18, '⋯', { size: 14, anchor: 'middle', fill: t.muted }))
  // the first and last struct page addresses under the units (the last one row lower where both do not fit)
  const firstVirt = m.rows[0]?.memmapVirt
  if (firstVirt) out.push(text(m.diagram.x, rowB + 42, firstVirt, { size: 10, mono: true, fill: t.muted }))
  const lastRow = m.rows[m.rows.length - 1]
  if (lastRow?.memmapVirt) {
    const end = hex(big(lastRow.memmapVirt) + BigInt(lastRow.memmapBytes) - 1n)
    const lastBox = m.diagram.sections[m.diagram.sections.length - 1]
    const right = lastBox.x + lastBox.w
    const clash = firstVirt !== null && firstVirt !== undefined && m.diagram.x + textWidth(firstVirt, 10, { mono: true }) + 8 > right - textWidth(end, 10, { mono: true })
    out.push(text(right, rowB + 42 + (clash ? 14 : 0), end, { size: 10, mono: true, fill: t.muted, anchor: 'end' }))
  }

  // table
  const ty = m.layout.tableY
  out.push(heading(t, MARGIN, ty, TABLE_HEADING, tableNote(m.window.start, m.rows.length, m.window.total), W))
  const hy = ty + m.layout.tableExtra + 12
  // the heading row: one line per line of the rows' columns
  const headH = 22 + (m.layout.tableLines - 1) * LINE_STEP
  out.push(rect(MARGIN, hy, W, headH, { fill: t.panel, stroke: t.panelBorder, rx: 4 }))
  for (const c of m.columns) {
    const cx = c.x
    const w = c.width
    out.push(text(c.align === 'end' ? cx + w - 10 : cx, hy + 15 + c.line * LINE_STEP, c.label, { size: 11, weight: 'bold', fill: t.text, anchor: c.align === 'end' ? 'end' : 'start' }))
  }
  m.rows.forEach((r, i) => {
    const ry = hy + headH + i * m.layout.rowH
    const parts: string[] = [tip(r.title)]
    if (i % 2 === 1) parts.push(rect(MARGIN, ry, W, m.layout.rowH, { fill: t.panel, opacity: 0.6 }))
    m.columns.forEach((c) => {
      const w = c.width
      const v = r.cells[c.key]
      const fill = c.key === 'shares' && r.sharesWithPrevious ? t.note : c.key === 'mphys' && !r.fromBuffer ? t.fail : t.text
      parts.push(
        text(c.align === 'end' ? c.x + w - 10 : c.x, ry + 15 + c.line * LINE_STEP, truncate(v, w - 12, 11, { mono: c.mono }), {
          size: 11,
          mono: c.mono,
          fill,
          anchor: c.align === 'end' ? 'end' : 'start'
        })
      )
    })
    out.push(el('g', dataAttrs({ kind: 'section-row', section: r.section, index: r.index, nid: r.nid, memmapVirt: r.memmapVirt ?? undefined, shares: r.sharesWithPrevious }), parts.join('')))
  })
  out.push(line(MARGIN, hy + headH + m.rows.length * m.layout.rowH, MARGIN + W, hy + headH + m.rows.length * m.layout.rowH, { stroke: t.panelBorder }))

  // folio alignment ruler
  if (m.folio) {
    const f = m.folio
    const y0 = m.layout.folioY
    out.push(heading(t, MARGIN, y0, FOLIO_HEADING, folioNote(f), W))
    const rx = MARGIN + 150
    const rw = W - 150 - 20
    const ox = (o: number): number => rx + (Math.max(0, o) / f.rulerMax) * rw
    const ry = y0 + m.layout.folioExtra + 56
    out.push(text(MARGIN, ry + 12, 'folio order', { size: 11.5, weight: 'bold', fill: t.text }) + text(MARGIN, ry + 26, `S = ${f.structPageSize} B`, { size: 10, fill: t.muted }))
    out.push(rect(rx, ry, rw, 16, { fill: t.laneBackground, rx: 3 }))
    if (f.maxOrder >= 0)
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'aligned-range', maxOrder: f.maxOrder }),
          tip(`struct pages are naturally aligned for folios up to order ${f.maxOrder} (${bytes(f.maxBytes)}): (A / S) × PAGE_SIZE`) + rect(rx, ry, ox(f.maxOrder) - rx, 16, { fill: t.pass, rx: 3 })
        )
      )
    // order ticks
    for (let o = 0; o <= f.rulerMax; o += f.rulerMax > 24 ? 4 : 2)
      out.push(line(ox(o), ry - 4, ox(o), ry, { stroke: t.axis }) + text(ox(o), ry - 7, String(o), { size: 9.5, anchor: 'middle', fill: t.muted }))
    // the aligned limit is labelled inside its bar (or after it), MAX_FOLIO_ORDER above, huge pages below
    const fullLimit = f.maxOrder >= 0 ? `naturally aligned up to order ${f.maxOrder} (${bytes(f.maxBytes)})` : `no folio order is naturally aligned: S = ${f.structPageSize} is not a power of two`
    // where the full label fits neither inside the bar nor after it, a short one (the full one its tooltip)
    const end = f.maxOrder >= 0 ? ox(f.maxOrder) : rx
    const fits = (s: string): boolean => (f.maxOrder >= 0 && ox(f.maxOrder) - rx > textWidth(s, 10.5, { bold: true }) + 16) || end + 8 + textWidth(s, 10.5, { bold: true }) <= MARGIN + W
    const limitLabel = fits(fullLimit) ? fullLimit : f.maxOrder >= 0 ? `aligned ≤ order ${f.maxOrder}` : `no order aligned (S = ${f.structPageSize})`
    const lw = textWidth(limitLabel, 10.5, { bold: true })
    const inside = f.maxOrder >= 0 && ox(f.maxOrder) - rx > lw + 16
    out.push(
      text(inside ? rx + 10 : end + 8, ry + 12, limitLabel, {
        size: 10.5,
        weight: 'bold',
        anchor: 'start',
        fill: inside ? inkOn(t.pass) : f.maxOrder >= 0 ? t.text : t.fail,
        title: limitLabel === fullLimit ? undefined : fullLimit
      })
    )
    {
      const x = ox(f.maxFolioOrder)
      const ok = f.maxFolioOrder <= f.maxOrder
      const long = `MAX_FOLIO_ORDER ${f.maxFolioOrder} (${bytes(f.maxFolioBytes)})${f.maxFolioDefined ? '' : ', inferred for this version'} ${ok ? '✓' : '✗'}`
      // the short form where the long one is wider than the ruler (the marker's tooltip says it all)
      const label = textWidth(long, 10.5, { bold: true }) <= rw ? long : `MAX_FOLIO_ORDER ${f.maxFolioOrder} ${ok ? '✓' : '✗'}`
      const w = textWidth(label, 10.5, { bold: true })
      const anchor = x + w / 2 > MARGIN + W ? 'end' : x - w / 2 < rx ? 'start' : 'middle'
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'order-marker', order: f.maxFolioOrder, aligned: ok }),
          tip(
            `MAX_FOLIO_ORDER = ${f.maxFolioOrder} (${bytes(f.maxFolioBytes)})${f.maxFolioDefined ? '' : ', inferred for this version'}: the largest folio; ${ok ? 'within' : 'beyond'} the naturally aligned range`
          ) +
            line(x, ry - 20, x, ry + 16, { stroke: ok ? t.text : t.fail, 'stroke-width': 2 }) +
            text(anchor === 'end' ? x + 4 : anchor === 'start' ? x - 4 : x, ry - 24, label, { size: 10.5, weight: 'bold', anchor, fill: ok ? t.text : t.fail })
        )
      )
    }
    const places = hugePagePlaces(f, rx, rw)
    for (const [k, h] of [...f.hugePages].sort((a, b) => a.order - b.order).entries()) {
      const x = ox(h.order)
      const { label, left, w, row } = places[k]
      const dy2 = row * 14
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'hugepage-marker', order: h.order, aligned: h.aligned }),
          tip(label) +
            line(x, ry + 22, x, ry + 30 + dy2, { stroke: h.aligned ? t.muted : t.fail, 'stroke-width': 1.2, 'stroke-dasharray': '3 2' }) +
            el('path', { d: `M${x - 4} ${ry + 22} L${x + 4} ${ry + 22} L${x} ${ry + 16} Z`, fill: h.aligned ? t.text : t.fail }) +
            text(left + w / 2, ry + 40 + dy2, label, { size: 10, anchor: 'middle', fill: h.aligned ? t.text : t.fail })
        )
      )
    }
  }

  // checks
  out.push(heading(t, MARGIN, m.layout.checksY + 4, CHECKS_HEADING, checksNote(m.checks), W))
  out.push(renderChecks(t, m.checks, MARGIN, m.layout.checksY + m.layout.checksExtra + 18, W, m.layout.checkHeights))

  return svgDocument({ view: 'sections', width: m.width, height: m.height, title: m.title, desc: m.desc, theme: t, body: out.join(''), source: opts.source })
}
