// KMSAN boot-time metadata (mm/kmsan/init.c, mm/kmsan/shadow.c; 3c2065098260 "init: kmsan:
// call KMSAN initialization routines" (in v6.1)).
//
// Every data page has a shadow page and an origin page:
//  * kmsan_init_shadow() (mm_core_init(), before memblock_free_all()): every
//    memblock.reserved range, .data and NODE_DATA are recorded as "future" ranges
//    (kmsan_record_future_shadow_range(): overlapping or touching ranges merge, at most
//    NUM_FUTURE_RANGES = 128) and get 2 × their size memblock_alloc()'d as shadow + origin
//    (kmsan_init_alloc_meta_for_range()). The reserved ranges include the memmap's own
//    backing (sparse_init() reserves it), x86's first 1 MiB (reserve_real_mode(),
//    f1d4d47c5851 (in v5.13)) and the initrd. The allocations come out of free memory,
//    top-down, before the hand-off.
//  * memblock_free_all() hands the remaining free ranges over in naturally aligned blocks
//    (__free_pages_memory() mm/memblock.c); kmsan_memblock_free_pages(page, order) keeps,
//    per order, the 1st block as shadow, the 2nd as origin and frees the 3rd with them
//    (held_back[] is global: a triple can span nodes).
//  * kmsan_memblock_discard() (kmsan_init_runtime()): the held leftovers, from
//    MAX_PAGE_ORDER down to 0, are pushed on a small stack; triples (page, shadow, origin)
//    are freed, the rest split into halves of order − 1; ≤ 2 order-0 pages stay unused.
//    Globally: buddy = ⌊F/3⌋, metadata = 2⌊F/3⌋, stranded = F mod 3.
//  * With DEFERRED_STRUCT_PAGE_INIT (possible until 854fa98d1dff made it depend on !KMSAN
//    (in v6.11)) memblock_free_pages() skips the deferred part of each node's last zone;
//    deferred_init_memmap() frees it later with __free_pages_core(), after
//    kmsan_init_runtime(): those pages get no shadow and no origin.
// No per-page iteration: counts per order and the ≤ 6-entry discard stack only.
//
// Figure ids (stable): kmsan.node.<nid>.free-pages, kmsan.node.<nid>.usable-pages,
//   kmsan.node.<nid>.metadata-pages, kmsan.node.<nid>.lost-pages, kmsan.usable-pages,
//   kmsan.metadata-pages, kmsan.lost-pages, kmsan.usable-percent, kmsan.cross-node-triples,
//   kmsan.future-ranges, kmsan.future-range-pages, kmsan.future-metadata-pages,
//   kmsan.deferred-pages, kmsan.struct-page-extra-bytes, kmsan.order.<k>.triples
// Check ids: kmsan.arch, kmsan.future-ranges, kmsan.boot-accounting, kmsan.deferred-init.

import { cite, holds, sinceOf, versionsOf, type FactId } from '../facts.ts'
import { normalize, subtract } from '../sections.ts'
import { formatVersion, type KernelVersion } from '../version.ts'
import type { Check, Figure } from './types.ts'

/** KMSAN support per architecture (HAVE_ARCH_KMSAN in arch/<arch>/Kconfig), as facts. */
export const KMSAN_ARCHES: Readonly<Record<string, FactId>> = { x86_64: 'kmsan-x86', s390: 'kmsan-s390' }

// ---------------------------------------------------------------------------------------
// The ranges of the hand-off: what is reserved (future ranges), what memblock frees

export interface ByteRange {
  start: number
  end: number
}

export interface HandoffInput {
  /** memblock.memory without NOMAP, by node, in bytes */
  memory: (ByteRange & { nid: number })[]
  /** memblock.reserved at kmsan_init_shadow() time, in bytes (any order, may overlap) */
  reserved: ByteRange[]
  pageSize: number
}

export interface Handoff {
  /** the merged future ranges (page-aligned outwards) */
  futureRanges: ByteRange[]
  futureRangePages: number
  /** free pfn ranges per node after the reservations and the 2 × future metadata */
  freeRanges: Map<number, KmsanFreeRange[]>
  /** pages the future metadata took (2 × futureRangePages, or less if memory ran out) */
  futureMetadataPages: number
}

/**
 * The free ranges memblock_free_all() walks (for_each_free_mem_range(): memory minus
 * reserved, PFN_UP(start)..PFN_DOWN(end)), after kmsan_init_shadow() has taken
 * 2 × the future ranges top-down (memblock_alloc() from the highest free memory).
 */
export function kmsanHandoff(i: HandoffInput): Handoff {
  return kmsanHandoffDeferred(i, new Map()).handoff
}

