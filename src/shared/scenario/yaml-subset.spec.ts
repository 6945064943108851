// The subset reader must give what the `yaml` package gives, to the byte: the same
// scenario objects, the same diagnostics (message, line, column), the same locatePath()
// answers. Each case is read twice by parseScenario(): through readYamlSubset() and with
// `subset: false` (the `yaml` package only). Where the subset reader steps aside (null),
// both readings are the `yaml` package's, so every case also counts whether the subset
// reader took it; a reader that stepped aside on everything would fail those counts.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument, stringify } from 'yaml'
import { mulberry32 } from '../../../tests/prng.ts'
import { parseLog } from '../engine/dmesg.ts'
import { locatePath, parseScenario } from './parse.ts'
import { lineStarts, linePos, readYamlSubset } from './yaml-subset.ts'

const examples = join(import.meta.dirname, '../../../resources/examples')
const exampleTexts = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(examples, f), 'utf8'))

/** Every path in a value: keys of maps, indices of lists, and one below each leaf that does not exist. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at)
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out))
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out)
  else out.push([...at, 'absent'])
  return out
}

/** Both readers agree on the text; returns whether the subset reader took it. */
function agree(text: string, locate: 'all' | 'some' | 'none' = 'all'): boolean {
  const fast = parseScenario(text)
  const general = parseScenario(text, { subset: false })
  expect(fast).toEqual(general)
  const subset = readYamlSubset(text)
  if (subset) {
    expect(subset.value).toEqual(parseDocument(text, { uniqueKeys: true }).toJS())
    const all = paths(subset.value)
    for (const p of locate === 'all' ? all : all.filter((_, i) => locate === 'some' && i % 17 === 0)) expect(locatePath(text, p), JSON.stringify(p)).toEqual(locatePath(text, p, { subset: false }))
  }
  return subset !== null
}

