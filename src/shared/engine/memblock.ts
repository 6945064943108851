// memblock: the boot-time memory allocator's two region arrays (mm/memblock.c).
//
// `memory` is what the kernel believes is RAM (NOMAP RAM included), `reserved` holds
// early reservations. Regions are byte-granular, sorted, non-overlapping, and carry a
// node id and flags. Every operation here mirrors the kernel function named beside it.

export const MEMBLOCK_NONE = 0x0
export const MEMBLOCK_HOTPLUG = 0x1
export const MEMBLOCK_MIRROR = 0x2
export const MEMBLOCK_NOMAP = 0x4
export const MEMBLOCK_DRIVER_MANAGED = 0x8

/** Node id of regions no NUMA code has claimed (`MAX_NUMNODES` / NUMA_NO_NODE). */
export const NO_NODE = -1

export interface Region {
  base: number
  /** exclusive end (base + size) */
  end: number
  nid: number
  flags: number
}

/** One shared, frozen array per flags value: a report of 10^6 regions holds no array per region. */
const FLAG_NAMES = new Map<number, string[]>()

export function flagNames(flags: number): string[] {
  let names = FLAG_NAMES.get(flags)
  if (!names) FLAG_NAMES.set(flags, (names = Object.freeze(flagList(flags)) as string[]))
  return names
}

function flagList(flags: number): string[] {
  const out: string[] = []
  if (flags & MEMBLOCK_HOTPLUG) out.push('HOTPLUG')
  if (flags & MEMBLOCK_MIRROR) out.push('MIRROR')
  if (flags & MEMBLOCK_NOMAP) out.push('NOMAP')
  if (flags & MEMBLOCK_DRIVER_MANAGED) out.push('DRIVER_MANAGED')
  return out
}

/** One `struct memblock_type`. */
export class MemblockType {
  regions: Region[] = []

  constructor(readonly name: 'memory' | 'reserved') {}

  clone(): MemblockType {
    const c = new MemblockType(this.name)
    c.regions = this.regions.map((r) => ({ ...r }))
    return c
  }

  /** Index of the first region whose end is > addr (binary search). */
  private firstEndingAfter(addr: number): number {
    let lo = 0
    let hi = this.regions.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.regions[mid].end <= addr) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * memblock_add_range(): insert [base, base+size) where it does not overlap an existing
   * region; overlapped parts keep the existing region's nid and flags. Then merge.
   */
  add(base: number, size: number, nid = NO_NODE, flags = MEMBLOCK_NONE): void {
    if (size <= 0) return
    const end = base + size
    const rs = this.regions
    let i = this.firstEndingAfter(base)
    // fast path: appending past the last region (firmware maps are mostly sorted)
    if (i === rs.length) {
      rs.push({ base, end, nid, flags })
      this.mergeAround(rs.length - 1)
      return
    }
    let cur = base
    const inserted: Region[] = []
    while (cur < end && i < rs.length && rs[i].base < end) {
      if (rs[i].base > cur) inserted.push({ base: cur, end: rs[i].base, nid, flags })
      cur = Math.max(cur, rs[i].end)
      i++
    }
    if (cur < end) inserted.push({ base: cur, end, nid, flags })
    if (inserted.length === 0) return
    // the pieces fill gaps between existing regions: splice them in at their place
    for (const piece of inserted) {
      const at = this.firstEndingAfter(piece.base)
      rs.splice(at, 0, piece)
    }
    this.mergeAll()
  }

  /** memblock_merge_regions(): adjacent regions with the same nid and flags merge. */
  mergeAll(): void {
    const rs = this.regions
    if (rs.length < 2) return
    const out: Region[] = [rs[0]]
    for (let i = 1; i < rs.length; i++) {
      const last = out[out.length - 1]
      const r = rs[i]
      if (last.end === r.base && last.nid === r.nid && last.flags === r.flags) last.end = r.end
      else out.push(r)
    }
    this.regions = out
  }

  private mergeAround(i: number): void {
    const rs = this.regions
    if (i > 0) {
      const p = rs[i - 1]
      const r = rs[i]
      if (p.end === r.base && p.nid === r.nid && p.flags === r.flags) {
        p.end = r.end
        rs.splice(i, 1)
      }
    }
  }

