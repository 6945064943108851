// Captures of a running machine's memory, told apart by content (or named by --from), and
// each importer that turns one into a scenario.

import { CAPTURE_KINDS, CAPTURE_TITLES, CaptureError, captureLines, isPromptLine, type CaptureKind, type ImportOptions, type Imported } from './capture.ts'
import { importFirmwareMemmap } from './firmware-memmap.ts'
import { importIomem } from './iomem.ts'
import { importKmemN, KMEM_N_HEADER } from './kmem-n.ts'
import { importLsmem } from './lsmem.ts'
import { importBundle, isMemblockListing, splitBundle } from './bundle.ts'
import { importMemblockDebugfs } from './memblock-debugfs.ts'

export { CAPTURE_KINDS, CAPTURE_TITLES, CaptureError, type CaptureKind, type ImportOptions, type Imported }

/** How far into a capture detection looks: its first lines decide. */
const SNIFF_LINES = 40

/** The capture kind of a text, from its first lines; null when it is none of them. */
export function detectCapture(source: string): CaptureKind | null {
  const head = source.slice(0, 64 * 1024)
  if (/^\s*\{\s*"memory"\s*:\s*\[/.test(head)) return 'lsmem'
  if (/^==> .+ <==\r?$/.test(head.trimStart().split('\n', 1)[0])) {
    const files = splitBundle(source)
    if (files) return isMemblockListing(files) ? 'memblock' : 'bundle'
  }
  let seen = 0
  for (const { text } of captureLines(head)) {
    if (!text.trim() || (isPromptLine(text) && !/^\s*\d/.test(text))) continue
    if (++seen > SNIFF_LINES) break
    const t = text.trim()
    if (/^Node \d+, zone +\S+$/.test(t)) return 'zoneinfo'
    if (KMEM_N_HEADER.test(t)) return 'kmem-n'
    if (/^(?:\/sys\/firmware\/memmap\/)?\d+\/(?:start|end|type):/.test(t)) return 'firmware-memmap'
    if (/^==> (?:.*\/)?(?:memory|reserved) <==$/.test(t) || /^(?:\S*\/)?(?:memory|reserved):\s*\d+: 0x[0-9a-f]+\.\.0x/i.test(t) || /^\d+: 0x[0-9a-f]+\.\.0x[0-9a-f]+/i.test(t)) return 'memblock'
    if (/^RANGE\s+.*\bBLOCK\b/.test(t) || /^RANGE\s+SIZE\s+STATE\b/.test(t)) return 'lsmem'
    if (/^[0-9a-f]+-[0-9a-f]+ : \S/i.test(text)) return 'iomem'
    // a boot log, a scenario or something else: not a capture
    if (seen >= 3) break
  }
  return null
}

/** A capture → a scenario, with what it cannot show. Throws CaptureError (located). */
export function importCapture(kind: CaptureKind, source: string, opts: ImportOptions = {}): Imported {
  switch (kind) {
    case 'iomem':
      return importIomem(source, opts)
    case 'firmware-memmap':
      return importFirmwareMemmap(source, opts)
    case 'memblock':
      return importMemblockDebugfs(source, opts)
    case 'lsmem':
      return importLsmem(source, opts)
    case 'kmem-n':
      return importKmemN(source, opts)
    case 'bundle':
      return importBundle(splitBundle(source) ?? [], opts, detectCapture, importCapture, logFacts)
    case 'zoneinfo':
      throw new CaptureError('/proc/zoneinfo is what the kernel computed, not a layout: compare it with a scenario, log or capture (memmap-workbench compare FILE zoneinfo)', 1, 1)
  }
}

/** The Linux version and command line a boot log prints (for a log among captures). */
function logFacts(source: string): { kernel: string | null; cmdline: string | null } {
  const kernel = /Linux version (\d\S*)/.exec(source)?.[1] ?? null
  const cmdline = /(?:Kernel command line|\] Command line|^Command line): (.*?)\r?$/m.exec(source)?.[1] ?? null
  return { kernel, cmdline }
}
