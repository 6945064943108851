// NOMAP & holes side by side: the kernel policies as columns, the layout's holes and
// NOMAP ranges as rows (a window of report.memmap.policies.rows): pfn_valid(), how the
// struct pages are initialised, PageReserved, the linear map, partial pageblocks, what pfn
// walkers risk and the memmap spent; then the per-policy summary and zone contiguity.

import type { AnalysisReport } from '../engine/report.ts'
import type { Cell, PolicyId, RangeRow } from '../engine/memmap/policies.ts'
import type { ViewOptions } from './index.ts'
import { memRange, pfnRange } from '../engine/units.ts'
import {
  badge,
  bytes,
  dataAttrs,
  el,
  esc,
  header,
  heading,
  hex,
  int,
  MARGIN,
  RANGE_NOTE,
  rect,
  svgDocument,
  text,
  theme,
  tip,
  messageDocument,
  type ViewModelBase,
  truncate,
  wrap,
  type Theme
} from './svg.ts'

export type WalkerRisk = 'safe' | 'costly' | 'not-contiguous' | 'risk'

export interface NomapColumn {
  id: PolicyId
  title: string
  versions: string
  /** the policy of the scenario's kernel */
  running: boolean
  x: number
  w: number
  titleLines: string[]
}

export interface NomapLine {
  key: string
  value: string
  lines: string[]
}

/** One policy's cell (the engine's Cell) as drawn. */
export interface NomapCell extends Cell {
  policy: PolicyId
  risk: WalkerRisk
  lines: NomapLine[]
  title: string
}

/** One hole or NOMAP range (the engine's row) as drawn. */
export interface NomapRow extends RangeRow {
  index: number
  label: string[]
  cells: NomapCell[]
  y: number
  h: number
}

export interface NomapModel extends ViewModelBase {
  available: boolean
  columns: NomapColumn[]
  rows: NomapRow[]
  /** rows shown, rows in the layout, rows the report carries (the engine's window) */
  window: { start: number; count: number; total: number; carried: number }
  summary: { label: string; values: string[] }[]
  contiguity: { nid: number; zone: string; cells: { contiguous: boolean; why: string; lines: string[] }[] }[]
  totals: { partialPageblocks: number; partialMaxOrderBlocks: number; memmapBytes: number } | null
  layout: { headerY: number; headerH: number; rowsY: number; summaryY: number; contiguityY: number; contiguityRowH: number[] }
}

const LEFT_W = 210
const LINE_H = 14
const VAL_SIZE = 11

export function walkerRisk(w: string): WalkerRisk {
  if (/^RISK/i.test(w)) return 'risk'
  if (/^safe at a cost/i.test(w)) return 'costly'
  if (/^safe/i.test(w)) return 'safe'
  return 'not-contiguous'
}

const RISK_LABEL: Record<WalkerRisk, string> = { safe: 'safe', costly: 'safe, per-pfn cost', 'not-contiguous': 'zone not contiguous', risk: 'RISK' }

