/**
 * Seeded, deterministic generator of QEMU boot variants for the real-kernel
 * oracle. Every variant is a QEMU command line plus a description of the
 * physical memory layout it asks for; record.ts boots them and keeps the logs.
 *
 * Determinism: each variant draws from its own PRNG stream, seeded from
 * (seed, arch, index), so variant x86_64-s101-007 is the same whatever the
 * counts asked for, and adding arm64 variants never shifts the x86 ones.
 *
 * All addresses are plain numbers: the largest is below 2^35, far inside the
 * 2^53 that doubles hold exactly. Bitwise operators are never applied to them.
 */

export type Arch = 'x86_64' | 'arm64' | 's390x'
/** `sclp`: s390x has no firmware map; the boot code asks SCLP (or diag 260) what storage is online */
export type Firmware = 'seabios' | 'uefi' | 'dt' | 'sclp'
export type Machine = 'pc' | 'q35' | 'virt' | 's390-ccw-virtio'

/** Half-open byte range [start, end). */
export interface MemRange {
  start: number
  end: number
}

export interface NumaNode {
  nodeId: number
  /** 0 = a QEMU node without memory (no memdev): memoryless from the start. */
  sizeMiB: number
  cpus: number[]
}

export interface Layout {
  arch: Arch
  firmware: Firmware
  machine: Machine
  /** QEMU -cpu, when not the machine default. */
  cpu?: string
  memMiB: number
  smp: number
  /** Empty: no -numa options at all. */
  numa: NumaNode[]
  /** Where QEMU places guest RAM (x86: derived from the machine's PCI-hole rules). */
  ram: MemRange[]
  /** x86 memmap=exactmap usable ranges (generation order; the command line may shuffle them); undefined = QEMU's e820. */
  exactmap?: MemRange[]
  /** memmap=SIZE$START */
  reserved: MemRange[]
  /** memmap=SIZE#START (E820 ACPI data) */
  acpiData: MemRange[]
  /** The mem= argument exactly as written, if any. */
  mem?: string
  /** Nodes the layout expects to end up without memory. */
  memorylessNodes: number[]
  /** Tags naming what the variant exercises (hole kinds, alignments, …). */
  features: string[]
  /** Substrings the boot log must contain; record.ts warns when one is missing. */
  expect: string[]
  /** Kernel command line. */
  append: string
}

export interface Variant {
  id: string
  arch: Arch
  seed: number
  index: number
  layout: Layout
}

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB
export const PAGE = 4 * KiB
/** Sparsemem section size on both x86_64 and arm64 (4K pages): 2^27. */
export const SECTION = 128 * MiB
const FOUR_GIB = 4 * GiB
/** The kernel (nokaslr) is loaded at 16 MiB and needs room up to ~96 MiB while decompressing. */
const KERNEL_AREA_END = 96 * MiB
/** Below this much usable memory the x86 kernel gets close to running out early. */
const MIN_USABLE = 192 * MiB
/** x86 COMMAND_LINE_SIZE is 2048; keep a margin. */
const MAX_APPEND = 1900
export const QEMU_EFI = '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd'

// ---------------------------------------------------------------------------
// PRNG

/** mulberry32: tiny, fast, good enough for test-case generation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a over a string: turns (seed, arch, index) into one 32-bit seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export class Rng {
  private readonly next: () => number

  constructor(seed: number) {
    this.next = mulberry32(seed)
  }

  /** Uniform in [0, 1) with 53 bits: one 32-bit draw is too coarse for byte addresses up to 8 GiB. */
  float(): number {
    const hi = Math.floor(this.next() * 2 ** 21)
    const lo = Math.floor(this.next() * 2 ** 32)
    return (hi * 2 ** 32 + lo) / 2 ** 53
  }

  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new Error(`Rng.int: empty range [${lo}, ${hi}]`)
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0)
    let x = this.float() * total
    for (const [item, w] of items) {
      x -= w
      if (x < 0) return item
    }
    return items[items.length - 1][0]
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }
}

// ---------------------------------------------------------------------------
// Small helpers

const alignDown = (x: number, a: number): number => Math.floor(x / a) * a
const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a
export const hex = (x: number): string => `0x${x.toString(16)}`
/** Kernel-style inclusive range text, e.g. 0x100000-0x5fffffff. */
export const rangeText = (r: MemRange): string => `${hex(r.start)}-${hex(r.end - 1)}`
const totalBytes = (ranges: readonly MemRange[]): number => ranges.reduce((s, r) => s + (r.end - r.start), 0)
const sortRanges = (ranges: readonly MemRange[]): MemRange[] => [...ranges].sort((a, b) => a.start - b.start)

/** ranges minus cut, keeping order. */
function subtract(ranges: readonly MemRange[], cut: MemRange): MemRange[] {
  const out: MemRange[] = []
  for (const r of ranges) {
    if (cut.end <= r.start || cut.start >= r.end) {
      out.push(r)
      continue
    }
    if (r.start < cut.start) out.push({ start: r.start, end: cut.start })
    if (cut.end < r.end) out.push({ start: cut.end, end: r.end })
  }
  return out
}

/** Bytes of ranges below a physical address limit. */
function bytesBelow(ranges: readonly MemRange[], limit: number): number {
  return ranges.reduce((s, r) => s + Math.max(0, Math.min(r.end, limit) - r.start), 0)
}

/**
 * A size as memparse() reads it. The kernel takes K/M/G suffixes or plain
 * bytes; mixing the forms keeps the engine's command-line parser honest.
 */
function formatSize(r: Rng, bytes: number): string {
  if (bytes % GiB === 0 && r.chance(0.5)) return `${bytes / GiB}G`
  if (bytes % MiB === 0 && r.chance(0.4)) return `${bytes / MiB}M`
  if (bytes % KiB === 0) return `${bytes / KiB}K`
  return r.chance(0.5) ? `${bytes}` : hex(bytes)
}

