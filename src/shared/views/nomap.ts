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
  headingExtra,
  hex,
  int,
  line,
  MARGIN,
  RANGE_NOTE,
  rect,
  svgDocument,
  text,
  theme,
  tip,
  messageDocument,
  type ViewModelBase,
  textWidth,
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
  /** the grid line the column is on (0 when the policies are side by side) */
  line: number
  /** the title and the versions, wrapped to the card in full (never cut short) */
  titleLines: string[]
  versionLines: string[]
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
  /** narrow: the policy's id goes under the badge (beside it, it would not fit) */
  tagBelow: boolean
}

/** One hole or NOMAP range (the engine's row) as drawn. */
export interface NomapRow extends RangeRow {
  index: number
  label: string[]
  cells: NomapCell[]
  y: number
  h: number
  /** narrow: the height of the range's own block above its cells (0 when wide) */
  headH: number
  /** each grid line's top, from the row's top */
  lineY: number[]
}

export interface NomapModel extends ViewModelBase {
  available: boolean
  columns: NomapColumn[]
  rows: NomapRow[]
  /** rows shown, rows in the layout, rows the report carries (the engine's window) */
  window: { start: number; count: number; total: number; carried: number }
  summary: { label: string; values: string[] }[]
  contiguity: { nid: number; zone: string; cells: { contiguous: boolean; why: string; lines: string[]; tagBelow: boolean }[] }[]
  totals: { partialPageblocks: number; partialMaxOrderBlocks: number; memmapBytes: number } | null
  layout: {
    /** the policies side by side beside the ranges (wide), or in a grid under each range (narrow) */
    wide: boolean
    /** policies per grid line */
    per: number
    headerY: number
    /** the header's height (all its grid lines) */
    headerH: number
    /** each grid line's header: top and height */
    headerLines: { y: number; h: number }[]
    rowsY: number
    summaryY: number
    summaryRowY: number[]
    contiguityY: number
    contiguityRowH: number[]
  }
}

const LEFT_W = 210
/** the narrowest width the view lays out for (drawing px) */
export const MIN_WIDTH = 440
/** a policy column is at least this wide beside the ranges; below, the policies go in a grid */
const MIN_COL_W = 120
/** a grid cell's narrowest width */
const MIN_CELL_W = 200
const RANGES_HEADING = 'Ranges × policies'
const SUMMARY_HEADING = 'Summary over every hole and NOMAP range'
const CONTIGUITY_HEADING = 'Zone contiguity'
const CONTIGUITY_NOTE = 'set_zone_contiguous(): may compaction treat the zone as one contiguous span?'
const LINE_H = 14
const VAL_SIZE = 11
/** a policy card: title lines 15 px apart, then the versions 13 px apart, then the running badge */
const TITLE_LH = 15
const VERSION_LH = 13

/** A policy card's height: its title and versions in full, the badge of the running policy. */
function cardHeight(c: NomapColumn): number {
  return 18 + c.titleLines.length * TITLE_LH + (c.versionLines.length - 1) * VERSION_LH + (c.running ? 30 : 12)
}

export function walkerRisk(w: string): WalkerRisk {
  if (/^RISK/i.test(w)) return 'risk'
  if (/^safe at a cost/i.test(w)) return 'costly'
  if (/^safe/i.test(w)) return 'safe'
  return 'not-contiguous'
}

const RISK_LABEL: Record<WalkerRisk, string> = { safe: 'safe', costly: 'safe, per-pfn cost', 'not-contiguous': 'zone not contiguous', risk: 'RISK' }
const BADGE_SIZE = 9.5
const TAG_SIZE = 10

/** Narrow (no column header above a cell): whether the policy's id fits beside the cell's badge, or goes under it. */
function tagFits(col: { id: string; w: number }, badgeLabel: string): boolean {
  const badgeW = textWidth(badgeLabel, BADGE_SIZE, { bold: true }) + 12
  return 9 + badgeW + 8 + textWidth(col.id, TAG_SIZE) <= col.w - 8
}
const contiguityLabel = (ok: boolean): string => (ok ? '✓ contiguous' : '✗ not contiguous')

