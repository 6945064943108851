// `memmap-workbench export FILE --view V --format F -o OUT`: the app's views and the
// analysis as files, rendered by the same code the app uses (src/shared/views).
//
//   svg, png   one view; with --view all, OUT is a directory (created when missing) that
//              receives map.svg, sections.svg, nomap.svg, costs.svg (or .png).
//              The scenario is embedded: SVG <metadata>, PNG iTXt chunks.
//   pdf        one page per view (--view all, the default: every view), the scenario attached
//   json       the analysis report (as `analyze --json`)
//   csv        the main tables in one CSV (RFC 4180) with the columns
//                table,name,start,end,nid,zone,value,unit,detail
//              table is one of memblock.memory, memblock.reserved, zone-range, node,
//              node-zone, hole, section (the --window of present sections), check, total;
//              start/end are physical byte addresses in hex, end exclusive
//   md         a Markdown report: totals, regions, zones, nodes, holes, memmap, checks with
//              pass/fail, boot log
//
// OUT "-" writes a single text output (svg of one view, json, csv, md) to stdout. Every
// file is written atomically: to a temporary file in the same directory, then renamed.
// Exit codes: 0 ok, 1 an output could not be written, 2 bad input or arguments (messages
// as `file:line:column: error: …`).

import { mkdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { MAX_SOURCE_BYTES } from '../../shared/api.ts'
import { analyzeSource } from '../../shared/engine/index.ts'
import type { AnalysisReport, Diagnostic } from '../../shared/engine/report.ts'
import { parseSize } from '../../shared/engine/units.ts'
import { ARCHES, type Arch } from '../../shared/scenario/scenario.ts'
import { isViewId, renderView, sectionsModel, VIEW_IDS, VIEW_TITLES, type ViewId, type ViewOptions } from '../../shared/views/index.ts'
import { checkStatus } from '../../shared/views/sections.ts'
import { svgsToPdf, svgToPng } from '../render.ts'
import { atomicWriteFile } from '../files.ts'

export const EXPORT_FORMATS = ['svg', 'png', 'pdf', 'json', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportArgs {
  file: string
  view: ViewId | 'all'
  format: ExportFormat
  /** a file, a directory (svg/png with --view all) or "-" for stdout */
  out: string
  kernel?: string
  arch?: Arch
  theme?: 'light' | 'dark'
  width?: number
  scale?: 'linear' | 'log'
  zoom?: { start: number; end: number }
  window?: { start: number; count: number }
  /** PNG pixels per SVG px (default 2) */
  pngScale?: number
}

export interface ExportIo {
  out: (s: string) => void
  err: (s: string) => void
  /** raw stdout for `-o -` (default: `out` without the text's final newline) */
  stdout?: (data: string) => void
}

export const EXPORT_USAGE = `usage: memmap-workbench export FILE [--view VIEW] [--format FORMAT] -o OUT [options]

  --view map|sections|nomap|costs|all   which view (default all)
  --format svg|png|pdf|json|csv|md      output format (default: from OUT's extension)
  -o, --out OUT                         output file; for svg/png with --view all a directory
                                        (VIEW.svg / VIEW.png inside); "-" for stdout (text formats)
  --theme light|dark                    colour theme (default light)
  --width PX                            view width in px (default 1200)
  --scale linear|log                    map: address axis scale
  --zoom START-END                      map: address range, e.g. 0-4G or 0x100000000-0x200000000
  --window START:COUNT                  sections/nomap/csv: rows (default 0:16)
  --png-scale N                         PNG pixels per px (default 2)
  --kernel VERSION, --arch ARCH         as for the other commands

csv columns: table,name,start,end,nid,zone,value,unit,detail (one row per region, zone,
node, node-zone, hole, section of the window, check and total; addresses in hex, end exclusive)
exit codes: 0 ok, 1 an output could not be written, 2 bad input`

const std: ExportIo = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n'), stdout: (d) => process.stdout.write(d) }

function formatDiag(file: string, d: Diagnostic): string {
  const where = d.line ? `${file}:${d.line}:${d.column ?? 1}: ` : `${file}: `
  return `${where}${d.severity}: ${d.message}`
}

// ---------------------------------------------------------------------------------------
// Arguments

/** argv after the word `export`. */
export function parseExportArgs(argv: string[]): { ok: true; args: ExportArgs } | { ok: false; message: string; help?: boolean } {
  const positional: string[] = []
  let view: string | undefined
  let format: string | undefined
  let out: string | undefined
  const a: Partial<ExportArgs> = {}
  const bad = (message: string): { ok: false; message: string } => ({ ok: false, message })
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return { ok: false, message: EXPORT_USAGE, help: true }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg)
      continue
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string | null => (inline !== undefined ? inline : i + 1 < argv.length ? argv[++i] : null)
    const v = value()
    if (v === null) return bad(`${flag} needs a value`)
    switch (flag) {
      case '--view':
        view = v
        break
      case '--format':
        format = v
        break
      case '-o':
      case '--out':
        out = v
        break
      case '--kernel':
        a.kernel = v
        break
      case '--arch':
        if (!(ARCHES as readonly string[]).includes(v)) return bad(`--arch must be one of ${ARCHES.join(', ')}, not ${v}`)
        a.arch = v as Arch
        break
      case '--theme':
        if (v !== 'light' && v !== 'dark') return bad(`--theme must be light or dark, not ${v}`)
        a.theme = v
        break
      case '--scale':
        if (v !== 'linear' && v !== 'log') return bad(`--scale must be linear or log, not ${v}`)
        a.scale = v
        break
      case '--width': {
        const n = Number(v)
        if (!Number.isInteger(n) || n < 640 || n > 10000) return bad(`--width must be a whole number of px from 640 to 10000, not ${v}`)
        a.width = n
        break
      }
      case '--png-scale': {
        const n = Number(v)
        if (!(n > 0 && n <= 8)) return bad(`--png-scale must be a number in (0, 8], not ${v}`)
        a.pngScale = n
        break
      }
      case '--zoom': {
        const m = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(v)
        const s0 = m ? parseSize(m[1]) : null
        const s1 = m ? parseSize(m[2]) : null
        if (s0 === null || s1 === null || s1 <= s0) return bad(`--zoom must be START-END with START < END (sizes like 4G or 0x1000), not ${v}`)
        a.zoom = { start: s0, end: s1 }
        break
      }
      case '--window': {
        const m = /^(\d+)[:,](\d+)$/.exec(v)
        if (!m || Number(m[2]) < 1) return bad(`--window must be START:COUNT, not ${v}`)
        a.window = { start: Number(m[1]), count: Number(m[2]) }
        break
      }
      default:
        return bad(`unknown option ${flag}`)
    }
  }
  if (positional.length === 0) return bad('export needs a FILE')
  if (positional.length > 1) return bad(`export takes one FILE, not ${positional.join(' ')}`)
  if (!out) return bad('export needs -o OUT')
  const fmt = format ?? extname(out).slice(1).toLowerCase()
  if (!(EXPORT_FORMATS as readonly string[]).includes(fmt)) return bad(format ? `--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${format}` : `cannot tell the format from ${out}: give --format ${EXPORT_FORMATS.join('|')}`)
  const vw = view ?? 'all'
  if (vw !== 'all' && !isViewId(vw)) return bad(`--view must be one of ${VIEW_IDS.join(', ')}, all, not ${vw}`)
  return { ok: true, args: { ...a, file: positional[0], view: vw as ViewId | 'all', format: fmt as ExportFormat, out } }
}