/**
 * Split total (MiB) into parts on a granule grid, each at least minPart; when
 * total is not a multiple of the granule, one random part takes the rest.
 */
function splitSizes(r: Rng, total: number, parts: number, granule: number, minPart: number): number[] {
  const units = Math.floor(total / granule)
  const minUnits = Math.ceil(minPart / granule)
  const spare = units - minUnits * parts
  if (spare < 0) throw new Error('splitSizes: total too small')
  const cuts = Array.from({ length: parts - 1 }, () => r.int(0, spare)).sort((a, b) => a - b)
  const sizes: number[] = []
  let prev = 0
  for (const c of [...cuts, spare]) {
    sizes.push((minUnits + c - prev) * granule)
    prev = c
  }
  sizes[r.int(0, parts - 1)] += total - units * granule
  return sizes
}

/** Tag node sizes by whether they fall on the 128 MiB section grid. */
function nodeSizeTag(sizes: readonly number[]): string {
  return sizes.every((s) => s % 128 === 0) ? 'node-size-128M-multiple' : 'node-size-odd'
}

// ---------------------------------------------------------------------------
// x86_64: where QEMU puts RAM

export interface X86Ram {
  /** End of RAM below the PCI hole (QEMU's below_4g_mem_size). */
  lowTop: number
  /** Where exactmap ranges below the hole stop: clear of SeaBIOS's tables at the top. */
  lowUsableEnd: number
  /** RAM above 4 GiB: [4 GiB, highEnd); highEnd = 4 GiB when there is none. */
  highEnd: number
}

/**
 * QEMU 7.2's split of -m around the PCI hole (hw/i386/pc_piix.c, pc_q35.c):
 * pc keeps up to 3.5 GiB low, but once -m reaches 3.5 GiB it cuts at 3 GiB;
 * q35 cuts at 2 GiB once -m reaches 2.75 GiB (MMCONFIG lives at 2.75–3 GiB).
 *
 * SeaBIOS keeps the top of low RAM for its "high" tables (the ACPI tables
 * among them) and reports as reserved the part it used: 128 KiB for a small
 * pc, 132 KiB for q35 or for 4 sockets with 4 NUMA nodes. It never takes more
 * than its 256 KiB zone (BUILD_MAX_HIGHTABLE), so exactmap ranges stop 256 KiB
 * below the top: usable RAM over those tables would let the kernel's first
 * allocations overwrite the ACPI tables it is about to parse.
 */
export function x86Ram(machine: 'pc' | 'q35', memMiB: number): X86Ram {
  const bytes = memMiB * MiB
  const cutAt = machine === 'pc' ? 0xe0000000 : 0xb0000000
  const hole = machine === 'pc' ? 0xc0000000 : 0x80000000
  const lowTop = bytes >= cutAt ? hole : bytes
  const biosHighTables = 256 * KiB
  return { lowTop, lowUsableEnd: lowTop - biosHighTables, highEnd: FOUR_GIB + (bytes - lowTop) }
}

/** Guest RAM as QEMU maps it (the BIOS areas below 1 MiB included). */
function x86RamRanges(ram: X86Ram): MemRange[] {
  const low = { start: 0, end: ram.lowTop }
  return ram.highEnd > FOUR_GIB ? [low, { start: FOUR_GIB, end: ram.highEnd }] : [low]
}

/** Roughly what SeaBIOS reports usable: where memmap=$/# ranges are placed without exactmap. */
function x86UsableRanges(ram: X86Ram): MemRange[] {
  const low = [
    { start: 0, end: 639 * KiB },
    { start: MiB, end: ram.lowUsableEnd }
  ]
  return ram.highEnd > FOUR_GIB ? [...low, { start: FOUR_GIB, end: ram.highEnd }] : low
}

/**
 * Physical ranges of each QEMU NUMA node, as QEMU's SRAT describes them:
 * nodes take consecutive slices of RAM in node order, low RAM first, and a
 * slice that crosses the top of low RAM continues at 4 GiB.
 */
export function x86NodeRanges(nodes: readonly NumaNode[], ram: X86Ram): MemRange[][] {
  let offset = 0
  return nodes.map((node) => {
    const start = offset
    const end = offset + node.sizeMiB * MiB
    offset = end
    const out: MemRange[] = []
    if (start < ram.lowTop) out.push({ start, end: Math.min(end, ram.lowTop) })
    if (end > ram.lowTop) {
      out.push({ start: FOUR_GIB + Math.max(0, start - ram.lowTop), end: FOUR_GIB + (end - ram.lowTop) })
    }
    return out
  })
}

// ---------------------------------------------------------------------------
// x86_64: exactmap ranges

type GapKind = 'adjacent' | 'subpage-hole' | 'page-hole' | 'in-section-hole' | 'multi-section-hole' | 'to-section-start'
type LengthKind = 'tiny' | 'small' | 'medium' | 'large' | 'straddle-section' | 'to-section-end'

/** Where the next usable range starts, given the end of the previous one. */
function nextStart(r: Rng, cursor: number, kind: GapKind): number {
  switch (kind) {
    case 'adjacent':
      return cursor // e820 sanitising merges adjacent entries of one type
    case 'subpage-hole':
      return cursor + r.int(1, PAGE - 1)
    case 'page-hole':
      return alignUp(cursor, PAGE) + r.int(1, 256) * PAGE
    case 'in-section-hole': {
      // A hole whose both ends lie in the section the cursor is in (when room allows).
      const sectionEnd = alignDown(cursor, SECTION) + SECTION
      const room = sectionEnd - alignUp(cursor, PAGE) - 2 * PAGE
      if (room < PAGE) return alignUp(cursor, PAGE) + PAGE
      return alignUp(cursor, PAGE) + alignDown(r.int(PAGE, room), PAGE)
    }
    case 'multi-section-hole':
      return alignUp(cursor, PAGE) + r.int(1, 6) * SECTION + alignDown(r.int(0, SECTION - 1), PAGE)
    case 'to-section-start':
      return alignDown(cursor, SECTION) + SECTION * r.int(1, 2)
  }
}

