// Physical map: an address axis (linear or log, optionally zoomed) with bands for the
// firmware-derived memblock regions (NOMAP hatched), memblock.reserved, NUMA nodes, zones,
// a section grid (present sections; the ones holding hole pages marked) and the holes that
// get a struct page ("unavailable" pages). Everything is aggregated by pixel: a machine
// with 500k sections draws at most a few hundred section cells.

import type { AnalysisReport } from '../engine/report.ts'
import type { ViewOptions } from './index.ts'
import { bytesParts, bytesText, memRange, nidText, pfnRange } from '../engine/units.ts'
import {
  bytes,
  dataAttrs,
  el,
  hatch,
  header,
  hex,
  inkOn,
  int,
  line,
  MARGIN,
  RANGE_NOTE,
  rect,
  svgDocument,
  swatch,
  text,
  textWidth,
  theme,
  tip,
  truncate,
  type Theme,
  type ViewModelBase
} from './svg.ts'

export type BarStyle = 'memory' | 'nomap' | 'reserved' | 'node' | 'zone' | 'hole' | 'hole-no-struct-page'
export type LaneId = 'memory' | 'reserved' | 'nodes' | 'zones' | 'sections' | 'holes'

export interface MapBar {
  kind: 'region' | 'reserved' | 'node' | 'zone' | 'hole'
  style: BarStyle
  /** bytes, half-open, clipped to the shown domain */
  start: number
  end: number
  x: number
  w: number
  /** text drawn inside the bar ('' when it does not fit) */
  label: string
  /** hover details */
  title: string
  /** items aggregated into this bar (pixel merge) */
  count: number
  nid?: number
  zone?: string
  /** hole pages that have a struct page */
  pages?: number
  fill: string
}

export interface SectionCell {
  /** section numbers, half-open */
  first: number
  end: number
  present: number
  /** pages inside present sections that are holes (struct page, no memory) */
  holePages: number
  state: 'present' | 'holes' | 'partial'
  x: number
  w: number
  title: string
}

export interface MapLane {
  id: LaneId
  label: string
  sublabel: string
  y: number
  h: number
  bars: MapBar[]
}

export interface AxisTick {
  addr: number
  x: number
  label: string
  hex: string
}

export interface MapModel extends ViewModelBase {
  plot: { x: number; w: number }
  scale: 'linear' | 'log'
  /** bytes, half-open */
  domain: { start: number; end: number }
  zoomed: boolean
  ticks: AxisTick[]
  lanes: MapLane[]
  sectionCells: SectionCell[]
  /** every zone of the kernel (report.zones, plus Movable where a node has it) */
  zones: { name: string; empty: boolean; start: number; end: number }[]
  counts: { memoryRegions: number; nomapRegions: number; reservedRegions: number; nodes: number; holes: number; presentSections: number }
  totals: { label: string; value: string; title: string }[]
  axisY: number
  /** the tick labels drawn (address over hex), kept apart from each other and from the caption */
  axisLabels: AxisLabel[]
  /** "physical address · ranges …": its own row under the tick labels */
  caption: { x: number; y: number; text: string; box: TextBox }
  legendY: number
  /** the legend's swatches (in legendItems() order) and the zones' line: flowed onto rows of the drawing's width */
  legend: { at: { x: number; y: number }[]; zones: { x: number; y: number; anchor: 'start' | 'end'; text: string; full: string }; rows: number }
  /** the totals' columns (4 wide, 2 narrow) */
  totalsPerLine: number
}

/** Where a text lies in drawing px (top-left, width, height): what the layout keeps apart. */
export interface TextBox {
  x: number
  y: number
  w: number
  h: number
}

export interface AxisLabel {
  tick: AxisTick
  anchor: 'start' | 'middle' | 'end'
  /** both lines: the address (11 px, baseline axisY + 18) and its hex (10 px, baseline axisY + 31) */
  box: TextBox
}

/** Baselines under the axis: tick address, tick hex, the caption's row. */
const TICK_LABEL_DY = 18
const TICK_HEX_DY = 31
const CAPTION_DY = 48
/** the legend's baseline: below the caption's descenders and the swatches' tops (y − 9) */
const LEGEND_DY = 68
/** a text's ink from baseline − 0.8 × size to baseline + 0.25 × size */
const ASCENT = 0.8
const DESCENT = 0.25

/**
 * The tick labels that fit: greedy from the left, at least 8 px apart, but the last tick
 * (the end of the range) always wins; each anchored so it stays within 10 px of the plot.
 */
