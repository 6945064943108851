// The parsers say which input line they are reading (progress.ts), so a host whose
// deadline stops the engine can name it (engine-client.spec.ts runs that on the worker).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { analyzeSource, bootlogSource } from './index.ts'
import { setProgressCell } from './progress.ts'

const root = join(import.meta.dirname, '../../..')

/** A cell that keeps every line reported, in order. */
function recording(): number[] {
  const seen: number[] = []
  setProgressCell({
    set 0(line: number) {
      if (seen.at(-1) !== line) seen.push(line)
    }
  } as unknown as Int32Array)
  return seen
}
afterEach(() => setProgressCell(null))

/** `text` with `line` inserted as line `at` (1-based). */
const insertAt = (text: string, at: number, line: string): string => {
  const lines = text.split('\n')
  return [...lines.slice(0, at - 1), line, ...lines.slice(at - 1)].join('\n')
}

describe('the parsers report the line they read, and no line once they are done', () => {
  it('a boot log: every line in order; then 0 for the model', () => {
    const seen = recording()
    const log = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    expect(bootlogSource(log, 'boot.log').ok).toBe(true)
    const n = log.split('\n').length
    // a pass over every line (after the look at the head that tells a log from a capture)
    expect(`,${seen.join(',')},`).toContain(`,${Array.from({ length: n }, (_, i) => i + 1).join(',')},`)
    expect(seen.at(-1)).toBe(0)
  })

  it('a capture (/proc/iomem): the line with a problem is reported before it is read, then 0', () => {
    const seen = recording()
    const iomem = insertAt(readFileSync(join(root, 'tests/fixtures/captures/6.1/x86_64-1/iomem'), 'utf8'), 7, 'x'.repeat(100_000))
    const r = analyzeSource(iomem, 'iomem')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0].line).toBe(7)
    expect(seen).toContain(7)
    expect(seen).not.toContain(8)
    expect(seen.at(-1)).toBe(0)
  })

  it('a block-style scenario: every line the reader reads, then 0 for the checks and the model', () => {
    const seen = recording()
    const yaml = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
    expect(analyzeSource(yaml, 'x86-laptop.yaml').ok).toBe(true)
    const n = yaml.trimEnd().split('\n').length
    expect(seen.slice(0, n)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    expect(seen.at(-1)).toBe(0)
  })

  it('a JSON scenario (the `yaml` package reads it): every line, then 0 for the checks and the model', () => {
    const yaml = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
    const json = JSON.stringify(parseYaml(yaml), null, 2)
    const seen = recording()
    expect(analyzeSource(json, 'x86-laptop.json').ok).toBe(true)
    const n = json.split('\n').length
    expect(`,${seen.join(',')},`).toContain(`,${Array.from({ length: n }, (_, i) => i + 1).join(',')},`)
    expect(seen.at(-1)).toBe(0)
  })
})
