// NOMAP and hole handling under five kernel policies, side by side: arm64's pfn_valid()
// (arch/arm64/mm/init.c) and HOLES_IN_ZONE (arch/arm64/Kconfig) through the versions, the
// "whole pageblocks" proposal of the 2018 HOLES_IN_ZONE discussion, and the generic
// SPARSEMEM pfn_valid() (include/linux/mmzone.h) with memmap_init(),
// init_unavailable_range() and memmap_init_reserved_pages(). Rows are the scenario's holes
// and NOMAP ranges; columns are the policies. Without a vmemmap, free_unused_memmap()
// (mm/memblock.c, arch/arm/mm/init.c before 5.11) frees the memmap of holes, rounded to
// MAX_ORDER blocks before 5.14 and to pageblocks after. Everything is computed per range
// and per block count, never per page.

import { cite, holds, versionsOf } from '../facts.ts'
import type { Model } from '../model.ts'
import { MEMBLOCK_NOMAP } from '../memblock.ts'
import { countValidByPageblock, normalize, overlapLength, overlapping, subtract, validPfns, type Interval } from '../sections.ts'
import type { Check } from './types.ts'
import { flatmemMap } from './vmemmap.ts'

export type PolicyId = 'arm64-4.19' | 'arm64-5.4-5.13' | 'arm64-5.14-5.15' | 'pageblock-reserve' | 'generic-5.14'

export interface Policy {
  id: PolicyId
  title: string
  versions: string
  /** which pfn_valid() rule applies (sections.ts validPfns) */
  pfnValid: 'map-memory' | 'section-map-memory' | 'section-memory' | 'generic' | 'block'
  /** CONFIG_HOLES_IN_ZONE: walkers check pfn_valid_within() per pfn (resolved per scenario: arm64 ≤ 4.19 only with NUMA) */
  holesInZone: boolean
  /** free_unused_memmap() rounding where it runs (no vmemmap): MAX_ORDER blocks before 5.14, pageblocks after */
  freeMemmapRounding: 'max-order' | 'pageblock'
  /** how NOMAP struct pages are initialised */
  nomapInit: 'skipped' | 'zone' | 'zone-reserved'
  /** how hole struct pages (inside present sections) are initialised */
  holeInit: 'none' | 'zeroed-reserved-zone0' | 'reserved-next-zone' | 'reserved-own-zone'
  ref: string
}

