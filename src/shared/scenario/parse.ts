// Scenario text (YAML or JSON) -> validated Scenario, or every problem with its line
// and column. Never throws.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { atLine } from '../engine/progress.ts'
import type { Diagnostic } from '../engine/report.ts'
import { scenarioSchema, type Scenario } from './scenario.ts'
import { visible, type Issue } from './schema-dsl.ts'
import { lineStarts, linePos, readYamlSubset, wantPaths, type Want } from './yaml-subset.ts'

/**
 * Larger inputs are refused before parsing. A scenario in the block style (one-line
 * flow collections, what the examples and yaml.stringify() write) is read by
 * readYamlSubset() in memory linear in its size, so it may be as large as any source the
 * app accepts (MAX_SOURCE_BYTES in api.ts): 10^6 firmware ranges are ~60 MB. YAML
 * beyond that style goes to the `yaml` package, whose document (CST, a node per
 * scalar) costs ~100 bytes of heap per byte of text: it stays capped at 32 MB.
 */
export const MAX_SCENARIO_BYTES = 100 * 1024 * 1024
export const MAX_GENERAL_YAML_BYTES = 32 * 1024 * 1024

export type ParseResult = { ok: true; scenario: Scenario; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

interface Located {
  offset: number
  keyOffset?: number
}

/** Map "a.b[2].c" paths to source offsets by walking the YAML AST. */
function indexPositions(node: Node | null | undefined, path: string, out: Map<string, Located>): void {
  if (!node) return
  if (node.range) out.set(path, { offset: node.range[0], keyOffset: out.get(path)?.keyOffset })
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key)
      const p = path ? `${path}.${key}` : key
      const keyNode = item.key as Node | null
      if (keyNode?.range) out.set(p, { offset: keyNode.range[0], keyOffset: keyNode.range[0] })
      indexPositions(item.value as Node, p, out)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => indexPositions(item as Node, `${path}[${i}]`, out))
  }
}

export function pathString(path: (string | number)[]): string {
  let s = ''
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p
  return s
}

/** `subset: false` skips readYamlSubset() (the specs compare both readers). */
export interface ReadOptions {
  subset?: boolean
}

/** yaml's LineCounter, also telling a host's deadline which line the `yaml` package is reading (progress.ts). */
function progressLineCounter(): LineCounter {
  const lc = new LineCounter()
  const add = lc.addNewLine
  lc.addNewLine = (offset: number): number => {
    const n = add(offset)
    atLine(lc.lineStarts.length)
    return n
  }
  return lc
}

export function parseScenario(text: string, opts: ReadOptions = {}): ParseResult {
  if (text.length > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      diagnostics: [
        { severity: 'error', line: 1, column: 1, message: `the scenario is ${(text.length / 1048576).toFixed(1)} MB; scenarios larger than ${MAX_SCENARIO_BYTES / 1048576} MB are refused` }
      ]
    }
  }
  // the block-style subset scenarios are written in, without an AST (yaml-subset.ts);
  // anything else, and every YAML error, goes to the `yaml` package
  const stop = { offset: 0 }
  const fast = opts.subset === false ? null : readYamlSubset(text, null, stop)
  if (fast) return validate(text, fast.value)
  if (text.length > MAX_GENERAL_YAML_BYTES) {
    const at = linePos(lineStarts(text), stop.offset)
    const mb = (text.length / 1048576).toFixed(1)
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          ...at,
          message: `the scenario is ${mb} MB and from here on leaves the block style (block mappings and sequences, one-line { … } and [ … ], no anchors, tags or multi-line scalars): such scenarios are refused above ${MAX_GENERAL_YAML_BYTES / 1048576} MB, block-style ones are read up to ${MAX_SCENARIO_BYTES / 1048576} MB`
        }
      ]
    }
  }
  const lc = progressLineCounter()
  let doc
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, intAsBigInt: false, logLevel: 'error' })
  } catch (e) {
    return { ok: false, diagnostics: [{ severity: 'error', line: 1, column: 1, message: `could not read the scenario: ${(e as Error).message}` }] }
  } finally {
    // read: the checks below are no line's
    atLine(0)
  }
  const at = (offset: number): { line: number; column: number } => {
    const p = lc.linePos(offset)
    return { line: p.line, column: p.col }
  }
  const diagnostics: Diagnostic[] = []
  for (const err of doc.errors) {
    diagnostics.push({ severity: 'error', message: err.message.split('\n')[0], ...at(err.pos[0]) })
  }
  if (diagnostics.length) return { ok: false, diagnostics }
  for (const w of doc.warnings) diagnostics.push({ severity: 'warning', message: w.message.split('\n')[0], ...at(w.pos[0]) })

  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return { ok: false, diagnostics: [{ severity: 'error', line: 1, column: 1, message: (e as Error).message }] }
  }
  if (value === null || value === undefined) {
    return { ok: false, diagnostics: [{ severity: 'error', line: 1, column: 1, message: 'the scenario is empty: it needs at least kernel, arch and firmware' }] }
  }
  const issues: Issue[] = []
  const scenario = scenarioSchema.check(value, [], issues)
  if (issues.length || scenario === undefined) {
    const positions = new Map<string, Located>()
    indexPositions(doc.contents as Node, '', positions)
    for (const issue of issues) {
      // find the closest located ancestor of the issue's path
      let path = issue.path
      let loc = positions.get(pathString(path))
      while (!loc && path.length) {
        path = path.slice(0, -1)
        loc = positions.get(pathString(path))
      }
      const pos = loc ? at(loc.offset) : { line: 1, column: 1 }
      const p = pathString(issue.path)
      diagnostics.push({ severity: 'error', message: p ? `${shownPath(p)}: ${issue.message}` : issue.message, path: p, ...pos })
    }
    return { ok: false, diagnostics }
  }
  return { ok: true, scenario, diagnostics }
}

