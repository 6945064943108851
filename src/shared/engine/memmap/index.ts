// The memmap model for one scenario: every figure and check, gathered from the modules
// named after the kernel concept they model.

import { MEMBLOCK_NOMAP } from '../memblock.ts'
import type { Model } from '../model.ts'
import { hvoConfigured, hvoPools, type HvoPoolsResult } from './hvo.ts'
import { firstDeferredPfn, kmsanBootMetadata, kmsanHandoffDeferred, type ByteRange, type KmsanResult } from './kmsan.ts'
import { memdescProjection, type MemdescResult, type Obsolescence } from './memdesc.ts'
import { pfnDevLayout, type PfnDevResult } from './pfndev.ts'
import { policyTable, type PolicyTable } from './policies.ts'
import { alignedStructPageOf, structPageChecks, structPageSize } from './structpage.ts'
import { maxAlignedFolio, maxFolioOrder, maxFolioVmemmapAlign, memmapAlignmentCheck, type MaxAlignedFolio, type MaxFolioOrder } from './folio.ts'
import {
  archMemoryModel,
  encodingChecks,
  fig,
  memSectionSizeCheck,
  memSectionUsageSize,
  rootTableCost,
  sectionConstantChecks,
  sectionFlags,
  sectionGeometry,
  usageCost,
  type ArchMemoryModel,
  type NodeSectionRuns,
  type RootTableCost,
  type SectionGeometry,
  type UsageCost
} from './sparse.ts'
import { memmapTotals, sectionOwners, type MemmapTotals } from './totals.ts'
import { statusOf, withStatus, type Check, type Figure, type ReportedCheck } from './types.ts'
import { holds, versionsOf } from '../facts.ts'
import { buildMemmapPlan, flatmemMap, memmapRows, sectionMapSize, vmemmapBase, vmemmapMapping, type FlatmemMap, type MemmapPlan, type MemmapRow, type VmemmapBase } from './vmemmap.ts'
import { keptPer } from '../memo.ts'

// what depends on the kernel, the architecture and the sizes alone (or little more), made
// once per value of its arguments (a fleet's inputs name few kernels): frozen and shared.
// Not vmemmapBase(): x86_64 KASLR reads max_pfn, arm64 and riscv the start of DRAM, so over
// 656 distinct recorded logs 462 of its 548 calls were new values (key, freeze and keep
// for nothing)
const keptStructPageChecks = keptPer(structPageChecks)
const keptHvoPools = keptPer(hvoPools)
const keptArchMemoryModel = keptPer(archMemoryModel)
const keptSectionGeometry = keptPer(sectionGeometry)
const keptMemSectionUsageSize = keptPer(memSectionUsageSize)
const keptMaxFolioOrder = keptPer(maxFolioOrder)
const keptVmemmapMapping = keptPer(vmemmapMapping)
const keptMaxAlignedFolio = keptPer(maxAlignedFolio)

/** Where the memmap lies and how it is aligned: what the memmap checks read (memmapLayout()). */
export interface MemmapLayout {
  geometry: SectionGeometry
  base: VmemmapBase | null
  plan: MemmapPlan
  maxPageOrder: number
  pageblockOrder: number
  maxFolioOrder: MaxFolioOrder
  /** the largest folio whose struct pages are naturally aligned, for the actual memmap alignment */
  alignedFolio: MaxAlignedFolio
  /** SPARSEMEM without VMEMMAP: the same for hot-added sections (kvmalloc_node()), else null */
  hotplugAlignedFolio: MaxAlignedFolio | null
  /** FLATMEM: one node_mem_map per node (alloc_node_mem_map()) */
  flatmem: ({ nid: number } & FlatmemMap)[] | null
}

/** The layout with what the views show besides: the section root table's and usage maps' cost, the first rows. */
export interface MemmapPlacement extends MemmapLayout {
  rootTable: RootTableCost
  usage: UsageCost
  /** the first present sections' rows (memmapRows() gives any window) */
  rows: MemmapRow[]
}