/**
 * The same, with DEFERRED_STRUCT_PAGE_INIT: memblock_free_pages() skips pfns at or above
 * the node's first_deferred_pfn (early_page_uninitialised()); they are counted apart.
 */
export function kmsanHandoffDeferred(i: HandoffInput, firstDeferredPfn: Map<number, number>): { handoff: Handoff; deferredPages: number } {
  const h = handoffRanges(i)
  let deferredPages = 0
  for (const [nid, ranges] of h.freeRanges) {
    const fd = firstDeferredPfn.get(nid)
    if (fd === undefined) continue
    const kept: KmsanFreeRange[] = []
    for (const r of ranges) {
      if (r.endPfn <= fd) kept.push(r)
      else {
        if (r.startPfn < fd) kept.push({ startPfn: r.startPfn, endPfn: fd })
        deferredPages += r.endPfn - Math.max(r.startPfn, fd)
      }
    }
    h.freeRanges.set(nid, kept)
  }
  return { handoff: h, deferredPages }
}

/**
 * first_deferred_pfn of a node (defer_init() mm/mm_init.c, mm/page_alloc.c before 6.4):
 * only the zone that ends at the node's end is deferred; memmap_init() counts its pfns in
 * memblock.memory order and stops at the first section-aligned pfn once more than
 * PAGES_PER_SECTION have been initialised.
 */
export function firstDeferredPfn(zoneStart: number, zoneEnd: number, memoryPfnRanges: { start: number; end: number }[], pagesPerSection: number): number | null {
  let count = 0
  for (const r of memoryPfnRanges) {
    const a = Math.max(r.start, zoneStart)
    const b = Math.min(r.end, zoneEnd)
    if (b <= a) continue
    // the pfn p in [a, b) with count + (p − a) + 1 > PAGES_PER_SECTION and p % PAGES_PER_SECTION == 0
    const minP = Math.max(a, a + pagesPerSection - count)
    const p = Math.ceil(minP / pagesPerSection) * pagesPerSection
    if (p < b) return p
    count += b - a
  }
  return null
}

function handoffRanges(i: HandoffInput): Handoff {
  const ps = i.pageSize
  // sorted and merged: touching ranges merge, as kmsan_record_future_shadow_range() does
  const future = normalize(i.reserved.map((r) => ({ start: Math.floor(r.start / ps) * ps, end: Math.ceil(r.end / ps) * ps })))
  const futureRangePages = future.reduce((a, r) => a + (r.end - r.start) / ps, 0)
  // memory minus reserved, whole pages only (PFN_UP(start)..PFN_DOWN(end))
  const mem = [...i.memory].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start)
  const free: { nid: number; start: number; end: number }[] = []
  for (const m of mem)
    for (const piece of subtract(m, future)) {
      const a = Math.ceil(piece.start / ps)
      const b = Math.floor(piece.end / ps)
      if (b > a) free.push({ nid: m.nid, start: a, end: b })
    }
  // 2 × future pages, top-down
  let need = 2 * futureRangePages
  for (let x = free.length - 1; x >= 0 && need > 0; x--) {
    const take = Math.min(need, free[x].end - free[x].start)
    free[x].end -= take
    need -= take
  }
  const freeRanges = new Map<number, KmsanFreeRange[]>()
  for (const f of free) if (f.end > f.start) (freeRanges.get(f.nid) ?? freeRanges.set(f.nid, []).get(f.nid)!).push({ startPfn: f.start, endPfn: f.end })
  return { futureRanges: future, futureRangePages, freeRanges, futureMetadataPages: 2 * futureRangePages - need }
}

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
  /** pages kmsan_init_shadow() allocated for them (2 × futureRangePages unless memory ran out) */
  futureMetadataPages?: number
  /** DEFERRED_STRUCT_PAGE_INIT pages memblock_free_pages() skipped (freed later without metadata) */
  deferredPages?: number
  /** pages the memmap covers (present sections × PAGES_PER_SECTION): each grows by 16 bytes */
  memmapPages?: number
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

/** One order of the hand-off: the metadata triples (data, shadow, origin) of that order. */
export interface KmsanOrderRow {
  order: number
  /** blocks memblock handed over at this order */
  blocks: number
  /** triples completed while memblock frees (kmsan_memblock_free_pages()) */
  triples: number
  /** blocks still held when memblock is done (0, 1 or 2) */
  held: number
  /** triples completed at this order by the discard pass (split leftovers of higher orders) */
  discardTriples: number
}

