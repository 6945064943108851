// The inputs of `memmap-workbench batch`: files, folders (recursive) and glob patterns,
// expanded here (a quoted glob works the same as one the shell expanded). The walk is
// streamed: one directory listing is held at a time, and paths are yielded as found.
// Hidden files and folders are skipped in folders and by `*`, `?` and `**` (as a shell
// does), and counted.

import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

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
 */
async function* walk(dir: string, rel: string, stats: WalkStats, keepHidden: boolean, levels = Infinity): AsyncGenerator<{ path: string; rel: string }> {
  let entries
  try {
    entries = (await readdir(dir || '.', { withFileTypes: true })).sort(byName)
  } catch {
    return // unreadable or vanished folder: nothing in it is an input
  }
  for (const e of entries) {
    if (e.name.startsWith('.') && !keepHidden) {
      stats.hidden++
      continue
    }
    const path = dir ? join(dir, e.name) : e.name
    const r = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) {
      if (levels > 1) yield* walk(path, r, stats, keepHidden, levels - 1)
    }
    else if (e.isFile()) yield { path, rel: r }
    else if (e.isSymbolicLink()) {
      const st = await stat(path).catch(() => null)
      if (st?.isFile()) yield { path, rel: r }
    }
  }
}

/** Every input an argument names: itself (a file, or a missing path), a folder's files, or a glob's matches. */
export async function* expandArg(arg: string, stats: WalkStats): AsyncGenerator<FoundInput> {
  const st = await stat(arg).catch(() => null)
  if (st?.isDirectory()) {
    for await (const f of walk(arg, '', stats, false)) yield { file: f.path, found: true }
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