export function nomapModel(report: AnalysisReport, opts: ViewOptions = {}): NomapModel {
  const t = theme(opts.theme)
  const width = Math.max(900, opts.width ?? 1200)
  const ps = report.pageSizeBytes
  const title = `NOMAP & holes under ${report.memmap?.policies.policies.length ?? 0} policies — ${report.name || 'scenario'}`
  const pol = report.memmap?.policies
  const W = width - 2 * MARGIN
  const colW = (W - LEFT_W) / Math.max(1, pol?.policies.length ?? 4)
  const running = (report.memmap?.checks.find((c) => c.id === 'nomap.walkers')?.values.policy as PolicyId | undefined) ?? null
  const columns: NomapColumn[] = (pol?.policies ?? []).map((p, i) => ({
    id: p.id,
    title: p.title,
    versions: p.versions,
    running: p.id === running,
    x: MARGIN + LEFT_W + i * colW,
    w: colW,
    titleLines: wrap(p.title, colW - 20, 11.5, { bold: true, maxLines: 3 })
  }))
  const carried = pol?.rows.length ?? 0
  const start = Math.max(0, Math.min(opts.window?.start ?? 0, Math.max(0, carried - 1)))
  const count = Math.max(1, opts.window?.count ?? 12)
  const inner = colW - 18

  const hd = header(t, width, title, 'x')
  const headerY = hd.bottom + 30
  const headerH = 18 + Math.max(1, ...columns.map((c) => c.titleLines.length)) * 15 + 30
  let y = headerY + headerH + 6
  const rows: NomapRow[] = (pol?.rows ?? []).slice(start, start + count).map(({ row, cells }, k) => {
    const len = row.end - row.start
    const label = [
      pfnRange(row.start, row.end),
      `${bytes(len * ps)} · ${int(len)} pages`,
      `node ${row.nid} · zone ${row.zone}`,
      ...(row.linkedZone !== row.zone ? [`linked to zone ${row.linkedZone}`] : [])
    ]
    const cs: NomapCell[] = columns.map((c) => {
      const cell = cells[c.id]
      const risk = walkerRisk(cell.walkers)
      const kv = (key: string, value: string, maxLines?: number): NomapLine => ({ key, value, lines: wrap(`${key} ${value}`, inner, VAL_SIZE, { maxLines }) })
      const lines: NomapLine[] = [
        kv('pfn_valid()', cell.pfnValid === 'partial' ? `partial (${int(cell.validPages)} pages)` : cell.pfnValid),
        kv('struct page', cell.structPage, 3),
        kv('PageReserved', cell.pageReserved ? 'yes' : 'no'),
        kv('linear map', cell.linearMap ? 'yes' : 'no'),
        kv('partial blocks', `${cell.partialPageblocks} pageblock${cell.partialPageblocks === 1 ? '' : 's'}, ${cell.partialMaxOrderBlocks} MAX_ORDER`),
        kv('walkers', cell.walkers, 4),
        kv('memmap', bytes(cell.memmapBytes))
      ]
      const titleText = `${row.kind === 'nomap' ? 'NOMAP' : 'hole'} ${pfnRange(row.start, row.end)} under "${c.title}"\n` + lines.map((l) => `${l.key}: ${l.value}`).join('\n')
      return {
        policy: c.id,
        pfnValid: cell.pfnValid,
        validPages: cell.validPages,
        structPage: cell.structPage,
        pageReserved: cell.pageReserved,
        linearMap: cell.linearMap,
        partialPageblocks: cell.partialPageblocks,
        partialMaxOrderBlocks: cell.partialMaxOrderBlocks,
        walkers: cell.walkers,
        risk,
        memmapBytes: cell.memmapBytes,
        lines,
        title: titleText
      }
    })
    const contentLines = Math.max(label.length + 1, ...cs.map((c) => c.lines.reduce((a, l) => a + l.lines.length, 0) + 2))
    const h = contentLines * LINE_H + 16
    const r: NomapRow = { index: start + k, kind: row.kind, start: row.start, end: row.end, nid: row.nid, zone: row.zone, linkedZone: row.linkedZone, label, cells: cs, y, h }
    y += h + 6
    return r
  })

  const summary: NomapModel['summary'] = pol
    ? [
        { label: 'pfn_valid() pages', values: columns.map((c) => int(pol.summary[c.id].validPages)) },
        { label: 'ranges PageReserved', values: columns.map((c) => `${int(pol.summary[c.id].reservedRanges)} of ${int(pol.rowCount)}`) },
        { label: 'ranges at risk', values: columns.map((c) => int(pol.summary[c.id].rangesAtRisk)) },
        ...(pol.freeUnusedMemmap.runs ? [{ label: 'memmap freed (free_unused_memmap)', values: pol.policies.map((p) => bytes(pol.freeUnusedMemmap.freedBytes[p.freeMemmapRounding])) }] : [])
      ]
    : []
  const contiguity: NomapModel['contiguity'] = (pol?.contiguity ?? []).map((z) => ({
    nid: z.nid,
    zone: z.zone,
    cells: columns.map((c) => ({ contiguous: z.contiguous[c.id], why: z.why[c.id], lines: wrap(z.why[c.id], inner - 4, 10, { maxLines: 3 }) }))
  }))
  const summaryY = y + 26
  const contiguityY = summaryY + 26 + summary.length * 22 + 34
  const contiguityRowH = contiguity.map((z) => 26 + Math.max(...z.cells.map((c) => c.lines.length)) * 13)
  const height = contiguityY + 24 + contiguityRowH.reduce((a, b) => a + b + 4, 0) + MARGIN

  const subtitle = pol
    ? `kernel ${report.kernel} · ${report.arch} · ${int(pol.rowCount)} holes and NOMAP ranges${rows.length < pol.rowCount ? ` (rows ${start}–${start + rows.length - 1} shown${carried < pol.rowCount ? `; the report carries the first ${carried}` : ''})` : ''} · over all rows: ${pol.totals.partialPageblocks} partial pageblocks, ${pol.totals.partialMaxOrderBlocks} partial MAX_ORDER blocks, memmap ${bytes(pol.totals.memmapBytes)}`
    : `kernel ${report.kernel} · ${report.arch} · no memmap analysis in this report`
  const desc = pol
    ? `${rows.length} holes and NOMAP ranges compared under ${columns.length} policies (${columns.map((c) => c.id).join(', ')}). Ranges at risk per policy: ${columns.map((c) => `${c.id} ${pol.summary[c.id].rangesAtRisk}`).join(', ')}.`
    : 'No memmap analysis in this report.'
  return {
    title,
    subtitle,
    desc,
    width,
    height,
    available: !!pol,
    columns,
    rows,
    window: { start, count: rows.length, total: pol?.rowCount ?? 0, carried },
    summary,
    contiguity,
    totals: pol?.totals ?? null,
    layout: { headerY, headerH, rowsY: headerY + headerH + 6, summaryY, contiguityY, contiguityRowH }
  }
}

