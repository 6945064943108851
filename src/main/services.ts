// The services behind the IPC contract (src/shared/api.ts). No Electron import: the same
// module serves Electron's ipcMain (src/main/index.ts) and the plain-Node browser host
// (src/main/browser-host.ts), so both answer with exactly the same code.

import { existsSync, statSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { API_ARGUMENTS, API_METHODS, type Api, type ApiMethod, type ExampleInfo } from '../shared/api.ts'
import { analyzeSource, bootlogSource } from '../shared/engine/index.ts'

export interface ServiceOptions {
  /** Directories tried in order for resources/examples; the first that exists wins. */
  examplesDirs?: string[]
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

export function createServices(opts: ServiceOptions = {}): Api {
  const candidates = opts.examplesDirs ?? defaultExamplesDirs()
  const examplesDir = (): string | null => candidates.find(isDir) ?? null

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
      if (!dir || basename(name) !== name) throw new Error(`no example named ${JSON.stringify(name)}`)
      const file = join(dir, name)
      if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`no example named ${JSON.stringify(name)}`)
      return readFile(file, 'utf8')
    },

    async analyze(source: string, fileName: string) {
      const bad = argsError('analyze', [source, fileName])
      if (bad) throw new Error(bad)
      return analyzeSource(source, fileName)
    },

    async bootlog(source: string, fileName: string) {
      const bad = argsError('bootlog', [source, fileName])
      if (bad) throw new Error(bad)
      return bootlogSource(source, fileName)
    }
  }
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m)
}

/**
 * One validated call into the services: the method must be part of the contract and the
 * arguments must pass API_ARGUMENTS, otherwise this throws an Error saying why.
 */
export async function callService(services: Api, method: string, args: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new Error(`unknown API method ${JSON.stringify(method)}`)
  if (!Array.isArray(args)) throw new Error(`${method}: arguments must be an array`)
  const bad = API_ARGUMENTS[method](args)
  if (bad) throw new Error(bad)
  const fn = services[method] as (...a: unknown[]) => Promise<unknown>
  return fn.apply(services, args)
}
