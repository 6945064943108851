// Provenance: which lines of the scenario a figure element comes from, and which figure
// elements an entry of the scenario covers. The views' click-through both ways: a click
// on a region, zone, node, section or hole reveals its scenario line(s); the editor's
// cursor on a range entry marks the elements over that range.
//
// The rules follow how the kernel builds each thing from the firmware's description:
//  - memblock.memory: x86 e820__memblock_setup() adds E820_TYPE_RAM and
//    E820_TYPE_RESERVED_KERN entries; arm64 reserve_regions() (drivers/firmware/efi/efi-init.c)
//    adds every is_memory() descriptor and marks the !is_usable_memory() ones NOMAP;
//    early_init_dt_add_memory_arch() adds /memory, and /reserved-memory no-map regions are
//    marked NOMAP (memblock_mark_nomap() in __reserved_mem_reserve_reg())
//  - memblock.reserved: x86 e820__memblock_setup() reserves soft-reserved entries (and, in
//    4.18–4.19.8, every non-RAM entry and gap: profiles.ts x86ReserveE820Gaps), arm64
//    reserve_regions() ACPI reclaim memory, early_init_fdt_scan_reserved_mem() the DT
//    `reserved` ranges, arm64_memblock_init() the initrd
//  - nodes: numa_add_memblk() per SRAT memory affinity (numa.nodes[i].ranges); without a
//    NUMA description dummy_numa_init() (arch/x86/mm/numa.c) fakes node 0 over all memory
//  - zones: the arch's zone limits (zone_sizes_init(), arch/x86/mm/init.c; arm64
//    zone_sizes_init() with zone_dma_limit from dma-ranges/IORT), ZONE_MOVABLE from
//    movable_node/kernelcore= (find_zone_movable_pfns_for_nodes(), mm/mm_init.c)
//  - a section is present when memory_present() (mm/sparse.c) sees memory in it; holes are
//    what lies between memblock.memory regions (init_unavailable_range(), mm/mm_init.c)

import { efiIsMemory } from '../engine/efi.ts'
import { locatePaths } from './parse.ts'
import { rangeEnd, type Scenario } from './scenario.ts'

export type ScenarioPath = (string | number)[]

/** Bytes, half-open. */
export interface ByteRange {
  start: number
  end: number
}

/** What a figure element says about itself (its data-* attributes), numbers parsed. */
export interface FigureElement {
  /** the view that drew it: the NOMAP view's rows are in pfns, the map's bars in bytes */
  view: string
  kind: string
  start?: number
  end?: number
  nid?: number
  zone?: string
  /** map bars: memory, nomap, reserved, node, zone, hole… */
  style?: string
  /** the NOMAP view's rows: hole or nomap */
  range?: string
  /** section numbers: a map cell (first, end half-open) or a Sections & memmap row */
  firstSection?: number
  endSection?: number
  section?: number
  /** Costs: a PMEM namespace's name, a HugeTLB pool's page size */
  name?: string
  hugePageSize?: number
}

/** The geometry the views draw with (report.pageSizeBytes, report.sections.pagesPerSection). */
export interface Geometry {
  pageSize: number
  pagesPerSection: number
}

export interface Provenance {
  /** the scenario entries it comes from, the main one first; empty: none in the scenario */
  paths: ScenarioPath[]
  /** one sentence: why these (or why none) */
  why: string
}

function num(v: string | null): number | undefined {
  if (v === null || v === '') return undefined
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : Number(v)
  return Number.isFinite(n) ? n : undefined
}

/** A figure element from its attributes (`get('data-start')`…), or null for one that is not. */
export function figureElement(view: string, get: (name: string) => string | null): FigureElement | null {
  const kind = get('data-kind')
  if (!kind) return null
  return {
    view,
    kind,
    start: num(get('data-start')),
    end: num(get('data-end')),
    nid: num(get('data-nid')),
    zone: get('data-zone') ?? undefined,
    style: get('data-style') ?? undefined,
    range: get('data-range') ?? undefined,
    firstSection: num(get('data-first-section')),
    endSection: num(get('data-end-section')),
    section: num(get('data-section')),
    name: get('data-name') ?? undefined,
    hugePageSize: num(get('data-huge-page-size'))
  }
}

