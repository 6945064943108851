// "Find pfn / address": expected values worked out from the kernel's layout rules:
//  pfn = addr >> PAGE_SHIFT; section = pfn >> PFN_SECTION_SHIFT (SECTION_SIZE_BITS − PAGE_SHIFT);
//  x86_64 ZONE_DMA < 16 MiB (MAX_DMA_PFN), ZONE_DMA32 < 4 GiB (MAX_DMA32_PFN) (zone_sizes_init()
//  arch/x86/mm/init.c); trim_bios_range() makes page 0 reserved (arch/x86/kernel/e820.c);
//  vmemmap_base = __VMEMMAP_BASE_L4 0xffffea0000000000 without KASLR
//  (arch/x86/include/asm/pgtable_64_types.h); __pfn_to_page(pfn) = vmemmap + pfn.
import { describe, expect, it } from 'vitest'
import { lookupSource } from './index.ts'
import { lookupText, parseLookupQuery, type LookupHit, type LookupReport } from './lookup.ts'

const x86 = (extra = '') => `kernel: "6.1"
arch: x86_64
${extra}firmware:
  kind: e820
  map:
    - { start: 0, size: 640K, type: usable }
    - { start: 0xf0000, size: 64K, type: reserved }
    - { start: 1M, end: 3G, type: usable }
    - { start: 4G, size: 5G, type: usable }
`

function report(src: string, ...q: string[]): LookupReport {
  const r = lookupSource(src, 's.yaml', q)
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return r.report
}
const hit = (r: LookupReport, i = 0): LookupHit => {
  const x = r.results[i]
  if ('error' in x) throw new Error(x.error)
  return x
}

describe('parseLookupQuery()', () => {
  it('addresses: hex, decimal, K/M/G suffixes; pfns: pfn:N or pfn=N, hex or decimal', () => {
    expect(parseLookupQuery('0x180000000', 4096)).toEqual({ address: 0x180000000, pfn: 0x180000, byPfn: false })
    expect(parseLookupQuery('6G', 4096)).toEqual({ address: 6 * 2 ** 30, pfn: 0x180000, byPfn: false })
    expect(parseLookupQuery('6442450945', 4096)).toEqual({ address: 0x180000001, pfn: 0x180000, byPfn: false })
    expect(parseLookupQuery('pfn:0x180000', 4096)).toEqual({ address: 0x180000000, pfn: 0x180000, byPfn: true })
    expect(parseLookupQuery('pfn=1572864', 16384)).toEqual({ address: 1572864 * 16384, pfn: 1572864, byPfn: true })
    expect(parseLookupQuery('pfn:4K', 4096)).toHaveProperty('error')
    expect(parseLookupQuery('elephant', 4096)).toHaveProperty('error')
    expect(parseLookupQuery('8P', 4096)).toHaveProperty('error')
  })
})