export function nomapModel(report: AnalysisReport, opts: ViewOptions = {}): NomapModel {
  const t = theme(opts.theme)
  const width = Math.max(MIN_WIDTH, opts.width ?? 1200)
  const ps = report.pageSizeBytes
  const title = `NOMAP & holes under ${report.memmap?.policies.policies.length ?? 0} policies — ${report.name || 'scenario'}`
  const pol = report.memmap?.policies
  const W = width - 2 * MARGIN
  const nPol = Math.max(1, pol?.policies.length ?? 4)
  const wide = (W - LEFT_W) / nPol >= MIN_COL_W
  const per = wide ? nPol : Math.max(1, Math.min(nPol, Math.floor(W / MIN_CELL_W)))
  const leftW = wide ? LEFT_W : 0
  const colW = (W - leftW) / per
  const running = (report.memmap?.checks.find((c) => c.id === 'nomap.walkers')?.values.policy as PolicyId | undefined) ?? null
  const columns: NomapColumn[] = (pol?.policies ?? []).map((p, i) => ({
    id: p.id,
    title: p.title,
    versions: p.versions,
    running: p.id === running,
    x: MARGIN + leftW + (i % per) * colW,
    w: colW,
    line: Math.floor(i / per),
    titleLines: wrap(p.title, colW - 24, 11.5, { bold: true }),
    versionLines: wrap(p.versions, colW - 24, 10)
  }))
  const carried = pol?.rows.length ?? 0
  const start = Math.max(0, Math.min(opts.window?.start ?? 0, Math.max(0, carried - 1)))
  const count = Math.max(1, opts.window?.count ?? 12)
  const inner = colW - 18

  const shown = (pol?.rows ?? []).slice(start, start + count).length
  const subtitle = pol
    ? `kernel ${report.kernel} · ${report.arch} · ${int(pol.rowCount)} holes and NOMAP ranges${shown < pol.rowCount ? ` (rows ${start}–${start + shown - 1} shown${carried < pol.rowCount ? `; the report carries the first ${carried}` : ''})` : ''} · over all rows: ${pol.totals.partialPageblocks} partial pageblocks, ${pol.totals.partialMaxOrderBlocks} partial MAX_ORDER blocks, memmap ${bytes(pol.totals.memmapBytes)}`
    : `kernel ${report.kernel} · ${report.arch} · no memmap analysis in this report`
  const hd = header(t, width, title, subtitle)
  const gridLines = Math.max(1, Math.ceil(columns.length / per))
  const onLine = <T extends { line: number }>(xs: T[], l: number): T[] => xs.filter((c) => c.line === l)
  const headerY = hd.bottom + 30 + (wide ? 0 : headingExtra(RANGES_HEADING, RANGE_NOTE, W))
  const headerLines: { y: number; h: number }[] = []
  for (let l = 0, hy = headerY; l < gridLines; l++) {
    const h = Math.max(...onLine(columns, l).map(cardHeight))
    headerLines.push({ y: hy, h })
    hy += h + 6
  }
  const headerH = headerLines[headerLines.length - 1].y + headerLines[headerLines.length - 1].h - headerY
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
      const kv = (key: string, value: string): NomapLine => ({ key, value, lines: wrap(`${key} ${value}`, inner, VAL_SIZE) })
      const lines: NomapLine[] = [
        kv('pfn_valid()', cell.pfnValid === 'partial' ? `partial (${int(cell.validPages)} pages)` : cell.pfnValid),
        kv('struct page', cell.structPage),
        kv('PageReserved', cell.pageReserved ? 'yes' : 'no'),
        kv('linear map', cell.linearMap ? 'yes' : 'no'),
        kv('partial blocks', `${cell.partialPageblocks} pageblock${cell.partialPageblocks === 1 ? '' : 's'}, ${cell.partialMaxOrderBlocks} MAX_ORDER`),
        kv('walkers', cell.walkers),
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
        title: titleText,
        tagBelow: !wide && !tagFits(c, RISK_LABEL[risk])
      }
    })
    const cellLines = (c: NomapCell): number => c.lines.reduce((a, l) => a + l.lines.length, 0) + 2 + (c.tagBelow ? 1 : 0)
    let h: number
    let headH = 0
    const lineY: number[] = []
    if (wide) {
      h = Math.max(label.length + 1, ...cs.map(cellLines)) * LINE_H + 16
      lineY.push(0)
    } else {
      // the range's badge and label on top, then the policies' cells, `per` to a line
      headH = 42 + (label.length - 1) * LINE_H + 8
      h = headH
      for (let l = 0; l < gridLines; l++) {
        lineY.push(h)
        h += Math.max(...cs.filter((_, i) => columns[i].line === l).map(cellLines)) * LINE_H + 16
      }
      h += 4
    }
    const r: NomapRow = { index: start + k, kind: row.kind, start: row.start, end: row.end, nid: row.nid, zone: row.zone, linkedZone: row.linkedZone, label, cells: cs, y, h, headH, lineY }
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
    cells: columns.map((c) => ({
      contiguous: z.contiguous[c.id],
      why: z.why[c.id],
      lines: wrap(z.why[c.id], inner - 4, 10),
      tagBelow: !wide && !tagFits(c, contiguityLabel(z.contiguous[c.id]))
    }))
  }))
  const summaryY = y + 26
  // wide: one row per figure; narrow: the figure's name, then per policy its id over its value
  const summaryRowY: number[] = []
  let sy = summaryY + 14 + headingExtra(SUMMARY_HEADING, `${int(pol?.rowCount ?? 0)} ranges`, wide ? Infinity : W)
  for (const _ of summary) {
    summaryRowY.push(sy)
    sy += wide ? 22 : 22 + gridLines * 30 + 4
  }
  const contiguityY = sy + 12 + 34
  const contiguityRowH = contiguity.map((z) =>
    wide
      ? 26 + Math.max(...z.cells.map(contiguityLines)) * 13
      : 26 + Array.from({ length: gridLines }, (_, l) => 25 + Math.max(...z.cells.filter((_, i) => columns[i].line === l).map(contiguityLines)) * 13).reduce((a, b) => a + b, 0)
  )
  const contiguityTop = contiguityY + 14 + (wide ? 0 : headingExtra(CONTIGUITY_HEADING, CONTIGUITY_NOTE, W))
  const height = contiguityTop + 10 + contiguityRowH.reduce((a, b) => a + b + 4, 0) + MARGIN

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
    layout: { wide, per, headerY, headerH, headerLines, rowsY: headerY + headerH + 6, summaryY, summaryRowY, contiguityY, contiguityRowH }
  }
}

