// KMSAN boot-time metadata (kernel-memmap-spec §8, §9 item 20; mm/kmsan/init.c).
//
// Every data page has a shadow page and an origin page, so 2 of every 3 pages memblock
// hands to the buddy allocator become metadata:
//  * kmsan_init_shadow(): metadata for the "future" ranges (reserved memblock ranges,
//    .data, NODE_DATA; ≤ NUM_FUTURE_RANGES = 128 after merging) is memblock_alloc()'d,
//    2 × their pages, before the hand-off.
//  * kmsan_memblock_free_pages(page, order): per order, the 1st block is held as shadow,
//    the 2nd as origin, the 3rd gets both and reaches the buddy allocator (held_back[] is
//    global: a triple can span nodes).
//  * kmsan_memblock_discard() (kmsan_init_runtime()): leftover held blocks, from
//    MAX_PAGE_ORDER down to 0, are pushed on a small stack; triples (page, shadow, origin)
//    are freed, the rest split into halves of order − 1; ≤ 2 order-0 pages stay unused.
// Blocks come from __free_pages_memory() (mm/memblock.c): greedy, naturally aligned,
// at most MAX_PAGE_ORDER. No per-page iteration: counts per order and the ≤ 6-entry
// discard stack only.
//
// Figure ids (stable): kmsan.node.<nid>.free-pages, kmsan.node.<nid>.usable-pages,
//   kmsan.node.<nid>.metadata-pages, kmsan.node.<nid>.lost-pages, kmsan.usable-pages,
//   kmsan.metadata-pages, kmsan.lost-pages, kmsan.usable-percent, kmsan.cross-node-triples,
//   kmsan.future-metadata-pages, kmsan.struct-page-extra-bytes
// Check ids: kmsan.arch, kmsan.future-ranges, kmsan.boot-accounting (§9 item 20).

import { atLeast, formatVersion, type KernelVersion } from '../version.ts'
import type { Check, Figure } from './types.ts'

/** KMSAN support per architecture (HAVE_ARCH_KMSAN in arch/<arch>/Kconfig). */
export const KMSAN_ARCHES: readonly { arch: string; since: string; note: string }[] = [
  { arch: 'x86_64', since: '6.1-rc1', note: '4ca8cc8d1bbe "x86: kmsan: enable KMSAN builds for x86"' },
  { arch: 's390', since: '6.10-rc1', note: 'release inferred (kernel-memmap-spec §10 item 11: unverified)' }
]

export interface KmsanFreeRange {
  startPfn: number
  endPfn: number
}

export interface KmsanNodeInput {
  nid: number
  /** node present pages (for the usable share) */
  presentPages: number
  /**
   * Pages memblock_free_all() hands over on this node, after KMSAN's own memblock
   * allocations. Taken as one MAX_PAGE_ORDER-aligned range when `freeRanges` is absent.
   */
  freePages?: number
  /** the free pfn ranges of the node in address order (exact block decomposition) */
  freeRanges?: KmsanFreeRange[]
}

export interface KmsanInput {
  version: KernelVersion
  arch: string
  /** nodes in the order memblock frees them (address order) */
  nodes: KmsanNodeInput[]
  /** MAX_PAGE_ORDER (inclusive; default 10) */
  maxPageOrder?: number
  /** pages of the merged future ranges (reserved + .data + NODE_DATA), page aligned */
  futureRangePages?: number
  /** number of future ranges after merging (kmsan_record_future_shadow_range()) */
  futureRangeCount?: number
  /** buddy pages observed after boot (e.g. MemTotal in pages), to compare with the model */
  observedBuddyPages?: number
}

export interface KmsanNodeResult {
  nid: number
  presentPages: number
  freePages: number
  usablePages: number
  metadataPages: number
  lostPages: number
  /** free blocks per order handed over by memblock */
  blocks: number[]
}

export interface KmsanResult {
  nodes: KmsanNodeResult[]
  usablePages: number
  metadataPages: number
  lostPages: number
  futureMetadataPages: number
  crossNodeTriples: number
  figures: Figure[]
  checks: Check[]
}

/** Trailing zero bits of n, capped at `max` (n ≥ 0; 0 counts as aligned to everything). */
function alignOrder(n: number, max: number): number {
  if (n === 0) return max
  let k = 0
  while (k < max && n % 2 ** (k + 1) === 0) k++
  return k
}

/**
 * __free_pages_memory(start, end) (mm/memblock.c): blocks of order
 * min(MAX_PAGE_ORDER, __ffs(start)), reduced until they fit. Counts per order.
 */
export function freeBlocksOfRange(startPfn: number, endPfn: number, maxOrder: number, into: number[] = new Array(maxOrder + 1).fill(0)): number[] {
  let s = startPfn
  const greedy = (): void => {
    let order = alignOrder(s, maxOrder)
    while (s + 2 ** order > endPfn) order--
    into[order]++
    s += 2 ** order
  }
  // head: at most maxOrder steps until s is max-order aligned
  while (s < endPfn && alignOrder(s, maxOrder) < maxOrder) greedy()
  // body: whole max-order blocks
  const whole = Math.floor((endPfn - s) / 2 ** maxOrder)
  if (whole > 0) {
    into[maxOrder] += whole
    s += whole * 2 ** maxOrder
  }
  // tail: at most maxOrder steps
  while (s < endPfn) greedy()
  return into
}