export interface MemmapReport {
  structPageSize: number
  placement: MemmapPlacement
  figures: Figure[]
  checks: ReportedCheck[]
  totals: MemmapTotals
  policies: PolicyTable
  hvo: HvoPoolsResult
  kmsan: KmsanResult | null
  pmem: ({ name: string } & PfnDevResult)[]
  memdesc: MemdescResult | null
  /** which of today's checks a memdesc world would make obsolete */
  obsolescence: Obsolescence[]
}

/**
 * What memmapReport() computes before its figures: everything its checks read, over the
 * memmap's `placement` (memmapLayout(), or memmapPlacement() for the views).
 */
function memmapParts(m: Model, placement: MemmapLayout, lean: boolean) {
  const S = m.config.structPageSize
  const mm = m.scenario.memmap
  const bits: 32 | 64 = S === 32 && m.preset.defaults.structPageSize === 32 ? 32 : 64
  const alignedValue = alignedStructPageOf(mm?.structPage, m.scenario.arch, m.version)
  const structChecks = keptStructPageChecks(S, {
    version: m.version,
    bits,
    alignedStructPage: alignedValue,
    hvo: m.config.hugetlbVmemmap,
    arch: m.scenario.arch,
    pageSize: m.pageSize
  })
  const totals = memmapTotals(m)
  // lean: no zone contiguity, no policy but the running one (views only; the checks never
  // read them)
  const policies = lean ? policyTable(m, { start: 0, count: 0 }, { contiguity: false, runningOnly: true }) : policyTable(m)
  const pools = m.hugePageSizes.map((hugePageSize) => ({
    hugePageSize,
    pages: m.scenario.hugetlb?.find((h) => h.size === hugePageSize)?.pages ?? 0,
    zones: 1
  }))
  // HVO is built where the architecture offers it, unless the scenario says otherwise
  // (an explicit `config.hugetlbVmemmap: true` on an architecture without it is a warning)
  const configured = hvoConfigured(m)
  const hvo = keptHvoPools(pools, { version: m.version, arch: m.scenario.arch, pageSize: m.pageSize, structPageSize: S, configured })
  // KMSAN: every page handed to the buddy allocator needs a shadow and an origin page, and
  // every reserved range (the memmap's backing among them) gets both at kmsan_init_shadow()
  const kmsan = mm?.structPage?.kmsan ? kmsanReport(m, placement) : null
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
      maxStructPageSize: ns.maxStructPageSize
    })
  }))
  const memdesc = mm?.memdesc
    ? memdescProjection({
        allocations: mm.memdesc.allocations.map((a) => ({ ...a, type: a.type === 'free' ? 'buddy' : a.type })),
        pageSize: m.pageSize,
        structPageSize: S,
        stages: mm.memdesc.stages,
        spinlock: mm.memdesc.spinlock
      })
    : null
  const checks = uniqueById([
    ...structChecks,
    ...placementChecks(m, placement),
    ...policies.checks,
    ...hvo.checks,
    ...(kmsan?.checks ?? []),
    ...pmem.flatMap((p) => p.checks.map((c) => ({ ...c, id: `${p.name}.${c.id}` }))),
    ...(memdesc?.checks ?? [])
  ])
  return { S, mm, bits, alignedValue, totals, policies, hvo, kmsan, pmem, memdesc, checks }
}

/**
 * What `batch` records of the memmap: its size and the checks, as memmapReport() gives
 * them (the same values), without the figures, the table rows, the section root table's
 * and usage maps' costs and the zone contiguity that only the views show.
 */
export function memmapChecks(m: Model): { memmapBytes: number; failing: string[] } {
  const p = memmapParts(m, memmapLayout(m), true)
  // the ids of the checks reported as 'fail' (no ReportedCheck is made: batch keeps ids only)
  return { memmapBytes: p.totals.memmapBytes, failing: p.checks.filter((c) => statusOf(c) === 'fail').map((c) => c.id) }
}