/** a contiguity cell's text lines: its reason, and the policy's id when it goes under the badge */
function contiguityLines(c: { lines: string[]; tagBelow: boolean }): number {
  return c.lines.length + (c.tagBelow ? 1 : 0)
}

function riskFill(t: Theme, r: WalkerRisk): string {
  return r === 'safe' ? t.pass : r === 'risk' ? t.fail : t.note
}

/** A policy's id (narrow: the cell has no column header above it), beside its badge or under it (tagFits()). */
function policyTag(t: Theme, x: number, y: number, id: string): string {
  return text(x, y, id, { size: TAG_SIZE, fill: t.muted })
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
  const L = m.layout
  const headingY = L.wide ? L.headerY - 10 : L.headerY - 10 - headingExtra(RANGES_HEADING, RANGE_NOTE, W)
  out.push(heading(t, MARGIN, headingY, RANGES_HEADING, RANGE_NOTE, L.wide ? Infinity : W))
  if (L.wide) out.push(text(MARGIN, L.headerY + 18, 'range', { size: 11.5, weight: 'bold', fill: t.text }) + text(MARGIN, L.headerY + 33, 'holes and NOMAP ranges', { size: 10, fill: t.muted }))
  for (const c of m.columns) {
    const hl = L.headerLines[c.line]
    const hy = hl.y
    const parts = [
      tip(`${c.title}\nversions: ${c.versions}${c.running ? "\nthe policy of this scenario's kernel" : ''}`),
      rect(c.x + 3, hy, c.w - 6, hl.h, { rx: 6, fill: t.panel, stroke: c.running ? t.pass : t.panelBorder, 'stroke-width': c.running ? 2 : 1 })
    ]
    c.titleLines.forEach((l, i) => parts.push(text(c.x + 12, hy + 18 + i * TITLE_LH, l, { size: 11.5, weight: 'bold', fill: t.text })))
    const vy = hy + 18 + c.titleLines.length * TITLE_LH
    c.versionLines.forEach((l, i) => parts.push(text(c.x + 12, vy + i * VERSION_LH, l, { size: 10, fill: t.muted })))
    if (c.running) parts.push(badge(c.x + 12, vy + (c.versionLines.length - 1) * VERSION_LH + 6, "this scenario's kernel", t.pass, { size: 9.5 }).svg)
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
      ...r.label.map((l, i) => text(MARGIN + 12, r.y + 42 + i * LINE_H, l, { size: i === 0 ? 10.5 : 10.5, mono: i === 0, fill: i === 0 ? t.text : t.muted })),
      // narrow: the policies' grid under the range's label
      ...(r.headH ? [line(MARGIN + 4, r.y + r.headH - 4, MARGIN + W, r.y + r.headH - 4, { stroke: t.panelBorder })] : [])
    ]
    out.push(el('g', dataAttrs({ kind: 'range', range: r.kind, start: hex(r.start), end: hex(r.end), nid: r.nid, zone: r.zone }), head.join('')))
    r.cells.forEach((c, i) => {
      const col = m.columns[i]
      const x = col.x + 9
      const top = r.y + r.lineY[col.line]
      const bottom = col.line + 1 < r.lineY.length ? r.y + r.lineY[col.line + 1] : r.y + r.h - (r.headH ? 4 : 0)
      const parts = [tip(c.title), rect(col.x + 3, top + 4, col.w - 6, bottom - top - 8, { rx: 4, fill: t.panel })]
      const rb = badge(x, top + 9, RISK_LABEL[c.risk], riskFill(t, c.risk), { size: BADGE_SIZE })
      parts.push(rb.svg)
      // narrow: no column header above the cell, so it names its policy
      if (!L.wide) parts.push(c.tagBelow ? policyTag(t, x, top + 42, col.id) : policyTag(t, x + rb.width + 8, top + 21, col.id))
      let ly = top + 42 + (c.tagBelow ? LINE_H : 0)
      for (const l of c.lines) {
        parts.push(kvText(t, x, ly, l))
        ly += l.lines.length * LINE_H
      }
      out.push(el('g', dataAttrs({ kind: 'policy-cell', policy: c.policy, start: hex(r.start), pfnValid: c.pfnValid, reserved: c.pageReserved, risk: c.risk }), parts.join('')))
    })
  }

  // summary
  const sy = m.layout.summaryY
  out.push(heading(t, MARGIN, sy, SUMMARY_HEADING, `${int(m.window.total)} ranges`, L.wide ? Infinity : W))
  m.summary.forEach((s, k) => {
    const ry = L.summaryRowY[k]
    const rh = k + 1 < L.summaryRowY.length ? L.summaryRowY[k + 1] - ry : L.wide ? 22 : L.summaryRowY[k] - (L.summaryRowY[k - 1] ?? ry - 22 - 4 - Math.ceil(m.columns.length / L.per) * 30)
    if (k % 2 === 0) out.push(rect(MARGIN, ry, W, L.wide ? 22 : rh - 4, { fill: t.panel }))
    out.push(text(MARGIN + 12, ry + 15, s.label, { size: 11.5, fill: t.text, weight: 'bold' }))
    s.values.forEach((v, i) => {
      const alarm = s.label === 'ranges at risk' && v !== '0'
      const col = m.columns[i]
      // narrow: each value under its policy's id
      const vy = L.wide ? ry + 15 : ry + 22 + col.line * 30 + 27
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'summary', policy: col.id, label: s.label }),
          tip(`${col.title}: ${s.label} ${v}`) +
            (L.wide ? '' : text(col.x + 12, vy - 14, truncate(col.id, col.w - 20, 10), { size: 10, fill: t.muted })) +
            text(col.x + 12, vy, v, { size: 11.5, fill: alarm ? t.fail : t.text, weight: alarm ? 'bold' : undefined, mono: true })
        )
      )
    })
  })

  // contiguity
  const cy0 = m.layout.contiguityY
  out.push(heading(t, MARGIN, cy0, CONTIGUITY_HEADING, CONTIGUITY_NOTE, L.wide ? Infinity : W))
  let cy = cy0 + 14 + (L.wide ? 0 : headingExtra(CONTIGUITY_HEADING, CONTIGUITY_NOTE, W))
  m.contiguity.forEach((z, k) => {
    const h = m.layout.contiguityRowH[k]
    out.push(rect(MARGIN, cy, W, h, { rx: 4, fill: t.panel }))
    out.push(text(MARGIN + 12, cy + 18, `node ${z.nid} · ${z.zone}`, { size: 11.5, weight: 'bold', fill: t.text }))
    // narrow: the policies' grid lines under the zone's name, each as tall as its longest reason
    const lineTop: number[] = [L.wide ? cy : cy + 26]
    for (let l = 1; l < Math.ceil(m.columns.length / L.per); l++) lineTop.push(lineTop[l - 1] + 25 + Math.max(...z.cells.filter((_, i) => m.columns[i].line === l - 1).map(contiguityLines)) * 13)
    z.cells.forEach((c, i) => {
      const col = m.columns[i]
      const ct = lineTop[col.line]
      const b = badge(col.x + 9, ct + 6, contiguityLabel(c.contiguous), c.contiguous ? t.pass : t.fail, { size: BADGE_SIZE })
      const tagY = c.tagBelow ? ct + 36 : ct + 18
      const whyY = ct + 36 + (c.tagBelow ? 13 : 0)
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'contiguity', nid: z.nid, zone: z.zone, policy: col.id, contiguous: c.contiguous }),
          tip(`node ${z.nid} zone ${z.zone} under ${col.title}: ${c.contiguous ? 'contiguous' : 'not contiguous'}\n${c.why}`) +
            b.svg +
            (L.wide ? '' : policyTag(t, c.tagBelow ? col.x + 9 : col.x + 9 + b.width + 8, tagY, col.id)) +
            c.lines.map((l, j) => text(col.x + 9, whyY + j * 13, l, { size: 10, fill: t.muted })).join('')
        )
      )
    })
    cy += h + 4
  })
  return svgDocument({ view: 'nomap', width: m.width, height: m.height, title: m.title, desc: m.desc, theme: t, body: out.join(''), source: opts.source })
}
