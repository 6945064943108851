// JSON-plain result types: what the engine hands to the CLI (`--json`), the IPC
// contract and the views. Physical addresses and pfns are plain numbers (< 2^53);
// ranges are half-open [start, end) unless a field says otherwise.

export type Severity = 'error' | 'warning' | 'info'

/** A message about the input, located where possible (1-based line and column). */
export interface Diagnostic {
  severity: Severity
  message: string
  line?: number
  column?: number
  /** dotted path into the scenario, e.g. `firmware.ranges[3].size` */
  path?: string
}

/** `file:line:column: severity: message`, the form compilers use (and editors link). */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.line ? `${file}:${d.line}:${d.column ?? 1}: ` : `${file}: `
  return `${where}${d.severity}: ${d.message}`
}

export interface RegionReport {
  /** bytes, half-open */
  start: number
  end: number
  nid: number
  flags: string[]
}

export interface PfnRange {
  start: number
  end: number
}

export interface ZoneReport {
  name: string
  /** global zone boundary from `Zone ranges` (pfns); empty when start === end */
  lowestPfn: number
  highestPfn: number
}

export interface NodeZoneReport {
  name: string
  startPfn: number
  spannedPages: number
  presentPages: number
  absentPages: number
  /** calc_memmap_size() estimate of kernels <= 6.9 */
  memmapPagesEstimate: number
}

export interface NodeReport {
  nid: number
  startPfn: number
  endPfn: number
  spannedPages: number
  presentPages: number
  ranges: PfnRange[]
  zones: NodeZoneReport[]
}

export interface HoleReport {
  /** pfns, half-open */
  start: number
  end: number
  /** pfns of the hole that have a struct page (inside present sections) */
  validPages: number
  nid: number
  zone: string
  /** why the pfns are a hole: `gap`, `tail` (to the section end), `nomap`, `before-first-range` */
  kind: string
  /** the kernel function that initialises (and counts) these struct pages */
  by: string
}

export interface SectionSummary {
  pagesPerSection: number
  sectionSizeBits: number
  presentSections: number
  /** half-open runs of consecutive present section numbers */
  presentRuns: PfnRange[]
  memmapBytes: number
}

export interface Totals {
  presentPages: number
  spannedPages: number
  nomapPages: number
  holePagesWithStructPage: number
  pageSizeBytes: number
  /** present pages x page size, the second figure of `Memory: .../NK available` */
  memoryTotalKiB: number
}

export type { MemmapReport } from './memmap/index.ts'
import type { MemmapReport } from './memmap/index.ts'

export interface AnalysisReport {
  /** the validated scenario the analysis ran on (for logs: the one read from the log) */
  scenario: import('../scenario/scenario.ts').Scenario
  name: string
  kernel: string
  profile: string
  arch: string
  pageSizeBytes: number
  memblock: { memory: RegionReport[]; reserved: RegionReport[] }
  maxPfn: number
  zones: ZoneReport[]
  nodes: NodeReport[]
  holes: HoleReport[]
  sections: SectionSummary
  totals: Totals
  bootlog: string[]
  /** /sys/devices/system/memory at the end of boot (drivers/base/memory.c) */
  memoryBlocks: import('./memory-block.ts').MemoryBlocks
  /** /proc/vmstat counters the layout fixes (nr_memmap_boot_pages) */
  vmstat: import('./vmstat.ts').MemmapBootPages
  /** struct page arrays: placement, alignment, policies, costs and checks (null when not asked for) */
  memmap: MemmapReport | null
  warnings: string[]
}

export interface CheckReport {
  kernel: string
  profile: string
  arch: string
  checks: import('./memmap/types.ts').ReportedCheck[]
  passed: number
  /** failing checks of severity error or warning */
  failed: number
  /** unmet conditions of severity info (facts about the layout, not failures) */
  notes: number
}

export interface DiffLine {
  /** ' ' equal, '-' expected (kernel) only, '+' predicted only */
  op: ' ' | '-' | '+'
  text: string
}

export interface BootlogReport {
  kernel: string
  profile: string
  arch: string
  lines: string[]
  presentPages: number
  pageSizeKiB: number
  warnings: string[]
  /** present when the input was a log that carried the kernel's own lines */
  diff?: { equal: boolean; expectedLines: number; lines: DiffLine[] }
}