/** The bytes an element covers, or null (a card, a label, a policy column). */
export function elementRange(el: FigureElement, g: Geometry): ByteRange | null {
  const sectionBytes = g.pagesPerSection * g.pageSize
  if (el.firstSection !== undefined && el.endSection !== undefined) return { start: el.firstSection * sectionBytes, end: el.endSection * sectionBytes }
  if ((el.kind === 'section' || el.kind === 'section-row') && el.section !== undefined) return { start: el.section * sectionBytes, end: (el.section + 1) * sectionBytes }
  if (el.start === undefined || el.end === undefined || el.end <= el.start) return null
  // the NOMAP & holes view lists its ranges in pfns (memmap/policies.ts RangeRow)
  const unit = el.view === 'nomap' ? g.pageSize : 1
  return { start: el.start * unit, end: el.end * unit }
}

const overlaps = (a: ByteRange, b: ByteRange): boolean => a.start < b.end && b.start < a.end

type FirmwareEntry = Scenario['firmware']['map'][number]

/** The entry becomes memblock.memory (see the rules at the top). */
function isMemory(kind: Scenario['firmware']['kind'], r: FirmwareEntry): boolean {
  if (kind === 'e820') return r.type === 'usable' || r.type === 'reserved-kern'
  if (kind === 'dt') return r.type === 'memory' || r.type === 'no-map'
  return r.attrs ? efiIsMemory(r.attrs) : r.type === 'conventional' || r.type.startsWith('loader') || r.type.startsWith('boot')
}

/** The entry is memory the kernel does not use as RAM: e820 non-RAM, UEFI not conventional, DT no-map/reserved. */
function isReservation(kind: Scenario['firmware']['kind'], r: FirmwareEntry): boolean {
  if (kind === 'e820') return !isMemory(kind, r)
  if (kind === 'dt') return r.type === 'no-map' || r.type === 'reserved'
  // UEFI: what is_usable_memory() refuses (NOMAP), and ACPI reclaim memory, which
  // reserve_regions() memblock_reserve()s
  return r.type === 'acpi-reclaim' || !EFI_USABLE.includes(r.type)
}

const EFI_USABLE = ['loader-code', 'loader-data', 'boot-code', 'boot-data', 'conventional', 'persistent', 'acpi-reclaim']

interface Indexed {
  path: ScenarioPath
  range: ByteRange
  entry: FirmwareEntry
}

function firmwareOverlapping(s: Scenario, range: ByteRange): Indexed[] {
  const out: Indexed[] = []
  s.firmware.map.forEach((entry, i) => {
    const r = { start: entry.start, end: rangeEnd(entry) }
    if (overlaps(r, range)) out.push({ path: ['firmware', 'map', i], range: r, entry })
  })
  return out
}

/** Address order, and the entry holding the element's first byte first. */
function mainFirst(list: Indexed[], range: ByteRange): ScenarioPath[] {
  const sorted = [...list].sort((a, b) => a.range.start - b.range.start)
  const at = sorted.findIndex((x) => x.range.start <= range.start && range.start < x.range.end)
  if (at > 0) sorted.unshift(...sorted.splice(at, 1))
  return sorted.map((x) => x.path)
}

function updatesOverlapping(s: Scenario, range: ByteRange): ScenarioPath[] {
  const out: ScenarioPath[] = []
  s.firmware.updates?.forEach((u, i) => {
    if (overlaps({ start: u.start, end: rangeEnd(u) }, range)) out.push(['firmware', 'updates', i])
  })
  return out
}

/** kernelImage and initrd (arm64 adds them back to memory and reserves the initrd). */
function bootImages(s: Scenario, range: ByteRange): ScenarioPath[] {
  const out: ScenarioPath[] = []
  for (const key of ['kernelImage', 'initrd'] as const) {
    const v = s[key]
    if (v && overlaps({ start: v.start, end: v.start + v.size }, range)) out.push([key])
  }
  return out
}

function nodeIndex(s: Scenario, nid: number | undefined): number {
  return nid === undefined ? -1 : (s.numa?.nodes.findIndex((n) => n.id === nid) ?? -1)
}

function hasArg(s: Scenario, re: RegExp): boolean {
  return s.cmdline !== undefined && re.test(s.cmdline)
}

