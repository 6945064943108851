// The services behind the IPC contract (src/shared/api.ts). No Electron import: the same
// module serves Electron's ipcMain (src/main/index.ts) and the plain-Node browser host
// (src/main/browser-host.ts), so both answer with exactly the same code.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { readdir, readFile, realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import {
  API_ARGUMENTS,
  API_METHODS,
  MAX_LOG_BYTES,
  MAX_SOURCE_BYTES,
  SCENARIO_FILE,
  EXPORT_FILE,
  exportExtension,
  embeddedFileName,
  MAX_EXPORT_BYTES,
  type AnalyzeResponse,
  type Api,
  type ApiMethod,
  type BootlogResponse,
  type DirListing,
  type ExampleInfo,
  type ExportFormat,
  type ExportRequest,
  type HostInfo,
  type ImportLogResponse,
  type LookupResponse,
  type OpenedFile,
  type Preferences,
  type SavedFile
} from '../shared/api.ts'
import { atomicWriteFile, readTextFile, RequestError, type Workspace } from './files.ts'
import { EngineWorker, type EngineCallOptions } from './engine-client.ts'
import { extractPngSource } from './render.ts'
import { extractEmbeddedSource } from '../shared/views/index.ts'
import { PreferenceStore, RecentFiles } from './recent.ts'

/** The OS file dialogs (Electron's `dialog`, wired in src/main/index.ts). */
export interface NativeDialogs {
  chooseOpenPath(): Promise<string | null>
  chooseSavePath(suggestedName: string): Promise<string | null>
  chooseExportPath(suggestedName: string, format: ExportFormat): Promise<string | null>
}

export interface ServiceOptions {
  /** Directories tried in order for resources/examples; the first that exists wins. */
  examplesDirs?: string[]
  /** which host serves the contract (reported by hostInfo) */
  host?: HostInfo['host']
  /**
   * Browser host: every path is confined to this directory. Electron passes none: there
   * a path must come from its OS dialogs or the recent-files list.
   */
  workspace?: Workspace
  /** Electron: the OS dialogs. */
  dialogs?: NativeDialogs
  /** Where recent files and preferences are kept; none: in memory only. */
  dataDir?: string | null
  version?: string
  /** Called after preferences change (Electron follows the theme with nativeTheme). */
  onPreferences?: (prefs: Preferences) => void
  /**
   * Start the engine's worker now and run one small analysis on it, so the window's first
   * analysis does not wait for the thread to start and the engine to compile (~0.4 s).
   */
  warmEngine?: boolean
  /** the engine's worker (default: one of its own, started on first use) */
  engine?: EngineWorker
}

/** The warm-up: a small valid scenario (one usable range), analysed and thrown away. */
export const WARM_UP_SCENARIO = 'kernel: "6.1"\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - { start: 0x100000, end: 1G, type: usable }\n'

/**
 * The app's version from its package.json, or 0.0.0. Found by walking up from this
 * file: `src/main/services.ts` is two levels below the app root, but the build puts it
 * in a chunk (`out/main/chunks/services-*.js`), three levels below.
 */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown }
      if (pkg.name === 'memmap-workbench' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // no package.json here: look one level up
    }
    dir = dirname(dir)
  }
  return '0.0.0'
}

/**
 * Where resources/examples may be: next to the app root found from this file's location
 * (`out/main/*.js` and `src/main/services.ts` are both two levels below it), an
 * optional extra root (Electron's app path), then the working directory.
 */
