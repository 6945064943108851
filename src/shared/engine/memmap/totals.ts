// memmap totals: what the struct page arrays of the present sections cost, per node, per
// zone and overall, and as a share of RAM. With SPARSEMEM every present section has a
// full memmap (PAGES_PER_SECTION struct pages), holes included (mm/sparse.c
// sparse_init_nid(), section_map_size()).

import type { Model } from '../model.ts'
import { intersect, totalLength, type Interval } from '../sections.ts'
import type { Figure } from './types.ts'

export interface SectionOwner {
  /** section numbers, half-open */
  start: number
  end: number
  /** node whose range marked the sections present first (memory_present()) */
  nid: number
}

/**
 * memblocks_present() -> memory_present(): the first range that touches a section sets its
 * node; sparse_init() then allocates that section's memmap on that node.
 */
export function sectionOwners(m: Model): SectionOwner[] {
  const out: SectionOwner[] = []
  let next = 0 // first section not yet owned
  for (const r of m.ranges) {
    const first = Math.max(Math.floor(r.start / m.pagesPerSection), next)
    const last = Math.floor((r.end - 1) / m.pagesPerSection) + 1
    if (first >= last) continue
    const prev = out[out.length - 1]
    if (prev && prev.end === first && prev.nid === r.nid) prev.end = last
    else out.push({ start: first, end: last, nid: r.nid })
    next = last
  }
  return out
}

export interface MemmapTotals {
  structPageSize: number
  pagesPerSection: number
  sectionBytes: number
  presentSections: number
  memmapBytes: number
  ramBytes: number
  /** memmapBytes / ramBytes × 100 */
  percentOfRam: number
  nodes: { nid: number; sections: number; memmapBytes: number; ramBytes: number; percentOfRam: number }[]
  zones: { nid: number; zone: string; pfnsWithStructPage: number; memmapBytes: number }[]
  figures: Figure[]
}

export function memmapTotals(m: Model, structPageSize = m.config.structPageSize): MemmapTotals {
  const pps = m.pagesPerSection
  const S = structPageSize
  const owners = sectionOwners(m)
  const presentSections = owners.reduce((a, o) => a + o.end - o.start, 0)
  const present = m.nodes.reduce((a, n) => a + n.present, 0)
  const ramBytes = present * m.pageSize
  const memmapBytes = presentSections * pps * S
  const pct = (a: number, b: number): number => (b ? (100 * a) / b : 0)
  const nodes = m.nodes.map((n) => {
    const sections = owners.filter((o) => o.nid === n.nid).reduce((a, o) => a + o.end - o.start, 0)
    const bytes = sections * pps * S
    return { nid: n.nid, sections, memmapBytes: bytes, ramBytes: n.present * m.pageSize, percentOfRam: pct(bytes, n.present * m.pageSize) }
  })
  // per zone: the struct pages of present-section pfns that fall in the zone's span
  const sectionPfns: Interval[] = m.sections.map((s) => ({ start: s.start * pps, end: s.end * pps }))
  const zones: MemmapTotals['zones'] = []
  for (const n of m.nodes) {
    for (const z of n.zones) {
      if (!z.spanned) continue
      const pfns = totalLength(intersect([{ start: z.start, end: z.start + z.spanned }], sectionPfns))
      zones.push({ nid: n.nid, zone: z.name, pfnsWithStructPage: pfns, memmapBytes: pfns * S })
    }
  }
  const ref = 'mm/sparse.c sparse_init_nid(), section_map_size()'
  return {
    structPageSize: S,
    pagesPerSection: pps,
    sectionBytes: pps * S,
    presentSections,
    memmapBytes,
    ramBytes,
    percentOfRam: pct(memmapBytes, ramBytes),
    nodes,
    zones,
    figures: [
      { id: 'memmap.per-section', label: 'memmap per section', value: pps * S, unit: 'bytes', formula: `PAGES_PER_SECTION × sizeof(struct page) = ${pps} × ${S}`, ref, versions: 'all (SPARSEMEM)' },
      {
        id: 'memmap.present-sections',
        label: 'present sections',
        value: presentSections,
        unit: 'count',
        formula: 'sections touched by a memory range, NOMAP included (memblocks_present())',
        ref: 'mm/sparse.c memblocks_present()',
        versions: 'all (SPARSEMEM)'
      },
      {
        id: 'memmap.total',
        label: 'memmap (struct page arrays)',
        value: memmapBytes,
        unit: 'bytes',
        formula: `present sections × PAGES_PER_SECTION × S = ${presentSections} × ${pps} × ${S}`,
        ref,
        versions: 'all (SPARSEMEM)'
      },
      {
        id: 'memmap.percent-of-ram',
        label: 'memmap as % of present RAM',
        value: Number(pct(memmapBytes, ramBytes).toFixed(4)),
        unit: 'percent',
        formula: `${memmapBytes} / ${ramBytes}`,
        ref,
        versions: 'all (SPARSEMEM)'
      }
    ]
  }
}
