// The analysis as files: one export (a view as SVG/PNG, views as PDF, the report as
// JSON/CSV/Markdown) rendered by the same code for the CLI's `export` and the app's
// File › Export (src/main/services.ts exportReport). No Electron, no file system here:
// callers write the result (atomically, through files.ts).

import type { AnalysisReport } from '../shared/engine/report.ts'
import type { ExportFormat } from '../shared/api.ts'
import { renderView, sectionsModel, VIEW_TITLES, type ViewId, type ViewOptions } from '../shared/views/index.ts'
import { checkStatus } from '../shared/views/sections.ts'
import { svgsToPdf, svgToPng } from './render.ts'
import { bytesText, grouped, memRange, nidText, orderText, pfnRange, RANGE_LEGEND, valueText } from '../shared/engine/units.ts'

export interface ExportSpec {
  /** svg/png: exactly one view; pdf: the pages in order */
  views: ViewId[]
  format: ExportFormat
  /** view options; `source` is the scenario embedded in SVG/PNG/PDF */
  opts: ViewOptions & { source: { text: string; fileName: string } }
  /** PNG pixels per SVG px (default 2) */
  pngScale?: number
}

/** One output file's content. svg/png take one view (a caller exporting several calls once per view). */
export async function renderExport(report: AnalysisReport, spec: ExportSpec): Promise<string | Uint8Array> {
  const { format, opts, views } = spec
  if (format === 'svg' || format === 'png') {
    if (views.length !== 1) throw new Error(`${format} holds one view; export each view on its own`)
    const svg = renderView(views[0], report, opts)
    return format === 'svg' ? svg : svgToPng(svg, { scale: spec.pngScale ?? 2, source: opts.source })
  }
  if (format === 'pdf') {
    const pages = views.map((v) => ({ title: VIEW_TITLES[v], svg: renderView(v, report, opts) }))
    return svgsToPdf(pages, { title: `memmap-workbench: ${report.name || opts.source.fileName}`, subject: `kernel ${report.kernel}, ${report.arch}`, source: opts.source })
  }
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n'
  if (format === 'csv') return reportCsv(report, opts)
  return reportMarkdown(report, { fileName: opts.source.fileName, window: opts.window })
}

// ---------------------------------------------------------------------------------------
// CSV

const CSV_COLUMNS = ['table', 'name', 'start', 'end', 'nid', 'zone', 'value', 'unit', 'detail'] as const

