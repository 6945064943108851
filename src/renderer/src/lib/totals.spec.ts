// The totals cards: figures with separators, sizes in binary units, and on hover each
// card's formula with the layout's own numbers and the kernel function that computes it.
// The expected figures are worked out from the examples' firmware maps, not read back.
import { describe, expect, it } from 'vitest'
import server from '../../../../resources/examples/x86-4node-server.yaml?raw'
import laptop from '../../../../resources/examples/x86-laptop.yaml?raw'
import { analyzeSource } from '../../../shared/engine/index.ts'
import { totalCards } from './totals.ts'

const EXAMPLES: Record<string, string> = { 'x86-laptop.yaml': laptop, 'x86-4node-server.yaml': server }
function example(name: string) {
  const r = analyzeSource(EXAMPLES[name], name)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}

describe('totalCards()', () => {
  it('x86 laptop: separators, binary units, the formula and the kernel function of every card', () => {
    // e820 usable, the first page trimmed (trim_bios_range()): pfn 0x1-0x9e (158 pages),
    // 0x100-0x9cff (39,936), 0xa000-0xa1ff (512), 0xa20d-0xb8b7d (92,017), 0xbcbff-0xbdfff
    // (5,121), 0x100000-0x42e2ff (3,400,448 = 4,095,760 in all); one node spanning pfn 1-0x42e2ff
    const cards = totalCards(example('x86-laptop.yaml'))
    expect(cards.map((c) => c.id)).toEqual(['present-pages', 'memory-total', 'nodes', 'present-sections'])
    // 4,095,760 × 4 KiB = 16,383,040 KiB = 16,776,232,960 bytes = 15.624 GiB; 2^27-byte sections
    expect(cards.map((c) => c.value)).toEqual(['4,095,760', '15.62', '1', '126'])
    expect(cards.map((c) => c.unit)).toEqual(['', 'GiB', '', ''])
    expect(cards.map((c) => c.subFigure)).toEqual([null, '16,383,040', null, null])
    expect(cards.map((c) => c.sub)).toEqual(['4,383,487 spanned', 'KiB', 'max pfn 0x42e300', 'of 128 MiB each'])
    const [present, memory, nodes, sections] = cards.map((c) => c.title)
    expect(present).toContain('present pages = Σ node_present_pages = node 0: 4,095,760 = 4,095,760')
    expect(present).toContain('= 15.62 GiB (16,776,232,960 bytes)')
    expect(present).toContain('spanned pages = Σ (node_end_pfn − node_start_pfn) = 4,383,487')
    expect(present).toContain('calculate_node_totalpages()')
    expect(memory).toContain('"Memory: …K/16383040K available"')
    expect(memory).toContain('physpages << (PAGE_SHIFT − 10) = 4,095,760 pages × 4 KiB = 16,383,040 KiB')
    expect(memory).toContain('mem_init_print_info() mm/mm_init.c')
    expect(nodes).toContain('free_area_init_node()')
    // max_pfn 0x42e300 = 4,383,488: the end of the last usable range, 0x42e300000
    expect(nodes).toContain('max_pfn = 0x42e300 (4,383,488)')
    expect(nodes).toContain('address 0x000000042e300000')
    expect(nodes).toContain('e820__end_of_ram_pfn()')
    // sections 0-23 (below 3 GiB) and 32-133 (4 GiB up to 0x42e300000): 24 + 102 = 126,
    // each 32,768 struct pages of 64 bytes = 2 MiB: 252 MiB
    expect(sections).toContain('PAGES_PER_SECTION × PAGE_SIZE = 32,768 × 4 KiB = 128 MiB (SECTION_SIZE_BITS 27)')
    expect(sections).toContain('= 126 × 32,768 × 64 = 252 MiB')
    expect(sections).toContain('memblocks_present()')
    // no figure of a card is printed raw (but for hex and the kernel's own line, quoted as it prints)
    for (const c of cards) expect(c.title.replace(/0x[0-9a-f]+|"Memory: [^"]*"/g, ''), c.id).not.toMatch(/\d{4,}/)
  })

  it('4-node server: 536,235,931 present pages, summed node by node', () => {
    // node 0: pfn 0x1-0x9b (155) + 0x100-0x6efff (454,400) + 0x7a000-0x7ffff (24,576) + 4-512 GiB (133,169,152);
    // nodes 1 and 2: 512 GiB each (134,217,728); node 3: 1536 GiB to 0x1fff0000000 (134,152,192)
    const cards = totalCards(example('x86-4node-server.yaml'))
    const present = cards.find((c) => c.id === 'present-pages')!
    expect(present.value).toBe('536,235,931')
    expect(present.title).toContain('= 133,648,283 (node 0) + 134,217,728 (node 1) + 134,217,728 (node 2) + 134,152,192 (node 3) = 536,235,931')
    // 536,235,931 × 4 KiB: 2,144,943,724 KiB = 2045.58 GiB, not a whole unit
    const memory = cards.find((c) => c.id === 'memory-total')!
    expect([memory.value, memory.unit, memory.subFigure]).toEqual(['1.998', 'TiB', '2,144,943,724'])
    expect(memory.title).toContain('= 1.998 TiB (2,196,422,373,376 bytes)')
    expect(cards.find((c) => c.id === 'nodes')!.value).toBe('4')
  })
})
