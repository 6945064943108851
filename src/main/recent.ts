// The recent-files list and the preferences, kept by the main side as small JSON files in
// the app's data directory (Electron: app.getPath('userData'); browser host:
// $XDG_CONFIG_HOME/memmap-workbench or --data-dir). Written atomically; a missing or
// damaged file reads as empty/defaults. Without a data directory both live in memory.

import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { DEFAULT_PREFERENCES, MAX_RECENT_FILES, preferencesError, type Preferences, type RecentFile } from '../shared/api.ts'
import { atomicWriteFile, removeStaleTempFilesIn } from './files.ts'

/** `$XDG_CONFIG_HOME/memmap-workbench`, or `~/.config/memmap-workbench`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'memmap-workbench')
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return null
  }
}

/** Serialises writes to one file so two quick changes cannot land out of order. */
class JsonFile {
  private queue: Promise<unknown> = Promise.resolve()
  constructor(readonly path: string | null) {}

  read(): Promise<unknown> {
    return this.path ? readJson(this.path) : Promise.resolve(null)
  }

  write(value: unknown): Promise<void> {
    const path = this.path
    if (!path) return Promise.resolve()
    const next = this.queue.then(async () => {
      await mkdir(dirname(path), { recursive: true })
      await atomicWriteFile(path, JSON.stringify(value, null, 2) + '\n')
    })
    this.queue = next.catch(() => undefined)
    return next
  }
}

/** Most recent first, no duplicates, at most MAX_RECENT_FILES (10). */
export class RecentFiles {
  private file: JsonFile
  private paths: string[] | null = null

  constructor(
    dataDir: string | null,
    readonly max = MAX_RECENT_FILES
  ) {
    this.file = new JsonFile(dataDir ? join(dataDir, 'recent-files.json') : null)
  }

  private async load(): Promise<string[]> {
    if (this.paths) return this.paths
    const j = (await this.file.read()) as { files?: unknown } | null
    const files = j && Array.isArray(j.files) ? j.files : []
    this.paths = [...new Set(files.filter((p): p is string => typeof p === 'string' && isAbsolute(p)))].slice(0, this.max)
    return this.paths
  }

  async has(path: string): Promise<boolean> {
    return (await this.load()).includes(resolve(path))
  }

  async list(): Promise<RecentFile[]> {
    return (await this.load()).map((path) => ({ path, name: basename(path), dir: dirname(path), exists: isFile(path) }))
  }

  async add(path: string): Promise<RecentFile[]> {
    const p = resolve(path)
    this.paths = [p, ...(await this.load()).filter((x) => x !== p)].slice(0, this.max)
    await this.file.write({ version: 1, files: this.paths })
    return this.list()
  }

  async remove(path: string): Promise<RecentFile[]> {
    const p = resolve(path)
    const before = await this.load()
    if (before.includes(p)) {
      this.paths = before.filter((x) => x !== p)
      await this.file.write({ version: 1, files: this.paths })
    }
    return this.list()
  }

  async clear(): Promise<RecentFile[]> {
    this.paths = []
    await this.file.write({ version: 1, files: [] })
    return []
  }
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile()
  } catch {
    return false
  }
}

export class PreferenceStore {
  private file: JsonFile
  private value: Preferences | null = null

  constructor(dataDir: string | null) {
    this.file = new JsonFile(dataDir ? join(dataDir, 'preferences.json') : null)
  }

  async get(): Promise<Preferences> {
    if (this.value) return { ...this.value }
    const j = await this.file.read()
    const out: Preferences = { ...DEFAULT_PREFERENCES }
    if (j && typeof j === 'object' && !Array.isArray(j)) {
      // keep each stored value that is still valid; ignore the rest
      for (const [k, v] of Object.entries(j)) {
        if (preferencesError({ [k]: v }) === null) (out as unknown as Record<string, unknown>)[k] = v
      }
    }
    this.value = out
    return { ...out }
  }

  async set(patch: Partial<Preferences>): Promise<Preferences> {
    const bad = preferencesError(patch)
    if (bad) throw new Error(bad)
    const next = { ...(await this.get()), ...patch }
    this.value = next
    await this.file.write(next)
    return { ...next }
  }
}

/**
 * At start: remove the temp files of saves that were killed mid-write (files.ts,
 * removeStaleTempFiles) from the data directory, the directories of the recent files and
 * any `extra` (the browser host's workspace). Never throws; returns the paths removed.
 */
export async function sweepStaleSaves(dataDir: string | null, extra: string[] = []): Promise<string[]> {
  const dirs = [...extra]
  if (dataDir) {
    dirs.push(dataDir)
    for (const f of await new RecentFiles(dataDir).list().catch(() => [])) dirs.push(f.dir)
  }
  return removeStaleTempFilesIn(dirs)
}
