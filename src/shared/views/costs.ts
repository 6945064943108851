// Costs as charts: the memmap for every plausible sizeof(struct page) (debug options,
// KMSAN's +16 bytes, the memdesc projections of 32 and 8 bytes), HugeTLB vmemmap
// optimisation savings per huge page size and pool, KMSAN boot metadata and the PMEM
// page map reservation.

import type { AnalysisReport } from '../engine/report.ts'
import type { ViewOptions } from './index.ts'
import {
  badge,
  bytes,
  dataAttrs,
  exactBytes,
  plusBytes,
  el,
  header,
  heading,
  headingExtra,
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
  messageDocument,
  type ViewModelBase,
  truncate,
  wrap,
  type Theme
} from './svg.ts'

export interface CostBar {
  label: string
  sublabel: string
  kind: 'size' | 'kmsan' | 'memdesc'
  structPageSize: number
  bytes: number
  percentOfRam: number
  /** the scenario's own struct page size */
  current: boolean
  pow2: boolean
  title: string
}

export interface HvoRow {
  hugePageSize: number
  label: string
  structPages: number
  vmemmapBytes: number
  freedBytes: number
  keptBytes: number
  eligible: boolean
  optimized: boolean
  reason: string
  line: string | null
}

export interface PoolRow {
  hugePageSize: number
  pages: number
  freedBytes: number
}

export interface KmsanRow {
  nid: number
  presentPages: number
  usablePages: number
  metadataPages: number
  lostPages: number
}

export interface PmemRow {
  name: string
  ok: boolean
  error: string | null
  pageMapSize: number
  /** pfns the page map describes */
  npfns: number
  reservedBytes: number
  usableBytes: number
  totalBytes: number
  align: number
  pageStructSize: number
}