function csvField(v: string | number | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const hx = (n: number): string => '0x' + n.toString(16)

/** The main tables as one CSV: table,name,start,end,nid,zone,value,unit,detail. */
export function reportCsv(report: AnalysisReport, opts: Pick<ViewOptions, 'window'> = {}): string {
  const ps = report.pageSizeBytes
  const rows: (string | number | undefined)[][] = []
  const add = (
    table: string,
    name: string,
    start: number | string | undefined,
    end: number | string | undefined,
    nid: number | undefined,
    zone: string | undefined,
    value: string | number,
    unit: string,
    detail = ''
  ): void => {
    rows.push([table, name, typeof start === 'number' ? hx(start) : start, typeof end === 'number' ? hx(end) : end, nid, zone, value, unit, detail])
  }
  report.memblock.memory.forEach((m, i) => add('memblock.memory', `region ${i}`, m.start, m.end, m.nid, undefined, m.end - m.start, 'bytes', m.flags.join('|')))
  report.memblock.reserved.forEach((m, i) => add('memblock.reserved', `region ${i}`, m.start, m.end, m.nid, undefined, m.end - m.start, 'bytes', m.flags.join('|')))
  for (const z of report.zones) add('zone-range', z.name, z.lowestPfn * ps, z.highestPfn * ps, undefined, z.name, z.highestPfn - z.lowestPfn, 'pages', z.lowestPfn === z.highestPfn ? 'empty' : '')
  for (const n of report.nodes) {
    add('node', `node ${n.nid}`, n.startPfn * ps, n.endPfn * ps, n.nid, undefined, n.presentPages, 'present pages', `spanned ${n.spannedPages}`)
    for (const z of n.zones)
      add(
        'node-zone',
        z.name,
        z.startPfn * ps,
        (z.startPfn + z.spannedPages) * ps,
        n.nid,
        z.name,
        z.presentPages,
        'present pages',
        `spanned ${z.spannedPages}, absent ${z.absentPages}, memmap estimate ${z.memmapPagesEstimate} pages`
      )
  }
  for (const h of report.holes) add('hole', h.kind, h.start * ps, h.end * ps, h.nid, h.zone, h.validPages, 'pages with struct page', h.by)
  if (report.memmap) {
    const sm = sectionsModel(report, { window: opts.window })
    for (const r of sm.rows)
      add(
        'section',
        `section ${r.section}`,
        r.physStart,
        r.physEnd,
        r.nid,
        undefined,
        r.memmapBytes,
        'memmap bytes',
        `present #${r.index}; memmap ${r.memmapVirt ?? '-'}; phys ${r.memmapPhys ?? '-'}; ${sm.unitName}s ${r.firstUnit ?? '-'}..${r.lastUnit ?? '-'} (${r.units}, ${r.newUnits} new)${r.sharesWithPrevious ? '; shares with previous' : ''}`
      )
    for (const c of report.memmap.checks) {
      const s = checkStatus(c)
      add(
        'check',
        c.id,
        undefined,
        undefined,
        undefined,
        undefined,
        s === 'pass' ? 'pass' : s === 'fail' ? 'FAIL' : 'note',
        c.severity,
        `${c.title} | ${c.condition} | ${Object.entries(c.values)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
      )
    }
  }
  const t = report.totals
  add('total', 'presentPages', undefined, undefined, undefined, undefined, t.presentPages, 'pages')
  add('total', 'spannedPages', undefined, undefined, undefined, undefined, t.spannedPages, 'pages')
  add('total', 'nomapPages', undefined, undefined, undefined, undefined, t.nomapPages, 'pages')
  add('total', 'holePagesWithStructPage', undefined, undefined, undefined, undefined, t.holePagesWithStructPage, 'pages')
  add('total', 'memoryTotalKiB', undefined, undefined, undefined, undefined, t.memoryTotalKiB, 'KiB')
  add('total', 'presentSections', undefined, undefined, undefined, undefined, report.sections.presentSections, 'sections', `${report.sections.pagesPerSection} pages each`)
  add('total', 'memmapBytes', undefined, undefined, undefined, undefined, report.memmap?.totals.memmapBytes ?? report.sections.memmapBytes, 'bytes')
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n'
}

// ---------------------------------------------------------------------------------------
// Markdown

function mdCell(v: string | number): string {
  return String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

function mdTable(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n')
}

/** Sizes for people: binary units, exact or with the exact byte count (units.ts bytesText()). */
const mib = bytesText
const n = grouped

/** A Markdown report: totals, memblock, zones, nodes, holes, memmap, checks, boot log. */
export function reportMarkdown(report: AnalysisReport, o: { fileName?: string; window?: ViewOptions['window'] } = {}): string {
  const ps = report.pageSizeBytes
  const L: string[] = []
  const t = report.totals
  L.push(`# ${report.name || o.fileName || 'scenario'}`, '')
  L.push(`kernel ${report.kernel} (profile ${report.profile}) · ${report.arch} · ${mib(ps)} pages${o.fileName ? ` · \`${o.fileName}\`` : ''} · memmap-workbench export`, '')
  // said once: every range below ends at its last byte or pfn
  L.push(`${RANGE_LEGEND[0].toUpperCase()}${RANGE_LEGEND.slice(1)}; sizes in binary units (KiB = 1,024 bytes).`, '')
  L.push('## Totals', '')
  L.push(
    mdTable(
      ['figure', 'value'],
      [
        ['present memory', `${n(t.presentPages)} pages = ${mib(t.presentPages * ps)}`],
        ['spanned by nodes', `${n(t.spannedPages)} pages = ${mib(t.spannedPages * ps)}`],
        ['NOMAP', `${n(t.nomapPages)} pages`],
        ['hole pages with a struct page', `${n(t.holePagesWithStructPage)} pages`],
        ['Memory: total', `${n(t.memoryTotalKiB)} KiB`],
        ['present sections', `${n(report.sections.presentSections)} × ${mib(report.sections.pagesPerSection * ps)}`],
        [
          'memmap',
          report.memmap
            ? `${mib(report.memmap.totals.memmapBytes)} (${report.memmap.totals.percentOfRam.toFixed(3)} % of RAM, struct page ${report.memmap.structPageSize} bytes)`
            : mib(report.sections.memmapBytes)
        ],
        ['max_pfn', hx(report.maxPfn)]
      ]
    ),
    ''
  )
  L.push('## memblock.memory', '')
  L.push(
    mdTable(
      ['range', 'size', 'node', 'flags'],
      report.memblock.memory.map((m) => [`\`${memRange(m.start, m.end)}\``, mib(m.end - m.start), nidText(m.nid), m.flags.join(' ') || '—'])
    ),
    ''
  )
  L.push('## Zones', '')
  L.push(
    mdTable(
      ['zone', 'pfn range'],
      report.zones.map((z) => [z.name, z.lowestPfn === z.highestPfn ? 'empty' : `\`${pfnRange(z.lowestPfn, z.highestPfn)}\``])
    ),
    ''
  )
  L.push('## Nodes', '')
  L.push(
    mdTable(
      ['node', 'pfn range', 'spanned', 'present', 'zones (present / spanned / absent)'],
      report.nodes.map((d) => [
        d.nid,
        `\`${pfnRange(d.startPfn, d.endPfn)}\``,
        n(d.spannedPages),
        n(d.presentPages),
        d.zones.map((z) => `${z.name} ${n(z.presentPages)} / ${n(z.spannedPages)} / ${n(z.absentPages)}`).join(', ')
      ])
    ),
    ''
  )
  L.push('## Holes', '')
  L.push(
    report.holes.length
      ? mdTable(
          ['pfn range', 'kind', 'node', 'zone', 'pages with struct page', 'initialised by'],
          report.holes.map((h) => [`\`${pfnRange(h.start, h.end)}\``, h.kind, h.nid, h.zone, n(h.validPages), h.by])
        )
      : 'none',
    ''
  )
  const mm = report.memmap
  if (mm) {
    const p = mm.placement
    L.push('## Memmap', '')
    L.push(`- sizeof(struct page): ${mm.structPageSize} bytes; memmap ${mib(mm.totals.memmapBytes)} over ${n(mm.totals.presentSections)} sections (${mm.totals.percentOfRam.toFixed(3)} % of RAM)`)
    for (const d of mm.totals.nodes) L.push(`- node ${d.nid}: ${n(d.sections)} sections, ${mib(d.memmapBytes)}`)
    L.push(`- backing: ${n(p.plan.summary.unitsTouched)} × ${mib(p.plan.unitBytes)}; pfn_to_page(0) ${p.base ? `\`${String(p.base.pfnToPage0)}\`` : '(no vmemmap)'}`)
    L.push(
      p.alignedFolio.maxOrder < 0
        ? `- no folio has naturally aligned struct pages (largest order: none); MAX_FOLIO_ORDER ${orderText(p.maxFolioOrder.order)} (${mib(p.maxFolioOrder.bytes)})`
        : `- struct pages naturally aligned for folios up to ${mib(p.alignedFolio.maxBytes)} (order ${p.alignedFolio.maxOrder}); MAX_FOLIO_ORDER ${orderText(p.maxFolioOrder.order)} (${mib(p.maxFolioOrder.bytes)})`
    )
    for (const h of mm.hvo.pages) L.push(`- HVO ${mib(h.hugePageSize)} page: ${h.optimized ? `${mib(h.freedBytes)} of vmemmap freed per page` : 'not optimized'}${h.line ? ` — \`${h.line}\`` : ''}`)
    if (mm.kmsan)
      L.push(
        `- KMSAN metadata: ${mib(mm.kmsan.metadataPages * ps)} from the hand-off + ${mib(mm.kmsan.futureMetadataPages * ps)} for reserved ranges; usable ${mib(mm.kmsan.usablePages * ps)}${mm.kmsan.deferredPages ? `; ${mib(mm.kmsan.deferredPages * ps)} deferred pages without metadata` : ''}`
      )
    for (const ns of mm.pmem) L.push(`- ${ns.name}: ${ns.ok ? `page map ${mib(ns.pageMapSize)}, reserved ${mib(ns.lostBytes)}, usable ${mib(ns.usableBytes)}` : `fails: ${ns.error}`}`)
    const sm = sectionsModel(report, { window: o.window })
    if (sm.rows.length) {
      L.push('', `### Sections ${n(sm.window.start)}–${n(sm.window.start + sm.rows.length - 1)} of ${n(sm.window.total)}`, '')
      L.push(
        mdTable(
          ['#', 'section', 'node', 'physical range', 'memmap (vmemmap)', 'memmap phys (est.)', `${sm.unitName}s`, 'shared'],
          sm.rows.map((r) => [
            n(r.index),
            n(r.section),
            r.nid,
            `\`${memRange(r.physStart, r.physEnd)}\``,
            r.memmapVirt ? `\`${r.memmapVirt}\`` : '—',
            r.memmapPhys ? `\`${r.memmapPhys}\`` : '—',
            `${n(r.units)} (${n(r.newUnits)} new)`,
            r.sharesWithPrevious ? 'with previous' : '—'
          ])
        )
      )
    }
    L.push('')
    const failed = mm.checks.filter((c) => checkStatus(c) === 'fail').length
    const notes = mm.checks.filter((c) => checkStatus(c) === 'note').length
    L.push('## Checks', '', `${mm.checks.length - failed - notes} pass, ${failed} fail, ${notes} notes`, '')
    L.push(
      mdTable(
        ['result', 'check', 'condition', 'values', 'kernel'],
        mm.checks.map((c) => {
          const s = checkStatus(c)
          return [
            s === 'pass' ? '✅ pass' : s === 'fail' ? '❌ **FAIL**' : 'ℹ️ note',
            `${c.title} (\`${c.id}\`)`,
            `\`${c.condition}\``,
            Object.entries(c.values)
              .map(([k, v]) => `${k} = ${valueText(v, null, k)}`)
              .join(', '),
            `${c.ref} (${c.versions})`
          ]
        })
      ),
      ''
    )
  }
  L.push('## Boot log', '', '```text', ...report.bootlog, '```', '')
  if (report.warnings.length) L.push('## Notes', '', ...report.warnings.map((w) => `- ${w}`), '')
  return L.join('\n')
}