function axisLabels(ticks: AxisTick[], plot: { x: number; w: number }, axisY: number): AxisLabel[] {
  const top = axisY + TICK_LABEL_DY - ASCENT * 11
  const h = axisY + TICK_HEX_DY + DESCENT * 10 - top
  const boxes = ticks.map((k): AxisLabel => {
    const w = Math.max(textWidth(k.label, 11), textWidth(k.hex, 10, { mono: true }))
    let anchor: AxisLabel['anchor'] = 'middle'
    let left = k.x - w / 2
    if (left < plot.x - 10) {
      anchor = 'start'
      left = k.x
    } else if (k.x + w / 2 > plot.x + plot.w + 10) {
      anchor = 'end'
      left = k.x - w
    }
    return { tick: k, anchor, box: { x: left, y: top, w, h } }
  })
  const right = (b: AxisLabel): number => b.box.x + b.box.w
  const shown: AxisLabel[] = []
  for (const b of boxes) {
    const prev = shown[shown.length - 1]
    if (!prev || b.box.x >= right(prev) + 8) shown.push(b)
    else if (b === boxes[boxes.length - 1]) {
      while (shown.length > 1 && b.box.x < right(shown[shown.length - 1]) + 8) shown.pop()
      if (b.box.x >= right(shown[shown.length - 1]) + 8) shown.push(b)
    }
  }
  return shown
}

const LABEL_W = 150
/** the narrowest width the view lays out for (drawing px) */
export const MIN_WIDTH = 440
const LANE_H = 26
const LANE_GAP = 12
/** a section cell is at least this wide: ≤ plot width / 4 cells */
const MIN_CELL_PX = 4
const MIN_BAR_PX = 1.5

interface Scale {
  x: (a: number) => number
  inv: (x: number) => number
}

function pow2Floor(v: number): number {
  return 2 ** Math.floor(Math.log2(v))
}

function makeScale(kind: 'linear' | 'log', d0: number, d1: number, px: number, pw: number, lo: number): Scale {
  if (kind === 'linear') {
    const k = pw / (d1 - d0)
    return { x: (a) => px + (Math.min(Math.max(a, d0), d1) - d0) * k, inv: (x) => d0 + (x - px) / k }
  }
  const l0 = Math.log2(lo)
  const l1 = Math.log2(d1)
  const k = pw / (l1 - l0)
  return {
    x: (a) => (a <= lo ? px : px + (Math.log2(Math.min(a, d1)) - l0) * k),
    inv: (x) => (x <= px ? d0 : 2 ** (l0 + (x - px) / k))
  }
}

/** Axis labels: 0, 512 MiB, 4 GiB, 64 TiB. */
function sizeLabel(b: number): string {
  return b === 0 ? '0' : bytes(b)
}

function linearTicks(d0: number, d1: number, s: Scale, pw: number): AxisTick[] {
  const maxTicks = Math.max(2, Math.floor(pw / 110))
  let step = pow2Floor(Math.max(1, (d1 - d0) / maxTicks))
  while ((d1 - d0) / step > maxTicks) step *= 2
  const out: AxisTick[] = []
  for (let a = Math.ceil(d0 / step) * step; a <= d1; a += step) out.push({ addr: a, x: s.x(a), label: sizeLabel(a), hex: hex(a) })
  return out
}

function logTicks(lo: number, d1: number, s: Scale, pw: number): AxisTick[] {
  const e0 = Math.ceil(Math.log2(lo))
  const e1 = Math.floor(Math.log2(d1))
  const span = Math.max(1, e1 - e0)
  let every = 1
  while ((span / every) * 90 > pw) every++
  // keep labels on 4/16/64/… boundaries when stepping by 2 or more
  const first = Math.ceil(e0 / every) * every
  const out: AxisTick[] = []
  for (let e = first; e <= e1; e += every) out.push({ addr: 2 ** e, x: s.x(2 ** e), label: bytes(2 ** e), hex: hex(2 ** e) })
  return out
}

/**
 * Merge bars closer than a pixel: bars of the same style always, bars of different styles
 * when both are narrow marks (then the merged mark takes the style that matters most).
 */
function mergeBars(bars: Draft[], describe: (group: Draft[]) => { label: string; title: () => string }, priority: BarStyle[] = []): MapBar[] {
  const out: MapBar[] = []
  let group: Draft[] = []
  let right = -Infinity
  const flush = (): void => {
    if (!group.length) return
    if (group.length === 1) out.push(finalize(group[0]))
    else {
      const first = group[0]
      const x0 = first.x
      const x1 = Math.max(...group.map((b) => b.x + b.w))
      const d = describe(group)
      const style = priority.find((p) => group.some((b) => b.style === p)) ?? first.style
      const fill = group.find((b) => b.style === style)?.fill ?? first.fill
      const pages = group.some((b) => b.pages !== undefined) ? group.reduce((a, b) => a + (b.pages ?? 0), 0) : undefined
      out.push(
        finalize({ ...first, style, fill, end: Math.max(...group.map((b) => b.end)), x: x0, w: x1 - x0, count: group.reduce((a, b) => a + b.count, 0), pages, label: d.label, mkTitle: d.title })
      )
    }
    group = []
    right = -Infinity
  }
  const NARROW = 4
  for (const b of bars) {
    const last = group[group.length - 1]
    const close = last !== undefined && b.x - right < 1
    const same = last !== undefined && last.style === b.style && last.fill === b.fill
    const marks = last !== undefined && priority.length > 0 && b.w < NARROW && right - group[0].x < NARROW * 2 + 1
    if (close && (same || marks)) group.push(b)
    else {
      flush()
      group.push(b)
    }
    right = Math.max(right, b.x + b.w)
  }
  flush()
  return out
}

