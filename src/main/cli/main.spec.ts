import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, root } from './run-cli.ts'

describe('memmap-workbench CLI', () => {
  it('bootlog --diff exits 0 on an exact recorded boot', async () => {
    const r = await cli('bootlog', '--diff', join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'))
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/exact/)
  })
  it('bootlog --diff exits 1 on a mismatch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmw-'))
    const f = join(dir, 'edited.log')
    const { readFileSync } = await import('node:fs')
    writeFileSync(f, readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8').replace('zone DMA32: 9728 pages', 'zone DMA32: 9729 pages'))
    const r = await cli('bootlog', '--diff', f)
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^- On node 1, zone DMA32: 9729 pages/m)
  })
  it('--json prints lines, presentPages, pageSizeKiB, warnings', async () => {
    const r = await cli('bootlog', '--json', join(root, 'resources/examples/x86-laptop.yaml'))
    const j = JSON.parse(r.out)
    expect(j.presentPages).toBe(4095760)
    expect(j.pageSizeKiB).toBe(4)
    expect(j.lines[0]).toBe('Zone ranges:')
    expect(Array.isArray(j.warnings)).toBe(true)
  })
  it('exits 2 with file:line:column on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmw-'))
    const f = join(dir, 'bad.yaml')
    writeFileSync(f, 'kernel: "6.1"\narch: x86_64\nfirmware:\n  kind: e820\n  map: 12\n')
    const r = await cli('analyze', f)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/bad\.yaml:5:\d+: error: firmware\.map: expected a list/)
    expect((await cli('bootlog', join(dir, 'missing.yaml'))).code).toBe(2)
    expect((await cli('frobnicate')).code).toBe(2)
  })
  it('analyze prints the model', async () => {
    const r = await cli('analyze', '--json', join(root, 'resources/examples/arm64-uefi-server.yaml'))
    const j = JSON.parse(r.out)
    expect(j.totals.nomapPages).toBeGreaterThan(0)
    expect(j.sections.sectionSizeBits).toBe(27)
  })
  it('check exits 0 on the examples and 1 with each failure explained', async () => {
    expect((await cli('check', join(root, 'resources/examples/x86-laptop.yaml'))).code).toBe(0)
    const dir = mkdtempSync(join(tmpdir(), 'mmw-'))
    const f = join(dir, 'kmsan.yaml')
    // KMSAN makes struct page 80 bytes: HVO frees nothing, and a 6.1.0 kernel with
    // MAX_STRUCT_PAGE_SIZE 128 reserves twice the PMEM for its page map
    writeFileSync(
      f,
      [
        'kernel: "6.1"',
        'arch: x86_64',
        'firmware: { kind: e820, map: [ { start: 0, last: 0x9efff, type: usable }, { start: 1M, end: 64G, type: usable } ] }',
        'memmap:',
        '  structPage: { kmsan: true }',
        '  pmem: [ { start: 1T, size: 1T, mode: pmem, align: 2M } ]'
      ].join('\n')
    )
    const r = await cli('check', f)
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^FAIL hvo\.eligibility\.2M/m)
    expect(r.out).toMatch(/condition: is_power_of_2\(S\)/)
    expect(r.out).toMatch(/values: +n = 512, S = 80/)
    expect(r.out).toMatch(/kernel: +.*hugetlb_vmemmap/)
    const j = JSON.parse((await cli('check', '--json', f)).out)
    expect(j.failed).toBeGreaterThan(0)
    const a = JSON.parse((await cli('analyze', '--json', f)).out)
    expect(a.memmap.structPageSize).toBe(80)
    expect(a.memmap.pmem[0].lostBytes).toBe(32 * 2 ** 30 + 2 * 2 ** 20)
  })
})

describe('memmap-workbench --help', () => {
  it('names every kind --from accepts', async () => {
    const { INPUT_KINDS } = await import('../../shared/engine/index.ts')
    const r = await cli('--help')
    const from = r.out.slice(r.out.indexOf('--from KIND'), r.out.indexOf('--cmdline'))
    for (const k of INPUT_KINDS) expect(from, k).toMatch(new RegExp(`(^|[\\s,(])${k}[\\s,(]`))
  })
})
