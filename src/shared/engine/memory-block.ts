// Memory blocks: what /sys/devices/system/memory holds at the end of boot.
//  - block_size_bytes: memory_block_size_bytes() (drivers/base/memory.c; x86_64
//    probe_memory_block_size() in arch/x86/mm/init_64.c)
//  - which memoryN exist: memory_dev_init(): every block with a present section
//  - their node links: node_dev_init() (drivers/base/node.c), by version profile
//  - valid_zones of an online boot block: early_node_zone_for_memory_block(): the one
//    populated zone whose span meets the block, else "none" (also when the block joins
//    two nodes); 395f6081bad4 "drivers/base/memory: determine and store zone for
//    single-zone memory blocks" (in v5.19)
// Blocks are returned as runs of equal blocks, never one entry per block.

import type { Model } from './model.ts'
import { firstEndingAfter, overlapping, type Interval } from './sections.ts'
import { GiB, MiB } from './units.ts'

export interface MemoryBlockSize {
  /** null: not known from the layout (the note says why) */
  bytes: number | null
  rule: string
  ref: string
  note?: string
}

/** Consecutive existing blocks with the same nodes and valid_zones (ids inclusive). */
export interface MemoryBlockRun {
  first: number
  last: number
  /** phys_index of the first block: its first section number */
  firstSection: number
  nodes: number[]
  /** valid_zones as sysfs prints it for an online boot block */
  validZones: string
}

export interface MemoryBlocks {
  size: MemoryBlockSize
  /** memoryN entries */
  count: number
  runs: MemoryBlockRun[]
  /** how blocks join nodes in this version (profile) */
  nodeRule: string
}

/** x86_64 MEM_SIZE_FOR_LARGE_BLOCK and MAX_BLOCK_SIZE (arch/x86/mm/init_64.c) */
const X86_LARGE_BLOCK_MEM = 64 * GiB
const X86_MAX_BLOCK = 2 * GiB

/**
 * memory_block_size_bytes(). The generic one is MIN_MEMORY_BLOCK_SIZE = the section size
 * (arm64, riscv); x86_64's probe_memory_block_size(): 128 MiB below 64 GiB of boot
 * memory, else 2 GiB on bare metal, and under a hypervisor the largest size from 2 GiB
 * down that divides the end of boot memory. A size the platform sets (UV, ACPI CFMWS
 * advice from 6.14, powerpc's LMB size) comes from config.memoryBlockSize.
 */
export function memoryBlockSize(m: Model): MemoryBlockSize {
  const section = 2 ** m.sectionSizeBits
  const given = m.config.memoryBlockSize
  if (given) return { bytes: given, rule: 'set by the platform (config.memoryBlockSize)', ref: 'memory_block_size_bytes()' }
  switch (m.scenario.arch) {
    case 'x86_64': {
      const ref = 'probe_memory_block_size() (arch/x86/mm/init_64.c)'
      const end = m.maxPfn * m.pageSize
      if (end < X86_LARGE_BLOCK_MEM) return { bytes: section, rule: 'boot memory ends below 64 GiB: MIN_MEMORY_BLOCK_SIZE', ref }
      const aligned = (): number => {
        let bz = X86_MAX_BLOCK
        while (bz > section && end % bz !== 0) bz /= 2
        return bz
      }
      const rule = m.profile.x86MemoryBlock
      if (rule === 'large-2g') return { bytes: X86_MAX_BLOCK, rule: '64 GiB or more: 2 GiB (before 4.18)', ref }
      if (rule === 'aligned') return { bytes: aligned(), rule: '64 GiB or more: the largest size ≤ 2 GiB dividing the end of memory (4.18–5.8)', ref }
      if (m.config.hypervisor === false) return { bytes: X86_MAX_BLOCK, rule: '64 GiB or more on bare metal: MAX_BLOCK_SIZE (2 GiB)', ref }
      if (m.config.hypervisor === true) return { bytes: aligned(), rule: '64 GiB or more under a hypervisor: the largest size ≤ 2 GiB dividing the end of memory', ref }
      return {
        bytes: null,
        rule: '64 GiB or more: depends on X86_FEATURE_HYPERVISOR',
        ref,
        note: `2048 MiB on bare metal, ${aligned() / MiB} MiB under a hypervisor (set config.hypervisor; a log's "Hypervisor detected" or "x86/mm: Memory block size" line says which)`
      }
    }
    case 's390':
      // drivers/s390/char/sclp_cmd.c memory_block_size_bytes(): max(MIN_MEMORY_BLOCK_SIZE,
      // sclp.rzm): the section while the storage increment is not larger (every recorded
      // QEMU boot, 256 MiB to 5.6 GiB, shows block_size_bytes = the section); a larger
      // increment (an LPAR's) comes from config.memoryBlockSize
      return { bytes: section, rule: 'max(MIN_MEMORY_BLOCK_SIZE, storage increment): the section size', ref: 'memory_block_size_bytes() (drivers/s390/char/sclp_cmd.c)' }
    case 'arm64':
    case 'riscv64':
    case 'loongarch64':
      return { bytes: section, rule: 'MIN_MEMORY_BLOCK_SIZE = 1 << SECTION_SIZE_BITS', ref: 'memory_block_size_bytes() (drivers/base/memory.c, no arch override)' }
    default:
      return {
        bytes: null,
        rule: 'not modelled for this architecture',
        ref: 'memory_block_size_bytes()',
        note: `${m.scenario.arch}: memory blocks are not modelled (powerpc takes the LMB size from the device tree; 32-bit arches have no memory hotplug)`
      }
  }
}