/** Where a zone's limit is set: a configuration line when the scenario has one, else `arch`. */
function zoneSource(s: Scenario, zone: string, range: ByteRange | null): Provenance {
  const cfg = s.config ?? {}
  if (zone === 'DMA') {
    if (s.arch === 'arm64' && s.firmware.dmaLimit !== undefined) return { paths: [['firmware', 'dmaLimit']], why: 'ZONE_DMA ends at the DMA limit (zone_dma_limit, arm64 zone_sizes_init())' }
    if (cfg.zoneDma !== undefined) return { paths: [['config', 'zoneDma'], ['arch']], why: 'CONFIG_ZONE_DMA and the arch preset set ZONE_DMA (zone_sizes_init())' }
  }
  if (zone === 'DMA32' && cfg.zoneDma32 !== undefined) return { paths: [['config', 'zoneDma32'], ['arch']], why: 'CONFIG_ZONE_DMA32 and the arch preset set ZONE_DMA32 (zone_sizes_init())' }
  if ((zone === 'HighMem' || zone === 'Normal') && cfg.lowmemLimit !== undefined)
    return { paths: [['config', 'lowmemLimit'], ['arch']], why: 'lowmem ends at the lowmem limit; above it is ZONE_HIGHMEM' }
  if (zone === 'Movable') {
    const hot: ScenarioPath[] = []
    s.numa?.nodes.forEach((n, i) =>
      n.ranges.forEach((r, j) => {
        if (r.hotplug && (!range || overlaps({ start: r.start, end: rangeEnd(r) }, range))) hot.push(['numa', 'nodes', i, 'ranges', j])
      })
    )
    const cmd: ScenarioPath[] = hasArg(s, /(^|\s)(movable_node|kernelcore=|movablecore=)/) ? [['cmdline']] : []
    return { paths: [...cmd, ...hot], why: 'ZONE_MOVABLE: hot-pluggable memory with movable_node, or kernelcore=/movablecore= (find_zone_movable_pfns_for_nodes())' }
  }
  if (zone === 'Device') {
    const pmem = (s.memmap?.pmem ?? []).map((_, i): ScenarioPath => ['memmap', 'pmem', i])
    return { paths: pmem, why: 'ZONE_DEVICE holds the PMEM namespaces (memremap_pages())' }
  }
  return { paths: [['arch']], why: `ZONE_${zone.toUpperCase()}'s limits come from the architecture (zone_sizes_init())` }
}

function fallback(s: Scenario, range: ByteRange, why: string): Provenance {
  const upd = updatesOverlapping(s, range)
  if (upd.length) return { paths: upd, why: 'from the e820 updates the kernel made (e820__range_update())' }
  const img = bootImages(s, range)
  if (img.length) return { paths: img, why: 'arm64_memblock_init() adds the kernel image and the initrd back to memory' }
  if (hasArg(s, /(^|\s)(mem|memmap)=/)) return { paths: [['cmdline']], why: 'from mem=/memmap= on the command line (parse_memmap_opt(), early_mem())' }
  return { paths: [], why }
}

function regionSource(s: Scenario, range: ByteRange, nomap: boolean): Provenance {
  const kind = s.firmware.kind
  const mem = firmwareOverlapping(s, range).filter((x) => isMemory(kind, x.entry))
  if (!mem.length) return fallback(s, range, 'no firmware entry of this range is memory')
  // a NOMAP region: the entries that make it NOMAP first (not usable UEFI memory, DT no-map)
  const first = nomap ? mem.filter((x) => (kind === 'dt' ? x.entry.type === 'no-map' : isReservation(kind, x.entry))) : []
  const paths = [...mainFirst(first, range), ...mainFirst(mem, range).filter((p) => !first.some((f) => f.path === p))]
  return { paths, why: nomap ? 'NOMAP memory: firmware memory the kernel does not map' : 'memblock.memory comes from the firmware map' }
}

function reservedSource(s: Scenario, range: ByteRange): Provenance {
  const res = firmwareOverlapping(s, range).filter((x) => isReservation(s.firmware.kind, x.entry))
  const img = bootImages(s, range)
  if (!res.length && !img.length) return { paths: [], why: "a reservation of the kernel's own (e.g. trim_low_memory_range(), reserve_bios_regions()), not a scenario line" }
  return { paths: [...mainFirst(res, range), ...img], why: 'memblock.reserved from the firmware map' }
}

