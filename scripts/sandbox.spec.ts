import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sandboxArgs } from './sandbox.mjs'

describe('--no-sandbox', () => {
  it('only as root on Linux', () => {
    expect(sandboxArgs('linux', 0)).toEqual(['--no-sandbox'])
    expect(sandboxArgs('linux', 1000)).toEqual([])
    expect(sandboxArgs('darwin', 0)).toEqual([])
    expect(sandboxArgs('win32', undefined)).toEqual([])
  })
  it('is written nowhere else: every launcher asks sandboxArgs()', () => {
    const root = join(import.meta.dirname, '..')
    const walk = (d: string): string[] =>
      readdirSync(join(root, d)).flatMap((f) => {
        const p = join(d, f)
        return statSync(join(root, p)).isDirectory() ? walk(p) : /\.(ts|mjs|js)$/.test(f) ? [p] : []
      })
    const files = [...walk('scripts'), ...walk('e2e'), ...walk('bench'), ...walk('src'), 'playwright.config.ts']
    const writing = files.filter((f) => !/sandbox\.(mjs|spec\.ts)$/.test(f) && /['"]--no-sandbox['"]/.test(readFileSync(join(root, f), 'utf8')))
    expect(writing.map((f) => relative('.', f))).toEqual([])
  })
})