  /**
   * memblock_isolate_range(): split regions at base and end so that [base, end) is
   * covered by whole regions; returns the index range [first, last) of those regions.
   */
  isolate(base: number, size: number): [number, number] {
    const end = base + size
    const rs = this.regions
    let i = this.firstEndingAfter(base)
    const first = i
    while (i < rs.length && rs[i].base < end) {
      const r = rs[i]
      if (r.base < base) {
        rs.splice(i, 0, { ...r, end: base })
        r.base = base
        i++
        continue
      }
      if (r.end > end) {
        rs.splice(i + 1, 0, { ...r, base: end })
        r.end = end
      }
      i++
    }
    return [first + (first < rs.length && rs[first].base < base ? 1 : 0), i]
  }

  /** memblock_remove_range(): cut [base, base+size) out of every region. */
  remove(base: number, size: number): void {
    if (size <= 0) return
    const [a, b] = this.isolate(base, size)
    this.regions.splice(a, b - a)
  }

  /** memblock_setclr_flag(): set or clear a flag on [base, base+size), then merge. */
  setFlag(base: number, size: number, flag: number, set: boolean): void {
    if (size <= 0) return
    const [a, b] = this.isolate(base, size)
    for (let i = a; i < b; i++) {
      const r = this.regions[i]
      r.flags = set ? r.flags | flag : r.flags & ~flag
    }
    this.mergeAll()
  }

  /** memblock_set_node(): assign nid to [base, base+size), splitting at its edges. */
  setNode(base: number, size: number, nid: number): void {
    if (size <= 0) return
    const [a, b] = this.isolate(base, size)
    for (let i = a; i < b; i++) this.regions[i].nid = nid
    this.mergeAll()
  }

  /**
   * memblock_set_node() for many blocks at once, in one sweep (NUMA init assigns every
   * SRAT block in turn; with disjoint blocks the order does not matter). Overlapping
   * blocks fall back to one call per block, so the later block wins as in the kernel.
   */
  setNodes(blocks: readonly { start: number; end: number; nid: number }[]): void {
    const sorted = blocks.filter((b) => b.end > b.start).sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].start < sorted[i - 1].end) {
        for (const b of blocks) this.setNode(b.start, b.end - b.start, b.nid)
        return
      }
    }
    const out: Region[] = []
    let j = 0
    for (const r of this.regions) {
      let cur = r.base
      while (j < sorted.length && sorted[j].end <= cur) j++
      let k = j
      while (cur < r.end) {
        const b = sorted[k]
        if (!b || b.start >= r.end) {
          out.push({ ...r, base: cur })
          break
        }
        if (b.start > cur) {
          out.push({ ...r, base: cur, end: b.start })
          cur = b.start
        }
        const end = Math.min(b.end, r.end)
        out.push({ ...r, base: cur, end, nid: b.nid })
        cur = end
        if (b.end <= r.end) k++
      }
    }
    this.regions = out
    this.mergeAll()
  }

  /**
   * memblock_add_range() for every range of a firmware map, in one sorted sweep. The
   * kernel calls it once per range and memmove()s the array on each insert; with 10^6
   * unsorted ranges that is quadratic. The result is the same: existing regions keep
   * their nid and flags where a range overlaps them, the ranges fill the rest, and
   * memblock_merge_regions() joins neighbours. All ranges carry one nid and one flags
   * value here, so among themselves the order does not matter.
   */
  addRanges(ranges: readonly { base: number; size: number }[], nid = NO_NODE, flags = MEMBLOCK_NONE): void {
    const add = union(ranges)
    if (!add.length) return
    const rs = this.regions
    const out: Region[] = []
    let i = 0
    for (const u of add) {
      let cur = u.base
      // regions wholly before this piece
      while (i < rs.length && rs[i].end <= cur) out.push(rs[i++])
      while (cur < u.end) {
        const r = rs[i]
        if (!r || r.base >= u.end) {
          out.push({ base: cur, end: u.end, nid, flags })
          break
        }
        if (r.base > cur) out.push({ base: cur, end: r.base, nid, flags })
        // the existing region wins where it overlaps
        if (r.end <= u.end) {
          out.push(r)
          i++
        }
        cur = r.end
        if (r.end > u.end) break
      }
    }
    while (i < rs.length) out.push(rs[i++])
    this.regions = out
    this.mergeAll()
  }

  /** memblock_setclr_flag() over many ranges (memblock_mark_nomap() per UEFI descriptor) in one sweep. */
  setFlagRanges(ranges: readonly { base: number; size: number }[], flag: number, set: boolean): void {
    const on = union(ranges)
    if (!on.length) return
    this.regions = this.cut(on, (piece) => [{ ...piece, flags: set ? piece.flags | flag : piece.flags & ~flag }])
    this.mergeAll()
  }

  /** memblock_remove_range() over many ranges (DT no-map before 5.11) in one sweep. */
  removeRanges(ranges: readonly { base: number; size: number }[]): void {
    const off = union(ranges)
    if (!off.length) return
    this.regions = this.cut(off, () => [])
  }

  /** Split the regions at the edges of sorted disjoint `by` and replace the covered pieces. */
  private cut(by: readonly { base: number; end: number }[], covered: (piece: Region) => Region[]): Region[] {
    const out: Region[] = []
    let j = 0
    for (const r of this.regions) {
      let cur = r.base
      while (j < by.length && by[j].end <= cur) j++
      let k = j
      while (cur < r.end) {
        const b = by[k]
        if (!b || b.base >= r.end) {
          out.push(cur === r.base ? r : { ...r, base: cur })
          break
        }
        if (b.base > cur) {
          out.push({ ...r, base: cur, end: b.base })
          cur = b.base
        }
        const end = Math.min(b.end, r.end)
        out.push(...covered({ ...r, base: cur, end }))
        cur = end
        if (b.end <= r.end) k++
      }
    }
    return out
  }

  /**
   * memblock_trim_memory(align): round each region's base up and end down to align;
   * regions that vanish are removed. x86 calls it once, after all e820 RAM was added.
   */
  trim(align: number): void {
    const out: Region[] = []
    for (const r of this.regions) {
      const base = Math.ceil(r.base / align) * align
      const end = Math.floor(r.end / align) * align
      if (base < end) out.push({ ...r, base, end })
    }
    this.regions = out
  }

  /** memblock_start_of_DRAM() */
  startOfDram(): number {
    return this.regions.length ? this.regions[0].base : 0
  }

  /** memblock_end_of_DRAM() */
  endOfDram(): number {
    return this.regions.length ? this.regions[this.regions.length - 1].end : 0
  }

  totalSize(): number {
    let t = 0
    for (const r of this.regions) t += r.end - r.base
    return t
  }

  /** Does any region overlap [base, end)? (memblock_overlaps_region) */
  overlaps(base: number, end: number): boolean {
    const i = this.firstEndingAfter(base)
    return i < this.regions.length && this.regions[i].base < end
  }

  /** memblock_is_memory() / memblock_is_map_memory() for one address */
  regionAt(addr: number): Region | null {
    const i = this.firstEndingAfter(addr)
    const r = this.regions[i]
    return r && r.base <= addr ? r : null
  }
}

