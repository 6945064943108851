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
  layout: { chartY: number; chartH: number; row2Y: number; row2H: number; row3Y: number; row3H: number }
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0

function niceStep(max: number, target = 4): number {
  if (max <= 0) return 1
  let step = 2 ** Math.floor(Math.log2(max / target))
  while (max / step > target + 2) step *= 2
  return step
}

export function costsModel(report: AnalysisReport, opts: ViewOptions = {}): CostsModel {
  const width = Math.max(900, opts.width ?? 1200)
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

  // layout
  const t = theme(opts.theme)
  const hd = header(t, width, title, 'x')
  const chartY = hd.bottom + 10
  const chartH = 330
  const row2Y = chartY + chartH + 18
  const hvoH = 70 + hvoRows.length * 46 + (pools.length ? 26 + pools.length * 22 : 30)
  const kmsanH = kmsan ? 70 + kmsan.rows.length * 46 + 40 + 48 : 150
  const row2H = Math.max(hvoH, kmsanH)
  const row3Y = row2Y + row2H + 18
  const row3H = pmem.length ? 64 + pmem.length * 62 : 90
  const height = row3Y + row3H + MARGIN

  const cur = bars.find((b) => b.current)!
  const subtitle = `kernel ${report.kernel} · ${report.arch} · ${int(sections)} present sections × ${int(pps)} pages · memmap today ${bytes(cur.bytes)} (${cur.percentOfRam.toFixed(2)} % of ${bytes(ram)} RAM)`
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
    layout: { chartY, chartH, row2Y, row2H, row3Y, row3H }
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
  out.push(heading(t, MARGIN + 16, L.chartY + 24, 'Memmap by sizeof(struct page)', `${int(m.presentSections)} sections × ${int(m.pagesPerSection)} struct pages × S`))
  const cx0 = MARGIN + 86
  const cw = W - 86 - 24
  const cy0 = L.chartY + 62
  const ch = L.chartH - 62 - 58
  const yMax = m.yTicks[m.yTicks.length - 1] || 1
  const Y = (v: number): number => cy0 + ch - (v / yMax) * ch
  for (const v of m.yTicks) {
    out.push(line(cx0, Y(v), cx0 + cw, Y(v), { stroke: t.grid }))
    out.push(text(cx0 - 8, Y(v) + 4, v === 0 ? '0' : bytes(v), { size: 10.5, anchor: 'end', fill: t.muted }))
  }
  const slot = cw / m.bars.length
  const bw = Math.min(64, slot * 0.62)
  m.bars.forEach((b, i) => {
    const x = cx0 + i * slot + (slot - bw) / 2
    const fill = b.current ? t.barCurrent : b.kind === 'memdesc' ? t.barProjection : t.barOther
    const y = Y(b.bytes)
    const parts = [
      tip(b.title),
      rect(x, y, bw, cy0 + ch - y, { fill, rx: 2, ...(b.pow2 ? {} : { stroke: t.note, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' }) }),
      text(x + bw / 2, y - 20, bytes(b.bytes), { size: 11, weight: 'bold', anchor: 'middle', fill: t.text }),
      text(x + bw / 2, y - 7, `${b.percentOfRam.toFixed(2)} %`, { size: 10, anchor: 'middle', fill: t.muted }),
      text(x + bw / 2, cy0 + ch + 17, truncate(b.label, slot - 4, 11, { bold: b.current }), { size: 11, anchor: 'middle', fill: t.text, weight: b.current ? 'bold' : undefined }),
      b.sublabel
        ? text(x + bw / 2, cy0 + ch + 32, truncate(b.sublabel, slot - 4, 10), {
            size: 10,
            anchor: 'middle',
            fill: b.current ? t.barCurrent : b.pow2 ? t.muted : t.note,
            weight: b.current ? 'bold' : undefined
          })
        : ''
    ]
    out.push(el('g', dataAttrs({ kind: 'memmap-bar', structPageSize: b.structPageSize, bytes: b.bytes, current: b.current, variant: b.kind }), parts.join('')))
  })
  out.push(line(cx0, cy0 + ch, cx0 + cw, cy0 + ch, { stroke: t.axis }))
  // legend
  {
    const items: { label: string; a: Record<string, string | number> }[] = [
      { label: 'this kernel', a: { fill: t.barCurrent } },
      { label: 'other sizes', a: { fill: t.barOther } },
      { label: 'not a power of 2: no HVO', a: { fill: t.barOther, stroke: t.note, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' } },
      { label: 'memdesc projection', a: { fill: t.barProjection } }
    ]
    let lx = MARGIN + W - 16 - items.reduce((a, i) => a + 22 + textWidth(i.label, 10.5) + 14, 0)
    for (const i of items) {
      out.push(rect(lx, L.chartY + 15, 14, 11, { rx: 2, ...i.a }) + text(lx + 19, L.chartY + 24, i.label, { size: 10.5, fill: t.muted }))
      lx += 22 + textWidth(i.label, 10.5) + 14
    }
  }

  // 2. HVO
  const half = (W - 18) / 2
  const hx = MARGIN
  const hy = L.row2Y
  out.push(panel(t, hx, hy, half, L.row2H))
  out.push(heading(t, hx + 16, hy + 24, 'HugeTLB vmemmap optimisation (HVO)'))
  out.push(text(hx + 16, hy + 42, truncate(`per huge page: vmemmap ${'freed'} vs kept · pools free ${bytes(m.hvo.netFreedBytes)} in total`, half - 32, 10.5), { size: 10.5, fill: t.muted }))
  const barX = hx + 120
  const barW = half - 120 - 20
  let y = hy + 62
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
            text(barX, y + 8, `${plusBytes(p.freedBytes)} of vmemmap freed`, { size: 11, weight: 'bold', fill: t.freed })
        )
      )
      y += 22
    }
  } else out.push(text(hx + 16, y + 10, 'No pool sizes configured (hugetlb: pages) — savings are per page.', { size: 10.5, fill: t.muted }))
  // legend
  out.push(
    rect(hx + half - 150, hy + 14, 12, 10, { fill: t.freed }) +
      text(hx + half - 134, hy + 23, 'freed', { size: 10, fill: t.muted }) +
      rect(hx + half - 90, hy + 14, 12, 10, { fill: t.kept }) +
      text(hx + half - 74, hy + 23, 'kept', { size: 10, fill: t.muted })
  )

  // 3. KMSAN
  const kx = MARGIN + half + 18
  out.push(panel(t, kx, hy, half, L.row2H))
  out.push(heading(t, kx + 16, hy + 24, 'KMSAN boot metadata'))
  if (m.kmsan) {
    const k = m.kmsan
    const tot = k.usablePages + k.metadataPages + k.lostPages
    out.push(
      text(kx + 16, hy + 42, truncate(`shadow + origin pages for every page given to the buddy allocator: ${bytes(k.metadataPages * ps)} of ${bytes(tot * ps)}`, half - 32, 10.5), {
        size: 10.5,
        fill: t.muted
      })
    )
    let ky = hy + 62
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
    const note = wrap(
      `KMSAN is off in this scenario. With CONFIG_KMSAN (memmap.structPage.kmsan: true) struct page grows by 16 bytes to ${m.structPageSize + 16} B (the "KMSAN" bar above) and every page handed to the buddy allocator needs a shadow and an origin page: about two thirds of RAM become metadata.`,
      half - 32,
      11
    )
    out.push(el('g', dataAttrs({ kind: 'kmsan-off' }), tip(note.join(' ')) + note.map((l, i) => text(kx + 16, hy + 50 + i * 16, l, { size: 11, fill: t.muted })).join('')))
  }

  // 4. PMEM
  const py = L.row3Y
  out.push(panel(t, MARGIN, py, W, L.row3H))
  out.push(heading(t, MARGIN + 16, py + 24, 'PMEM page map reservation', 'fsdax/devdax namespaces with the memmap on the device (--map=dev)'))
  if (!m.pmem.length) out.push(text(MARGIN + 16, py + 54, 'No PMEM namespaces in this scenario (memmap.pmem).', { size: 11, fill: t.muted }))
  else {
    const lx = MARGIN + W - 16 - (22 + textWidth('page map + info block', 10.5) + 14 + 22 + textWidth('usable data', 10.5))
    out.push(rect(lx, py + 15, 14, 11, { rx: 2, fill: t.nomap }) + text(lx + 19, py + 24, 'page map + info block', { size: 10.5, fill: t.muted }))
    const lx2 = lx + 22 + textWidth('page map + info block', 10.5) + 14
    out.push(rect(lx2, py + 15, 14, 11, { rx: 2, fill: t.memory }) + text(lx2 + 19, py + 24, 'usable data', { size: 10.5, fill: t.muted }))
  }
  let pyy = py + 44
  for (const p of m.pmem) {
    const bx = MARGIN + 190
    const bwid = W - 190 - 24
    const parts = [
      tip(
        `${p.name}: ${p.ok ? `page map ${int(p.pageMapSize)} bytes (${int(p.npfns)} pfns × ${p.pageStructSize} B), reserved at the start ${int(p.reservedBytes)} bytes (${plusBytes(p.reservedBytes)}), usable ${int(p.usableBytes)} bytes, align ${bytes(p.align)}` : `fails: ${p.error}`}`
      ),
      text(MARGIN + 16, pyy + 14, p.name, { size: 11.5, weight: 'bold', fill: t.text, mono: true }),
      text(MARGIN + 16, pyy + 30, `${bytes(p.totalBytes)} namespace`, { size: 10.5, fill: t.muted })
    ]
    if (p.ok) {
      parts.push(
        stacked(
          t,
          bx,
          pyy + 2,
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
          pyy + 38,
          truncate(
            `page map ${bytes(p.pageMapSize)} (${int(p.npfns)} pfns × ${p.pageStructSize} B) · reserved ${plusBytes(p.reservedBytes)} = ${share.toFixed(2)} % · usable ${plusBytes(p.usableBytes)} · align ${bytes(p.align)}`,
            bwid,
            10.5
          ),
          { size: 10.5, fill: t.text }
        )
      )
    } else {
      parts.push(badge(bx, pyy + 2, '✗ FAILS', t.fail, { size: 10 }).svg)
      parts.push(text(bx + 70, pyy + 15, truncate(p.error ?? 'nd_pfn_init() fails', bwid - 70, 11), { size: 11, fill: t.fail }))
    }
    out.push(el('g', dataAttrs({ kind: 'pmem', name: p.name, ok: p.ok, reservedBytes: p.reservedBytes }), parts.join('')))
    pyy += 62
  }
  return svgDocument({ view: 'costs', width: m.width, height: m.height, title: m.title, desc: m.desc, theme: t, body: out.join(''), source: opts.source })
}
