// The one IPC contract between the renderer and the main process.
//
// Every operation is a named function with JSON-plain arguments and results (no Map,
// Date, BigInt or undefined-only fields) so the same contract is served by Electron's
// ipcMain (src/main/index.ts), by the Node browser host (src/main/browser-host.ts) and
// is exposed to the renderer by the preload one function per operation.
//
// Files: the renderer never gets a generic file system. It names a path it obtained from
// the host's own file dialog (Electron: the OS dialog; browser host: a path typed in the
// app, confined to the host's workspace directory), from the recent-files list the main
// side keeps, or from a directory listing of that workspace; the main side checks every
// path again before it reads or writes.
import type { AnalysisReport, BootlogReport, Diagnostic } from './engine/report.ts'
import type { LookupReport } from './engine/lookup.ts'

export interface ExampleInfo {
  /** file name inside resources/examples, e.g. `x86-laptop.yaml` */
  name: string
  /** the scenario's `name:` field */
  title: string
}

export type AnalyzeResponse = { ok: true; report: AnalysisReport; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

export type BootlogResponse = { ok: true; report: BootlogReport; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

/**
 * "Find pfn / address": for each query, which node, zone, section, memblock region and
 * firmware range hold it and where its struct page lies (engine/lookup.ts); a query that
 * is not an address or pfn is answered with `{ query, error }` among the results.
 */
export type LookupResponse = { ok: true; report: LookupReport; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

/** At most this many queries per lookup call, each at most MAX_LOOKUP_QUERY_CHARS long. */
export const MAX_LOOKUP_QUERIES = 1000
export const MAX_LOOKUP_QUERY_CHARS = 100

/** A boot log turned into a scenario (YAML text for the editor), or why it could not be. */
export type ImportLogResponse = { ok: true; yaml: string; /** suggested file name, e.g. `boot.yaml` */ name: string; warnings: string[] } | { ok: false; diagnostics: Diagnostic[] }

export interface HostInfo {
  host: 'electron' | 'browser'
  /** how Open and Save As obtain a path: the OS dialog, or the app's own path dialog */
  dialogs: 'native' | 'in-app'
  /** browser host: the directory every file path is confined to; Electron: null */
  workspace: string | null
  /** where recent files and preferences are kept (null: in memory only) */
  dataDir: string | null
  /** `process.platform` of the main side: `linux`, `darwin`, `win32` */
  platform: string
  /** the path separator of the main side */
  separator: string
  version: string
}

export interface OpenedFile {
  /** absolute, canonical path */
  path: string
  /** base name */
  name: string
  text: string
  mtimeMs: number
  /**
   * Set when the file is an SVG or PNG export: `text` and `name` are the scenario embedded
   * in it (the export itself is not a scenario and is never written back).
   */
  exportName?: string
}

/** Exports that carry their scenario and open as it. */
export const EXPORT_FILE = /\.(svg|png)$/i

export interface SavedFile {
  path: string
  name: string
  mtimeMs: number
  bytes: number
}

export interface RecentFile {
  path: string
  name: string
  /** the directory, for display */
  dir: string
  /** false when the file is gone since it was last opened */
  exists: boolean
}

export interface DirEntry {
  name: string
  kind: 'file' | 'dir'
  size: number
  mtimeMs: number
}

export interface DirListing {
  /** absolute, canonical */
  path: string
  /** null at the workspace root */
  parent: string | null
  entries: DirEntry[]
}

/** What File › Export (and the CLI's `export`) write. */
export const EXPORT_FORMATS = ['svg', 'png', 'pdf', 'json', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The drawn views (src/shared/views VIEW_IDS; a test keeps the two lists equal). */
export const EXPORT_VIEWS = ['map', 'sections', 'nomap', 'costs'] as const
export type ExportView = (typeof EXPORT_VIEWS)[number]

/** One export from the app: a view as SVG/PNG, every view as PDF, or the report as JSON/CSV/Markdown. */
export interface ExportRequest {
  format: ExportFormat
  /** svg/png: the view drawn; pdf: ignored (every view, one page each); json/csv/md: ignored */
  view: ExportView
  theme: 'light' | 'dark'
  /** the map's address axis */
  scale: 'linear' | 'log'
  /** the map's address range (bytes, end exclusive); null: the whole machine */
  zoom: { start: number; end: number } | null
}

export type ThemePreference = 'system' | 'light' | 'dark'

export interface Preferences {
  theme: ThemePreference
  wordWrap: boolean
  /** format the document (YAML: monaco-yaml's formatter, print width 120; JSON: Monaco's) before Save writes it */
  formatOnSave: boolean
}

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', wordWrap: false, formatOnSave: true }

export interface Api {
  /** Example scenarios shipped in resources/examples. */
  listExamples(): Promise<ExampleInfo[]>
  /** The text of one example scenario. */
  readExample(name: string): Promise<string>
  /** Parse a scenario (YAML or JSON) and run the full model. */
  analyze(source: string, fileName: string): Promise<AnalyzeResponse>
  /** Predict the kernel's boot-log lines for a scenario or a dmesg/serial log. */
  bootlog(source: string, fileName: string): Promise<BootlogResponse>
  /**
   * Which node, zone, section, memblock region and firmware range hold each address
   * (`0x100000000`, `4G`, decimal) or pfn (`pfn:0x100000`), and its struct page's address.
   */
  lookup(source: string, fileName: string, queries: string[]): Promise<LookupResponse>
  /** Turn a dmesg/serial log into a scenario (YAML) whose boot log is the log's own lines. */
  importLog(text: string, fileName: string): Promise<ImportLogResponse>
  /** Which host answers, and how it does files. */
  hostInfo(): Promise<HostInfo>
  /** The OS "Open" dialog (Electron); null when cancelled. The browser host has none (it throws). */
  chooseOpenPath(): Promise<string | null>
  /** The OS "Save As" dialog (Electron), starting at `suggestedName`; null when cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | null>
  /** The OS "Export" dialog (Electron) for one format, starting at `suggestedName`; null when cancelled. */
  chooseExportPath(suggestedName: string, format: ExportFormat): Promise<string | null>
  /**
   * Analyse `source` and write one export to `path` atomically: a view as SVG/PNG (the
   * scenario embedded), every view as a PDF (the scenario attached), or the report as
   * JSON/CSV/Markdown. Engine errors reject with their `file:line:column` messages.
   */
  exportReport(path: string, source: string, fileName: string, request: ExportRequest): Promise<SavedFile>
  /** One directory of the browser host's workspace, for its in-app path dialog. */
  listDirectory(path: string): Promise<DirListing>
  /** Read a scenario or a boot log; the path joins the recent-files list. */
  openFile(path: string): Promise<OpenedFile>
  /** Write a scenario atomically (temp file in the same directory, fsync, rename). */
  saveFile(path: string, text: string): Promise<SavedFile>
  /** The recent-files list, newest first (at most MAX_RECENT_FILES). */
  recentFiles(): Promise<RecentFile[]>
  /** Empty the recent-files list; returns the (empty) list. */
  clearRecentFiles(): Promise<RecentFile[]>
  getPreferences(): Promise<Preferences>
  /** Change some preferences; returns all of them. */
  setPreferences(patch: Partial<Preferences>): Promise<Preferences>
}

export type ApiMethod = keyof Api

/** Runtime list of the contract's operations (preload, IPC registration, browser host). */
export const API_METHODS = [
  'listExamples',
  'readExample',
  'analyze',
  'bootlog',
  'lookup',
  'importLog',
  'hostInfo',
  'chooseOpenPath',
  'chooseSavePath',
  'chooseExportPath',
  'exportReport',
  'listDirectory',
  'openFile',
  'saveFile',
  'recentFiles',
  'clearRecentFiles',
  'getPreferences',
  'setPreferences'
] as const satisfies readonly ApiMethod[]

/** 100 MB: a paste larger than this is refused with a message, not parsed. */
export const MAX_SOURCE_BYTES = 100 * 1024 * 1024

/**
 * A large input: the renderer shows its busy state from the start of the call (parsing
 * and modelling take about 1.3 ms per KiB of YAML, more with many sections), not only once
 * it has taken 150 ms. (The main process runs every engine call on its worker thread.)
 */
export const LARGE_SOURCE_CHARS = 32 * 1024

/**
 * 32 MiB: the largest boot log Import reads. Everything the importer uses is printed in
 * the kernel's first second; a larger "log" is almost certainly the wrong file.
 */
export const MAX_LOG_BYTES = 32 * 1024 * 1024

/** A path as the renderer may name it: an absolute or workspace-relative string. */
export const MAX_PATH_CHARS = 4096

export const MAX_RECENT_FILES = 10

/** File names a scenario may be saved under. */
export const SCENARIO_FILE = /\.(ya?ml|json)$/i

/**
 * How an answer the main process already holds as UTF-8 JSON (an engine answer, serialized
 * on the engine's worker thread) crosses Electron's IPC: `{ [WIRE_JSON]: bytes }`, decoded
 * and parsed in the preload (src/preload/wire.ts), so the main thread never clones the
 * report's object graph.
 */
export const WIRE_JSON = '__mmwJson'

/** An exported SVG or PNG is the drawing plus its scenario: at most the scenario limit plus 64 MiB. */
export const MAX_EXPORT_BYTES = MAX_SOURCE_BYTES + 64 * 1024 * 1024

/**
 * The name a scenario taken out of an export is opened under: the one the export
 * recorded when it is a plain scenario file name, else `scenario.yaml`.
 */
export function embeddedFileName(recorded: string): string {
  return SCENARIO_FILE.test(recorded) && fileNameError(recorded) === null ? recorded : 'scenario.yaml'
}

const THEMES: readonly ThemePreference[] = ['system', 'light', 'dark']

/** Argument validators, run in the main process before a call reaches a service. */
export const API_ARGUMENTS: { [M in ApiMethod]: (args: unknown[]) => string | null } = {
  listExamples: (a) => none('listExamples', a),
  readExample: (a) => (a.length === 1 && typeof a[0] === 'string' && /^[\w.-]+\.(ya?ml|json)$/.test(a[0]) ? null : 'readExample takes one example file name'),
  analyze: (a) => sourceAndName('analyze', a, MAX_SOURCE_BYTES),
  bootlog: (a) => sourceAndName('bootlog', a, MAX_SOURCE_BYTES),
  lookup: (a) => {
    if (a.length !== 3 || !Array.isArray(a[2])) return 'lookup takes (source: string, fileName: string, queries: string[])'
    const bad = sourceAndName('lookup', a.slice(0, 2), MAX_SOURCE_BYTES)
    if (bad) return bad
    if (a[2].length === 0 || a[2].length > MAX_LOOKUP_QUERIES) return `lookup: 1 to ${MAX_LOOKUP_QUERIES} queries`
    if (!a[2].every((q) => typeof q === 'string' && q.length > 0 && q.length <= MAX_LOOKUP_QUERY_CHARS)) return `lookup: each query is a string of 1 to ${MAX_LOOKUP_QUERY_CHARS} characters`
    return null
  },
  importLog: (a) => sourceAndName('importLog', a, MAX_LOG_BYTES),
  hostInfo: (a) => none('hostInfo', a),
  chooseOpenPath: (a) => none('chooseOpenPath', a),
  chooseSavePath: (a) =>
    a.length === 1 && typeof a[0] === 'string' && fileNameError(a[0]) === null
      ? null
      : `chooseSavePath takes (suggestedName: string): ${typeof a[0] === 'string' ? fileNameError(a[0]) : 'a file name'}`,
  chooseExportPath: (a) => {
    if (a.length !== 2 || typeof a[0] !== 'string' || !isExportFormat(a[1])) return `chooseExportPath takes (suggestedName: string, format: ${EXPORT_FORMATS.join('|')})`
    const bad = fileNameError(a[0])
    return bad ? `chooseExportPath: ${bad}` : null
  },
  exportReport: (a) => {
    if (a.length !== 4 || typeof a[1] !== 'string' || typeof a[2] !== 'string') return 'exportReport takes (path: string, source: string, fileName: string, request: ExportRequest)'
    const bad = pathError('exportReport', a[0]) ?? sourceAndName('exportReport', [a[1], a[2]], MAX_SOURCE_BYTES) ?? exportRequestError(a[3])
    if (bad) return bad
    const format = (a[3] as ExportRequest).format
    if (!exportExtension(format).test(a[0] as string)) return `exportReport: a ${format} export is saved as .${format}`
    return null
  },
  listDirectory: (a) => (a.length === 1 ? pathError('listDirectory', a[0]) : 'listDirectory takes (path: string)'),
  openFile: (a) => (a.length === 1 ? pathError('openFile', a[0]) : 'openFile takes (path: string)'),
  saveFile: (a) => {
    if (a.length !== 2 || typeof a[1] !== 'string') return 'saveFile takes (path: string, text: string)'
    const bad = pathError('saveFile', a[0])
    if (bad) return bad
    if (!SCENARIO_FILE.test(a[0] as string)) return 'saveFile: a scenario is saved as .yaml, .yml or .json'
    if (a[1].length > MAX_SOURCE_BYTES) return `saveFile: text is larger than ${MAX_SOURCE_BYTES} bytes`
    return null
  },
  recentFiles: (a) => none('recentFiles', a),
  clearRecentFiles: (a) => none('clearRecentFiles', a),
  getPreferences: (a) => none('getPreferences', a),
  setPreferences: (a) => (a.length === 1 ? preferencesError(a[0]) : 'setPreferences takes (patch: Partial<Preferences>)')
}

function none(op: string, a: unknown[]): string | null {
  return a.length === 0 ? null : `${op} takes no arguments`
}

function sourceAndName(op: string, a: unknown[], max: number): string | null {
  if (a.length !== 2 || typeof a[0] !== 'string' || typeof a[1] !== 'string') {
    return `${op} takes (source: string, fileName: string)`
  }
  if (a[0].length > max) return `${op}: input is larger than ${max} bytes`
  if (a[1].length > 255) return `${op}: the file name is longer than 255 characters`
  return null
}

function pathError(op: string, p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0) return `${op} takes a path (a non-empty string)`
  if (p.length > MAX_PATH_CHARS) return `${op}: the path is longer than ${MAX_PATH_CHARS} characters`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(p)) return `${op}: the path contains a control character`
  return null
}

export function isExportFormat(f: unknown): f is ExportFormat {
  return typeof f === 'string' && (EXPORT_FORMATS as readonly string[]).includes(f)
}

/** The file name ending an export of `format` must have. */
export function exportExtension(format: ExportFormat): RegExp {
  return new RegExp(`\\.${format}$`, 'i')
}

export function exportRequestError(r: unknown): string | null {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'exportReport: the request is an object'
  const o = r as Record<string, unknown>
  for (const k of Object.keys(o)) if (!['format', 'view', 'theme', 'scale', 'zoom'].includes(k)) return `exportReport: unknown request field ${JSON.stringify(k)}`
  if (!isExportFormat(o.format)) return `exportReport: format is one of ${EXPORT_FORMATS.join(', ')}`
  if (!(EXPORT_VIEWS as readonly unknown[]).includes(o.view)) return `exportReport: view is one of ${EXPORT_VIEWS.join(', ')}`
  if (o.theme !== 'light' && o.theme !== 'dark') return 'exportReport: theme is light or dark'
  if (o.scale !== 'linear' && o.scale !== 'log') return 'exportReport: scale is linear or log'
  if (o.zoom !== null) {
    const z = o.zoom as Record<string, unknown> | undefined
    const ok =
      typeof z === 'object' &&
      z !== null &&
      Object.keys(z).length === 2 &&
      Number.isSafeInteger(z.start) &&
      Number.isSafeInteger(z.end) &&
      (z.start as number) >= 0 &&
      (z.end as number) > (z.start as number)
    if (!ok) return 'exportReport: zoom is null or { start, end } with 0 <= start < end (safe integers)'
  }
  return null
}

/** A bare file name (no directory part): what a Save As dialog may start from. */
export function fileNameError(name: string): string | null {
  if (name.length === 0 || name.length > 255) return 'a file name of 1–255 characters'
  if (/[/\\]/.test(name) || name === '.' || name === '..') return 'a file name without a directory'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return 'a file name without control characters'
  return null
}

export function preferencesError(p: unknown): string | null {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'setPreferences takes an object'
  for (const [k, v] of Object.entries(p)) {
    if (k === 'theme') {
      if (!THEMES.includes(v as ThemePreference)) return `setPreferences: theme is one of ${THEMES.join(', ')}`
    } else if (k === 'wordWrap' || k === 'formatOnSave') {
      if (typeof v !== 'boolean') return `setPreferences: ${k} is true or false`
    } else return `setPreferences: unknown preference ${JSON.stringify(k)}`
  }
  return null
}