/** Where a usable range starting at start ends (before clipping to RAM). */
function rangeEnd(r: Rng, start: number, kind: LengthKind): number {
  switch (kind) {
    case 'tiny':
      return start + r.int(1, 256) * PAGE
    case 'small':
      return start + r.int(1, 64) * MiB + r.int(0, 255) * PAGE
    case 'medium':
      return start + r.int(64, 512) * MiB + r.int(0, 255) * PAGE
    case 'large':
      return start + r.int(512, 2048) * MiB + r.int(0, 255) * PAGE
    case 'straddle-section': {
      const boundary = alignDown(start, SECTION) + SECTION * r.int(1, 2)
      return boundary + r.pick([PAGE, r.int(1, 16) * PAGE, r.int(1, 64) * MiB])
    }
    case 'to-section-end':
      return alignDown(start, SECTION) + SECTION * r.int(1, 3)
  }
}

/** Optionally knock a range end off the page grid (kept ≥ start + 1). */
function roughenEnd(r: Rng, start: number, end: number, tags: Set<string>): number {
  if (!r.chance(0.2)) return end
  const delta = r.chance(0.5) ? r.int(1, PAGE - 1) : r.int(1, 3) * KiB
  if (end - delta <= start) return end
  tags.add('unaligned-end')
  return end - delta
}

function roughenStart(r: Rng, start: number, tags: Set<string>): number {
  if (!r.chance(0.15)) return start
  tags.add('unaligned-start')
  return start + (r.chance(0.5) ? r.int(1, PAGE - 1) : r.int(1, 3) * KiB)
}

/** The first two ranges: low memory (636K or 639K) and the kernel's range from 1 MiB. */
function lowAndKernelRanges(r: Rng, ram: X86Ram, tags: Set<string>): MemRange[] {
  const lowKiB = r.pick([636, 639])
  tags.add(`low-${lowKiB}K`)
  const kind = r.weighted([
    ['min', 1],
    ['page', 4],
    ['section', 2],
    ['unaligned', 2]
  ] as const)
  let end: number
  if (kind === 'min') end = KERNEL_AREA_END
  else if (kind === 'page') end = KERNEL_AREA_END + r.int(0, 1024 * 256) * PAGE
  else if (kind === 'section') end = SECTION * r.int(1, 8)
  else end = KERNEL_AREA_END + r.int(0, 512 * MiB) + r.int(1, PAGE - 1)
  tags.add(`kernel-range-${kind}`)
  return [
    { start: 0, end: lowKiB * KiB },
    { start: MiB, end: Math.min(end, ram.lowUsableEnd) }
  ]
}

const GAP_WEIGHTS: readonly (readonly [GapKind, number])[] = [
  ['adjacent', 0.5],
  ['subpage-hole', 2],
  ['page-hole', 3],
  ['in-section-hole', 3],
  ['multi-section-hole', 1.5],
  ['to-section-start', 1]
]

const LENGTH_WEIGHTS: readonly (readonly [LengthKind, number])[] = [
  ['tiny', 2],
  ['small', 3],
  ['medium', 3],
  ['large', 1.5],
  ['straddle-section', 2],
  ['to-section-end', 1]
]

/** Usable ranges laid out over one RAM segment, starting at cursor. */
function fillSegment(r: Rng, segment: MemRange, cursor: number, budget: number, tags: Set<string>): MemRange[] {
  const out: MemRange[] = []
  let at = Math.max(cursor, segment.start)
  // Sometimes the segment starts with a range exactly at its start (e.g. 4 GiB).
  let first = at === segment.start && r.chance(0.5)
  while (out.length < budget && at < segment.end - PAGE) {
    let start: number
    if (first) {
      start = at
      first = false
    } else {
      const gap = r.weighted(GAP_WEIGHTS)
      start = roughenStart(r, nextStart(r, at, gap), tags)
      if (start >= segment.end - PAGE) break
      tags.add(gap)
    }
    const lengthKind = r.weighted(LENGTH_WEIGHTS)
    let end = rangeEnd(r, start, lengthKind)
    if (end >= segment.end || r.chance(0.05)) {
      end = segment.end
      tags.add('ends-at-ram-end')
    } else {
      tags.add(lengthKind)
      end = roughenEnd(r, start, end, tags)
    }
    out.push({ start, end })
    at = end
    if (r.chance(0.07)) {
      tags.add('unused-ram-tail')
      break
    }
  }
  return out
}

/** Extend a range into the following gap, overlapping its own tail: e820 sanitising merges the two. */
function addOverlap(r: Rng, ranges: MemRange[], tags: Set<string>): void {
  const candidates = ranges.slice(2).filter((x) => x.end - x.start > 2 * PAGE)
  if (candidates.length === 0) return
  const base = r.pick(candidates)
  const start = base.start + alignDown(r.int(PAGE, base.end - base.start - PAGE), PAGE)
  const nextBegin = Math.min(...ranges.filter((x) => x.start >= base.end).map((x) => x.start), base.end + 16 * MiB)
  const end = Math.min(base.end + r.int(0, 64) * PAGE, nextBegin)
  ranges.push({ start, end })
  tags.add('overlapping-entries')
}

