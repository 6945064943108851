// The engine's entry points, shared by the CLI, the tests and the main process.
// Pure functions: text in, JSON-plain reports out; errors become diagnostics.

import type { AnalyzeResponse, BootlogResponse } from '../api.ts'
import { locatePath, parseScenario } from '../scenario/parse.ts'
import type { Arch, Scenario } from '../scenario/scenario.ts'
import { bootlogLines, type LineKind } from './bootlog.ts'
import { diffLines } from './diff.ts'
import { LogError, looksLikeLog, parseLog, type ParsedLog } from './dmesg.ts'
import { flagNames, MEMBLOCK_NOMAP } from './memblock.ts'
import { ModelError, runModel, type Model } from './model.ts'
import type { AnalysisReport, BootlogReport, CheckReport, Diagnostic } from './report.ts'
import { checkPath } from './memmap/check-paths.ts'
import { memmapReport } from './memmap/index.ts'
import { memoryBlocks } from './memory-block.ts'
import { lookupModel, type LookupReport } from './lookup.ts'
import { ARCH_PRESETS } from './arch.ts'
import { dropImpossibleHugeSizes } from './hugepage-sizes.ts'
import { parseKernelVersion } from './version.ts'
import { atLine } from './progress.ts'
import { totalLength } from './sections.ts'
import { calcMemmapSize } from './zones.ts'
import { memmapBootPages } from './vmstat.ts'
import { CAPTURE_KINDS, CaptureError, detectCapture, importCapture, type CaptureKind } from './import/index.ts'
import { compareLsmem, compareZoneinfo, type StateComparison } from './import/state-compare.ts'
import { splitBundle } from './import/bundle.ts'

export { runModel } from './model.ts'
export { bootlogLines } from './bootlog.ts'
export { parseScenario } from '../scenario/parse.ts'
export { parseLog, looksLikeLog } from './dmesg.ts'

export interface InputOptions {
  /** kernel version for logs without a `Linux version` line */
  kernel?: string
  arch?: Arch
  /** PAGE_SIZE for logs that do not show it */
  pageSize?: number
  /**
   * For logs: what is known beyond the log (say, from /proc/iomem), laid over the
   * scenario read from it, e.g. `kernelImage` and `initrd` on arm64 with mem=
   */
  facts?: Pick<Scenario, 'kernelImage' | 'initrd'>
  /** read the input as this kind instead of telling it by content (`--from`) */
  from?: InputKind
  /** the kernel command line, for captures that do not show it (`--cmdline`) */
  cmdline?: string
}

/** What an input was read as: a scenario file, a boot log, or a capture an importer turns into a scenario. */
export type InputKind = 'scenario' | 'log' | CaptureKind
export const INPUT_KINDS: readonly InputKind[] = ['scenario', 'log', ...CAPTURE_KINDS]

/**
 * What a text is: a `.yaml` file is a scenario; otherwise a capture (/proc/iomem, lsmem,
 * memblock debugfs, …) by its first lines, then a `.json` scenario, then a boot log by
 * its name or content, else a scenario (whose parser then says what is wrong).
 */
export function inputKind(fileName: string, source: string): InputKind {
  if (/\.ya?ml$/i.test(fileName)) return 'scenario'
  const capture = detectCapture(source)
  if (capture) return capture
  if (/\.json$/i.test(fileName)) return 'scenario'
  return looksLikeInputLog(fileName, source) ? 'log' : 'scenario'
}

export type Loaded = { ok: true; kind: InputKind; scenario: Scenario; log: ParsedLog | null; diagnostics: Diagnostic[]; source: string } | { ok: false; diagnostics: Diagnostic[] }

/** A scenario file (YAML/JSON), a boot log or a capture, detected by content (or opts.from). */
export function loadInput(source: string, fileName: string, opts: InputOptions = {}): Loaded {
  try {
    return readInput(source, fileName, opts)
  } finally {
    // the parsers report the line they read (progress.ts); what follows (the model) is no line's
    atLine(0)
  }
}

