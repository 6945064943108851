// The installed CLI (bin/memmap-workbench.mjs) runs the esbuild build in dist/cli: it must
// answer like the sources do, rebuild when a source is newer, and keep its argument and
// error conventions (usage on stdout for --help, file:line:col errors, exit 0/1/2).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cliIsFresh } from '../../../scripts/cli-fresh.mjs'
import { MAX_SOURCE_BYTES } from '../../shared/api.ts'
import { run } from './main.ts'

const root = join(import.meta.dirname, '../../..')
const bin = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/memmap-workbench.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
async function inProcess(...args: string[]) {
  let out = ''
  let err = ''
  const code = await run(args, { out: (s) => void (out += s + '\n'), err: (s) => void (err += s + '\n') })
  return { code, out, err }
}

describe('the compiled CLI', () => {
  it('answers like the sources (bootlog --json, check, analyze --json of a real log)', async () => {
    const laptop = join(root, 'resources/examples/x86-laptop.yaml')
    const log = join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log')
    for (const args of [
      ['bootlog', '--json', laptop],
      ['check', laptop],
      ['analyze', '--json', log],
      ['bootlog', '--diff', log]
    ]) {
      const a = bin(...args)
      const b = await inProcess(...args)
      expect([a.code, a.out], args.join(' ')).toEqual([b.code, b.out])
    }
  })
  it('--help and -h print the usage on stdout and exit 0; no command is a usage error (2)', () => {
    for (const h of ['--help', '-h']) {
      const r = bin(h)
      expect([r.code, r.err]).toEqual([0, ''])
      expect(r.out).toMatch(/^usage: memmap-workbench <command>/)
    }
    const none = bin()
    expect(none.code).toBe(2)
    expect(none.out).toBe('')
    expect(none.err).toMatch(/^usage:/)
  })
  it('--version prints the package version', () => {
    const r = bin('--version')
    expect(r.code).toBe(0)
    expect(r.out.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version)
  })
  it('no such file, a directory, a file too large: file:1:1: error:, exit 2, nothing read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmw-cli-'))
    expect(bin('bootlog', join(dir, 'missing.log'))).toMatchObject({ code: 2, err: `${join(dir, 'missing.log')}:1:1: error: no such file\n` })
    expect(bin('analyze', dir)).toMatchObject({ code: 2, err: `${dir}:1:1: error: is a directory with no capture in it (a /sys/firmware/memmap tree, or files such as iomem, zoneinfo, lsmem.json)\n` })
    const big = join(dir, 'big.log')
    writeFileSync(big, '')
    truncateSync(big, MAX_SOURCE_BYTES + 1) // sparse: the size is refused before any byte is read
    const r = bin('bootlog', big)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(new RegExp(`^${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error: too large`))
  })
})

describe('dist/cli freshness (scripts/cli-fresh.mjs)', () => {
  const fakeRoot = () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-fresh-'))
    mkdirSync(join(d, 'dist/cli'), { recursive: true })
    writeFileSync(join(d, 'a.ts'), 'x')
    const old = Date.now() / 1000 - 100
    utimesSync(join(d, 'a.ts'), old, old)
    writeFileSync(join(d, 'dist/cli/manifest.json'), JSON.stringify({ builtAt: Date.now() - 10_000, inputs: ['a.ts'] }))
    return d
  }
  it('fresh when every input is older than the build', () => {
    expect(cliIsFresh(pathToFileURL(fakeRoot() + '/'))).toBe(true)
  })
  it('stale when an input changed after the build, is gone, or there is no build', () => {
    const d = fakeRoot()
    const now = Date.now() / 1000
    utimesSync(join(d, 'a.ts'), now, now)
    expect(cliIsFresh(pathToFileURL(d + '/'))).toBe(false)
    const e = fakeRoot()
    writeFileSync(join(e, 'dist/cli/manifest.json'), JSON.stringify({ builtAt: Date.now(), inputs: ['a.ts', 'gone.ts'] }))
    expect(cliIsFresh(pathToFileURL(e + '/'))).toBe(false)
    expect(cliIsFresh(pathToFileURL(mkdtempSync(join(tmpdir(), 'mmw-none-')) + '/'))).toBe(false)
  })
  it('the manifest lists the engine sources the CLI is built from', () => {
    bin('--version') // builds when stale
    const m = JSON.parse(readFileSync(join(root, 'dist/cli/manifest.json'), 'utf8')) as { inputs: string[] }
    expect(m.inputs).toContain('src/main/cli/main.ts')
    expect(m.inputs).toContain('src/shared/engine/facts.ts')
    expect(m.inputs).toContain('package.json')
    expect(cliIsFresh(pathToFileURL(root + '/'))).toBe(true)
  })
})