/** The four policies the NOMAP discussion compares (data, not code). */
export const POLICIES: Policy[] = [
  {
    id: 'arm64-4.19',
    title: 'arm64 ≤ 4.19: HAVE_ARCH_PFN_VALID; HOLES_IN_ZONE only with NUMA',
    versions: `≤ 4.19 (HOLES_IN_ZONE with NUMA ${versionsOf('arm64-holes-in-zone-numa')}, for every arm64 ${versionsOf('arm64-holes-in-zone-always')})`,
    pfnValid: 'map-memory',
    // resolved per scenario in policyTable(): CONFIG_NUMA && 6d526ee26ccd
    holesInZone: true,
    freeMemmapRounding: 'max-order',
    // memmap_init_zone() walks the zone span and skips pfns that fail early_pfn_valid()
    nomapInit: 'skipped',
    holeInit: 'none',
    ref: `arch/arm64/mm/init.c pfn_valid(); mm/page_alloc.c memmap_init_zone(); arch/arm64/Kconfig HOLES_IN_ZONE; ${cite('arm64-holes-in-zone-numa')}`
  },
  {
    id: 'arm64-5.4-5.13',
    title: 'arm64 5.4–5.13: section-checked pfn_valid, HOLES_IN_ZONE',
    versions: `5.4 – 5.13 (HOLES_IN_ZONE for every arm64 ${versionsOf('arm64-holes-in-zone-always')}; hole pages linked to a zone ${versionsOf('memmap-init-hole-zone-links')})`,
    pfnValid: 'section-map-memory',
    holesInZone: true,
    freeMemmapRounding: 'max-order',
    // 5.8+ memmap_init() iterates memblock ranges, NOMAP included: zone pages, never reserved
    nomapInit: 'zone',
    holeInit: 'reserved-next-zone',
    ref: `arch/arm64/mm/init.c pfn_valid(); mm/page_alloc.c memmap_init(), init_unavailable_range(); ${cite('arm64-holes-in-zone-always')}`
  },
  {
    id: 'arm64-5.14-5.15',
    title: 'arm64 5.14–5.15.35: pfn_valid() = memblock_is_memory(), NOMAP PageReserved',
    versions: `${versionsOf('arm64-pfn-valid-memblock-memory')} (HOLES_IN_ZONE gone ${versionsOf('holes-in-zone-removed')})`,
    pfnValid: 'section-memory',
    // 5.14 still selects HOLES_IN_ZONE; 5.15 has none: the column shows 5.15, where holes
    // inside a valid pageblock are initialised PageReserved by init_unavailable_range()
    holesInZone: false,
    freeMemmapRounding: 'pageblock',
    nomapInit: 'zone-reserved',
    holeInit: 'reserved-next-zone',
    ref: `arch/arm64/mm/init.c pfn_valid(); mm/page_alloc.c init_unavailable_range(); ${cite('arm64-pfn-valid-memblock-memory')}; ${cite('nomap-reserved')}`
  },
  {
    id: 'pageblock-reserve',
    title: 'proposal: whole pageblocks of initialised struct pages, holes PageReserved',
    versions: 'proposed (Michal Hocko, 2018; inferred wording)',
    pfnValid: 'block',
    holesInZone: false,
    freeMemmapRounding: 'pageblock',
    nomapInit: 'zone-reserved',
    holeInit: 'reserved-own-zone',
    ref: 'linux-mm discussion of "arm64: mm: always enable CONFIG_HOLES_IN_ZONE" (James Morse, 2018)'
  },
  {
    id: 'generic-5.14',
    title: '5.14+ / generic: early sections valid, NOMAP and holes PageReserved',
    versions: `${versionsOf('nomap-reserved')} (arm64 generic pfn_valid ${versionsOf('arm64-generic-pfn-valid')})`,
    pfnValid: 'generic',
    holesInZone: false,
    freeMemmapRounding: 'pageblock',
    nomapInit: 'zone-reserved',
    holeInit: 'reserved-next-zone',
    ref: `mm/memblock.c memmap_init_reserved_pages(); mm/mm_init.c memmap_init(), init_unavailable_range(); include/linux/mmzone.h pfn_valid(); ${cite('nomap-reserved')}`
  }
]

export interface RangeRow {
  kind: 'hole' | 'nomap'
  /** pfns, half-open */
  start: number
  end: number
  nid: number
  /** zone that contains the range's pfns (by the zone boundaries) */
  zone: string
  /** zone the kernel links hole pages to (5.11+: the zone of the next range) */
  linkedZone: string
}

export interface Cell {
  validPages: number
  pfnValid: 'all' | 'none' | 'partial'
  structPage: string
  pageReserved: boolean
  linearMap: boolean
  /** pageblocks / MAX_ORDER blocks that hold both usable memory and pfns of this range */
  partialPageblocks: number
  partialMaxOrderBlocks: number
  walkers: string
  /** memmap bytes spent on the range's pfns (struct pages that exist for them) */
  memmapBytes: number
}

export interface PolicyTable {
  /** the policies with HOLES_IN_ZONE resolved for the scenario (arm64 ≤ 4.19: NUMA only) */
  policies: Policy[]
  /**
   * free_unused_memmap(): runs on this layout (no vmemmap and HAVE_ARCH_PFN_VALID: 32-bit
   * arm here), and the memmap it frees under each rounding
   */
  freeUnusedMemmap: { runs: boolean; why: string; freedBytes: Record<'max-order' | 'pageblock', number> }
  /** holes and NOMAP ranges in the layout */
  rowCount: number
  /** the requested window of rows, with one cell per policy */
  rows: { row: RangeRow; cells: Record<PolicyId, Cell> }[]
  /** over every row, per policy */
  summary: Record<PolicyId, { validPages: number; reservedRanges: number; rangesAtRisk: number }>
  /** over every row (memmap bytes: with no memmap freed, i.e. under the generic policy) */
  totals: { partialPageblocks: number; partialMaxOrderBlocks: number; memmapBytes: number }
  /** per (node, zone): can set_zone_contiguous() mark the zone contiguous, per policy */
  contiguity: { nid: number; zone: string; contiguous: Record<PolicyId, boolean>; why: Record<PolicyId, string> }[]
  checks: Check[]
}

/** The zone whose boundaries hold the pfn; pfns below or above every zone have none. */
const NO_ZONE = '(none)'
function zoneOf(m: Model, pfn: number): string {
  for (const b of m.bounds) if (b.name !== 'Movable' && pfn >= b.lowest && pfn < b.highest) return b.name
  return NO_ZONE
}

