// "Find pfn / address": which node, zone, section, memblock region and firmware range
// hold a physical address or pfn, and where its struct page lies in the memmap. Every
// answer comes from range lists the model already holds (binary search where a list is
// sorted, one pass over the firmware map, which is in any order): never per page.
//
// Kernel rules used:
//  - pfn = PHYS_PFN(addr) = addr >> PAGE_SHIFT; pfn_to_section_nr(pfn) = pfn >> PFN_SECTION_SHIFT
//    (include/linux/pfn.h, include/linux/mmzone.h)
//  - a boot section is present (SECTION_MARKED_PRESENT) and online (SECTION_IS_ONLINE, from
//    commit 2d070eab2e82 ("mm: consider zone which is not fully populated to have holes")
//    (in v4.13)) when memory_present() (mm/sparse.c) sees a memory range in it; its early nid
//    is the first range's (`if (!ms->section_mem_map)`); sparse_init_nid() gives it a
//    memmap (SECTION_HAS_MEM_MAP) and SECTION_IS_EARLY (commit f46edbd1b151
//    ("mm/sparsemem: Add helpers track active portions of a section at boot") (in v5.3))
//  - SPARSEMEM_VMEMMAP: __pfn_to_page(pfn) = vmemmap + pfn (include/asm-generic/memory_model.h),
//    i.e. pfn_to_page(0) + pfn · sizeof(struct page)
//  - classic SPARSEMEM: __section_mem_map_addr(__pfn_to_section(pfn)) + pfn, the section's
//    map allocated in its node's boot buffer (sparse_init_nid(), sparse_buffer_alloc())
//  - FLATMEM: mem_map + (pfn − ARCH_PFN_OFFSET), node_mem_map from alloc_node_mem_map()
//    (mm/mm_init.c), allocated from MAX_ORDER_NR_PAGES-aligned node start

import type { Model } from './model.ts'
import { flagNames, type Region } from './memblock.ts'
import { e820PrintType } from './e820.ts'
import { firstEndingAfter } from './sections.ts'
import { memmapPlacement, type MemmapPlacement } from './memmap/index.ts'
import { memmapRows } from './memmap/vmemmap.ts'
import { sectionFlags } from './memmap/sparse.ts'
import { sectionOwners } from './memmap/totals.ts'
import { rangeEnd } from '../scenario/scenario.ts'
import { bytesText, grouped, hex, hexPad, MAX_EXACT, memRange, parseSize, pfnRange } from './units.ts'

/** Ranges in a lookup are half-open [start, end): bytes for addresses, pfns for pfns. */
export interface LookupRange {
  start: number
  end: number
}

export interface LookupRegion extends LookupRange {
  /** index in memblock.memory / memblock.reserved (address order) */
  index: number
  nid: number
  flags: string[]
}

export interface LookupFirmware extends LookupRange {
  /** index in the scenario's firmware.map (as written) */
  index: number
  type: string
  /** scenario path, e.g. `firmware.map[3]` (for reveal-in-editor) */
  path: string
}

export interface LookupSection {
  nr: number
  /** pfns */
  startPfn: number
  endPfn: number
  present: boolean
  online: boolean
  early: boolean
  /** the section_mem_map flag bits this kernel sets on it at boot */
  flags: string[]
  /** the early nid memory_present() encodes (the first memory range in it); null when not present */
  nid: number | null
  /** index among present sections (address order); null when not present */
  presentIndex: number | null
}

export interface LookupStructPage {
  /** the memory model that places it */
  model: 'sparsemem-vmemmap' | 'sparsemem' | 'flatmem'
  /** false when the pfn has no struct page (pfn_valid() false) */
  exists: boolean
  /** virtual address (hex) when the base is known; null when it is placed at boot */
  address: string | null
  /** pfn_to_page(0) / vmemmap_base (hex) when known */
  base: string | null
  /**
   * bytes from the base: pfn · S from vmemmap (SPARSEMEM_VMEMMAP), from the start of the
   * section's map (SPARSEMEM) or of the node's node_mem_map (FLATMEM)
   */
  offset: number
  /** SPARSEMEM: the section map's offset in its node's boot buffer, and its physical address when known */
  bufferOffset: number | null
  phys: string | null
  /** the base is decided while booting (KASLR, s390, loongarch, memblock allocations) */
  placedAtBoot: boolean
  formula: string
  note: string
  ref: string
}

