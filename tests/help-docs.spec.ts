import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inlineRuns, tableAfter } from '../src/renderer/src/lib/docs.ts'
import { VIEWS } from '../src/renderer/src/lib/views.ts'

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8')

describe('Help › Documentation reads the README', () => {
  it('finds the views table, with a row for every view of the registry', () => {
    const t = tableAfter(readme, ['view'])
    expect(t).not.toBeNull()
    const names = t!.rows.map((r) => r[0].toLowerCase())
    for (const v of VIEWS) expect(names, v.title).toContain(v.title.toLowerCase())
  })
  it('finds the engine modules with the kernel functions they model', () => {
    const t = tableAfter(readme, ['module', 'models'])
    expect(t!.rows.length).toBeGreaterThan(10)
    expect(t!.rows.map((r) => r[1]).join(' ')).toMatch(/memblock_add_range/)
  })
  it('splits a cell into text and code, and keeps escaped pipes', () => {
    expect(inlineRuns('a `b` c')).toEqual([
      { code: false, text: 'a ' },
      { code: true, text: 'b' },
      { code: false, text: ' c' }
    ])
    expect(tableAfter('| x | y |\n|---|---|\n| 1 \\| 2 | 3 |\n', ['x'])!.rows).toEqual([['1 | 2', '3']])
    expect(tableAfter('no table', ['x'])).toBeNull()
  })
})
