// The lookup box's rows for people, from the engine's lookup of the laptop example.
// Expected values by hand from resources/examples/x86-laptop.yaml and x86_64's rules:
// 4 KiB pages, 128 MiB sections (32768 pages), sizeof(struct page) 64, vmemmap_base
// 0xffffea0000000000 without KASLR (Documentation/arch/x86/x86_64/mm.rst).
import { describe, expect, it } from 'vitest'
import { lookupSource } from '../../../shared/engine/index.ts'
import type { LookupHit } from '../../../shared/engine/lookup.ts'
import { answer } from './lookup-answer.ts'
import example from '../../../../resources/examples/x86-laptop.yaml?raw'

const laptop = example + 'memmap:\n  kaslr: false\n'

function ask(query: string) {
  const r = lookupSource(laptop, 'x86-laptop.yaml', [query])
  if (!r.ok) throw new Error(r.diagnostics[0]?.message)
  const hit = r.report.results[0]
  if ('error' in hit) throw new Error(hit.error)
  const a = answer(hit as LookupHit, r.report)
  return { a, row: (key: string) => a.rows.find((x) => x.key === key) }
}

describe('lookup answer', () => {
  it('4 GiB: node 0, Normal, section 32, the last usable entry, its struct page', () => {
    const { a, row } = ask('4G')
    // 4G = 0x100000000 → pfn 0x100000 = 1,048,576
    expect(a.head).toBe('0x0000000100000000 = pfn 0x100000 (1,048,576)')
    expect(row('node')?.text).toMatch(/^0, spanning pfn \[0x1-/)
    // ZONE_NORMAL starts at 4 GiB (DMA32 ends there)
    expect(row('zone')?.text).toMatch(/^Normal of node 0, spanning pfn \[0x100000-/)
    // 0x100000 >> 15 = 32: pfns 0x100000–0x107fff
    expect(row('section')?.text).toBe('32, pfn [0x100000-0x107fff]: present, online, early, node 0')
    // map[15] = { start: 0x0100000000, last: 0x042e2fffff, type: usable }, memblock's sixth region
    const fw = row('firmware')
    expect(fw).toMatchObject({ label: 'firmware.map[15]', path: 'firmware.map[15]', text: '[mem 0x0000000100000000-0x000000042e2fffff] usable' })
    expect(row('memory')?.text).toBe('[5] [mem 0x0000000100000000-0x000000042e2fffff] node 0')
    // vmemmap_base + pfn × 64 = 0xffffea0000000000 + 0x4000000
    expect(row('struct-page')?.text).toBe('0xffffea0004000000 (64 MiB into the memmap)')
    expect(a.page).toEqual({ start: 2 ** 32, end: 2 ** 32 + 4096 })
  })

  it('a hole: the reserved entry and the memblock regions around it', () => {
    const { row } = ask('pfn:0x9f')
    expect(row('memory')?.text).toBe('none')
    expect(row('firmware')).toMatchObject({ path: 'firmware.map[1]' })
    expect(row('hole')?.text).toBe('between memblock.memory[0] and [1]: [mem 0x000000000009f000-0x00000000000fffff]')
  })
})
