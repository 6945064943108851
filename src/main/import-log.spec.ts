import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { bootlogSource } from '../shared/engine/index.ts'
import { importLog, scenarioNameFor } from './import-log.ts'

const boots = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'qemu-boots')

describe('importLog', () => {
  for (const f of ['x86_64-s7-000.log', 'arm64-s8-000.log']) {
    it(`${f}: the imported scenario's boot log is the log's own lines`, () => {
      const text = readFileSync(join(boots, f), 'utf8')
      const r = importLog(text, f)
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
      expect(r.name).toBe(f.replace('.log', '.yaml'))
      expect(r.yaml).toMatch(/^# Imported from /)
      expect(r.yaml).toMatch(/- \{ start: 0x[0-9a-f]+, last: 0x[0-9a-f]+, type: /)
      const fromYaml = bootlogSource(r.yaml, 'scenario.yaml')
      const fromLog = bootlogSource(text, f)
      if (!fromYaml.ok || !fromLog.ok) throw new Error('does not model')
      expect(fromLog.report.diff?.equal).toBe(true)
      expect(fromYaml.report.lines).toEqual(fromLog.report.lines)
    })
  }

  it('writes huge page sizes with a unit and names the source', () => {
    const r = importLog(readFileSync(join(boots, 'x86_64-s7-000.log'), 'utf8'), 'x86_64-s7-000.log')
    if (!r.ok) throw new Error('import failed')
    const doc = parse(r.yaml)
    expect(doc.hugetlb).toEqual([{ size: '2M' }])
    expect(doc.name).toBe('imported from x86_64-s7-000.log')
  })

  it('a paste (no file name) is named after its kernel and architecture', () => {
    const r = importLog(readFileSync(join(boots, 'x86_64-s7-000.log'), 'utf8'), '')
    expect(r.ok && r.name).toBe('boot-6.1.176-x86_64.yaml')
    expect(r.ok && parse(r.yaml).name).toBe('imported from a pasted log')
  })

  it('text without a memory map is a located error', () => {
    const r = importLog('hello\nworld\n', 'notes.txt')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.diagnostics[0].severity).toBe('error')
  })

  it('names the scenario after the log', () => {
    expect(scenarioNameFor('boot.log')).toBe('boot.yaml')
    expect(scenarioNameFor('/a/b/dmesg.txt')).toBe('dmesg.yaml')
    expect(scenarioNameFor('serial')).toBe('serial.yaml')
    // lsmem -J writes JSON: the capture's name, not lsmem.json.yaml
    expect(scenarioNameFor('lsmem.json')).toBe('lsmem.yaml')
    expect(scenarioNameFor('')).toBe('imported.yaml')
  })
})

describe('importLog() on captures', () => {
  it('a /proc/iomem becomes a scenario whose header says what the capture could not show', async () => {
    const { importLog: imp } = await import('./import-log.ts')
    const { stateSections } = await import('../../scripts/kernel-oracle/state.ts')
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const log = readFileSync(join(import.meta.dirname, '../../tests/fixtures/kernel-versions/7.3/x86_64-s401-003.log'), 'latin1')
    const r = imp(stateSections(log).get('iomem')!, 'iomem.txt')
    if (!r.ok) throw new Error(r.diagnostics[0].message)
    expect(r.name).toBe('iomem.yaml')
    expect(r.yaml).toMatch(/^# Imported from iomem.txt \(\/proc\/iomem\) by memmap-workbench\. Not in the capture:\n# - architecture: x86_64/)
    expect(r.yaml).toMatch(/kind: e820/)
    expect(r.warnings.some((w) => /NUMA/.test(w))).toBe(true)
  })
  it('a broken capture is a located error', async () => {
    const { importLog: imp } = await import('./import-log.ts')
    const r = imp('00000000-00000fff : Reserved\n00001000 0009efff System RAM\n', 'iomem')
    expect(r).toMatchObject({ ok: false, diagnostics: [{ line: 2, column: 1 }] })
  })
})
