// arm64 UEFI and device-tree memory (drivers/firmware/efi/efi-init.c, drivers/of/fdt.c).
import { describe, expect, it, vi } from 'vitest'
import type { FirmwareRange } from '../scenario/scenario.ts'
import { dtMemblock, efiIsMemory, efiIsUsable, efiKernelImage, efiReserveRegions, memLimitRemoveMap } from './efi.ts'
import { MEMBLOCK_NOMAP, MemblockType, flagNames } from './memblock.ts'

const K = 1024
const opts = (pageSize: number) => ({ pageSize, softReserve: true, dtNoMapMarksNomap: true })
const regions = (m: { regions: { base: number; end: number; flags: number }[] }) => m.regions.map((r) => [r.base.toString(16), r.end.toString(16), flagNames(r.flags).join('|')])

describe('reserve_regions()', () => {
  it('is_memory: WB, WT or WC; is_usable_memory: usable types with WB, not soft-reserved', () => {
    expect(efiIsMemory(['WC'])).toBe(true)
    expect(efiIsMemory(['UC'])).toBe(false)
    expect(efiIsUsable('conventional', ['WB'], true)).toBe(true)
    expect(efiIsUsable('conventional', ['WB', 'SP'], true)).toBe(false)
    expect(efiIsUsable('runtime-code', ['WB', 'RUN'], true)).toBe(false)
    expect(efiIsUsable('acpi-reclaim', ['WB'], true)).toBe(true)
  })
  it('runtime regions stay memory as NOMAP islands; MMIO (UC) is not memory; WC flash is NOMAP memory', () => {
    const map: FirmwareRange[] = [
      { start: 0x4000000, size: 64 * K * K, type: 'mmio', attrs: ['RUN', 'WC'] },
      { start: 0x9010000, size: 4 * K, type: 'mmio', attrs: ['RUN', 'UC'] },
      { start: 0x40000000, end: 0x5c440000, type: 'conventional', attrs: ['WB'] },
      { start: 0x5c440000, end: 0x5c4c0000, type: 'runtime-code', attrs: ['RUN', 'WB'] },
      { start: 0x5c4c0000, end: 0x60000000, type: 'boot-data', attrs: ['WB'] }
    ]
    const { memory, reserved } = efiReserveRegions(map, opts(4 * K))
    expect(regions(memory)).toEqual([
      ['4000000', '8000000', 'NOMAP'],
      ['40000000', '5c440000', ''],
      ['5c440000', '5c4c0000', 'NOMAP'],
      ['5c4c0000', '60000000', '']
    ])
    expect(reserved.regions).toEqual([])
  })
  it('64K pages: descriptors are rounded outward, so a NOMAP descriptor sharing a page makes the page NOMAP', () => {
    const map: FirmwareRange[] = [
      { start: 0x40000000, end: 0x40012000, type: 'conventional', attrs: ['WB'] },
      { start: 0x40012000, end: 0x40013000, type: 'runtime-data', attrs: ['RUN', 'WB'] },
      { start: 0x40013000, end: 0x40100000, type: 'conventional', attrs: ['WB'] }
    ]
    const { memory } = efiReserveRegions(map, opts(64 * K))
    expect(regions(memory)).toEqual([
      ['40000000', '40010000', ''],
      ['40010000', '40020000', 'NOMAP'],
      ['40020000', '40100000', '']
    ])
  })
  it('finds the kernel image 64 KiB-aligned inside the largest Loader Code allocation', () => {
    expect(efiKernelImage([{ start: 0xb04a2000, last: 0xb24c1fff, type: 'loader-code', attrs: ['WB'] }])).toEqual({ start: 0xb04b0000, size: 0x2010000 })
  })
})