export function defaultExamplesDirs(appRoot?: string): string[] {
  const here = dirname(fileURLToPath(import.meta.url))
  const roots = [resolve(here, '..', '..'), ...(appRoot ? [appRoot] : []), process.cwd()]
  const dirs = roots.map((r) => join(r, 'resources', 'examples'))
  return [...new Set(dirs)]
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The scenario's `name:` field, or null when the file has none (or is unreadable YAML). */
function scenarioTitle(text: string): string | null {
  try {
    const doc = parseDocument(text, { prettyErrors: false })
    const name = doc.get('name')
    return typeof name === 'string' && name.trim() ? name.trim() : null
  } catch {
    return null
  }
}

function argsError(method: ApiMethod, args: unknown[]): string | null {
  return API_ARGUMENTS[method](args)
}

/**
 * A response already serialized as UTF-8 JSON: the hosts send the bytes as they are (HTTP
 * body, or an IPC envelope the preload decodes) instead of rebuilding, re-serializing and
 * encoding a report of megabytes on the main thread.
 */
export class JsonText {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * The analyses a newer call of the same document supersedes: the page's shim aborts the
 * older fetch (browser host), main cancels the older IPC call (Electron). Typing sends
 * one per edit; an older one still running is of no use. Only `analyze`: the other
 * calls are made once per user action, and their callers show every failure.
 */
export const SUPERSEDED_METHODS: readonly ApiMethod[] = ['analyze']

/** The supersede key of a call (`analyze:scenario.yaml`), or null for a call no newer one replaces. */
export function supersedeKey(method: string, args: unknown): string | null {
  if (!(SUPERSEDED_METHODS as readonly string[]).includes(method) || !Array.isArray(args) || typeof args[1] !== 'string') return null
  return `${method}:${args[1]}`
}

/** The engine calls a host answers with JSON made on the worker thread. */
export type EngineJsonMethod = 'analyze' | 'bootlog' | 'importLog'
const ENGINE_JSON_METHODS: readonly string[] = ['analyze', 'bootlog', 'importLog'] satisfies EngineJsonMethod[]

/**
 * How a host may cancel an engine call it made for a page: `signal` (the browser host
 * aborts when the request's connection closes) or `supersede`, a key whose newer call
 * cancels the older (Electron: an IPC invoke cannot be aborted, so main does it).
 */
export type CallOptions = Pick<EngineCallOptions, 'signal' | 'supersede'>

/** The services a host exposes: the contract, plus the engine calls answered as UTF-8 JSON. */
export interface Services extends Api {
  /** analyze, bootlog or importLog as UTF-8 JSON, modelled and serialized on the engine's worker thread */
  engineJson(method: EngineJsonMethod, source: string, fileName: string, opts?: CallOptions): Promise<JsonText>
  /** lookup, its engine call cancelled by `opts` (the browser host: the request's connection closed) */
  lookupWith(opts: CallOptions, source: string, fileName: string, queries: string[]): Promise<LookupResponse>
  /** exportReport, likewise: a cancelled export writes nothing */
  exportReportWith(opts: CallOptions, path: string, source: string, fileName: string, request: ExportRequest): Promise<SavedFile>
}

export function createServices(opts: ServiceOptions = {}): Services {
  const candidates = opts.examplesDirs ?? defaultExamplesDirs()
  const examplesDir = (): string | null => candidates.find(isDir) ?? null
  const dataDir = opts.dataDir ?? null
  const recent = new RecentFiles(dataDir)
  const prefs = new PreferenceStore(dataDir)
  const workspace = opts.workspace ?? null
  let worker: EngineWorker | null = opts.engine ?? null
  const engine = (): EngineWorker => (worker ??= new EngineWorker())
  if (opts.warmEngine)
    engine()
      .callBytes('analyze', WARM_UP_SCENARIO, 'warm-up.yaml')
      .catch(() => undefined)
  const dialogs = opts.dialogs ?? null
  /** Electron: paths the user picked in an OS dialog during this session. */
  const granted = new Set<string>()

  function noFiles(): Error {
    return new Error('this host has no file access (neither a workspace nor OS dialogs)')
  }

  /** An existing file the page may read: inside the workspace, or granted by a dialog or the recent list. */
  async function readablePath(p: string): Promise<string> {
    if (workspace) return workspace.existing(p)
    if (!dialogs) throw noFiles()
    const abs = resolve(p)
    if (!granted.has(abs) && !(await recent.has(abs))) throw new Error(`${p} was not chosen in an Open dialog: use File › Open`)
    return realpath(abs).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new Error(`${p}: no such file`) : e
    })
  }

  /** The OS dialogs, or the error of a host that has none. */
  function osDialogs(): NativeDialogs {
    if (!dialogs) throw new Error('this host has no OS file dialog: the app asks for a path itself')
    return dialogs
  }

  /**
   * A path an OS dialog returned, made absolute and granted for reading and writing;
   * `ending`: a name that does not match it gets `.ext` (a Save dialog without the type).
   */
  function grantChosen(p: string | null, ending?: { pattern: RegExp; ext: string }): string | null {
    if (p === null) return null
    const abs = resolve(!ending || ending.pattern.test(p) ? p : `${p}.${ending.ext}`)
    granted.add(abs)
    return abs
  }

  async function writablePath(p: string): Promise<string> {
    if (workspace) return workspace.writable(p)
    if (!dialogs) throw noFiles()
    const abs = resolve(p)
    if (!granted.has(abs) && !(await recent.has(abs))) throw new Error(`${p} was not chosen in a Save dialog: use File › Save As`)
    return abs
  }

  async function lookupWith(how: CallOptions, source: string, fileName: string, queries: string[]) {
    const bad = argsError('lookup', [source, fileName, queries])
    if (bad) throw new Error(bad)
    // modelled on the engine's worker thread; the answer is a few lines per query
    const bytes = await engine().callWith({ signal: how.signal, supersede: how.supersede }, 'lookup', source, fileName, queries)
    return JSON.parse(new TextDecoder().decode(bytes)) as LookupResponse
  }

  async function exportReportWith(how: CallOptions, path: string, source: string, fileName: string, request: ExportRequest): Promise<SavedFile> {
    const bad = argsError('exportReport', [path, source, fileName, request])
    if (bad) throw new Error(bad)
    const file = await writablePath(path)
    // analysed and rendered on the worker (resvg and pdfkit would hold this thread)
    const data = await engine().callWith({ signal: how.signal, supersede: how.supersede }, 'export', source, fileName, request)
    const written = await atomicWriteFile(file, data)
    granted.add(file)
    return { path: file, name: basename(file), mtimeMs: statSync(written.path).mtimeMs, bytes: written.bytes }
  }

  return {
    async listExamples(): Promise<ExampleInfo[]> {
      const dir = examplesDir()
      if (!dir) return []
      const names = (await readdir(dir)).filter((n) => argsError('readExample', [n]) === null).sort((a, b) => a.localeCompare(b))
      const out: ExampleInfo[] = []
      for (const name of names) {
        const file = join(dir, name)
        if (!existsSync(file) || !statSync(file).isFile()) continue
        let title: string | null = null
        try {
          title = scenarioTitle(await readFile(file, 'utf8'))
        } catch {
          // unreadable: listed under its file name
        }
        out.push({ name, title: title ?? name.replace(/\.(ya?ml|json)$/, '') })
      }
      return out
    },

    async readExample(name: string): Promise<string> {
      const bad = argsError('readExample', [name])
      if (bad) throw new Error(bad)
      const dir = examplesDir()
      // The validator already forbids separators; basename() is a second fence.
      if (!dir || basename(name) !== name) throw new RequestError(404, `no example named ${JSON.stringify(name)}`)
      const file = join(dir, name)
      if (!existsSync(file) || !statSync(file).isFile()) throw new RequestError(404, `no example named ${JSON.stringify(name)}`)
      return readFile(file, 'utf8')
    },

    async engineJson(method: EngineJsonMethod, source: string, fileName: string, opts: CallOptions = {}) {
      const bad = argsError(method, [source, fileName])
      if (bad) throw new Error(bad)
      return new JsonText(await engine().callWith({ signal: opts.signal, supersede: opts.supersede }, method, source, fileName))
    },

    async analyze(source: string, fileName: string) {
      const bad = argsError('analyze', [source, fileName])
      if (bad) throw new Error(bad)
      return engine().call<AnalyzeResponse>('analyze', source, fileName)
    },

    async bootlog(source: string, fileName: string) {
      const bad = argsError('bootlog', [source, fileName])
      if (bad) throw new Error(bad)
      return engine().call<BootlogResponse>('bootlog', source, fileName)
    },

    async lookup(source: string, fileName: string, queries: string[]) {
      return lookupWith({}, source, fileName, queries)
    },

    lookupWith,

    async importLog(text: string, fileName: string) {
      const bad = argsError('importLog', [text, fileName])
      if (bad) throw new Error(bad)
      return engine().call<ImportLogResponse>('importLog', text, fileName)
    },

    async hostInfo(): Promise<HostInfo> {
      return {
        host: opts.host ?? 'browser',
        dialogs: dialogs ? 'native' : 'in-app',
        workspace: workspace?.root ?? null,
        dataDir,
        platform: process.platform,
        separator: sep,
        version: opts.version ?? appVersion()
      }
    },

    async chooseOpenPath(): Promise<string | null> {
      return grantChosen(await osDialogs().chooseOpenPath())
    },

    async chooseSavePath(suggestedName: string): Promise<string | null> {
      const bad = argsError('chooseSavePath', [suggestedName])
      if (bad) throw new Error(bad)
      return grantChosen(await osDialogs().chooseSavePath(suggestedName), { pattern: SCENARIO_FILE, ext: 'yaml' })
    },

    async chooseExportPath(suggestedName: string, format: ExportFormat): Promise<string | null> {
      const bad = argsError('chooseExportPath', [suggestedName, format])
      if (bad) throw new Error(bad)
      return grantChosen(await osDialogs().chooseExportPath(suggestedName, format), { pattern: exportExtension(format), ext: format })
    },

    async exportReport(path: string, source: string, fileName: string, request: ExportRequest): Promise<SavedFile> {
      return exportReportWith({}, path, source, fileName, request)
    },

    exportReportWith,

    async listDirectory(path: string): Promise<DirListing> {
      const bad = argsError('listDirectory', [path])
      if (bad) throw new Error(bad)
      if (!workspace) throw new Error('directory listings are only for the in-app path dialog (browser host)')
      return workspace.list(path)
    },

    async openFile(path: string): Promise<OpenedFile> {
      const bad = argsError('openFile', [path])
      if (bad) throw new Error(bad)
      let file: string
      try {
        file = await readablePath(path)
      } catch (e) {
        // a recent entry whose file is gone leaves the list
        if (/no such file/.test((e as Error).message)) await recent.remove(resolve(path))
        throw e
      }
      const name = basename(file)
      if (EXPORT_FILE.test(name)) {
        const embedded = await readEmbeddedScenario(file)
        granted.add(file)
        await recent.add(file)
        return { path: file, name: embedded.fileName, text: embedded.text, mtimeMs: embedded.mtimeMs, exportName: name }
      }
      const { text, mtimeMs } = await readTextFile(file, SCENARIO_FILE.test(name) ? MAX_SOURCE_BYTES : MAX_LOG_BYTES)
      granted.add(file)
      await recent.add(file)
      return { path: file, name, text, mtimeMs }
    },

    async saveFile(path: string, text: string): Promise<SavedFile> {
      const bad = argsError('saveFile', [path, text])
      if (bad) throw new Error(bad)
      const file = await writablePath(path)
      const written = await atomicWriteFile(file, text)
      const st = statSync(written.path)
      granted.add(file)
      await recent.add(file)
      return { path: file, name: basename(file), mtimeMs: st.mtimeMs, bytes: written.bytes }
    },

    async recentFiles() {
      return recent.list()
    },

    async clearRecentFiles() {
      return recent.clear()
    },

    async getPreferences() {
      return prefs.get()
    },

    async setPreferences(patch: Partial<Preferences>) {
      const bad = argsError('setPreferences', [patch])
      if (bad) throw new Error(bad)
      const next = await prefs.set(patch)
      opts.onPreferences?.(next)
      return next
    }
  }
}

