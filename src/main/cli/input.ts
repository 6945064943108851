// Reading a CLI input file: its text, or a `file:1:1: error:` line and null (missing, a
// directory, too large, unreadable). The size is checked before the content is read.

import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { MAX_SOURCE_BYTES } from '../../shared/api.ts'
import { decodeText } from '../../shared/text-encoding.ts'

export interface ErrSink {
  err: (s: string) => void
}

/** The file's text, or null after a `file:1:1: error:` (missing, a directory, too large, unreadable). */
export async function readInput(file: string, io: ErrSink): Promise<string | null> {
  const fail = (what: string): null => (io.err(`${file}:1:1: error: ${what}`), null)
  try {
    const st = await stat(file)
    if (st.isDirectory())
      return (
        (await firmwareMemmapListing(file)) ??
        (await captureDirectory(file)) ??
        fail('is a directory with no capture in it (a /sys/firmware/memmap tree, or files such as iomem, zoneinfo, lsmem.json)')
      )
    if (st.size > MAX_SOURCE_BYTES) return fail(`too large: the file is ${(st.size / 1048576).toFixed(1)} MB; inputs above ${MAX_SOURCE_BYTES / 1048576} MB are refused`)
    const buf = await readFile(file)
    if (buf.length > MAX_SOURCE_BYTES) return fail(`too large: inputs above ${MAX_SOURCE_BYTES / 1048576} MB are refused`)
    // UTF-8 (a BOM dropped) or UTF-16 with a BOM; UTF-16 without one is named
    const decoded = decodeText(buf, (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'))
    return decoded.ok ? decoded.text : fail(decoded.error)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message)
  }
}

/**
 * A /sys/firmware/memmap tree (or a copy of it): entries 0, 1, … each with start, end and
 * type, in the form grep prints for every file of the tree; null for any other directory.
 */
async function firmwareMemmapListing(dir: string): Promise<string | null> {
  const names = (await readdir(dir)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b))
  if (!names.length) return null
  const lines: string[] = []
  for (const n of names) {
    for (const f of ['end', 'start', 'type']) {
      try {
        lines.push(`${n}/${f}:${(await readFile(join(dir, n, f), 'utf8')).trim()}`)
      } catch {
        return null
      }
    }
  }
  return lines.join('\n') + '\n'
}

/**
 * A directory of captures of one machine (iomem, cmdline, memblock/memory, lsmem.json,
 * a firmware memmap tree, …) as one `head`-style text: "==> name <==" before each file.
 * Hidden files are skipped; null when it holds no regular file.
 */
async function captureDirectory(dir: string): Promise<string | null> {
  const parts: string[] = []
  let bytes = 0
  const add = async (path: string, name: string): Promise<void> => {
    const st = await stat(path)
    if (!st.isFile()) return
    bytes += st.size
    if (bytes > MAX_SOURCE_BYTES) throw Object.assign(new Error(`too large: the captures in this directory pass ${MAX_SOURCE_BYTES / 1048576} MB`), { code: 'EFBIG' })
    parts.push(`==> ${name} <==\n${(await readFile(path, 'utf8')).replace(/\n$/, '')}\n`)
  }
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue
    const path = join(dir, e.name)
    if (e.isFile()) await add(path, e.name)
    else if (e.isDirectory()) {
      const tree = await firmwareMemmapListing(path)
      if (tree !== null) parts.push(`==> ${e.name} <==\n${tree}`)
      else for (const f of (await readdir(path)).sort()) if (!f.startsWith('.')) await add(join(path, f), `${e.name}/${f}`)
    }
  }
  return parts.length ? parts.join('\n') : null
}
