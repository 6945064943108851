// The engine against what a running kernel reports about itself: /proc/zoneinfo (per node
// and zone start_pfn, spanned and present, from free_area_init() → calculate_node_totalpages())
// or lsmem (memory blocks: which exist, their node and valid_zones, from
// drivers/base/memory.c). `managed` is never compared: it depends on where the kernel put
// its own allocations, not on the layout.

import type { Model } from '../model.ts'
import { memoryBlocks } from '../memory-block.ts'
import { parseLsmem } from './lsmem.ts'
import { parseZoneinfo } from './zoneinfo.ts'

export interface StateRow {
  /** `node 0 DMA32 present`, `blocks 8-15 node` */
  what: string
  kernel: string
  engine: string
  equal: boolean
}

export interface StateComparison {
  against: 'zoneinfo' | 'lsmem'
  rows: StateRow[]
  equal: boolean
  compared: number
}

export function compareZoneinfo(m: Model, source: string): StateComparison {
  const zones = parseZoneinfo(source)
  const rows: StateRow[] = []
  const seen = new Set<string>()
  for (const z of zones) {
    const node = m.nodes.find((n) => n.nid === z.node)
    const ez = node?.zones.find((e) => e.name === z.zone)
    seen.add(`${z.node}:${z.zone}`)
    const spanned = ez?.spanned ?? 0
    const present = ez?.present ?? 0
    if (z.spanned === 0 && spanned === 0) continue
    const at = `node ${z.node} ${z.zone}`
    rows.push({ what: `${at} spanned`, kernel: String(z.spanned), engine: String(spanned), equal: z.spanned === spanned })
    rows.push({ what: `${at} present`, kernel: String(z.present), engine: String(present), equal: z.present === present })
    if (z.startPfn !== null && z.spanned > 0) rows.push({ what: `${at} start_pfn`, kernel: String(z.startPfn), engine: ez && spanned ? String(ez.start) : '-', equal: !!ez && ez.start === z.startPfn })
  }
  // a zone the engine populates that the kernel does not list at all
  for (const n of m.nodes)
    for (const z of n.zones) if (z.spanned > 0 && !seen.has(`${n.nid}:${z.name}`)) rows.push({ what: `node ${n.nid} ${z.name} spanned`, kernel: '(absent)', engine: String(z.spanned), equal: false })
  return { against: 'zoneinfo', rows, equal: rows.every((r) => r.equal), compared: rows.length }
}

const zoneName = (z: string): string => z.toLowerCase()

export function compareLsmem(m: Model, source: string): StateComparison {
  const ls = parseLsmem(source)
  const mb = memoryBlocks(m)
  const rows: StateRow[] = []
  if (mb.size.bytes !== null && ls.blockSize !== null && mb.size.bytes !== ls.blockSize)
    rows.push({ what: 'block_size_bytes', kernel: ls.blockSize.toString(16), engine: mb.size.bytes.toString(16), equal: false })
  // both sides as runs of block ids: walk them together, one row per differing stretch
  type Run = { first: number; last: number; node: string; zones: string }
  const kernelRuns: Run[] = ls.runs.map((r) => ({ first: r.firstBlock, last: r.lastBlock, node: r.node === null ? '' : String(r.node), zones: r.zones ? r.zones.map(zoneName).join('/') : '' }))
  const engineRuns: Run[] = mb.runs.map((r) => ({ first: r.first, last: r.last, node: r.nodes.join(','), zones: zoneName(r.validZones) }))
  const showNode = ls.runs.some((r) => r.node !== null)
  const showZones = ls.runs.some((r) => r.zones !== null)
  const cuts = new Set<number>()
  for (const r of [...kernelRuns, ...engineRuns]) cuts.add(r.first).add(r.last + 1)
  const points = [...cuts].sort((a, b) => a - b)
  let ki = 0
  let ei = 0
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]
    const b = points[i + 1] - 1
    while (ki < kernelRuns.length && kernelRuns[ki].last < a) ki++
    while (ei < engineRuns.length && engineRuns[ei].last < a) ei++
    const k = ki < kernelRuns.length && kernelRuns[ki].first <= a ? kernelRuns[ki] : null
    const e = ei < engineRuns.length && engineRuns[ei].first <= a ? engineRuns[ei] : null
    if (!k && !e) continue
    const at = a === b ? `block ${a}` : `blocks ${a}-${b}`
    if (!k || !e) {
      rows.push({ what: `${at} exist`, kernel: k ? 'yes' : 'no', engine: e ? 'yes' : 'no', equal: false })
      continue
    }
    rows.push({ what: `${at} exist`, kernel: 'yes', engine: 'yes', equal: true })
    // lsmem shows one node per block (the first nodeN entry it reads: util-linux
    // lsmem.c memory_block_get_node()); a block linked to several matches any of them
    if (showNode) rows.push({ what: `${at} node`, kernel: k.node, engine: e.node, equal: k.node === e.node || e.node.split(',').includes(k.node) })
    if (showZones) rows.push({ what: `${at} zones`, kernel: k.zones, engine: e.zones, equal: k.zones === e.zones })
  }
  return { against: 'lsmem', rows, equal: rows.every((r) => r.equal), compared: rows.length }
}
