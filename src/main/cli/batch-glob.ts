// The inputs of `memmap-workbench batch`: files, folders (recursive) and glob patterns,
// expanded here (a quoted glob works the same as one the shell expanded). The walk is
// streamed: one directory listing is held at a time, and paths are yielded as found.
// Hidden files and folders are skipped in folders and by `*`, `?` and `**` (as a shell
// does), and counted.

import { statSync, type Dirent, type Stats } from 'node:fs'
import { access, open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { detectCapture } from '../../shared/engine/import/index.ts'

export interface FoundInput {
  /** the path as written in records: the argument, or the argument joined with the walked part */
  file: string
  /** found by a folder walk or a glob (may be skipped as a non-input), not named on the command line */
  found: boolean
}

export interface WalkStats {
  /** hidden files and folders passed over */
  hidden: number
  /** glob patterns that matched no file */
  unmatched: string[]
}

const GLOB_CHARS = /[*?]/

/** Does the argument hold glob characters (`*`, `**`, `?`)? */
export function isGlob(arg: string): boolean {
  return GLOB_CHARS.test(arg)
}

/**
 * A glob pattern (relative to its base) as a regular expression over `/`-separated
 * paths: `*` any characters within a segment, `?` one, `**` as a whole segment zero or
 * more folders. A segment that does not itself start with `.` matches no hidden name.
 */
export function globRegExp(pattern: string): RegExp {
  const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0)
  let re = ''
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]
    const last = i === segs.length - 1
    if (s === '**') {
      re += last ? '(?:(?!\\.)[^/]+/)*(?!\\.)[^/]+' : '(?:(?!\\.)[^/]+/)*'
      continue
    }
    let seg = s.startsWith('.') ? '' : '(?!\\.)'
    for (const c of s) seg += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    re += seg + (last ? '' : '/')
  }
  return new RegExp(`^${re}$`)
}

/** The folder a pattern's walk starts from (its segments before the first glob) and the rest. */
export function globBase(pattern: string): { base: string; rest: string } {
  const segs = pattern.split('/')
  let i = 0
  while (i < segs.length - 1 && !isGlob(segs[i])) i++
  const base = segs.slice(0, i).join('/')
  return { base: pattern.startsWith('/') && base === '' ? '/' : base, rest: segs.slice(i).join('/') }
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/**
 * Files under `dir`, depth first in name order, at most `levels` deep; `rel` is the path
 * below the walk's root.
 * Symbolic links to files are followed, links to folders are not (no cycles).
 * `captures`: a folder holding one machine's captures (isCaptureFolder(), decided by
 * content) is one input, as `analyze DIR` reads it, not a file per capture.
 */
async function* walk(dir: string, rel: string, stats: WalkStats, keepHidden: boolean, levels = Infinity, captures = false): AsyncGenerator<{ path: string; rel: string }> {
  let entries
  try {
    entries = (await readdir(dir || '.', { withFileTypes: true })).sort(byName)
  } catch {
    return // unreadable or vanished folder: nothing in it is an input
  }
  if (captures && rel && (await isCaptureFolder(dir, entries))) {
    yield { path: dir, rel }
    return
  }
  for (const e of entries) {
    if (e.name.startsWith('.') && !keepHidden) {
      stats.hidden++
      continue
    }
    const path = dir ? join(dir, e.name) : e.name
    const r = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) {
      if (levels > 1) yield* walk(path, r, stats, keepHidden, levels - 1, captures)
    } else if (e.isFile()) yield { path, rel: r }
    else if (e.isSymbolicLink() && isLinkToFile(path)) yield { path, rel: r }
  }
}

/**
 * Does a symbolic link lead to a file? Asked synchronously: a stat of a path the listing
 * just gave takes microseconds, and its promise (a thread-pool round trip) cost the main
 * thread more than that, a tenth of its CPU over a folder of links.
 */
function isLinkToFile(path: string): boolean {
  let st: Stats | undefined
  try {
    st = statSync(path, { throwIfNoEntry: false })
  } catch {
    return false // a loop, a link into a folder we may not read
  }
  return st?.isFile() ?? false
}

