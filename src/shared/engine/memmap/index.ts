// The memmap model for one scenario: every figure and check, gathered from the modules
// named after the kernel concept they model.

import { MEMBLOCK_NOMAP } from '../memblock.ts'
import type { Model } from '../model.ts'
import { hvoPools, type HvoPoolsResult } from './hvo.ts'
import { kmsanBootMetadata, type KmsanResult } from './kmsan.ts'
import { memdescObsolescence, memdescProjection, type MemdescResult, type Obsolescence } from './memdesc.ts'
import { pfnDevLayout, type PfnDevResult } from './pfndev.ts'
import { policyTable, type PolicyTable } from './policies.ts'
import { structPageChecks, structPageShapeFigures, structPageSize } from './structpage.ts'
import { memmapTotals, type MemmapTotals } from './totals.ts'
import type { Check, Figure } from './types.ts'

export interface MemmapReport {
  structPageSize: number
  figures: Figure[]
  checks: Check[]
  totals: MemmapTotals
  policies: PolicyTable
  hvo: HvoPoolsResult
  kmsan: KmsanResult | null
  pmem: ({ name: string } & PfnDevResult)[]
  memdesc: MemdescResult | null
  /** which of today's checks a memdesc world would make obsolete */
  obsolescence: Obsolescence[]
}

export function memmapReport(m: Model): MemmapReport {
  const S = m.config.structPageSize
  const mm = m.scenario.memmap
  const bits = S === 32 && m.preset.defaults.structPageSize === 32 ? 32 : 64
  const size = structPageSize({ ...(mm?.structPage ?? { size: S }), bits, pageSize: m.pageSize })
  const structChecks = structPageChecks(S, {
    version: m.version,
    bits,
    alignedStructPage: mm?.structPage?.alignedStructPage,
    hvo: m.config.hugetlbVmemmap,
    arch: m.scenario.arch,
    pageSize: m.pageSize
  })
  const totals = memmapTotals(m)
  const policies = policyTable(m)
  const pools = m.hugePageSizes.map((hugePageSize) => ({
    hugePageSize,
    pages: m.scenario.hugetlb?.find((h) => h.size === hugePageSize)?.pages ?? 0,
    zones: 1
  }))
  // HVO is built where the architecture offers it, unless the scenario says otherwise
  // (an explicit `config.hugetlbVmemmap: true` on an architecture without it is a warning)
  const configured = m.scenario.config?.hugetlbVmemmap ?? (m.config.hugetlbVmemmap && m.preset.hvoAvailable(m.profile))
  const hvo = hvoPools(pools, { version: m.version, arch: m.scenario.arch, pageSize: m.pageSize, structPageSize: S, configured })
  // KMSAN: every page handed to the buddy allocator needs a shadow and an origin page
  const kmsan = mm?.structPage?.kmsan
    ? kmsanBootMetadata({
        version: m.version,
        arch: m.scenario.arch,
        nodes: m.nodes.map((n) => ({
          nid: n.nid,
          presentPages: n.present,
          freeRanges: n.ranges.filter((r) => !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ startPfn: r.start, endPfn: r.end }))
        }))
      })
    : null
  const pmem = (mm?.pmem ?? []).map((ns, i) => ({
    name: ns.name ?? `namespace${i}.0`,
    ...pfnDevLayout({
      start: ns.start,
      size: ns.size,
      mode: ns.mode,
      structPageSize: S,
      align: ns.align,
      pageSize: m.pageSize,
      version: m.version,
      maxStructPageSize: ns.maxStructPageSize,
      nvdimmKmsan: ns.nvdimmKmsan
    })
  }))
  const memdesc = mm?.memdesc
    ? memdescProjection({
        allocations: mm.memdesc.allocations.map((a) => ({ ...a, type: a.type === 'free' ? 'buddy' : a.type })),
        pageSize: m.pageSize,
        structPageSize: S,
        stages: mm.memdesc.stages
      })
    : null
  return {
    structPageSize: S,
    figures: [
      ...size.figures,
      ...structPageShapeFigures(S, m.pageSize),
      ...totals.figures,
      ...hvo.figures,
      ...(kmsan?.figures ?? []),
      ...pmem.flatMap((p) => p.figures.map((f) => ({ ...f, id: `${p.name}.${f.id}` }))),
      ...(memdesc?.figures ?? [])
    ],
    checks: [
      ...structChecks,
      ...policies.checks,
      ...hvo.checks,
      ...(kmsan?.checks ?? []),
      ...pmem.flatMap((p) => p.checks.map((c) => ({ ...c, id: `${p.name}.${c.id}` }))),
      ...(memdesc?.checks ?? [])
    ],
    totals,
    policies,
    hvo,
    kmsan,
    pmem,
    memdesc,
    obsolescence: memdescObsolescence(S, m.pageSize)
  }
}