/** Start of the deepest node on `path` that the text has (the root too when `root`). */
function deepest(want: Want, path: readonly (string | number)[], root: boolean): number | undefined {
  let at = root ? want.offset : undefined
  let w: Want | undefined = want
  for (const key of path) {
    w = w.children.get(key)
    if (w?.offset === undefined) break
    at = w.offset
  }
  return at
}

/** Schema validation of a value read by readYamlSubset(); issues are located by a second read. */
function validate(text: string, value: unknown): ParseResult {
  const issues: Issue[] = []
  const scenario = scenarioSchema.check(value, [], issues)
  if (!issues.length && scenario !== undefined) return { ok: true, scenario, diagnostics: [] }
  const want = wantPaths(issues.map((i) => i.path))
  readYamlSubset(text, want)
  const starts = lineStarts(text)
  const diagnostics: Diagnostic[] = issues.map((issue) => {
    const offset = deepest(want, issue.path, true)
    const pos = offset === undefined ? { line: 1, column: 1 } : linePos(starts, offset)
    const p = pathString(issue.path)
    return { severity: 'error', message: p ? `${shownPath(p)}: ${issue.message}` : issue.message, path: p, ...pos }
  })
  return { ok: false, diagnostics }
}

/** A path as a message starts with it: quoted when a key begins or ends with a space (` ame` for `name`). */
function shownPath(p: string): string {
  return /^ | $/.test(p) ? `"${visible(p)}"` : visible(p)
}

/** Position of a scenario path in its source text (for engine errors that name a path). */
export function locatePath(text: string, path: (string | number)[], opts: ReadOptions = {}): { line: number; column: number } | null {
  const want = wantPaths([path])
  if (opts.subset !== false && readYamlSubset(text, want)) {
    const offset = deepest(want, path, false)
    return offset === undefined ? null : linePos(lineStarts(text), offset)
  }
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, logLevel: 'error' })
  const positions = new Map<string, Located>()
  indexPositions(doc.contents as Node, '', positions)
  let p = path
  while (p.length) {
    const loc = positions.get(pathString(p))
    if (loc) {
      const pos = lc.linePos(loc.offset)
      return { line: pos.line, column: pos.col }
    }
    p = p.slice(0, -1)
  }
  return null
}

/**
 * Positions of many scenario paths in one read of the text: each path's own node, or null
 * when the text does not hold that exact path (no fallback to an ancestor, unlike
 * locatePath()). For the views' click-through (scenario/provenance.ts).
 */
export function locatePaths(text: string, paths: readonly (readonly (string | number)[])[]): ({ line: number; column: number } | null)[] {
  const want = wantPaths(paths)
  if (readYamlSubset(text, want)) {
    const starts = lineStarts(text)
    return paths.map((path) => {
      let w: Want | undefined = want
      for (const key of path) w = w?.children.get(key)
      return w?.offset === undefined ? null : linePos(starts, w.offset)
    })
  }
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, logLevel: 'error' })
  const positions = new Map<string, Located>()
  indexPositions(doc.contents as Node, '', positions)
  return paths.map((path) => {
    const loc = positions.get(pathString([...path]))
    if (!loc) return null
    const p = lc.linePos(loc.offset)
    return { line: p.line, column: p.col }
  })
}
