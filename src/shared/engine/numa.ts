// NUMA: SRAT-like affinity ranges -> node ids on memblock.memory, with the coverage
// checks that make the kernel give up and fake a single node.
//   x86:   arch/x86/mm/numa.c numa_init() -> numa_cleanup_meminfo(),
//          numa_register_memblks(), numa_meminfo_cover_memory(); dummy_numa_init()
//   arm64: drivers/base/arch_numa.c numa_init() -> numa_add_memblk(),
//          numa_register_nodes(); dummy_numa_init()

import { MEMBLOCK_HOTPLUG, MemblockType, NO_NODE, memPfnRanges, type MemPfnRange } from './memblock.ts'
import type { X86NumaCoverage } from './profiles.ts'
import { firstEndingAfter } from './sections.ts'
import { hexPad } from './units.ts'

export interface NumaBlock {
  nid: number
  start: number
  end: number
  hotplug: boolean
}

export interface NumaResult {
  /** online nodes with memory, ascending */
  nodes: number[]
  /** possible nodes that have no memory (CPU-only or fully outside memblock) */
  memorylessNodes: number[]
  faked: boolean
  /** lines printed on the way (NUMA: …) — informative, not compared */
  log: string[]
  warnings: string[]
}

/** NODE_MIN_SIZE: x86 ignores nodes smaller than 4 MiB. */
const NODE_MIN_SIZE = 4 * 1024 * 1024

function absentPfns(ranges: MemPfnRange[], nid: number | null, s: number, e: number): number {
  // __absent_pages_in_range(): pfns in [s,e) not covered by memory ranges of nid
  let present = 0
  // ranges are sorted: start at the first one ending after s
  for (let i = firstEndingAfter(ranges, s); i < ranges.length && ranges[i].start < e; i++) {
    const r = ranges[i]
    if (nid !== null && r.nid !== nid) continue
    const a = Math.max(r.start, s)
    const b = Math.min(r.end, e)
    if (a < b) present += b - a
  }
  return e - s - present
}

export interface NumaOptions {
  pageShift: number
  maxPfn: number
  numaEnabled: boolean
  maxNumNodes: number
  /** nodes SRAT names for CPUs only (possible nodes without memory affinity) */
  cpuNodes: number[]
  nodeMinSize: boolean
  coverage: X86NumaCoverage
  clipToDram: boolean
}

