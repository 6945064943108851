import { describe, expect, it } from 'vitest'
import { fls64, GiB, hexPad, memparse, parseRange, parseSize } from './units.ts'

describe('sizes', () => {
  it('parses the forms people write', () => {
    expect(parseSize('4K')).toBe(4096)
    expect(parseSize('2M')).toBe(2 * 1024 * 1024)
    expect(parseSize('16G')).toBe(16 * 2 ** 30)
    expect(parseSize('64 TiB')).toBe(64 * 2 ** 40)
    expect(parseSize('0x1000')).toBe(4096)
    expect(parseSize(4096)).toBe(4096)
    expect(parseSize('1_048_576')).toBe(1048576)
  })
  it('rejects what is not a size', () => {
    for (const bad of ['', 'abc', '-1', '1.5', '4Q', '0x']) expect(parseSize(bad)).toBeNull()
    expect(parseSize(2 ** 60)).toBeNull()
  })
  it('memparse() reads C integers with suffixes and returns the rest', () => {
    expect(memparse('636K@0x0')).toEqual({ value: 636 * 1024, rest: '@0x0' })
    expect(memparse('0x126a297d@0x100000')).toEqual({ value: 0x126a297d, rest: '@0x100000' })
    expect(memparse('1626M')).toEqual({ value: 1626 * 2 ** 20, rest: '' })
  })
  it('formats like printk %#018Lx', () => {
    expect(hexPad(0x1000, 18)).toBe('0x0000000000001000')
    expect(hexPad(0xa0000, 10)).toBe('0x000a0000')
  })
  it('fls64', () => {
    expect(fls64(0)).toBe(0)
    expect(fls64(0x3fffffff)).toBe(30)
    expect(fls64(2 ** 32)).toBe(33)
    expect(fls64(2 ** 52 - 1)).toBe(52)
  })
})

describe('parseRange: address ranges as typed for the map zoom and `export --zoom`', () => {
  it('reads START-END and START+SIZE', () => {
    expect(parseRange('0-4G')).toEqual({ start: 0, end: 4 * GiB })
    expect(parseRange(' 0x100000000 - 0x140000000 ')).toEqual({ start: 0x100000000, end: 0x140000000 })
    expect(parseRange('4G+1G')).toEqual({ start: 4 * GiB, end: 5 * GiB })
  })
  it('says what is wrong instead of guessing', () => {
    expect(parseRange('4G')).toEqual({ error: expect.stringMatching(/START-END or START\+SIZE/) })
    expect(parseRange('4G-1G')).toEqual({ error: expect.stringMatching(/above its start/) })
    expect(parseRange('1G-1G')).toEqual({ error: expect.stringMatching(/above its start/) })
    expect(parseRange('0x1zz-4G')).toHaveProperty('error')
    expect(parseRange('7P+2P')).toEqual({ error: expect.stringMatching(/2\^53/) })
  })
})

describe('numbers for people', () => {
  it('grouped(): thousands separated, any size', async () => {
    const { grouped } = await import('./units.ts')
    expect([grouped(0), grouped(999), grouped(1000), grouped(536235931), grouped(-1234567), grouped(2 ** 53)]).toEqual(['0', '999', '1,000', '536,235,931', '-1,234,567', '9,007,199,254,740,992'])
  })
  it('bytesText(): exact units plain, rounded ones with the bytes and never shown as a whole unit', async () => {
    const { bytesText } = await import('./units.ts')
    expect(bytesText(512)).toBe('512 bytes')
    expect(bytesText(65536 * 2 ** 20)).toBe('64 GiB')
    expect(bytesText(2 ** 20 / 16)).toBe('64 KiB')
    expect(bytesText(8585740288)).toBe('7.996 GiB (8,585,740,288 bytes)')
    expect(bytesText(34319892480)).toBe('31.96 GiB (34,319,892,480 bytes)')
    expect(bytesText(1536)).toBe('1.5 KiB (1,536 bytes)')
  })
  it('bytesParts(): the short figure, and the exact bytes apart for a tooltip only when it is rounded', async () => {
    const { bytesParts } = await import('./units.ts')
    expect(bytesParts(512)).toEqual({ text: '512 bytes', exact: null })
    expect(bytesParts(2 ** 27)).toEqual({ text: '128 MiB', exact: null })
    // 4,095,760 pages of 4 KiB: 15.624 GiB
    expect(bytesParts(4095760 * 4096)).toEqual({ text: '15.62 GiB', exact: '16,776,232,960 bytes' })
    // 2 TiB less 6.4 GiB of holes: 2 decimals would read "2.00 TiB", so three
    expect(bytesParts(2196422373376)).toEqual({ text: '1.998 TiB', exact: '2,196,422,373,376 bytes' })
  })
})

describe('one number format for people', () => {
  it('ranges as the kernel prints them, both ends inclusive', async () => {
    const { memRange, pfnRange, RANGE_LEGEND } = await import('./units.ts')
    // e820__print_table(): "[mem %#018Lx-%#018Lx]" of [addr, addr + size − 1]
    expect(memRange(0x100000000, 0x140000000)).toBe('[mem 0x0000000100000000-0x000000013fffffff]')
    expect(pfnRange(0x100000, 0x140000)).toBe('pfn [0x100000-0x13ffff]')
    expect(pfnRange(5, 5)).toBe('pfn [empty]')
    expect(RANGE_LEGEND).toMatch(/both ends inclusive/)
  })
  it('values: sizes in binary units (exact, or with the exact count), counts with separators, an order of −1 is none', async () => {
    const { valueText, deltaText, nidText, orderText, pagesText } = await import('./units.ts')
    expect(valueText(2097152, 'bytes')).toBe('2 MiB')
    expect(valueText(536235931, 'bytes')).toBe('511.39 MiB (536,235,931 bytes)')
    expect(valueText(536235931, 'count')).toBe('536,235,931')
    expect(valueText(1274880, 'pages')).toBe('1,274,880 pages')
    expect(valueText(-1, 'order')).toBe('none')
    expect(valueText(9, 'order')).toBe('9')
    expect(valueText(1.59012, 'percent')).toBe('1.59 %')
    expect(valueText('0xffffea0000000000', 'address')).toBe('0xffffea0000000000')
    expect(valueText(null)).toBe('—')
    // check values carry no unit: the name decides
    expect(valueText(65536, null, 'hugePageSize')).toBe('64 KiB')
    expect(valueText(281474976710656, null, 'maxBytes')).toBe('256 TiB')
    expect(valueText(-1, null, 'maxOrder')).toBe('none')
    expect(valueText(0x40000000000, null, 'vmemmapBase')).toBe('0x40000000000')
    expect(valueText(536235931, null, 'pages')).toBe('536,235,931')
    expect(deltaText(2097152, 'bytes')).toBe('+2 MiB')
    expect(deltaText(-1024, 'pages')).toBe('−1,024 pages')
    expect(deltaText(-3, 'order')).toBe('−3')
    expect(deltaText(0, 'bytes')).toBe('0')
    expect(deltaText(null)).toBe('')
    expect(nidText(-1)).toBe('no node')
    expect(nidText(2)).toBe('node 2')
    expect(orderText(-1)).toBe('none')
    expect(pagesText(1, 4096)).toBe('1 page (4 KiB)')
  })
})
