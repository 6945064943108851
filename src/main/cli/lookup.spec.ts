// `memmap-workbench lookup FILE ADDR…`: text with the legend once, --json, exit codes.
// Figures from the kernel's rules: the laptop example is x86_64 with 4K pages and 128 MiB
// sections (PFN_SECTION_SHIFT 15); 4 GiB is pfn 0x100000, section 32, ZONE_NORMAL (≥ MAX_DMA32_PFN).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, root } from './run-cli.ts'

const laptop = join(root, 'resources/examples/x86-laptop.yaml')

describe('memmap-workbench lookup', () => {
  it('answers an address and a pfn, the legend said once', async () => {
    const r = await cli('lookup', laptop, '4G', 'pfn:0x100000')
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    expect(r.out.match(/both ends inclusive/g)).toHaveLength(1)
    expect(r.out.match(/section {12}32, pfn \[0x100000-0x107fff\]: present, online, early, node 0/g)).toHaveLength(2)
    // the example's e820 entry 15: { start: 0x0100000000, last: 0x042e2fffff, type: usable }
    expect(r.out).toContain('firmware.map[15]   [mem 0x0000000100000000-0x000000042e2fffff] usable')
    expect(r.out).toMatch(/zone {15}Normal of node 0/)
  })
  it('--json is the report; the struct page offset is pfn × 64', async () => {
    const r = await cli('lookup', '--json', laptop, '0x100000000')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    expect(j.legend).toMatch(/half-open/)
    expect(j.results[0]).toMatchObject({
      pfn: 0x100000,
      section: { nr: 32, present: true },
      memory: { start: 0x100000000, end: 0x42e300000 },
      structPage: { offset: 0x100000 * 64, placedAtBoot: true }
    })
  })
  it('exits 2 on an ADDR it cannot read (the others still answered), on no ADDR, and with file:line:col on a bad scenario', async () => {
    const r = await cli('lookup', laptop, '4G', 'elephant')
    expect(r.code).toBe(2)
    expect(r.out).toContain('section            32,')
    expect(r.err).toMatch(/x86-laptop\.yaml: error: "elephant": an address is hex/)
    const none = await cli('lookup', laptop)
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/usage: memmap-workbench lookup FILE ADDR/)
    const dir = mkdtempSync(join(tmpdir(), 'mmw-lookup-'))
    const f = join(dir, 'bad.yaml')
    writeFileSync(f, 'kernel: "6.1"\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, size: 1G, type: usable }\nhugetlb:\n  - { size: 3M }\n')
    const bad = await cli('lookup', f, '4G')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/bad\.yaml:8:\d+: error: hugetlb\[0\]\.size: x86_64 has no 3 MiB huge pages/)
  })
  it('is in --help', async () => {
    expect((await cli('--help')).out).toMatch(/lookup FILE ADDR… \[--json\]/)
  })
})