describe('readYamlSubset() against the yaml package', () => {
  it('reads the examples as yaml does: values, diagnostics, every path located', () => {
    for (const text of exampleTexts) expect(agree(text)).toBe(true)
  })

  it('reads scenarios written by yaml.stringify (block style), from real boot logs', () => {
    const dir = join(import.meta.dirname, '../../../tests/fixtures/qemu-boots')
    const logs = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
    expect(logs.length).toBeGreaterThan(10)
    for (const f of logs) {
      const { scenario } = parseLog(readFileSync(join(dir, f), 'utf8'))
      const text = stringify(scenario)
      expect(agree(text, 'some'), f).toBe(true)
      expect(parseScenario(text)).toMatchObject({ ok: true })
    }
  })

  it('edge cases inside the subset: comments, quotes, numbers, sizes, trailing commas, CRLF', () => {
    const cases = [
      'kernel: "6.1" # quoted\narch: x86_64\n\n# comment\n   # indented comment\nfirmware:\n  kind: e820\n  map:\n  - { start: 0, size: 640K, type: usable, }\n  - {start: 0x100000, last: 0x7fffffff, type: usable}\n',
      "kernel: '6.1'\narch: 'x86_64'\nname: 'it''s # not a comment'\nfirmware: { kind: e820, map: [ { start: 0o17, end: 4G, type: usable } ] }\n",
      'kernel: 6.10\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - start: +12\n      end: 1e9\n      type: usable\n',
      'kernel: "6.1"\r\narch: x86_64\r\nfirmware:\r\n  kind: e820\r\n  map:\r\n    - { start: 0, end: 1G, type: usable }\r\n',
      '{"kernel":"6.1","arch":"x86_64","firmware":{"kind":"e820","map":[{"start":0,"end":"1G","type":"usable"}]}}',
      'kernel: "6.1"\narch: x86_64\nname: a, b {c} [d] e#f\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, end: 1G, type: usable }\n    -   { start: 1G, end: 2G, type: usable }   # trailing\n',
      'kernel: ~\narch: null\nfirmware:\n  kind: e820\n  map: []\n',
      'kernel: "6.1"\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, end: 1G, type: usable }\nnuma:\n  nodes:\n    - id: 0\n      ranges: [{ start: 0, end: 1G }]\n    - id: true\n      ranges:\n      - { start: .inf, end: -.Inf }\n'
    ]
    for (const text of cases) expect(agree(text), text).toBe(true)
  })

  it('schema errors at the same line and column as the yaml package gives', () => {
    const bad = [
      'kernel: "6.1"\narch: sparc\nfirmware:\n  kind: e820\n  colour: blue\n  map:\n    - { start: 0, size: 640Q, type: usable }\n    - { start: 1M, end: 512K, type: usable }\n    - { start: 1M, type: usable }\n',
      'arch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - start: 0\n      size: 1M\n      end: 2M\n      type: usable\n',
      'kernel: "6.1"\narch: x86_64\nfirmware: []\n',
      '- a\n- b\n'
    ]
    for (const text of bad) {
      expect(agree(text), text).toBe(true)
      expect(parseScenario(text).ok).toBe(false)
    }
    const r = parseScenario(bad[0])
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['2:7', '5:11', '7:25', '8:25', '9:7'])
  })

  it('steps aside for what it does not read, and the yaml package answers', () => {
    const outside = [
      'kernel: "6.1"\nkernel: "6.2"\narch: x86_64\n', // duplicate key: yaml's error
      'kernel: &k "6.1"\narch: *k\n',
      'kernel: !!str 6.1\narch: x86_64\n',
      'name: |\n  text\nkernel: "6.1"\n',
      'name: a\n  continued\nkernel: "6.1"\n',
      'kernel: "6.1\narch: [x86',
      'kernel:\tx\n',
      'kernel: "a\\tb"\n',
      '---\nkernel: "6.1"\n',
      'kernel:\narch: x86_64\n',
      'firmware: { kind: e820,\n  map: [] }\n',
      'a: b: c\n',
      'x: { a: 1 } y\n',
      '- - a\n',
      '? a\n: b\n',
      '',
      '# only a comment\n'
    ]
    for (const text of outside) {
      expect(readYamlSubset(text), JSON.stringify(text)).toBeNull()
      agree(text)
    }
  })

  it('agrees on 500 mutated examples, and reads most of those yaml reads without error', () => {
    const rnd = mulberry32(10)
    const pieces = [':', ' ', '#', "'", '"', ',', '{', '}', '[', ']', '-', '\n', '  ', 'x', '0x', '\t', '&', ': ', ' #', '- ', '\r\n', '~', 'K', '1']
    let taken = 0
    let clean = 0
    for (let n = 0; n < 500; n++) {
      let text = exampleTexts[n % exampleTexts.length]
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
        const at = Math.floor(rnd() * text.length)
        const r = rnd()
        if (r < 0.4) text = text.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)] + text.slice(at)
        else if (r < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3))
        else {
          const lines = text.split('\n')
          const i = Math.floor(rnd() * lines.length)
          lines.splice(Math.floor(rnd() * lines.length), 0, lines[i])
          text = lines.join('\n')
        }
      }
      if (agree(text, 'none')) taken++
      if (parseDocument(text, { uniqueKeys: true }).errors.length === 0) clean++
    }
    // the subset reader took a large share of the texts yaml reads without error
    expect(taken, `${taken} of ${clean}`).toBeGreaterThan(clean * 0.6)
    expect(taken, `${taken} of ${clean}`).toBeLessThanOrEqual(clean)
  })

  it('line and column as yaml LineCounter gives them, at every offset', () => {
    for (const text of ['a: 1\r\n\nbb: 2\n  # c\ncc: 3', exampleTexts[0], '\n\nx: 1\n']) {
      const lc = new LineCounter()
      parseDocument(text, { lineCounter: lc })
      const starts = lineStarts(text)
      for (let off = 0; off < text.length; off++) {
        const p = lc.linePos(off)
        expect(linePos(starts, off)).toEqual({ line: p.line, column: p.col })
      }
    }
  })
})