export interface KmsanResult {
  nodes: KmsanNodeResult[]
  orders: KmsanOrderRow[]
  /** pages of the merged future ranges (reserved + .data + NODE_DATA) */
  futureRangePages: number
  deferredPages: number
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

/** KMSAN boot metadata per node for the given free memory (kmsan_memblock_free_pages(), kmsan_memblock_discard()). */
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
  const orders: KmsanOrderRow[] = []
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
    orders.push({ order: k, blocks: c, triples: complete / 3, held: c - complete, discardTriples: 0 })
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
      orders[k].discardTriples++
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
  const futureMeta = input.futureMetadataPages ?? 2 * (input.futureRangePages ?? 0)
  const deferred = input.deferredPages ?? 0
  const memmapPages = input.memmapPages ?? present

  const refInit = `kmsan_memblock_free_pages(), kmsan_memblock_discard() mm/kmsan/init.c; ${cite('kmsan-x86')}`
  const versions = kmsanVersions()
  const figures: Figure[] = []
  for (const n of nodes) {
    const p = `kmsan.node.${n.nid}`
    figures.push(
      {
        id: `${p}.free-pages`,
        label: `node ${n.nid}: pages handed over by memblock`,
        value: n.freePages,
        unit: 'pages',
        formula: `Σ blocks[k] × 2^k = ${
          n.blocks
            .map((b, k) => (b ? `${b}×2^${k}` : ''))
            .filter(Boolean)
            .join(' + ') || '0'
        }`,
        ref: '__free_pages_memory() mm/memblock.c',
        versions: 'all'
      },
      {
        id: `${p}.usable-pages`,
        label: `node ${n.nid}: pages reaching the buddy allocator`,
        value: n.usablePages,
        unit: 'pages',
        formula: 'per order: global block index i with i % 3 == 2, plus discard-pass triples',
        ref: refInit,
        versions
      },
      {
        id: `${p}.metadata-pages`,
        label: `node ${n.nid}: pages used as shadow/origin`,
        value: n.metadataPages,
        unit: 'pages',
        formula: 'held blocks (1st and 2nd of each triple) on this node',
        ref: refInit,
        versions
      },
      {
        id: `${p}.lost-pages`,
        label: `node ${n.nid}: order-0 leftovers never freed`,
        value: n.lostPages,
        unit: 'pages',
        formula: 'stack items left after order 0 in kmsan_memblock_discard()',
        ref: refInit,
        versions
      }
    )
  }
  for (const o of orders)
    if (o.blocks)
      figures.push({
        id: `kmsan.order.${o.order}.triples`,
        label: `order ${o.order}: metadata triples (data, shadow, origin)`,
        value: o.triples + o.discardTriples,
        unit: 'count',
        formula: `${o.blocks} blocks handed over → ${o.triples} triples, ${o.held} held${o.discardTriples ? `; ${o.discardTriples} more from split leftovers` : ''}`,
        ref: refInit,
        versions
      })
  figures.push(
    {
      id: 'kmsan.usable-pages',
      label: 'buddy pages after the KMSAN hand-off',
      value: usable,
      unit: 'pages',
      formula: `⌊F / 3⌋ = ⌊${free} / 3⌋ (F: pages memblock_free_all() hands over)`,
      ref: refInit,
      versions
    },
    { id: 'kmsan.metadata-pages', label: 'shadow + origin pages from the hand-off', value: meta, unit: 'pages', formula: `2 × usable = 2 × ${usable}`, ref: refInit, versions },
    { id: 'kmsan.lost-pages', label: 'pages left over by the discard pass', value: lost, unit: 'pages', formula: `F mod 3 = ${free} mod 3 (order-0 stack remainder)`, ref: refInit, versions },
    {
      id: 'kmsan.usable-percent',
      label: 'usable share of present memory',
      value: present ? Number(((usable / present) * 100).toFixed(3)) : 0,
      unit: 'percent',
      formula: `${usable} / ${present}`,
      ref: refInit,
      versions
    },
    {
      id: 'kmsan.cross-node-triples',
      label: 'triples whose metadata lies on another node',
      value: crossNodeTriples,
      unit: 'count',
      formula: 'held_back[] is global: node boundaries inside a triple',
      ref: refInit,
      versions
    },
    {
      id: 'kmsan.future-ranges',
      label: 'future shadow ranges (merged reserved, .data, NODE_DATA)',
      value: input.futureRangeCount ?? 0,
      unit: 'count',
      formula: 'kmsan_record_future_shadow_range(): overlapping or touching ranges merge',
      ref: 'kmsan_init_shadow() mm/kmsan/init.c',
      versions
    },
    {
      id: 'kmsan.future-range-pages',
      label: 'pages in the future ranges',
      value: input.futureRangePages ?? 0,
      unit: 'pages',
      formula: 'Σ page-aligned merged reserved ranges (the memmap, the first 1 MiB on x86, firmware reservations, the initrd)',
      ref: 'for_each_reserved_mem_range() in kmsan_init_shadow() mm/kmsan/init.c',
      versions
    },
    {
      id: 'kmsan.future-metadata-pages',
      label: 'metadata of the future ranges (memblock_alloc())',
      value: futureMeta,
      unit: 'pages',
      formula: `shadow + origin = 2 × ${input.futureRangePages ?? 0}${futureMeta < 2 * (input.futureRangePages ?? 0) ? ' (memory ran out)' : ''}`,
      ref: 'kmsan_init_alloc_meta_for_range() mm/kmsan/shadow.c',
      versions
    },
    {
      id: 'kmsan.deferred-pages',
      label: 'deferred pages freed later without shadow/origin',
      value: deferred,
      unit: 'pages',
      formula: deferred ? "the part of each node's last zone past first_deferred_pfn (defer_init()): freed by deferred_init_memmap() after kmsan_init_runtime()" : '0',
      ref: `deferred_init_memmap() mm/mm_init.c; ${cite('kmsan-no-deferred-init')}`,
      versions: `< ${sinceOf('kmsan-no-deferred-init')}`
    },
    {
      id: 'kmsan.struct-page-extra-bytes',
      label: 'memmap growth from kmsan_shadow/kmsan_origin (+16 B per page)',
      value: memmapPages * 16,
      unit: 'bytes',
      formula: `${memmapPages} pages the memmap covers (whole present sections) × 16`,
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
    condition: observed === undefined ? 'metadata == 2 × usable && usable + metadata + lost == free (shadow/origin blocks have the data block’s order)' : `observed buddy pages == ⌊F / 3⌋ = ${usable}`,
    values: { free, usable, metadata: meta, lost, ...(observed !== undefined ? { observed } : {}) },
    ref: refInit,
    versions,
    consequence: 'the accounting does not match a KMSAN kernel (was KMSAN on? were pages freed outside memblock_free_pages()?)'
  })
  if (input.deferredPages !== undefined) {
    const forbidden = holds('kmsan-no-deferred-init', input.version)
    checks.push({
      id: 'kmsan.deferred-init',
      title: forbidden ? 'DEFERRED_STRUCT_PAGE_INIT is off with KMSAN (Kconfig)' : 'no page reaches the buddy allocator without KMSAN metadata',
      pass: forbidden || deferred === 0,
      severity: forbidden ? 'info' : 'error',
      condition: forbidden ? 'DEFERRED_STRUCT_PAGE_INIT depends on !KMSAN' : 'deferred pages == 0 (pages freed after kmsan_init_runtime() have no shadow/origin)',
      values: { deferredPages: deferred, version: formatVersion(input.version) },
      ref: `DEFERRED_STRUCT_PAGE_INIT mm/Kconfig; ${cite('kmsan-no-deferred-init')}`,
      versions: 'all',
      consequence: forbidden
        ? 'Kconfig drops DEFERRED_STRUCT_PAGE_INIT when KMSAN is on: every page goes through memblock_free_all()'
        : `${deferred} pages appear after kmsan_init_runtime() without metadata, which KMSAN treats as an error ("If new pages appear after kmsan_init_runtime(), it is considered an error", 854fa98d1dff)`
    })
  }
  return {
    nodes,
    orders,
    futureRangePages: input.futureRangePages ?? 0,
    deferredPages: deferred,
    usablePages: usable,
    metadataPages: meta,
    lostPages: lost,
    futureMetadataPages: futureMeta,
    crossNodeTriples,
    figures,
    checks
  }
}

/** `≥ 6.1 (x86_64), ≥ 6.11 (s390)` */
function kmsanVersions(): string {
  return Object.entries(KMSAN_ARCHES)
    .map(([arch, id]) => `${versionsOf(id)} (${arch})`)
    .join(', ')
}

export function kmsanArchCheck(arch: string, v: KernelVersion): Check {
  const id = KMSAN_ARCHES[arch]
  const pass = !!id && holds(id, v)
  return {
    id: 'kmsan.arch',
    title: `KMSAN exists on ${arch} ${formatVersion(v)}`,
    pass,
    severity: 'error',
    condition: `HAVE_ARCH_KMSAN: ${kmsanVersions()}`,
    values: { arch, version: formatVersion(v) },
    ref: id ? `arch/${arch === 'x86_64' ? 'x86' : arch}/Kconfig; ${cite(id)}` : `arch/${arch}/Kconfig (no HAVE_ARCH_KMSAN)`,
    versions: id ? versionsOf(id) : 'never',
    consequence: 'CONFIG_KMSAN cannot be enabled: no metadata, struct page stays without kmsan_shadow/origin'
  }
}
