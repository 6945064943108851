// arm64 firmware maps -> memblock: the UEFI memory map (drivers/firmware/efi/efi-init.c
// reserve_regions()) and device-tree /memory and /reserved-memory nodes
// (drivers/of/fdt.c early_init_dt_add_memory_arch(), drivers/of/of_reserved_mem.c).

import type { FirmwareRange } from '../scenario/scenario.ts'
import { EFI_TYPES, rangeEnd } from '../scenario/scenario.ts'
import { MEMBLOCK_NOMAP, MemblockType, NO_NODE } from './memblock.ts'

/** efi_md_typeattr_format() type names, indexed by EFI memory type number */
export const EFI_TYPE_NAMES = [
  'Reserved',
  'Loader Code',
  'Loader Data',
  'Boot Code',
  'Boot Data',
  'Runtime Code',
  'Runtime Data',
  'Conventional',
  'Unusable',
  'ACPI Reclaim',
  'ACPI Mem NVS',
  'MMIO',
  'MMIO Port',
  'PAL Code',
  'Persistent',
  'Unaccepted'
] as const

/** Scenario names of the EFI memory types, in EFI type-number order */
export const EFI_SCENARIO_TYPES = EFI_TYPES

/** is_memory(): the descriptor can be mapped cacheable (WB, WT or WC). */
export function efiIsMemory(attrs: readonly string[]): boolean {
  return attrs.includes('WB') || attrs.includes('WT') || attrs.includes('WC')
}

/**
 * is_usable_memory(): loader/boot/conventional/ACPI-reclaim/persistent memory that is
 * WB-cacheable, and not soft-reserved (EFI_MEMORY_SP with soft reserve enabled).
 */
export function efiIsUsable(type: string, attrs: readonly string[], softReserve: boolean): boolean {
  switch (type) {
    case 'loader-code':
    case 'loader-data':
    case 'acpi-reclaim':
    case 'boot-code':
    case 'boot-data':
    case 'conventional':
    case 'persistent':
      if (softReserve && attrs.includes('SP')) return false
      return attrs.includes('WB')
    default:
      return false
  }
}

export interface Arm64MemblockOptions {
  pageSize: number
  /** CONFIG_EFI_SOFT_RESERVE and not efi=nosoftreserve */
  softReserve: boolean
  /** DT no-map reserved-memory: memblock_mark_nomap() (5.11+) or memblock_remove() (older) */
  dtNoMapMarksNomap: boolean
}

/** reserve_regions(): UEFI memory map -> memblock.memory with NOMAP for non-usable memory. */
export function efiReserveRegions(map: readonly FirmwareRange[], o: Arm64MemblockOptions): { memory: MemblockType; reserved: MemblockType } {
  const memory = new MemblockType('memory')
  const reserved = new MemblockType('reserved')
  const ps = o.pageSize
  // The kernel adds each descriptor, then marks it NOMAP; flags are only ever set here,
  // so the result is every descriptor added, then every NOMAP one marked: one sweep
  // each (MemblockType.addRanges), not an array insert per descriptor.
  const adds: { base: number; size: number }[] = []
  const nomap: { base: number; size: number }[] = []
  const reclaim: { base: number; size: number }[] = []
  for (const md of map) {
    const attrs = md.attrs ?? []
    // memrange_efi_to_native(): round outward to kernel pages
    const start = Math.floor(md.start / ps) * ps
    const end = Math.ceil(rangeEnd(md) / ps) * ps
    if (!efiIsMemory(attrs)) continue
    if (o.softReserve && attrs.includes('SP')) continue
    const added = dtAlignMemory(start, end - start, ps)
    if (added) adds.push(added)
    if (!efiIsUsable(md.type, attrs, o.softReserve)) nomap.push({ base: start, size: end - start })
    if (md.type === 'acpi-reclaim') reclaim.push({ base: start, size: end - start })
  }
  memory.addRanges(adds, NO_NODE)
  memory.setFlagRanges(nomap, MEMBLOCK_NOMAP, true)
  reserved.addRanges(reclaim, NO_NODE)
  return { memory, reserved }
}