export interface LookupHole extends LookupRange {
  /** bytes: the gap between the memblock.memory regions around the address */
  kind: 'below-first-range' | 'gap' | 'above-last-range' | 'nomap'
  /** the memory regions either side (indexes), null at the ends */
  before: number | null
  after: number | null
  /** memmap_init() attribution when the hole's pfn has a struct page (init_unavailable_range()) */
  attribution: { kind: string; nid: number; zone: string; start: number; end: number } | null
}

/** What a hole is and where it lies, as `lookup` and the app's Find box print it. */
export function holeText(h: LookupHole): string {
  const what =
    h.kind === 'nomap'
      ? 'NOMAP memory (not in the linear map)'
      : h.kind === 'below-first-range'
        ? 'below the first memory range'
        : h.kind === 'above-last-range'
          ? 'above the last memory range'
          : `between memblock.memory[${h.before}] and [${h.after}]`
  return `${what}: ${h.kind === 'above-last-range' ? `from ${hexPad(h.start, 18)}` : memRange(h.start, h.end)}`
}

/** Who initialises a hole's struct pages (memmap_init() → init_unavailable_range()), or null. */
export function holeInit(h: LookupHole): string | null {
  const a = h.attribution
  return a ? `struct pages are initialised by memmap_init() as a ${a.kind} of node ${a.nid} zone ${a.zone}, ${pfnRange(a.start, a.end)}` : null
}

export interface LookupHit {
  query: string
  /** physical address asked for (a pfn query: its first byte) */
  address: number
  pfn: number
  offsetInPage: number
  /** max_pfn: the first pfn above memory */
  aboveMaxPfn: boolean
  /**
   * the node of the memory range holding the pfn, else of memmap_init()'s hole attribution,
   * else of a node span holding it; `inSpan` false when the pfn lies outside that node's span
   */
  node: { nid: number; startPfn: number; endPfn: number; inSpan: boolean; path: string | null } | null
  zone: { name: string; nid: number; startPfn: number; endPfn: number } | null
  /** the global `Zone ranges` entry (pfns) */
  zoneRange: { name: string; startPfn: number; endPfn: number } | null
  section: LookupSection | null
  memory: LookupRegion | null
  reserved: LookupRegion | null
  firmware: LookupFirmware[]
  /** x86: the e820 entry after the kernel's and the command line's edits */
  e820: (LookupRange & { type: string }) | null
  pfnValid: boolean
  structPage: LookupStructPage
  hole: LookupHole | null
}

export interface LookupError {
  query: string
  error: string
}

export type LookupResult = LookupHit | LookupError

export interface LookupReport {
  kernel: string
  arch: string
  pageSize: number
  structPageSize: number
  pagesPerSection: number
  maxPfn: number
  /** said once: how ranges are printed by lookupText() and kept in the JSON */
  legend: string
  results: LookupResult[]
}

export const LOOKUP_LEGEND = 'ranges print as the kernel does, [mem 0x%016llx-0x%016llx] and pfn [first-last], both ends inclusive; JSON keeps them half-open [start, end)'

/**
 * A query: a physical address (hex `0x…`, decimal, with an optional K/M/G/T suffix:
 * `0x100000000`, `4G`, `4294967296`) or a pfn (`pfn:0x100000`, `pfn=1048576`; no suffix).
 */