function riskFill(t: Theme, r: WalkerRisk): string {
  return r === 'safe' ? t.pass : r === 'risk' ? t.fail : t.note
}

/** "key value…" wrapped, the key bold and muted on the first line. */
function kvText(t: Theme, x: number, y: number, l: NomapLine): string {
  return l.lines
    .map((ln, i) => {
      const yy = y + i * LINE_H
      if (i === 0 && ln.startsWith(l.key)) {
        const rest = ln.slice(l.key.length)
        return `<text x="${x}" y="${yy}" font-size="${VAL_SIZE}" fill="${t.text}"><tspan font-weight="bold" fill="${t.muted}">${esc(l.key)}</tspan>${esc(rest)}</text>`
      }
      return text(x, yy, ln, { size: VAL_SIZE, fill: t.text })
    })
    .join('')
}

export function renderNomap(report: AnalysisReport, opts: ViewOptions = {}): string {
  const t = theme(opts.theme)
  const m = nomapModel(report, opts)
  const hd = header(t, m.width, m.title, m.subtitle)
  if (!m.available || !m.rows.length)
    return messageDocument('nomap', t, m, hd.svg, hd.bottom + 40, m.available ? 'This layout has no holes and no NOMAP ranges.' : 'This report has no memmap analysis.', opts.source)
  const out: string[] = [hd.svg]
  const W = m.width - 2 * MARGIN

  // column headers
  const hy = m.layout.headerY
  out.push(heading(t, MARGIN, hy - 10, 'Ranges × policies', RANGE_NOTE))
  out.push(text(MARGIN, hy + 18, 'range', { size: 11.5, weight: 'bold', fill: t.text }) + text(MARGIN, hy + 33, 'holes and NOMAP ranges', { size: 10, fill: t.muted }))
  for (const c of m.columns) {
    const parts = [
      tip(`${c.title}\nversions: ${c.versions}${c.running ? "\nthe policy of this scenario's kernel" : ''}`),
      rect(c.x + 3, hy, c.w - 6, m.layout.headerH, { rx: 6, fill: t.panel, stroke: c.running ? t.pass : t.panelBorder, 'stroke-width': c.running ? 2 : 1 })
    ]
    c.titleLines.forEach((l, i) => parts.push(text(c.x + 12, hy + 18 + i * 15, l, { size: 11.5, weight: 'bold', fill: t.text })))
    const vy = hy + 18 + c.titleLines.length * 15
    parts.push(text(c.x + 12, vy, truncate(c.versions, c.w - 24, 10), { size: 10, fill: t.muted }))
    if (c.running) parts.push(badge(c.x + 12, vy + 6, "this scenario's kernel", t.pass, { size: 9.5 }).svg)
    out.push(el('g', dataAttrs({ kind: 'policy', policy: c.id, running: c.running }), parts.join('')))
  }

  // rows
  for (const r of m.rows) {
    const kindFill = r.kind === 'nomap' ? t.nomap : t.hole
    const head = [
      tip(
        `${r.kind === 'nomap' ? 'NOMAP range' : 'hole'} ${pfnRange(r.start, r.end)} ${memRange(r.start * report.pageSizeBytes, r.end * report.pageSizeBytes)}\nnode ${r.nid}, zone ${r.zone}${r.linkedZone !== r.zone ? `, struct pages linked to ${r.linkedZone}` : ''}`
      ),
      rect(MARGIN, r.y, W, r.h, { rx: 6, fill: t.background, stroke: t.panelBorder }),
      rect(MARGIN, r.y, 4, r.h, { fill: kindFill }),
      badge(MARGIN + 12, r.y + 9, r.kind === 'nomap' ? 'NOMAP' : 'HOLE', kindFill, { size: 9.5 }).svg,
      ...r.label.map((l, i) => text(MARGIN + 12, r.y + 42 + i * LINE_H, l, { size: i === 0 ? 10.5 : 10.5, mono: i === 0, fill: i === 0 ? t.text : t.muted }))
    ]
    out.push(el('g', dataAttrs({ kind: 'range', range: r.kind, start: hex(r.start), end: hex(r.end), nid: r.nid, zone: r.zone }), head.join('')))
    r.cells.forEach((c, i) => {
      const col = m.columns[i]
      const x = col.x + 9
      const parts = [tip(c.title), rect(col.x + 3, r.y + 4, col.w - 6, r.h - 8, { rx: 4, fill: t.panel })]
      const rb = badge(x, r.y + 9, RISK_LABEL[c.risk], riskFill(t, c.risk), { size: 9.5 })
      parts.push(rb.svg)
      let ly = r.y + 42
      for (const l of c.lines) {
        parts.push(kvText(t, x, ly, l))
        ly += l.lines.length * LINE_H
      }
      out.push(el('g', dataAttrs({ kind: 'policy-cell', policy: c.policy, start: hex(r.start), pfnValid: c.pfnValid, reserved: c.pageReserved, risk: c.risk }), parts.join('')))
    })
  }

  // summary
  const sy = m.layout.summaryY
  out.push(heading(t, MARGIN, sy, 'Summary over every hole and NOMAP range', `${int(m.window.total)} ranges`))
  m.summary.forEach((s, k) => {
    const ry = sy + 14 + k * 22
    if (k % 2 === 0) out.push(rect(MARGIN, ry, W, 22, { fill: t.panel }))
    out.push(text(MARGIN + 12, ry + 15, s.label, { size: 11.5, fill: t.text, weight: 'bold' }))
    s.values.forEach((v, i) => {
      const alarm = s.label === 'ranges at risk' && v !== '0'
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'summary', policy: m.columns[i].id, label: s.label }),
          tip(`${m.columns[i].title}: ${s.label} ${v}`) + text(m.columns[i].x + 12, ry + 15, v, { size: 11.5, fill: alarm ? t.fail : t.text, weight: alarm ? 'bold' : undefined, mono: true })
        )
      )
    })
  })

  // contiguity
  const cy0 = m.layout.contiguityY
  out.push(heading(t, MARGIN, cy0, 'Zone contiguity', 'set_zone_contiguous(): may compaction treat the zone as one contiguous span?'))
  let cy = cy0 + 14
  m.contiguity.forEach((z, k) => {
    const h = m.layout.contiguityRowH[k]
    out.push(rect(MARGIN, cy, W, h, { rx: 4, fill: t.panel }))
    out.push(text(MARGIN + 12, cy + 18, `node ${z.nid} · ${z.zone}`, { size: 11.5, weight: 'bold', fill: t.text }))
    z.cells.forEach((c, i) => {
      const col = m.columns[i]
      const b = badge(col.x + 9, cy + 6, c.contiguous ? '✓ contiguous' : '✗ not contiguous', c.contiguous ? t.pass : t.fail, { size: 9.5 })
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'contiguity', nid: z.nid, zone: z.zone, policy: col.id, contiguous: c.contiguous }),
          tip(`node ${z.nid} zone ${z.zone} under ${col.title}: ${c.contiguous ? 'contiguous' : 'not contiguous'}\n${c.why}`) +
            b.svg +
            c.lines.map((l, j) => text(col.x + 9, cy + 36 + j * 13, l, { size: 10, fill: t.muted })).join('')
        )
      )
    })
    cy += h + 4
  })
  return svgDocument({ view: 'nomap', width: m.width, height: m.height, title: m.title, desc: m.desc, theme: t, body: out.join(''), source: opts.source })
}
