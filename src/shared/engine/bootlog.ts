// The boot-log lines the kernel prints about the layout, in the kernel's order and
// format. A `?` stands for a number the memory map alone cannot determine (it depends
// on where the kernel put its own allocations); diffs treat it as "any number".

import { hugetlbVmemmapLine } from './hugetlb.ts'
import { hvoArchAvailability } from './memmap/hvo.ts'
import { memoryBlockSize } from './memory-block.ts'
import type { Model } from './model.ts'
import { hexPad } from './units.ts'
import { calcMemmapSize } from './zones.ts'

export type LineKind =
  'zone-ranges' | 'movable' | 'early-node-ranges' | 'initmem' | 'totalpages' | 'memmap' | 'dma-reserved' | 'memmap-exceeds' | 'holes' | 'memory' | 'memory-block-size' | 'hugetlb-vmemmap'

export interface BootLine {
  kind: LineKind
  text: string
}

/** `%#018Lx` */
const h18 = (v: number): string => hexPad(v, 18)

export function bootlogLines(m: Model): BootLine[] {
  const out: BootLine[] = []
  const ps = m.pageSize
  const push = (kind: LineKind, text: string): void => {
    // a template literal is a tree of string pieces (~370 bytes a line); reading a
    // character flattens it in place to one string, so 10^6 hole lines stay ~100 MB
    text.charCodeAt(0)
    out.push({ kind, text })
  }

  // free_area_init(): Zone ranges, Movable zone start, Early memory node ranges
  push('zone-ranges', 'Zone ranges:')
  for (const b of m.bounds) {
    if (b.name === 'Movable') continue
    const name = `  ${b.name.padEnd(8)} `
    push('zone-ranges', b.lowest === b.highest ? `${name}empty` : `${name}[mem ${h18(b.lowest * ps)}-${h18(b.highest * ps - 1)}]`)
  }
  push('movable', 'Movable zone start for each node')
  for (const [nid, pfn] of [...m.movableStarts].sort((a, b) => a[0] - b[0])) push('movable', `  Node ${nid}: ${h18(pfn * ps)}`)
  push('early-node-ranges', 'Early memory node ranges')
  for (const r of m.ranges) push('early-node-ranges', `  node ${String(r.nid).padStart(3)}: [mem ${h18(r.start * ps)}-${h18(r.end * ps - 1)}]`)

  // ≤5.10.0: one total, before the node loop
  if (m.holes.total) {
    const msg = m.profile.holeMessage === 'reserved-but-unavailable' ? 'Reserved but unavailable' : 'Zeroed struct page in unavailable ranges'
    push('holes', `${msg}: ${m.holes.total} pages`)
  }

  // free_area_init_node() per online node
  let perZone = 0
  const memoryless = (nid: number): boolean => m.numa.memorylessNodes.includes(nid)
  for (const node of m.nodes) {
    // before 5.18 an offline memoryless node is set up later (x86 init_memory_less_node())
    if (memoryless(node.nid) && !m.profile.initmemMemoryless && !m.preset.memorylessOnline) continue
    if (node.start === node.end && m.profile.initmemMemoryless) push('initmem', `Initmem setup node ${node.nid} as memoryless`)
    else push('initmem', `Initmem setup node ${node.nid} [mem ${h18(node.start * ps)}-${h18(node.end ? node.end * ps - 1 : 0)}]`)
    if (!m.profile.memmapDebugLines && m.profile.holeMessage !== 'per-zone') continue
    if (m.profile.memmapDebugLines) push('totalpages', `On node ${node.nid} totalpages: ${node.present}`)
    // free_area_init_core()
    for (const z of node.zones) {
      let freesize = z.present
      if (m.profile.memmapDebugLines && z.name !== 'HighMem') {
        // free_area_init_core(): no memmap estimate for highmem zones (is_highmem_idx())
        const memmap = calcMemmapSize(z.spanned, z.present, m.config.structPageSize, ps, m.config.memoryModel === 'sparsemem')
        if (freesize >= memmap) {
          freesize -= memmap
          if (memmap) push('memmap', `  ${z.name} zone: ${memmap} pages used for memmap`)
        } else push('memmap-exceeds', `  ${z.name} zone: ${memmap} pages exceeds freesize ${freesize}`)
        // dma_reserve is only ever set on x86 (memblock_find_dma_reserve()); it depends on
        // the kernel's early reservations, so its value is unknown here
        const dmaReserve = m.preset.dmaReserveUnknown ? null : 0
        if (z.index === 0 && freesize > (dmaReserve ?? 0)) push('dma-reserved', `  ${z.name} zone: ${dmaReserve ?? '?'} pages reserved`)
      }
      if (z.spanned === 0) continue
      if (m.holes.perZone) {
        const c = m.holes.perZone[perZone++]
        if (c && c.count) push('holes', `  ${z.name} zone: ${c.count} pages in unavailable ranges`)
      }
    }
  }

  // 5.14+: memmap_init() after all nodes
  if (m.profile.holeMessage === 'per-hole') {
    for (const h of m.holes.perHole) if (h.count) push('holes', `On node ${h.nid}, zone ${m.zones[h.zoneIndex]}: ${h.count} pages in unavailable ranges`)
  }

  if (!m.profile.initmemMemoryless && !m.preset.memorylessOnline) {
    for (const node of m.nodes) if (memoryless(node.nid)) push('initmem', `Initmem setup node ${node.nid} [mem ${h18(0)}-${h18(0)}]`)
  }

  // mem_init_print_info(): only physpages (Σ node present pages) is known
  const present = m.nodes.reduce((a, n) => a + n.present, 0)
  push('memory', `Memory: ?K/${(present * ps) / 1024}K available`)

  // x86_64 probe_memory_block_size(), when memory_dev_init() first asks (memory hotplug)
  if (m.scenario.arch === 'x86_64') {
    const bz = memoryBlockSize(m).bytes
    push('memory-block-size', `x86/mm: Memory block size: ${bz === null ? '?' : bz / 2 ** 20}MB`)
  }

  // report_hugepages()
  // 5.14–5.18 free vmemmap only when enabled at boot (hugetlb_free_vmemmap=on)
  const enabled = m.profile.hugetlbVmemmapLine !== 'can-free' || /(^|\s)hugetlb_free_vmemmap=on(\s|$)/.test(m.scenario.cmdline ?? '')
  // HUGETLB_PAGE_OPTIMIZE_VMEMMAP depends on SPARSEMEM_VMEMMAP (fs/Kconfig / mm/Kconfig)
  const hvo = m.config.hugetlbVmemmap && hvoArchAvailability(m.scenario.arch, m.version).available && m.config.memoryModel === 'sparsemem' && enabled
  for (const size of m.hugePageSizes) {
    const line = hugetlbVmemmapLine(size, { pageSize: ps, structPageSize: m.config.structPageSize, hvo, profile: m.profile })
    if (line) push('hugetlb-vmemmap', line)
  }
  return out
}
