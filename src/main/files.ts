// Files for the workbench's main side: atomic writes, bounded reads, and the browser
// host's workspace confinement. No Electron import (the browser host uses all of it).

import { constants, promises as fsp } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { DirListing } from '../shared/api.ts'
import { decodeText } from '../shared/text-encoding.ts'

/** The file-system calls atomicWriteFile makes; tests replace some to simulate failures. */
export interface AtomicFs {
  open: typeof fsp.open
  rename: typeof fsp.rename
  unlink: typeof fsp.unlink
  stat: typeof fsp.stat
  realpath: typeof fsp.realpath
}

const realFs: AtomicFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink, stat: fsp.stat, realpath: fsp.realpath }

/** The file a write to `target` really changes: a symlink's target, so the link stays a link. */
async function writeTarget(target: string, fs: AtomicFs): Promise<{ path: string; mode: number | null }> {
  try {
    const real = await fs.realpath(target)
    const st = await fs.stat(real)
    if (!st.isFile()) throw new RequestError(400, `${target} is not a regular file`)
    return { path: real, mode: st.mode & 0o7777 }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: target, mode: null }
    throw e
  }
}

/**
 * Replace `target` with `data` so that a reader (or a crash) sees either the old file
 * or the complete new one, never a mix: write a temp file in the same directory (same
 * file system, so rename is atomic), fsync it, rename it over the target, then fsync the
 * directory so the rename itself is durable. On any failure the temp file is removed and
 * the old file is left as it was. An existing file's permission bits are kept.
 */
export async function atomicWriteFile(target: string, data: string | Uint8Array, fs: AtomicFs = realFs): Promise<{ path: string; bytes: number }> {
  const { path, mode } = await writeTarget(resolve(target), fs)
  const dir = dirname(path)
  // what an earlier save of this file left when it was killed mid-write
  await removeStaleTempFiles(dir, { name: basename(path) })
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  let handle: Awaited<ReturnType<typeof fsp.open>> | null = null
  let renamed = false
  try {
    // wx: never follow or reuse an existing name (a planted symlink cannot redirect the write)
    handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666)
    if (mode !== null) await handle.chmod(mode)
    let off = 0
    while (off < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, off, bytes.length - off)
      if (bytesWritten <= 0) throw new Error(`short write to ${tmp}`)
      off += bytesWritten
    }
    await handle.sync()
    await handle.close()
    handle = null
    await fs.rename(tmp, path)
    renamed = true
  } finally {
    if (handle) await handle.close().catch(() => undefined)
    if (!renamed) await fs.unlink(tmp).catch(() => undefined)
  }
  await syncDirectory(dir)
  return { path, bytes: bytes.length }
}

/** atomicWriteFile's temp names: `.NAME.<pid>.<12 hex digits>.tmp`. */
const TEMP_FILE = /^\.(.+)\.([1-9]\d{0,9})\.([0-9a-f]{12})\.tmp$/

/** A temp file whose writer may still be at work is left this long (a pid can be reused). */
export const STALE_TEMP_AGE_MS = 10 * 60 * 1000

/** Whether a process with this id exists (EPERM: it does, but is not ours to signal). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Remove the temp files atomicWriteFile left in `dir` when its process was killed during
 * a save: only names of its own pattern (`.NAME.<pid>.<hex>.tmp`, optionally only for one
 * NAME), only regular files, and only when their writer is gone (no process with that
 * pid) or they are older than `maxAgeMs` (the pid may have been reused). This process's
 * own temp files are left unless old: another thread of it may be writing one. Never
 * throws; returns the paths removed.
 */
