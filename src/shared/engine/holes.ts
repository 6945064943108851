// Holes: pfns without memory that still get a struct page because their section is
// present, and every historical way the kernel counted and reported them
// (memmap_init(), init_unavailable_range(), zero_resv_unavail(), memmap_init_zone_range()).

import { MEMBLOCK_NOMAP, type MemblockType, type MemPfnRange } from './memblock.ts'
import { countValidByPageblock, type Interval } from './sections.ts'
import type { NodeSpan } from './zones.ts'

export interface HoleCount {
  /** pfns, half-open */
  start: number
  end: number
  nid: number
  zoneIndex: number
  count: number
  kind: 'before-first-range' | 'gap' | 'tail'
}

const roundUp = (v: number, a: number): number => Math.ceil(v / a) * a

/**
 * 5.14+ memmap_init() (mm/mm_init.c; mm/page_alloc.c ≤6.1): walks every memory range in
 * address order and, for each populated zone of the range's node, initialises the gap
 * since the previous range through init_unavailable_range() attributed to that zone; with
 * CONFIG_SPARSEMEM the tail up to the next section boundary goes to the last zone visited of
 * the last node (FLATMEM has no tail: `end_pfn = round_up(…)` is under #ifdef CONFIG_SPARSEMEM).
 */
export function memmapInitHoles(ranges: MemPfnRange[], nodes: Map<number, NodeSpan>, valid: Interval[], pagesPerSection: number, pageblockPages: number, sparsemem = true): HoleCount[] {
  const out: HoleCount[] = []
  let hole = 0
  let zoneId = 0
  let nid = 0
  let lastEnd = 0
  for (const r of ranges) {
    const node = nodes.get(r.nid)
    if (node) {
      for (const z of node.zones) {
        if (z.present === 0) continue // !populated_zone()
        // memmap_init_zone_range()
        const zs = z.start
        const ze = z.start + z.spanned
        const a = Math.min(Math.max(r.start, zs), ze)
        const b = Math.min(Math.max(r.end, zs), ze)
        zoneId = z.index
        if (a >= b) continue
        if (hole < a) {
          out.push({
            start: hole,
            end: a,
            nid: r.nid,
            zoneIndex: z.index,
            count: countValidByPageblock(hole, a, valid, pageblockPages),
            kind: hole === 0 && out.length === 0 && lastEnd === 0 ? 'before-first-range' : 'gap'
          })
        }
        hole = b
      }
    }
    nid = r.nid
    lastEnd = r.end
  }
  if (ranges.length) {
    const end = sparsemem ? roundUp(lastEnd, pagesPerSection) : lastEnd
    if (hole < end) out.push({ start: hole, end, nid, zoneIndex: zoneId, count: countValidByPageblock(hole, end, valid, pageblockPages), kind: 'tail' })
  }
  return out
}

/**
 * 5.11–5.13 memmap_init_zone(): per zone with spanned pages, a static hole_pfn carried
 * across zones and nodes; the zone's tail is rounded up to a section. Returns the count
 * per (node, zone index) in call order.
 */
export function perZoneHoles(nodeOrder: NodeSpan[], valid: Interval[], pagesPerSection: number, pageblockPages: number): { nid: number; zoneIndex: number; count: number }[] {
  const out: { nid: number; zoneIndex: number; count: number }[] = []
  let hole = 0
  for (const node of nodeOrder) {
    for (const z of node.zones) {
      if (z.spanned === 0) continue
      const zs = z.start
      const ze = z.start + z.spanned
      let cnt = 0
      for (const r of node.ranges) {
        const a = Math.min(Math.max(r.start, zs), ze)
        const b = Math.min(Math.max(r.end, zs), ze)
        if (hole < a) cnt += countValidByPageblock(hole, a, valid, pageblockPages)
        hole = b
      }
      const end = roundUp(ze, pagesPerSection)
      // the tail is counted but hole_pfn is not advanced: a higher zone of the same
      // section initialises those pfns again (and does not count them again)
      if (hole < end) cnt += countValidByPageblock(hole, end, valid, pageblockPages)
      out.push({ nid: node.nid, zoneIndex: z.index, count: cnt })
    }
  }
  return out
}

/**
 * 4.20/5.0–5.10.0 zero_resv_unavail() / init_unavailable_mem(): every gap between
 * memory regions (NOMAP regions skipped by for_each_mem_range(MEMBLOCK_NONE)) and the
 * tail up to max_pfn (original) or round_up(max_pfn, PAGES_PER_SECTION) (5.4.y, 5.5+).
 */
export function zeroedHoles(memory: MemblockType, valid: Interval[], maxPfn: number, tail: 'max_pfn' | 'section', pagesPerSection: number, pageblockPages: number, pageSize: number): number {
  let next = 0
  let cnt = 0
  for (const r of memory.regions) {
    if (r.flags & MEMBLOCK_NOMAP) continue
    if (next < r.base) cnt += countValidByPageblock(Math.floor(next / pageSize), Math.ceil(r.base / pageSize), valid, pageblockPages)
    next = r.end
  }
  const end = tail === 'section' ? roundUp(maxPfn, pagesPerSection) : maxPfn
  cnt += countValidByPageblock(Math.floor(next / pageSize), end, valid, pageblockPages)
  return cnt
}

/**
 * 4.15–4.19 zero_resv_unavail(): reserved ranges not backed by memory
 * (for_each_resv_unavail_range), [PFN_DOWN(start), PFN_UP(end)).
 */
export function reservedButUnavailable(memory: MemblockType, reserved: MemblockType, valid: Interval[], pageblockPages: number, pageSize: number): number {
  let cnt = 0
  for (const r of reserved.regions) {
    // subtract memory from [r.base, r.end)
    let cur = r.base
    for (const m of memory.regions) {
      if (m.end <= cur) continue
      if (m.base >= r.end) break
      if (m.base > cur) cnt += countValidByPageblock(Math.floor(cur / pageSize), Math.ceil(m.base / pageSize), valid, pageblockPages)
      cur = Math.max(cur, m.end)
      if (cur >= r.end) break
    }
    if (cur < r.end) cnt += countValidByPageblock(Math.floor(cur / pageSize), Math.ceil(r.end / pageSize), valid, pageblockPages)
  }
  return cnt
}