export function parseLookupQuery(text: string, pageSize: number): { address: number; pfn: number; byPfn: boolean } | { error: string } {
  const t = text.trim()
  const p = /^pfn\s*[:=]?\s*(.*)$/i.exec(t)
  if (p) {
    const m = /^(0x[0-9a-f]+|\d+)$/i.exec(p[1].replace(/_/g, ''))
    if (!m) return { error: `"${text}": a pfn is hex (0x…) or decimal, without a suffix` }
    const pfn = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : Number(m[1])
    if (!Number.isSafeInteger(pfn) || pfn * pageSize > MAX_EXACT) return { error: `"${text}": the pfn lies above 2^53 bytes` }
    return { address: pfn * pageSize, pfn, byPfn: true }
  }
  const a = parseSize(t)
  if (a === null) return { error: `"${text}": an address is hex (0x…) or decimal with an optional K, M, G or T suffix; a pfn is pfn:N` }
  if (a >= 2 ** 52) return { error: `"${text}": the address lies above 2^52 (4 PiB), beyond MAX_PHYSMEM_BITS of every supported architecture` }
  return { address: a, pfn: Math.floor(a / pageSize), byPfn: false }
}

/** The model's range lists prepared once for many lookups. */
export interface LookupIndex {
  m: Model
  placement: MemmapPlacement
  owners: { start: number; end: number; nid: number }[]
  /** present sections before each run of m.sections */
  presentBefore: number[]
  firmware: { start: number; end: number; type: string; index: number }[]
}

export function lookupIndex(m: Model): LookupIndex {
  const presentBefore: number[] = []
  let n = 0
  for (const s of m.sections) {
    presentBefore.push(n)
    n += s.end - s.start
  }
  const firmware = m.scenario.firmware.map.map((r, index) => ({ start: r.start, end: rangeEnd(r), type: r.type === 'other' && r.code !== undefined ? `type ${r.code}` : r.type, index }))
  return { m, placement: memmapPlacement(m, 0), owners: sectionOwners(m), presentBefore, firmware }
}

function inIntervals(list: readonly { start: number; end: number }[], at: number): number {
  const i = firstEndingAfter(list, at)
  return i < list.length && list[i].start <= at ? i : -1
}

function regionHit(regions: Region[], i: number): LookupRegion | null {
  const r = regions[i]
  return r ? { index: i, start: r.base, end: r.end, nid: r.nid, flags: flagNames(r.flags) } : null
}

