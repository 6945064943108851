import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import { withStatus, type ReportedCheck } from '../engine/memmap/types.ts'
import { checkDetail, orderChecks } from './check-detail.ts'

const alignment: ReportedCheck = {
  id: 'folio.memmap-alignment',
  title: 'memmap naturally aligned to MAX_FOLIO_ORDER',
  pass: false,
  severity: 'warning',
  condition: 'pfn_to_page(0) % MAX_FOLIO_VMEMMAP_ALIGN == 0',
  values: { required: 268435456, vmemmapBase: 0xffffea0000000000 - 2 ** 40, sectionMemmapBytes: 2621440, nid: 3, hvo: true, S: 80 },
  ref: 'VM_WARN_ON_ONCE() sparse_init() mm/sparse.c; MAX_FOLIO_VMEMMAP_ALIGN include/linux/mm.h',
  versions: '7.1+',
  consequence: 'VM_WARN_ON_ONCE at boot',
  status: 'fail'
}

describe('check detail: what a click on a check shows', () => {
  it('states the verdict, the condition, every value with its other reading, the effect and the kernel references', () => {
    const d = checkDetail(alignment)
    expect(d.status).toBe('fail')
    expect(d.verdict).toBe('does not hold (the kernel warns, or a risk)')
    expect(d.condition).toBe(alignment.condition)
    expect(d.values).toEqual([
      { name: 'required', value: '268,435,456', alt: '256 MiB' },
      { name: 'vmemmapBase', value: expect.any(String), alt: '0xffffe90000000000' },
      { name: 'sectionMemmapBytes', value: '2,621,440', alt: '2.5 MiB' },
      { name: 'nid', value: '3', alt: undefined },
      { name: 'hvo', value: 'true', alt: undefined },
      { name: 'S', value: '80', alt: undefined }
    ])
    expect(d.refs).toEqual(['VM_WARN_ON_ONCE() sparse_init() mm/sparse.c', 'MAX_FOLIO_VMEMMAP_ALIGN include/linux/mm.h'])
    expect(d.consequence).toBe('VM_WARN_ON_ONCE at boot')
    // no pointer to a document outside the repository
    expect(JSON.stringify(d)).not.toMatch(new RegExp(['kernel', 'memmap', 'spec'].join('-') + '|§'))
    // the status as the engine decides it (withStatus()), then what the view says
    expect(checkDetail(withStatus({ ...alignment, pass: true })).verdict).toBe('holds')
    expect(checkDetail(withStatus({ ...alignment, severity: 'info' })).status).toBe('note')
    expect(checkDetail(withStatus({ ...alignment, severity: 'error' })).verdict).toMatch(/refuses or misbehaves/)
  })

  it('offers failures first, then notes, then passes, keeping the engine order within each', () => {
    const text = readFileSync(join(import.meta.dirname, '../../../resources/examples/arm64-uefi-server.yaml'), 'utf8')
    const r = analyzeSource(text, 'arm64-uefi-server.yaml')
    if (!r.ok || !r.report.memmap) throw new Error('example did not analyse')
    const checks = r.report.memmap.checks
    const ordered = orderChecks(checks)
    expect(ordered).toHaveLength(checks.length)
    const status = ordered.map((c) => checkDetail(c).status)
    const firstPass = status.indexOf('pass')
    expect(firstPass).toBeGreaterThan(0) // hvo.arch does not hold on arm64 6.6
    expect(status.slice(firstPass).every((s) => s === 'pass')).toBe(true)
    const passes = ordered.slice(firstPass).map((c) => c.id)
    expect(passes).toEqual(checks.filter((c) => c.pass).map((c) => c.id))
  })
})

describe('check detail numbers', () => {
  it('an order of −1 reads none, with the raw −1 beside it', () => {
    const d = checkDetail({ ...alignment, values: { maxOrder: -1, order: 9 } })
    expect(d.values).toEqual([
      { name: 'maxOrder', value: 'none', alt: '−1' },
      { name: 'order', value: '9', alt: undefined }
    ])
  })
})
