// The memory-model pipeline: scenario -> memblock -> NUMA -> zones -> sections -> holes.
// Each step is the kernel function named in its module; this file only wires them in
// the order setup_arch()/free_area_init() run them.

import { rangeEnd, type Scenario } from '../scenario/scenario.ts'
import { ARCH_PRESETS, type ArchPreset, type ZoneName } from './arch.ts'
import { applyE820Cmdline, E820, E820Table, e820EndPfn, e820MemblockSetup, e820TypeOf, efiToE820, trimBiosRange } from './e820.ts'
import { dtMemblock, efiKernelImage, efiReserveRegions, memLimitRemoveMap } from './efi.ts'
import { loongarchMemArgs, loongarchMemblockInit } from './loongarch-mem.ts'
import { S390RangeError, s390Physmem } from './s390-physmem.ts'
import { hugePageSizeError } from './hugepage-sizes.ts'
import { memmapInitHoles, perZoneHoles, reservedButUnavailable, zeroedHoles, type HoleCount } from './holes.ts'
import { MEMBLOCK_HOTPLUG, MEMBLOCK_NOMAP, memPfnRanges, type MemblockType, type MemPfnRange } from './memblock.ts'
import { numaInit, type NumaBlock, type NumaResult } from './numa.ts'
import { selectProfile, type VersionProfile } from './profiles.ts'
import { maxPageOrder, pageblockOrder, type MaxPageOrder, type PageblockOrder } from './memmap/folio.ts'
import { archMemoryModel } from './memmap/sparse.ts'
import { NVDIMM_KMSAN_NOT_SETTABLE } from './memmap/pfndev.ts'
import { alignedStructPageOf, structPageConfigError, structPageSize } from './memmap/structpage.ts'
import { presentSections, validPfns, type Interval } from './sections.ts'
import { holds } from './facts.ts'
import { memparse } from './units.ts'
import type { KernelVersion } from './version.ts'
import { maxZonePfns, nodeSpans, parseCoreArg, zoneBoundaries, zoneList, zoneMovablePfns, type NodeSpan, type ZoneBoundary } from './zones.ts'

export class ModelError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = []
  ) {
    super(message)
  }
}

export type Config = ArchPreset['defaults']

export interface Holes {
  /** 5.14+ memmap_init() attribution: one entry per hole (always computed, for analysis) */
  perHole: HoleCount[]
  /** 5.11–5.13 per-zone counts in call order, when the profile prints them */
  perZone: { nid: number; zoneIndex: number; count: number }[] | null
  /** ≤5.10.0 whole-map total (zeroed / reserved-but-unavailable), when the profile prints it */
  total: number | null
}

export interface Model {
  scenario: Scenario
  preset: ArchPreset
  version: KernelVersion
  profile: VersionProfile
  config: Config
  pageSize: number
  pageShift: number
  /** MAX_PAGE_ORDER and pageblock_order of this arch, page size, paging mode and version */
  orders: { maxPage: MaxPageOrder; pageblock: PageblockOrder }
  /** pageblock_nr_pages */
  pageblockPages: number
  sectionSizeBits: number
  pagesPerSection: number
  /** x86 only: the e820 table after command-line edits and trim_bios_range() */
  e820: E820Table | null
  /** x86 `user:` lines when the command line edited the table */
  userMap: string[]
  memory: MemblockType
  reserved: MemblockType
  maxPfn: number
  maxLowPfn: number
  numa: NumaResult
  ranges: MemPfnRange[]
  zones: ZoneName[]
  bounds: ZoneBoundary[]
  nodes: NodeSpan[]
  sections: Interval[]
  valid: Interval[]
  holes: Holes
  /** ZONE_MOVABLE start pfn per node (find_zone_movable_pfns_for_nodes()) */
  movableStarts: Map<number, number>
  hugePageSizes: number[]
  warnings: string[]
}