export function lookup(ix: LookupIndex, query: string): LookupResult {
  const { m } = ix
  const q = parseLookupQuery(query, m.pageSize)
  if ('error' in q) return { query, error: q.error }
  const { address, pfn } = q

  // memblock: both types are sorted and disjoint
  const mi = firstEndingAfter(m.memory.regions, address)
  const memIdx = mi < m.memory.regions.length && m.memory.regions[mi].base <= address ? mi : -1
  const ri = firstEndingAfter(m.reserved.regions, address)
  const resIdx = ri < m.reserved.regions.length && m.reserved.regions[ri].base <= address ? ri : -1
  const memory = memIdx >= 0 ? regionHit(m.memory.regions, memIdx) : null

  // node and zone: the node of the memory range holding the pfn, else of a span holding it
  const rangeIdx = inIntervals(m.ranges, pfn)
  // one pass: memmap_init()'s holes follow its walk, which interleaved nodes need not keep sorted
  const holeIdx = m.holes.perHole.findIndex((h) => h.start <= pfn && pfn < h.end)
  const hole = holeIdx >= 0 ? m.holes.perHole[holeIdx] : null
  const nid = rangeIdx >= 0 ? m.ranges[rangeIdx].nid : hole ? hole.nid : (m.nodes.find((n) => n.start <= pfn && pfn < n.end)?.nid ?? null)
  const span = nid === null ? undefined : m.nodes.find((n) => n.nid === nid)
  const numaNodes = m.scenario.numa?.nodes ?? []
  const numaIdx = numaNodes.findIndex((n) => n.id === nid)
  const numaRange = numaIdx >= 0 ? numaNodes[numaIdx].ranges.findIndex((r) => r.start <= address && address < rangeEnd(r)) : -1
  const node = span
    ? {
        nid: span.nid,
        startPfn: span.start,
        endPfn: span.end,
        inSpan: span.start <= pfn && pfn < span.end,
        path: numaIdx < 0 ? null : numaRange >= 0 ? `numa.nodes[${numaIdx}].ranges[${numaRange}]` : `numa.nodes[${numaIdx}]`
      }
    : null
  const z = span?.zones.find((z) => z.spanned > 0 && z.start <= pfn && pfn < z.start + z.spanned)
  const zone = z && span ? { name: z.name, nid: span.nid, startPfn: z.start, endPfn: z.start + z.spanned } : null
  const b = m.bounds.find((b) => b.name !== 'Movable' && b.lowest <= pfn && pfn < b.highest)
  const zoneRange = b ? { name: b.name, startPfn: b.lowest, endPfn: b.highest } : null

  // section
  const sparse = m.config.memoryModel === 'sparsemem'
  const pps = m.pagesPerSection
  let section: LookupSection | null = null
  if (sparse) {
    const nr = Math.floor(pfn / pps)
    const si = inIntervals(m.sections, nr)
    const present = si >= 0
    const known = sectionFlags(m.version).names.filter((f) => f === 'SECTION_MARKED_PRESENT' || f === 'SECTION_HAS_MEM_MAP' || f === 'SECTION_IS_ONLINE' || f === 'SECTION_IS_EARLY')
    const oi = present ? inIntervals(ix.owners, nr) : -1
    section = {
      nr,
      startPfn: nr * pps,
      endPfn: (nr + 1) * pps,
      present,
      online: present && known.includes('SECTION_IS_ONLINE'),
      early: present && known.includes('SECTION_IS_EARLY'),
      flags: present ? known : [],
      nid: oi >= 0 ? ix.owners[oi].nid : null,
      presentIndex: present ? ix.presentBefore[si] + nr - m.sections[si].start : null
    }
  }

  const pfnValid = inIntervals(m.valid, pfn) >= 0
  const structPage = structPageOf(ix, pfn, pfnValid, section, nid)

  // the hole: between the memory regions around the address
  let holeHit: LookupHole | null = null
  const nomap = memory && memory.flags.includes('NOMAP')
  if (!memory || nomap) {
    const regs = m.memory.regions
    const before = memIdx >= 0 ? memIdx : mi - 1 >= 0 ? mi - 1 : null
    const after = memIdx >= 0 ? memIdx : mi < regs.length ? mi : null
    const kind: LookupHole['kind'] = nomap ? 'nomap' : before === null ? 'below-first-range' : after === null ? 'above-last-range' : 'gap'
    holeHit = {
      kind,
      start: nomap ? memory!.start : before === null ? 0 : regs[before].end,
      // above the last range the hole runs to the 2^52 limit of physical addresses
      end: nomap ? memory!.end : after === null ? 2 ** 52 : regs[after].base,
      before: nomap ? null : before,
      after: nomap ? null : after,
      attribution: hole ? { kind: hole.kind, nid: hole.nid, zone: m.zones[hole.zoneIndex], start: hole.start, end: hole.end } : null
    }
  }

  const fw = ix.firmware.filter((r) => r.start <= address && address < r.end).map((r) => ({ ...r, path: `firmware.map[${r.index}]` }))
  const e = m.e820?.entries.find((x) => x.addr <= address && address < x.end)
  return {
    query,
    address,
    pfn,
    offsetInPage: address - pfn * m.pageSize,
    aboveMaxPfn: pfn >= m.maxPfn,
    node,
    zone,
    zoneRange,
    section,
    memory,
    reserved: resIdx >= 0 ? regionHit(m.reserved.regions, resIdx) : null,
    firmware: fw,
    e820: e ? { start: e.addr, end: e.end, type: e820PrintType(e.type) } : null,
    pfnValid,
    structPage,
    hole: holeHit
  }
}

