// loongarch memory: arch/loongarch/kernel/mem.c memblock_init() walks the UEFI memory map
// the boot loader passed (efi_init() in setup_arch()), and setup.c early_parse_mem()
// applies `mem=size@start`. Read at torvalds/linux 4fc4db7a68c2 (mem.c) and 06d074298583
// (setup.c); the rules hold since loongarch was merged (v5.19).

import type { FirmwareRange } from '../scenario/scenario.ts'
import { rangeEnd } from '../scenario/scenario.ts'
import { MemblockType, NO_NODE } from './memblock.ts'
import { memparse } from './units.ts'

/**
 * memblock_init(): loader code/data, boot services code/data, persistent and conventional
 * memory are memblock_add()ed; PAL code, unusable memory and ACPI reclaim memory are
 * added and reserved; reserved, runtime services code/data and MMIO are only reserved
 * (so they are not memory: holes in `Early memory node ranges`); ACPI NVS is neither.
 * EFI pages are 4 KiB: descriptors are added as they are, without rounding to the
 * kernel's page size (memblock's pfn ranges round inwards later).
 */
export function loongarchMemblockInit(map: readonly FirmwareRange[]): { memory: MemblockType; reserved: MemblockType } {
  const memory = new MemblockType('memory')
  const reserved = new MemblockType('reserved')
  for (const md of map) {
    const start = md.start
    const size = rangeEnd(md) - md.start
    switch (md.type) {
      case 'loader-code':
      case 'loader-data':
      case 'boot-code':
      case 'boot-data':
      case 'persistent':
      case 'conventional':
        memory.add(start, size, NO_NODE)
        break
      case 'pal-code':
      case 'unusable':
      case 'acpi-reclaim':
        memory.add(start, size, NO_NODE)
        reserved.add(start, size, NO_NODE)
        break
      case 'reserved':
      case 'runtime-code':
      case 'runtime-data':
      case 'mmio':
      case 'mmio-port':
        reserved.add(start, size, NO_NODE)
        break
    }
  }
  return { memory, reserved }
}

/**
 * early_parse_mem(): the first `mem=` removes all memory (memblock_remove() from the start
 * to the end of DRAM), then every `mem=size@start` adds [start, start + size). A value
 * without `@start` is refused ("Invalid format!") after the removal has happened.
 * arch_mem_init() → check_kernel_sections_mem() adds the kernel image back when it is not
 * in memory ("Kernel sections are not in the memory maps").
 */
export function loongarchMemArgs(memory: MemblockType, values: readonly string[]): { userMem: boolean; warnings: string[] } {
  const warnings: string[] = []
  let userMem = false
  for (const v of values) {
    if (!userMem) {
      userMem = true
      const start = memory.startOfDram()
      memory.remove(start, memory.endOfDram() - start)
    }
    const size = memparse(v)
    const at = size && size.rest.startsWith('@') ? memparse(size.rest.slice(1)) : null
    if (!size || !at) {
      warnings.push(`mem=${v}: loongarch takes mem=size@start; early_parse_mem() prints "Invalid format!" after it has already removed all memory`)
      continue
    }
    if (size.value > 0) memory.add(at.value, size.value, NO_NODE)
  }
  return { userMem, warnings }
}