function genExactmap(r: Rng, ram: X86Ram, tags: Set<string>): MemRange[] {
  const ranges = lowAndKernelRanges(r, ram, tags)
  const budget = r.weighted([
    [3, 2],
    [6, 3],
    [10, 2],
    [18, 1]
  ] as const)
  const segments: MemRange[] = [{ start: MiB, end: ram.lowUsableEnd }]
  if (ram.highEnd > FOUR_GIB) {
    if (r.chance(0.1)) tags.add('high-ram-unused')
    else segments.push({ start: FOUR_GIB, end: ram.highEnd })
  }
  let cursor = ranges[1].end
  for (const segment of segments) {
    const filled = fillSegment(r, segment, cursor, budget, tags)
    ranges.push(...filled)
    if (filled.length > 0) cursor = filled[filled.length - 1].end
  }
  if (r.chance(0.08)) addOverlap(r, ranges, tags)
  return ranges
}

// ---------------------------------------------------------------------------
// x86_64: memmap=$ / memmap=# ranges and mem=

/**
 * A special (reserved or ACPI-data) range somewhere above the kernel area:
 * inside a usable range, across one of its edges, or in a hole.
 */
function specialRange(r: Rng, usable: readonly MemRange[], tags: Set<string>, label: string): MemRange | undefined {
  const size = r.weighted([
    [PAGE, 2],
    [64 * KiB, 2],
    [MiB, 1],
    [12345 * KiB, 1],
    [r.int(1, 4096) * PAGE, 2],
    [r.int(1, 8 * MiB), 1]
  ] as const)
  const above = sortRanges(usable)
    .map((x) => ({ start: Math.max(x.start, KERNEL_AREA_END), end: x.end }))
    .filter((x) => x.end > x.start)
  if (above.length === 0) return undefined
  const host = r.pick(above)
  const len = host.end - host.start
  const mode = r.weighted([
    ['inside', 3],
    ['across-end', 2],
    ['across-start', 1],
    ['in-hole', 1]
  ] as const)
  let start: number
  if (mode === 'inside' && len > size + 2 * PAGE) start = host.start + r.int(PAGE, len - size - PAGE)
  else if (mode === 'across-end' && size > 1) start = host.end - r.int(1, Math.min(size - 1, len))
  else if (mode === 'across-start' && size > 1 && host.start - KERNEL_AREA_END > size) start = host.start - r.int(1, size - 1)
  else if (mode === 'in-hole') start = host.end + r.int(0, 64) * PAGE
  else return undefined
  if (r.chance(0.6)) start = alignDown(start, PAGE)
  if (start < KERNEL_AREA_END) return undefined
  tags.add(`${label}-${mode}`)
  return { start, end: start + size }
}

function genSpecials(r: Rng, usable: readonly MemRange[], p: number, max: number, tags: Set<string>, label: string): MemRange[] {
  const out: MemRange[] = []
  if (!r.chance(p)) return out
  const count = r.int(1, max)
  for (let i = 0; i < count; i++) {
    const range = specialRange(r, usable, tags, label)
    if (range) out.push(range)
  }
  return out
}

/**
 * x86 mem= is an address limit (e820__range_remove above it). Pick one that
 * still leaves MIN_USABLE below it; some land off the page grid (K units).
 */
function genX86MemLimit(r: Rng, usable: readonly MemRange[], tags: Set<string>): string | undefined {
  const top = Math.max(...usable.map((x) => x.end))
  for (let attempt = 0; attempt < 8; attempt++) {
    const limit = r.int(256 * MiB, top + 256 * MiB)
    const form = r.weighted([
      ['M', 6],
      ['K', 2],
      ['G', 1]
    ] as const)
    const text = form === 'M' ? `${Math.floor(limit / MiB)}M` : form === 'K' ? `${Math.floor(limit / KiB)}K` : `${Math.max(1, Math.round(limit / GiB))}G`
    const bytes = form === 'M' ? Math.floor(limit / MiB) * MiB : form === 'K' ? Math.floor(limit / KiB) * KiB : Math.max(1, Math.round(limit / GiB)) * GiB
    if (bytesBelow(usable, bytes) < MIN_USABLE) continue
    tags.add(`mem-${form}`)
    if (bytes < top) tags.add('mem-cuts-ram')
    return text
  }
  return undefined
}

// ---------------------------------------------------------------------------
// x86_64: NUMA

/** 1–4 NUMA node sizes in MiB: a 128 MiB granule half of the time, else an odd one. */
function genNodeSizes(r: Rng, memMiB: number, oddGranules: number[], tags: Set<string>): number[] {
  const count = r.weighted([
    [1, 1],
    [2, 4],
    [3, 3],
    [4, 2]
  ] as const)
  const granule = r.chance(0.5) ? 128 : r.pick(oddGranules)
  const sizes = splitSizes(r, memMiB, count, granule, 64)
  tags.add(`numa-${count}`)
  tags.add(nodeSizeTag(sizes))
  return sizes
}

function genX86Numa(r: Rng, memMiB: number, tags: Set<string>): { nodes: NumaNode[]; smp: number } {
  if (!r.chance(0.4)) return { nodes: [], smp: 1 }
  const sizes = genNodeSizes(r, memMiB, [1, 2, 4, 32], tags)
  // Like the shared examples, most boots use -smp 1 (QEMU puts the cpu on
  // node 0); others give each node a cpu, and sometimes add a node with a
  // cpu but no memory at all.
  const cpuPerNode = r.chance(0.45)
  const nodes: NumaNode[] = sizes.map((sizeMiB, nodeId) => ({ nodeId, sizeMiB, cpus: cpuPerNode ? [nodeId] : [] }))
  if (cpuPerNode && r.chance(0.2)) {
    const nodeId = nodes.length
    nodes.push({ nodeId, sizeMiB: 0, cpus: [nodeId] })
    tags.add('qemu-memoryless-node')
  }
  if (cpuPerNode) tags.add('cpu-per-node')
  return { nodes, smp: cpuPerNode ? nodes.length : 1 }
}