export interface CostsModel extends ViewModelBase {
  available: boolean
  structPageSize: number
  presentSections: number
  pagesPerSection: number
  ramBytes: number
  bars: CostBar[]
  yTicks: number[]
  hvo: { rows: HvoRow[]; pools: PoolRow[]; freedBytes: number; netFreedBytes: number; sharedTailPages: number }
  kmsan: {
    rows: KmsanRow[]
    metadataPages: number
    usablePages: number
    lostPages: number
    futureRangePages: number
    futureMetadataPages: number
    deferredPages: number
    triples: { order: number; count: number }[]
  } | null
  pmem: PmemRow[]
  layout: {
    chartY: number
    chartH: number
    /** the heading's note and the legend on rows of their own (px) */
    chartExtra: number
    legendBeside: boolean
    /** bars side by side (wide), or one row per bar (narrow) */
    barsAcross: boolean
    row2Y: number
    row2H: number
    /** HVO beside KMSAN (wide), or above it */
    besideRow2: boolean
    panelW: number
    hvoLegendBeside: boolean
    kmsanY: number
    kmsanH: number
    row3Y: number
    row3H: number
    /** PMEM: the bar under the namespace's name */
    pmemNarrow: boolean
    pmemTop: number
    pmemLegendBeside: boolean
  }
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0

function niceStep(max: number, target = 4): number {
  if (max <= 0) return 1
  let step = 2 ** Math.floor(Math.log2(max / target))
  while (max / step > target + 2) step *= 2
  return step
}

/** the narrowest width the view lays out for (drawing px) */
export const MIN_WIDTH = 440
const CHART_HEADING = 'Memmap by sizeof(struct page)'
const HVO_HEADING = 'HugeTLB vmemmap optimisation (HVO)'
const PMEM_HEADING = 'PMEM page map reservation'
const PMEM_NOTE = 'fsdax/devdax namespaces with the memmap on the device (--map=dev)'
const PMEM_LEGEND = ['page map + info block', 'usable data']
/** a bar's row when the bars are rows (narrow) */
const BAR_ROW = 34

const LEGEND = [
  { label: 'this kernel', key: 'current' },
  { label: 'other sizes', key: 'other' },
  { label: 'not a power of 2: no HVO', key: 'not-pow2' },
  { label: 'memdesc projection', key: 'memdesc' }
] as const

/** a legend's width on one line: swatch, label, gap */
function legendWidth(labels: readonly string[]): number {
  return labels.reduce((a, l) => a + 22 + textWidth(l, 10.5) + 14, 0) - 14
}

/** Legend items flowed into rows of at most `maxWidth`: each item's row and x offset. */
function flowLegend(labels: readonly string[], x0: number, maxWidth: number): { rows: number; at: { row: number; x: number }[] } {
  const at: { row: number; x: number }[] = []
  let row = 0
  let x = 0
  for (const l of labels) {
    const w = 22 + textWidth(l, 10.5)
    if (x > 0 && x + w > maxWidth) {
      row++
      x = 0
    }
    at.push({ row, x: x0 + x })
    x += w + 14
  }
  return { rows: row + 1, at }
}

function kmsanOffLines(S: number, panelW: number): string[] {
  return wrap(
    `KMSAN is off in this scenario. With CONFIG_KMSAN (memmap.structPage.kmsan: true) struct page grows by 16 bytes to ${S + 16} B (the "KMSAN" bar above) and every page handed to the buddy allocator needs a shadow and an origin page: about two thirds of RAM become metadata.`,
    panelW - 32,
    11
  )
}

export function costsModel(report: AnalysisReport, opts: ViewOptions = {}): CostsModel {
  const width = Math.max(MIN_WIDTH, opts.width ?? 1200)
  const ps = report.pageSizeBytes
  const mm = report.memmap
  const title = `Memmap costs — ${report.name || 'scenario'}`
  const S = mm?.structPageSize ?? 64
  const sections = mm?.totals.presentSections ?? report.sections.presentSections
  const pps = mm?.totals.pagesPerSection ?? report.sections.pagesPerSection
  const ram = mm?.totals.ramBytes ?? report.totals.presentPages * ps
  const kmsanOn = !!mm?.kmsan
  const base = kmsanOn ? S - 16 : S
  const cost = (s: number): number => sections * pps * s
  const pctOf = (b: number): number => (ram ? (100 * b) / ram : 0)

  const sizes = [56, 64, 72, 80, 88, 96]
  const bars: CostBar[] = sizes.map((s) => ({
    label: `${s} B`,
    sublabel: s === S && !kmsanOn ? 'this kernel' : isPow2(s) ? '' : 'not 2ⁿ: no HVO',
    kind: 'size' as const,
    structPageSize: s,
    bytes: cost(s),
    percentOfRam: pctOf(cost(s)),
    current: s === S && !kmsanOn,
    pow2: isPow2(s),
    title: ''
  }))
  if (!sizes.includes(S) && !kmsanOn)
    bars.push({ label: `${S} B`, sublabel: 'this kernel', kind: 'size', structPageSize: S, bytes: cost(S), percentOfRam: pctOf(cost(S)), current: true, pow2: isPow2(S), title: '' })
  bars.sort((a, b) => a.structPageSize - b.structPageSize)
  bars.push({
    label: `KMSAN ${base + 16} B`,
    sublabel: kmsanOn ? 'this kernel' : `${base} + 16`,
    kind: 'kmsan',
    structPageSize: base + 16,
    bytes: cost(base + 16),
    percentOfRam: pctOf(cost(base + 16)),
    current: kmsanOn,
    pow2: isPow2(base + 16),
    title: ''
  })
  const ptl = mm?.memdesc?.ptlock ?? null
  for (const s of [32, 8])
    bars.push({ label: `memdesc ${s} B`, sublabel: 'projection', kind: 'memdesc', structPageSize: s, bytes: cost(s), percentOfRam: pctOf(cost(s)), current: false, pow2: true, title: '' })
  for (const b of bars)
    b.title = `sizeof(struct page) = ${b.structPageSize} B${b.kind === 'kmsan' ? ' (KMSAN: + kmsan_shadow, kmsan_origin)' : b.kind === 'memdesc' ? ' (memdesc projection: folios, slabs and ptdescs allocated separately)' : ''}\nmemmap = ${int(sections)} present sections × ${int(pps)} × ${b.structPageSize} = ${int(b.bytes)} bytes (${bytes(b.bytes)}), ${b.percentOfRam.toFixed(3)} % of RAM${b.pow2 ? '' : '\nnot a power of two: HugeTLB vmemmap optimisation is impossible'}${b.current ? "\nthe scenario's struct page" : ''}${b.kind === 'memdesc' && ptl ? `\ntoday's page tables: ${ptl.allocSplit ? `${int(ptl.pageTables)} × ${ptl.objectBytes} B "page->ptl" objects = ${bytes(ptl.bytes)} (ALLOC_SPLIT_PTLOCKS, spinlock_t ${ptl.spinlockBytes} B)` : `the ${ptl.spinlockBytes}-byte spinlock sits in struct ptdesc, nothing extra`}` : ''}`
  const maxBar = Math.max(...bars.map((b) => b.bytes))
  const step = niceStep(maxBar)
  const yTicks: number[] = []
  for (let v = 0; v <= maxBar + step * 0.999; v += step) yTicks.push(v)

  const hvoRows: HvoRow[] = (mm?.hvo.pages ?? []).map((p) => {
    const vm = p.vmemmapPages * ps
    const reason = p.optimized
      ? `${exactBytes(p.freedBytes)} of ${exactBytes(vm)} freed per page`
      : !p.eligible
        ? isPow2(S)
          ? `not optimizable: its ${exactBytes(vm)} of struct pages fit in the ${p.keptPages} kept vmemmap page${p.keptPages === 1 ? '' : 's'}`
          : `not optimized: sizeof(struct page) ${S} is not a power of two`
        : 'eligible, but HVO is not built or not enabled'
    return {
      hugePageSize: p.hugePageSize,
      label: `${bytes(p.hugePageSize)} page`,
      structPages: p.structPages,
      vmemmapBytes: vm,
      freedBytes: p.freedBytes,
      keptBytes: vm - p.freedBytes,
      eligible: p.eligible,
      optimized: p.optimized,
      reason,
      line: p.line
    }
  })
  const pools: PoolRow[] = (mm?.hvo.pools ?? []).filter((p) => p.pages > 0).map((p) => ({ hugePageSize: p.hugePageSize, pages: p.pages, freedBytes: p.freedBytes }))
  const kmsan = mm?.kmsan
    ? {
        rows: mm.kmsan.nodes.map((n) => ({ nid: n.nid, presentPages: n.presentPages, usablePages: n.usablePages, metadataPages: n.metadataPages, lostPages: n.lostPages })),
        metadataPages: mm.kmsan.metadataPages,
        usablePages: mm.kmsan.usablePages,
        lostPages: mm.kmsan.lostPages,
        futureRangePages: mm.kmsan.futureRangePages,
        futureMetadataPages: mm.kmsan.futureMetadataPages,
        deferredPages: mm.kmsan.deferredPages,
        triples: mm.kmsan.orders
          .filter((o) => o.triples + o.discardTriples > 0)
          .map((o) => ({ order: o.order, count: o.triples + o.discardTriples }))
          .reverse()
      }
    : null
  const pmem: PmemRow[] = (mm?.pmem ?? []).map((p) => ({
    name: p.name,
    ok: p.ok,
    error: p.error,
    pageMapSize: p.pageMapSize,
    npfns: p.npfns,
    reservedBytes: p.lostBytes,
    usableBytes: p.usableBytes,
    totalBytes: p.lostBytes + p.usableBytes + p.endTrunc,
    align: p.align,
    pageStructSize: p.pageStructSize
  }))

  // layout: the wide drawing (bars side by side, HVO beside KMSAN) re-flows for a narrow
  // pane (bars as rows, the panels one under the other, legends on rows of their own)
  const t = theme(opts.theme)
  const cur = bars.find((b) => b.current)!
  const subtitle = `kernel ${report.kernel} · ${report.arch} · ${int(sections)} present sections × ${int(pps)} pages · memmap today ${bytes(cur.bytes)} (${cur.percentOfRam.toFixed(2)} % of ${bytes(ram)} RAM)`
  const hd = header(t, width, title, subtitle)
  const W = width - 2 * MARGIN
  const chartY = hd.bottom + 10
  const chartNote = `${int(sections)} sections × ${int(pps)} struct pages × S`
  const barsAcross = (W - 110) / bars.length >= 80
  const legendRows = flowLegend(
    LEGEND.map((l) => l.label),
    0,
    W - 32
  )
  // the legend beside the heading where both fit on one line, else on rows under it
  const legendBeside = textWidth(CHART_HEADING, 14, { bold: true }) + 14 + textWidth(chartNote, 11) + 24 + legendWidth(LEGEND.map((l) => l.label)) <= W - 32
  const chartExtra = legendBeside ? 0 : headingExtra(CHART_HEADING, chartNote, W - 32) + legendRows.rows * 18 + 4
  const chartH = barsAcross ? 330 + chartExtra : 62 + chartExtra + bars.length * BAR_ROW + 16
  const row2Y = chartY + chartH + 18
  const besideRow2 = (W - 18) / 2 >= 480
  const panelW = besideRow2 ? (W - 18) / 2 : W
  const hvoLegendBeside = textWidth(HVO_HEADING, 14, { bold: true }) + 24 + 150 <= panelW - 32
  const hvoH = 70 + (hvoLegendBeside ? 0 : 18) + hvoRows.length * 46 + (pools.length ? 26 + pools.length * 22 : 30)
  const kmsanH = kmsan ? 70 + kmsan.rows.length * 46 + 40 + 48 : besideRow2 ? 150 : 60 + kmsanOffLines(S, panelW).length * 16 + 24
  const row2H = besideRow2 ? Math.max(hvoH, kmsanH) : hvoH
  const kmsanY = besideRow2 ? row2Y : row2Y + hvoH + 18
  const kmsanPanelH = besideRow2 ? row2H : kmsanH
  const row3Y = kmsanY + kmsanPanelH + 18
  const pmemNarrow = W < 640
  const pmemHead = headingExtra(PMEM_HEADING, PMEM_NOTE, W - 32)
  const pmemLegendBeside = pmemHead === 0 && textWidth(PMEM_HEADING, 14, { bold: true }) + 14 + textWidth(PMEM_NOTE, 11) + 24 + legendWidth(PMEM_LEGEND) <= W - 32
  const pmemTop = pmemHead + (pmem.length && !pmemLegendBeside ? 18 : 0)
  const row3H = pmem.length ? 64 + pmemTop + pmem.length * (pmemNarrow ? 74 : 62) : 90 + pmemHead
  const height = row3Y + row3H + MARGIN

  const desc = `Memmap cost for struct page sizes ${bars.map((b) => `${b.label}: ${bytes(b.bytes)}`).join(', ')}. HVO frees ${bytes(mm?.hvo.netFreedBytes ?? 0)} in the configured pools. ${kmsan ? `KMSAN metadata takes ${bytes(kmsan.metadataPages * ps)}.` : 'KMSAN off.'} ${pmem.length ? `PMEM page maps reserve ${bytes(pmem.reduce((a, p) => a + p.reservedBytes, 0))}.` : 'No PMEM namespaces.'}`
  return {
    title,
    subtitle,
    desc,
    width,
    height,
    available: !!mm,
    structPageSize: S,
    presentSections: sections,
    pagesPerSection: pps,
    ramBytes: ram,
    bars,
    yTicks,
    hvo: { rows: hvoRows, pools, freedBytes: mm?.hvo.freedBytes ?? 0, netFreedBytes: mm?.hvo.netFreedBytes ?? 0, sharedTailPages: mm?.hvo.sharedTailPages ?? 0 },
    kmsan,
    pmem,
    layout: {
      chartY,
      chartH,
      chartExtra,
      legendBeside,
      barsAcross,
      row2Y,
      row2H,
      besideRow2,
      panelW,
      hvoLegendBeside,
      kmsanY,
      kmsanH: kmsanPanelH,
      row3Y,
      row3H,
      pmemNarrow,
      pmemTop,
      pmemLegendBeside
    }
  }
}

/** A horizontal 100 % bar split into parts. */
function stacked(t: Theme, x: number, y: number, w: number, h: number, parts: { value: number; fill: string; label: string }[], total: number): string {
  let cx = x
  const out: string[] = [rect(x, y, w, h, { fill: t.laneBackground, rx: 3 })]
  for (const p of parts) {
    if (p.value <= 0 || total <= 0) continue
    const pw = Math.max(1, (p.value / total) * w)
    out.push(rect(cx, y, Math.min(pw, x + w - cx), h, { fill: p.fill }, p.label))
    cx += pw
  }
  return out.join('')
}

export function renderCosts(report: AnalysisReport, opts: ViewOptions = {}): string {
  const t = theme(opts.theme)
  const m = costsModel(report, opts)
  const hd = header(t, m.width, m.title, m.subtitle)
  if (!m.available) return messageDocument('costs', t, m, hd.svg, hd.bottom + 40, 'This report has no memmap analysis.', opts.source)
  const out: string[] = [hd.svg]
  const W = m.width - 2 * MARGIN
  const ps = report.pageSizeBytes

  // 1. memmap by struct page size
  const L = m.layout
  out.push(panel(t, MARGIN, L.chartY, W, L.chartH))
  out.push(heading(t, MARGIN + 16, L.chartY + 24, CHART_HEADING, `${int(m.presentSections)} sections × ${int(m.pagesPerSection)} struct pages × S`, W - 32))
  const yMax = m.yTicks[m.yTicks.length - 1] || 1
  const fillOf = (b: CostBar): string => (b.current ? t.barCurrent : b.kind === 'memdesc' ? t.barProjection : t.barOther)
  const outline = (b: CostBar): Record<string, string | number> => (b.pow2 ? {} : { stroke: t.note, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' })
  const subFill = (b: CostBar): string => (b.current ? t.barCurrent : b.pow2 ? t.muted : t.note)
  const barData = (b: CostBar): ReturnType<typeof dataAttrs> => dataAttrs({ kind: 'memmap-bar', structPageSize: b.structPageSize, bytes: b.bytes, current: b.current, variant: b.kind })
  if (L.barsAcross) {
    const cx0 = MARGIN + 86
    const cw = W - 86 - 24
    const cy0 = L.chartY + 62 + L.chartExtra
    const ch = 330 - 62 - 58
    const Y = (v: number): number => cy0 + ch - (v / yMax) * ch
    for (const v of m.yTicks) {
      out.push(line(cx0, Y(v), cx0 + cw, Y(v), { stroke: t.grid }))
      out.push(text(cx0 - 8, Y(v) + 4, v === 0 ? '0' : bytes(v), { size: 10.5, anchor: 'end', fill: t.muted }))
    }
    const slot = cw / m.bars.length
    const bw = Math.min(64, slot * 0.62)
    m.bars.forEach((b, i) => {
      const x = cx0 + i * slot + (slot - bw) / 2
      const y = Y(b.bytes)
      const parts = [
        tip(b.title),
        rect(x, y, bw, cy0 + ch - y, { fill: fillOf(b), rx: 2, ...outline(b) }),
        text(x + bw / 2, y - 20, bytes(b.bytes), { size: 11, weight: 'bold', anchor: 'middle', fill: t.text }),
        text(x + bw / 2, y - 7, `${b.percentOfRam.toFixed(2)} %`, { size: 10, anchor: 'middle', fill: t.muted }),
        text(x + bw / 2, cy0 + ch + 17, truncate(b.label, slot - 4, 11, { bold: b.current }), { size: 11, anchor: 'middle', fill: t.text, weight: b.current ? 'bold' : undefined }),
        b.sublabel ? text(x + bw / 2, cy0 + ch + 32, truncate(b.sublabel, slot - 4, 10), { size: 10, anchor: 'middle', fill: subFill(b), weight: b.current ? 'bold' : undefined }) : ''
      ]
      out.push(el('g', barData(b), parts.join('')))
    })
    out.push(line(cx0, cy0 + ch, cx0 + cw, cy0 + ch, { stroke: t.axis }))
  } else {
    // one row per bar: its label and sublabel on the left, the bar, its size after it
    const x0 = MARGIN + 16
    const labelW = Math.max(...m.bars.map((b) => Math.max(textWidth(b.label, 11, { bold: true }), b.sublabel ? textWidth(b.sublabel, 10, { bold: b.current }) : 0))) + 12
    const valueOf = (b: CostBar): string => `${bytes(b.bytes)} · ${b.percentOfRam.toFixed(2)} %`
    const valueW = Math.max(...m.bars.map((b) => textWidth(valueOf(b), 11, { bold: true }))) + 8
    const bx = x0 + labelW
    const bwMax = Math.max(20, MARGIN + W - 16 - valueW - bx)
    let y = L.chartY + 62 + L.chartExtra - 20
    for (const b of m.bars) {
      const len = Math.max(1, (b.bytes / yMax) * bwMax)
      const parts = [
        tip(b.title),
        text(x0, y + 12, b.label, { size: 11, fill: t.text, weight: b.current ? 'bold' : undefined }),
        b.sublabel ? text(x0, y + 26, b.sublabel, { size: 10, fill: subFill(b), weight: b.current ? 'bold' : undefined }) : '',
        rect(bx, y + 2, len, 18, { fill: fillOf(b), rx: 2, ...outline(b) }),
        text(bx + len + 6, y + 15, valueOf(b), { size: 11, weight: 'bold', fill: t.text })
      ]
      out.push(el('g', barData(b), parts.join('')))
      y += BAR_ROW
    }
  }
  // legend: beside the heading, or on rows of its own under it
  {
    const attrsOf: Record<(typeof LEGEND)[number]['key'], Record<string, string | number>> = {
      current: { fill: t.barCurrent },
      other: { fill: t.barOther },
      'not-pow2': { fill: t.barOther, stroke: t.note, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' },
      memdesc: { fill: t.barProjection }
    }
    const labels = LEGEND.map((l) => l.label)
    const flow = L.legendBeside
      ? { at: flowLegend(labels, MARGIN + W - 16 - 14 - legendWidth(labels), Infinity).at.map((a) => ({ ...a, y: L.chartY + 24 })) }
      : {
          at: flowLegend(labels, MARGIN + 16, W - 32).at.map((a) => ({
            ...a,
            y: L.chartY + 24 + headingExtra(CHART_HEADING, `${int(m.presentSections)} sections × ${int(m.pagesPerSection)} struct pages × S`, W - 32) + 20 + a.row * 18
          }))
        }
    LEGEND.forEach((l, i) => {
      const a = flow.at[i]
      out.push(rect(a.x, a.y - 9, 14, 11, { rx: 2, ...attrsOf[l.key] }) + text(a.x + 19, a.y, l.label, { size: 10.5, fill: t.muted }))
    })
  }

  // 2. HVO
  const half = L.panelW
  const hx = MARGIN
  const hy = L.row2Y
  out.push(panel(t, hx, hy, half, L.row2H))
  out.push(heading(t, hx + 16, hy + 24, HVO_HEADING))
  // legend: freed / kept, beside the heading or on the subtitle's row
  const hlx = L.hvoLegendBeside ? hx + half - 150 : hx + 16
  const hly = L.hvoLegendBeside ? hy + 14 : hy + 32
  const hsub = L.hvoLegendBeside ? 0 : 18
  out.push(text(hx + 16, hy + 42 + hsub, truncate(`per huge page: vmemmap ${'freed'} vs kept · pools free ${bytes(m.hvo.netFreedBytes)} in total`, half - 32, 10.5), { size: 10.5, fill: t.muted }))
  const barX = hx + 120
  const barW = half - 120 - 20
  let y = hy + 62 + hsub
  if (!m.hvo.rows.length) out.push(text(hx + 16, y + 14, 'No huge page sizes on this architecture.', { size: 11, fill: t.muted }))
  for (const r of m.hvo.rows) {
    const title = `${r.label}: ${int(r.structPages)} struct pages = ${bytes(r.vmemmapBytes)} of vmemmap\n${r.reason}${r.line ? `\nboot log: ${r.line}` : ''}`
    out.push(
      el(
        'g',
        dataAttrs({ kind: 'hvo', hugePageSize: r.hugePageSize, freedBytes: r.freedBytes, optimized: r.optimized }),
        tip(title) +
          text(hx + 16, y + 13, r.label, { size: 11.5, weight: 'bold', fill: t.text }) +
          stacked(
            t,
            barX,
            y,
            barW,
            16,
            [
              { value: r.freedBytes, fill: t.freed, label: `freed ${bytes(r.freedBytes)}` },
              { value: r.keptBytes, fill: t.kept, label: `kept ${bytes(r.keptBytes)}` }
            ],
            r.vmemmapBytes
          ) +
          text(barX, y + 32, truncate(r.reason + (r.optimized ? ` (${((100 * r.freedBytes) / r.vmemmapBytes).toFixed(2)} %)` : ''), barW, 10.5), {
            size: 10.5,
            fill: r.optimized ? t.text : r.eligible ? t.muted : t.note
          })
      )
    )
    y += 46
  }
  y += 4
  if (m.hvo.pools.length) {
    out.push(text(hx + 16, y + 10, 'configured pools', { size: 11, weight: 'bold', fill: t.muted }))
    y += 22
    for (const p of m.hvo.pools) {
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'hvo-pool', hugePageSize: p.hugePageSize, pages: p.pages, freedBytes: p.freedBytes }),
          tip(`${p.pages} × ${bytes(p.hugePageSize)} pages free ${int(p.freedBytes)} bytes of vmemmap`) +
            text(hx + 16, y + 8, `${int(p.pages)} × ${bytes(p.hugePageSize)}`, { size: 11, fill: t.text }) +
            text(barX, y + 8, truncate(`${plusBytes(p.freedBytes)} of vmemmap freed`, barW, 11, { bold: true }), { size: 11, weight: 'bold', fill: t.freed })
        )
      )
      y += 22
    }
  } else {
    const none = 'No pool sizes configured (hugetlb: pages) — savings are per page.'
    out.push(text(hx + 16, y + 10, truncate(none, half - 32, 10.5), { size: 10.5, fill: t.muted, title: textWidth(none, 10.5) > half - 32 ? none : undefined }))
  }
  out.push(
    rect(hlx, hly, 12, 10, { fill: t.freed }) +
      text(hlx + 16, hly + 9, 'freed', { size: 10, fill: t.muted }) +
      rect(hlx + 60, hly, 12, 10, { fill: t.kept }) +
      text(hlx + 76, hly + 9, 'kept', { size: 10, fill: t.muted })
  )

