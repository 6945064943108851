// `memmap-workbench` command line: bootlog, analyze, check, lookup, schema. Exit codes: 0 ok,
// 1 mismatch or check failure, 2 bad input (message on stderr).

import { readFile } from 'node:fs/promises'
import { safeOutput } from './escape.ts'
import { readInput } from './input.ts'
import { analyzeSource, bootlogSource, checkSource, INPUT_KINDS, type InputKind, type InputOptions } from '../../shared/engine/index.ts'
import { formatDiagnostic } from '../../shared/engine/report.ts'
import { bytesText, grouped, hexPad, valueText } from '../../shared/engine/units.ts'
import { ARCHES, scenarioJsonSchema, type Arch } from '../../shared/scenario/scenario.ts'

const USAGE = `usage: memmap-workbench <command> [options]

commands:
  bootlog FILE [--json] [--diff]   the kernel's boot-log lines for a scenario or a dmesg/serial log
                                   --diff: compare with the lines in the log (exit 1 on any mismatch)
  analyze FILE [--json]            the full model: memblock, nodes, zones, sections, holes, totals
  check FILE [--json]              the memmap checks; each failure with its condition, values and
                                   kernel reference (exit 1 when an error or warning check fails;
                                   unmet 'info' conditions are printed, not failed)
  export FILE [--view V] [--format F] -o OUT   views as svg|png|pdf, the analysis as json|csv|md
                                   (memmap-workbench export --help lists the options)
  batch PATH… [--jobs N] [--format jsonl|csv] [-o FILE] [--diff] [--resume] [--timeout S]
                                   one record per scenario/log (files, folders, globs) on all
                                   cores, as JSON lines or CSV; summary on stderr; exit 130 on
                                   Ctrl-C (memmap-workbench batch --help lists the options)
  compare FILE STATE [--json]      FILE's zones or memory blocks against what a running kernel
                                   reported: STATE is a /proc/zoneinfo or lsmem output (exit 1
                                   on any difference)
  lookup FILE ADDR… [--json]       which node, zone, section, memblock region and firmware range
                                   hold each address (0x100000000, 4G, 4294967296) or pfn
                                   (pfn:0x100000), and its struct page's address in the memmap
  schema                           print the scenario JSON Schema
  --help, -h                       this text (stdout); --version, -V: the package version

options:
  --kernel VERSION                 kernel version for a log that has no "Linux version" line
  --arch ARCH                      architecture for a log that does not show it
                                   (x86_64, arm64, riscv64, powerpc64, powerpc, arm, x86, s390, loongarch64)
  --page-size SIZE                 PAGE_SIZE for a log that does not show it (4K, 16K, 64K)
  --from KIND                      read FILE as KIND instead of telling it by content: scenario,
                                   log, iomem (/proc/iomem), firmware-memmap (/sys/firmware/memmap,
                                   its directory or \`grep . */*\` in it), memblock (debugfs memory
                                   and reserved), lsmem (-J, or -o RANGE,SIZE,STATE,BLOCK,NODE,ZONES),
                                   zoneinfo (/proc/zoneinfo), kmem-n (crash's kmem -n), bundle
                                   (several of these: a directory, or \`head\` of the files)
  --cmdline "ARGS"                 the kernel command line, for a capture (not a log) that lacks it

exit codes: 0 ok, 1 mismatch, 2 bad input`

interface Out {
  out: (s: string) => void
  err: (s: string) => void
}

const std: Out = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }

