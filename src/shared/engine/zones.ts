// Zones: per-arch zone limits (max_zone_pfn[]), the global zone boundaries printed as
// `Zone ranges`, and per-node spanned/present/absent pages
// (mm/mm_init.c free_area_init(), calculate_node_totalpages(); mm/page_alloc.c ≤6.1).

import type { Arch } from '../scenario/scenario.ts'
import type { ZoneName, ZoneRule } from './arch.ts'
import type { MemPfnRange } from './memblock.ts'
import type { VersionProfile } from './profiles.ts'
import { fls64 } from './units.ts'

export interface ZoneConfig {
  zoneDma: boolean
  zoneDma32: boolean
  zoneDevice: boolean
  highmem: boolean
}

/** The zones a configuration has, in zone index order (enum zone_type). */
export function zoneList(arch: Arch, c: ZoneConfig, profile: VersionProfile): ZoneName[] {
  const z: ZoneName[] = []
  // arm64 had no ZONE_DMA before 5.5 (zone_sizes_init() set only ZONE_DMA32)
  if (c.zoneDma && !(arch === 'arm64' && profile.arm64ZoneDma === 'dma32-only')) z.push('DMA')
  if (c.zoneDma32) z.push('DMA32')
  z.push('Normal')
  if (c.highmem) z.push('HighMem')
  z.push('Movable')
  if (c.zoneDevice) z.push('Device')
  return z
}

export interface ZoneLimitInput {
  rule: ZoneRule
  profile: VersionProfile
  zones: ZoneName[]
  pageShift: number
  maxPfn: number
  maxLowPfn: number
  startOfDram: number
  endOfDram: number
  /** arm64 firmware DMA limit (highest reachable CPU address), null = none */
  dmaLimit: number | null
}

const U32_MAX = 0xffffffff
const PHYS_ADDR_MAX = 2 ** 64 - 1