  // 3. KMSAN: beside HVO (wide) or under it
  const kx = L.besideRow2 ? MARGIN + half + 18 : MARGIN
  const ky0 = L.kmsanY
  out.push(panel(t, kx, ky0, half, L.kmsanH))
  out.push(heading(t, kx + 16, ky0 + 24, 'KMSAN boot metadata'))
  if (m.kmsan) {
    const k = m.kmsan
    const tot = k.usablePages + k.metadataPages + k.lostPages
    const sub = `shadow + origin pages for every page given to the buddy allocator: ${bytes(k.metadataPages * ps)} of ${bytes(tot * ps)}`
    out.push(
      text(kx + 16, ky0 + 42, truncate(sub, half - 32, 10.5), {
        size: 10.5,
        fill: t.muted,
        title: textWidth(sub, 10.5) > half - 32 ? sub : undefined
      })
    )
    let ky = ky0 + 62
    const kbx = kx + 80
    const kbw = half - 80 - 20
    for (const n of k.rows) {
      const total = n.usablePages + n.metadataPages + n.lostPages
      out.push(
        el(
          'g',
          dataAttrs({ kind: 'kmsan', nid: n.nid, metadataPages: n.metadataPages, usablePages: n.usablePages }),
          tip(`node ${n.nid}: usable ${int(n.usablePages)} pages (${bytes(n.usablePages * ps)}), metadata ${int(n.metadataPages)} pages (${bytes(n.metadataPages * ps)}), lost ${int(n.lostPages)}`) +
            text(kx + 16, ky + 13, `node ${n.nid}`, { size: 11.5, weight: 'bold', fill: t.text }) +
            stacked(
              t,
              kbx,
              ky,
              kbw,
              16,
              [
                { value: n.usablePages, fill: t.memory, label: 'usable' },
                { value: n.metadataPages, fill: t.hole, label: 'metadata' },
                { value: n.lostPages, fill: t.fail, label: 'lost' }
              ],
              total
            ) +
            text(
              kbx,
              ky + 32,
              truncate(
                `usable ${bytes(n.usablePages * ps)} (${((100 * n.usablePages) / Math.max(1, total)).toFixed(1)} %) · metadata ${bytes(n.metadataPages * ps)} · lost ${int(n.lostPages)} pages`,
                kbw,
                10.5
              ),
              { size: 10.5, fill: t.text }
            )
        )
      )
      ky += 46
    }
    out.push(
      rect(kx + 16, ky + 6, 12, 10, { fill: t.memory }) +
        text(kx + 32, ky + 15, 'usable', { size: 10, fill: t.muted }) +
        rect(kx + 86, ky + 6, 12, 10, { fill: t.hole }) +
        text(kx + 102, ky + 15, 'shadow + origin', { size: 10, fill: t.muted }) +
        rect(kx + 196, ky + 6, 12, 10, { fill: t.fail }) +
        text(kx + 212, ky + 15, 'lost', { size: 10, fill: t.muted })
    )
    const reservedLine = `reserved ranges (memmap, firmware, first 1 MiB): ${bytes(k.futureRangePages * ps)} → ${bytes(k.futureMetadataPages * ps)} more shadow + origin${k.deferredPages ? ` · ${bytes(k.deferredPages * ps)} deferred pages get none` : ''}`
    const triplesLine = `triples (data, shadow, origin) by order: ${k.triples.map((x) => `${x.order}: ${int(x.count)}`).join(' · ')}`
    out.push(
      el(
        'g',
        dataAttrs({ kind: 'kmsan-reserved', futureRangePages: k.futureRangePages, futureMetadataPages: k.futureMetadataPages, deferredPages: k.deferredPages }),
        tip(`${reservedLine}\nkmsan_init_shadow() mm/kmsan/init.c: every memblock.reserved range gets shadow + origin from memblock_alloc() before the hand-off`) +
          text(kx + 16, ky + 36, truncate(reservedLine, half - 32, 10.5), { size: 10.5, fill: k.deferredPages ? t.fail : t.text })
      ),
      el(
        'g',
        dataAttrs({ kind: 'kmsan-triples' }),
        tip(`${triplesLine}\nkmsan_memblock_free_pages(): per order the 1st block is shadow, the 2nd origin, the 3rd data; kmsan_memblock_discard() splits the leftovers`) +
          text(kx + 16, ky + 54, truncate(triplesLine, half - 32, 10.5), { size: 10.5, fill: t.muted })
      )
    )
  } else {
    const note = kmsanOffLines(m.structPageSize, half)
    out.push(el('g', dataAttrs({ kind: 'kmsan-off' }), tip(note.join(' ')) + note.map((l, i) => text(kx + 16, ky0 + 50 + i * 16, l, { size: 11, fill: t.muted })).join('')))
  }