export function memmapReport(m: Model): MemmapReport {
  const placement = memmapPlacement(m)
  const { S, mm, bits, alignedValue, totals, policies, hvo, kmsan, pmem, memdesc, checks: unreported } = memmapParts(m, placement, false)
  const checks = unreported.map(withStatus)
  const size = structPageSize({ ...(mm?.structPage ?? { size: S }), alignedStructPage: alignedValue, bits, pageSize: m.pageSize })
  const report: MemmapReport = {
    structPageSize: S,
    placement,
    figures: [
      ...size.figures,
      ...placement.geometry.figures,
      ...placement.rootTable.figures,
      ...placement.usage.figures,
      ...(placement.base?.figures ?? runtimeVmemmapBase(m)),
      ...placement.plan.figures,
      ...Object.entries(placement.plan.input.bufferBase ?? {}).map(([nid, addr]) => ({
        id: `vmemmap.boot-buffer-base.node${nid}`,
        label: `node ${nid} boot buffer (estimate)`,
        value: String(addr),
        unit: 'address' as const,
        formula: "top of the node's highest usable range − map_count × section_map_size(), aligned down (memblock allocates top-down; earlier reservations such as NODE_DATA push it lower)",
        ref: 'sparse_buffer_init() mm/sparse.c; memblock_alloc_exact_nid_raw() mm/memblock.c',
        versions: versionsOf('sparse-buffer')
      })),
      ...m.orders.maxPage.figures,
      ...m.orders.pageblock.figures,
      ...placement.maxFolioOrder.figures,
      ...placement.alignedFolio.figures,
      ...(placement.hotplugAlignedFolio?.figures ?? []),
      ...(placement.flatmem ?? []).flatMap((f) => f.figures.map((x) => ({ ...x, id: `${x.id}.node${f.nid}` }))),
      ...totals.figures,
      ...hvo.figures,
      ...(kmsan?.figures ?? []),
      ...pmem.flatMap((p) => p.figures.map((f) => ({ ...f, id: `${p.name}.${f.id}` }))),
      ...(memdesc?.figures ?? [])
    ],
    checks,
    totals,
    policies,
    hvo,
    kmsan,
    pmem,
    memdesc,
    // nothing is obsolete until a memdesc stage is chosen (memmap.memdesc); then per stage
    obsolescence: memdesc?.obsolete ?? []
  }
  report.figures = uniqueById(report.figures)
  return report
}

/**
 * s390 and loongarch64 are SPARSEMEM_VMEMMAP, but where vmemmap starts is decided while
 * booting, from values no layout gives: said as a figure rather than guessed (the memmap
 * plan then allocates section by section, as without a vmemmap).
 */
function runtimeVmemmapBase(m: Model): Figure[] {
  if (m.config.memoryModel !== 'sparsemem') return []
  if (m.scenario.arch === 's390')
    return [
      fig(
        'vmemmap.pfn0',
        'vmemmap (pfn_to_page(0))',
        'decided at boot',
        'address',
        'setup_kernel_memory_layout() places vmemmap from ident_map_size, vmalloc= and the kernel page-table level; not modelled',
        'setup_kernel_memory_layout() arch/s390/boot/startup.c',
        'all'
      )
    ]
  if (m.scenario.arch === 'loongarch64')
    return [
      fig(
        'vmemmap.pfn0',
        'vmemmap (pfn_to_page(0))',
        'decided at boot',
        'address',
        'vmemmap = (VMALLOC_END + PMD_SIZE) & PMD_MASK, and VMALLOC_END follows vm_map_base and cpu_vabits, read from the CPU (CPUCFG) at boot; not modelled',
        'vmemmap, VMALLOC_END arch/loongarch/include/asm/pgtable.h',
        'all'
      )
    ]
  return []
}

/** Modules may report the same fact (e.g. struct page shape); keep the first of each id. */
function uniqueById<T extends { id: string }>(list: T[]): T[] {
  const seen = new Set<string>()
  return list.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)))
}

/**
 * The memmap's layout (memmapLayout(): section geometry, vmemmap base and mapping, orders
 * and alignment) and what the views show of it besides: the root table's and usage maps'
 * costs and the first rows (memmapRows() gives any window).
 */