/** A bar whose hover text is built only if it is drawn. */
type Draft = Omit<MapBar, 'title'> & { mkTitle: () => string }

function finalize(d: Draft): MapBar {
  const { mkTitle, ...rest } = d
  return { ...rest, title: mkTitle() }
}

function listTitle(head: string, group: Draft[], max = 8): () => string {
  return () => listText(head, group, max)
}

function listText(head: string, group: Draft[], max: number): string {
  const ls = group.slice(0, max).map((b) => '• ' + b.mkTitle().split('\n')[0])
  if (group.length > max) ls.push(`… and ${group.length - max} more`)
  return `${head}\n${ls.join('\n')}`
}

function fitLabel(s: string, w: number, size = 11): string {
  return w - 8 >= textWidth(s, size) ? s : ''
}

export function mapModel(report: AnalysisReport, opts: ViewOptions = {}): MapModel {
  const t = theme(opts.theme)
  const width = Math.max(MIN_WIDTH, opts.width ?? 1200)
  const ps = report.pageSizeBytes
  const SB = report.sections.pagesPerSection * ps
  const px = MARGIN + LABEL_W
  const pw = width - px - MARGIN
  const scaleKind = opts.scale ?? 'linear'

  // the extent worth drawing: memory, nodes, zones that hold memory, present sections
  const regions = report.memblock.memory
  const runs = report.sections.presentRuns
  const maxEnd = Math.max(ps, ...regions.map((r) => r.end), ...report.nodes.map((n) => n.endPfn * ps), runs.length ? runs[runs.length - 1].end * SB : 0, ...report.holes.map((h) => h.end * ps))
  const zoomed = !!opts.zoom && opts.zoom.end > opts.zoom.start
  const d0 = zoomed ? Math.max(0, opts.zoom!.start) : 0
  let d1 = zoomed ? opts.zoom!.end : maxEnd
  // the smallest positive address of interest anchors the log scale
  const positives = [...regions.map((r) => r.start), ...report.holes.map((h) => h.start * ps), ...report.nodes.map((n) => n.startPfn * ps)].filter((a) => a > 0 && a >= d0 && a < d1)
  const lo = Math.max(ps, d0 > 0 ? pow2Floor(d0) : positives.length ? pow2Floor(Math.min(...positives)) : ps)
  if (!zoomed) {
    if (scaleKind === 'log') d1 = 2 ** Math.ceil(Math.log2(d1))
    else {
      const tmp = linearTicks(0, d1, makeScale('linear', 0, d1, px, pw, lo), pw)
      const step = tmp.length > 1 ? tmp[1].addr - tmp[0].addr : d1
      d1 = Math.ceil(d1 / step) * step
    }
  }
  if (scaleKind === 'log' && d1 <= lo) d1 = lo * 2
  const s = makeScale(scaleKind, d0, d1, px, pw, lo)
  const ticks = scaleKind === 'log' ? logTicks(lo, d1, s, pw) : linearTicks(d0, d1, s, pw)
  if (scaleKind === 'log' && (ticks.length === 0 || ticks[0].x > px + 40) && d0 === 0) ticks.unshift({ addr: 0, x: px, label: `≤ ${bytes(lo)}`, hex: hex(lo) })

  const clip = (a: number, b: number): [number, number] | null => {
    const x0 = Math.max(a, d0)
    const x1 = Math.min(b, d1)
    return x1 > x0 ? [x0, x1] : null
  }
  // titles and labels are built lazily: a large machine has thousands of regions and holes
  // that merge into a few hundred marks, and only the survivors' texts are ever read
  const bar = (kind: MapBar['kind'], style: BarStyle, a: number, b: number, fill: string, label: () => string, title: () => string, extra: Partial<MapBar> = {}): Draft | null => {
    const c = clip(a, b)
    if (!c) return null
    const x0 = s.x(c[0])
    let w = s.x(c[1]) - x0
    if (w < MIN_BAR_PX) w = MIN_BAR_PX
    // NOMAP and holes stay visible as a mark even when narrower than a pixel
    if ((style === 'nomap' || style === 'hole') && w < 3) w = 3
    return { kind, style, start: c[0], end: c[1], x: x0, w, label: w >= 24 ? fitLabel(label(), w) : '', count: 1, fill, ...extra, mkTitle: title }
  }
  // one range format everywhere: the kernel's [mem 0x%016llx-0x%016llx], ends inclusive (RANGE_LEGEND)
  const range = (a: number, b: number): string => memRange(a, b).slice(1, -1)
  const notNull = <T>(v: T | null): v is T => v !== null

  // memblock.memory
  const memBars = mergeBars(
    regions
      .map((r) => {
        const nomap = r.flags.includes('NOMAP')
        const flags = r.flags.length ? r.flags.join('|') : 'none'
        return bar(
          'region',
          nomap ? 'nomap' : 'memory',
          r.start,
          r.end,
          nomap ? t.nomap : t.memory,
          () => (nomap ? `NOMAP ${bytes(r.end - r.start)}` : bytes(r.end - r.start)),
          () =>
            `memblock.memory [${range(r.start, r.end)}] ${bytes(r.end - r.start)}, node ${r.nid}, flags ${flags}${nomap ? '\nNOMAP: not in the linear map; struct pages exist where the section is present' : ''}`,
          { nid: r.nid }
        )
      })
      .filter(notNull),
    (g) => ({ label: fitLabel(`${g.length} regions`, g[g.length - 1].x + g[g.length - 1].w - g[0].x), title: listTitle(`${g.length} memblock.memory regions (closer together than a pixel)`, g) }),
    ['nomap', 'memory']
  )
  const reservedBars = mergeBars(
    report.memblock.reserved
      .map((r) =>
        bar(
          'reserved',
          'reserved',
          r.start,
          r.end,
          t.reserved,
          () => bytes(r.end - r.start),
          () => `memblock.reserved [${range(r.start, r.end)}] ${bytes(r.end - r.start)}, ${nidText(r.nid)}`,
          { nid: r.nid }
        )
      )
      .filter(notNull),
    (g) => ({ label: '', title: listTitle(`${g.length} memblock.reserved regions`, g) })
  )
  const nodeBars = report.nodes
    .filter((n) => n.endPfn > n.startPfn)
    .map((n, i) => {
      const zs = n.zones.map((z) => `${z.name} ${int(z.presentPages)}/${int(z.spannedPages)}`).join(', ')
      return bar(
        'node',
        'node',
        n.startPfn * ps,
        n.endPfn * ps,
        t.categorical[i % t.categorical.length],
        () => `node ${n.nid}`,
        () =>
          `node ${n.nid}: ${pfnRange(n.startPfn, n.endPfn)} [${range(n.startPfn * ps, n.endPfn * ps)}]\nspanned ${int(n.spannedPages)} pages, present ${int(n.presentPages)} pages (${bytes(n.presentPages * ps)})${zs ? `\nzones (present/spanned pages): ${zs}` : ''}`,
        { nid: n.nid }
      )
    })
    .filter(notNull)
    .map(finalize)

  // zones: every zone the kernel has; bars per node and zone
  const zoneList: MapModel['zones'] = report.zones.map((z) => ({ name: z.name, empty: z.lowestPfn === z.highestPfn, start: z.lowestPfn * ps, end: z.highestPfn * ps }))
  for (const n of report.nodes)
    for (const z of n.zones) if (!zoneList.some((x) => x.name === z.name)) zoneList.push({ name: z.name, empty: false, start: z.startPfn * ps, end: (z.startPfn + z.spannedPages) * ps })
  const zoneFill = (name: string): string => t.zones[name] ?? t.categorical[(zoneList.findIndex((z) => z.name === name) + 3) % t.categorical.length]
  const zoneBars: MapBar[] = []
  for (const n of report.nodes)
    for (const z of n.zones) {
      const a = z.startPfn * ps
      const b = (z.startPfn + z.spannedPages) * ps
      const g = report.zones.find((x) => x.name === z.name)
      const b0 = bar(
        'zone',
        'zone',
        a,
        b,
        zoneFill(z.name),
        () => z.name,
        () =>
          `zone ${z.name}, node ${n.nid}: ${pfnRange(z.startPfn, z.startPfn + z.spannedPages)} [${range(a, b)}]\nspanned ${int(z.spannedPages)}, present ${int(z.presentPages)}, absent ${int(z.absentPages)} pages${g ? `\nZone ranges: ${z.name} ${pfnRange(g.lowestPfn, g.highestPfn)}` : ''}`,
        { nid: n.nid, zone: z.name }
      )
      if (b0) zoneBars.push(finalize(b0))
    }
  zoneBars.sort((a, b) => a.start - b.start)

  // holes (memmap_init attribution), split at section boundaries: the parts inside present
  // sections have struct pages (orange), the rest has none (outlined)
  const pfnRuns = runs.map((r) => ({ start: r.start * report.sections.pagesPerSection, end: r.end * report.sections.pagesPerSection }))
  const holeParts: Draft[] = []
  for (const h of report.holes) {
    if (h.end <= h.start) continue
    const head = (): string => `hole ${pfnRange(h.start, h.end)} (${h.kind}), node ${h.nid}, zone ${h.zone}: ${int(h.validPages)} of ${int(h.end - h.start)} pages have a struct page`
    let lo = 0
    let up = pfnRuns.length
    while (lo < up) {
      const mid = (lo + up) >> 1
      if (pfnRuns[mid].end <= h.start) lo = mid + 1
      else up = mid
    }
    let cur = h.start
    const part = (a: number, b: number, inside: boolean): void => {
      const x = bar(
        'hole',
        inside ? 'hole' : 'hole-no-struct-page',
        a * ps,
        b * ps,
        t.hole,
        () => bytes((b - a) * ps),
        () =>
          `${inside ? `struct pages without memory [${range(a * ps, b * ps)}]: ${int(b - a)} pages (initialised by ${h.by})` : `no struct page [${range(a * ps, b * ps)}]: ${int(b - a)} pages outside present sections`}\n${head()}`,
        { nid: h.nid, zone: h.zone, pages: inside ? b - a : 0 }
      )
      if (x) holeParts.push(x)
    }
    for (let k = lo; k < pfnRuns.length && pfnRuns[k].start < h.end; k++) {
      const a = Math.max(h.start, pfnRuns[k].start)
      const b = Math.min(h.end, pfnRuns[k].end)
      if (a > cur) part(cur, a, false)
      if (b > a) part(a, b, true)
      cur = Math.max(cur, b)
    }
    if (cur < h.end) part(cur, h.end, false)
  }
  holeParts.sort((a, b) => a.start - b.start)
  const holeBars = mergeBars(
    holeParts,
    (g) => {
      const pages = g.reduce((a, b) => a + (b.pages ?? 0), 0)
      return { label: '', title: listTitle(`${g.length} hole parts, ${int(pages)} pages with a struct page`, g) }
    },
    ['hole', 'hole-no-struct-page']
  )

  // section grid: cells of whole sections, at least MIN_CELL_PX wide (runs of present
  // sections bucketed by pixel), with the hole pages that fall in present sections
  const pps = report.sections.pagesPerSection
  const holeRanges = report.holes.filter((h) => h.validPages > 0 && h.end > h.start).sort((a, b) => a.start - b.start)
  const cells: SectionCell[] = []
  const sFirst = Math.floor(d0 / SB)
  const sEnd = Math.ceil(d1 / SB)
  let ri = 0
  let hi = 0
  const overlapRuns = (a: number, b: number): number => {
    while (ri < runs.length && runs[ri].end <= a) ri++
    let n = 0
    for (let k = ri; k < runs.length && runs[k].start < b; k++) n += Math.min(b, runs[k].end) - Math.max(a, runs[k].start)
    return n
  }
  /** hole pfns inside [a, b) sections that lie in present sections */
  const holesIn = (a: number, b: number): number => {
    const pa = a * pps
    const pb = b * pps
    while (hi < holeRanges.length && holeRanges[hi].end <= pa) hi++
    let n = 0
    for (let k = hi; k < holeRanges.length && holeRanges[k].start < pb; k++) {
      const h = holeRanges[k]
      const x0 = Math.max(pa, h.start)
      const x1 = Math.min(pb, h.end)
      // intersect with the present runs (binary search for the first that can overlap)
      let lo = 0
      let up = runs.length
      while (lo < up) {
        const mid = (lo + up) >> 1
        if (runs[mid].end * pps <= x0) lo = mid + 1
        else up = mid
      }
      for (let r = lo; r < runs.length && runs[r].start * pps < x1; r++) n += Math.min(x1, runs[r].end * pps) - Math.max(x0, runs[r].start * pps)
    }
    return n
  }
  // start the run pointer at the first run that can matter
  for (let sec = sFirst; sec < sEnd;) {
    // skip absent stretches quickly
    while (ri < runs.length && runs[ri].end <= sec) ri++
    if (ri >= runs.length) break
    if (runs[ri].start > sec) {
      sec = Math.min(runs[ri].start, sEnd)
      continue
    }
    const x0 = s.x(sec * SB)
    let e = Math.max(sec + 1, Math.ceil(s.inv(x0 + MIN_CELL_PX) / SB))
    e = Math.min(e, sEnd)
    const present = overlapRuns(sec, e)
    const holePages = holesIn(sec, e)
    const total = e - sec
    const state: SectionCell['state'] = present < total ? 'partial' : holePages > 0 ? 'holes' : 'present'
    const last = cells[cells.length - 1]
    const x1 = s.x(e * SB)
    // a multi-section group that continues a run of the same state joins it
    if (last && last.end === sec && state === 'present' && last.state === 'present' && (total > 1 || last.end - last.first > 1)) {
      last.end = e
      last.present += present
      last.w = x1 - last.x
    } else cells.push({ first: sec, end: e, present, holePages, state, x: x0, w: x1 - x0, title: '' })
    sec = e
  }
  for (const c of cells) {
    const n = c.end - c.first
    const span = `[${range(c.first * SB, c.end * SB)}]`
    c.title =
      (n === 1 ? `section ${c.first} ${span}: present` : `sections ${c.first}–${c.end - 1} ${span}: ${int(c.present)} of ${int(n)} present`) +
      `\nmemmap ${bytes(c.present * pps * (report.memmap?.structPageSize ?? 64))} (${int(c.present)} × ${int(pps)} struct pages)` +
      (c.holePages ? `\n${int(c.holePages)} pages without memory have a struct page (unavailable ranges)` : '')
  }

  // layout
  const subtitle = `kernel ${report.kernel} (profile ${report.profile}) · ${report.arch} · ${bytes(ps)} pages · ${scaleKind} scale${zoomed ? ` · zoom ${hex(d0)}–${hex(d1)}` : ''}`
  const hd = header(t, width, `Physical memory map — ${report.name || 'scenario'}`, subtitle)
  let y = hd.bottom + 18
  const lanes: MapLane[] = []
  const nomapCount = regions.filter((r) => r.flags.includes('NOMAP')).length
  const plural = (n: number, w: string): string => `${int(n)} ${w}${n === 1 ? '' : 's'}`
  const addLane = (id: LaneId, label: string, sublabel: string, bars: MapBar[], h = LANE_H): void => {
    lanes.push({ id, label, sublabel, y, h, bars })
    y += h + LANE_GAP
  }
  addLane('memory', 'memblock.memory', `${plural(regions.length, 'region')}${nomapCount ? `, ${nomapCount} NOMAP` : ''}`, memBars)
  if (report.memblock.reserved.length) addLane('reserved', 'memblock.reserved', plural(report.memblock.reserved.length, 'region'), reservedBars)
  addLane('nodes', 'NUMA nodes', `${report.nodes.length} node${report.nodes.length === 1 ? '' : 's'}`, nodeBars)
  const empty = zoneList.filter((z) => z.empty).map((z) => z.name)
  addLane('zones', 'zones', empty.length ? `${empty.join(', ')}: empty` : `${zoneList.length} zones`, zoneBars)
  addLane('sections', 'sections', `${int(report.sections.presentSections)} present × ${bytes(SB)}`, [], LANE_H + 4)
  const holesWithPages = report.holes.filter((h) => h.validPages > 0).length
  addLane('holes', 'holes', `${holesWithPages} with struct pages`, holeBars)
  const axisY = y - LANE_GAP + 8
  const captionText = `physical address · ${RANGE_NOTE}`
  const caption = {
    x: MARGIN,
    y: axisY + CAPTION_DY,
    text: captionText,
    box: { x: MARGIN, y: axisY + CAPTION_DY - ASCENT * 11, w: textWidth(captionText, 11), h: (ASCENT + DESCENT) * 11 }
  }
  const legendY = axisY + LEGEND_DY
  const legend = flowLegend(legendLabels(report.memblock.reserved.length > 0), zoneList.map((z) => `${z.name}${z.empty ? ' (empty)' : ''}`).join(' · '), width, legendY)
  const totalsPerLine = width - 2 * MARGIN >= 760 ? 4 : 2

  const ram = report.totals.presentPages * ps
  // each with its formula and the kernel function that computes it (the totals cards' and Compare's words)
  const MM_INIT = 'mm/mm_init.c (mm/page_alloc.c before 6.4)'
  const totals: MapModel['totals'] = [
    {
      label: 'present memory',
      value: bytesParts(ram).text,
      title: `Σ node_present_pages × PAGE_SIZE = ${int(report.totals.presentPages)} pages × ${bytes(ps)} = ${bytesText(ram)}\ncalculate_node_totalpages() ${MM_INIT}`
    },
    {
      label: 'spanned by nodes',
      value: bytesParts(report.totals.spannedPages * ps).text,
      title: `Σ (node_end_pfn − node_start_pfn) = ${int(report.totals.spannedPages)} pages = ${bytesText(report.totals.spannedPages * ps)}\ncalculate_node_totalpages() ${MM_INIT}`
    },
    {
      label: 'NOMAP',
      value: bytesParts(report.totals.nomapPages * ps).text,
      title: `${int(report.totals.nomapPages)} pages of memblock.memory flagged MEMBLOCK_NOMAP\nmemblock_mark_nomap() mm/memblock.c`
    },
    {
      label: 'holes with struct page',
      value: `${int(report.totals.holePagesWithStructPage)} pages`,
      title: `${bytes(report.totals.holePagesWithStructPage * ps)} of address space with a struct page but no memory\nmemmap_init() → init_unavailable_range() ${MM_INIT}`
    },
    {
      label: 'present sections',
      value: `${int(report.sections.presentSections)} × ${bytes(SB)}`,
      title: `SECTION_SIZE_BITS ${report.sections.sectionSizeBits}, ${int(pps)} pages per section\nsparse_init() → memblocks_present() mm/sparse.c`
    },
    {
      label: 'memmap',
      value: bytes(report.memmap?.totals.memmapBytes ?? report.sections.memmapBytes) + (report.memmap ? ` (${report.memmap.totals.percentOfRam.toFixed(2)} % of RAM)` : ''),
      title: `${int(report.sections.presentSections)} sections × ${int(pps)} × sizeof(struct page) ${report.memmap?.structPageSize ?? ''}\nsparse_init_nid() → __populate_section_memmap() mm/sparse.c`
    },
    {
      label: 'kernel "Memory:" total',
      value: `${int(report.totals.memoryTotalKiB)}K`,
      title: `the second figure of the kernel's "Memory: …K/NK available" line: physpages << (PAGE_SHIFT − 10)\nmem_init_print_info() ${MM_INIT}`
    },
    {
      label: 'max_pfn',
      value: hex(report.maxPfn),
      title: `${bytes(report.maxPfn * ps)}: the first pfn above RAM\n${report.arch === 'x86_64' || report.arch === 'x86' ? 'setup_arch(): max_pfn = e820__end_of_ram_pfn()' : 'max_pfn = PFN_DOWN(memblock_end_of_DRAM()) (arm64: bootmem_init())'}`
    }
  ]
  const height = legendY + (legend.rows - 1) * LEGEND_ROW + 40 + Math.ceil(totals.length / totalsPerLine) * 34 + MARGIN

  const desc =
    `Physical address map of ${report.name || 'the scenario'}: ${regions.length} memblock memory regions (${nomapCount} NOMAP), ` +
    `${report.nodes.length} NUMA node(s), zones ${zoneList.map((z) => z.name + (z.empty ? ' (empty)' : '')).join(', ')}; ` +
    `${report.sections.presentSections} present sections drawn as ${cells.length} cells; ${report.holes.length} holes, ${report.totals.holePagesWithStructPage} pages with a struct page but no memory.`
  return {
    title: `Physical memory map — ${report.name || 'scenario'}`,
    subtitle,
    desc,
    width,
    height,
    plot: { x: px, w: pw },
    scale: scaleKind,
    domain: { start: d0, end: d1 },
    zoomed,
    ticks,
    lanes,
    sectionCells: cells,
    zones: zoneList,
    counts: {
      memoryRegions: regions.length,
      nomapRegions: nomapCount,
      reservedRegions: report.memblock.reserved.length,
      nodes: report.nodes.length,
      holes: report.holes.length,
      presentSections: report.sections.presentSections
    },
    totals,
    axisY,
    axisLabels: axisLabels(ticks, { x: px, w: pw }, axisY),
    caption,
    legendY,
    legend,
    totalsPerLine
  }
}