/** max_zone_pfn[] as the arch's zone_sizes_init() fills it; zones not set stay 0. */
export function maxZonePfns(i: ZoneLimitInput): Map<ZoneName, number> {
  const m = new Map<ZoneName, number>()
  const ps = 2 ** i.pageShift
  const pfnDown = (a: number): number => Math.floor(a / ps)
  if (i.rule.kind === 'x86') {
    // arch/x86/mm/init.c zone_sizes_init()
    if (i.zones.includes('DMA')) m.set('DMA', Math.min((16 * 2 ** 20) / ps, i.maxLowPfn))
    if (i.zones.includes('DMA32')) m.set('DMA32', Math.min(2 ** 32 / ps, i.maxLowPfn))
    m.set('Normal', i.maxLowPfn)
    if (i.zones.includes('HighMem')) m.set('HighMem', i.maxPfn)
    return m
  }
  if (i.rule.kind === 'limits') {
    // riscv/powerpc/arm paging_init(): fixed DMA limits clamped to lowmem / end of DRAM;
    // s390 and loongarch paging_init() set MAX_DMA_ADDRESS / MAX_DMA32_PFN as they are
    const cap = (pfn: number, ...limits: number[]): number => (i.rule.kind === 'limits' && i.rule.unclamped ? pfn : Math.min(pfn, ...limits))
    if (i.zones.includes('DMA') && i.rule.dma) m.set('DMA', cap(pfnDown(i.rule.dma), i.maxLowPfn))
    if (i.zones.includes('DMA32') && i.rule.dma32) m.set('DMA32', cap(pfnDown(i.rule.dma32), i.maxLowPfn, pfnDown(i.endOfDram)))
    m.set('Normal', i.maxLowPfn)
    if (i.zones.includes('HighMem')) m.set('HighMem', i.maxPfn)
    return m
  }
  // arm64: arch/arm64/mm/init.c zone_sizes_init()
  const start = i.startOfDram
  const end = i.endOfDram
  switch (i.profile.arm64ZoneDma) {
    case 'dma32-only': {
      // ≤5.4 max_zone_dma_phys(): the 4 GiB window containing the start of DRAM
      const offset = Math.floor(start / 2 ** 32) * 2 ** 32
      if (i.zones.includes('DMA32')) m.set('DMA32', pfnDown(Math.min(offset + 2 ** 32, end)))
      break
    }
    case 'bits30': {
      // 5.5–5.10.0 max_zone_phys(bits): the 2^bits window containing the start of DRAM
      const phys = (bits: number): number => Math.min(Math.floor(start / 2 ** bits) * 2 ** bits + 2 ** bits, end)
      if (i.zones.includes('DMA')) m.set('DMA', pfnDown(phys(30)))
      if (i.zones.includes('DMA32')) m.set('DMA32', pfnDown(phys(32)))
      break
    }
    case 'min-bits': {
      // 5.11–6.11: zone_dma_bits = min3(32, fls64(DT limit), fls64(IORT limit))
      const bits = Math.min(32, i.dmaLimit === null ? 64 : fls64(i.dmaLimit))
      const phys = (zoneBits: number): number => {
        let mask = 2 ** zoneBits - 1
        if (start > U32_MAX) mask = PHYS_ADDR_MAX
        else if (start > mask) mask = U32_MAX
        return Math.min(mask, end - 1) + 1
      }
      if (i.zones.includes('DMA')) m.set('DMA', pfnDown(phys(bits)))
      if (i.zones.includes('DMA32')) m.set('DMA32', pfnDown(phys(32)))
      break
    }
    case 'limit-6.12':
    case 'limit-6.13': {
      const is612 = i.profile.arm64ZoneDma === 'limit-6.12'
      const phys = (limit: number, clamp: boolean): number => {
        if (clamp && start < U32_MAX) limit = Math.min(limit, U32_MAX)
        return Math.min(limit, end - 1) + 1
      }
      const dmaLimit = i.dmaLimit ?? PHYS_ADDR_MAX
      if (i.zones.includes('DMA')) m.set('DMA', pfnDown(is612 ? phys(dmaLimit, true) : phys(start < U32_MAX ? Math.min(dmaLimit, U32_MAX) : dmaLimit, false)))
      if (i.zones.includes('DMA32')) m.set('DMA32', pfnDown(phys(U32_MAX, is612)))
      break
    }
  }
  m.set('Normal', i.maxPfn)
  return m
}

export interface ZoneBoundary {
  name: ZoneName
  lowest: number
  highest: number
}

/** free_area_init(): arch_zone_lowest/highest_possible_pfn, cumulative from the start of DRAM. */
export function zoneBoundaries(zones: ZoneName[], maxZone: Map<ZoneName, number>, startPfn: number): ZoneBoundary[] {
  const out: ZoneBoundary[] = []
  let start = startPfn
  for (const z of zones) {
    if (z === 'Movable') {
      out.push({ name: z, lowest: 0, highest: 0 })
      continue
    }
    const end = Math.max(maxZone.get(z) ?? 0, start)
    out.push({ name: z, lowest: start, highest: end })
    start = end
  }
  return out
}

export interface NodeZone {
  name: ZoneName
  index: number
  start: number
  spanned: number
  present: number
}

export interface NodeSpan {
  nid: number
  start: number
  end: number
  ranges: MemPfnRange[]
  zones: NodeZone[]
  spanned: number
  present: number
}

/**
 * calculate_node_totalpages() / zone_spanned_pages_in_node() / zone_absent_pages_in_node(),
 * with adjust_zone_range_for_zone_movable() when ZONE_MOVABLE starts on a node.
 */