describe('x86_64 without KASLR: vmemmap_base 0xffffea0000000000', () => {
  const src = x86('memmap: { kaslr: false }\n')
  it('6 GiB: node 0, ZONE_NORMAL, section 48, memblock.memory[2], struct page 0xffffea0006000000', () => {
    const r = report(src, '6G', 'pfn:0x180000')
    const x = hit(r)
    expect(x.pfn).toBe(0x180000)
    // 0x180000 >> (27 − 12) = 48
    expect(x.section).toMatchObject({ nr: 48, startPfn: 48 << 15, endPfn: 49 << 15, present: true, online: true, early: true, nid: 0 })
    expect(x.section!.flags).toEqual(['SECTION_MARKED_PRESENT', 'SECTION_HAS_MEM_MAP', 'SECTION_IS_ONLINE', 'SECTION_IS_EARLY'])
    // memblock.memory: [0x1000, 0xa0000) (page 0 trimmed), [0x100000, 0xc0000000), [0x100000000, 0x240000000)
    expect(x.memory).toEqual({ index: 2, start: 0x100000000, end: 0x240000000, nid: 0, flags: [] })
    expect(x.zone).toEqual({ name: 'Normal', nid: 0, startPfn: 0x100000, endPfn: 0x240000 })
    expect(x.zoneRange).toEqual({ name: 'Normal', startPfn: 0x100000, endPfn: 0x240000 })
    expect(x.node).toMatchObject({ nid: 0, startPfn: 1, endPfn: 0x240000, inSpan: true })
    expect(x.firmware).toEqual([{ index: 3, start: 0x100000000, end: 0x240000000, type: 'usable', path: 'firmware.map[3]' }])
    expect(x.e820).toEqual({ start: 0x100000000, end: 0x240000000, type: 'usable' })
    expect(x.pfnValid).toBe(true)
    expect(x.hole).toBeNull()
    // 0xffffea0000000000 + 0x180000 × 64 = 0xffffea0000000000 + 0x6000000
    expect(x.structPage).toMatchObject({ model: 'sparsemem-vmemmap', exists: true, base: '0xffffea0000000000', address: '0xffffea0006000000', offset: 0x6000000, placedAtBoot: false })
    // the same page asked by pfn
    expect({ ...hit(r, 1), query: '' }).toEqual({ ...x, query: '' })
  })
  it('3 GiB: in the gap between memory[1] and memory[2]; section 24 (pfn 0xc0000 >> 15) is not present, no struct page', () => {
    const x = hit(report(src, '3G'))
    expect(x.memory).toBeNull()
    expect(x.hole).toMatchObject({ kind: 'gap', start: 0xc0000000, end: 0x100000000, before: 1, after: 2 })
    expect(x.section).toMatchObject({ nr: 24, present: false, online: false, early: false, flags: [], nid: null, presentIndex: null })
    expect(x.pfnValid).toBe(false)
    expect(x.structPage.exists).toBe(false)
    // ZONE_DMA32 spans [MAX_DMA_PFN 0x1000, MAX_DMA32_PFN 0x100000) with its holes
    expect(x.zone).toEqual({ name: 'DMA32', nid: 0, startPfn: 0x1000, endPfn: 0x100000 })
    expect(x.firmware).toEqual([])
  })
  it('0xa0000: a hole inside present section 0, so its struct page exists (0xffffea0000000000 + 0xa0 × 64)', () => {
    const x = hit(report(src, '0xa0000'))
    expect(x.hole).toMatchObject({ kind: 'gap', start: 0xa0000, end: 0x100000, before: 0, after: 1 })
    expect(x.hole!.attribution).toMatchObject({ kind: 'gap', nid: 0, zone: 'DMA' })
    expect(x.zone!.name).toBe('DMA')
    expect(x.section).toMatchObject({ nr: 0, present: true, presentIndex: 0 })
    expect(x.pfnValid).toBe(true)
    expect(x.structPage.address).toBe('0xffffea0000002800')
  })
  it('pfn 0: trim_bios_range() reserved page 0, so node 0 spans from pfn 1; memmap_init() still gives pfn 0 to node 0 zone DMA', () => {
    const x = hit(report(src, 'pfn:0'))
    expect(x.node).toMatchObject({ nid: 0, startPfn: 1, inSpan: false })
    expect(x.hole).toMatchObject({ kind: 'below-first-range', start: 0, end: 0x1000 })
    expect(x.hole!.attribution).toMatchObject({ kind: 'before-first-range', nid: 0, zone: 'DMA', start: 0, end: 1 })
    expect(x.e820).toEqual({ start: 0, end: 0x1000, type: 'reserved' })
    expect(x.structPage.address).toBe('0xffffea0000000000')
    expect(lookupText(report(src, 'pfn:0'))).toContain("node               0, outside its span (memmap_init()'s hole attribution): pfn [0x1-0x23ffff]")
  })
  it('above the last range and above max_pfn 0x240000', () => {
    const x = hit(report(src, '0x7fffffffff'))
    expect(x).toMatchObject({ pfn: 0x7ffffff, offsetInPage: 0xfff, aboveMaxPfn: true, node: null, zone: null, pfnValid: false })
    expect(x.hole).toMatchObject({ kind: 'above-last-range', start: 0x240000000, before: 2, after: null })
  })
  it('the text says the legend once and prints ranges as the kernel does, inclusive', () => {
    const r = report(src, '6G', '3G', 'nonsense')
    const t = lookupText(r)
    expect(t.match(/both ends inclusive/g)).toHaveLength(1)
    expect(t).toContain('memblock.memory    [2] [mem 0x0000000100000000-0x000000023fffffff] node 0')
    expect(t).toContain('section            48, pfn [0x180000-0x187fff]: present, online, early, node 0')
    expect(t).toContain('struct page        0xffffea0006000000 = vmemmap + pfn × sizeof(struct page) = 0xffffea0000000000 + 0x180000 × 64 (offset 96 MiB)')
    expect(t).toContain('hole               between memblock.memory[1] and [2]: [mem 0x00000000c0000000-0x00000000ffffffff]')
    expect(t).toMatch(/nonsense: "nonsense": an address is hex/)
    expect(r.results[2]).toEqual({ query: 'nonsense', error: expect.stringMatching(/a pfn is pfn:N/) })
  })
})