/** Rows: every hole the kernel initialises (memmap_init attribution) and every NOMAP range. */
export function policyRows(m: Model): RangeRow[] {
  const rows: RangeRow[] = []
  for (const h of m.holes.perHole) {
    if (h.end <= h.start) continue
    rows.push({ kind: 'hole', start: h.start, end: h.end, nid: h.nid, zone: zoneOf(m, h.start), linkedZone: m.zones[h.zoneIndex] })
  }
  for (const r of m.ranges) {
    if (!(r.flags & MEMBLOCK_NOMAP)) continue
    const z = zoneOf(m, r.start)
    rows.push({ kind: 'nomap', start: r.start, end: r.end, nid: r.nid, zone: z, linkedZone: z })
  }
  return rows.sort((a, b) => a.start - b.start)
}

/** Usable (non-NOMAP) memory in pfns. */
function usable(m: Model): Interval[] {
  return normalize(m.ranges.filter((r) => !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ start: r.start, end: r.end })))
}

/** Blocks of `size` pfns that overlap both [s, e) and usable memory. */
function partialBlocks(s: number, e: number, mem: Interval[], size: number): number {
  const first = Math.floor(s / size)
  const last = Math.floor((e - 1) / size)
  // only the edge blocks can hold both; inner blocks lie wholly inside the range
  let n = overlapLength(mem, first * size, (first + 1) * size) > 0 ? 1 : 0
  if (last !== first && overlapLength(mem, last * size, (last + 1) * size) > 0) n++
  return n
}

/** Does [x, y) hold the first or last pfn of a pageblock (blocks clamped to the span)? */
function hitsBlockEdge(i: Interval, span: Interval, pb: number): boolean {
  const x = Math.max(i.start, span.start)
  const y = Math.min(i.end, span.end)
  if (x >= y) return false
  if (x === span.start || y === span.end) return true
  // a block start k*pb in [x, y), or a block end k*pb - 1 in [x, y)
  return Math.ceil(x / pb) * pb < y || Math.ceil((x + 1) / pb) * pb < y + 1
}

function validFor(m: Model, p: Policy): Interval[] {
  const sections = m.sections
  if (p.pfnValid === 'generic') return validPfns('generic', sections, m.pagesPerSection, m.memory, m.pageSize)
  if (p.pfnValid === 'block') {
    // every pageblock that holds any memory is fully valid (and initialised)
    const pb = m.pageblockPages
    return normalize(m.ranges.map((r) => ({ start: Math.floor(r.start / pb) * pb, end: Math.ceil(r.end / pb) * pb })))
  }
  return validPfns(p.pfnValid, sections, m.pagesPerSection, m.memory, m.pageSize)
}

/**
 * The pfn windows free_unused_memmap() frees the memmap of (mm/memblock.c from 4f5b0c178996,
 * in v5.11; arch/arm/mm/init.c before): the gaps between memblock.memory regions, the next
 * region's start rounded down and the previous end rounded up to `block` pfns (MAX_ORDER
 * before e2a86800d586 and f921f53e089a, in v5.14, pageblocks after), with SPARSEMEM the
 * start clamped to the section after the previous end and the last section's tail freed too.
 * Before 5.14 SPARSEMEM kept the start unrounded.
 */
export function freeUnusedMemmapWindows(memory: Interval[], o: { block: number; sparsemem: boolean; pagesPerSection: number; roundStart: boolean }): Interval[] {
  const out: Interval[] = []
  const up = (x: number, a: number): number => Math.ceil(x / a) * a
  let prevEnd = 0
  let lastEnd = 0
  for (const r of memory) {
    let start = r.start
    if (o.sparsemem) start = Math.min(start, up(prevEnd, o.pagesPerSection))
    if (o.roundStart) start = Math.floor(start / o.block) * o.block
    if (prevEnd && prevEnd < start) out.push({ start: prevEnd, end: start })
    prevEnd = up(r.end, o.block)
    lastEnd = r.end
  }
  if (o.sparsemem && prevEnd % o.pagesPerSection !== 0) {
    const from = up(lastEnd, o.block)
    out.push({ start: from, end: up(from, o.pagesPerSection) })
  }
  return out
}

/** free_memmap(): only whole pages of struct-page memory between the windows' struct pages. */
function freedMemmapBytes(windows: Interval[], S: number, pageSize: number): number {
  let n = 0
  for (const w of windows) n += Math.max(0, Math.floor((w.end * S) / pageSize) - Math.ceil((w.start * S) / pageSize)) * pageSize
  return n
}

