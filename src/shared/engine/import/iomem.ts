// /proc/iomem: the resource tree kernel/resource.c r_show() prints, one resource a line,
// "%*s%0*llx-%0*llx : %s" indented two spaces per level. Which resources describe memory
// depends on the architecture that registered them:
//  - x86: e820__reserve_resources() (arch/x86/kernel/e820.c) inserts one resource per
//    entry of e820_table, the kernel's table after trim_bios_range(), memmap= and mem=,
//    named by e820_type_to_string(); insert_resource() may nest an entry under a PCI
//    window. Other entries (ROMs, "RAM buffer", PCI, APICs) are not memory.
//  - arm64: request_standard_resources() (arch/arm64/kernel/setup.c) registers every
//    memblock.memory region at the top level: "System RAM", or "reserved" when the
//    region is NOMAP; memblock.reserved and the kernel image become its children.
//  - riscv: init_resources() (arch/riscv/kernel/setup.c) likewise, NOMAP as "Reserved".

import type { FirmwareRange, Scenario } from '../../scenario/scenario.ts'
import type { Arch } from '../../scenario/scenario.ts'
import { CaptureError, captureLines, cmdlineFor, hex, isPromptLine, kernelFor, type ImportOptions, type Imported } from './capture.ts'

export interface IomemResource {
  start: number
  /** inclusive, as printed */
  last: number
  name: string
  depth: number
  line: number
}

const RESOURCE = /^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) +: ?(.*)$/

/** Every resource in the order printed; prompts and blank lines are skipped. */
export function parseIomem(source: string): IomemResource[] {
  const out: IomemResource[] = []
  for (const { no, text } of captureLines(source)) {
    if (!text.trim()) continue
    const m = RESOURCE.exec(text.replace(/\t/g, '  '))
    if (!m) {
      if (isPromptLine(text) && !out.length) continue
      throw new CaptureError(`not a /proc/iomem line (expected "start-end : name"): ${text.slice(0, 80)}`, no, 1)
    }
    const start = hex(m[2])
    const last = hex(m[3])
    if (start === null || last === null) throw new CaptureError(`address beyond 2^53: ${m[2]}-${m[3]}`, no, m[1].length + 1)
    if (last < start) throw new CaptureError(`the resource ends (0x${m[3]}) before it starts (0x${m[2]})`, no, m[1].length + 1)
    out.push({ start, last, name: m[4].trim(), depth: Math.floor(m[1].length / 2), line: no })
  }
  return out
}

/** e820_type_to_string() (arch/x86/kernel/e820.c) read backwards; before v4.16 "reserved". */
export const E820_NAMES: Record<string, FirmwareRange['type']> = {
  'System RAM': 'usable',
  Reserved: 'reserved',
  reserved: 'reserved',
  'ACPI Tables': 'acpi-data',
  'ACPI Non-volatile Storage': 'acpi-nvs',
  'Unusable memory': 'unusable',
  'Persistent Memory (legacy)': 'pram',
  'Persistent Memory': 'pmem',
  'Soft Reserved': 'soft-reserved',
  'Unknown E820 type': 'other'
}

/** Resources only x86 registers (probe_roms(), e820__reserve_resources_late(), APIC, HPET, MMCONFIG). */
const X86_ONLY = /^(System ROM|Video ROM|Adapter ROM|Video RAM area|ACPI Tables|ACPI Non-volatile Storage|RAM buffer|PCI MMCONFIG|IOAPIC|HPET|Local APIC|dmar\d)/
/** arm64: NOMAP memory as lowercase "reserved" at the top level, and its platform devices */
const ARM64_ONLY = /^(ARMH|LNRO|PCI ECAM|GICD|GICR|arm-smmu|QEMU0002)/

function archOf(rs: readonly IomemResource[], opts: ImportOptions, unknowns: string[]): Arch {
  if (opts.arch) return opts.arch
  const x86 = rs.find((r) => X86_ONLY.test(r.name)) ?? rs.find((r) => r.start === 0 && r.last === 0xfff && r.name === 'Reserved')
  if (x86) {
    unknowns.push(`architecture: x86_64 from line ${x86.line} (${x86.name}); give --arch x86 for a 32-bit kernel`)
    return 'x86_64'
  }
  const arm = rs.find((r) => ARM64_ONLY.test(r.name) || (r.depth === 0 && r.name === 'reserved'))
  if (arm) {
    unknowns.push(`architecture: arm64 from line ${arm.line} (${arm.name})`)
    return 'arm64'
  }
  throw new CaptureError('cannot tell the architecture from this /proc/iomem (no x86 ROM/e820 entries, no arm64 devices): give --arch', 1, 1)
}

