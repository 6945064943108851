// What every importer shares: the kinds of capture, the result (a scenario plus what the
// capture could not show), located errors, and a linear line reader.

import { atLine } from '../progress.ts'
import type { Arch, Scenario } from '../../scenario/scenario.ts'
import { stripAppliedCmdline } from '../dmesg.ts'

/** Where a machine describes its memory, besides a boot log. */
export const CAPTURE_KINDS = ['iomem', 'firmware-memmap', 'memblock', 'lsmem', 'zoneinfo', 'kmem-n', 'bundle'] as const
export type CaptureKind = (typeof CAPTURE_KINDS)[number]

export const CAPTURE_TITLES: Record<CaptureKind, string> = {
  iomem: '/proc/iomem',
  'firmware-memmap': '/sys/firmware/memmap',
  memblock: 'memblock debugfs (/sys/kernel/debug/memblock)',
  lsmem: 'lsmem',
  zoneinfo: '/proc/zoneinfo',
  'kmem-n': 'crash kmem -n',
  bundle: 'several captures (head-style ==> NAME <== sections, or a directory)'
}

export interface ImportOptions {
  kernel?: string
  arch?: Arch
  pageSize?: number
  /** the capture's file name: `memory`/`reserved` tell memblock debugfs files apart */
  fileName?: string
  /** the kernel's command line (/proc/cmdline), which no capture but a log shows */
  cmdline?: string
}

/** A capture turned into a scenario, with what it could not show said once each. */
export interface Imported {
  kind: CaptureKind
  scenario: Scenario
  /** what the capture does not show and what was assumed instead */
  unknowns: string[]
}

export class CaptureError extends Error {
  constructor(
    message: string,
    readonly line: number = 1,
    readonly column: number = 1
  ) {
    super(message)
  }
}

export interface Line {
  /** 1-based */
  no: number
  text: string
}

/** The lines of a capture, `\r` and trailing white space dropped; linear in the input. */
export function* captureLines(source: string): Generator<Line> {
  let at = 0
  let no = 0
  const n = source.length
  try {
    while (at <= n) {
      let nl = source.indexOf('\n', at)
      if (nl < 0) nl = n
      no++
      // where a host's deadline finds the importer (progress.ts)
      atLine(no)
      let end = nl
      while (end > at && (source.charCodeAt(end - 1) === 13 || source.charCodeAt(end - 1) === 32 || source.charCodeAt(end - 1) === 9)) end--
      yield { no, text: source.slice(at, end) }
      at = nl + 1
    }
  } finally {
    // read, or the reader stopped early (a loop's break): what follows is no line's
    atLine(0)
  }
}

/** A shell prompt or command line pasted with the capture (`$ cat /proc/iomem`, `# lsmem`). */
export function isPromptLine(text: string): boolean {
  return /^\s*(?:[$#>]|\S+@\S+[:\s].*[$#])\s*\S/.test(text) || /^\s*(?:sudo\s+)?(?:cat|grep|lsmem|head|tail|crash>?)\b/.test(text) || /^\s*crash>/.test(text)
}

/** A hexadecimal number with or without 0x, or null. */
export function hex(text: string): number | null {
  const m = /^(?:0x)?([0-9a-f]+)$/i.exec(text)
  if (!m) return null
  const v = parseInt(m[1], 16)
  return Number.isSafeInteger(v) ? v : null
}

/** The kernel version for a capture that does not show it: given, or the stated assumption. */
export const ASSUMED_KERNEL = '6.12'

export function kernelFor(opts: ImportOptions, unknowns: string[], what: string): string {
  if (opts.kernel) return opts.kernel
  unknowns.push(`kernel version: ${what} does not show it; ${ASSUMED_KERNEL} assumed (give --kernel, or edit \`kernel:\`)`)
  return ASSUMED_KERNEL
}

/**
 * The command line for a scenario built from a map the kernel kept: `mem=` and `memmap=`
 * are already applied there (stripAppliedCmdline()); kernelcore=, movablecore=,
 * movable_node and hugepages= still act.
 */
export function cmdlineFor(opts: ImportOptions, unknowns: string[], what: string): { cmdline?: string } {
  if (opts.cmdline === undefined) {
    unknowns.push(`kernel command line: ${what} does not show it (kernelcore=, movablecore=, movable_node, hugepages= change zones and pools); give --cmdline "$(cat /proc/cmdline)"`)
    return {}
  }
  const kept = stripAppliedCmdline(opts.cmdline)
  if (kept.trim() !== opts.cmdline.trim()) unknowns.push(`mem=/memmap= dropped from the command line: ${what} already reflects them`)
  return kept.trim() ? { cmdline: kept.trim() } : {}
}

export const hx = (v: number): string => '0x' + v.toString(16)