export function parseCmdline(cmdline: string): { key: string; value: string | null }[] {
  const out: { key: string; value: string | null }[] = []
  // next_arg(): whitespace-separated, double quotes group
  const re = /(?:[^\s"]+|"[^"]*")+/g
  for (const m of cmdline.matchAll(re)) {
    const tok = m[0].replace(/"/g, '')
    const eq = tok.indexOf('=')
    out.push(eq < 0 ? { key: tok, value: null } : { key: tok.slice(0, eq), value: tok.slice(eq + 1) })
  }
  return out
}

export function runModel(scenario: Scenario): Model {
  const warnings: string[] = []
  const choice = selectProfile(scenario.kernel)
  if (!choice) throw new ModelError(`"${scenario.kernel}" is not a kernel version`, ['kernel'])
  warnings.push(...choice.warnings)
  const { profile, version } = choice
  const preset = ARCH_PRESETS[scenario.arch]
  const config: Config = { ...preset.defaults, ...preset.versionDefaults?.(profile, version), ...(scenario.numa ? preset.numaDefaults : {}), ...(scenario.config ?? {}) }
  // where the arch ties FLATMEM to !NUMA (numaDefaults: riscv ARCH_FLATMEM_ENABLE def_bool
  // !NUMA, x86 X86_32 && !NUMA), no kernel is both
  if (scenario.numa && config.memoryModel === 'flatmem' && preset.numaDefaults?.memoryModel === 'sparsemem')
    throw new ModelError(`no ${scenario.arch} kernel is FLATMEM with NUMA (ARCH_FLATMEM_ENABLE needs !NUMA): drop numa, or say memoryModel: sparsemem`, ['config', 'memoryModel'])
  // sizeof(struct page) from the memmap section's configuration, when given, with
  // HAVE_ALIGNED_STRUCT_PAGE as the arch selects it for the allocator and version
  const sp = scenario.memmap?.structPage
  if (sp) {
    const bad = structPageConfigError(sp, version)
    if (bad) throw new ModelError(bad, ['memmap', 'structPage', sp.allocator === 'slab' ? 'allocator' : 'kmsan'])
    config.structPageSize = structPageSize({ ...sp, alignedStructPage: alignedStructPageOf(sp, scenario.arch, version), bits: preset.defaults.structPageSize === 32 ? 32 : 64 }).size
  }
  scenario.memmap?.pmem?.forEach((ns, i) => {
    if (ns.nvdimmKmsan) throw new ModelError(NVDIMM_KMSAN_NOT_SETTABLE, ['memmap', 'pmem', i, 'nvdimmKmsan'])
  })
  const pageSize = scenario.pageSize ?? preset.defaultPageSize
  if (!preset.pageSizes.includes(pageSize)) {
    throw new ModelError(`${scenario.arch} does not support ${pageSize / 1024}K pages (supported: ${preset.pageSizes.map((p) => p / 1024 + 'K').join(', ')})`, ['pageSize'])
  }
  // a huge page size the arch cannot register (arch_hugetlb_valid_size()) is refused at its line
  scenario.hugetlb?.forEach((h, i) => {
    const bad = hugePageSizeError(h.size, scenario.arch, pageSize, { version, paging: scenario.paging })
    if (bad) throw new ModelError(bad, ['hugetlb', i, 'size'])
  })
  const pageShift = Math.log2(pageSize)
  // SECTION_SIZE_BITS / MAX_PHYSMEM_BITS per arch, page size, paging mode and version
  const memModel = archMemoryModel(scenario.arch, pageSize, version, { paging: scenario.paging })
  const sectionSizeBits = memModel.sectionSizeBits
  const pagesPerSection = 2 ** (sectionSizeBits - pageShift)
  const args = parseCmdline(scenario.cmdline ?? '')
  const lowmemPfn = (maxPfn: number): number => (config.highmem && config.lowmemLimit !== null ? Math.min(maxPfn, Math.floor(config.lowmemLimit / pageSize)) : maxPfn)
  const fw = scenario.firmware

  let e820: E820Table | null = null
  let userMap: string[] = []
  let memory: MemblockType
  let reserved: MemblockType
  let maxPfn: number
  let maxLowPfn: number

  if (preset.firmware === 'e820') {
    if (fw.kind === 'dt') throw new ModelError('x86_64 firmware maps are e820 tables (kind: e820) or UEFI memory maps (kind: uefi), not device trees', ['firmware', 'kind'])
    e820 = new E820Table([], profile.e820Wording)
    if (fw.kind === 'uefi') {
      const softReserve = profile.x86SoftReservedReserve && !args.some((a) => a.key === 'efi' && a.value?.split(',').includes('nosoftreserve'))
      e820.entries = efiToE820(
        fw.map.map((r) => ({ start: r.start, end: rangeEnd(r), type: r.type, attrs: r.attrs ?? [] })),
        softReserve
      )
    } else
      fw.map.forEach((r, i) => {
        const t = e820TypeOf(r)
        if (t === undefined)
          throw new ModelError(
            r.type === 'other'
              ? 'type: other needs the e820 type number in `code`'
              : `"${r.type}" is not an e820 type (usable, reserved, acpi-data, acpi-nvs, unusable, pmem, pram, soft-reserved, reserved-kern, other)`,
            ['firmware', 'map', i, 'type']
          )
        e820!.add(r.start, rangeEnd(r) - r.start, t)
      })
    // e820__memory_setup_default(): the firmware table is sanitised before it is printed
    e820.sanitize()
    const cmd = applyE820Cmdline(e820, args)
    warnings.push(...cmd.errors)
    if (cmd.userdef) userMap = e820.print('user')
    for (const u of fw.updates ?? []) {
      const size = rangeEnd(u) - u.start
      const to = u.to === 'removed' ? undefined : e820TypeOf({ type: u.to, code: u.toCode })
      if (u.from === undefined) {
        // e820_add_kernel_range(): remove whatever is there, add the new type
        e820.remove(u.start, size, 0, false)
        if (to !== undefined) e820.add(u.start, size, to)
        continue
      }
      const from = e820TypeOf({ type: u.from, code: u.fromCode })
      if (from === undefined || (u.to !== 'removed' && to === undefined)) continue
      if (u.to === 'removed') e820.remove(u.start, size, from, true)
      else e820.update(u.start, size, from, to!)
    }
    if (fw.updates?.length) e820.sanitize()
    trimBiosRange(e820, pageSize)
    const maxArchPfn = 2 ** (memModel.maxPhysmemBits - pageShift)
    maxPfn = e820EndPfn(e820, maxArchPfn, maxArchPfn, profile.x86EndPfnAcpi, pageShift)
    // setup_arch(): max_low_pfn is the end of RAM below 4 GiB, and init_mem_mapping()
    // later sets max_low_pfn = max_pfn on x86_64; 32-bit x86 caps it at MAXMEM
    maxLowPfn = lowmemPfn(maxPfn)
    ;({ memory, reserved } = e820MemblockSetup(e820, pageSize, {
      reserveSoftReserved: profile.x86SoftReservedReserve,
      reserveGaps: profile.x86ReserveE820Gaps,
      physAddrBits: preset.physAddrBits({ paging: scenario.paging })
    }))
    x86LowReservations(reserved, e820)
  } else if (preset.firmware === 's390') {
    if (fw.kind !== 'dt') throw new ModelError(`s390 has no ${fw.kind} map: give the online storage ranges as kind: dt, type: memory`, ['firmware', 'kind'])
    try {
      const p = s390Physmem(
        fw.map,
        args.filter((a) => a.key === 'mem' && a.value !== null).map((a) => a.value!),
        pageSize
      )
      ;({ memory, reserved } = p)
      warnings.push(...p.warnings)
    } catch (e) {
      if (e instanceof S390RangeError) throw new ModelError(e.message, ['firmware', 'map', e.index, 'type'])
      throw e
    }
    // setup_memory_end(): max_pfn = max_low_pfn = PFN_DOWN(ident_map_size)
    maxPfn = Math.floor(memory.endOfDram() / pageSize)
    maxLowPfn = maxPfn
  } else if (preset.firmware === 'loongarch') {
    // efi_init() + memblock_init() for a UEFI map; fdt_setup() → early_init_dt_scan() for
    // device-tree memory (then the generic /memory and /reserved-memory handling)
    const softReserve = false
    if (fw.kind === 'uefi') ({ memory, reserved } = loongarchMemblockInit(fw.map))
    else if (fw.kind === 'dt') ({ memory, reserved } = dtMemblock(fw.map, { pageSize, softReserve, dtNoMapMarksNomap: profile.dtNoMapNomap }))
    else throw new ModelError(`loongarch64 firmware maps are kind uefi or dt, not ${fw.kind}`, ['firmware', 'kind'])
    const mem = loongarchMemArgs(
      memory,
      args.filter((a) => a.key === 'mem' && a.value !== null).map((a) => a.value!)
    )
    warnings.push(...mem.warnings)
    if (mem.userMem) {
      // check_kernel_sections_mem(): the image is added back when mem= left it out
      if (scenario.kernelImage) memory.add(scenario.kernelImage.start, scenario.kernelImage.size)
      else warnings.push('mem= on loongarch: check_kernel_sections_mem() adds the kernel image back when it lies outside the given ranges; its location is unknown (give kernelImage)')
    }
    // paging_init(): ZONE_NORMAL ends at max_low_pfn, the end of memory
    maxPfn = Math.floor(memory.endOfDram() / pageSize)
    maxLowPfn = maxPfn
  } else {
    // CONFIG_EFI_SOFT_RESERVE (5.5+) unless efi=nosoftreserve
    const softReserve = profile.x86SoftReservedReserve && !args.some((a) => a.key === 'efi' && a.value?.split(',').includes('nosoftreserve'))
    const opts = { pageSize, softReserve, dtNoMapMarksNomap: profile.dtNoMapNomap }
    if (fw.kind === 'uefi') ({ memory, reserved } = efiReserveRegions(fw.map, opts))
    else if (fw.kind === 'dt') ({ memory, reserved } = dtMemblock(fw.map, opts))
    else throw new ModelError(`arm64 firmware maps are kind uefi or dt, not ${fw.kind}`, ['firmware', 'kind'])
    // arm64_memblock_init(): mem= keeps the first N bytes of memory (NOMAP survives)
    const mem = args.filter((a) => a.key === 'mem' && a.value).pop()
    if (mem) {
      const m = memparse(mem.value!)
      if (m && m.value) {
        memLimitRemoveMap(memory, m.value)
        // "add back the kernel region that must be accessible via the linear mapping"
        const guessed = scenario.kernelImage ? null : fw.kind === 'uefi' ? efiKernelImage(fw.map) : null
        const image = scenario.kernelImage ?? guessed
        if (guessed?.note) warnings.push(`mem= on arm64 adds the kernel image back: ${guessed.note}`)
        if (image) memory.add(image.start, image.size)
        else warnings.push('mem= on arm64 adds the kernel image back; its location is unknown (give kernelImage)')
      } else warnings.push(`mem=${mem.value}: not a size; the kernel ignores it`)
    }
    // arm64_memblock_init(): "Add back the memory we just removed if it results in the
    // initrd to become inaccessible via the linear mapping" (a no-op when it is in memory):
    // 177e15f0c144 "arm64: add the initrd region to the linear mapping explicitly" (in
    // v4.7); memblock_clear_nomap() since c0b978fedff6 (in v6.0), remove+add before
    if (scenario.initrd && scenario.arch === 'arm64') {
      const base = Math.floor(scenario.initrd.start / pageSize) * pageSize
      const end = Math.ceil((scenario.initrd.start + scenario.initrd.size) / pageSize) * pageSize
      memory.add(base, end - base)
      memory.setFlag(base, end - base, MEMBLOCK_NOMAP, false)
      reserved.add(base, end - base)
    }
    // bootmem_init(): max_pfn = max_low_pfn = PFN_DOWN(memblock_end_of_DRAM()); 32-bit
    // arches cap lowmem (arm_lowmem_limit, CONFIG_LOWMEM_SIZE)
    maxPfn = Math.floor(memory.endOfDram() / pageSize)
    maxLowPfn = lowmemPfn(maxPfn)
  }
  if (memory.regions.length === 0) throw new ModelError("no usable RAM is left in the firmware map (after the command line and the kernel's own trimming)", ['firmware', 'map'])

  // NUMA
  const blocks: NumaBlock[] | null = scenario.numa ? scenario.numa.nodes.flatMap((n) => n.ranges.map((r) => ({ nid: n.id, start: r.start, end: rangeEnd(r), hotplug: r.hotplug ?? false }))) : null
  const numa = numaInit(preset.numa, memory, blocks, {
    pageShift,
    maxPfn,
    numaEnabled: config.numa,
    maxNumNodes: config.maxNumNodes,
    cpuNodes: scenario.numa?.nodes.filter((n) => n.ranges.length === 0).map((n) => n.id) ?? [],
    nodeMinSize: profile.x86NodeMinSize,
    coverage: profile.x86NumaCoverage,
    clipToDram: profile.numaClipToDram
  })
  if (numa.faked && numa.warnings.length) warnings.push(...numa.warnings)

  const ranges = memPfnRanges(memory, pageShift)
  const zones = zoneList(scenario.arch, config, profile)
  const maxZone = maxZonePfns({
    rule: preset.zoneRule,
    profile,
    zones,
    pageShift,
    maxPfn,
    maxLowPfn,
    startOfDram: memory.startOfDram(),
    endOfDram: memory.endOfDram(),
    dmaLimit: fw.dmaLimit ?? null
  })
  const bounds = zoneBoundaries(zones, maxZone, Math.floor(memory.startOfDram() / pageSize))
  // find_zone_movable_pfns_for_nodes(): kernelcore= / movablecore= / movable_node
  const core = (key: string) => {
    const a = args.filter((x) => x.key === key && x.value !== null).pop()
    if (!a) return null
    if (key === 'kernelcore' && a.value === 'mirror') {
      warnings.push('kernelcore=mirror (ZONE_MOVABLE from non-mirrored memory) is not modelled; ignored')
      return null
    }
    const v = parseCoreArg(a.value!, pageSize)
    if (!v) warnings.push(`${key}=${a.value}: not a size or percentage; the kernel ignores it`)
    return v
  }
  const movableReq = { kernelcore: core('kernelcore'), movablecore: core('movablecore'), movableNode: args.some((a) => a.key === 'movable_node') }
  const movable = zoneMovablePfns(
    movableReq,
    ranges,
    memory.regions.filter((r) => r.flags & MEMBLOCK_HOTPLUG).map((r) => ({ nid: r.nid, startPfn: Math.floor(r.base / pageSize) })),
    bounds,
    // MAX_ORDER_NR_PAGES: 1024 with 4K pages; arm64 16K/64K default orders 11/13
    pageSize === 4096 ? 1024 : pageSize === 16384 ? 2048 : 8192
  )
  // for_each_node(): online nodes and memoryless possible nodes, ascending
  const nodes = nodeSpans(
    [...numa.nodes, ...numa.memorylessNodes].sort((a, b) => a - b),
    ranges,
    bounds,
    movable
  ).map((n) => (numa.memorylessNodes.includes(n.nid) ? { ...n, ranges: [], start: 0, end: 0, spanned: 0, present: 0, zones: n.zones.map((z) => ({ ...z, start: 0, spanned: 0, present: 0 })) } : n))
  const sections = presentSections(ranges, pagesPerSection)
  const rule = scenario.arch === 'arm64' ? profile.arm64PfnValid : 'generic'
  // FLATMEM: pfn_valid() is true from ARCH_PFN_OFFSET up to max_mapnr
  const valid =
    config.memoryModel === 'flatmem' ? [{ start: preset.firmware === 'e820' || !ranges.length ? 0 : ranges[0].start, end: maxPfn }] : validPfns(rule, sections, pagesPerSection, memory, pageSize)
  const hugePageSizes = scenario.hugetlb?.map((h) => h.size) ?? preset.defaultHugePageSizes(pageSize, scenario.paging)
  // pageblock_order per arch and version (memmap/folio.ts pageblockOrder()); powerpc64 takes
  // HPAGE_SHIFT from the huge page sizes, 32-bit x86 from the paging mode
  const maxPage = maxPageOrder(scenario.arch, pageSize, version)
  const pageblock = pageblockOrder({ arch: scenario.arch, pageSize, version, maxPageOrder: maxPage.order, paging: scenario.paging, hugePageSizes })
  const pageblockPages = pageblock.nrPages

  const model: Model = {
    scenario,
    preset,
    version,
    profile,
    config,
    pageSize,
    pageShift,
    orders: { maxPage, pageblock },
    pageblockPages,
    sectionSizeBits,
    pagesPerSection,
    e820,
    userMap,
    memory,
    reserved,
    maxPfn,
    maxLowPfn,
    numa,
    ranges,
    zones,
    bounds,
    nodes,
    sections,
    valid,
    holes: { perHole: [], perZone: null, total: null },
    movableStarts: movable.starts,
    hugePageSizes,
    warnings
  }
  model.holes = countHoles(model)
  return model
}

function countHoles(m: Model): Holes {
  // a FLATMEM kernel before 5.15 initialises (and counts) no hole at all: every hole pass
  // was #if !defined(CONFIG_FLAT_NODE_MEM_MAP) (facts.ts 'flatmem-hole-init')
  if (m.config.memoryModel === 'flatmem' && !holds('flatmem-hole-init', m.version)) return { perHole: [], perZone: null, total: null }
  const byNid = new Map(m.nodes.map((n) => [n.nid, n]))
  const perHole = memmapInitHoles(m.ranges, byNid, m.valid, m.pagesPerSection, m.pageblockPages, m.config.memoryModel === 'sparsemem')
  switch (m.profile.holeMessage) {
    case 'per-hole':
      return { perHole, perZone: null, total: null }
    case 'per-zone':
      return { perHole, perZone: perZoneHoles(m.nodes, m.valid, m.pagesPerSection, m.pageblockPages), total: null }
    case 'zeroed-struct-page':
      return { perHole, perZone: null, total: zeroedHoles(m.memory, m.valid, m.maxPfn, m.profile.zeroedTail, m.pagesPerSection, m.pageblockPages, m.pageSize) }
    case 'reserved-but-unavailable':
      return { perHole, perZone: null, total: reservedButUnavailable(m.memory, m.reserved, m.valid, m.pageblockPages, m.pageSize) }
  }
}

/**
 * Early x86 reservations that matter to the 4.15–4.19 count (memblock.reserved outside
 * memory): trim_low_memory_range() reserves the first 64 KiB (CONFIG_X86_RESERVE_LOW)
 * and reserve_bios_regions() reserves from the BIOS data area start (approximated by the
 * end of the first RAM entry below 640 KiB) up to 1 MiB.
 */
function x86LowReservations(reserved: MemblockType, e820: E820Table): void {
  reserved.add(0, 0x10000)
  const lowRamEnd = e820.entries.filter((e) => e.type === E820.RAM && e.addr < 0xa0000).reduce((m, e) => Math.max(m, Math.min(e.end, 0xa0000)), 0)
  const biosStart = lowRamEnd || 0x9f000
  reserved.add(biosStart, 0x100000 - biosStart)
}
