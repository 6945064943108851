import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { promises as fsp } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { atomicWriteFile, FileTooLargeError, OutsideWorkspaceError, readTextFile, Workspace, type AtomicFs } from './files.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-files-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const realFs: AtomicFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink, stat: fsp.stat, realpath: fsp.realpath }
const onlyFile = (): string[] => readdirSync(dir)

describe('atomicWriteFile', () => {
  it('creates a new file and replaces an existing one', async () => {
    const f = join(dir, 'a.yaml')
    await atomicWriteFile(f, 'one\n')
    expect(readFileSync(f, 'utf8')).toBe('one\n')
    const r = await atomicWriteFile(f, 'two — ü\n')
    expect(readFileSync(f, 'utf8')).toBe('two — ü\n')
    expect(r.bytes).toBe(Buffer.byteLength('two — ü\n'))
    expect(onlyFile()).toEqual(['a.yaml'])
  })

  it('keeps the permission bits of the file it replaces', async () => {
    const f = join(dir, 'a.yaml')
    writeFileSync(f, 'old')
    chmodSync(f, 0o640)
    await atomicWriteFile(f, 'new')
    expect(statSync(f).mode & 0o777).toBe(0o640)
  })

  it('writes through a symlink to its target and keeps the link', async () => {
    const target = join(dir, 'real.yaml')
    writeFileSync(target, 'old')
    symlinkSync(target, join(dir, 'link.yaml'))
    await atomicWriteFile(join(dir, 'link.yaml'), 'new')
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect((await fsp.lstat(join(dir, 'link.yaml'))).isSymbolicLink()).toBe(true)
  })

  it('a failure in the middle of the write leaves the old file intact and no temp file', async () => {
    const f = join(dir, 'a.yaml')
    writeFileSync(f, 'the old contents\n')
    // the temp file gets half the bytes, then the disk "fills up"
    const failingFs: AtomicFs = {
      ...realFs,
      open: (async (...args: Parameters<typeof fsp.open>) => {
        const h = await fsp.open(...args)
        const write = h.write.bind(h) as (b: Uint8Array, off: number, len: number) => Promise<{ bytesWritten: number }>
        let calls = 0
        Object.assign(h, {
          write: async (b: Uint8Array, off: number, len: number) => {
            if (calls++ === 0) return write(b, off, Math.max(1, Math.floor(len / 2)))
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
          }
        })
        return h
      }) as typeof fsp.open
    }
    await expect(atomicWriteFile(f, 'x'.repeat(100_000), failingFs)).rejects.toThrow(/ENOSPC/)
    expect(readFileSync(f, 'utf8')).toBe('the old contents\n')
    expect(onlyFile()).toEqual(['a.yaml'])
  })

  it('a failed fsync or rename leaves the old file intact and no temp file', async () => {
    const f = join(dir, 'a.yaml')
    writeFileSync(f, 'old')
    const failRename: AtomicFs = {
      ...realFs,
      rename: async () => {
        throw Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })
      }
    }
    await expect(atomicWriteFile(f, 'new', failRename)).rejects.toThrow(/EXDEV/)
    expect(readFileSync(f, 'utf8')).toBe('old')
    expect(onlyFile()).toEqual(['a.yaml'])

    const failSync: AtomicFs = {
      ...realFs,
      open: (async (...args: Parameters<typeof fsp.open>) => {
        const h = await fsp.open(...args)
        Object.assign(h, {
          sync: async () => {
            throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })
          }
        })
        return h
      }) as typeof fsp.open
    }
    await expect(atomicWriteFile(f, 'new', failSync)).rejects.toThrow(/EIO/)
    expect(readFileSync(f, 'utf8')).toBe('old')
    expect(onlyFile()).toEqual(['a.yaml'])
  })

  it('refuses to replace a directory', async () => {
    mkdirSync(join(dir, 'd.yaml'))
    await expect(atomicWriteFile(join(dir, 'd.yaml'), 'x')).rejects.toThrow(/not a regular file/)
  })

  it('fails cleanly when the directory does not exist', async () => {
    await expect(atomicWriteFile(join(dir, 'nope', 'a.yaml'), 'x')).rejects.toThrow(/ENOENT/)
    expect(onlyFile()).toEqual([])
  })
})