/**
 * Make one node memoryless by dropping every exactmap range inside it: the
 * SRAT still lists it, but no e820 RAM lands there. Never node 0's kernel area.
 */
function dropNodeMemory(r: Rng, usable: MemRange[], nodes: readonly NumaNode[], ram: X86Ram, tags: Set<string>): { usable: MemRange[]; node?: number } {
  const nodeRanges = x86NodeRanges(nodes, ram)
  const candidates = nodes.filter((n) => n.sizeMiB > 0 && nodeRanges[n.nodeId].every((x) => x.start >= KERNEL_AREA_END))
  if (candidates.length === 0) return { usable }
  const victim = r.pick(candidates)
  const kept = nodeRanges[victim.nodeId].reduce((acc, cut) => subtract(acc, cut), usable)
  if (totalBytes(kept) < MIN_USABLE) return { usable }
  tags.add('exactmap-memoryless-node')
  return { usable: kept, node: victim.nodeId }
}

// ---------------------------------------------------------------------------
// x86_64 variant

const X86_MEM_MIB = [512, 768, 1024, 1536, 2048, 2560, 3072, 3328, 3584, 4096, 5120, 6144, 7168, 8192]

function x86MemMiB(r: Rng): number {
  return r.chance(0.7) ? r.pick(X86_MEM_MIB) : r.int(512, 8192)
}

function formatRangeArg(r: Rng, range: MemRange, op: '@' | '$' | '#'): string {
  const start = range.start === 0 && r.chance(0.5) ? '0' : hex(range.start)
  return `memmap=${formatSize(r, range.end - range.start)}${op}${start}`
}

function x86Append(r: Rng, layout: Omit<Layout, 'append'>, tags: Set<string>): string {
  const parts = ['console=ttyS0', 'panic=-1', 'nokaslr']
  const memmaps: string[] = []
  if (layout.exactmap) {
    memmaps.push(...layout.exactmap.map((x) => formatRangeArg(r, x, '@')))
  }
  memmaps.push(...layout.reserved.map((x) => formatRangeArg(r, x, '$')))
  memmaps.push(...layout.acpiData.map((x) => formatRangeArg(r, x, '#')))
  // The kernel sorts the table itself; out-of-order arguments test that the
  // engine does too. memmap=exactmap must come first: it empties the table.
  if (memmaps.length > 2 && r.chance(0.15)) {
    r.shuffle(memmaps)
    tags.add('unsorted-cmdline')
  }
  if (layout.exactmap) parts.push('memmap=exactmap')
  parts.push(...memmaps)
  if (layout.mem) parts.push(`mem=${layout.mem}`)
  return parts.join(' ')
}

function x86Expectations(layout: Omit<Layout, 'append' | 'expect'>): string[] {
  const expect = ['BIOS-e820: [mem ', 'Zone ranges:', 'Early memory node ranges', 'Memory: ', 'vmemmap can be freed']
  if (layout.exactmap || layout.reserved.length || layout.acpiData.length) expect.push('user: [mem ')
  // `] ACPI data` up to 6.x, `]  ACPI data` from 7.0
  if (layout.acpiData.length) expect.push(' ACPI data')
  if (layout.numa.some((n) => n.sizeMiB > 0)) expect.push('ACPI: SRAT: Node ')
  if (layout.cpu?.includes('pdpe1gb')) expect.push('vmemmap can be freed for a 1.00 GiB page')
  return expect
}

export function generateX86(seed: number, index: number): Variant {
  const r = new Rng(fnv1a(`${seed}:x86_64:${index}`))
  for (let attempt = 0; ; attempt++) {
    const variant = tryX86(r, seed, index)
    if (variant) return variant
    if (attempt > 50) throw new Error(`x86 variant ${index}: no valid layout after 50 attempts`)
  }
}

function tryX86(r: Rng, seed: number, index: number): Variant | undefined {
  const tags = new Set<string>()
  // q35 boots take ~30 s under TCG (vs ~8 s for pc): only a few of them.
  const machine: 'pc' | 'q35' = r.chance(0.06) ? 'q35' : 'pc'
  const memMiB = x86MemMiB(r)
  const ram = x86Ram(machine, memMiB)
  if (ram.lowUsableEnd < 256 * MiB) return undefined
  const { nodes, smp } = genX86Numa(r, memMiB, tags)
  const cpu = r.chance(0.15) ? 'qemu64,+pdpe1gb' : undefined
  if (cpu) tags.add('gbpages')
  if (ram.highEnd > FOUR_GIB) tags.add('ram-above-4G')
  tags.add(machine)

  let exactmap: MemRange[] | undefined
  const memoryless: number[] = nodes.filter((n) => n.sizeMiB === 0).map((n) => n.nodeId)
  if (r.chance(0.72)) {
    tags.add('exactmap')
    exactmap = genExactmap(r, ram, tags)
    if (nodes.length > 1 && r.chance(0.25)) {
      const dropped = dropNodeMemory(r, exactmap, nodes, ram, tags)
      exactmap = dropped.usable
      if (dropped.node !== undefined) memoryless.push(dropped.node)
    }
    if (totalBytes(exactmap) < MIN_USABLE) return undefined
  } else {
    tags.add('qemu-e820')
  }
  const usable = exactmap ?? x86UsableRanges(ram)
  const reserved = genSpecials(r, usable, exactmap ? 0.3 : 0.4, 3, tags, 'reserved')
  const acpiData = genSpecials(r, usable, exactmap ? 0.2 : 0.3, 2, tags, 'acpi')
  const mem = r.chance(exactmap ? 0.2 : 0.35) ? genX86MemLimit(r, usable, tags) : undefined

  const base: Omit<Layout, 'append' | 'expect'> = {
    arch: 'x86_64',
    firmware: 'seabios' as const,
    machine,
    cpu,
    memMiB,
    smp,
    numa: nodes,
    ram: x86RamRanges(ram),
    exactmap,
    reserved,
    acpiData,
    mem,
    memorylessNodes: memoryless.sort((a, b) => a - b),
    features: []
  }
  const append = x86Append(r, { ...base, expect: [] }, tags)
  if (append.length > MAX_APPEND) return undefined
  const layout: Layout = { ...base, features: [...tags].sort(), expect: x86Expectations(base), append }
  return { id: variantId('x86_64', seed, index), arch: 'x86_64', seed, index, layout }
}

