import { describe, expect, it } from 'vitest'
import { embeddedFileName } from './api.ts'

describe('api: the name an export’s scenario opens under', () => {
  it('keeps a plain scenario file name and replaces anything else with scenario.yaml', () => {
    expect(embeddedFileName('x86-laptop.yaml')).toBe('x86-laptop.yaml')
    expect(embeddedFileName('layout.JSON')).toBe('layout.JSON')
    for (const bad of ['../../etc/passwd.yaml', 'dir/a.yaml', 'boot.log', '', 'a\u0007.yaml', 'x'.repeat(300) + '.yaml']) expect(embeddedFileName(bad), bad).toBe('scenario.yaml')
  })
})

describe('api: the lookup validator', () => {
  it('takes (source, fileName, queries) with 1–1000 queries of 1–100 characters', async () => {
    const { API_ARGUMENTS, MAX_LOOKUP_QUERIES } = await import('./api.ts')
    const v = API_ARGUMENTS.lookup
    expect(v(['kernel: "6.1"', 'a.yaml', ['4G', 'pfn:0x100']])).toBeNull()
    expect(v(['kernel: "6.1"', 'a.yaml', Array(MAX_LOOKUP_QUERIES).fill('0x0')])).toBeNull()
    expect(v(['kernel: "6.1"', 'a.yaml'])).toMatch(/lookup takes/)
    expect(v(['kernel: "6.1"', 'a.yaml', '4G'])).toMatch(/lookup takes/)
    expect(v([1, 'a.yaml', ['4G']])).toMatch(/lookup takes \(source: string, fileName: string\)/)
    expect(v(['kernel: "6.1"', 'a.yaml', []])).toMatch(/1 to 1000 queries/)
    expect(v(['kernel: "6.1"', 'a.yaml', Array(MAX_LOOKUP_QUERIES + 1).fill('0x0')])).toMatch(/1 to 1000 queries/)
    expect(v(['kernel: "6.1"', 'a.yaml', ['']])).toMatch(/each query/)
    expect(v(['kernel: "6.1"', 'a.yaml', ['x'.repeat(101)]])).toMatch(/each query/)
    expect(v(['kernel: "6.1"', 'a.yaml', [{}]])).toMatch(/each query/)
  })
})
