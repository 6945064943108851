// Import: a dmesg/serial log becomes a scenario in YAML for the editor. The engine's
// parseLog() reads the log's input lines (firmware map, SRAT, command line, version);
// this module only writes the result the way the shipped examples are written: address
// fields in hex, one firmware range per line, a header saying where it came from.

import { Document, isMap, isPair, isScalar, visit, type Scalar } from 'yaml'
import type { ImportLogResponse } from '../shared/api.ts'
import { bootlogSource, parseLog, platformDmaLimit, runModel } from '../shared/engine/index.ts'
import { LogError } from '../shared/engine/dmesg.ts'
import { CAPTURE_TITLES, CaptureError, detectCapture, importCapture, type CaptureKind } from '../shared/engine/import/index.ts'
import type { Scenario } from '../shared/scenario/scenario.ts'

/** Keys whose integer values are physical addresses or sizes: written in hex. */
const ADDRESS_KEYS = new Set(['start', 'end', 'last', 'size', 'dmaLimit', 'lowmemLimit', 'align'])

/** `boot.log` → `boot.yaml`, `lsmem.json` → `lsmem.yaml`; a name without an extension gets `.yaml` added. */
export function scenarioNameFor(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() || 'imported'
  const stem = base.replace(/\.(log|txt|dmesg|out|serial|json)$/i, '') || 'imported'
  return `${stem}.yaml`
}

const SIZE_SUFFIX: [number, string][] = [
  [2 ** 40, 'T'],
  [2 ** 30, 'G'],
  [2 ** 20, 'M'],
  [2 ** 10, 'K']
]

/** 2097152 → `2M`: how the examples write huge page sizes. */
function sizeText(n: number): string | null {
  for (const [unit, s] of SIZE_SUFFIX) if (n >= unit && n % unit === 0) return `${n / unit}${s}`
  return null
}

export function scenarioYaml(scenario: Scenario, header: string[]): string {
  const doc = new Document(scenario)
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n')
  visit(doc, {
    Pair(_k, pair, path) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return
      const key = String(pair.key.value)
      const v = pair.value as Scalar
      if (typeof v.value !== 'number' || !Number.isInteger(v.value) || !ADDRESS_KEYS.has(key)) return
      // hugetlb: [{ size: 2M }] — a page size, not an address
      const inHugetlb = path.some((n) => isPair(n) && isScalar(n.key) && n.key.value === 'hugetlb')
      if (inHugetlb && key === 'size') {
        const s = sizeText(v.value)
        if (s) v.value = s
        return
      }
      v.format = 'HEX'
    },
    Map(_k, map, path) {
      // one firmware range / node range per line, as in the examples
      const owner = path[path.length - 2]
      if (isPair(owner) && isScalar(owner.key) && ['map', 'ranges', 'updates'].includes(String(owner.key.value)) && isMap(map)) map.flow = true
    }
  })
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true })
}

/**
 * A capture (/proc/iomem, /sys/firmware/memmap, memblock debugfs, lsmem, crash kmem -n)
 * → a scenario in YAML whose header says what the capture could not show.
 */
function importCaptureYaml(kind: CaptureKind, text: string, fileName: string): ImportLogResponse {
  let im
  try {
    im = importCapture(kind, text, { fileName })
  } catch (e) {
    if (e instanceof CaptureError) return { ok: false, diagnostics: [{ severity: 'error', message: e.message, line: e.line, column: e.column }] }
    throw e
  }
  const base = fileName.split(/[/\\]/).pop() || `a pasted ${CAPTURE_TITLES[kind]}`
  im.scenario.name = `imported from ${base}`
  const header = [`Imported from ${base} (${CAPTURE_TITLES[kind]}) by memmap-workbench. Not in the capture:`, ...im.unknowns.map((u) => `- ${u}`)]
  const yaml = scenarioYaml(im.scenario, header)
  const check = bootlogSource(yaml, 'scenario.yaml')
  if (!check.ok) return { ok: false, diagnostics: check.diagnostics.map((d) => ({ ...d, message: `the imported scenario does not model: ${d.message}`, line: undefined, column: undefined })) }
  return { ok: true, yaml, name: fileName ? scenarioNameFor(base) : `${kind}.yaml`, warnings: im.unknowns }
}

/** A log → a scenario in YAML; its boot log must equal the log's own lines (checked). A capture goes to its importer. */
export function importLog(text: string, fileName: string): ImportLogResponse {
  const capture = detectCapture(text)
  if (capture) return importCaptureYaml(capture, text, fileName)
  let log
  try {
    log = parseLog(text)
  } catch (e) {
    if (e instanceof LogError) return { ok: false, diagnostics: [{ severity: 'error', message: e.message, line: e.line, column: e.column }] }
    throw e
  }
  const scenario = log.scenario
  // the engine's own inference of what a log never prints (arm64's platform DMA limit):
  // the imported scenario must carry it explicitly, or its boot log would differ
  try {
    platformDmaLimit({ ok: true, kind: 'log', scenario, log, diagnostics: [], source: text }, runModel(scenario))
  } catch {
    // the model rejects the scenario: the check below reports it
  }
  const warnings = [...log.warnings]
  // a paste has no file name ('')
  const base = fileName.split(/[/\\]/).pop() || 'a pasted log'
  if (!scenario.name || scenario.name === 'imported boot log') scenario.name = `imported from ${base}`
  const header = [`Imported from ${base} by memmap-workbench: the log's input lines (firmware map,`, `NUMA, command line, kernel version) as a scenario. Edit it to explore variants.`]
  const yaml = scenarioYaml(scenario, header)
  // The imported scenario must model: if it does not, say so rather than open a broken file.
  const check = bootlogSource(yaml, 'scenario.yaml')
  if (!check.ok) {
    return { ok: false, diagnostics: check.diagnostics.map((d) => ({ ...d, message: `the imported scenario does not model: ${d.message}`, line: undefined, column: undefined })) }
  }
  const name = fileName ? scenarioNameFor(base) : `boot-${scenario.kernel}-${scenario.arch}.yaml`.replace(/[^\w.+-]/g, '_')
  return { ok: true, yaml, name, warnings }
}