export function memmapPlacement(m: Model, rowCount = 64): MemmapPlacement {
  const nodes = nodeSectionRuns(m)
  const layout = memmapLayout(m, nodes)
  const { model, geometry } = sectionModel(m)
  const vmemmapModel = m.config.memoryModel === 'sparsemem' && model.is64bit
  const usageSize = keptMemSectionUsageSize(geometry, { version: m.version, sparsememVmemmap: vmemmapModel, pageblockOrder: layout.pageblockOrder })
  const { base, plan, maxPageOrder, pageblockOrder, maxFolioOrder, alignedFolio, hotplugAlignedFolio, flatmem } = layout
  return {
    geometry,
    rootTable: rootTableCost(geometry, nodes),
    usage: usageCost(usageSize, nodes),
    base,
    plan,
    maxPageOrder,
    pageblockOrder,
    maxFolioOrder,
    alignedFolio,
    hotplugAlignedFolio,
    rows: memmapRows(plan, 0, rowCount),
    flatmem
  }
}

/** The architecture's memory model and section geometry for the model's kernel and page size. */
function sectionModel(m: Model): { model: ArchMemoryModel; geometry: SectionGeometry } {
  const model = keptArchMemoryModel(m.scenario.arch, m.pageSize, m.version, { paging: m.scenario.paging })
  return { model, geometry: keptSectionGeometry(model) }
}

/** Each node's runs of present sections (sectionOwners()), in address order. */
function nodeSectionRuns(m: Model): NodeSectionRuns[] {
  const owners = sectionOwners(m)
  return [...new Set(owners.map((o) => o.nid))].map((nid) => ({ nid, runs: owners.filter((o) => o.nid === nid).map((o) => ({ start: o.start, end: o.end })) }))
}

/**
 * Where the memmap lies and how it is aligned: the vmemmap base, each node's boot buffer
 * and what it holds, MAX_FOLIO_ORDER and the largest naturally aligned folio. What the
 * memmap checks read (memmapChecks() computes no more); memmapPlacement() adds the views'.
 * `nodes`: nodeSectionRuns(m), when the caller has it.
 */