function readInput(source: string, fileName: string, opts: InputOptions): Loaded {
  const kind = opts.from ?? inputKind(fileName, source)
  if (kind === 'log') {
    try {
      const log = parseLog(source, opts)
      if (opts.facts) Object.assign(log.scenario, opts.facts)
      const version = parseKernelVersion(log.scenario.kernel)
      if (version) dropImpossibleHugeSizes(log.scenario, ARCH_PRESETS[log.scenario.arch].defaultPageSize, version, log.warnings)
      return { ok: true, kind, scenario: log.scenario, log, source, diagnostics: log.warnings.map((message) => ({ severity: 'warning', message })) }
    } catch (e) {
      if (e instanceof LogError) return { ok: false, diagnostics: [{ severity: 'error', message: e.message, line: e.line, column: e.column }] }
      throw e
    }
  }
  if (kind !== 'scenario') {
    try {
      const im = importCapture(kind, source, { kernel: opts.kernel, arch: opts.arch, pageSize: opts.pageSize, cmdline: opts.cmdline, fileName })
      return { ok: true, kind, scenario: im.scenario, log: null, source, diagnostics: im.unknowns.map((message) => ({ severity: 'info', message: `import: ${message}` })) }
    } catch (e) {
      if (e instanceof CaptureError) return { ok: false, diagnostics: [{ severity: 'error', message: e.message, line: e.line, column: e.column }] }
      throw e
    }
  }
  const parsed = parseScenario(source)
  if (!parsed.ok) return parsed
  return { ok: true, kind, scenario: parsed.scenario, log: null, source, diagnostics: parsed.diagnostics }
}

/**
 * The device tree's dma-ranges (or the IORT) limit arm64's ZONE_DMA but are never
 * printed; the only trace in a log is where ZONE_DMA ends. When the log's ZONE_DMA ends
 * below what the memory map alone gives, that end is the platform's DMA limit.
 */
export function platformDmaLimit(l: Extract<Loaded, { ok: true }>, model: Model): Model {
  const last = l.log?.dmaZoneLast
  if (last === null || last === undefined || l.scenario.firmware.dmaLimit !== undefined) return model
  const dma = model.bounds.find((b) => b.name === 'DMA')
  if (!dma || dma.highest * model.pageSize - 1 <= last) return model
  l.scenario.firmware.dmaLimit = last
  l.log!.warnings.push(`the platform DMA limit (device-tree dma-ranges / IORT) is not printed by the kernel: taken from where the log's ZONE_DMA ends (0x${last.toString(16)})`)
  return runModel(l.scenario)
}