  // 4. PMEM
  const py = L.row3Y
  out.push(panel(t, MARGIN, py, W, L.row3H))
  out.push(heading(t, MARGIN + 16, py + 24, PMEM_HEADING, PMEM_NOTE, W - 32))
  if (!m.pmem.length) out.push(text(MARGIN + 16, py + 54 + L.pmemTop, 'No PMEM namespaces in this scenario (memmap.pmem).', { size: 11, fill: t.muted }))
  else {
    const lx = L.pmemLegendBeside ? MARGIN + W - 16 - legendWidth(PMEM_LEGEND) : MARGIN + 16
    const ly = L.pmemLegendBeside ? py + 24 : py + 24 + L.pmemTop
    out.push(rect(lx, ly - 9, 14, 11, { rx: 2, fill: t.nomap }) + text(lx + 19, ly, PMEM_LEGEND[0], { size: 10.5, fill: t.muted }))
    const lx2 = lx + 22 + textWidth(PMEM_LEGEND[0], 10.5) + 14
    out.push(rect(lx2, ly - 9, 14, 11, { rx: 2, fill: t.memory }) + text(lx2 + 19, ly, PMEM_LEGEND[1], { size: 10.5, fill: t.muted }))
  }
  let pyy = py + 44 + L.pmemTop
  for (const p of m.pmem) {
    // wide: name and size on the left, the bar beside them; narrow: the bar under them
    const narrow = L.pmemNarrow
    const bx = narrow ? MARGIN + 16 : MARGIN + 190
    const bwid = narrow ? W - 32 : W - 190 - 24
    const by = narrow ? pyy + 20 : pyy + 2
    const parts = [
      tip(
        `${p.name}: ${p.ok ? `page map ${int(p.pageMapSize)} bytes (${int(p.npfns)} pfns × ${p.pageStructSize} B), reserved at the start ${int(p.reservedBytes)} bytes (${plusBytes(p.reservedBytes)}), usable ${int(p.usableBytes)} bytes, align ${bytes(p.align)}` : `fails: ${p.error}`}`
      ),
      text(MARGIN + 16, pyy + 14, p.name, { size: 11.5, weight: 'bold', fill: t.text, mono: true }),
      narrow
        ? text(MARGIN + 16 + textWidth(p.name, 11.5, { mono: true }) + 12, pyy + 14, `${bytes(p.totalBytes)} namespace`, { size: 10.5, fill: t.muted })
        : text(MARGIN + 16, pyy + 30, `${bytes(p.totalBytes)} namespace`, { size: 10.5, fill: t.muted })
    ]
    if (p.ok) {
      parts.push(
        stacked(
          t,
          bx,
          by,
          bwid,
          18,
          [
            { value: p.reservedBytes, fill: t.nomap, label: `page map + info block ${bytes(p.reservedBytes)}` },
            { value: p.usableBytes, fill: t.memory, label: `usable ${bytes(p.usableBytes)}` }
          ],
          p.totalBytes
        )
      )
      const share = (100 * p.reservedBytes) / Math.max(1, p.totalBytes)
      parts.push(
        text(
          bx,
          by + 36,
          truncate(
            `page map ${bytes(p.pageMapSize)} (${int(p.npfns)} pfns × ${p.pageStructSize} B) · reserved ${plusBytes(p.reservedBytes)} = ${share.toFixed(2)} % · usable ${plusBytes(p.usableBytes)} · align ${bytes(p.align)}`,
            bwid,
            10.5
          ),
          { size: 10.5, fill: t.text }
        )
      )
    } else {
      parts.push(badge(bx, by, '✗ FAILS', t.fail, { size: 10 }).svg)
      parts.push(text(bx + 70, by + 13, truncate(p.error ?? 'nd_pfn_init() fails', bwid - 70, 11), { size: 11, fill: t.fail }))
    }
    out.push(el('g', dataAttrs({ kind: 'pmem', name: p.name, ok: p.ok, reservedBytes: p.reservedBytes }), parts.join('')))
    pyy += narrow ? 74 : 62
  }
  return svgDocument({ view: 'costs', width: m.width, height: m.height, title: m.title, desc: m.desc, theme: t, body: out.join(''), source: opts.source })
}