/** early_init_dt_add_memory_arch(): page-align inward; null for a block it ignores (sub-page). */
function dtAlignMemory(base: number, size: number, ps: number): { base: number; size: number } | null {
  const off = base % ps
  if (size < ps - off) return null // "Ignoring memory block"
  if (off) {
    size -= ps - off
    base += ps - off
  }
  size = Math.floor(size / ps) * ps
  return size > 0 ? { base, size } : null
}

/** Device-tree boot: /memory nodes, then /reserved-memory no-map regions. */
export function dtMemblock(map: readonly FirmwareRange[], o: Arm64MemblockOptions): { memory: MemblockType; reserved: MemblockType } {
  const memory = new MemblockType('memory')
  const reserved = new MemblockType('reserved')
  // every /memory block, then the reserved-memory nodes; each kind in one sweep
  const adds: { base: number; size: number }[] = []
  for (const r of map) {
    const added = r.type === 'memory' ? dtAlignMemory(r.start, rangeEnd(r) - r.start, o.pageSize) : null
    if (added) adds.push(added)
  }
  memory.addRanges(adds, NO_NODE)
  const noMap = map.filter((r) => r.type === 'no-map').map((r) => ({ base: r.start, size: rangeEnd(r) - r.start }))
  // __reserved_mem_reserve_reg() -> early_init_dt_reserve_memory()
  if (o.dtNoMapMarksNomap) memory.setFlagRanges(noMap, MEMBLOCK_NOMAP, true)
  else memory.removeRanges(noMap)
  reserved.addRanges(
    map.filter((r) => r.type === 'reserved').map((r) => ({ base: r.start, size: rangeEnd(r) - r.start })),
    NO_NODE
  )
  return { memory, reserved }
}

/**
 * memblock_mem_limit_remove_map() for arm64 `mem=`: keep the first `limit` bytes of memory
 * counted in region order, drop everything above (NOMAP regions survive).
 */
export function memLimitRemoveMap(memory: MemblockType, limit: number): void {
  if (!limit) return
  let max = Infinity
  let left = limit
  for (const r of memory.regions) {
    if (left <= r.end - r.base) {
      max = r.base + left
      break
    }
    left -= r.end - r.base
  }
  if (max === Infinity) return
  // memblock_cap_memory_range(0, max)
  const [, endIdx] = memory.isolate(0, max)
  memory.regions = memory.regions.filter((r, i) => i < endIdx || (r.flags & MEMBLOCK_NOMAP) !== 0)
}

/**
 * Where the arm64 EFI stub left the running kernel image (_text.._end), read from the
 * Loader Code descriptors of the UEFI memory map (drivers/firmware/efi/libstub/arm64.c
 * handle_kernel_image()):
 *  - one Loader Code region: the image runs where the firmware loaded it, at the first
 *    64 KiB (EFI_KIMG_ALIGN) boundary inside it; the region holds the image plus 64 KiB
 *    of alignment slack (Debian 6.1, seen in the oracle's boots);
 *  - two or more: the stub copied the image into a region of its own from
 *    efi_random_alloc() / efi_allocate_pages_aligned(), aligned to 64 KiB (2 MiB without
 *    KASLR), and jumped there; the firmware's copy stays behind at its 4 KiB-aligned
 *    load address. The image is the whole aligned region (Debian 6.12, 7.2, 7.3).
 * `note` says when the map leaves it open.
 */
export function efiKernelImage(map: readonly FirmwareRange[]): { start: number; size: number; note?: string } | null {
  const code = map.filter((r) => r.type === 'loader-code')
  if (!code.length) return null
  const align = 0x10000
  if (code.length === 1) {
    const [r] = code
    const start = Math.ceil(r.start / align) * align
    const size = rangeEnd(r) - r.start - align
    return size > 0 ? { start, size } : null
  }
  const aligned = code.filter((r) => r.start % align === 0 && (rangeEnd(r) - r.start) % align === 0)
  const pick = aligned.length ? aligned.reduce((a, b) => (rangeEnd(b) - b.start > rangeEnd(a) - a.start ? b : a)) : code[0]
  const note =
    aligned.length === 1
      ? undefined
      : `${code.length} Loader Code regions and ${aligned.length} of them 64 KiB-aligned: the kernel image is taken as 0x${pick.start.toString(16)}-0x${(rangeEnd(pick) - 1).toString(16)} (give kernelImage if that is wrong)`
  return { start: pick.start, size: rangeEnd(pick) - pick.start, ...(note ? { note } : {}) }
}