export interface MemPfnRange {
  start: number
  end: number
  nid: number
  flags: number
}

/**
 * for_each_mem_pfn_range(): every memory region in address order, flags ignored, as
 * [PFN_UP(base), PFN_DOWN(end)); regions smaller than a whole page are skipped.
 */
export function memPfnRanges(memory: MemblockType, pageShift: number): MemPfnRange[] {
  const ps = 2 ** pageShift
  const out: MemPfnRange[] = []
  for (const r of memory.regions) {
    const start = Math.ceil(r.base / ps)
    const end = Math.floor(r.end / ps)
    if (start < end) out.push({ start, end, nid: r.nid, flags: r.flags })
  }
  return out
}

/** Does a pfn range [s, e) fall in (clipped) memory that is not NOMAP? used by free-range iterators */
export function freeRanges(memory: MemblockType, reserved: MemblockType): Region[] {
  // for_each_free_mem_range(): memory minus reserved minus NOMAP, byte granular
  const out: Region[] = []
  let j = 0
  const res = reserved.regions
  for (const r of memory.regions) {
    if (r.flags & MEMBLOCK_NOMAP) continue
    let cur = r.base
    while (j < res.length && res[j].end <= cur) j++
    let k = j
    while (cur < r.end) {
      if (k < res.length && res[k].base < r.end) {
        if (res[k].base > cur) out.push({ base: cur, end: res[k].base, nid: r.nid, flags: r.flags })
        cur = Math.max(cur, res[k].end)
        k++
      } else {
        out.push({ base: cur, end: r.end, nid: r.nid, flags: r.flags })
        cur = r.end
      }
    }
  }
  return out
}

/** The union of [base, base+size) ranges as sorted, disjoint, non-adjacent [base, end) runs. */
function union(ranges: readonly { base: number; size: number }[]): { base: number; end: number }[] {
  const sorted = ranges.filter((r) => r.size > 0).sort((a, b) => a.base - b.base)
  const out: { base: number; end: number }[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && r.base <= last.end) last.end = Math.max(last.end, r.base + r.size)
    else out.push({ base: r.base, end: r.base + r.size })
  }
  return out
}