describe('readTextFile', () => {
  it('reads UTF-8 and drops a byte-order mark', async () => {
    writeFileSync(join(dir, 'a.yaml'), '\uFEFFkernel: "6.1"\n')
    expect((await readTextFile(join(dir, 'a.yaml'), 1000)).text).toBe('kernel: "6.1"\n')
  })
  it('refuses a file above the limit before reading it, and binary files', async () => {
    writeFileSync(join(dir, 'big.log'), 'x'.repeat(2048))
    await expect(readTextFile(join(dir, 'big.log'), 1024)).rejects.toBeInstanceOf(FileTooLargeError)
    await expect(readTextFile(join(dir, 'big.log'), 1024)).rejects.toThrow(/big\.log is 2\.0 KiB; files up to 1\.0 KiB/)
    writeFileSync(join(dir, 'bin.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))
    await expect(readTextFile(join(dir, 'bin.log'), 1024)).rejects.toThrow(/binary/)
    await expect(readTextFile(dir, 1024)).rejects.toThrow(/directory/)
  })
})

describe('Workspace (the browser host confines every path to one directory)', () => {
  let ws: Workspace
  let outside: string
  beforeEach(async () => {
    mkdirSync(join(dir, 'root', 'sub'), { recursive: true })
    mkdirSync(join(dir, 'root', '.hidden'))
    writeFileSync(join(dir, 'root', 'a.yaml'), 'a')
    writeFileSync(join(dir, 'root', 'sub', 'b.log'), 'b')
    writeFileSync(join(dir, 'root', '.secret'), 's')
    outside = join(dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'x.yaml'), 'x')
    symlinkSync(join(outside, 'x.yaml'), join(dir, 'root', 'link-out.yaml'))
    symlinkSync(outside, join(dir, 'root', 'dir-out'))
    symlinkSync(join(dir, 'root', 'a.yaml'), join(dir, 'root', 'link-in.yaml'))
    ws = await Workspace.open(join(dir, 'root'))
  })

  it('resolves absolute and relative paths inside', async () => {
    expect(await ws.existing('a.yaml')).toBe(join(ws.root, 'a.yaml'))
    expect(await ws.existing(join(ws.root, 'sub', 'b.log'))).toBe(join(ws.root, 'sub', 'b.log'))
    expect(await ws.existing('sub/../a.yaml')).toBe(join(ws.root, 'a.yaml'))
    expect(await ws.existing('link-in.yaml')).toBe(join(ws.root, 'a.yaml'))
    expect(await ws.writable('sub/new.yaml')).toBe(join(ws.root, 'sub', 'new.yaml'))
  })

  it('rejects paths outside: absolute, .., symlinked files and directories', async () => {
    for (const p of ['/etc/passwd', '../outside/x.yaml', join(outside, 'x.yaml'), 'sub/../../outside/x.yaml', 'link-out.yaml', 'dir-out/x.yaml']) {
      await expect(ws.existing(p), p).rejects.toBeInstanceOf(OutsideWorkspaceError)
    }
    for (const p of ['/tmp/evil.yaml', '../evil.yaml', 'dir-out/new.yaml', 'link-out.yaml']) {
      await expect(ws.writable(p), p).rejects.toBeInstanceOf(OutsideWorkspaceError)
    }
    expect(readFileSync(join(outside, 'x.yaml'), 'utf8')).toBe('x')
  })

  it('rejects hidden files and directories below the root', async () => {
    await expect(ws.existing('.secret')).rejects.toThrow(/hidden/)
    await expect(ws.writable('.hidden/a.yaml')).rejects.toThrow(/hidden/)
    await expect(ws.writable('.bashrc.yaml')).rejects.toThrow(/hidden/)
  })

  it('says what is missing', async () => {
    await expect(ws.existing('nope.yaml')).rejects.toThrow(/no such file/)
    await expect(ws.writable('nodir/a.yaml')).rejects.toThrow(/no such directory/)
  })

  it('lists a directory without dot files or links leading out, directories first', async () => {
    const l = await ws.list('.')
    expect(l.path).toBe(ws.root)
    expect(l.parent).toBeNull()
    expect(l.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['dir:sub', 'file:a.yaml', 'file:link-in.yaml'])
    const sub = await ws.list('sub')
    expect(sub.parent).toBe(ws.root)
    expect(sub.entries.map((e) => e.name)).toEqual(['b.log'])
    await expect(ws.list('..')).rejects.toBeInstanceOf(OutsideWorkspaceError)
  })
})