export function nodeSpans(
  nids: number[],
  ranges: MemPfnRange[],
  bounds: ZoneBoundary[],
  movable: { starts: Map<number, number>; movableZone: ZoneName | null } = { starts: new Map(), movableZone: null }
): NodeSpan[] {
  const out: NodeSpan[] = []
  const byNid = new Map<number, MemPfnRange[]>()
  for (const r of ranges) {
    const l = byNid.get(r.nid)
    if (l) l.push(r)
    else byNid.set(r.nid, [r])
  }
  const movableHigh = movable.movableZone ? bounds.find((b) => b.name === movable.movableZone)!.highest : 0
  for (const nid of nids) {
    const rs = byNid.get(nid) ?? []
    let start = rs.length ? Infinity : 0
    let end = 0
    for (const r of rs) {
      if (r.start < start) start = r.start
      if (r.end > end) end = r.end
    }
    const zmp = movable.starts.get(nid) ?? 0
    const zones: NodeZone[] = []
    bounds.forEach((b, index) => {
      let zs = Math.min(Math.max(start, b.lowest), b.highest)
      let ze = Math.min(Math.max(end, b.lowest), b.highest)
      if (zmp) {
        if (b.name === 'Movable') {
          zs = zmp
          ze = Math.min(end, movableHigh)
        } else if (zs < zmp && ze > zmp) ze = zmp
        else if (zs >= zmp) zs = ze
      }
      let spanned = 0
      let present = 0
      if (rs.length && !(ze < start || zs > end)) {
        // absent pages are counted over the (clamped) zone range
        let inRanges = 0
        for (const r of rs) inRanges += Math.max(0, Math.min(Math.max(r.end, zs), ze) - Math.min(Math.max(r.start, zs), ze))
        zs = Math.max(zs, start)
        ze = Math.min(ze, end)
        spanned = Math.max(0, ze - zs)
        present = spanned ? inRanges : 0
      }
      zones.push({ name: b.name, index, start: spanned ? zs : 0, spanned, present })
    })
    out.push({
      nid,
      start,
      end,
      ranges: rs,
      zones,
      spanned: zones.reduce((a, z) => a + z.spanned, 0),
      present: zones.reduce((a, z) => a + z.present, 0)
    })
  }
  return out
}

/**
 * calc_memmap_size() (≤6.9, mm/page_alloc.c then mm/mm_init.c): the memmap estimate
 * free_area_init_core() subtracts from a zone's free size,
 * PAGE_ALIGN(pages * sizeof(struct page)) >> PAGE_SHIFT, where pages are the spanned
 * pages, or the present pages when `spanned_pages > present_pages + (present_pages >> 4)`
 * && IS_ENABLED(CONFIG_SPARSEMEM) (holes of more than 1/16: FLATMEM maps the holes too).
 */
export function calcMemmapSize(spanned: number, present: number, structPageSize: number, pageSize: number, sparsemem = true): number {
  let pages = spanned
  if (sparsemem && spanned > present + Math.floor(present / 16)) pages = present
  return Math.ceil((pages * structPageSize) / pageSize)
}

export interface MovableRequest {
  /** kernelcore= / movablecore= in pages, or a percentage */
  kernelcore: { pages: number } | { percent: number } | null
  movablecore: { pages: number } | { percent: number } | null
  /** movable_node: hot-pluggable memblock regions become ZONE_MOVABLE */
  movableNode: boolean
}

/** `kernelcore=` / `movablecore=` values (cmdline_parse_core()): nn[KMGTPE] or nn%. */
export function parseCoreArg(v: string, pageSize: number): { pages: number } | { percent: number } | null {
  const pct = /^(\d+)%$/.exec(v)
  if (pct) return Number(pct[1]) <= 100 ? { percent: Number(pct[1]) } : null
  const m = /^(0x[0-9a-fA-F]+|\d+)([KkMmGgTtPpEe]?)$/.exec(v)
  if (!m) return null
  const mult: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 }
  return { pages: Math.floor((Number(m[1]) * mult[m[2].toLowerCase()]) / pageSize) }
}

/**
 * find_zone_movable_pfns_for_nodes(): where ZONE_MOVABLE starts on each node. Kernel core
 * memory is spread evenly across nodes with memory, ZONE_MOVABLE takes the rest of each
 * node above it; starts are rounded up to MAX_ORDER_NR_PAGES and dropped when at or past
 * the node end. Returns an empty map when no ZONE_MOVABLE is requested.
 */