export function memmapLayout(m: Model, nodes = nodeSectionRuns(m)): MemmapLayout {
  const S = m.config.structPageSize
  const arch = m.scenario.arch
  const { model, geometry } = sectionModel(m)
  const vmemmapModel = m.config.memoryModel === 'sparsemem' && model.is64bit
  const mpo = m.orders.maxPage
  const pbo = m.orders.pageblock
  const mfo = keptMaxFolioOrder({
    arch,
    pageSize: m.pageSize,
    version: m.version,
    maxPageOrder: mpo.order,
    pfnSectionShift: geometry.pfnSectionShift,
    memoryModel: vmemmapModel ? 'sparsemem-vmemmap' : m.config.memoryModel === 'flatmem' ? 'flatmem' : 'sparsemem',
    is64bit: model.is64bit
  })
  // MAX_FOLIO_VMEMMAP_ALIGN (riscv and loongarch align their vmemmap to it from 7.1)
  const folioVmemmapAlign = maxFolioVmemmapAlign(m.version, hvoConfigured(m), S, mfo.order)
  // s390 places vmemmap at run time in its boot code (setup_kernel_memory_layout(),
  // arch/s390/boot/startup.c: from ident_map_size, vmalloc= and the region table level),
  // loongarch from VMALLOC_END (vm_map_base and cpu_vabits, read from the CPU at boot):
  // neither address follows from the layout, so neither is guessed (no vmemmap figures)
  const baseKnown = arch !== 's390' && arch !== 'loongarch64'
  const base =
    vmemmapModel && baseKnown
      ? vmemmapBase(model, m.version, {
          structPageSize: S,
          paging: m.scenario.paging === '5-level' ? '5-level' : '4-level',
          ...(arch === 'x86_64' && (m.scenario.memmap?.kaslr ?? true) ? { kaslr: { maxPfn: m.maxPfn } } : {}),
          ...(arch === 'arm64' ? { arm64: { dramBase: BigInt(m.memory.startOfDram()), maxPfn: m.maxPfn } } : {}),
          ...(arch === 'riscv64' ? { riscv: { physRamBase: BigInt(m.memory.startOfDram()), maxFolioVmemmapAlign: folioVmemmapAlign } } : {})
        })
      : null
  const mapping = base ? keptVmemmapMapping(arch, m.pageSize, m.version) : null
  const plan = buildMemmapPlan({
    geo: geometry,
    structPageSize: S,
    version: m.version,
    vmemmap: base && mapping ? { mapping, pfnToPage0: base.pfnToPage0 } : null,
    nodes,
    bufferBase: bootBufferBases(m, nodes, sectionMapSize(geometry, S, mapping ? mapping.pmdSize : null))
  })
  // the memmap's actual alignment: the KASLR worst case on x86_64, pfn_to_page(0) elsewhere;
  // without VMEMMAP each boot section's map sits at a multiple of section_map_size() in its
  // node's sparse buffer, and a hot-added one comes from kvmalloc_node() (PAGE_SIZE at worst);
  // FLATMEM's node_mem_map is SMP_CACHE_BYTES aligned
  const kaslr = arch === 'x86_64' && (m.scenario.memmap?.kaslr ?? true)
  const flat = m.config.memoryModel === 'flatmem'
  const folioInput = { structPageSize: S, pageSize: m.pageSize, hugePageSizes: m.hugePageSizes, maxFolioOrder: mfo.order }
  const alignedFolio = keptMaxAlignedFolio({
    ...folioInput,
    alignment: base
      ? kaslr
        ? { kind: 'x86-kaslr' }
        : { kind: 'address', address: base.pfnToPage0 }
      : flat
        ? { kind: 'flatmem' }
        : { kind: 'section-buffer', sectionMapSize: plan.sectionMapSize, aligned: holds('sparse-buffer-section-aligned', m.version) }
  })
  const hotplugAlignedFolio = !base && !flat ? keptMaxAlignedFolio({ ...folioInput, alignment: { kind: 'kvmalloc' }, scope: { id: 'hotplug', title: 'hot-added sections' } }) : null
  return {
    geometry,
    base,
    plan,
    maxPageOrder: mpo.order,
    pageblockOrder: pbo.order,
    maxFolioOrder: mfo,
    alignedFolio,
    hotplugAlignedFolio,
    flatmem:
      m.config.memoryModel === 'flatmem'
        ? m.nodes.filter((n) => n.end > n.start).map((n) => ({ nid: n.nid, ...flatmemMap({ nodeStartPfn: n.start, nodeEndPfn: n.end, maxPageOrder: mpo.order, structPageSize: S }) }))
        : null
  }
}

function placementChecks(m: Model, p: MemmapLayout): Check[] {
  const S = m.config.structPageSize
  return [
    ...sectionConstantChecks(p.geometry, { maxPageOrder: p.maxPageOrder, pageblockOrder: p.pageblockOrder }),
    memSectionSizeCheck(p.geometry.memSectionSize),
    ...encodingChecks(p.geometry, S, sectionFlags(m.version)),
    ...(p.base?.checks ?? []),
    ...p.plan.checks,
    ...(p.base ? [memmapAlignmentCheck({ version: m.version, hvoConfigured: hvoConfigured(m), structPageSize: S, pfnToPage0: p.base.pfnToPage0, maxFolioOrder: p.maxFolioOrder.order })] : []),
    ...p.alignedFolio.checks,
    ...(p.hotplugAlignedFolio?.checks ?? []),
    ...(p.flatmem ?? []).map((f) => ({ ...f.check, id: `${f.check.id}.node${f.nid}` }))
  ]
}

/**
 * Where sparse_buffer_init() puts each node's boot buffer: memblock allocates top-down,
 * so the buffer ends at the top of the node's highest usable range, aligned down to
 * section_map_size(). An estimate: reservations made earlier (NODE_DATA, the kernel,
 * crashkernel) push it lower on a real boot.
 */