interface Item {
  nid: number
}

/** KMSAN boot metadata per node for the given free memory (§8). */
export function kmsanBootMetadata(input: KmsanInput): KmsanResult {
  const maxOrder = input.maxPageOrder ?? 10
  const nodes = input.nodes.map((n) => {
    const blocks = new Array(maxOrder + 1).fill(0)
    if (n.freeRanges) for (const r of n.freeRanges) freeBlocksOfRange(r.startPfn, r.endPfn, maxOrder, blocks)
    else freeBlocksOfRange(0, n.freePages ?? 0, maxOrder, blocks)
    const freePages = blocks.reduce((a, b, k) => a + b * 2 ** k, 0)
    return { nid: n.nid, presentPages: n.presentPages, freePages, usablePages: 0, metadataPages: 0, lostPages: 0, blocks }
  })
  const byNid = new Map(nodes.map((n) => [n.nid, n]))
  const addUsable = (nid: number, order: number): void => void (byNid.get(nid)!.usablePages += 2 ** order)
  const addMeta = (nid: number, order: number, count = 1): void => void (byNid.get(nid)!.metadataPages += count * 2 ** order)

  // Hand-off: per order, global block index i is freed iff i % 3 == 2.
  const leftover: Item[][] = [] // per order: held shadow (and origin) at the end
  let crossNodeTriples = 0
  for (let k = 0; k <= maxOrder; k++) {
    let c = 0
    const owner: { nid: number; from: number; to: number }[] = []
    for (const n of nodes) {
      const b = n.blocks[k]
      if (!b) continue
      const freed = Math.floor((c + b) / 3) - Math.floor(c / 3)
      n.usablePages += freed * 2 ** k
      owner.push({ nid: n.nid, from: c, to: c + b })
      c += b
    }
    const complete = 3 * Math.floor(c / 3)
    // held blocks inside complete triples are metadata of their own node
    for (const o of owner) {
      const held = Math.max(0, Math.min(o.to, complete) - o.from) - (Math.floor(Math.min(o.to, complete) / 3) - Math.floor(o.from / 3))
      addMeta(o.nid, k, held)
    }
    // triples whose three blocks are not on one node
    const crossing = new Set<number>()
    for (const o of owner.slice(1)) if (o.from % 3 !== 0 && o.from < complete) crossing.add(Math.floor(o.from / 3))
    crossNodeTriples += crossing.size
    const nidAt = (i: number): number => owner.find((o) => i >= o.from && i < o.to)!.nid
    leftover[k] = []
    for (let i = complete; i < c; i++) leftover[k].push({ nid: nidAt(i) })
  }

  // kmsan_memblock_discard(): a faithful run of the stack over the ≤ 2 leftovers per order.
  let stack: Item[] = []
  for (let k = maxOrder; k >= 0; k--) {
    stack.push(...leftover[k]) // shadow, then origin
    while (stack.length >= 3) {
      const page = stack.pop()!
      const shadow = stack.pop()!
      const origin = stack.pop()!
      addUsable(page.nid, k)
      addMeta(shadow.nid, k)
      addMeta(origin.nid, k)
    }
    if (k === 0) break
    const tmp: Item[] = []
    while (stack.length) {
      const it = stack.pop()!
      tmp.push({ nid: it.nid }, { nid: it.nid })
    }
    stack = tmp
  }
  for (const it of stack) byNid.get(it.nid)!.lostPages += 1 // order-0 pages never freed

  const usable = nodes.reduce((a, n) => a + n.usablePages, 0)
  const meta = nodes.reduce((a, n) => a + n.metadataPages, 0)
  const lost = nodes.reduce((a, n) => a + n.lostPages, 0)
  const free = nodes.reduce((a, n) => a + n.freePages, 0)
  const present = nodes.reduce((a, n) => a + n.presentPages, 0)
  const future = 2 * (input.futureRangePages ?? 0)

  const refInit = 'kmsan_memblock_free_pages() / kmsan_memblock_discard() mm/kmsan/init.c'
  const versions = '≥ 6.1 (x86_64)'
  const figures: Figure[] = []
  for (const n of nodes) {
    const p = `kmsan.node.${n.nid}`
    figures.push(
      { id: `${p}.free-pages`, label: `node ${n.nid}: pages handed over by memblock`, value: n.freePages, unit: 'pages', formula: `Σ blocks[k] × 2^k = ${n.blocks.map((b, k) => (b ? `${b}×2^${k}` : '')).filter(Boolean).join(' + ') || '0'}`, ref: '__free_pages_memory() mm/memblock.c', versions: 'all' },
      { id: `${p}.usable-pages`, label: `node ${n.nid}: pages reaching the buddy allocator`, value: n.usablePages, unit: 'pages', formula: 'per order: global block index i with i % 3 == 2, plus discard-pass triples', ref: refInit, versions },
      { id: `${p}.metadata-pages`, label: `node ${n.nid}: pages used as shadow/origin`, value: n.metadataPages, unit: 'pages', formula: 'held blocks (1st and 2nd of each triple) on this node', ref: refInit, versions },
      { id: `${p}.lost-pages`, label: `node ${n.nid}: order-0 leftovers never freed`, value: n.lostPages, unit: 'pages', formula: 'stack items left after order 0 in kmsan_memblock_discard()', ref: refInit, versions }
    )
  }
  figures.push(
    { id: 'kmsan.usable-pages', label: 'buddy pages after the KMSAN hand-off', value: usable, unit: 'pages', formula: `(free − lost) / 3 = (${free} − ${lost}) / 3`, ref: refInit, versions },
    { id: 'kmsan.metadata-pages', label: 'shadow + origin pages from the hand-off', value: meta, unit: 'pages', formula: `2 × usable = 2 × ${usable}`, ref: refInit, versions },
    { id: 'kmsan.lost-pages', label: 'pages left over by the discard pass', value: lost, unit: 'pages', formula: 'order-0 stack remainder (≤ 2)', ref: refInit, versions },
    {
      id: 'kmsan.usable-percent',
      label: 'usable share of present memory',
      value: present ? Number(((usable / present) * 100).toFixed(3)) : 0,
      unit: 'percent',
      formula: `${usable} / ${present}`,
      ref: refInit,
      versions
    },
    { id: 'kmsan.cross-node-triples', label: 'triples whose metadata lies on another node', value: crossNodeTriples, unit: 'count', formula: 'held_back[] is global: node boundaries inside a triple', ref: refInit, versions },
    {
      id: 'kmsan.future-metadata-pages',
      label: 'metadata of reserved/.data/NODE_DATA ranges (memblock)',
      value: future,
      unit: 'pages',
      formula: `2 × ${input.futureRangePages ?? 0}`,
      ref: 'kmsan_init_shadow() / kmsan_init_alloc_meta_for_range() mm/kmsan/init.c, shadow.c',
      versions
    },
    {
      id: 'kmsan.struct-page-extra-bytes',
      label: 'memmap growth from kmsan_shadow/kmsan_origin (+16 B per page)',
      value: present * 16,
      unit: 'bytes',
      formula: `${present} × 16`,
      ref: 'struct page include/linux/mm_types.h (CONFIG_KMSAN)',
      versions
    }
  )

  const checks: Check[] = [kmsanArchCheck(input.arch, input.version)]
  if (input.futureRangeCount !== undefined)
    checks.push({
      id: 'kmsan.future-ranges',
      title: 'future shadow ranges fit start_end_pairs[]',
      pass: input.futureRangeCount <= 128,
      severity: 'warning',
      condition: 'future_index ≤ NUM_FUTURE_RANGES (128)',
      values: { ranges: input.futureRangeCount, max: 128 },
      ref: 'kmsan_record_future_shadow_range() mm/kmsan/init.c',
      versions,
      consequence: 'KMSAN_WARN_ON and a write past start_end_pairs[]'
    })
  const invariant = meta === 2 * usable && usable + meta + lost === free
  const observed = input.observedBuddyPages
  checks.push({
    id: 'kmsan.boot-accounting',
    title: 'of the blocks memblock hands over, one in three per order reaches the buddy allocator',
    pass: invariant && (observed === undefined || observed === usable),
    severity: 'warning',
    condition:
      observed === undefined
        ? 'metadata == 2 × usable && usable + metadata + lost == free (shadow/origin blocks have the data block’s order)'
        : `observed buddy pages == (free − lost) / 3 = ${usable}`,
    values: { free, usable, metadata: meta, lost, ...(observed !== undefined ? { observed } : {}) },
    ref: refInit,
    versions,
    spec: 20,
    consequence: 'the accounting does not match a KMSAN kernel (was KMSAN on? were pages freed outside memblock_free_pages()?)'
  })
  return { nodes, usablePages: usable, metadataPages: meta, lostPages: lost, futureMetadataPages: future, crossNodeTriples, figures, checks }
}

export function kmsanArchCheck(arch: string, v: KernelVersion): Check {
  const row = KMSAN_ARCHES.find((a) => a.arch === arch)
  const pass = !!row && atLeast(v, row.since)
  return {
    id: 'kmsan.arch',
    title: `KMSAN exists on ${arch} ${formatVersion(v)}`,
    pass,
    severity: 'error',
    condition: `HAVE_ARCH_KMSAN: ${KMSAN_ARCHES.map((a) => `${a.arch} ≥ ${a.since.replace('-rc1', '')}`).join(', ')}`,
    values: { arch, version: formatVersion(v) },
    ref: row ? `arch/${arch === 'x86_64' ? 'x86' : arch}/Kconfig (${row.note})` : `arch/${arch}/Kconfig`,
    versions: row ? `≥ ${row.since.replace('-rc1', '')}${row.note.includes('inferred') ? ' (inferred)' : ''}` : 'never',
    consequence: 'CONFIG_KMSAN cannot be enabled: no metadata, struct page stays without kmsan_shadow/origin'
  }
}