function structPageOf(ix: LookupIndex, pfn: number, valid: boolean, section: LookupSection | null, nid: number | null): LookupStructPage {
  const { m, placement } = ix
  const S = m.config.structPageSize
  const arch = m.scenario.arch
  const noPage = valid ? '' : 'pfn_valid() is false: this pfn has no struct page; '
  if (m.config.memoryModel === 'flatmem') {
    // FLATMEM: pfn_to_page() = mem_map + (pfn − ARCH_PFN_OFFSET); node_mem_map starts at the
    // node start rounded down to MAX_ORDER_NR_PAGES (alloc_node_mem_map())
    const f = placement.flatmem?.find((x) => x.nid === (nid ?? x.nid) && x.startPfn <= pfn && pfn < x.endPfn) ?? placement.flatmem?.[0]
    const first = f?.startPfn ?? 0
    return {
      model: 'flatmem',
      exists: valid,
      address: null,
      base: null,
      offset: (pfn - first) * S,
      bufferOffset: null,
      phys: null,
      placedAtBoot: true,
      formula: `node_mem_map + (pfn − ${hex(first)}) × ${S}`,
      note: `${noPage}FLATMEM: node ${f?.nid ?? 0}'s node_mem_map is allocated from memblock at boot (alloc_node_mem_map()), so only the offset is known`,
      ref: 'alloc_node_mem_map() mm/mm_init.c; __pfn_to_page() include/asm-generic/memory_model.h'
    }
  }
  const base = placement.base
  // SPARSEMEM_VMEMMAP: the base is known (x86_64, arm64, riscv64, powerpc64) or set at boot (s390, loongarch64)
  if (base || arch === 's390' || arch === 'loongarch64') {
    const offset = pfn * S
    const kaslr = arch === 'x86_64' && (m.scenario.memmap?.kaslr ?? true)
    const addr = base ? BigInt(base.pfnToPage0) + BigInt(pfn) * BigInt(S) : null
    const where =
      arch === 's390'
        ? 's390 places vmemmap in its boot code (setup_kernel_memory_layout() arch/s390/boot/startup.c)'
        : arch === 'loongarch64'
          ? 'loongarch derives vmemmap from VMALLOC_END, read from the CPU at boot (arch/loongarch/include/asm/pgtable.h)'
          : kaslr
            ? `x86_64 KASLR (CONFIG_RANDOMIZE_MEMORY) moves vmemmap_base at boot in 1 GiB steps (kernel_randomize_memory() arch/x86/mm/kaslr.c): the address is for the engine's worst-aligned base ${base!.pfnToPage0}; the offset holds for any base`
            : ''
    return {
      model: 'sparsemem-vmemmap',
      exists: valid,
      address: addr === null ? null : '0x' + addr.toString(16),
      base: base?.pfnToPage0 ?? null,
      offset,
      bufferOffset: null,
      phys: null,
      placedAtBoot: addr === null || kaslr,
      formula: `vmemmap + pfn × sizeof(struct page) = ${base?.pfnToPage0 ?? 'vmemmap'} + ${hex(pfn)} × ${S}`,
      note: `${noPage}${where}`.replace(/; $/, ''),
      ref: '__pfn_to_page() include/asm-generic/memory_model.h (SPARSEMEM_VMEMMAP)'
    }
  }
  // classic SPARSEMEM: the section's own map in its node's boot buffer
  const offsetInSection = section ? (pfn - section.startPfn) * S : 0
  const row = section?.presentIndex !== null && section?.presentIndex !== undefined ? memmapRows(placement.plan, section.presentIndex, 1)[0] : undefined
  return {
    model: 'sparsemem',
    exists: valid,
    address: null,
    base: null,
    offset: offsetInSection,
    bufferOffset: row?.bufferOffset === null || row?.bufferOffset === undefined ? null : row.bufferOffset + offsetInSection,
    phys: row?.phys ? '0x' + (BigInt(row.phys) + BigInt(offsetInSection)).toString(16) : null,
    placedAtBoot: true,
    formula: `section_mem_map(section ${section?.nr ?? '?'}) + (pfn − ${hex(section?.startPfn ?? 0)}) × ${S}`,
    note: `${noPage}SPARSEMEM without VMEMMAP: each present section's map comes from its node's boot buffer (sparse_buffer_alloc()), placed by memblock at boot`,
    ref: '__section_mem_map_addr(), sparse_init_nid() mm/sparse.c'
  }
}

