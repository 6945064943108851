// Which memory model (CONFIG_FLATMEM or CONFIG_SPARSEMEM) a logged kernel was built with,
// where its architecture leaves the choice to the config: the log never prints it, but
// some of its lines show it.
//  - riscv64: arch/riscv/Kconfig ARCH_FLATMEM_ENABLE def_bool !NUMA (a NUMA kernel is SPARSEMEM)
//  - 32-bit x86: arch/x86/Kconfig ARCH_FLATMEM_ENABLE for X86_32 && !NUMA, and mm/Kconfig's
//    choice defaults to SPARSEMEM only where ARCH_SPARSEMEM_DEFAULT (X86_64 || (NUMA &&
//    X86_32)): FLATMEM unless built with NUMA or SPARSEMEM_MANUAL. Before 5.15 a FLATMEM
//    kernel printed no hole message (facts.ts 'flatmem-hole-init') while a SPARSEMEM one
//    always has the x86 low holes (pfn 0, 0x9f-0x100) to count, so the log decides; from
//    5.15 both print one line per hole and differ only in a section tail.
import type { Arch } from '../scenario/scenario.ts'
import { ARCH_PRESETS } from './arch.ts'
import type { LineKind } from './bootlog.ts'
import { holds } from './facts.ts'
import type { KernelVersion } from './version.ts'

export interface LoggedMemoryModel {
  /** SPARSEMEM where the log shows it; null: the preset's default (FLATMEM) stands */
  memoryModel: 'sparsemem' | null
  /** the line that decided, for the report's `used` list */
  used: { what: string; line: number } | null
  /** said when the log cannot decide */
  warning: string | null
}

/**
 * The memory model of a `arch` kernel of `version` from its log: `expected`, the kernel's
 * layout lines by kind (the hole messages among them), and `numaLine`, the first line only
 * a NUMA kernel prints (build_zonelists()' "Fallback order for Node", "NUMA: "), or 0.
 */
export function loggedMemoryModel(arch: Arch, version: KernelVersion, expected: { kind: LineKind; line: number }[], numaLine: number): LoggedMemoryModel {
  const none: LoggedMemoryModel = { memoryModel: null, used: null, warning: null }
  // the arches whose Kconfig ties FLATMEM to !NUMA say so in their preset (numaDefaults)
  if (numaLine && ARCH_PRESETS[arch].numaDefaults?.memoryModel === 'sparsemem') return { memoryModel: 'sparsemem', used: { what: 'a NUMA kernel: SPARSEMEM', line: numaLine }, warning: null }
  if (arch !== 'x86') return none
  if (!holds('flatmem-hole-init', version)) {
    const hole = expected.find((e) => e.kind === 'holes')
    if (hole) return { memoryModel: 'sparsemem', used: { what: 'a hole message before 5.15: SPARSEMEM', line: hole.line }, warning: null }
    // the hole message comes with the node's setup (Initmem setup node): a log that has it
    // and no hole message is a FLATMEM kernel's; a log cut before it shows nothing, nor
    // does a kernel before the first hole message (facts.ts 'hole-message', 4.15)
    const initmem = expected.find((e) => e.kind === 'initmem')
    if (initmem && holds('hole-message', version)) return { memoryModel: null, used: { what: 'no hole message before 5.15: FLATMEM', line: initmem.line }, warning: null }
  }
  return {
    ...none,
    warning:
      'the log does not show whether this 32-bit x86 kernel is FLATMEM or SPARSEMEM: FLATMEM assumed (the i386 default without NUMA); from 5.15 both print the same hole lines unless memory ends inside a section — give config.memoryModel: sparsemem for a SPARSEMEM kernel'
  }
}
