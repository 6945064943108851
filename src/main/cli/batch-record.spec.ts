// Records of `memmap-workbench batch` as CSV (RFC 4180) and JSON lines, and reading the
// inputs back from a CSV output for --resume.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadInput } from '../../shared/engine/index.ts'
import { memmapReport } from '../../shared/engine/memmap/index.ts'
import { runModel } from '../../shared/engine/model.ts'
import { csvField, csvFirstFields, errorRecord, evaluate, toCsv, toJsonl, type BatchRecord } from './batch-record.ts'

describe('CSV (RFC 4180)', () => {
  it('quotes a field only when it holds a comma, a quote or a line break; doubles quotes; joins lists with ;', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "x"')).toBe('"say ""x"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(['holes', 'memory'])).toBe('holes;memory')
    expect(csvField(null)).toBe('')
    expect(csvField(42)).toBe('42')
  })
  it('an error record: every column present, empty where there is nothing', () => {
    const r = errorRecord('x,y.log', 'x,y.log:3:1: error: "bad"', true)
    expect(toCsv(r, true)).toBe('"x,y.log",,,,,,,,,"x,y.log:3:1: error: ""bad"""')
    expect(JSON.parse(toJsonl(r, false))).toEqual({
      file: 'x,y.log',
      kind: null,
      kernel: null,
      arch: null,
      presentPages: null,
      memmapBytes: null,
      failingChecks: '',
      error: 'x,y.log:3:1: error: "bad"'
    })
  })
  it('first fields of complete records read back, quoted line breaks included; a cut record is not complete', () => {
    const text = 'file,kind\n"a,\n""b""",log\nc,log\r\n"d'
    const r = csvFirstFields(text)
    expect(r.fields).toEqual(['file', 'a,\n"b"', 'c'])
    expect(text.slice(0, r.complete)).toBe('file,kind\n"a,\n""b""",log\nc,log\r\n')
  })
})

describe('JSON lines: one type per column in every run', () => {
  it('lists are `;`-joined strings, "" when empty (an all-empty list column is not typed apart from a filled one)', () => {
    const ok: BatchRecord = { file: 'a.log', kind: 'log', kernel: '6.1', arch: 'x86_64', presentPages: 1, memmapBytes: 64, failingChecks: [], diff: 'exact', diffKinds: [], error: null }
    const bad: BatchRecord = { ...ok, failingChecks: ['nomap.walkers', 'struct-page.pow2'], diff: 'mismatch', diffKinds: ['holes', 'memory'] }
    expect(JSON.parse(toJsonl(ok, true))).toMatchObject({ failingChecks: '', diffKinds: '' })
    expect(JSON.parse(toJsonl(bad, true))).toMatchObject({ failingChecks: 'nomap.walkers;struct-page.pow2', diffKinds: 'holes;memory' })
    const types = (r: BatchRecord): string[] => Object.values(JSON.parse(toJsonl(r, true)) as Record<string, unknown>).map((v) => (v === null ? 'null' : typeof v))
    expect(types(ok)).toEqual(types(bad))
    // the CSV writes the same text for them
    expect(toCsv(bad, true).split(',')[6]).toBe('nomap.walkers;struct-page.pow2')
  })
})

describe('a record holds what the report says: memmapChecks() against memmapReport()', () => {
  // the record's memmap figures come from the lean memmapChecks(); the app and `check`
  // read memmapReport(): the same bytes and the same failing checks, in the same order
  const examples = join(import.meta.dirname, '../../../resources/examples')
  const laptop = readFileSync(join(examples, 'x86-laptop.yaml'), 'utf8')
  const cases: [string, string][] = [
    ...readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, string] => [f, readFileSync(join(examples, f), 'utf8')]),
    // sizeof(struct page) 72 (not a power of two, not 16-byte aligned) on 7.1: checks fail
    ['laptop-72.yaml', laptop.replace(/^kernel: "6\.1"$/m, 'kernel: "7.1"\nmemmap:\n  structPage:\n    size: 72')]
  ]
  it.each(cases)('%s', (name, source) => {
    const rec = evaluate(source, name, {}, false)
    expect(rec.error).toBeNull()
    const l = loadInput(source, name, {})
    if (!l.ok) throw new Error('does not load')
    const report = memmapReport(runModel(l.scenario))
    expect(rec.memmapBytes).toBe(report.totals.memmapBytes)
    expect(rec.failingChecks).toEqual(report.checks.filter((c) => c.status === 'fail').map((c) => c.id))
    if (name === 'laptop-72.yaml') expect(rec.failingChecks).toEqual(expect.arrayContaining(['struct-page.aligned', 'struct-page.pow2']))
  })
})
