// What a file opened or dropped on the window is, by its content as the CLI tells it
// (inputKind() in src/shared/engine/index.ts, whose rules these are, kept equal by
// open-kind.spec.ts): a scenario opens in the editor; a capture (/proc/iomem, firmware
// memmap, memblock debugfs, lsmem -J, crash kmem -n, …) or a boot log goes through Import
// and becomes a new scenario. A `.json` file is a scenario unless its content is a capture
// (`lsmem -J` writes JSON). This module keeps the engine itself out of the page.
import { looksLikeLog } from '../../../shared/engine/dmesg.ts'
import { CAPTURE_TITLES, detectCapture, type CaptureKind } from '../../../shared/engine/import/index.ts'

export type OpenKind = { kind: 'scenario' } | { kind: 'log' } | { kind: 'capture'; capture: CaptureKind; title: string }

export function openKind(fileName: string, text: string): OpenKind {
  if (/\.ya?ml$/i.test(fileName)) return { kind: 'scenario' }
  const capture = detectCapture(text)
  if (capture) return { kind: 'capture', capture, title: CAPTURE_TITLES[capture] }
  if (/\.json$/i.test(fileName)) return { kind: 'scenario' }
  return /\.(log|txt|dmesg)$/i.test(fileName) || looksLikeLog(text) ? { kind: 'log' } : { kind: 'scenario' }
}

/** Files whose name says they are logs or captures: read up to the import limit, not the scenario one. */
export const LOG_FILE = /\.(log|txt|dmesg)$/i