/** `memmap-workbench export …` (argv after the word `export`). */
export async function exportCommand(argv: string[], io: ExportIo = std): Promise<number> {
  const p = parseExportArgs(argv)
  if (!p.ok) {
    if (p.help) {
      io.out(p.message)
      return 0
    }
    io.err(`${p.message}\n${EXPORT_USAGE}`)
    return 2
  }
  return runExport(p.args, io)
}

// ---------------------------------------------------------------------------------------
// Writing

/** Atomic writes: the same helper Save uses (temp file beside the target, fsync, rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await atomicWriteFile(path, data)
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------
// The export

export async function runExport(args: ExportArgs, io: ExportIo = std): Promise<number> {
  const { file, format } = args
  let source: string
  try {
    const buf = await readFile(file)
    if (buf.length > MAX_SOURCE_BYTES) {
      io.err(`${file}: error: the file is ${(buf.length / 1048576).toFixed(1)} MB; inputs above ${MAX_SOURCE_BYTES / 1048576} MB are refused`)
      return 2
    }
    source = buf.toString('utf8')
  } catch (e) {
    io.err(`${file}: error: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
    return 2
  }
  const r = analyzeSource(source, file, { kernel: args.kernel, arch: args.arch })
  for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiag(file, d))
  if (!r.ok) return 2
  const report = r.report

  const views: ViewId[] = args.view === 'all' ? [...VIEW_IDS] : [args.view]
  const embedded = { text: source, fileName: basename(file) }
  const opts: ViewOptions = { theme: args.theme, width: args.width, scale: args.scale, zoom: args.zoom, window: args.window, source: embedded }
  const toStdout = args.out === '-'

  // what to write: [path, data] pairs
  const outputs: { path: string; data: string | Uint8Array }[] = []
  if (format === 'svg' || format === 'png') {
    const many = views.length > 1
    if (many && toStdout) {
      io.err(`error: --view all writes one ${format} per view into a directory; give -o DIR or one --view`)
      return 2
    }
    if (format === 'png' && toStdout) {
      io.err('error: png is binary: give -o FILE')
      return 2
    }
    for (const v of views) {
      const svg = renderView(v, report, opts)
      const data = format === 'svg' ? svg : svgToPng(svg, { scale: args.pngScale ?? 2, source: embedded })
      outputs.push({ path: many ? join(args.out, `${v}.${format}`) : args.out, data })
    }
    if (many) {
      try {
        await mkdir(args.out, { recursive: true })
      } catch (e) {
        io.err(`${args.out}: error: ${(e as Error).message}`)
        return 1
      }
    } else if (!toStdout && (await isDirectory(args.out))) {
      outputs[0].path = join(args.out, `${views[0]}.${format}`)
    }
  } else if (format === 'pdf') {
    if (toStdout) {
      io.err('error: pdf is binary: give -o FILE')
      return 2
    }
    const pages = views.map((v) => ({ title: VIEW_TITLES[v], svg: renderView(v, report, opts) }))
    const pdf = await svgsToPdf(pages, { title: `memmap-workbench: ${report.name || basename(file)}`, subject: `kernel ${report.kernel}, ${report.arch}`, source: embedded })
    outputs.push({ path: args.out, data: pdf })
  } else {
    const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'csv' ? reportCsv(report, opts) : reportMarkdown(report, { fileName: basename(file), window: opts.window })
    outputs.push({ path: args.out, data: text })
  }

  if (toStdout) {
    // without a raw stdout, io.out (which adds a newline) gets the text without its last one
    const write = io.stdout ?? ((d: string): void => io.out(d.replace(/\r?\n$/, '')))
    write(outputs[0].data as string)
    return 0
  }
  for (const o of outputs) {
    try {
      await writeFileAtomic(o.path, o.data)
    } catch (e) {
      io.err(`${o.path}: error: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`)
      return 1
    }
    io.out(`wrote ${o.path} (${typeof o.data === 'string' ? Buffer.byteLength(o.data) : o.data.length} bytes)`)
  }
  return 0
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
  const add = (table: string, name: string, start: number | string | undefined, end: number | string | undefined, nid: number | undefined, zone: string | undefined, value: string | number, unit: string, detail = ''): void => {
    rows.push([table, name, typeof start === 'number' ? hx(start) : start, typeof end === 'number' ? hx(end) : end, nid, zone, value, unit, detail])
  }
  report.memblock.memory.forEach((m, i) => add('memblock.memory', `region ${i}`, m.start, m.end, m.nid, undefined, m.end - m.start, 'bytes', m.flags.join('|')))
  report.memblock.reserved.forEach((m, i) => add('memblock.reserved', `region ${i}`, m.start, m.end, m.nid, undefined, m.end - m.start, 'bytes', m.flags.join('|')))
  for (const z of report.zones) add('zone-range', z.name, z.lowestPfn * ps, z.highestPfn * ps, undefined, z.name, z.highestPfn - z.lowestPfn, 'pages', z.lowestPfn === z.highestPfn ? 'empty' : '')
  for (const n of report.nodes) {
    add('node', `node ${n.nid}`, n.startPfn * ps, n.endPfn * ps, n.nid, undefined, n.presentPages, 'present pages', `spanned ${n.spannedPages}`)
    for (const z of n.zones) add('node-zone', z.name, z.startPfn * ps, (z.startPfn + z.spannedPages) * ps, n.nid, z.name, z.presentPages, 'present pages', `spanned ${z.spannedPages}, absent ${z.absentPages}, memmap estimate ${z.memmapPagesEstimate} pages`)
  }
  for (const h of report.holes) add('hole', h.kind, h.start * ps, h.end * ps, h.nid, h.zone, h.validPages, 'pages with struct page', h.by)
  if (report.memmap) {
    const sm = sectionsModel(report, { window: opts.window })
    for (const r of sm.rows)
      add('section', `section ${r.section}`, r.physStart, r.physEnd, r.nid, undefined, r.memmapBytes, 'memmap bytes', `present #${r.index}; memmap ${r.memmapVirt ?? '-'}; phys ${r.memmapPhys ?? '-'}; ${sm.unitName}s ${r.firstUnit ?? '-'}..${r.lastUnit ?? '-'} (${r.units}, ${r.newUnits} new)${r.sharesWithPrevious ? '; shares with previous' : ''}`)
    for (const c of report.memmap.checks) {
      const s = checkStatus(c)
      add('check', c.id, undefined, undefined, undefined, undefined, s === 'pass' ? 'pass' : s === 'fail' ? 'FAIL' : 'note', c.severity, `${c.title} | ${c.condition} | ${Object.entries(c.values).map(([k, v]) => `${k}=${v}`).join(' ')}`)
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

function mib(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  let v = b
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/\.?0+$/, '')} ${units[i]}`
}

/** A Markdown report: totals, memblock, zones, nodes, holes, memmap, checks, boot log. */
export function reportMarkdown(report: AnalysisReport, o: { fileName?: string; window?: ViewOptions['window'] } = {}): string {
  const ps = report.pageSizeBytes
  const L: string[] = []
  const t = report.totals
  L.push(`# ${report.name || o.fileName || 'scenario'}`, '')
  L.push(`kernel ${report.kernel} (profile ${report.profile}) · ${report.arch} · ${mib(ps)} pages${o.fileName ? ` · \`${o.fileName}\`` : ''} · memmap-workbench export`, '')
  L.push('## Totals', '')
  L.push(
    mdTable(
      ['figure', 'value'],
      [
        ['present memory', `${mib(t.presentPages * ps)} (${t.presentPages} pages)`],
        ['spanned by nodes', `${mib(t.spannedPages * ps)} (${t.spannedPages} pages)`],
        ['NOMAP', `${t.nomapPages} pages`],
        ['hole pages with a struct page', `${t.holePagesWithStructPage}`],
        ['Memory: total', `${t.memoryTotalKiB}K`],
        ['present sections', `${report.sections.presentSections} × ${mib(report.sections.pagesPerSection * ps)}`],
        ['memmap', report.memmap ? `${mib(report.memmap.totals.memmapBytes)} (${report.memmap.totals.percentOfRam.toFixed(3)} % of RAM, struct page ${report.memmap.structPageSize} B)` : mib(report.sections.memmapBytes)],
        ['max_pfn', hx(report.maxPfn)]
      ]
    ),
    ''
  )
  L.push('## memblock.memory', '')
  L.push(mdTable(['range', 'size', 'node', 'flags'], report.memblock.memory.map((m) => [`\`[${hx(m.start)}-${hx(m.end - 1)}]\``, mib(m.end - m.start), m.nid, m.flags.join(' ') || '—'])), '')
  L.push('## Zones', '')
  L.push(mdTable(['zone', 'pfn range'], report.zones.map((z) => [z.name, z.lowestPfn === z.highestPfn ? 'empty' : `\`${hx(z.lowestPfn)}-${hx(z.highestPfn - 1)}\``])), '')
  L.push('## Nodes', '')
  L.push(
    mdTable(
      ['node', 'pfn range', 'spanned', 'present', 'zones (present / spanned / absent)'],
      report.nodes.map((n) => [n.nid, `\`${hx(n.startPfn)}-${hx(n.endPfn - 1)}\``, n.spannedPages, n.presentPages, n.zones.map((z) => `${z.name} ${z.presentPages}/${z.spannedPages}/${z.absentPages}`).join(', ')])
    ),
    ''
  )
  L.push('## Holes', '')
  L.push(report.holes.length ? mdTable(['pfn range', 'kind', 'node', 'zone', 'pages with struct page', 'initialised by'], report.holes.map((h) => [`\`${hx(h.start)}-${hx(h.end - 1)}\``, h.kind, h.nid, h.zone, h.validPages, h.by])) : 'none', '')
  const mm = report.memmap
  if (mm) {
    const p = mm.placement
    L.push('## Memmap', '')
    L.push(`- sizeof(struct page): ${mm.structPageSize} B; memmap ${mib(mm.totals.memmapBytes)} over ${mm.totals.presentSections} sections (${mm.totals.percentOfRam.toFixed(3)} % of RAM)`)
    for (const n of mm.totals.nodes) L.push(`- node ${n.nid}: ${n.sections} sections, ${mib(n.memmapBytes)}`)
    L.push(`- backing: ${p.plan.summary.unitsTouched} × ${mib(p.plan.unitBytes)}; pfn_to_page(0) ${p.base ? `\`${String(p.base.pfnToPage0)}\`` : '(no vmemmap)'}`)
    L.push(`- struct pages naturally aligned for folios up to ${mib(p.alignedFolio.maxBytes)} (order ${p.alignedFolio.maxOrder}); MAX_FOLIO_ORDER ${p.maxFolioOrder.order} (${mib(p.maxFolioOrder.bytes)})`)
    for (const h of mm.hvo.pages) L.push(`- HVO ${mib(h.hugePageSize)} page: ${h.optimized ? `${mib(h.freedBytes)} of vmemmap freed per page` : 'not optimized'}${h.line ? ` — \`${h.line}\`` : ''}`)
    if (mm.kmsan) L.push(`- KMSAN metadata: ${mib(mm.kmsan.metadataPages * ps)}; usable ${mib(mm.kmsan.usablePages * ps)}`)
    for (const ns of mm.pmem) L.push(`- ${ns.name}: ${ns.ok ? `page map ${mib(ns.pageMapSize)}, reserved ${mib(ns.lostBytes)}, usable ${mib(ns.usableBytes)}` : `fails: ${ns.error}`}`)
    const sm = sectionsModel(report, { window: o.window })
    if (sm.rows.length) {
      L.push('', `### Sections ${sm.window.start}–${sm.window.start + sm.rows.length - 1} of ${sm.window.total}`, '')
      L.push(mdTable(['#', 'section', 'node', 'physical range', 'memmap (vmemmap)', 'memmap phys (est.)', `${sm.unitName}s`, 'shared'], sm.rows.map((r) => [r.index, r.section, r.nid, `\`${r.cells.phys}\``, r.memmapVirt ? `\`${r.memmapVirt}\`` : '—', r.memmapPhys ? `\`${r.memmapPhys}\`` : '—', `${r.units} (${r.newUnits} new)`, r.sharesWithPrevious ? 'with previous' : '—'])))
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
          return [s === 'pass' ? '✅ pass' : s === 'fail' ? '❌ **FAIL**' : 'ℹ️ note', `${c.title} (\`${c.id}\`)`, `\`${c.condition}\``, Object.entries(c.values).map(([k, v]) => `${k}=${v}`).join(', '), `${c.ref} (${c.versions})`]
        })
      ),
      ''
    )
  }
  L.push('## Boot log', '', '```text', ...report.bootlog, '```', '')
  if (report.warnings.length) L.push('## Notes', '', ...report.warnings.map((w) => `- ${w}`), '')
  return L.join('\n')
}