// ---------------------------------------------------------------------------
// arm64 variant

const ARM_MEM_MIB = [512, 768, 1024, 1536, 2048, 2560, 3072, 4096, 5120, 6144]

function genArmNuma(r: Rng, memMiB: number, firmware: Firmware, tags: Set<string>): NumaNode[] {
  if (!r.chance(0.5)) return []
  const sizes = genNodeSizes(r, memMiB, [1, 2, 16, 64], tags)
  const nodes: NumaNode[] = sizes.map((sizeMiB, nodeId) => ({ nodeId, sizeMiB, cpus: [nodeId] }))
  // A cpu-only node: with DT the kernel keeps it as a memoryless node.
  if (r.chance(firmware === 'dt' ? 0.2 : 0.1)) {
    nodes.push({ nodeId: nodes.length, sizeMiB: 0, cpus: [nodes.length] })
    tags.add('qemu-memoryless-node')
  }
  return nodes
}

/** arm64 mem= is a size limit (memblock_mem_limit_remove_map), not an address. */
function genArmMem(r: Rng, memMiB: number, tags: Set<string>): string | undefined {
  if (!r.chance(0.25) || memMiB < 448) return undefined
  const limitMiB = r.int(320, memMiB - 64)
  const form = r.weighted([
    ['M', 6],
    ['K', 2],
    ['G', 1]
  ] as const)
  if (form === 'G' && limitMiB >= 1024) {
    tags.add('mem-G')
    return `${Math.floor(limitMiB / 1024)}G`
  }
  if (form === 'K') {
    tags.add('mem-K')
    return `${limitMiB * 1024 + r.int(0, 1023)}K`
  }
  tags.add('mem-M')
  return `${limitMiB}M`
}

export function generateArm64(seed: number, index: number): Variant {
  const r = new Rng(fnv1a(`${seed}:arm64:${index}`))
  const tags = new Set<string>()
  const firmware: Firmware = r.chance(0.55) ? 'uefi' : 'dt'
  tags.add(firmware)
  const memMiB = r.chance(0.7) ? r.pick(ARM_MEM_MIB) : r.int(512, 6144)
  if (memMiB > 3072) tags.add('ram-above-4G')
  const numa = genArmNuma(r, memMiB, firmware, tags)
  const mem = genArmMem(r, memMiB, tags)
  const parts = ['console=ttyAMA0', 'panic=-1']
  if (firmware === 'uefi') parts.push('efi=debug')
  if (mem) parts.push(`mem=${mem}`)

  const expect = ['Zone ranges:', 'Early memory node ranges', 'Memory: ', 'vmemmap can be freed']
  if (firmware === 'uefi') expect.push('efi:   0x')
  if (firmware === 'uefi' && numa.some((n) => n.sizeMiB > 0)) expect.push('ACPI: SRAT: Node ')
  const layout: Layout = {
    arch: 'arm64',
    firmware,
    machine: 'virt',
    cpu: 'cortex-a57',
    memMiB,
    smp: numa.length || 1,
    numa,
    // QEMU virt: RAM at 1 GiB, contiguous.
    ram: [{ start: GiB, end: GiB + memMiB * MiB }],
    reserved: [],
    acpiData: [],
    mem,
    memorylessNodes: numa.filter((n) => n.sizeMiB === 0).map((n) => n.nodeId),
    features: [...tags].sort(),
    expect,
    append: parts.join(' ')
  }
  return { id: variantId('arm64', seed, index), arch: 'arm64', seed, index, layout }
}

// ---------------------------------------------------------------------------
// s390x variant

const S390_MEM_MIB = [256, 512, 1000, 1024, 1536, 2047, 2048, 2100, 2500, 3000, 3333, 4096, 5000, 6144]

/**
 * The RAM QEMU's s390-ccw-virtio machine gives a guest of memMiB: all of it, from 0. QEMU 7.2
 * (Debian bookworm) does not round -m to its SCLP storage increment: the recorded boots of
 * -m 1391M, 2047M, 3333M, 4460M and 5754M print "The maximum memory size is" the same number
 * of MB and end memory there (tests/fixtures/kernel-versions/<v>/s390x-*).
 */
export function s390Ram(memMiB: number): MemRange {
  return { start: 0, end: memMiB * MiB }
}

/**
 * s390 mem= caps the identity mapping at an address: arch/s390/boot/ipl_parm.c
 * parse_boot_command_line() takes round_down(memparse(val), PAGE_SIZE) as memory_limit.
 * Values below, at and above the RAM, in M, K (unaligned too), G and bytes.
 */