/** A pfn boundary where the block classification may change. */
function boundaries(m: Model): number[] {
  const out: number[] = []
  for (const r of m.ranges) out.push(r.start, r.end)
  for (const n of m.nodes) {
    out.push(n.start, n.end)
    for (const z of n.zones) if (z.spanned) out.push(z.start, z.start + z.spanned)
  }
  return out
}

interface BlockClass {
  nodes: number[]
  zone: string
}

/** nodes and valid_zones of the block [bs, be) (pfns) whose present sections are `present` (pfns). */
function classify(m: Model, bs: number, be: number, present: Interval[], holesInPresent: boolean, firstOnline: number): BlockClass {
  const nodes: number[] = []
  for (const n of m.nodes) {
    if (n.end <= n.start) continue
    // n.ranges is in address order (memblock order): one binary search
    const i = firstEndingAfter(n.ranges, bs)
    const own = i < n.ranges.length && n.ranges[i].start < be
    let linked: boolean
    if (m.profile.memoryBlockNodes === 'memblock-regions') linked = own
    else {
      // register_memory_blocks_under_node(): only blocks inside the node's span are
      // walked; then a pfn of a present section whose node is N links the block
      const inSpan = n.start < be && n.end > bs
      const holeNid = m.config.deferredStructPageInit ? firstOnline : null
      linked = inSpan && (own || (holesInPresent && holeNid === n.nid) || (holeNid === null && holeOwnedBy(m, present, n.nid)))
    }
    if (linked) nodes.push(n.nid)
  }
  let zone = 'none'
  if (nodes.length === 1) {
    const node = m.nodes.find((n) => n.nid === nodes[0])!
    const zones = node.zones.filter((z) => z.present > 0 && z.spanned > 0 && z.start < be && z.start + z.spanned > bs)
    if (zones.length === 1) zone = zones[0].name
  }
  return { nodes, zone }
}

/** Without DEFERRED_STRUCT_PAGE_INIT pfn_to_nid() of a hole is the node memmap_init() gave it. */
function holeOwnedBy(m: Model, present: Interval[], nid: number): boolean {
  return m.holes.perHole.some((h) => h.nid === nid && present.some((p) => p.start < h.end && p.end > h.start))
}

export function memoryBlocks(m: Model): MemoryBlocks {
  const size = memoryBlockSize(m)
  const nodeRule = m.profile.memoryBlockNodes === 'memblock-regions' ? 'register_memory_blocks_under_nodes(): by memblock region' : 'register_mem_block_under_node_early(): by pfn'
  if (size.bytes === null) return { size, count: 0, runs: [], nodeRule }
  const spb = Math.max(1, size.bytes / 2 ** m.sectionSizeBits)
  const pps = m.pagesPerSection
  const bp = spb * pps
  const firstOnline = m.nodes.length ? Math.min(...m.nodes.map((n) => n.nid)) : 0
  // memory as pfn intervals, to tell holes inside present sections
  const mem = m.ranges.map((r) => ({ start: r.start, end: r.end })).sort((a, b) => a.start - b.start)
  // blocks holding a boundary are looked at one by one; the stretches between them are uniform
  const special = new Set(boundaries(m).map((p) => Math.floor(p / bp)))
  const runs: MemoryBlockRun[] = []
  let count = 0
  const push = (first: number, last: number, c: BlockClass): void => {
    count += last - first + 1
    const prev = runs[runs.length - 1]
    if (prev && prev.last === first - 1 && prev.validZones === c.zone && prev.nodes.join() === c.nodes.join()) prev.last = last
    else runs.push({ first, last, firstSection: first * spb, nodes: c.nodes, validZones: c.zone })
  }
  const sectionPfns = m.sections.map((s) => ({ start: s.start * pps, end: s.end * pps }))
  const evaluate = (block: number): BlockClass => {
    const bs = block * bp
    const be = bs + bp
    const present = overlapping(sectionPfns, bs, be)
    const inMem = present.reduce((a, p) => a + overlapping(mem, p.start, p.end).reduce((x, i) => x + i.end - i.start, 0), 0)
    const presentPfns = present.reduce((a, p) => a + p.end - p.start, 0)
    const c = classify(m, bs, be, present, inMem < presentPfns, firstOnline)
    // without CONFIG_NUMA there is no drivers/base/node.c (obj-$(CONFIG_NUMA) += node.o):
    // include/linux/node.h's register_memory_blocks_under_node*() stubs link no block
    // (s390: no memoryN/nodeN links in sysfs, Debian 6.1, 6.12 and 7.2 boots)
    return m.config.numa ? c : { ...c, nodes: [] }
  }
  // blocks with a present section, as runs of block ids
  const blockRuns: Interval[] = []
  for (const s of m.sections) {
    const a = Math.floor(s.start / spb)
    const b = Math.floor((s.end - 1) / spb) + 1
    const last = blockRuns[blockRuns.length - 1]
    if (last && a <= last.end) last.end = Math.max(last.end, b)
    else blockRuns.push({ start: a, end: b })
  }
  const specials = [...special].sort((a, b) => a - b)
  let si = 0
  for (const r of blockRuns) {
    let at = r.start
    while (si < specials.length && specials[si] < at) si++
    // the specials inside this run split it into single blocks and uniform stretches
    for (; si < specials.length && specials[si] < r.end; si++) {
      const sp = specials[si]
      if (sp > at) push(at, sp - 1, evaluate(at))
      push(sp, sp, evaluate(sp))
      at = sp + 1
    }
    if (at < r.end) push(at, r.end - 1, evaluate(at))
  }
  return { size, count, runs, nodeRule }
}