function holeSource(s: Scenario, range: ByteRange): Provenance {
  const kind = s.firmware.kind
  const inside = firmwareOverlapping(s, range)
  if (inside.length) {
    // what makes the hole first: the non-memory entries over it
    const res = inside.filter((x) => !isMemory(kind, x.entry))
    const mem = inside.filter((x) => isMemory(kind, x.entry))
    return { paths: [...mainFirst(res, range), ...mainFirst(mem, range)], why: 'the firmware entries over the hole' }
  }
  // a gap in the firmware map: the entries either side of it
  let below: Indexed | null = null
  let above: Indexed | null = null
  const map = s.firmware.map
  for (let i = 0; i < map.length; i++) {
    const r = { start: map[i].start, end: rangeEnd(map[i]) }
    if (r.end <= range.start && (!below || r.end > below.range.end)) below = { path: ['firmware', 'map', i], range: r, entry: map[i] }
    if (r.start >= range.end && (!above || r.start < above.range.start)) above = { path: ['firmware', 'map', i], range: r, entry: map[i] }
  }
  const around = [below, above].flatMap((x) => (x ? [x.path] : []))
  return { paths: around, why: 'a gap in the firmware map: the entries either side of it' }
}

function sectionSource(s: Scenario, range: ByteRange): Provenance {
  const all = firmwareOverlapping(s, range)
  const mem = all.filter((x) => isMemory(s.firmware.kind, x.entry))
  if (!all.length) return fallback(s, range, 'no firmware entry lies in this section')
  return { paths: mainFirst(mem.length ? mem : all, range), why: 'memory_present() marks a section present for the memory in it' }
}

function indexWhere<T>(list: readonly T[] | undefined, ok: (x: T) => boolean): number {
  return list ? list.findIndex(ok) : -1
}

/** The scenario entries a figure element comes from. */
export function provenanceOf(s: Scenario, el: FigureElement, g: Geometry): Provenance {
  const range = elementRange(el, g)
  const none: Provenance = { paths: [], why: '' }
  const k = el.kind
  if (range && (k === 'region' || (k === 'range' && el.range === 'nomap'))) return regionSource(s, range, k === 'range' || el.style === 'nomap')
  if (range && k === 'reserved') return reservedSource(s, range)
  if (range && (k === 'hole' || k === 'range')) return holeSource(s, range)
  if (range && (k === 'sections' || k === 'section' || k === 'section-row')) return sectionSource(s, range)
  if (k === 'node' || k === 'kmsan') {
    const i = nodeIndex(s, el.nid)
    if (i >= 0) return { paths: [['numa', 'nodes', i]], why: `node ${el.nid}'s memory affinity (numa_add_memblk())` }
    return { paths: [], why: 'without a numa section the kernel fakes node 0 over all memory (dummy_numa_init())' }
  }
  if ((k === 'zone' || k === 'contiguity') && el.zone) return zoneSource(s, el.zone, range)
  if (k === 'pmem') {
    const i = indexWhere(s.memmap?.pmem, (p) => p.name === el.name)
    return i >= 0 ? { paths: [['memmap', 'pmem', i]], why: 'the PMEM namespace' } : none
  }
  if (k === 'hvo' || k === 'hvo-pool') {
    const i = indexWhere(s.hugetlb, (h) => h.size === el.hugePageSize)
    return i >= 0 ? { paths: [['hugetlb', i]], why: 'the HugeTLB pool' } : none
  }
  return none
}

// ---- lines ---------------------------------------------------------------------------

export interface LineSpan {
  /** 1-based, inclusive */
  startLine: number
  endLine: number
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length
}

/**
 * The lines of the entry that starts on `line`: the line itself and the lines after it
 * indented deeper (a block mapping item), blank and comment lines inside; a JSON object's
 * closing bracket at the entry's own indentation too.
 */
export function entrySpan(lines: readonly string[], line: number): LineSpan {
  const first = lines[line - 1] ?? ''
  const ind = indentOf(first)
  // a line that opens no block (a one-line flow entry, `key: value`) is the whole entry
  let end = line
  for (let i = line; i < lines.length; i++) {
    const t = lines[i]
    const trimmed = t.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    if (indentOf(t) > ind) end = i + 1
    else {
      // JSON: `{` … `}` with the closing bracket at the entry's indentation
      if (indentOf(t) === ind && /^[}\]]/.test(trimmed) && /[{[]\s*$/.test(first)) end = i + 1
      break
    }
  }
  return { startLine: line, endLine: end }
}