/** The scenario an SVG (<metadata>) or PNG (iTXt) export carries; an Error when it has none. */
async function readEmbeddedScenario(file: string): Promise<{ text: string; fileName: string; mtimeMs: number }> {
  const st = statSync(file)
  if (!st.isFile()) throw new RequestError(400, `${file} is not a regular file`)
  if (st.size > MAX_EXPORT_BYTES) throw new RequestError(413, `${basename(file)} is too large to be a memmap-workbench export`)
  const buf = await readFile(file)
  const name = basename(file)
  const source = /\.png$/i.test(name) ? extractPngSource(buf) : extractEmbeddedSource(buf.toString('utf8'))
  if (!source) throw new RequestError(415, `${name} carries no scenario: only images exported by memmap-workbench (File › Export, or the CLI's export) can be opened`)
  return { text: source.text, fileName: embeddedFileName(source.fileName), mtimeMs: st.mtimeMs }
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m)
}

/**
 * One validated call into the services: the method must be part of the contract and the
 * arguments must pass API_ARGUMENTS, otherwise this throws an Error saying why. The
 * answer is the service's value, or a JsonText the host sends without re-serializing.
 * `opts` reach the engine calls that can be cancelled (analyze, bootlog, importLog, lookup,
 * exportReport).
 */
export async function callService(services: Services, method: string, args: unknown, opts: CallOptions = {}): Promise<unknown> {
  if (!isApiMethod(method)) throw new Error(`unknown API method ${JSON.stringify(method)}`)
  if (!Array.isArray(args)) throw new Error(`${method}: arguments must be an array`)
  const bad = API_ARGUMENTS[method](args)
  if (bad) throw new RequestError(400, bad)
  // an engine answer stays UTF-8 JSON from the worker to the wire
  if (ENGINE_JSON_METHODS.includes(method)) return services.engineJson(method as EngineJsonMethod, args[0] as string, args[1] as string, opts)
  // the other engine calls a host may cancel: a lookup, an export (rendered on the worker)
  if (method === 'lookup') return services.lookupWith(opts, ...(args as Parameters<Services['lookup']>))
  if (method === 'exportReport') return services.exportReportWith(opts, ...(args as Parameters<Services['exportReport']>))
  const fn = services[method] as (...a: unknown[]) => Promise<unknown>
  return fn.apply(services, args)
}
