// Glob patterns of `memmap-workbench batch`, matched as a POSIX shell would (with
// globstar): `*` and `?` within a segment, `**` over folders, hidden names only when
// the pattern names them.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandArg, globBase, globRegExp, type WalkStats } from './batch-glob.ts'

describe('globRegExp', () => {
  it('* and ? stay within a segment; ** spans folders, zero or more', () => {
    const re = globRegExp('*.log')
    expect(['a.log', '.log.log', 'x/a.log', 'a.logx'].map((s) => re.test(s))).toEqual([true, false, false, false])
    const deep = globRegExp('**/*.log')
    expect(['a.log', 'x/a.log', 'x/y/a.log', '.x/a.log', 'x/.a.log'].map((s) => deep.test(s))).toEqual([true, true, true, false, false])
    const q = globRegExp('s?/x-??.yaml')
    expect(['s1/x-01.yaml', 's12/x-01.yaml', 's1/x-1.yaml'].map((s) => q.test(s))).toEqual([true, false, false])
    expect(globRegExp('.*').test('.hidden')).toBe(true)
    expect(globRegExp('a+b(1).log').test('a+b(1).log')).toBe(true)
  })
  it('the walk starts below the last segment without a glob', () => {
    expect(globBase('tests/fixtures/**/*.log')).toEqual({ base: 'tests/fixtures', rest: '**/*.log' })
    expect(globBase('/abs/*.log')).toEqual({ base: '/abs', rest: '*.log' })
    expect(globBase('*.log')).toEqual({ base: '', rest: '*.log' })
  })
})

describe('expandArg', () => {
  const tree = () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-glob-'))
    for (const f of ['b.log', 'a.log', 'x.yaml', '.h.log', 'sub/c.log', 'sub/deeper/d.log', '.git/e.log']) {
      mkdirSync(join(d, f, '..'), { recursive: true })
      writeFileSync(join(d, f), 'x')
    }
    return d
  }
  const all = async (arg: string) => {
    const stats: WalkStats = { hidden: 0, unmatched: [] }
    const out: string[] = []
    for await (const f of expandArg(arg, stats)) out.push(f.file)
    return { out, stats }
  }
  it('a folder: every file below it in name order, hidden ones counted, not read', async () => {
    const d = tree()
    const r = await all(d)
    expect(r.out).toEqual(['a.log', 'b.log', 'sub/c.log', 'sub/deeper/d.log', 'x.yaml'].map((f) => join(d, f)))
    expect(r.stats.hidden).toBe(2)
  })
  it('globs: one level, all levels, no match', async () => {
    const d = tree()
    expect((await all(`${d}/*.log`)).out).toEqual([join(d, 'a.log'), join(d, 'b.log')])
    expect((await all(`${d}/**/*.log`)).out).toEqual(['a.log', 'b.log', 'sub/c.log', 'sub/deeper/d.log'].map((f) => join(d, f)))
    expect((await all(`${d}/*/*.log`)).out).toEqual([join(d, 'sub/c.log')])
    const none = await all(`${d}/*.txt`)
    expect(none.out).toEqual([])
    expect(none.stats.unmatched).toEqual([`${d}/*.txt`])
  })
  it('links to files are inputs; links to folders (no cycles), dangling links and loops are not', async () => {
    const d = tree()
    symlinkSync(join(d, 'a.log'), join(d, 'l-file.log'))
    symlinkSync(join(d, 'sub'), join(d, 'l-folder'))
    symlinkSync(d, join(d, 'sub', 'l-up'))
    symlinkSync(join(d, 'gone.log'), join(d, 'l-dangling.log'))
    symlinkSync(join(d, 'l-loop2'), join(d, 'l-loop1'))
    symlinkSync(join(d, 'l-loop1'), join(d, 'l-loop2'))
    expect((await all(d)).out).toEqual(['a.log', 'b.log', 'l-file.log', 'sub/c.log', 'sub/deeper/d.log', 'x.yaml'].map((f) => join(d, f)))
    expect((await all(`${d}/**/*.log`)).out).toEqual(['a.log', 'b.log', 'l-file.log', 'sub/c.log', 'sub/deeper/d.log'].map((f) => join(d, f)))
  })
  it('a named file or a missing path is passed on as it is (the worker reports a missing one)', async () => {
    const d = tree()
    expect((await all(join(d, 'x.yaml'))).out).toEqual([join(d, 'x.yaml')])
    expect((await all(join(d, 'nope.log'))).out).toEqual([join(d, 'nope.log')])
  })
})