function genS390Mem(r: Rng, memMiB: number, tags: Set<string>): string | undefined {
  if (!r.chance(0.45)) return undefined
  const limitMiB = r.chance(0.15) ? memMiB + r.int(1, 512) : r.int(128, Math.max(129, memMiB - 1))
  if (limitMiB >= memMiB) tags.add('mem-above-ram')
  const form = r.weighted([
    ['M', 5],
    ['K', 3],
    ['G', 1],
    ['bytes', 1]
  ] as const)
  if (form === 'G' && limitMiB >= 1024) {
    tags.add('mem-G')
    return `${Math.floor(limitMiB / 1024)}G`
  }
  if (form === 'K') {
    tags.add('mem-K')
    return `${limitMiB * 1024 + r.int(0, 1023)}K`
  }
  if (form === 'bytes') {
    tags.add('mem-bytes')
    return String(limitMiB * MiB + r.int(0, MiB - 1))
  }
  tags.add('mem-M')
  return `${limitMiB}M`
}

export function generateS390x(seed: number, index: number): Variant {
  const r = new Rng(fnv1a(`${seed}:s390x:${index}`))
  const tags = new Set<string>(['sclp'])
  const memMiB = r.chance(0.6) ? r.pick(S390_MEM_MIB) : r.int(256, 6144)
  const ram = s390Ram(memMiB)
  if (ram.end > 2 * GiB) tags.add('ram-above-2G')
  if (ram.end % (256 * MiB) !== 0) tags.add('ram-off-section')
  const mem = genS390Mem(r, memMiB, tags)
  const parts = ['panic=-1']
  if (mem) parts.push(`mem=${mem}`)
  const layout: Layout = {
    arch: 's390x',
    firmware: 'sclp',
    machine: 's390-ccw-virtio',
    memMiB,
    smp: 1,
    numa: [],
    ram: [ram],
    reserved: [],
    acpiData: [],
    mem,
    memorylessNodes: [],
    features: [...tags].sort(),
    // no `HugeTLB:` lines: TCG CPUs lack EDAT1, so hugetlbfs registers no size
    expect: ['Zone ranges:', 'Early memory node ranges', 'Memory: ', 'The maximum memory size is '],
    append: parts.join(' ')
  }
  return { id: variantId('s390x', seed, index), arch: 's390x', seed, index, layout }
}

// ---------------------------------------------------------------------------
// Batches, commands and descriptions

export function variantId(arch: Arch, seed: number, index: number): string {
  return `${arch}-s${seed}-${String(index).padStart(3, '0')}`
}

export function generateBatch(seed: number, countX86: number, countArm64: number, movableRate = 0): Variant[] {
  const x86 = Array.from({ length: countX86 }, (_, i) => withZoneMovable(generateX86(seed, i), movableRate))
  const arm = Array.from({ length: countArm64 }, (_, i) => withZoneMovable(generateArm64(seed, i), movableRate))
  return [...x86, ...arm]
}

function numaArgs(nodes: readonly NumaNode[]): string[] {
  const args: string[] = []
  for (const node of nodes) {
    const cpus = node.cpus.length ? `,cpus=${node.cpus.join('-')}` : ''
    if (node.sizeMiB > 0) {
      args.push('-object', `memory-backend-ram,id=m${node.nodeId},size=${node.sizeMiB}M`)
      args.push('-numa', `node,nodeid=${node.nodeId}${cpus},memdev=m${node.nodeId}`)
    } else {
      args.push('-numa', `node,nodeid=${node.nodeId}${cpus}`)
    }
  }
  return args
}

/**
 * The QEMU command, in the shape of the shared examples. kernel is what is
 * passed to -kernel (record.ts runs QEMU in the kernel's directory and passes
 * the bare file name, so the recorded cmd is exactly what ran).
 */
export function qemuCommand(variant: Variant, kernel: string, initrd?: string): string[] {
  const l = variant.layout
  const initrdArgs = initrd ? ['-initrd', initrd] : []
  if (l.arch === 's390x') {
    return ['qemu-system-s390x', '-nographic', '-no-reboot', '-kernel', kernel, ...initrdArgs, '-M', 's390-ccw-virtio', '-m', `${l.memMiB}M`, '-append', l.append]
  }
  if (l.arch === 'x86_64') {
    return [
      'qemu-system-x86_64',
      '-smp',
      // One socket per cpu: with the default topology (one socket, N cores
      // sharing a cache) cpus on different nodes make the scheduler print a
      // WARNING with a stack trace ("llc-sibling … is not on the same node").
      l.smp > 1 ? `${l.smp},sockets=${l.smp}` : String(l.smp),
      '-nographic',
      '-no-reboot',
      '-kernel',
      kernel,
      ...initrdArgs,
      '-m',
      `${l.memMiB}M`,
      ...(l.machine === 'q35' ? ['-M', 'q35'] : []),
      ...(l.cpu ? ['-cpu', l.cpu] : []),
      ...numaArgs(l.numa),
      '-append',
      l.append
    ]
  }
  return [
    'qemu-system-aarch64',
    '-nographic',
    '-no-reboot',
    '-kernel',
    kernel,
    ...initrdArgs,
    '-M',
    'virt',
    '-cpu',
    l.cpu ?? 'cortex-a57',
    '-m',
    `${l.memMiB}M`,
    ...(l.firmware === 'uefi' ? ['-bios', QEMU_EFI] : []),
    ...(l.numa.length ? ['-smp', String(l.smp)] : []),
    ...numaArgs(l.numa),
    '-append',
    l.append
  ]
}

/** JSON-friendly description: ranges as kernel-style inclusive hex text. */
export interface LayoutDescription {
  summary: string
  arch: Arch
  firmware: Firmware
  machine: Machine
  cpu?: string
  memMiB: number
  smp: number
  ram: string[]
  numa: { node: number; sizeMiB: number; cpus: number[]; ranges: string[] }[]
  exactmap?: string[]
  reserved: string[]
  acpiData: string[]
  mem?: string
  memorylessNodes: number[]
  features: string[]
}