const LEGEND_ROW = 18

/** The legend's labels, in the order they are drawn. */
function legendLabels(reserved: boolean): string[] {
  return ['memory', 'NOMAP (no linear map)', ...(reserved ? ['reserved'] : []), 'present section', 'hole pages with a struct page', 'hole without struct page']
}

/**
 * The legend's swatches flowed from the left margin onto rows of the drawing's width
 * (one row where it fits, as in a wide export), then the zones: right-aligned on the
 * last row where they fit beside it, else on a row of their own (shortened to the
 * width, the full list the tooltip).
 */
function flowLegend(labels: string[], zoneList: string, width: number, y0: number): MapModel['legend'] {
  const right = width - MARGIN
  const at: { x: number; y: number }[] = []
  let x = MARGIN
  let y = y0
  for (const l of labels) {
    const w = 19 + textWidth(l, 11)
    if (x > MARGIN && x + w > right) {
      x = MARGIN
      y += LEGEND_ROW
    }
    at.push({ x, y })
    x += w + 18
  }
  const full = `zones: ${zoneList}`
  const zw = textWidth(full, 11)
  if (x + zw <= right) return { at, zones: { x: right, y, anchor: 'end', text: full, full }, rows: (y - y0) / LEGEND_ROW + 1 }
  y += LEGEND_ROW
  return { at, zones: { x: MARGIN, y, anchor: 'start', text: truncate(full, right - MARGIN, 11), full }, rows: (y - y0) / LEGEND_ROW + 1 }
}

