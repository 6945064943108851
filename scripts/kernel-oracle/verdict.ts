/**
 * One recorded boot against the engine, the same way for the committed fixtures
 * (tests/oracle-versions.spec.ts) and fresh batches (`npm run oracle`):
 *  - dmesg: the initramfs's `dmesg` (every log level, what users paste) must give every
 *    layout line byte for byte, compared as printed (no re-spacing);
 *  - console: the serial console's boot log likewise, except what no console can show
 *    (unknown-inputs below), which the engine must then name in a warning;
 *  - state: the engine's analysis of the dmesg against the kernel's computed state.
 */
import { analyzeSource, bootlogSource, type InputOptions } from '../../src/shared/engine/index.ts'
import { compareState } from './compare-state.ts'
import type { KernelState } from './state.ts'
import { bootPart, dmesgPart } from './state.ts'

export interface LogVerdict {
  exact: boolean
  /** the differing lines (`+` engine, `-` kernel) or why there is no diff */
  detail: string[]
  warnings: string[]
}

export interface BootVerdict {
  dmesg: LogVerdict | null
  console: LogVerdict
  /** the input the console lacks and the engine said it lacks, when that excuses the console */
  consoleUnknown: string | null
  /** what no log shows, named by the engine, and then supplied from the kernel's state */
  unknown: { what: string; facts: InputOptions['facts'] } | null
  state: string[]
}

/**
 * arm64 with mem= and an initrd: arm64_memblock_init() adds the kernel image and the
 * initrd back to memory. The engine finds the image in the UEFI map's Loader Code
 * regions (efiKernelImage()); where the initrd is, no log says. The kernel's own view
 * does: it is the `System RAM` resource of about the size "Freeing initrd memory"
 * printed, other than the one holding `Kernel code`. Only the initrd is supplied.
 */
const ARM64_MEM_INITRD = /adds it back to memory after mem= cut it away/
function arm64Facts(log: string, state: KernelState): NonNullable<InputOptions['facts']> {
  const ram = state.iomem.filter((e) => e.depth === 0 && e.name === 'System RAM')
  const code = state.iomem.find((e) => e.name === 'Kernel code')
  const image = code && ram.find((r) => r.start <= code.start && code.last <= r.last)
  const kib = /Freeing initrd memory: (\d+)K/.exec(log)
  // the freed size rounds inwards, the added-back range outwards to whole pages
  const initrd = kib && ram.find((r) => r !== image && Math.abs(r.last - r.start + 1 - Number(kib[1]) * 1024) <= 2 * 65536)
  return initrd ? { initrd: { start: initrd.start, size: initrd.last - initrd.start + 1 } } : {}
}

/** Inputs a console may not show; each with the warning that must then name it. */
export const UNKNOWN_INPUTS: readonly { what: string; shows: RegExp; warning: RegExp }[] = [
  {
    what: 'the kernel image range (KASLR put it in a firmware hole; "e820: remove" is KERN_DEBUG)',
    shows: /\.text \.data \.bss are not marked as E820_TYPE_RAM!/,
    warning: /kernel image .* lies outside e820 RAM/
  }
]

export function logVerdict(source: string, name: string, facts?: InputOptions['facts']): LogVerdict {
  const r = bootlogSource(source, name, facts ? { facts } : {})
  if (!r.ok) return { exact: false, detail: r.diagnostics.map((d) => d.message), warnings: [] }
  const d = r.report.diff
  if (!d) return { exact: false, detail: ['no diff'], warnings: r.report.warnings }
  return { exact: d.equal, detail: d.lines.filter((l) => l.op !== ' ').map((l) => `${l.op} ${l.text}`), warnings: r.report.warnings }
}

export function bootVerdict(log: string, state: KernelState, name: string): BootVerdict {
  const dmesg = dmesgPart(log)
  const consoleLog = bootPart(log)
  // what no log shows: the engine must name it; the checks then run with it supplied
  const plain = logVerdict(dmesg ?? consoleLog, `${name}.dmesg`)
  const unknown = plain.warnings.some((w) => ARM64_MEM_INITRD.test(w)) ? { what: 'the arm64 initrd added back after mem=', facts: arm64Facts(log, state) } : null
  const facts = unknown?.facts
  const console = logVerdict(consoleLog, `${name}.console`, facts)
  let consoleUnknown: string | null = null
  if (!console.exact) for (const u of UNKNOWN_INPUTS) if (u.shows.test(consoleLog) && console.warnings.some((w) => u.warning.test(w))) consoleUnknown = u.what
  const a = analyzeSource(dmesg ?? consoleLog, `${name}.log`, facts ? { facts } : {})
  return {
    dmesg: dmesg === null ? null : facts ? logVerdict(dmesg, `${name}.dmesg`, facts) : plain,
    console,
    consoleUnknown,
    unknown,
    state: a.ok ? compareState(a.report, state).mismatches : a.diagnostics.map((d) => `analyze: ${d.message}`)
  }
}

/** Every problem of a verdict, one line each; empty when the boot passes. */
export function problems(v: BootVerdict): string[] {
  const out: string[] = []
  if (!v.dmesg) out.push('dmesg: the fixture has no dmesg section')
  else if (!v.dmesg.exact || v.dmesg.warnings.some((w) => /folded/.test(w))) out.push(...v.dmesg.detail.map((l) => `dmesg: ${l}`), ...(v.dmesg.exact ? ['dmesg: compared after re-spacing'] : []))
  if (!v.console.exact && !v.consoleUnknown) out.push(...v.console.detail.map((l) => `console: ${l}`))
  out.push(...v.state.map((m) => `state: ${m}`))
  return out
}
