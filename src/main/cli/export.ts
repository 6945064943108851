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

import { mkdir, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../../shared/api.ts'
import { readInput } from './input.ts'
import { analyzeSource } from '../../shared/engine/index.ts'
import { formatDiagnostic } from '../../shared/engine/report.ts'
import { parseRange } from '../../shared/engine/units.ts'
import { ARCHES, type Arch } from '../../shared/scenario/scenario.ts'
import { isViewId, VIEW_IDS, type ViewId } from '../../shared/views/index.ts'
import { atomicWriteFile } from '../files.ts'
import { renderExport, type ExportSpec } from '../reports.ts'

export { EXPORT_FORMATS, type ExportFormat }

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
        const r = parseRange(v)
        if ('error' in r) return bad(`--zoom must be START-END with START < END (sizes like 4G or 0x1000), or START+SIZE, not ${v}`)
        a.zoom = r
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
  if (!isExportFormat(fmt)) return bad(format ? `--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${format}` : `cannot tell the format from ${out}: give --format ${EXPORT_FORMATS.join('|')}`)
  const vw = view ?? 'all'
  if (vw !== 'all' && !isViewId(vw)) return bad(`--view must be one of ${VIEW_IDS.join(', ')}, all, not ${vw}`)
  return { ok: true, args: { ...a, file: positional[0], view: vw as ViewId | 'all', format: fmt, out } }
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
// Writing (atomically, through the helper Save uses: files.ts atomicWriteFile)

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
  const source = await readInput(file, io)
  if (source === null) return 2
  const r = analyzeSource(source, file, { kernel: args.kernel, arch: args.arch })
  for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiagnostic(file, d))
  if (!r.ok) return 2
  const report = r.report

  const views: ViewId[] = args.view === 'all' ? [...VIEW_IDS] : [args.view]
  const embedded = { text: source, fileName: basename(file) }
  const opts: ExportSpec['opts'] = { theme: args.theme, width: args.width, scale: args.scale, zoom: args.zoom, window: args.window, source: embedded }
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
      const data = await renderExport(report, { views: [v], format, opts, pngScale: args.pngScale })
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
  } else {
    if (format === 'pdf' && toStdout) {
      io.err('error: pdf is binary: give -o FILE')
      return 2
    }
    outputs.push({ path: args.out, data: await renderExport(report, { views, format, opts }) })
  }

  if (toStdout) {
    // without a raw stdout, io.out (which adds a newline) gets the text without its last one
    const write = io.stdout ?? ((d: string): void => io.out(d.replace(/\r?\n$/, '')))
    write(outputs[0].data as string)
    return 0
  }
  for (const o of outputs) {
    try {
      await atomicWriteFile(o.path, o.data)
    } catch (e) {
      io.err(`${o.path}: error: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`)
      return 1
    }
    io.out(`wrote ${o.path} (${typeof o.data === 'string' ? Buffer.byteLength(o.data) : o.data.length} bytes)`)
  }
  return 0
}