export function zoneMovablePfns(
  req: MovableRequest,
  ranges: MemPfnRange[],
  hotplugRegions: { nid: number; startPfn: number }[],
  bounds: ZoneBoundary[],
  maxOrderPages: number
): { starts: Map<number, number>; movableZone: ZoneName | null } {
  const starts = new Map<number, number>()
  // find_usable_zone_for_movable(): the highest zone below Movable with pages
  let movableZone: ZoneName | null = null
  for (const b of bounds) if (b.name !== 'Movable' && b.name !== 'Device' && b.highest > b.lowest) movableZone = b.name
  const nodeIds = [...new Set(ranges.map((r) => r.nid))].sort((a, b) => a - b)
  const nodeEnd = new Map<number, number>()
  for (const r of ranges) nodeEnd.set(r.nid, Math.max(nodeEnd.get(r.nid) ?? 0, r.end))
  const finish = (): void => {
    for (const [nid, pfn] of [...starts]) {
      const up = Math.ceil(pfn / maxOrderPages) * maxOrderPages
      if (up >= (nodeEnd.get(nid) ?? 0) || up === 0) starts.delete(nid)
      else starts.set(nid, up)
    }
  }
  if (req.movableNode) {
    for (const r of hotplugRegions) starts.set(r.nid, starts.has(r.nid) ? Math.min(starts.get(r.nid)!, r.startPfn) : r.startPfn)
    finish()
    return { starts, movableZone }
  }
  const totalpages = ranges.reduce((a, r) => a + r.end - r.start, 0)
  const pagesOf = (x: { pages: number } | { percent: number } | null): number => (x === null ? 0 : 'pages' in x ? x.pages : Math.floor((totalpages * 100 * x.percent) / 10000))
  let requiredKernelcore = pagesOf(req.kernelcore)
  let requiredMovablecore = pagesOf(req.movablecore)
  if (requiredMovablecore) {
    requiredMovablecore = Math.min(totalpages, Math.ceil(requiredMovablecore / maxOrderPages) * maxOrderPages)
    requiredKernelcore = Math.max(requiredKernelcore, totalpages - requiredMovablecore)
  }
  if (!requiredKernelcore || requiredKernelcore >= totalpages || movableZone === null) return { starts: new Map(), movableZone }
  const usableStartPfn = bounds.find((b) => b.name === movableZone)!.lowest
  let usableNodes = nodeIds.length
  const zmp = new Map<number, number>(nodeIds.map((n) => [n, 0]))
  for (;;) {
    let kernelcoreNode = Math.floor(requiredKernelcore / usableNodes)
    for (const nid of nodeIds) {
      if (requiredKernelcore < kernelcoreNode) kernelcoreNode = Math.floor(requiredKernelcore / usableNodes)
      let remaining = kernelcoreNode
      for (const r of ranges) {
        if (r.nid !== nid) continue
        let start = Math.max(r.start, zmp.get(nid)!)
        const end = r.end
        if (start >= end) continue
        if (start < usableStartPfn) {
          const kernelPages = Math.min(end, usableStartPfn) - start
          remaining -= Math.min(kernelPages, remaining)
          requiredKernelcore -= Math.min(kernelPages, requiredKernelcore)
          if (end <= usableStartPfn) {
            zmp.set(nid, end)
            continue
          }
          start = usableStartPfn
        }
        let size = end - start
        if (size > remaining) size = remaining
        zmp.set(nid, start + size)
        requiredKernelcore -= Math.min(requiredKernelcore, size)
        remaining -= size
        if (!remaining) break
      }
    }
    usableNodes--
    if (!(usableNodes && requiredKernelcore > usableNodes)) break
  }
  for (const [nid, pfn] of zmp) if (pfn) starts.set(nid, pfn)
  finish()
  return { starts, movableZone }
}