function bootBufferBases(m: Model, nodes: NodeSectionRuns[], mapSize: number): Record<number, bigint> {
  const out: Record<number, bigint> = {}
  for (const n of nodes) {
    const count = n.runs.reduce((a, r) => a + r.end - r.start, 0)
    const size = count * mapSize
    const top = nodeTop(m, n.nid)
    const base = Math.floor((top - size) / mapSize) * mapSize
    if (top && base >= 0) out[n.nid] = BigInt(base)
  }
  return out
}

/** The end of the node's highest usable (non-NOMAP) memory: where memblock's top-down allocations start. */
function nodeTop(m: Model, nid: number): number {
  return m.memory.regions.filter((r) => r.nid === nid && !(r.flags & MEMBLOCK_NOMAP)).reduce((a, r) => Math.max(a, r.end), 0)
}

/**
 * The KMSAN hand-off of a scenario: the reserved ranges the layout names (memblock.reserved,
 * x86's first 1 MiB, the initrd, each node's memmap at the top of the node as
 * bootBufferBases() places it), the free ranges left after them and after 2 × their size
 * of metadata, and with DEFERRED_STRUCT_PAGE_INIT (< 6.11) the deferred part of each node.
 * Reservations a layout does not name (the kernel image, page tables, percpu, crashkernel)
 * are not counted: a real boot hands over fewer pages.
 */
function kmsanReport(m: Model, placement: MemmapLayout): KmsanResult {
  const ps = m.pageSize
  const reserved: ByteRange[] = m.reserved.regions.map((r) => ({ start: r.base, end: r.end }))
  if (m.scenario.arch === 'x86_64' && holds('x86-reserve-first-mb', m.version)) reserved.push({ start: 0, end: 0x100000 })
  if (m.scenario.initrd) reserved.push({ start: m.scenario.initrd.start, end: m.scenario.initrd.start + m.scenario.initrd.size })
  const nodes = m.nodes.filter((n) => n.end > n.start)
  if (placement.flatmem) {
    for (const f of placement.flatmem) {
      const t = nodeTop(m, f.nid)
      if (t && f.sizeBytes) reserved.push({ start: Math.max(0, t - f.sizeBytes), end: t })
    }
  } else {
    // the part of each node's boot buffer (placed by bootBufferBases()) the memmap used
    const plan = placement.plan
    for (const b of plan.summary.buffers) {
      const base = plan.input.bufferBase?.[b.nid]
      const used = b.consumedBytes + b.fallbackUnits * plan.unitBytes
      if (base !== undefined && used) reserved.push({ start: Number(base), end: Number(base) + used })
    }
  }
  const memory = nodes.flatMap((n) => n.ranges.filter((r) => !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ nid: n.nid, start: r.start * ps, end: r.end * ps })))
  const deferredOn = m.config.deferredStructPageInit && !holds('kmsan-no-deferred-init', m.version)
  const firstDeferred = new Map<number, number>()
  if (deferredOn)
    for (const n of nodes) {
      const last = [...n.zones].reverse().find((z) => z.present > 0)
      if (!last || last.start + last.spanned < n.end) continue
      const fd = firstDeferredPfn(last.start, last.start + last.spanned, n.ranges, m.pagesPerSection)
      if (fd !== null) firstDeferred.set(n.nid, fd)
    }
  const { handoff, deferredPages } = kmsanHandoffDeferred({ memory, reserved, pageSize: ps }, firstDeferred)
  const memmapPages = placement.flatmem ? placement.flatmem.reduce((a, f) => a + f.endPfn - f.startPfn, 0) : placement.plan.presentSections * m.pagesPerSection
  return kmsanBootMetadata({
    version: m.version,
    arch: m.scenario.arch,
    maxPageOrder: m.orders.maxPage.order,
    nodes: nodes.map((n) => ({ nid: n.nid, presentPages: n.present, freeRanges: handoff.freeRanges.get(n.nid) ?? [] })),
    futureRangePages: handoff.futureRangePages,
    futureRangeCount: handoff.futureRanges.length,
    futureMetadataPages: handoff.futureMetadataPages,
    deferredPages: m.config.deferredStructPageInit ? (deferredOn ? deferredPages : 0) : undefined,
    memmapPages
  })
}