function drawBar(t: Theme, b: MapBar, lane: MapLane): string {
  const y = lane.y + 2
  const h = lane.h - 4
  const data = dataAttrs({ kind: b.kind, start: hex(b.start), end: hex(b.end), nid: b.nid, zone: b.zone, count: b.count, pages: b.pages, style: b.style })
  let shape: string
  if (b.style === 'nomap') shape = b.w < 8 ? rect(b.x, y, b.w, h, { fill: t.nomap }) : rect(b.x, y, b.w, h, { fill: 'url(#mmw-map-nomap)', stroke: t.nomap, 'stroke-width': 1 })
  else if (b.style === 'hole-no-struct-page') shape = rect(b.x, y + 0.5, b.w, h - 1, { fill: 'none', stroke: t.faint, 'stroke-width': 1, 'stroke-dasharray': '3 2' })
  else shape = rect(b.x, y, b.w, h, { fill: b.fill, rx: b.w > 6 ? 2 : 0 })
  const label = b.label
    ? text(b.x + b.w / 2, y + h / 2 + 4, b.label, {
        size: 11,
        anchor: 'middle',
        fill: b.style === 'nomap' ? t.text : b.style === 'hole-no-struct-page' ? t.muted : inkOn(b.fill),
        weight: b.style === 'nomap' ? 'bold' : undefined
      })
    : ''
  // the label of a NOMAP bar gets a backing so it stays legible over the hatch
  const backing =
    b.label && b.style === 'nomap'
      ? rect(b.x + b.w / 2 - textWidth(b.label, 11, { bold: true }) / 2 - 4, y + h / 2 - 8, textWidth(b.label, 11, { bold: true }) + 8, 16, { fill: t.background, rx: 3, opacity: 0.9 })
      : ''
  return el('g', data, tip(b.title) + shape + backing + label)
}