describe('device tree', () => {
  it('memory nodes are page-aligned inward; no-map is NOMAP from 5.11 and a hole before', () => {
    const map: FirmwareRange[] = [
      { start: 0x80000800, end: 0x90000000, type: 'memory' },
      { start: 0x88000000, size: 0x100000, type: 'no-map' }
    ]
    expect(regions(dtMemblock(map, opts(4 * K)).memory)).toEqual([
      ['80001000', '88000000', ''],
      ['88000000', '88100000', 'NOMAP'],
      ['88100000', '90000000', '']
    ])
    expect(regions(dtMemblock(map, { ...opts(4 * K), dtNoMapMarksNomap: false }).memory)).toEqual([
      ['80001000', '88000000', ''],
      ['88100000', '90000000', '']
    ])
  })
  it('mem= keeps the first N bytes of memory in region order and every NOMAP region', () => {
    const { memory } = efiReserveRegions(
      [
        { start: 0x40000000, end: 0x80000000, type: 'conventional', attrs: ['WB'] },
        { start: 0xbff00000, end: 0xbff10000, type: 'runtime-code', attrs: ['RUN', 'WB'] },
        { start: 0xbff10000, end: 0xc0000000, type: 'conventional', attrs: ['WB'] }
      ],
      opts(4 * K)
    )
    memLimitRemoveMap(memory, 512 * K * K)
    expect(regions(memory)).toEqual([
      ['40000000', '60000000', ''],
      ['bff00000', 'bff10000', 'NOMAP']
    ])
    expect(memory.regions[1].flags & MEMBLOCK_NOMAP).toBeTruthy()
  })
})

describe('efiKernelImage(): where the EFI stub left the running image', () => {
  const lc = (start: number, last: number) => ({ start, last, type: 'loader-code' as const, attrs: ['WB' as const] })
  it('one Loader Code region (Debian 6.1): the first 64 KiB boundary inside it, less 64 KiB of slack', () => {
    // 6.1.176 boot arm64-s401-001: Loader Code 0x11bba2000-0x11dbc1fff; /proc/iomem puts
    // the image (System RAM around Kernel code) at 0x11bbb0000-0x11dbbffff
    expect(efiKernelImage([lc(0x11bba2000, 0x11dbc1fff)])).toEqual({ start: 0x11bbb0000, size: 0x2010000 })
  })
  it("two (Debian 6.12, 7.x): the stub's own 64 KiB-aligned copy, whole; the firmware's copy stays behind", () => {
    // 7.2.13 boot arm64-s401-001: Kernel code starts at 0x114000000, Kernel data ends at 0x116efffff
    expect(efiKernelImage([lc(0x114000000, 0x116efffff), lc(0x117007000, 0x119f16fff)])).toEqual({ start: 0x114000000, size: 0x2f00000 })
    // arm64-s401-013 lists the copy second
    expect(efiKernelImage([lc(0x4520a000, 0x47719fff), lc(0x49e00000, 0x4c2fffff)])).toEqual({ start: 0x49e00000, size: 0x2500000 })
  })
  it('says so when the map leaves it open', () => {
    expect(efiKernelImage([lc(0x100000000, 0x101ffffff), lc(0x200000000, 0x201ffffff)])!.note).toMatch(/2 of them 64 KiB-aligned/)
  })
})

describe('firmware maps of any size', () => {
  // 2000 descriptors, unsorted: the memblock arrays are built in a constant number of
  // sweeps, never an insert or a merge per descriptor (that was quadratic: 40000 UEFI
  // descriptors took 37 s). Counted, not timed.
  it('reserve_regions() and the device-tree path use a constant number of memblock passes', () => {
    const map: FirmwareRange[] = []
    const dt: FirmwareRange[] = []
    for (let i = 0; i < 1000; i++) {
      const a = 0x40000000 + ((i * 7919) % 1000) * 0x200000
      map.push({ start: a, size: 0x1ff000, type: 'conventional', attrs: ['WB'] }, { start: a + 0x1ff000, size: 0x1000, type: 'runtime-data', attrs: ['RUN', 'WB'] })
      dt.push({ start: a, size: 0x200000, type: 'memory' }, { start: a + 0x1ff000, size: 0x1000, type: 'no-map' })
    }
    const calls = (['add', 'setFlag', 'remove', 'isolate', 'mergeAll'] as const).map((m) => vi.spyOn(MemblockType.prototype, m))
    try {
      const { memory } = efiReserveRegions(map, opts(4 * K))
      expect(memory.regions.length).toBe(2000)
      expect(memory.regions.filter((r) => r.flags & MEMBLOCK_NOMAP).length).toBe(1000)
      expect(dtMemblock(dt, opts(4 * K)).memory.regions.length).toBe(2000)
      expect(dtMemblock(dt, { ...opts(4 * K), dtNoMapMarksNomap: false }).memory.regions.length).toBe(1000)
      const [add, setFlag, remove, isolate, mergeAll] = calls.map((c) => c.mock.calls.length)
      expect({ add, setFlag, remove, isolate }).toEqual({ add: 0, setFlag: 0, remove: 0, isolate: 0 })
      expect(mergeAll).toBeLessThanOrEqual(8)
    } finally {
      for (const c of calls) c.mockRestore()
    }
  })
})