export function numaInit(style: 'x86' | 'memblk', memory: MemblockType, blocks: NumaBlock[] | null, opts: NumaOptions): NumaResult {
  const res: NumaResult = { nodes: [], memorylessNodes: [], faked: false, log: [], warnings: [] }
  const ps = 2 ** opts.pageShift
  const fake = (why: string | null): NumaResult => {
    // dummy_numa_init(): one node over everything; x86's numa_init() clears SRAT's
    // hotplug marks before trying the next init method
    if (style === 'x86') memory.setFlag(0, 2 ** 62, MEMBLOCK_HOTPLUG, false)
    memory.setNode(0, 2 ** 62, 0)
    res.memorylessNodes = []
    res.faked = true
    if (why) res.warnings.push(why)
    if (style === 'x86') {
      res.log.push('No NUMA configuration found')
      res.log.push(`Faking a node at [mem ${hexPad(0, 18)}-${hexPad(opts.maxPfn * ps - 1, 18)}]`)
    } else {
      if (!blocks || !blocks.length) res.log.push('NUMA: No NUMA configuration found')
      res.log.push(`NUMA: Faking a node at [mem ${hexPad(memory.startOfDram(), 18)}-${hexPad(memory.endOfDram() - 1, 18)}]`)
    }
    res.nodes = memory.regions.length ? [0] : []
    return res
  }
  if (!opts.numaEnabled || !blocks || blocks.length === 0) return fake(null)

  if (style === 'x86') {
    // numa_init(): every region starts without a node; SRAT hotplug ranges get the flag
    memory.setNode(0, 2 ** 62, NO_NODE)
    let mi = blocks.filter((b) => b.end > b.start).map((b) => ({ ...b }))
    for (const b of mi) if (b.hotplug) memory.setFlag(b.start, b.end - b.start, MEMBLOCK_HOTPLUG, true)
    // numa_cleanup_meminfo(): drop blocks without memory, clip to [0, max_pfn) (6.12+:
    // to [start, end) of DRAM), merge same-node blocks
    const low = opts.clipToDram ? memory.startOfDram() : 0
    const high = opts.clipToDram ? memory.endOfDram() : opts.maxPfn * ps
    mi = mi.filter((b) => memory.overlaps(b.start, b.end))
    for (const b of mi) {
      if (b.start < low) b.start = low
      if (b.end > high) b.end = high
    }
    mi = mi.filter((b) => b.start < b.end)
    for (let i = 0; i < mi.length; i++) {
      for (let j = i + 1; j < mi.length; j++) {
        const bi = mi[i]
        const bj = mi[j]
        if (bi.end > bj.start && bi.start < bj.end && bi.nid !== bj.nid) {
          return fake(
            `NUMA: node ${bi.nid} [mem ${hexPad(bi.start, 10)}-${hexPad(bi.end - 1, 10)}] overlaps with node ${bj.nid} [mem ${hexPad(bj.start, 10)}-${hexPad(bj.end - 1, 10)}]; SRAT not used`
          )
        }
        if (bi.nid !== bj.nid) continue
        const start = Math.min(bi.start, bj.start)
        const end = Math.max(bi.end, bj.end)
        if (mi.some((bk) => bk.nid !== bi.nid && start < bk.end && end > bk.start)) continue
        res.log.push(
          `NUMA: Node ${bi.nid} [mem ${hexPad(bi.start, 10)}-${hexPad(bi.end - 1, 10)}] + [mem ${hexPad(bj.start, 10)}-${hexPad(bj.end - 1, 10)}] -> [mem ${hexPad(start, 10)}-${hexPad(end - 1, 10)}]`
        )
        bi.start = start
        bi.end = end
        mi.splice(j, 1)
        j--
      }
    }
    // numa_register_memblks()
    memory.setNodes(mi)
    const slack = 2 ** (20 - opts.pageShift)
    if (opts.coverage === 'meminfo') {
      // numa_meminfo_cover_memory(): allow less than 1 MiB of e820 RAM outside every node
      const ranges = memPfnRanges(memory, opts.pageShift)
      let numaram = 0
      for (const b of mi) {
        const s = Math.floor(b.start / ps)
        const e = Math.floor(b.end / ps)
        numaram += e - s - absentPfns(ranges, b.nid, s, e)
        if (numaram < 0) numaram = 0
      }
      const e820ram = opts.maxPfn - absentPfns(ranges, null, 0, opts.maxPfn)
      if (e820ram - numaram >= slack) {
        return fake(`NUMA: nodes only cover ${Math.floor((numaram * ps) / 2 ** 20)}MB of your ${Math.floor((e820ram * ps) / 2 ** 20)}MB e820 RAM. Not used.`)
      }
    } else {
      // memblock_validate_numa_coverage(SZ_1M): pages of memory regions without a node
      let nodeless = 0
      let total = 0
      for (const r of memPfnRanges(memory, opts.pageShift)) {
        total += r.end - r.start
        if (r.nid === NO_NODE) nodeless += r.end - r.start
      }
      if (opts.coverage === 'memblock' ? nodeless >= slack : nodeless > slack) {
        return fake(`NUMA: no nodes coverage for ${Math.floor((nodeless * ps) / 2 ** 20)}MB of ${Math.floor((total * ps) / 2 ** 20)}MB RAM`)
      }
    }
    // numa_register_memblks(): possible nodes are those SRAT named (memory or CPUs)
    const possible = [...new Set([...blocks.map((b) => b.nid), ...opts.cpuNodes])].sort((a, b) => a - b)
    for (const nid of possible) {
      let start = high
      let end = 0
      for (const b of mi) {
        if (b.nid !== nid) continue
        start = Math.min(start, b.start)
        end = Math.max(end, b.end)
      }
      if (start >= end || (opts.nodeMinSize && end - start < NODE_MIN_SIZE)) res.memorylessNodes.push(nid)
      else res.nodes.push(nid)
    }
    return res
  }

  // arm64: numa_add_memblk() sets the node directly on memblock.memory
  const parsed = new Set<number>()
  memory.setNodes(blocks)
  for (const b of blocks) if (b.end > b.start) parsed.add(b.nid)
  // numa_register_nodes(): every region needs a valid node
  for (const r of memory.regions) {
    if (r.nid === NO_NODE || r.nid >= opts.maxNumNodes) {
      const shown = r.nid === NO_NODE ? opts.maxNumNodes : r.nid
      res.log.push(`NUMA: Warning: invalid memblk node ${shown} [mem ${hexPad(r.base, 18)}-${hexPad(r.end - 1, 18)}]`)
      return fake(`memory [mem ${hexPad(r.base, 18)}-${hexPad(r.end - 1, 18)}] is outside every NUMA node: the kernel ignores the NUMA description and fakes one node`)
    }
  }
  for (const nid of opts.cpuNodes) parsed.add(nid)
  for (const nid of [...parsed].sort((a, b) => a - b)) {
    if (memory.regions.some((r) => r.nid === nid)) res.nodes.push(nid)
    else res.memorylessNodes.push(nid)
  }
  return res
}