describe('where the vmemmap base is placed at boot', () => {
  it('x86_64 with KASLR: the offset pfn × 64 holds for any base; the address is marked as placed at boot', () => {
    const x = hit(report(x86(), '6G'))
    expect(x.structPage.offset).toBe(0x180000 * 64)
    expect(x.structPage.placedAtBoot).toBe(true)
    expect(x.structPage.note).toMatch(/KASLR.*1 GiB steps/)
    expect(BigInt(x.structPage.address!) - BigInt(x.structPage.base!)).toBe(BigInt(0x180000 * 64))
  })
  it('s390: no address, the offset from vmemmap; 6.1 sections are 2^28 bytes, so 512 MiB is section 2; ZONE_DMA below 2 GiB', () => {
    const src = 'kernel: "6.1"\narch: s390\nfirmware:\n  kind: dt\n  map:\n    - { start: 0, size: 1G, type: memory }\n'
    const x = hit(report(src, '512M'))
    expect(x.pfn).toBe(0x20000)
    expect(x.section).toMatchObject({ nr: 2, present: true })
    expect(x.zone!.name).toBe('DMA')
    expect(x.structPage).toMatchObject({ model: 'sparsemem-vmemmap', address: null, base: null, offset: 0x20000 * 64, placedAtBoot: true })
    expect(x.structPage.note).toMatch(/setup_kernel_memory_layout/)
  })
  it('arm64: a DT no-map region is memblock.memory with NOMAP (a hole of kind nomap), still in a present section with struct pages', () => {
    const src = 'kernel: "6.1"\narch: arm64\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x40000000, size: 1G, type: memory }\n    - { start: 0x50000000, size: 2M, type: no-map }\n'
    const x = hit(report(src, '0x50001000'))
    expect(x.memory).toMatchObject({ start: 0x50000000, end: 0x50200000, flags: ['NOMAP'] })
    expect(x.hole).toMatchObject({ kind: 'nomap', start: 0x50000000, end: 0x50200000 })
    // 4K pages, SECTION_SIZE_BITS 27: 0x50001 >> 15 = 10
    expect(x.section).toMatchObject({ nr: 10, present: true })
    expect(x.firmware.map((f) => f.type)).toEqual(['memory', 'no-map'])
    expect(x.pfnValid).toBe(true)
    expect(BigInt(x.structPage.address!) - BigInt(x.structPage.base!)).toBe(BigInt(0x50001 * 64))
  })
})

describe('without a vmemmap', () => {
  it('FLATMEM (riscv64 5.10): node_mem_map from the node start rounded down to MAX_ORDER_NR_PAGES (1024): offset (0x80200 − 0x80000) × 64', () => {
    const src = 'kernel: "5.10"\narch: riscv64\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x80000000, size: 512M, type: memory }\n'
    const x = hit(report(src, '0x80200000'))
    expect(x.section).toBeNull()
    expect(x.structPage).toMatchObject({ model: 'flatmem', address: null, offset: 0x200 * 64, placedAtBoot: true })
  })
  it('classic SPARSEMEM (32-bit x86, 64 MiB sections, 32-byte struct page): the offset inside the section map', () => {
    // classic SPARSEMEM is chosen (config.memoryModel): a 32-bit x86 scenario is FLATMEM by default (arch.ts)
    const src =
      'kernel: "6.1"\narch: x86\npaging: 2-level\nconfig:\n  memoryModel: sparsemem\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, size: 640K, type: usable }\n    - { start: 1M, end: 512M, type: usable }\n'
    // 0x5000000 (80 MiB): pfn 0x5000, section 0x5000 >> (26 − 12) = 1, 0x1000 pfns into it
    const x = hit(report(src, '80M'))
    expect(x.section).toMatchObject({ nr: 1, startPfn: 0x4000, present: true, presentIndex: 1 })
    expect(x.structPage).toMatchObject({ model: 'sparsemem', address: null, offset: 0x1000 * 32, placedAtBoot: true })
    // section 1's map follows section 0's in the node's boot buffer: PAGE_ALIGN(0x4000 × 32) = 512 KiB
    expect(x.structPage.bufferOffset).toBe(0x4000 * 32 + 0x1000 * 32)
  })
})