declare const __MMW_VERSION__: string | undefined
/** The package version: injected by the build, read from package.json when run from sources. */
async function packageVersion(): Promise<string> {
  if (typeof __MMW_VERSION__ === 'string') return __MMW_VERSION__
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

export async function run(argv: string[], rawIo: Out = std): Promise<number> {
  // every line printed, on stdout and stderr, with the control bytes of its inputs made
  // visible (escape.ts): a scenario's name or a log's line cannot drive the terminal
  const io = safeOutput(rawIo)
  // export parses its own options (--view, --format, -o, …); it and its PDF/PNG renderers
  // load only for this command
  if (argv[0] === 'export') return (await import('./export.ts')).exportCommand(argv.slice(1), io)
  // batch, its worker pool and walk load only for this command
  if (argv[0] === 'batch') return (await import('./batch.ts')).batchCommand(argv.slice(1), io, { tty: rawIo === std && !!process.stderr.isTTY, ownStdio: rawIo === std })
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.out(await packageVersion())
    return 0
  }
  const flags = new Set<string>(argv.filter((a) => a === '--json' || a === '--diff' || a === '--help' || a === '-h'))
  const opts: InputOptions = {}
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--kernel' || a === '--arch' || a === '--page-size' || a === '--from' || a === '--cmdline') {
      const v = argv[++i]
      if (!v) {
        io.err(`${a} needs a value`)
        return 2
      }
      if (a === '--kernel') opts.kernel = v
      else if (a === '--cmdline') opts.cmdline = v
      else if (a === '--from') {
        if (!(INPUT_KINDS as readonly string[]).includes(v)) {
          io.err(`--from must be one of ${INPUT_KINDS.join(', ')}, not ${v}`)
          return 2
        }
        opts.from = v as InputKind
      } else if (a === '--page-size') {
        const ps = { '4K': 4096, '16K': 16384, '64K': 65536, '4096': 4096, '16384': 16384, '65536': 65536 }[v.toUpperCase()]
        if (!ps) {
          io.err(`--page-size must be 4K, 16K or 64K, not ${v}`)
          return 2
        }
        opts.pageSize = ps
      } else if ((ARCHES as readonly string[]).includes(v)) opts.arch = v as Arch
      else {
        io.err(`--arch must be one of ${ARCHES.join(', ')}, not ${v}`)
        return 2
      }
    } else if (a.startsWith('-')) {
      if (!flags.has(a)) {
        io.err(`unknown option ${a}\n${USAGE}`)
        return 2
      }
    } else positional.push(a)
  }
  const [cmd, file] = positional
  // asked for, the usage goes to stdout with status 0; a missing command is a usage error
  if (flags.has('--help') || flags.has('-h')) {
    io.out(USAGE)
    return 0
  }
  if (!cmd) {
    io.err(USAGE)
    return 2
  }
  if (cmd === 'schema') {
    io.out(JSON.stringify(scenarioJsonSchema(), null, 2))
    return 0
  }
  if (cmd === 'compare') return (await import('./compare.ts')).compareCommand(positional.slice(1), opts, flags.has('--json'), io)
  if (cmd === 'lookup') return (await import('./lookup.ts')).lookupCommand(positional.slice(1), opts, flags.has('--json'), io)
  if (cmd !== 'bootlog' && cmd !== 'analyze' && cmd !== 'check') {
    io.err(`unknown command ${cmd}\n${USAGE}`)
    return 2
  }
  if (!file) {
    io.err(`${cmd} needs a FILE\n${USAGE}`)
    return 2
  }
  const source = await readInput(file, io)
  if (source === null) return 2
  const json = flags.has('--json')

  if (cmd === 'check') {
    const r = checkSource(source, file, opts)
    for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiagnostic(file, d))
    if (!r.ok) return 2
    if (json) io.out(JSON.stringify(r.report, null, 2))
    else {
      for (const c of r.report.checks) {
        io.out(`${c.pass ? 'pass' : c.severity === 'info' ? 'info' : 'FAIL'} ${c.id}: ${c.title}`)
        if (c.pass) continue
        io.out(`       condition: ${c.condition}`)
        io.out(
          `       values:    ${Object.entries(c.values)
            .map(([k, v]) => `${k} = ${valueText(v, null, k)}`)
            .join(', ')}`
        )
        io.out(`       kernel:    ${c.ref} (${c.versions})`)
        if (c.consequence) io.out(`       effect:    ${c.consequence}`)
      }
      io.out(`${r.report.passed} checks passed, ${r.report.failed} failed, ${r.report.notes} notes`)
    }
    return r.report.failed ? 1 : 0
  }

  if (cmd === 'analyze') {
    const r = analyzeSource(source, file, opts)
    for (const d of r.diagnostics) if (d.severity !== 'error' || !r.ok) io.err(formatDiagnostic(file, d))
    if (!r.ok) return 2
    if (json) io.out(JSON.stringify(r.report, null, 2))
    else io.out(formatAnalysis(r.report))
    return 0
  }

  const r = bootlogSource(source, file, opts)
  if (!r.ok) {
    for (const d of r.diagnostics) io.err(formatDiagnostic(file, d))
    return 2
  }
  const rep = r.report
  if (json) {
    io.out(
      JSON.stringify(
        {
          lines: rep.lines,
          presentPages: rep.presentPages,
          pageSizeKiB: rep.pageSizeKiB,
          warnings: [...r.diagnostics.map((d) => d.message), ...rep.warnings.filter((w) => !r.diagnostics.some((d) => d.message === w))],
          kernel: rep.kernel,
          profile: rep.profile,
          arch: rep.arch,
          ...(flags.has('--diff') ? { diff: rep.diff ?? null } : {})
        },
        null,
        2
      )
    )
  } else if (flags.has('--diff')) {
    if (!rep.diff) {
      io.err(`${file}: error: --diff needs a boot log that carries the kernel's own lines, not a scenario`)
      return 2
    }
    for (const l of rep.diff.lines) io.out(`${l.op} ${l.text}`)
    for (const w of rep.warnings) io.err(`${file}: note: ${w}`)
    const diffs = rep.diff.lines.filter((l) => l.op !== ' ').length
    io.err(`${file}: ${rep.diff.equal ? 'exact' : `MISMATCH (${diffs} differing lines)`}: kernel ${rep.kernel}, profile ${rep.profile}, ${rep.diff.expectedLines} kernel lines compared`)
  } else {
    for (const l of rep.lines) io.out(l)
    // a capture's info diagnostics (what it could not show); a log's are among the warnings
    for (const d of r.diagnostics) if (!rep.warnings.includes(d.message)) io.err(formatDiagnostic(file, d))
    for (const w of rep.warnings) io.err(`${file}: note: ${w}`)
  }
  if (flags.has('--diff')) {
    if (!rep.diff) {
      if (json) io.err(`${file}: error: --diff needs a boot log, not a scenario`)
      return 2
    }
    return rep.diff.equal ? 0 : 1
  }
  return 0
}

