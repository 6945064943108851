// s390 physical memory: no firmware map. The decompressor asks what storage is online
// (arch/s390/boot/physmem_info.c detect_physmem_online_ranges(): SCLP storage
// information, diag 260, or probing with tprot; mem_detect.c before 6.5) and hands the
// ranges to the kernel, which adds them to memblock (setup.c
// memblock_add_physmem_info(); memblock_add_mem_detect_info() before 6.5). A scenario
// gives them as `kind: dt` `memory` ranges. `mem=` is a physical address cap, not a size:
// arch/s390/boot/ipl_parm.c parse_boot_command_line() takes
// memory_limit = round_down(memparse(val), PAGE_SIZE), setup_ident_map_size() (boot/
// startup.c) makes ident_map_size = min(end of online storage, memory_limit), and
// setup_memory_end() (kernel/setup.c) removes everything above it from memblock and
// prints "The maximum memory size is %luMB" (ident_map_size >> 20).

import type { FirmwareRange } from '../scenario/scenario.ts'
import { rangeEnd } from '../scenario/scenario.ts'
import { MemblockType, NO_NODE } from './memblock.ts'
import { memparse } from './units.ts'

export interface S390Physmem {
  memory: MemblockType
  reserved: MemblockType
  /** ident_map_size: the end of the identity mapping (bytes) */
  identMapSize: number
  /** mem= as the boot code took it (null: none, or 0, which means no limit) */
  memoryLimit: number | null
  warnings: string[]
}

/** A range that is not online storage: s390 has no reserved or no-map firmware ranges. */
export class S390RangeError extends Error {
  constructor(
    message: string,
    readonly index: number
  ) {
    super(message)
  }
}

/**
 * The online storage ranges as memblock, capped by mem=. Storage increments are whole
 * megabytes, so the ranges are page-aligned already; a range that is not is rounded
 * inwards to pages, as the boot code only ever reports whole increments.
 */
export function s390Physmem(map: readonly FirmwareRange[], memArgs: readonly string[], pageSize: number): S390Physmem {
  const memory = new MemblockType('memory')
  const reserved = new MemblockType('reserved')
  const warnings: string[] = []
  map.forEach((r, i) => {
    if (r.type !== 'memory') throw new S390RangeError(`s390 has no firmware memory map: its ranges are the online storage the boot code detected (type: memory), not ${r.type}`, i)
    const start = Math.ceil(r.start / pageSize) * pageSize
    const end = Math.floor(rangeEnd(r) / pageSize) * pageSize
    if (end > start) memory.add(start, end - start, NO_NODE)
  })
  const onlineEnd = memory.endOfDram()
  // parse_boot_command_line(): every mem= is parsed, the last one wins
  let memoryLimit: number | null = null
  for (const v of memArgs) {
    const m = memparse(v)
    if (!m) {
      warnings.push(`mem=${v}: not a size; the boot code's memparse() reads 0 (no limit)`)
      memoryLimit = null
      continue
    }
    const limit = Math.floor(m.value / pageSize) * pageSize
    memoryLimit = limit || null
  }
  const identMapSize = memoryLimit !== null ? Math.min(onlineEnd, memoryLimit) : onlineEnd
  // setup_memory_end(): memblock_remove(ident_map_size, PHYS_ADDR_MAX - ident_map_size)
  memory.remove(identMapSize, Number.MAX_SAFE_INTEGER - identMapSize)
  return { memory, reserved, identMapSize, memoryLimit, warnings }
}