/** Look up each query against one model. */
export function lookupModel(m: Model, queries: string[]): LookupReport {
  const ix = lookupIndex(m)
  return {
    kernel: m.scenario.kernel,
    arch: m.scenario.arch,
    pageSize: m.pageSize,
    structPageSize: m.config.structPageSize,
    pagesPerSection: m.pagesPerSection,
    maxPfn: m.maxPfn,
    legend: LOOKUP_LEGEND,
    results: queries.map((q) => lookup(ix, q))
  }
}

const mem = memRange
const pfns = pfnRange

/** The report for people: one block per query, the legend said once at the top. */
export function lookupText(r: LookupReport): string {
  const out: string[] = [`${r.arch}, kernel ${r.kernel}, ${r.pageSize / 1024}K pages, sizeof(struct page) ${r.structPageSize}; ${r.legend.split(';')[0]}`]
  for (const x of r.results) {
    out.push('')
    if ('error' in x) {
      out.push(`${x.query}: ${x.error}`)
      continue
    }
    out.push(
      `${x.query}: address ${hexPad(x.address, 18)} = pfn ${hex(x.pfn)} (${grouped(x.pfn)})${x.offsetInPage ? ` + ${hex(x.offsetInPage)}` : ''}${x.address % 1024 === 0 ? `, at ${bytesText(x.address)}` : ''}`
    )
    const row = (k: string, v: string): void => void out.push(`  ${k.padEnd(18)} ${v}`)
    row(
      'node',
      x.node
        ? `${x.node.nid}, ${x.node.inSpan ? 'spanning' : "outside its span (memmap_init()'s hole attribution):"} ${pfns(x.node.startPfn, x.node.endPfn)}${x.node.path ? ` (${x.node.path})` : ''}`
        : 'none'
    )
    row('zone', x.zone ? `${x.zone.name} of node ${x.zone.nid}, spanning ${pfns(x.zone.startPfn, x.zone.endPfn)}` : x.zoneRange ? `none on this node (Zone ranges: ${x.zoneRange.name})` : 'none')
    if (x.section) {
      const s = x.section
      row(
        'section',
        `${grouped(s.nr)}, ${pfns(s.startPfn, s.endPfn)}: ${s.present ? [`present`, s.online ? 'online' : '', s.early ? 'early' : '', s.nid !== null ? `node ${s.nid}` : ''].filter(Boolean).join(', ') + ` (${s.flags.join('|')})` : 'not present (no memmap)'}`
      )
    } else row('section', 'none (FLATMEM)')
    row('memblock.memory', x.memory ? `[${x.memory.index}] ${mem(x.memory.start, x.memory.end)} node ${x.memory.nid}${x.memory.flags.length ? ' ' + x.memory.flags.join('|') : ''}` : 'none')
    row('memblock.reserved', x.reserved ? `[${x.reserved.index}] ${mem(x.reserved.start, x.reserved.end)}${x.reserved.flags.length ? ' ' + x.reserved.flags.join('|') : ''}` : 'none')
    if (x.firmware.length) for (const f of x.firmware) row(f.path, `${mem(f.start, f.end)} ${f.type}`)
    else row('firmware.map', 'none')
    if (x.e820) row('e820 (final)', `${mem(x.e820.start, x.e820.end)} ${x.e820.type}`)
    if (x.hole) {
      const a = holeInit(x.hole)
      row('hole', `${holeText(x.hole)}${a ? `; its ${a}` : ''}`)
    }
    if (x.aboveMaxPfn) row('max_pfn', `${hex(r.maxPfn)}: the pfn lies at or above it`)
    row('pfn_valid()', x.pfnValid ? 'true' : 'false')
    const sp = x.structPage
    if (!sp.exists) row('struct page', 'none: pfn_valid() is false')
    else if (sp.address) row('struct page', `${sp.address} = ${sp.formula} (offset ${bytesText(sp.offset)})`)
    else
      row(
        'struct page',
        `${sp.formula}: offset ${hex(sp.offset)} (${bytesText(sp.offset)})${sp.bufferOffset !== null ? `, at ${hex(sp.bufferOffset)} in the node's boot buffer` : ''}${sp.phys ? `, physical ${sp.phys}` : ''}; placed at boot`
      )
    if (sp.exists && sp.note) row('', sp.note)
  }
  return out.join('\n')
}