export function renderMap(report: AnalysisReport, opts: ViewOptions = {}): string {
  const t = theme(opts.theme)
  const m = mapModel(report, opts)
  const hd = header(t, m.width, m.title, m.subtitle)
  const out: string[] = [hd.svg]
  const top = m.lanes[0].y
  const bottom = m.axisY

  // lane backgrounds and labels
  for (const l of m.lanes) {
    out.push(rect(m.plot.x, l.y, m.plot.w, l.h, { fill: t.laneBackground, rx: 3 }))
    out.push(text(MARGIN, l.y + l.h / 2 - 1, l.label, { size: 12, weight: 'bold', fill: t.text }))
    const sub = truncate(l.sublabel, LABEL_W - 8, 10)
    out.push(text(MARGIN, l.y + l.h / 2 + 12, sub, { size: 10, fill: t.muted, title: sub === l.sublabel ? undefined : l.sublabel }))
  }
  // grid lines at the ticks
  for (const k of m.ticks) out.push(line(k.x, top - 4, k.x, bottom, { stroke: t.grid, 'stroke-width': 1 }))

  for (const l of m.lanes) {
    if (l.id === 'sections') continue
    // marks that must stay visible (NOMAP, holes with struct pages) are drawn last
    const rank = (b: MapBar): number => (b.style === 'nomap' || b.style === 'hole' ? 1 : 0)
    for (const b of [...l.bars].sort((a, b) => rank(a) - rank(b))) out.push(drawBar(t, b, l))
  }
  // section cells
  const sl = m.lanes.find((l) => l.id === 'sections')!
  for (const c of m.sectionCells) {
    const gap = c.end - c.first === 1 && c.w >= 4 ? 1 : 0
    const data = dataAttrs({ kind: 'sections', firstSection: c.first, endSection: c.end, present: c.present, holePages: c.holePages, state: c.state })
    const body =
      rect(c.x + gap / 2, sl.y + 2, Math.max(1, c.w - gap), sl.h - 4, { fill: t.section, opacity: c.state === 'partial' ? 0.45 : 1 }) +
      (c.holePages ? rect(c.x + gap / 2, sl.y + sl.h - 8, Math.max(1, c.w - gap), 6, { fill: t.hole }) : '')
    out.push(el('g', data, tip(c.title) + body))
  }

  // axis
  out.push(line(m.plot.x, bottom, m.plot.x + m.plot.w, bottom, { stroke: t.axis, 'stroke-width': 1 }))
  // tick labels (mapModel() chose which fit), then the caption on its own row under them
  for (const k of m.ticks) out.push(line(k.x, bottom, k.x, bottom + 5, { stroke: t.axis }))
  for (const { tick: k, anchor } of m.axisLabels) {
    out.push(text(k.x, bottom + TICK_LABEL_DY, k.label, { size: 11, anchor, fill: t.text, extra: dataAttrs({ kind: 'tick', addr: hex(k.addr) }) }))
    out.push(text(k.x, bottom + TICK_HEX_DY, k.hex, { size: 10, anchor, fill: t.muted, mono: true }))
  }
  out.push(text(m.caption.x, m.caption.y, m.caption.text, { size: 11, fill: t.muted }))

  // legend
  const ly = m.legendY
  const items: [string, string, { pattern?: string; stroke?: string }?][] = [
    [t.memory, 'memory'],
    [t.nomap, 'NOMAP (no linear map)', { pattern: 'mmw-map-nomap', stroke: t.nomap }],
    ...(m.counts.reservedRegions ? ([[t.reserved, 'reserved']] as [string, string][]) : []),
    [t.section, 'present section'],
    [t.hole, 'hole pages with a struct page'],
    ['none', 'hole without struct page', { stroke: t.faint }]
  ]
  items.forEach(([fill, label, o], i) => out.push(swatch(t, m.legend.at[i].x, m.legend.at[i].y, fill, label, o ?? {}).svg))
  const z = m.legend.zones
  out.push(text(z.x, z.y, z.text, { size: 11, anchor: z.anchor, fill: t.muted, title: z.text === z.full ? undefined : z.full }))

  // totals
  const per = m.totalsPerLine
  const colW = (m.width - 2 * MARGIN) / per
  const ty = ly + (m.legend.rows - 1) * LEGEND_ROW + 22
  out.push(rect(MARGIN, ty, m.width - 2 * MARGIN, Math.ceil(m.totals.length / per) * 34 + 8, { fill: t.panel, stroke: t.panelBorder, rx: 6 }))
  m.totals.forEach((tt, i) => {
    const cx = MARGIN + 12 + (i % per) * colW
    const cy = ty + 16 + Math.floor(i / per) * 34
    out.push(
      el(
        'g',
        dataAttrs({ kind: 'total', label: tt.label }),
        tip(`${tt.label}: ${tt.value}\n${tt.title}`) +
          text(cx, cy, tt.label, { size: 10, fill: t.muted }) +
          text(cx, cy + 15, truncate(tt.value, colW - 16, 13, { bold: true }), { size: 13, weight: 'bold', fill: t.text })
      )
    )
  })

  return svgDocument({
    view: 'map',
    width: m.width,
    height: m.height,
    title: m.title,
    desc: m.desc,
    theme: t,
    body: out.join(''),
    source: opts.source,
    defs: hatch('mmw-map-nomap', t.background, t.nomap)
  })
}