function modelOrError(l: Extract<Loaded, { ok: true }>): { ok: true; model: Model } | { ok: false; diagnostics: Diagnostic[] } {
  try {
    return { ok: true, model: platformDmaLimit(l, runModel(l.scenario)) }
  } catch (e) {
    if (e instanceof ModelError) {
      const pos = l.kind === 'scenario' ? locatePath(l.source, e.path) : null
      const path = e.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[')
      return { ok: false, diagnostics: [...l.diagnostics, { severity: 'error', message: path ? `${path}: ${e.message}` : e.message, ...(pos ?? { line: 1, column: 1 }), path }] }
    }
    throw e
  }
}

/** KERN_DEBUG and late lines a log may lack without the layout being wrong. */
const OPTIONAL_KINDS: ReadonlySet<LineKind> = new Set(['totalpages', 'memmap', 'dma-reserved', 'memmap-exceeds', 'memory', 'memory-block-size', 'hugetlb-vmemmap'])
const KIND_WHY: Partial<Record<LineKind, string>> = {
  totalpages: 'KERN_DEBUG, not on this console',
  memmap: 'KERN_DEBUG, not on this console',
  'dma-reserved': 'KERN_DEBUG, not on this console',
  memory: 'the log ends before it',
  'memory-block-size': 'absent from the log (no memory hotplug, or the log ends before it)',
  'hugetlb-vmemmap': 'the log ends before it'
}

export function buildBootlog(model: Model, log: ParsedLog | null): BootlogReport {
  const predicted = bootlogLines(model)
  const warnings = [...model.warnings]
  const present = model.nodes.reduce((a, n) => a + n.present, 0)
  const report: BootlogReport = {
    kernel: model.scenario.kernel,
    profile: model.profile.id,
    arch: model.scenario.arch,
    lines: predicted.map((l) => l.text),
    presentPages: present,
    pageSizeKiB: model.pageSize / 1024,
    warnings
  }
  if (log) {
    warnings.push(...log.warnings)
    const kinds = new Set(log.expected.map((e) => e.kind))
    let compared = predicted
    for (const k of OPTIONAL_KINDS) {
      if (!kinds.has(k) && predicted.some((p) => p.kind === k)) {
        warnings.push(`not compared: ${k} lines (${KIND_WHY[k] ?? 'absent from the log'})`)
        compared = compared.filter((p) => p.kind !== k)
      }
    }
    const expected = log.expected.map((e) => e.text)
    const d = diffLines(
      expected,
      compared.map((p) => p.text)
    )
    if (!kinds.has('early-node-ranges')) {
      d.equal = false
      warnings.push('the log has no "Early memory node ranges" block: there is nothing to compare (was it cut?)')
    }
    report.diff = { equal: d.equal, expectedLines: expected.length, lines: d.lines }
  }
  return report
}

export function buildAnalysis(model: Model, opts: { memmap?: boolean } = {}): AnalysisReport {
  const ps = model.pageSize
  const present = model.nodes.reduce((a, n) => a + n.present, 0)
  const nomapPages = model.ranges.filter((r) => r.flags & MEMBLOCK_NOMAP).reduce((a, r) => a + r.end - r.start, 0)
  const holePages = model.holes.perHole.reduce((a, h) => a + h.count, 0)
  const presentSections = totalLength(model.sections)
  return {
    scenario: model.scenario,
    name: model.scenario.name ?? '',
    kernel: model.scenario.kernel,
    profile: model.profile.id,
    arch: model.scenario.arch,
    pageSizeBytes: ps,
    memblock: {
      memory: model.memory.regions.map((r) => ({ start: r.base, end: r.end, nid: r.nid, flags: flagNames(r.flags) })),
      reserved: model.reserved.regions.map((r) => ({ start: r.base, end: r.end, nid: r.nid, flags: flagNames(r.flags) }))
    },
    maxPfn: model.maxPfn,
    zones: model.bounds.filter((b) => b.name !== 'Movable').map((b) => ({ name: b.name, lowestPfn: b.lowest, highestPfn: b.highest })),
    nodes: model.nodes.map((n) => ({
      nid: n.nid,
      startPfn: n.start,
      endPfn: n.end,
      spannedPages: n.spanned,
      presentPages: n.present,
      ranges: n.ranges.map((r) => ({ start: r.start, end: r.end })),
      zones: n.zones
        .filter((z) => z.spanned > 0)
        .map((z) => ({
          name: z.name,
          startPfn: z.start,
          spannedPages: z.spanned,
          presentPages: z.present,
          absentPages: z.spanned - z.present,
          memmapPagesEstimate: calcMemmapSize(z.spanned, z.present, model.config.structPageSize, ps, model.config.memoryModel === 'sparsemem')
        }))
    })),
    holes: model.holes.perHole.map((h) => ({
      start: h.start,
      end: h.end,
      validPages: h.count,
      nid: h.nid,
      zone: model.zones[h.zoneIndex],
      kind: h.kind,
      by: 'memmap_init() -> init_unavailable_range()'
    })),
    sections: {
      pagesPerSection: model.pagesPerSection,
      sectionSizeBits: model.sectionSizeBits,
      presentSections,
      presentRuns: model.sections.map((s) => ({ start: s.start, end: s.end })),
      memmapBytes: presentSections * model.pagesPerSection * model.config.structPageSize
    },
    totals: {
      presentPages: present,
      spannedPages: model.nodes.reduce((a, n) => a + n.spanned, 0),
      nomapPages,
      holePagesWithStructPage: holePages,
      pageSizeBytes: ps,
      memoryTotalKiB: (present * ps) / 1024
    },
    bootlog: bootlogLines(model).map((l) => l.text),
    memoryBlocks: memoryBlocks(model),
    vmstat: memmapBootPages(model),
    memmap: opts.memmap === false ? null : memmapReport(model),
    warnings: model.warnings
  }
}

export function buildChecks(model: Model): CheckReport {
  const checks = memmapReport(model).checks
  // an unmet 'info' condition is a fact about the layout, not a failure (withStatus())
  const failed = checks.filter((c) => c.status === 'fail').length
  const notes = checks.filter((c) => c.status === 'note').length
  return { kernel: model.scenario.kernel, profile: model.profile.id, arch: model.scenario.arch, checks, passed: checks.length - failed - notes, failed, notes }
}

type Response<R> = { ok: true; report: R; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

/** Load the input, run the model, build one report; every failure becomes diagnostics. */
function respond<R>(source: string, fileName: string, opts: InputOptions, build: (model: Model, log: ParsedLog | null) => R): Response<R> {
  const l = loadInput(source, fileName, opts)
  if (!l.ok) return l
  const m = modelOrError(l)
  if (!m.ok) return m
  return { ok: true, report: build(m.model, l.log), diagnostics: l.diagnostics }
}

/**
 * FILE's model against what a running kernel reported (`compare`): STATE is a
 * /proc/zoneinfo or an lsmem output. Errors in STATE are reported against its name.
 */
export function compareStateSource(source: string, fileName: string, stateText: string, stateName: string, opts: InputOptions = {}): Response<StateComparison> & { stateDiagnostics?: Diagnostic[] } {
  let state = stateText
  let kind = detectCapture(state)
  // a bundle of captures: its /proc/zoneinfo, else its lsmem
  if (kind === 'bundle') {
    const files = splitBundle(state) ?? []
    const pick = files.find((f) => detectCapture(f.source) === 'zoneinfo') ?? files.find((f) => detectCapture(f.source) === 'lsmem')
    if (pick) [state, kind] = [pick.source, detectCapture(pick.source)]
  }
  if (kind !== 'zoneinfo' && kind !== 'lsmem')
    return {
      ok: false,
      diagnostics: [],
      stateDiagnostics: [{ severity: 'error', message: `${stateName} is not a /proc/zoneinfo or lsmem output${kind ? ` (it reads as ${kind})` : ''}`, line: 1, column: 1 }]
    }
  let failed: Diagnostic[] | null = null
  const r = respond(source, fileName, opts, (model) => {
    try {
      return kind === 'zoneinfo' ? compareZoneinfo(model, state) : compareLsmem(model, state)
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e
      failed = [{ severity: 'error', message: e.message, line: e.line, column: e.column }]
      return null
    }
  })
  if (failed) return { ok: false, diagnostics: [], stateDiagnostics: failed }
  return r as Response<StateComparison>
}

export function checkSource(source: string, fileName: string, opts: InputOptions = {}): Response<CheckReport> {
  return respond(source, fileName, opts, (model) => buildChecks(model))
}

export function analyzeSource(source: string, fileName: string, opts: InputOptions = {}): AnalyzeResponse {
  const r = respond(source, fileName, opts, (model) => buildAnalysis(model))
  if (!r.ok || (opts.from ?? inputKind(fileName, source)) !== 'scenario') return r
  // failing checks become warnings at the scenario line that causes them (editor markers)
  for (const c of r.report.memmap?.checks ?? []) {
    if (c.status !== 'fail') continue
    const path = checkPath(c, r.report.scenario)
    const at = locatePath(source, path) ?? { line: 1, column: 1 }
    r.diagnostics.push({ severity: 'warning', message: `check ${c.id} fails: ${c.title} (${c.condition}; ${c.ref})`, ...at, path: path.join('.') })
  }
  return r
}

function looksLikeInputLog(fileName: string, source: string): boolean {
  return /\.(log|txt|dmesg)$/i.test(fileName) || (!/\.(ya?ml|json)$/i.test(fileName) && looksLikeLog(source))
}

/**
 * `lookup`: which node, zone, section, memblock region and firmware range hold each
 * address or pfn of `queries`, and where its struct page lies (lookup.ts).
 */
export function lookupSource(source: string, fileName: string, queries: string[], opts: InputOptions = {}): Response<LookupReport> {
  return respond(source, fileName, opts, (model) => lookupModel(model, queries))
}

export function bootlogSource(source: string, fileName: string, opts: InputOptions = {}): BootlogResponse {
  return respond(source, fileName, opts, buildBootlog)
}