export async function removeStaleTempFiles(dir: string, opts: { name?: string; maxAgeMs?: number; now?: number } = {}): Promise<string[]> {
  const removed: string[] = []
  let names: string[]
  try {
    names = await fsp.readdir(dir)
  } catch {
    return removed
  }
  const maxAge = opts.maxAgeMs ?? STALE_TEMP_AGE_MS
  const now = opts.now ?? Date.now()
  for (const n of names) {
    const m = TEMP_FILE.exec(n)
    if (!m || (opts.name !== undefined && m[1] !== opts.name)) continue
    const file = join(dir, n)
    try {
      const st = await fsp.lstat(file)
      if (!st.isFile()) continue
      const pid = Number(m[2])
      const old = now - st.mtimeMs > maxAge
      const orphan = pid !== process.pid && !processAlive(pid)
      if (!old && !orphan) continue
      await fsp.unlink(file)
      removed.push(file)
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed
}

/**
 * At start: sweep the directories where saves happen (the data directory and those of the
 * recent files) for temp files of saves that were killed.
 */
export async function removeStaleTempFilesIn(dirs: Iterable<string>): Promise<string[]> {
  const removed: string[] = []
  for (const d of new Set(dirs)) removed.push(...(await removeStaleTempFiles(d)))
  return removed
}

/** fsync a directory so a rename in it survives a crash. Not possible on Windows: skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  let h: Awaited<ReturnType<typeof fsp.open>> | null = null
  try {
    h = await fsp.open(dir, constants.O_RDONLY)
    await h.sync()
  } catch {
    // some file systems refuse fsync on a directory; the data itself is already synced
  } finally {
    await h?.close().catch(() => undefined)
  }
}

/**
 * A mistake in what the caller asked for (a path outside the workspace, a file that does
 * not exist, one too large or not text): the browser host answers it with `status` (4xx),
 * not 500, and Electron shows the message as it does any other.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export class FileTooLargeError extends RequestError {
  constructor(message: string) {
    super(413, message)
  }
}

/** Read a text file (UTF-8, or UTF-16 with a byte-order mark) of at most `max` bytes (checked before reading). */
export async function readTextFile(path: string, max: number): Promise<{ text: string; mtimeMs: number }> {
  const st = await fsp.stat(path)
  if (st.isDirectory()) throw new RequestError(400, `${path} is a directory`)
  if (!st.isFile()) throw new RequestError(400, `${path} is not a regular file`)
  if (st.size > max) throw new FileTooLargeError(`${basename(path)} is ${formatBytes(st.size)}; files up to ${formatBytes(max)} can be opened`)
  const buf = await fsp.readFile(path)
  if (buf.length > max) throw new FileTooLargeError(`${basename(path)} grew beyond ${formatBytes(max)} while it was read`)
  // UTF-8 (a BOM dropped) or UTF-16 with a BOM; UTF-16 without one is named, not misread
  const decoded = decodeText(buf, (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'))
  if (!decoded.ok) throw new RequestError(415, `${basename(path)} ${decoded.error}`)
  // A NUL in the first 8 KiB: a binary file, not a scenario or a log.
  if (decoded.text.slice(0, 8192).includes('\0')) throw new RequestError(415, `${basename(path)} is a binary file, not a scenario or a boot log`)
  return { text: decoded.text, mtimeMs: st.mtimeMs }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const units = ['KiB', 'MiB', 'GiB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

export class OutsideWorkspaceError extends RequestError {
  constructor(message: string) {
    super(403, message)
  }
}

/** `~` and `~/x` name the user's home directory, as in a shell. */
function expandHome(p: string): string {
  if (p === '~') return homedir()
  if (p.startsWith('~/') || p.startsWith('~' + sep)) return join(homedir(), p.slice(2))
  return p
}

/**
 * The browser host's files: every path the page names is resolved against one root
 * directory (the user's home, or `--workspace DIR`) and refused when it lands outside
 * it — also through `..`, symlinks or a symlinked parent — or when a component below the
 * root is hidden (a dot file or directory: ~/.ssh, ~/.bashrc).
 */
export class Workspace {
  private constructor(readonly root: string) {}

  static async open(dir: string): Promise<Workspace> {
    const root = await fsp.realpath(resolve(expandHome(dir)))
    const st = await fsp.stat(root)
    if (!st.isDirectory()) throw new Error(`workspace ${dir} is not a directory`)
    return new Workspace(root)
  }

  /** An absolute path, or one relative to the root; `~` is the home directory. */
  private lexical(input: string): string {
    if (input.includes('\0')) throw new OutsideWorkspaceError('the path contains a NUL character')
    const p = expandHome(input.trim())
    return isAbsolute(p) ? resolve(p) : resolve(this.root, p)
  }

  private check(real: string, input: string): string {
    const rel = relative(this.root, real)
    if (rel === '') return real
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new OutsideWorkspaceError(`${input} is outside the workspace ${this.root}`)
    }
    if (rel.split(sep).some((c) => c.startsWith('.'))) {
      throw new OutsideWorkspaceError(`${input}: hidden files and directories are not opened by the workbench`)
    }
    return real
  }

  /** An existing file or directory inside the workspace, as its canonical path. */
  async existing(input: string): Promise<string> {
    const lex = this.lexical(input)
    this.check(lex, input) // fail early, before touching the file system
    let real: string
    try {
      real = await fsp.realpath(lex)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RequestError(404, `${input}: no such file or directory`)
      throw e
    }
    return this.check(real, input)
  }

  /**
   * A file to write inside the workspace: its directory must exist (and be inside);
   * the file itself may not exist yet. An existing symlink must point inside too.
   */
  async writable(input: string): Promise<string> {
    const lex = this.lexical(input)
    this.check(lex, input)
    const name = basename(lex)
    if (!name || name === '.' || name === '..') throw new RequestError(400, `${input}: not a file name`)
    let dir: string
    try {
      dir = await fsp.realpath(dirname(lex))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RequestError(404, `${dirname(input)}: no such directory`)
      throw e
    }
    const target = this.check(join(dir, name), input)
    try {
      return this.check(await fsp.realpath(target), input)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return target
      throw e
    }
  }

  /** One directory's visible entries (no dot files), directories first. */
  async list(input: string): Promise<DirListing> {
    const dir = await this.existing(input)
    const st = await fsp.stat(dir)
    if (!st.isDirectory()) throw new RequestError(400, `${input} is not a directory`)
    const dirents = await fsp.readdir(dir, { withFileTypes: true })
    const entries: DirListing['entries'] = []
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue
      try {
        // stat follows symlinks; a link leading out of the workspace is not listed
        const full = join(dir, d.name)
        if (d.isSymbolicLink()) this.check(await fsp.realpath(full), full)
        const s = await fsp.stat(full)
        if (s.isDirectory()) entries.push({ name: d.name, kind: 'dir', size: 0, mtimeMs: s.mtimeMs })
        else if (s.isFile()) entries.push({ name: d.name, kind: 'file', size: s.size, mtimeMs: s.mtimeMs })
      } catch {
        // unreadable, dangling or leading outside: not listed
      }
      if (entries.length >= 2000) break
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
    return { path: dir, parent: dir === this.root ? null : dirname(dir), entries }
  }
}