function formatAnalysis(r: import('../../shared/engine/report.ts').AnalysisReport): string {
  const ps = r.pageSizeBytes
  const hx = (v: number): string => '0x' + v.toString(16)
  const n = grouped
  const lines: string[] = []
  lines.push(`${r.name || 'scenario'}: kernel ${r.kernel} (profile ${r.profile}), ${r.arch}, ${ps / 1024}K pages`)
  lines.push('ranges are [first-last], both ends inclusive, as the kernel prints them')
  lines.push('', 'memblock.memory:')
  for (const m of r.memblock.memory) lines.push(`  [mem ${hexPad(m.start, 18)}-${hexPad(m.end - 1, 18)}] node ${m.nid}${m.flags.length ? ' ' + m.flags.join('|') : ''}`)
  lines.push('', `max_pfn ${hx(r.maxPfn)} (the first pfn above memory)`, 'zones:')
  for (const z of r.zones) lines.push(`  ${z.name.padEnd(8)} ${z.lowestPfn === z.highestPfn ? 'empty' : `pfn [${hx(z.lowestPfn)}-${hx(z.highestPfn - 1)}]`}`)
  lines.push('', 'nodes:')
  for (const nd of r.nodes) {
    lines.push(`  node ${nd.nid}: pfn [${hx(nd.startPfn)}-${hx(nd.endPfn - 1)}], spanned ${n(nd.spannedPages)}, present ${n(nd.presentPages)}`)
    for (const z of nd.zones) lines.push(`    ${z.name.padEnd(8)} start ${hx(z.startPfn)} spanned ${n(z.spannedPages)} present ${n(z.presentPages)} absent ${n(z.absentPages)}`)
  }
  lines.push(
    '',
    `sections: ${n(r.sections.presentSections)} present of ${n(r.sections.pagesPerSection)} pages (SECTION_SIZE_BITS ${r.sections.sectionSizeBits}), memmap ${bytesText(r.sections.memmapBytes)}`
  )
  lines.push('', 'holes (memmap_init attribution):')
  for (const h of r.holes) lines.push(`  pfn [${hx(h.start)}-${hx(h.end - 1)}] ${h.kind}: node ${h.nid} zone ${h.zone}, ${n(h.validPages)} pages with a struct page`)
  lines.push(
    '',
    `present ${n(r.totals.presentPages)} pages = ${bytesText(r.totals.memoryTotalKiB * 1024)};  NOMAP ${n(r.totals.nomapPages)}, hole pages with struct page ${n(r.totals.holePagesWithStructPage)}`
  )
  const mm = r.memmap
  if (mm) {
    const mib = bytesText
    lines.push('', `memmap: sizeof(struct page) ${mm.structPageSize}, ${mib(mm.totals.memmapBytes)} over ${n(mm.totals.presentSections)} sections (${mm.totals.percentOfRam.toFixed(3)} % of RAM)`)
    for (const t of mm.totals.nodes) lines.push(`  node ${t.nid}: ${n(t.sections)} sections, ${mib(t.memmapBytes)}`)
    const p = mm.placement
    lines.push(`  backing: ${n(p.plan.summary.unitsTouched)} × ${bytesText(p.plan.unitBytes)}; pfn_to_page(0) ${p.base?.pfnToPage0 ?? '(no vmemmap)'}`)
    lines.push(
      p.alignedFolio.maxOrder < 0
        ? `  no folio has naturally aligned struct pages (MAX_FOLIO_ORDER ${p.maxFolioOrder.order})`
        : `  struct pages naturally aligned for folios up to ${mib(p.alignedFolio.maxBytes)} (MAX_FOLIO_ORDER ${p.maxFolioOrder.order})`
    )
    for (const h of mm.hvo.pages) lines.push(`  ${h.line ?? `HVO ${bytesText(h.hugePageSize)} pages: ${bytesText(h.freedBytes)} freed per page`}`)
    if (mm.kmsan)
      lines.push(
        `  KMSAN: ${n(mm.kmsan.usablePages)} pages reach the buddy allocator, ${n(mm.kmsan.metadataPages)} + ${n(mm.kmsan.futureMetadataPages)} (reserved ranges) are shadow/origin, ${n(mm.kmsan.lostPages)} stranded${mm.kmsan.deferredPages ? `, ${n(mm.kmsan.deferredPages)} deferred without metadata` : ''}`
      )
    for (const ns of mm.pmem) lines.push(`  ${ns.name}: ${ns.ok ? `page map takes ${mib(ns.lostBytes)}, ${mib(ns.usableBytes)} usable` : `fails: ${ns.error}`}`)
    const failed = mm.checks.filter((c) => !c.pass && c.severity !== 'info')
    lines.push(`  checks: ${mm.checks.length - failed.length} pass, ${failed.length} fail${failed.length ? ': ' + failed.map((c) => c.id).join(', ') : ''}`)
  }
  for (const w of r.warnings) lines.push(`note: ${w}`)
  return lines.join('\n')
}
