import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { promises as fsp } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { atomicWriteFile, FileTooLargeError, OutsideWorkspaceError, readTextFile, removeStaleTempFiles, Workspace, type AtomicFs } from './files.ts'
import { sweepStaleSaves } from './recent.ts'

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

/**
 * A child process starts saving 32 MiB to `target` through atomicWriteFile (its writes
 * slowed to 1 MiB each, so the kill lands mid-write) and is SIGKILLed after its first
 * chunk; resolves with the temp file it left.
 */
async function killedSave(target: string): Promise<{ tmp: string; pid: number }> {
  const files = new URL('./files.ts', import.meta.url).pathname
  const script = `
    import { promises as fsp } from 'node:fs'
    import { atomicWriteFile } from ${JSON.stringify(files)}
    const slow = {
      rename: fsp.rename, unlink: fsp.unlink, stat: fsp.stat, realpath: fsp.realpath,
      open: async (...a) => {
        const h = await fsp.open(...a)
        const write = h.write.bind(h)
        h.write = async (b, off, len) => {
          const r = await write(b, off, Math.min(len, 1 << 20))
          process.stdout.write('chunk\\n')
          await new Promise((r) => setTimeout(r, 200))
          return r
        }
        return h
      }
    }
    await atomicWriteFile(${JSON.stringify(target)}, Buffer.alloc(32 << 20, 0x61), slow)
    process.stdout.write('done\\n')
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolveChunk, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('chunk')) resolveChunk()
    })
    child.on('exit', (code) => reject(new Error(`the saving child exited (${code}) before its first chunk`)))
  })
  const pid = child.pid!
  const exited = new Promise((r) => child.on('exit', r))
  child.kill('SIGKILL')
  await exited
  const tmps = readdirSync(dirname(target)).filter((n) => n.startsWith(`.${basename(target)}.${pid}.`))
  expect(tmps).toHaveLength(1)
  return { tmp: join(dirname(target), tmps[0]), pid }
}

describe('temp files of saves killed mid-write', () => {
  it('the next save of the same file removes them, and leaves the old file intact until then', async () => {
    const f = join(dir, 'big.yaml')
    writeFileSync(f, 'old\n')
    const { tmp } = await killedSave(f)
    expect(statSync(tmp).size).toBeGreaterThan(0)
    expect(readFileSync(f, 'utf8')).toBe('old\n')
    // another file's save leaves it (it is not that file's temp)
    await atomicWriteFile(join(dir, 'other.yaml'), 'x')
    expect(readdirSync(dir)).toContain(basename(tmp))
    await atomicWriteFile(f, 'new\n')
    expect(readFileSync(f, 'utf8')).toBe('new\n')
    expect(onlyFile().sort()).toEqual(['big.yaml', 'other.yaml'])
  })

  it("a start sweeps the data directory and the recent files' directories", async () => {
    const docs = join(dir, 'docs')
    const data = join(dir, 'data')
    mkdirSync(docs)
    mkdirSync(data)
    writeFileSync(join(data, 'recent-files.json'), JSON.stringify({ version: 1, files: [join(docs, 'big.yaml')] }))
    const { tmp } = await killedSave(join(docs, 'big.yaml'))
    const { tmp: tmp2 } = await killedSave(join(data, 'preferences.json'))
    const removed = await sweepStaleSaves(data)
    expect(removed.sort()).toEqual([tmp, tmp2].sort())
    expect(readdirSync(docs)).toEqual([])
    expect(readdirSync(data)).toEqual(['recent-files.json'])
  })

  it("leaves a live writer's fresh temp file and names not of its pattern; removes old ones", async () => {
    const live = join(dir, `.a.yaml.${process.pid}.0123456789ab.tmp`)
    const foreign = ['.a.yaml.tmp', '.a.yaml.99999999.xyz.tmp', 'a.yaml.1.0123456789ab.tmp', '.a.yaml.1.0123456789ab.tmp.bak']
    writeFileSync(live, 'partial')
    for (const n of foreign) writeFileSync(join(dir, n), 'theirs')
    mkdirSync(join(dir, '.d.yaml.999999.0123456789ab.tmp'))
    expect(await removeStaleTempFiles(dir)).toEqual([])
    expect(await removeStaleTempFiles(dir, { now: Date.now() + 11 * 60 * 1000 })).toEqual([live])
    expect(onlyFile().sort()).toEqual(['.d.yaml.999999.0123456789ab.tmp', ...foreign].sort())
  })
})

describe('readTextFile', () => {
  it('reads UTF-16 with a BOM (LE and BE); names UTF-16 without one (415)', async () => {
    const text = 'kernel: "6.1"\nname: Zürich 😀\n'
    writeFileSync(join(dir, 'le.yaml'), Buffer.from('\uFEFF' + text, 'utf16le'))
    writeFileSync(join(dir, 'be.yaml'), Buffer.from('\uFEFF' + text, 'utf16le').swap16())
    writeFileSync(join(dir, 'nobom.yaml'), Buffer.from(text, 'utf16le'))
    expect((await readTextFile(join(dir, 'le.yaml'), 1000)).text).toBe(text)
    expect((await readTextFile(join(dir, 'be.yaml'), 1000)).text).toBe(text)
    await expect(readTextFile(join(dir, 'nobom.yaml'), 1000)).rejects.toThrow(/nobom\.yaml looks like UTF-16 without a byte-order mark/)
    await expect(readTextFile(join(dir, 'nobom.yaml'), 1000)).rejects.toMatchObject({ status: 415 })
  })

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
