import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultDataDir, PreferenceStore, RecentFiles } from './recent.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-recent-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('RecentFiles', () => {
  it('keeps the newest first, without duplicates, at most 10, and persists them', async () => {
    const r = new RecentFiles(dir)
    for (let i = 0; i < 12; i++) await r.add(`/w/f${i}.yaml`)
    await r.add('/w/f5.yaml')
    const list = await r.list()
    expect(list.map((f) => f.name)).toEqual(['f5.yaml', 'f11.yaml', 'f10.yaml', 'f9.yaml', 'f8.yaml', 'f7.yaml', 'f6.yaml', 'f4.yaml', 'f3.yaml', 'f2.yaml'])
    expect(list[0]).toEqual({ path: '/w/f5.yaml', name: 'f5.yaml', dir: '/w', exists: false })
    const again = new RecentFiles(dir)
    expect((await again.list()).map((f) => f.path)).toEqual(list.map((f) => f.path))
    expect(JSON.parse(readFileSync(join(dir, 'recent-files.json'), 'utf8')).files).toHaveLength(10)
  })

  it('reports whether each file still exists; remove and clear', async () => {
    const f = join(dir, 'here.yaml')
    writeFileSync(f, 'x')
    const r = new RecentFiles(dir)
    await r.add(f)
    await r.add('/gone/away.yaml')
    expect((await r.list()).map((x) => x.exists)).toEqual([false, true])
    expect(await r.has(f)).toBe(true)
    expect((await r.remove('/gone/away.yaml')).map((x) => x.path)).toEqual([f])
    expect(await r.clear()).toEqual([])
    expect(await new RecentFiles(dir).list()).toEqual([])
  })

  it('reads a damaged or foreign file as empty and ignores bad entries', async () => {
    writeFileSync(join(dir, 'recent-files.json'), '{not json')
    expect(await new RecentFiles(dir).list()).toEqual([])
    writeFileSync(join(dir, 'recent-files.json'), JSON.stringify({ files: ['/a.yaml', 3, 'relative.yaml', '/a.yaml', null] }))
    expect((await new RecentFiles(dir).list()).map((x) => x.path)).toEqual(['/a.yaml'])
  })

  it('creates the data directory on first write; without one it lives in memory', async () => {
    const nested = join(dir, 'a', 'b')
    await new RecentFiles(nested).add('/x.yaml')
    expect(JSON.parse(readFileSync(join(nested, 'recent-files.json'), 'utf8'))).toEqual({ version: 1, files: ['/x.yaml'] })
    const mem = new RecentFiles(null)
    await mem.add('/y.yaml')
    expect((await mem.list()).map((x) => x.path)).toEqual(['/y.yaml'])
  })
})

describe('PreferenceStore', () => {
  it('defaults, validates, persists', async () => {
    const p = new PreferenceStore(dir)
    expect(await p.get()).toEqual({ theme: 'system', wordWrap: false, formatOnSave: true })
    expect(await p.set({ theme: 'dark' })).toEqual({ theme: 'dark', wordWrap: false, formatOnSave: true })
    await expect(p.set({ theme: 'blue' as never })).rejects.toThrow(/theme is one of/)
    await expect(p.set({ formatOnSave: 1 as never })).rejects.toThrow(/formatOnSave is true or false/)
    expect(await p.set({ formatOnSave: false })).toEqual({ theme: 'dark', wordWrap: false, formatOnSave: false })
    expect(await p.set({ formatOnSave: true })).toEqual({ theme: 'dark', wordWrap: false, formatOnSave: true })
    expect(await new PreferenceStore(dir).get()).toEqual({ theme: 'dark', wordWrap: false, formatOnSave: true })
  })
  it('keeps valid stored values and drops invalid ones', async () => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'preferences.json'), JSON.stringify({ theme: 'neon', wordWrap: true, formatOnSave: 'yes', extra: 1 }))
    expect(await new PreferenceStore(dir).get()).toEqual({ theme: 'system', wordWrap: true, formatOnSave: true })
  })
})

describe('defaultDataDir', () => {
  it('follows XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/memmap-workbench')
    expect(defaultDataDir({})).toMatch(/\.config\/memmap-workbench$/)
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\.config\/memmap-workbench$/)
  })
})