export function importIomem(source: string, opts: ImportOptions = {}): Imported {
  const rs = parseIomem(source)
  if (!rs.length) throw new CaptureError('empty /proc/iomem: nothing describes memory', 1, 1)
  if (rs.every((r) => r.start === 0 && r.last === 0)) throw new CaptureError('every address is 0: /proc/iomem was read without CAP_SYS_ADMIN; read it as root', rs[0].line, 1)
  const unknowns: string[] = []
  const arch = archOf(rs, opts, unknowns)
  const map: FirmwareRange[] = []
  let scenario: Scenario
  if (arch === 'x86_64' || arch === 'x86') {
    // an e820 entry is the outermost e820-named resource: insert_resource() may nest it
    // in a PCI window, and nothing e820-named sits inside another
    const stack: { depth: number; e820: boolean }[] = []
    let unknownTypes = 0
    for (const r of rs) {
      while (stack.length && stack[stack.length - 1].depth >= r.depth) stack.pop()
      const type = E820_NAMES[r.name]
      const inside = stack.some((s) => s.e820)
      stack.push({ depth: r.depth, e820: type !== undefined })
      if (type === undefined || inside) continue
      if (type === 'other') unknownTypes++
      map.push({ start: r.start, last: r.last, type, ...(type === 'other' ? { code: 0 } : {}), comment: `line ${r.line}: ${r.name}` })
    }
    if (unknownTypes) unknowns.push(`${unknownTypes} "Unknown E820 type" entries: their type numbers are not shown (taken as type 0, not RAM)`)
    if (!map.some((r) => r.type === 'usable')) throw new CaptureError('no "System RAM" in this /proc/iomem: nothing describes memory', 1, 1)
    unknowns.push('the e820 table as the kernel kept it (after trim_bios_range(), memmap= and mem=): the BIOS map and the command line are not shown')
    scenario = { name: 'imported /proc/iomem', kernel: kernelFor(opts, unknowns, '/proc/iomem'), arch, firmware: { kind: 'e820', map }, ...cmdlineFor(opts, unknowns, '/proc/iomem') }
  } else {
    // memblock.memory regions as registered at the top level: NOMAP ones as "reserved"
    for (const r of rs) {
      if (r.depth !== 0) continue
      const nomap = r.name === 'reserved' || r.name === 'Reserved'
      if (!nomap && !/^System RAM$/.test(r.name)) continue
      map.push(
        arch === 'arm64'
          ? { start: r.start, last: r.last, type: nomap ? 'reserved' : 'conventional', attrs: ['WB'], comment: `line ${r.line}: ${r.name}${nomap ? ' (NOMAP)' : ''}` }
          : { start: r.start, last: r.last, type: 'memory', comment: `line ${r.line}: ${r.name}` }
      )
      if (nomap && arch !== 'arm64') map.push({ start: r.start, last: r.last, type: 'no-map', comment: `line ${r.line}: NOMAP` })
    }
    if (!map.some((r) => r.type === 'conventional' || r.type === 'memory')) throw new CaptureError('no "System RAM" at the top level of this /proc/iomem: nothing describes memory', 1, 1)
    unknowns.push('memblock.memory as registered after mem= and the kernel image were applied: the firmware map and the command line are not shown')
    const kernel = kernelFor(opts, unknowns, '/proc/iomem')
    if (arch === 'arm64' && opts.pageSize === undefined) unknowns.push('page size: /proc/iomem does not show it; 4K assumed (give --page-size 16K or 64K)')
    scenario = {
      name: 'imported /proc/iomem',
      kernel,
      arch,
      ...(opts.pageSize !== undefined && opts.pageSize !== 4096 ? { pageSize: opts.pageSize } : {}),
      // a UEFI map keeps NOMAP ranges NOMAP in every version (a DT no-map was removed before 5.11)
      firmware: arch === 'arm64' ? { kind: 'uefi', map } : { kind: 'dt', map },
      ...cmdlineFor(opts, unknowns, '/proc/iomem')
    }
  }
  unknowns.push('NUMA: /proc/iomem does not show nodes; one node assumed (lsmem or memblock debugfs show them)')
  unknowns.push('the platform DMA limit (device-tree dma-ranges / IORT) and the kernel configuration: the architecture defaults are used')
  return { kind: 'iomem', scenario, unknowns }
}