/** Every input an argument names: itself (a file, or a missing path), a folder's files, or a glob's matches. */
export async function* expandArg(arg: string, stats: WalkStats): AsyncGenerator<FoundInput> {
  const st = await stat(arg).catch(() => null)
  if (st?.isDirectory()) {
    // a folder of one machine's captures is one input (the worker reads it as analyze does)
    if (await isCaptureFolder(arg)) {
      yield { file: arg, found: false }
      return
    }
    for await (const f of walk(arg, '', stats, false, Infinity, true)) yield { file: f.path, found: true }
    return
  }
  if (st || !isGlob(arg)) {
    // a file, or a path that does not exist: the worker reports it as an error record
    yield { file: arg, found: false }
    return
  }
  const { base, rest } = globBase(arg)
  const re = globRegExp(rest)
  const depth = rest.includes('**') ? Infinity : rest.split('/').length
  const keepHidden = rest.split('/').some((s) => s.startsWith('.'))
  let n = 0
  for await (const f of walk(base, '', stats, keepHidden, depth)) {
    if (!re.test(f.rel)) continue
    n++
    yield { file: f.path, found: true }
  }
  if (!n) stats.unmatched.push(arg)
}

// ---- one machine's captures: one input --------------------------------------------------

/** The captures importBundle() takes a memory map from. */
const MAP_KINDS: ReadonlySet<string> = new Set(['memblock', 'iomem', 'firmware-memmap', 'kmem-n', 'lsmem'])
/** A folder with more entries than this is a folder of inputs, never one machine's captures. */
const CAPTURE_FOLDER_MAX_ENTRIES = 64
const SNIFF_BYTES = 64 * 1024

/** The first 64 KiB of a file as text (what detectCapture() reads), or null. */
async function head(path: string): Promise<string | null> {
  try {
    const fh = await open(path, 'r')
    try {
      const buf = Buffer.alloc(SNIFF_BYTES)
      const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0)
      return buf.toString('utf8', 0, bytesRead)
    } finally {
      await fh.close()
    }
  } catch {
    return null
  }
}

/** A /sys/firmware/memmap tree: numbered entries, each with start, end and type (as readInput() reads one). */
async function isFirmwareMemmapTree(dir: string): Promise<boolean> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n))
  if (!names.length) return false
  for (const n of names)
    for (const f of ['end', 'start', 'type'])
      if (
        !(await access(join(dir, n, f)).then(
          () => true,
          () => false
        ))
      )
        return false
  return true
}

/**
 * Is this folder the captures of one machine, one input as `analyze DIR` reads it
 * (readInput(): a firmware memmap tree, or every file as one `==> name <==` bundle),
 * rather than a folder of inputs? Decided by content: a /sys/firmware/memmap tree; or at
 * most 64 entries, no subfolder but firmware memmap trees, and at least one file that
 * detectCapture() reads as a capture describing memory (/proc/iomem, memblock debugfs,
 * /sys/firmware/memmap, lsmem, kmem -n), with no two of one kind under different names
 * (`host1.iomem` and `host2.iomem` are two machines: two inputs; `lsmem.txt` and
 * `lsmem.json`, or memblock `memory` and `reserved`, are one machine's).
 * `entries`: the folder's listing when the caller has it.
 */
export async function isCaptureFolder(dir: string, entries?: Dirent[]): Promise<boolean> {
  let list: Dirent[]
  try {
    list = entries ?? (await readdir(dir, { withFileTypes: true }))
  } catch {
    return false
  }
  const visible = list.filter((e) => !e.name.startsWith('.'))
  if (!visible.length || visible.length > CAPTURE_FOLDER_MAX_ENTRIES) return false
  if (await isFirmwareMemmapTree(dir)) return true
  const stems = new Map<string, string>()
  let map = false
  for (const e of visible) {
    const path = join(dir, e.name)
    if (e.isDirectory()) {
      if (!(await isFirmwareMemmapTree(path))) return false
      map = true
      continue
    }
    const isFile = e.isFile() || (e.isSymbolicLink() && isLinkToFile(path))
    if (!isFile) continue
    const text = await head(path)
    if (text === null || text.includes('\0')) continue
    const kind = detectCapture(text)
    if (!kind || !MAP_KINDS.has(kind)) continue
    map = true
    if (kind === 'memblock') continue
    const stem = e.name.replace(/\..*$/, '')
    const seen = stems.get(kind)
    if (seen !== undefined && seen !== stem) return false
    stems.set(kind, stem)
  }
  return map
}