/** The policies as this scenario has them: arm64 ≤ 4.19 selects HOLES_IN_ZONE only with NUMA (6d526ee26ccd). */
function resolvePolicies(m: Model): Policy[] {
  const numaOnly = m.config.numa && (m.scenario.arch !== 'arm64' || holds('arm64-holes-in-zone-numa', m.version))
  return POLICIES.map((p) => (p.id === 'arm64-4.19' ? { ...p, holesInZone: numaOnly } : p))
}

/** The policy the scenario's kernel runs: arm64's pfn_valid() rule of its version profile, the generic one elsewhere. */
function runningPolicy(m: Model): PolicyId {
  const byRule: Record<string, PolicyId> = { generic: 'generic-5.14', 'map-memory': 'arm64-4.19', 'section-map-memory': 'arm64-5.4-5.13', 'section-memory': 'arm64-5.14-5.15' }
  return m.scenario.arch !== 'arm64' ? 'generic-5.14' : byRule[m.profile.arm64PfnValid]
}

/**
 * Rows [start, start + count) get full cells; every row counts in the summary.
 * `contiguity: false` leaves out the zone contiguity (views only: the check never reads it);
 * `runningOnly` every policy but the one the kernel runs (the check reads that one alone).
 */
export function policyTable(m: Model, window: { start: number; count: number } = { start: 0, count: 64 }, opts: { contiguity?: boolean; runningOnly?: boolean } = {}): PolicyTable {
  const rows = policyRows(m)
  const mem = usable(m)
  const S = m.config.structPageSize
  const maxOrderPages = m.orders.maxPage.nrPages
  // the pfns that have a struct page: present sections, or FLATMEM's node_mem_map spans
  const coveredPfns =
    m.config.memoryModel === 'flatmem'
      ? normalize(
          m.nodes
            .filter((n) => n.end > n.start)
            .map((n) => flatmemMap({ nodeStartPfn: n.start, nodeEndPfn: n.end, maxPageOrder: m.orders.maxPage.order, structPageSize: S }))
            .map((f) => ({ start: f.startPfn, end: f.endPfn }))
        )
      : m.sections.map((s) => ({ start: s.start * m.pagesPerSection, end: s.end * m.pagesPerSection }))
  const running = runningPolicy(m)
  const policies = opts.runningOnly ? resolvePolicies(m).filter((p) => p.id === running) : resolvePolicies(m)
  const valid = new Map(policies.map((p) => [p.id, validFor(m, p)]))
  // free_unused_memmap(): HAVE_ARCH_PFN_VALID and no vmemmap: 32-bit arm among our arches
  const fumRuns = m.scenario.arch === 'arm'
  const memAll = normalize(m.ranges.map((r) => ({ start: r.start, end: r.end })))
  const sparse = m.config.memoryModel === 'sparsemem'
  const windows = {
    'max-order': fumRuns ? freeUnusedMemmapWindows(memAll, { block: maxOrderPages, sparsemem: sparse, pagesPerSection: m.pagesPerSection, roundStart: !sparse }) : [],
    pageblock: fumRuns ? freeUnusedMemmapWindows(memAll, { block: m.pageblockPages, sparsemem: sparse, pagesPerSection: m.pagesPerSection, roundStart: true }) : []
  }
  const out: PolicyTable = {
    policies,
    freeUnusedMemmap: {
      runs: fumRuns,
      why: fumRuns
        ? `free_unused_memmap() mm/memblock.c (${cite('memblock-free-unused-memmap-generic')}): ${m.scenario.arch} has HAVE_ARCH_PFN_VALID and no vmemmap`
        : 'free_unused_memmap() returns at once: SPARSEMEM_VMEMMAP, or no HAVE_ARCH_PFN_VALID',
      freedBytes: { 'max-order': freedMemmapBytes(windows['max-order'], S, m.pageSize), pageblock: freedMemmapBytes(windows.pageblock, S, m.pageSize) }
    },
    rowCount: 0,
    rows: [],
    summary: {} as PolicyTable['summary'],
    totals: { partialPageblocks: 0, partialMaxOrderBlocks: 0, memmapBytes: 0 },
    contiguity: [],
    checks: []
  }

  // the few distinct descriptions, built once (a large machine has thousands of rows)
  const texts = new Map<string, string>()
  const text = (key: string, make: () => string): string => texts.get(key) ?? (texts.set(key, make()), texts.get(key)!)
  const validOf = policies.map((p) => valid.get(p.id)!)

  /**
   * pfn_valid() pages of the row, struct pages the initialiser touched, PageReserved, walker
   * risk. Without HOLES_IN_ZONE a walker (move_freepages_block(), compaction) steps through
   * every pfn of a pageblock whose ends are valid: it meets the row's pages when they are
   * valid, or when they share a pageblock with usable memory, and then needs them initialised.
   */
  const evaluate = (row: RangeRow, pi: number, partialPageblocks: number): { v: number; counted: number; reserved: boolean; risk: boolean } => {
    const p = policies[pi]
    const v = overlapLength(validOf[pi], row.start, row.end)
    const counted = row.kind === 'nomap' ? v : countValidByPageblock(row.start, row.end, validOf[pi], m.pageblockPages)
    const reserved = row.kind === 'nomap' ? p.nomapInit === 'zone-reserved' : p.holeInit !== 'none' && counted > 0
    const neverInitialised = row.kind === 'nomap' ? p.nomapInit === 'skipped' : p.holeInit === 'none'
    return { v, counted, reserved, risk: !p.holesInZone && ((v > 0 && !reserved) || (partialPageblocks > 0 && neverInitialised)) }
  }

  /** memmap bytes still spent on the row's pfns: struct pages that exist, minus what free_unused_memmap() freed */
  const memmapOf = (row: RangeRow, p: Policy): number => {
    const covered = overlapLength(coveredPfns, row.start, row.end)
    const freed = fumRuns ? overlapLength(windows[p.freeMemmapRounding], row.start, row.end) : 0
    return Math.max(0, covered - freed) * S
  }

  const cellOf = (row: RangeRow, pi: number, shared: Pick<Cell, 'partialPageblocks' | 'partialMaxOrderBlocks' | 'memmapBytes'>): Cell => {
    const p = policies[pi]
    const { v, counted, reserved, risk } = evaluate(row, pi, shared.partialPageblocks)
    const len = row.end - row.start
    const structPage =
      row.kind === 'nomap'
        ? p.nomapInit === 'skipped'
          ? 'not initialised (pfn_valid() false: memmap_init_zone() skips it)'
          : text(`${row.zone}/${row.nid}`, () => `zone ${row.zone}, node ${row.nid}`)
        : p.holeInit === 'none'
          ? 'not initialised'
          : counted === 0
            ? 'no struct page touched (pfn_valid() false)'
            : p.holeInit === 'reserved-own-zone'
              ? text(`${row.zone}/${row.nid}`, () => `zone ${row.zone}, node ${row.nid}`)
              : text(
                  `${row.linkedZone}/${row.nid}/${row.zone}`,
                  () => `zone ${row.linkedZone}, node ${row.nid}${row.linkedZone !== row.zone ? (row.zone === NO_ZONE ? ' (the pfns lie outside every zone)' : ` (the pfns lie in ${row.zone})`) : ''}`
                )
    const walkers = p.holesInZone
      ? 'safe at a cost: move_freepages_block()/compaction test pfn_valid_within() per pfn'
      : risk
        ? v === 0
          ? 'RISK: the range shares a pageblock with usable memory; walkers step onto its uninitialised struct pages (no HOLES_IN_ZONE: VM_BUG_ON_PAGE(page_zone(page) != zone))'
          : 'RISK: walkers see uninitialised struct pages (VM_BUG_ON_PAGE(page_zone(page) != zone))'
        : v === 0
          ? 'safe: no pfn is valid, walkers skip the range'
          : row.zone !== NO_ZONE && row.linkedZone !== row.zone
            ? '__pageblock_pfn_to_page() fails for blocks linked to another zone: zone not contiguous, walkers skip them'
            : 'safe: PageReserved pages are never PageBuddy; zone checks pass'
    return {
      validPages: v,
      pfnValid: v === 0 ? 'none' : v === len ? 'all' : 'partial',
      structPage,
      pageReserved: reserved,
      // neither holes nor NOMAP ranges are in the linear map under any policy
      // (pfn_is_map_memory() / memblock_is_map_memory() are false for both)
      linearMap: false,
      walkers,
      ...shared,
      memmapBytes: memmapOf(row, p)
    }
  }

  // every row feeds the per-policy summary; cells are built for the requested window only
  const summary = Object.fromEntries(policies.map((p) => [p.id, { validPages: 0, reservedRanges: 0, rangesAtRisk: 0 }])) as PolicyTable['summary']
  out.summary = summary
  let partialPageblocks = 0
  let partialMaxOrderBlocks = 0
  let memmapBytes = 0
  rows.forEach((row, i) => {
    const shared = {
      partialPageblocks: partialBlocks(row.start, row.end, mem, m.pageblockPages),
      partialMaxOrderBlocks: partialBlocks(row.start, row.end, mem, maxOrderPages),
      // every present section (FLATMEM: the node's span) has a full memmap unless
      // free_unused_memmap() frees part of it (memmapOf() per policy)
      memmapBytes: overlapLength(coveredPfns, row.start, row.end) * S
    }
    partialPageblocks += shared.partialPageblocks
    partialMaxOrderBlocks += shared.partialMaxOrderBlocks
    memmapBytes += shared.memmapBytes
    for (let pi = 0; pi < policies.length; pi++) {
      const p = policies[pi]
      const { v, reserved, risk } = evaluate(row, pi, shared.partialPageblocks)
      const sum = summary[p.id]
      sum.validPages += v
      if (reserved) sum.reservedRanges++
      if (risk) sum.rangesAtRisk++
    }
    if (i >= window.start && i < window.start + window.count) {
      out.rows.push({ row, cells: Object.fromEntries(policies.map((p, pi) => [p.id, cellOf(row, pi, shared)])) as Record<PolicyId, Cell> })
    }
  })
  out.rowCount = rows.length
  out.totals = { partialPageblocks, partialMaxOrderBlocks, memmapBytes }

  // set_zone_contiguous(): every pageblock of the zone span (clamped to the span) must
  // pass __pageblock_pfn_to_page(): first and last pfn valid, both pages in this zone
  const pb = m.pageblockPages
  const holesByNode = new Map<number, RangeRow[]>()
  for (const r of rows) {
    if (r.kind !== 'hole') continue
    const list = holesByNode.get(r.nid)
    if (list) list.push(r)
    else holesByNode.set(r.nid, [r])
  }
  for (const node of opts.contiguity === false ? [] : m.nodes) {
    for (const z of node.zones) {
      if (!z.spanned) continue
      const span = { start: z.start, end: z.start + z.spanned }
      const contiguous = {} as Record<PolicyId, boolean>
      const why = {} as Record<PolicyId, string>
      for (const p of policies) {
        const v = valid.get(p.id)!
        const invalid = subtract(span, v)
        const bad = invalid.find((i) => hitsBlockEdge(i, span, pb))
        const foreign =
          p.holeInit === 'reserved-next-zone'
            ? (holesByNode.get(node.nid) ?? []).find(
                (r) =>
                  r.linkedZone !== z.name &&
                  r.start < span.end &&
                  r.end > span.start &&
                  overlapping(v, Math.max(r.start, span.start), Math.min(r.end, span.end)).some((i) => hitsBlockEdge(i, span, pb))
              )
            : undefined
        if (bad) {
          contiguous[p.id] = false
          why[p.id] = `the pageblock at pfn 0x${Math.max(span.start, Math.floor(bad.start / pb) * pb).toString(16)} has a first or last pfn that fails pfn_valid()`
        } else if (foreign) {
          contiguous[p.id] = false
          why[p.id] = `hole pages from pfn 0x${foreign.start.toString(16)} are linked to zone ${foreign.linkedZone}`
        } else {
          contiguous[p.id] = true
          why[p.id] = 'every pageblock passes __pageblock_pfn_to_page()'
        }
      }
      out.contiguity.push({ nid: node.nid, zone: z.name, contiguous, why })
    }
  }

  // a check: under the running version's policy, no walker may meet an uninitialised page
  const risky = out.summary[running].rangesAtRisk
  out.checks.push({
    id: 'nomap.walkers',
    title: 'pfn walkers never meet an uninitialised struct page',
    pass: risky === 0,
    severity: 'warning',
    condition: 'every hole or NOMAP pfn a walker can reach has an initialised struct page (or HOLES_IN_ZONE guards it)',
    values: { policy: running, rangesAtRisk: risky },
    ref: policies.find((p) => p.id === running)!.ref,
    versions: policies.find((p) => p.id === running)!.versions,
    consequence: 'VM_BUG_ON_PAGE(page_zone(page) != zone) in move_freepages_block() / compaction'
  })
  return out
}