/** Physical ranges QEMU gives each NUMA node (arm64 virt: consecutive from 1 GiB). */
function nodeRanges(l: Layout): MemRange[][] {
  if (l.machine === 's390-ccw-virtio') return []
  if (l.machine !== 'virt') return x86NodeRanges(l.numa, x86Ram(l.machine, l.memMiB))
  let at = GiB
  return l.numa.map((n) => {
    const range = { start: at, end: at + n.sizeMiB * MiB }
    at = range.end
    return n.sizeMiB > 0 ? [range] : []
  })
}

export function describeLayout(l: Layout): LayoutDescription {
  const ranges = nodeRanges(l)
  return {
    summary: summarize(l),
    arch: l.arch,
    firmware: l.firmware,
    machine: l.machine,
    ...(l.cpu ? { cpu: l.cpu } : {}),
    memMiB: l.memMiB,
    smp: l.smp,
    ram: l.ram.map(rangeText),
    numa: l.numa.map((n) => ({
      node: n.nodeId,
      sizeMiB: n.sizeMiB,
      cpus: n.cpus,
      ranges: ranges[n.nodeId].map(rangeText)
    })),
    ...(l.exactmap ? { exactmap: l.exactmap.map(rangeText) } : {}),
    reserved: l.reserved.map(rangeText),
    acpiData: l.acpiData.map(rangeText),
    ...(l.mem ? { mem: l.mem } : {}),
    memorylessNodes: l.memorylessNodes,
    features: l.features
  }
}

function summarize(l: Layout): string {
  const parts = [`${l.arch} ${l.firmware}/${l.machine}`, `-m ${l.memMiB}M`]
  if (l.numa.length) parts.push(`${l.numa.length} NUMA node(s) [${l.numa.map((n) => `${n.sizeMiB}M`).join(', ')}]`)
  if (l.exactmap) parts.push(`exactmap ${l.exactmap.length} ranges (${Math.round(totalBytes(l.exactmap) / MiB)} MiB)`)
  if (l.reserved.length) parts.push(`${l.reserved.length} reserved`)
  if (l.acpiData.length) parts.push(`${l.acpiData.length} ACPI data`)
  if (l.mem) parts.push(`mem=${l.mem}`)
  if (l.memorylessNodes.length) parts.push(`memoryless node(s) ${l.memorylessNodes.join(',')}`)
  if (l.cpu && l.arch === 'x86_64') parts.push(`-cpu ${l.cpu}`)
  return parts.join(', ')
}

/**
 * ZONE_MOVABLE requests (kernelcore= / movablecore=, as sizes or percentages) added to a
 * share of the variants. The choice comes from a stream of its own, so a batch recorded
 * with rate 0 is reproduced exactly whatever the rate of later batches.
 */
export function withZoneMovable(v: Variant, rate: number): Variant {
  if (rate <= 0) return v
  const r = new Rng(fnv1a(`${v.seed}:${v.arch}:${v.index}:movable`))
  if (!r.chance(rate)) return v
  const key = r.chance(0.5) ? 'movablecore' : 'kernelcore'
  const value = r.chance(0.4) ? `${r.int(5, 90)}%` : `${Math.max(16, Math.floor((v.layout.memMiB * r.int(5, 90)) / 100))}M`
  const arg = `${key}=${value}`
  const layout: Layout = {
    ...v.layout,
    append: `${v.layout.append} ${arg}`,
    features: [...v.layout.features, 'zone-movable'].sort(),
    expect: [...v.layout.expect, 'Movable zone start for each node']
  }
  return { ...v, layout }
}

/**
 * Physical KASLR on a share of the x86 variants (`nokaslr` dropped): the decompressor then
 * picks the kernel's place from QEMU's e820 map, blind to memmap=exactmap, so the image
 * can land in a hole the exactmap makes (the kernel then warns `.text .data .bss are not
 * marked as E820_TYPE_RAM!` and adds the image back as RAM). A stream of its own, as
 * withZoneMovable().
 */
export function withKaslr(v: Variant, rate: number): Variant {
  if (rate <= 0 || v.arch !== 'x86_64') return v
  const r = new Rng(fnv1a(`${v.seed}:${v.arch}:${v.index}:kaslr`))
  if (!r.chance(rate)) return v
  const layout: Layout = {
    ...v.layout,
    append: v.layout.append
      .split(' ')
      .filter((a) => a !== 'nokaslr')
      .join(' '),
    features: [...v.layout.features, 'kaslr'].sort()
  }
  return { ...v, layout }
}

/**
 * Boots that go on to the oracle's initramfs (initramfs.ts), which prints the kernel's
 * computed state (zoneinfo, vmstat, memory blocks, iomem, memblock, HVO) and powers off.
 */
export function withStateDump(v: Variant): Variant {
  const layout: Layout = {
    ...v.layout,
    append: `${v.layout.append} rdinit=/init`,
    features: [...v.layout.features, 'state'].sort(),
    expect: [...v.layout.expect, 'MW-STATE DONE']
  }
  return { ...v, layout }
}

export interface BatchOptions {
  /** s390x variants, after the x86_64 and arm64 ones (0 when omitted) */
  countS390x?: number
  movableRate?: number
  kaslrRate?: number
  state?: boolean
}

/** A batch of variants: the base layouts, then ZONE_MOVABLE, KASLR and the state dump, each from its own stream. */
export function generateVariants(seed: number, countX86: number, countArm64: number, o: BatchOptions = {}): Variant[] {
  const s390x = Array.from({ length: o.countS390x ?? 0 }, (_, i) => withZoneMovable(generateS390x(seed, i), o.movableRate ?? 0))
  return [...generateBatch(seed, countX86, countArm64, o.movableRate ?? 0), ...s390x].map((v) => withKaslr(v, o.kaslrRate ?? 0)).map((v) => (o.state ? withStateDump(v) : v))
}