/** The lines of each path (in order), null for a path the text does not hold. */
export function pathSpans(text: string, paths: readonly ScenarioPath[]): (LineSpan | null)[] {
  if (!paths.length) return []
  const at = locatePaths(text, paths)
  const lines = text.split('\n')
  return at.map((p) => (p ? entrySpan(lines, p.line) : null))
}

/** `firmware.map[3]` (a lookup's path, a diagnostic's) → ['firmware', 'map', 3]. */
export function parsePath(s: string): ScenarioPath {
  const out: ScenarioPath = []
  for (const m of s.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1])
  return out
}

// ---- the other way: the entry under the cursor and what it covers ------------------------

/** A range entry of the scenario, where it is written and the bytes it describes. */
export interface LinkedEntry {
  path: ScenarioPath
  line: number
  column: number
  endLine: number
  ranges: ByteRange[]
  /** the entry holding this one (a node for its ranges), as an index into the list */
  parent: number
}

export interface EntryIndex {
  /** in text order */
  entries: LinkedEntry[]
}

/**
 * Every range entry of the scenario (firmware.map, firmware.updates, numa.nodes and their
 * ranges, memmap.pmem, kernelImage, initrd) located in one read of the text.
 */
export function entryIndex(text: string, s: Scenario): EntryIndex {
  const found: { path: ScenarioPath; ranges: ByteRange[]; parentPath: ScenarioPath | null }[] = []
  const r = (start: number, end: number): ByteRange => ({ start, end })
  s.firmware.map.forEach((e, i) => found.push({ path: ['firmware', 'map', i], ranges: [r(e.start, rangeEnd(e))], parentPath: null }))
  s.firmware.updates?.forEach((e, i) => found.push({ path: ['firmware', 'updates', i], ranges: [r(e.start, rangeEnd(e))], parentPath: null }))
  s.numa?.nodes.forEach((n, i) => {
    const node: ScenarioPath = ['numa', 'nodes', i]
    found.push({ path: node, ranges: n.ranges.map((x) => r(x.start, rangeEnd(x))), parentPath: null })
    n.ranges.forEach((x, j) => found.push({ path: ['numa', 'nodes', i, 'ranges', j], ranges: [r(x.start, rangeEnd(x))], parentPath: node }))
  })
  s.memmap?.pmem?.forEach((p, i) => found.push({ path: ['memmap', 'pmem', i], ranges: [r(p.start, p.start + p.size)], parentPath: null }))
  for (const key of ['kernelImage', 'initrd'] as const) {
    const v = s[key]
    if (v) found.push({ path: [key], ranges: [r(v.start, v.start + v.size)], parentPath: null })
  }
  const at = locatePaths(
    text,
    found.map((f) => f.path)
  )
  const lines = text.split('\n')
  const located = found.flatMap((f, i) => {
    const p = at[i]
    return p ? [{ ...f, line: p.line, column: p.column, endLine: entrySpan(lines, p.line).endLine }] : []
  })
  located.sort((a, b) => a.line - b.line || a.column - b.column)
  const key = (p: ScenarioPath): string => p.join('\u0000')
  const byPath = new Map(located.map((e, i) => [key(e.path), i]))
  return {
    entries: located.map((e) => ({
      path: e.path,
      line: e.line,
      column: e.column,
      endLine: e.endLine,
      ranges: e.ranges,
      parent: e.parentPath ? (byPath.get(key(e.parentPath)) ?? -1) : -1
    }))
  }
}

/** The entry the cursor is in (the innermost: a node's range before the node), or null. */
export function entryAt(ix: EntryIndex, line: number, column: number): LinkedEntry | null {
  const list = ix.entries
  // the last entry starting at or before the cursor
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid].line < line || (list[mid].line === line && list[mid].column <= column)) lo = mid + 1
    else hi = mid
  }
  // a cursor before an entry's first character on the entry's own line (its `- `) is in it
  let i = lo - 1
  if (lo < list.length && list[lo].line === line && (i < 0 || list[i].line !== line)) i = lo
  for (let e = list[i]; e; e = list[e.parent]) {
    if (e.line <= line && line <= e.endLine) return e
    if (e.parent < 0) break
  }
  return null
}

/** The element covers bytes of the entry. */
export function covers(entryRanges: readonly ByteRange[], el: ByteRange): boolean {
  return entryRanges.some((r) => overlaps(r, el))
}
