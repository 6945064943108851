// NOMAP and hole handling under four kernel policies, side by side (kernel-holes-spec §3.6,
// §4; the arm64 NOMAP / HOLES_IN_ZONE discussion). Rows are the scenario's holes and NOMAP
// ranges; columns are the policies. Everything is computed per range and per block count,
// never per page.

import type { Model } from '../model.ts'
import { MEMBLOCK_NOMAP } from '../memblock.ts'
import { countValidByPageblock, normalize, overlapLength, overlapping, validPfns, type Interval } from '../sections.ts'
import type { Check } from './types.ts'

export type PolicyId = 'arm64-4.19' | 'arm64-5.4-5.13' | 'pageblock-reserve' | 'generic-5.14'

export interface Policy {
  id: PolicyId
  title: string
  versions: string
  /** which pfn_valid() rule applies (sections.ts validPfns) */
  pfnValid: 'map-memory' | 'section-map-memory' | 'generic' | 'block'
  /** CONFIG_HOLES_IN_ZONE: walkers check pfn_valid_within() per pfn */
  holesInZone: boolean
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
    title: 'arm64 ≤ 4.19: HAVE_ARCH_PFN_VALID + HOLES_IN_ZONE',
    versions: '4.5 (inferred) – 4.19',
    pfnValid: 'map-memory',
    holesInZone: true,
    // memmap_init_zone() walks the zone span and skips pfns that fail early_pfn_valid()
    nomapInit: 'skipped',
    holeInit: 'none',
    ref: 'arch/arm64/mm/init.c pfn_valid(); mm/page_alloc.c memmap_init_zone(); arch/arm64/Kconfig HOLES_IN_ZONE'
  },
  {
    id: 'arm64-5.4-5.13',
    title: 'arm64 5.4–5.13: section-checked pfn_valid, HOLES_IN_ZONE',
    versions: '5.4 – 5.13 (holes reserved from 5.7; zone links from 5.11)',
    pfnValid: 'section-map-memory',
    holesInZone: true,
    // 5.8+ memmap_init() iterates memblock ranges, NOMAP included: zone pages, never reserved
    nomapInit: 'zone',
    holeInit: 'reserved-next-zone',
    ref: 'arch/arm64/mm/init.c pfn_valid(); mm/page_alloc.c memmap_init(), init_unavailable_range()'
  },
  {
    id: 'pageblock-reserve',
    title: 'proposal: whole pageblocks of initialised struct pages, holes PageReserved',
    versions: 'proposed (Michal Hocko, 2018; inferred wording)',
    pfnValid: 'block',
    holesInZone: false,
    nomapInit: 'zone-reserved',
    holeInit: 'reserved-own-zone',
    ref: 'linux-mm discussion of "arm64: mm: always enable CONFIG_HOLES_IN_ZONE" (James Morse, 2018)'
  },
  {
    id: 'generic-5.14',
    title: '5.14+ / generic: early sections valid, NOMAP and holes PageReserved',
    versions: '≥ 5.14 (arm64 generic pfn_valid from 5.16 / 5.15.36)',
    pfnValid: 'generic',
    holesInZone: false,
    nomapInit: 'zone-reserved',
    holeInit: 'reserved-next-zone',
    ref: 'mm/memblock.c memmap_init_reserved_pages(); mm/mm_init.c memmap_init(), init_unavailable_range(); include/linux/mmzone.h pfn_valid()'
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
  policies: Policy[]
  /** holes and NOMAP ranges in the layout */
  rowCount: number
  /** the requested window of rows, with one cell per policy */
  rows: { row: RangeRow; cells: Record<PolicyId, Cell> }[]
  /** over every row, per policy */
  summary: Record<PolicyId, { validPages: number; reservedRanges: number; rangesAtRisk: number }>
  /** over every row (the same under every policy) */
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

/** span minus the (sorted, disjoint) intervals */
function subtract(span: Interval, list: Interval[]): Interval[] {
  const out: Interval[] = []
  let cur = span.start
  for (const i of overlapping(list, span.start, span.end)) {
    if (i.start > cur) out.push({ start: cur, end: i.start })
    cur = Math.max(cur, i.end)
  }
  if (cur < span.end) out.push({ start: cur, end: span.end })
  return out
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

/** Rows [start, start + count) get full cells; every row counts in the summary. */
export function policyTable(m: Model, window: { start: number; count: number } = { start: 0, count: 64 }): PolicyTable {
  const rows = policyRows(m)
  const mem = usable(m)
  const S = m.config.structPageSize
  const maxOrderPages = m.pageSize === 4096 ? 1024 : m.pageSize === 16384 ? 2048 : 8192
  const sectionPfns = m.sections.map((s) => ({ start: s.start * m.pagesPerSection, end: s.end * m.pagesPerSection }))
  const valid = new Map(POLICIES.map((p) => [p.id, validFor(m, p)]))
  const out: PolicyTable = {
    policies: POLICIES,
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
  const validOf = POLICIES.map((p) => valid.get(p.id)!)

  /** pfn_valid() pages of the row, struct pages the initialiser touched, PageReserved, walker risk */
  const evaluate = (row: RangeRow, pi: number): { v: number; counted: number; reserved: boolean; risk: boolean } => {
    const p = POLICIES[pi]
    const v = overlapLength(validOf[pi], row.start, row.end)
    const counted = row.kind === 'nomap' ? v : countValidByPageblock(row.start, row.end, validOf[pi], m.pageblockPages)
    const reserved = row.kind === 'nomap' ? p.nomapInit === 'zone-reserved' : p.holeInit !== 'none' && counted > 0
    return { v, counted, reserved, risk: !p.holesInZone && v > 0 && !reserved }
  }

  const cellOf = (row: RangeRow, pi: number, shared: Pick<Cell, 'partialPageblocks' | 'partialMaxOrderBlocks' | 'memmapBytes'>): Cell => {
    const p = POLICIES[pi]
    const { v, counted, reserved, risk } = evaluate(row, pi)
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
              : text(`${row.linkedZone}/${row.nid}/${row.zone}`, () => `zone ${row.linkedZone}, node ${row.nid}${row.linkedZone !== row.zone ? (row.zone === NO_ZONE ? ' (the pfns lie outside every zone)' : ` (the pfns lie in ${row.zone})`) : ''}`)
    const walkers = p.holesInZone
      ? 'safe at a cost: move_freepages_block()/compaction test pfn_valid_within() per pfn'
      : v === 0
        ? 'safe: no pfn is valid, walkers skip the range'
        : risk
          ? 'RISK: walkers see uninitialised struct pages (VM_BUG_ON_PAGE(page_zone(page) != zone))'
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
      ...shared
    }
  }

  // every row feeds the per-policy summary; cells are built for the requested window only
  const summary = Object.fromEntries(POLICIES.map((p) => [p.id, { validPages: 0, reservedRanges: 0, rangesAtRisk: 0 }])) as PolicyTable['summary']
  out.summary = summary
  let partialPageblocks = 0
  let partialMaxOrderBlocks = 0
  let memmapBytes = 0
  rows.forEach((row, i) => {
    const shared = {
      partialPageblocks: partialBlocks(row.start, row.end, mem, m.pageblockPages),
      partialMaxOrderBlocks: partialBlocks(row.start, row.end, mem, maxOrderPages),
      // with SPARSEMEM_VMEMMAP every present section has a full memmap, whatever the policy
      memmapBytes: overlapLength(sectionPfns, row.start, row.end) * S
    }
    partialPageblocks += shared.partialPageblocks
    partialMaxOrderBlocks += shared.partialMaxOrderBlocks
    memmapBytes += shared.memmapBytes
    for (let pi = 0; pi < POLICIES.length; pi++) {
      const p = POLICIES[pi]
      // evaluate() inlined: this loop runs for every row of a large machine
      const v = overlapLength(validOf[pi], row.start, row.end)
      const reserved = row.kind === 'nomap' ? p.nomapInit === 'zone-reserved' : p.holeInit !== 'none' && countValidByPageblock(row.start, row.end, validOf[pi], m.pageblockPages) > 0
      const sum = summary[p.id]
      sum.validPages += v
      if (reserved) sum.reservedRanges++
      if (!p.holesInZone && v > 0 && !reserved) sum.rangesAtRisk++
    }
    if (i >= window.start && i < window.start + window.count) {
      out.rows.push({ row, cells: Object.fromEntries(POLICIES.map((p, pi) => [p.id, cellOf(row, pi, shared)])) as Record<PolicyId, Cell> })
    }
  })
  out.rowCount = rows.length
  out.totals = { partialPageblocks, partialMaxOrderBlocks, memmapBytes }

  // set_zone_contiguous(): every pageblock of the zone span (clamped to the span) must
  // pass __pageblock_pfn_to_page(): first and last pfn valid, both pages in this zone
  const pb = m.pageblockPages
  const holesByNode = new Map<number, RangeRow[]>()
  for (const r of rows) if (r.kind === 'hole') holesByNode.set(r.nid, [...(holesByNode.get(r.nid) ?? []), r])
  for (const node of m.nodes) {
    for (const z of node.zones) {
      if (!z.spanned) continue
      const span = { start: z.start, end: z.start + z.spanned }
      const contiguous = {} as Record<PolicyId, boolean>
      const why = {} as Record<PolicyId, string>
      for (const p of POLICIES) {
        const v = valid.get(p.id)!
        const invalid = subtract(span, v)
        const bad = invalid.find((i) => hitsBlockEdge(i, span, pb))
        const foreign =
          p.holeInit === 'reserved-next-zone'
            ? (holesByNode.get(node.nid) ?? []).find(
                (r) => r.linkedZone !== z.name && r.start < span.end && r.end > span.start && overlapping(v, Math.max(r.start, span.start), Math.min(r.end, span.end)).some((i) => hitsBlockEdge(i, span, pb))
              )
            : undefined
        if (bad) {
          contiguous[p.id] = false
          why[p.id] = `the pageblock at pfn 0x${(Math.max(span.start, Math.floor(bad.start / pb) * pb)).toString(16)} has a first or last pfn that fails pfn_valid()`
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
  const running: PolicyId = m.scenario.arch !== 'arm64' || m.profile.arm64PfnValid === 'generic' || m.profile.holeMessage === 'per-hole' ? 'generic-5.14' : m.profile.arm64PfnValid === 'map-memory' ? 'arm64-4.19' : 'arm64-5.4-5.13'
  const risky = out.summary[running].rangesAtRisk
  out.checks.push({
    id: 'nomap.walkers',
    title: 'pfn walkers never meet an uninitialised struct page',
    pass: risky === 0,
    severity: 'warning',
    condition: 'every hole or NOMAP pfn a walker can reach has an initialised struct page (or HOLES_IN_ZONE guards it)',
    values: { policy: running, rangesAtRisk: risky },
    ref: POLICIES.find((p) => p.id === running)!.ref,
    versions: POLICIES.find((p) => p.id === running)!.versions,
    consequence: 'VM_BUG_ON_PAGE(page_zone(page) != zone) in move_freepages_block() / compaction'
  })
  return out
}
