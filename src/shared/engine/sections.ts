// SPARSEMEM sections and pfn_valid() (include/linux/mmzone.h, mm/sparse.c,
// arch/arm64/mm/init.c). Everything is kept as interval lists: never per page.

import { MEMBLOCK_NOMAP, type MemblockType, type MemPfnRange } from './memblock.ts'
import type { Arm64PfnValid } from './profiles.ts'

export interface Interval {
  start: number
  end: number
}

/** Merge sorted-or-not intervals into a sorted, disjoint, non-adjacent list. */
export function normalize(list: Interval[]): Interval[] {
  const s = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start)
  const out: Interval[] = []
  for (const i of s) {
    const last = out[out.length - 1]
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end)
    else out.push({ ...i })
  }
  return out
}

export function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i].start, b[j].start)
    const e = Math.min(a[i].end, b[j].end)
    if (s < e) out.push({ start: s, end: e })
    if (a[i].end < b[j].end) i++
    else j++
  }
  return out
}

/** Index of the first element of a sorted, disjoint list that ends after `at` (binary search). */
export function firstEndingAfter(list: readonly { end: number }[], at: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid].end <= at) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** |[s, e) ∩ list| for a sorted, disjoint list, in O(log n + k). */
export function overlapLength(list: Interval[], s: number, e: number): number {
  let n = 0
  for (let i = firstEndingAfter(list, s); i < list.length && list[i].start < e; i++) n += Math.min(e, list[i].end) - Math.max(s, list[i].start)
  return n
}

/** [s, e) ∩ list as intervals, for a sorted, disjoint list. */
export function overlapping(list: Interval[], s: number, e: number): Interval[] {
  const out: Interval[] = []
  for (let i = firstEndingAfter(list, s); i < list.length && list[i].start < e; i++) out.push({ start: Math.max(s, list[i].start), end: Math.min(e, list[i].end) })
  return out
}

/** span minus the (sorted, disjoint) intervals */
export function subtract(span: Interval, list: Interval[]): Interval[] {
  const out: Interval[] = []
  let cur = span.start
  for (const i of overlapping(list, span.start, span.end)) {
    if (i.start > cur) out.push({ start: cur, end: i.start })
    cur = Math.max(cur, i.end)
  }
  if (cur < span.end) out.push({ start: cur, end: span.end })
  return out
}

export function totalLength(list: Interval[]): number {
  let t = 0
  for (const i of list) t += i.end - i.start
  return t
}

/**
 * memblocks_present() -> memory_present(): every section touched by a memory range
 * (NOMAP included) is present and gets a full memmap. Returned as runs of section numbers.
 */
export function presentSections(ranges: MemPfnRange[], pagesPerSection: number): Interval[] {
  return normalize(ranges.map((r) => ({ start: Math.floor(r.start / pagesPerSection), end: Math.floor((r.end - 1) / pagesPerSection) + 1 })))
}

export type PfnValidRule = 'generic' | Arm64PfnValid

/**
 * The pfns for which pfn_valid() is true at boot, as intervals.
 *  generic:            early sections are valid as a whole (pfn_valid() -> early_section())
 *  map-memory:         arm64 ≤4.19 memblock_is_map_memory(PFN_PHYS(pfn))
 *  section-map-memory: arm64 5.4–5.13: valid_section() && memblock_is_map_memory()
 *  section-memory:     arm64 5.14–5.15.0: valid_section() && memblock_is_memory()
 */
export function validPfns(rule: PfnValidRule, sections: Interval[], pagesPerSection: number, memory: MemblockType, pageSize: number): Interval[] {
  const sectionPfns = sections.map((s) => ({ start: s.start * pagesPerSection, end: s.end * pagesPerSection }))
  if (rule === 'generic') return sectionPfns
  // pfn p passes memblock_is_[map_]memory(p * PAGE_SIZE) iff its first byte lies in a region
  const mem = normalize(memory.regions.filter((r) => rule === 'section-memory' || !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ start: Math.ceil(r.base / pageSize), end: Math.ceil(r.end / pageSize) })))
  return rule === 'map-memory' ? mem : intersect(mem, sectionPfns)
}

/**
 * How many pfns in [a, b) an unavailable-range initialiser touches: a pfn counts when
 * pfn_valid(pageblock_start_pfn(pfn)) (init_unavailable_range(), zero_pfn_range()).
 * `valid` must be sorted and disjoint.
 */
export function countValidByPageblock(a: number, b: number, valid: Interval[], pageblockPages: number): number {
  if (a >= b) return 0
  let n = 0
  // binary search for the first interval that can matter
  let lo = 0
  let hi = valid.length
  const minStart = Math.floor(a / pageblockPages) * pageblockPages
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (valid[mid].end <= minStart) lo = mid + 1
    else hi = mid
  }
  for (let i = lo; i < valid.length; i++) {
    const v = valid[i]
    // pfns whose pageblock start lies in [v.start, v.end)
    const s = Math.ceil(v.start / pageblockPages) * pageblockPages
    const e = Math.ceil(v.end / pageblockPages) * pageblockPages
    if (s >= b) break
    const x = Math.max(a, s)
    const y = Math.min(b, e)
    if (x < y) n += y - x
  }
  return n
}
