// Boot logs (dmesg, serial consoles, journal excerpts) -> a scenario plus the kernel's
// own lines about the layout. Only input lines feed the scenario: `Linux version`, the
// command line, `BIOS-e820`, `user:`, `e820: update/remove`, the UEFI memory map
// (`efi=debug`), `ACPI: SRAT: Node`, `HugeTLB: registered` (which huge page sizes
// exist) and — only when the log carries no firmware map — `Early memory node ranges`.
// Kconfig facts that appear nowhere else (which zones the kernel was built with) are
// read from the names in the `Zone ranges` header, never from its numbers.

import type { Arch, FirmwareRange, Scenario } from '../scenario/scenario.ts'
import type { LineKind } from './bootlog.ts'
import { e820Name, e820ParseType } from './e820.ts'
import { EFI_SCENARIO_TYPES, EFI_TYPE_NAMES } from './efi.ts'
import { parseKernelVersion } from './version.ts'

export interface LogLine {
  /** 1-based line number in the input */
  line: number
  text: string
}

export interface ParsedLog {
  scenario: Scenario
  /** the kernel's own layout lines, by kind, in log order */
  expected: { kind: LineKind; text: string; line: number }[]
  warnings: string[]
  /** input lines that were used, for reports */
  used: { what: string; line: number }[]
  /** arm64: the last byte of ZONE_DMA as the log printed it (see platformDmaLimit()) */
  dmaZoneLast: number | null
}

export class LogError extends Error {
  constructor(
    message: string,
    readonly line: number = 1,
    readonly column: number = 1
  ) {
    super(message)
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[c=>78DEHM]|\x1b\]\d*;[^\x07]*\x07/g

const TIMESTAMP = /\[\s*\d+\.\d{6}\](?:\s*\[\s*[TC]\d+\])?/

/**
 * Strip console escapes, syslog/journal prefixes and printk timestamps; keep the message.
 * In a timestamped log, a line without a timestamp continues the previous message (mail
 * clients wrap long lines); it is joined back with a space.
 */
export function logMessages(source: string): LogLine[] {
  const out: LogLine[] = []
  const lines = source.split('\n')
  let stamped = 0
  for (const l of lines) if (TIMESTAMP.test(l)) stamped++
  const joinWrapped = stamped > lines.length / 3
  for (let i = 0; i < lines.length; i++) {
    // mail archives turn runs of spaces into no-break spaces
    let s = lines[i].replace(/\r/g, '').replace(/\u00a0/g, ' ').replace(ANSI, '')
    // a serial console may start the first kernel line after firmware noise
    const ts = TIMESTAMP.exec(s)
    if (ts) {
      s = s.slice(ts.index + ts[0].length)
      if (s.startsWith(' ')) s = s.slice(1)
    } else {
      s = s.replace(/^<\d+>/, '')
      s = s.replace(/^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.+-]+)\s+\S+\s+kernel:\s?/, '')
      s = s.replace(/^kernel: /, '')
      if (joinWrapped && out.length && s.trim() && !/^\s/.test(s) && !s.startsWith('#')) {
        const prev = out[out.length - 1]
        prev.text = prev.text.endsWith('-') ? prev.text + s.trimEnd() : `${prev.text} ${s.trimEnd()}`
        continue
      }
    }
    out.push({ line: i + 1, text: s.trimEnd() })
  }
  return out
}

/** Heuristic: is this text a boot log rather than a scenario? */
export function looksLikeLog(source: string): boolean {
  const head = source.slice(0, 200_000)
  return /Linux version \d|BIOS-e820:|Early memory node ranges|Zone ranges:|efi:\s+0x[0-9a-f]+-0x[0-9a-f]+ \[/.test(head)
}

const MEM = '\\[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\\]'

/** Every line parseLog() reads starts like one of these (or names NODE_DATA / a powerpc toolchain / machine). */
const RELEVANT =
  /^(?:Linux version|(?:Kernel )?[Cc]ommand line|BIOS-e820|user|e820|efi|(?:ACPI: )?SRAT|HugeTLB|Zone ranges|Early memory|(?:e820: )?last_pfn|\.text|Booting Linux|CPU|psci|GICv3|arch_timer|SBI|riscv|hash-mmu|radix-mmu|PowerMac|pSeries|PowerNV|CHRP|phys_mem_size|\d+MB (?:LOW|HIGH)MEM| {2,3}\S|NUMA)|machine description|NODE_DATA|\(powerpc|ppc64/

/** Every kernel line expectedLines() collects starts like one of these. */
const LAYOUT_LINE = /^(?:Zone ranges:|Movable zone start|Early memory node ranges|Initmem setup|On node|Reserved but|Zeroed struct|HugeTLB|Memory: | {2,})/
const num = (h: string): number => parseInt(h, 16)

/** The kernel's own lines of the kinds the engine predicts (for --diff). */
export function expectedLines(msgs: LogLine[]): ParsedLog['expected'] {
  const out: ParsedLog['expected'] = []
  let block: 'zones' | 'movable' | 'early' | null = null
  for (const { text, line } of msgs) {
    if (!LAYOUT_LINE.test(text)) {
      block = null
      continue
    }
    // the kernel indents block lines by exactly two spaces; some transports add one
    const t = text.replace(/\s+$/, '').replace(/^ {3,}(?=(?:node +\d+: \[mem|Node \d+: 0x|\S+\s+(?:\[mem 0x[0-9a-f]+-0x[0-9a-f]+\]|empty)$|\S+ zone: \d+ ))/, '  ')
    if (t === 'Zone ranges:') {
      block = 'zones'
      out.push({ kind: 'zone-ranges', text: t, line })
      continue
    }
    if (t === 'Movable zone start for each node') {
      block = 'movable'
      out.push({ kind: 'movable', text: t, line })
      continue
    }
    if (t === 'Early memory node ranges') {
      block = 'early'
      out.push({ kind: 'early-node-ranges', text: t, line })
      continue
    }
    if (block === 'zones' && /^ {2}\S+\s+(?:\[mem 0x[0-9a-f]+-0x[0-9a-f]+\]|empty)$/.test(t)) {
      out.push({ kind: 'zone-ranges', text: t, line })
      continue
    }
    if (block === 'movable' && /^ {2}Node \d+: 0x[0-9a-f]+$/.test(t)) {
      out.push({ kind: 'movable', text: t, line })
      continue
    }
    if (block === 'early' && /^ {2}node +\d+: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]$/.test(t)) {
      out.push({ kind: 'early-node-ranges', text: t, line })
      continue
    }
    block = null
    let kind: LineKind | null = null
    let text2 = t
    if (/^Initmem setup node \d+ /.test(t)) kind = 'initmem'
    else if (/^On node \d+ totalpages: \d+$/.test(t)) kind = 'totalpages'
    else if (/^ {2}\S+ zone: \d+ pages used for memmap$/.test(t)) kind = 'memmap'
    else if (/^ {2}\S+ zone: \d+ pages reserved$/.test(t)) kind = 'dma-reserved'
    else if (/^ {2}\S+ zone: \d+ (?:memmap )?pages exceeds freesize \d+$/.test(t)) kind = 'memmap-exceeds'
    else if (/^(?:Reserved but unavailable|Zeroed struct page in unavailable ranges): \d+ pages$/.test(t)) kind = 'holes'
    else if (/^ {2}\S+ zone: \d+ pages in unavailable ranges$/.test(t)) kind = 'holes'
    else if (/^On node \d+, zone \S+: \d+ pages in unavailable ranges$/.test(t)) kind = 'holes'
    else if (/^HugeTLB: (?:\d+ KiB vmemmap can be freed for a .* page|can optimize \d+ vmemmap pages for hugepages-\d+kB)$/.test(t)) kind = 'hugetlb-vmemmap'
    else {
      const mm = /^Memory: \d+K\/(\d+)K available/.exec(t)
      if (mm) {
        kind = 'memory'
        text2 = `Memory: ?K/${mm[1]}K available`
      }
    }
    if (kind) out.push({ kind, text: text2, line })
  }
  return out
}

const EFI_NAME_TO_TYPE = new Map<string, string>(EFI_TYPE_NAMES.map((n, i) => [n, EFI_SCENARIO_TYPES[i]]))

/** Kernel release and, for distribution kernels, the upstream version they are built from. */
export function kernelFromVersionLine(t: string): string | null {
  const m = /^Linux version (\S+)/.exec(t)
  if (!m) return null
  // Debian: "... #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)"
  const deb = [...t.matchAll(/\bDebian (\d+\.\d+\.\d+)-\S+ \(\d{4}-\d\d-\d\d\)/g)].pop()
  if (deb && /^\d+\.\d+\.0-/.test(m[1])) return deb[1]
  // Ubuntu: "(Ubuntu 5.4.0-148.165-generic 5.4.233)"
  const ubu = /\(Ubuntu [^ ]+ (\d+\.\d+\.\d+)\)/.exec(t)
  if (ubu) return ubu[1]
  return m[1]
}

export interface ParseLogOptions {
  /** kernel version to use when the log has no `Linux version` line */
  kernel?: string
  arch?: Arch
}

/** A log that holds several boots is read up to the start of the second one. */
function firstBoot(msgs: LogLine[]): { msgs: LogLine[]; boots: number } {
  let boots = 0
  let cut = msgs.length
  for (let i = 0; i < msgs.length; i++) {
    if (msgs[i].text.startsWith('Linux version ') && ++boots === 2) {
      cut = i
      break
    }
  }
  if (boots < 2) return { msgs, boots: Math.max(boots, 1) }
  let more = 1
  for (let i = cut; i < msgs.length; i++) if (msgs[i].text.startsWith('Linux version ')) more++
  return { msgs: msgs.slice(0, cut), boots: more }
}

export function parseLog(source: string, opts: ParseLogOptions = {}): ParsedLog {
  const all = firstBoot(logMessages(source))
  const msgs = all.msgs
  const warnings: string[] = []
  if (all.boots > 1) warnings.push(`the log holds ${all.boots} boots; only the first (up to line ${msgs.length ? msgs[msgs.length - 1].line : 1}) is read`)
  const used: ParsedLog['used'] = []
  let kernel: string | null = null
  let cmdline: string | null = null
  const bios: FirmwareRange[] = []
  let user: FirmwareRange[] | null = null
  const updates: NonNullable<Scenario['firmware']['updates']> = []
  let lastPfnIdx = -1
  const efi: FirmwareRange[] = []
  const srat = new Map<number, { start: number; end: number; hotplug: boolean }[]>()
  const early: { nid: number; start: number; end: number }[] = []
  const hugeSizes: number[] = []
  let zoneNames: string[] | null = null
  let dmaZoneLast: number | null = null
  let kernelNotRam = false
  let arch: Arch | null = opts.arch ?? null
  // architecture evidence beyond the version line; platform facts for presets
  const seen = { riscv: false, powerpc: false, ppc64: false, powermac: false, arm32: false, lowmem32: false }
  let lowmemMb: number | null = null
  let maxArchPfn: number | null = null
  let highmemLine = false
  let pendingUpdates: { u: (typeof updates)[number]; idx: number }[] = []
  let inZones = false
  let inEarly = false

  let m0: RegExpExecArray | null
  for (const [idx, { text: t, line }] of msgs.entries()) {
    // most of a boot log is about other things: one test skips those lines
    if (!RELEVANT.test(t)) {
      inZones = inEarly = false
      continue
    }
    if (kernel === null) {
      const k = kernelFromVersionLine(t)
      if (k) {
        kernel = k
        used.push({ what: 'Linux version', line })
        if (!arch) {
          if (/amd64|x86_64|x86-64/.test(t)) arch = 'x86_64'
          else if (/arm64|aarch64/.test(t)) arch = 'arm64'
        }
        continue
      }
    }
    if (/^SBI specification v|^riscv: /.test(t)) seen.riscv = true
    if (/machine description|^hash-mmu:|^radix-mmu:|^PowerMac|^pSeries|^PowerNV|^CHRP|^phys_mem_size +=|\(powerpc(?:64)?-[\w.-]*gcc/.test(t)) seen.powerpc = true
    if (/^PowerMac|Using PowerMac machine description/.test(t)) seen.powermac = true
    if (/^hash-mmu:|^radix-mmu:|ppc64|^pSeries|^PowerNV/.test(t)) seen.ppc64 = seen.powerpc = true
    if ((m0 = /NODE_DATA\((\d+)\) (?:allocated|on node)/.exec(t))) {
      // powerpc/x86 setup_node_data(): a node that gets NODE_DATA is online
      const nid = Number(m0[1])
      if (!srat.has(nid)) srat.set(nid, [])
    }
    if (/^CPU: (?:ARMv[4-7]|.*\(ARMv[4-7])/.test(t)) seen.arm32 = true
    if (/^\d+MB LOWMEM available\.$/.test(t)) seen.lowmem32 = true
    if ((m0 = /^(\d+)MB LOWMEM available\.$/.exec(t))) lowmemMb = Number(m0[1])
    if (/^\d+MB HIGHMEM available\.$/.test(t)) highmemLine = true
    // arm64 prints the 64-bit MPIDR of the boot CPU and its CPU feature list
    if (!arch && (/^Booting Linux on physical CPU 0x[0-9a-f]{10}\b/.test(t) || /^(?:CPU features|psci|GICv3|arch_timer): /.test(t))) {
      arch = 'arm64'
      continue
    }
    let m: RegExpExecArray | null
    if (cmdline === null && (m = /^(?:Kernel )?[Cc]ommand line: (.*)$/.exec(t))) {
      cmdline = m[1]
      used.push({ what: 'command line', line })
      continue
    }
    if ((m = new RegExp(`^BIOS-e820: ${MEM} (.+)$`).exec(t))) {
      const type = e820ParseType(m[3])
      if (type !== null) bios.push({ start: num(m[1]), last: num(m[2]), ...(e820Name(type) as Pick<FirmwareRange, 'type' | 'code'>) })
      arch ??= 'x86_64'
      used.push({ what: 'BIOS-e820', line })
      continue
    }
    if (/^user-defined physical RAM map:/.test(t)) {
      // e820__finish_early_params(): the table after mem=/memmap=; edits printed before
      // it are already part of it
      user = []
      pendingUpdates = []
      continue
    }
    if (user && (m = new RegExp(`^user: ${MEM} (.+)$`).exec(t))) {
      const type = e820ParseType(m[3])
      if (type !== null) user.push({ start: num(m[1]), last: num(m[2]), ...(e820Name(type) as Pick<FirmwareRange, 'type' | 'code'>) })
      used.push({ what: 'user:', line })
      continue
    }
    if ((m = /^e820: update \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?) ==> (.+)$/.exec(t))) {
      const from = e820ParseType(m[3])
      const to = e820ParseType(m[4])
      if (from !== null && to !== null && from !== to) {
        const f = e820Name(from)
        const tt = e820Name(to)
        pendingUpdates.push({ u: { start: num(m[1]), last: num(m[2]), from: f.type as never, fromCode: f.code, to: tt.type as never, toCode: tt.code }, idx })
      }
      continue
    }
    if (t === '.text .data .bss are not marked as E820_TYPE_RAM!') {
      kernelNotRam = true
      continue
    }
    if (kernelNotRam && (m = /^e820: remove \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]$/.exec(t))) {
      // e820_add_kernel_range(): the kernel image is made RAM (remove without type, add)
      pendingUpdates.push({ u: { start: num(m[1]), last: num(m[2]), to: 'usable' }, idx })
      kernelNotRam = false
      continue
    }
    if ((m = /^e820: remove \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$/.exec(t))) {
      const from = e820ParseType(m[3])
      if (from !== null) {
        const f = e820Name(from)
        pendingUpdates.push({ u: { start: num(m[1]), last: Math.min(num(m[2]), 2 ** 52 - 1), from: f.type as never, fromCode: f.code, to: 'removed' }, idx })
      }
      continue
    }
    if ((m = /^(?:e820: )?last_pfn = 0x[0-9a-f]+ max_arch_pfn = (0x[0-9a-f]+)/.exec(t))) {
      // MAX_ARCH_PFN is fixed by the paging mode: 2^34 (4-level) / 2^40 (5-level) on
      // x86_64, 2^20 (2-level) / 2^24 (PAE) on 32-bit x86
      maxArchPfn = parseInt(m[1], 16)
      lastPfnIdx = idx
      updates.push(...pendingUpdates.map((p) => p.u))
      pendingUpdates = []
      continue
    }
    if ((m = /^efi:\s+0x([0-9a-f]+)-0x([0-9a-f]+) \[([^|\]]+)\|(.*)\]$/.exec(t))) {
      const type = EFI_NAME_TO_TYPE.get(m[3].trim())
      if (type) {
        const attrs = m[4]
          .split('|')
          .map((a) => a.trim())
          .filter((a) => a)
        efi.push({ start: parseInt(m[1], 16), last: parseInt(m[2], 16), type: type as FirmwareRange['type'], attrs: attrs as FirmwareRange['attrs'] })
        used.push({ what: 'efi memory map', line })
      }
      continue
    }
    if ((m = /^(?:ACPI: )?SRAT: Node (\d+) PXM \d+ \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]( hotplug)?/.exec(t))) {
      const nid = Number(m[1])
      if (!srat.has(nid)) srat.set(nid, [])
      srat.get(nid)!.push({ start: num(m[2]), end: num(m[3]) + 1, hotplug: !!m[4] })
      used.push({ what: 'SRAT', line })
      continue
    }
    if ((m = /^SRAT: PXM \d+ -> (?:x2)?APIC 0x[0-9a-f]+ -> Node (\d+)/.exec(t)) || (m = /^NUMA: Initmem setup node (\d+) \[<memory-less node>\]$/.exec(t))) {
      // acpi_numa_processor_affinity_init() / arm64 setup_node_data(): a node with CPUs
      // (SRAT or a device-tree numa-node-id) is a possible node
      const nid = Number(m[1])
      if (!srat.has(nid)) srat.set(nid, [])
      continue
    }
    if ((m = /^HugeTLB:? registered (\d+(?:\.\d+)?) ([KMGT])i?B page size/.exec(t))) {
      const unit = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2] as 'K']
      hugeSizes.push(Math.round(Number(m[1]) * unit))
      used.push({ what: 'HugeTLB registered', line })
      continue
    }
    if (t === 'Zone ranges:') {
      inZones = true
      zoneNames = []
      continue
    }
    if (inZones && (m = /^ {2,3}(\S+)\s+(?:\[mem 0x[0-9a-f]+-(0x[0-9a-f]+)\]|empty)/.exec(t))) {
      zoneNames!.push(m[1])
      if (m[1] === 'DMA' && m[2]) dmaZoneLast = num(m[2])
      continue
    }
    inZones = false
    if (t === 'Early memory node ranges') {
      inEarly = true
      continue
    }
    if (inEarly && (m = /^ {2,3}node +(\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]$/.exec(t))) {
      early.push({ nid: Number(m[1]), start: num(m[2]), end: num(m[3]) + 1 })
      continue
    }
    inEarly = false
  }
  void lastPfnIdx

  kernel ??= opts.kernel ?? null
  if (opts.kernel) kernel = opts.kernel
  if (!kernel) throw new LogError('the log has no "Linux version" line; give the kernel version (--kernel VERSION)')
  if (!parseKernelVersion(kernel)) throw new LogError(`cannot read a kernel version from "${kernel}"`)
  const highmemZone = zoneNames !== null && (zoneNames as string[]).includes('HighMem')
  if (!opts.arch) {
    if (seen.riscv) arch = 'riscv64'
    else if (seen.powerpc) arch = seen.ppc64 && !highmemZone ? 'powerpc64' : 'powerpc'
    else if (seen.arm32) arch = 'arm'
    else if (arch === 'x86_64' && (seen.lowmem32 || highmemZone)) arch = 'x86'
  }
  if (!arch) {
    if (efi.length) arch = 'arm64'
    else throw new LogError('cannot tell the architecture from the log (no BIOS-e820 or efi memory map lines); give --arch')
  }

  let firmware: Scenario['firmware']
  let fromEarly = false
  if (arch === 'x86_64' || arch === 'x86') {
    const map = user ?? bios
    if (map.length) {
      firmware = { kind: 'e820', map, ...(updates.length ? { updates } : {}) }
      if (user) warnings.push('the e820 map comes from the log\'s user-defined map (the command line\'s mem=/memmap= are already applied)')
    } else if (early.length) {
      firmware = { kind: 'e820', map: early.map((r) => ({ start: r.start, end: r.end, type: 'usable' as const })) }
      fromEarly = true
      warnings.push('the log has no e820 map: memory comes from its "Early memory node ranges" block')
    } else throw new LogError('the log has neither a BIOS-e820 map nor an "Early memory node ranges" block: nothing describes memory (was it cut?)')
  } else if (efi.length && arch === 'arm64') {
    firmware = { kind: 'uefi', map: efi }
  } else if (early.length) {
    // arm64: as a UEFI map, so split ranges stay NOMAP in every version (a DT no-map
    // region was removed, not marked, before 5.11)
    firmware = arch === 'arm64' ? { kind: 'uefi', map: earlyAsUefi(early, warnings) } : { kind: 'dt', map: earlyAsDt(early, warnings) }
    fromEarly = true
    warnings.push('the log has no firmware memory map (device-tree boot): memory comes from its "Early memory node ranges" block')
  } else throw new LogError('the log has neither a UEFI memory map (efi=debug) nor an "Early memory node ranges" block: nothing describes memory (was it cut?)')

  const scenario: Scenario = {
    name: 'imported boot log',
    kernel,
    arch,
    firmware,
    // the early block and a user: map already reflect mem=/memmap=
    ...(cmdline !== null ? { cmdline: user || fromEarly ? stripAppliedCmdline(cmdline) : cmdline } : {})
  }
  // NUMA: SRAT lines, or node ids of the early block when that is the memory source
  if ([...srat.values()].some((r) => r.length)) {
    scenario.numa = { nodes: [...srat.entries()].map(([id, rs]) => ({ id, ranges: rs.map((r) => ({ start: r.start, end: r.end, ...(r.hotplug ? { hotplug: true } : {}) })) })) }
  } else if (fromEarly && (early.some((r) => r.nid !== 0) || srat.size > 0)) {
    const byNid = new Map<number, { start: number; end: number }[]>()
    for (const r of early) byNid.set(r.nid, [...(byNid.get(r.nid) ?? []), { start: r.start, end: r.end }])
    for (const nid of srat.keys()) if (!byNid.has(nid)) byNid.set(nid, [])
    scenario.numa = { nodes: [...byNid.entries()].map(([id, ranges]) => ({ id, ranges })) }
  }
  if (hugeSizes.length) scenario.hugetlb = hugeSizes.map((size) => ({ size }))
  else scenario.hugetlb = []
  if (zoneNames) {
    const names: string[] = zoneNames
    scenario.config = { zoneDma: names.includes('DMA'), zoneDma32: names.includes('DMA32'), zoneDevice: names.includes('Device'), highmem: names.includes('HighMem') }
  }
  if (maxArchPfn !== null) {
    if (arch === 'x86_64' && maxArchPfn === 2 ** 40) scenario.paging = '5-level'
    if (arch === 'x86') scenario.paging = maxArchPfn === 2 ** 24 ? 'pae' : '2-level'
  }
  // 32-bit x86 initmem_init() prints lowmem in MiB before the zones. Lowmem ends at
  // MAXMEM = a PMD boundary minus two pages (VMALLOC_END = PKMAP_BASE - 2 pages), so
  // the MiB figure pins the exact pfn: the one value k * PTRS_PER_PMD - 2 in that MiB.
  if (arch === 'x86' && lowmemMb !== null && highmemLine) {
    const pmdPages = scenario.paging === 'pae' ? 512 : 1024
    const lo = lowmemMb * 256
    const pfn = Math.ceil((lo + 2) / pmdPages) * pmdPages - 2
    if (pfn < lo + 256) scenario.config = { ...scenario.config, lowmemLimit: pfn * 4096 }
  }
  // PowerMac kernels (pmac32/g5 defconfigs) use 4K pages and FLATMEM
  if (arch === 'powerpc64' && seen.powermac) {
    scenario.pageSize = 4096
    scenario.config = { ...scenario.config, memoryModel: 'flatmem' }
  }
  return { scenario, expected: expectedLines(msgs), warnings, used, dmaZoneLast: arch === 'arm64' ? dmaZoneLast : null }
}

/** Contiguous same-node ranges in the early block can only be split by a flag (NOMAP). */
function earlyAsDt(early: { nid: number; start: number; end: number }[], warnings: string[]): FirmwareRange[] {
  const out: FirmwareRange[] = []
  let prev: { nid: number; end: number; nomap: boolean } | null = null
  for (const r of early) {
    out.push({ start: r.start, end: r.end, type: 'memory' })
    const split: boolean = !!prev && prev.end === r.start && prev.nid === r.nid
    if (split && !prev!.nomap) {
      out.push({ start: r.start, end: r.end, type: 'no-map' })
      warnings.push(`ranges meeting at 0x${r.start.toString(16)} are listed separately: the later one is taken as NOMAP`)
    }
    prev = { nid: r.nid, end: r.end, nomap: split && !prev!.nomap }
  }
  return out
}

function earlyAsUefi(early: { nid: number; start: number; end: number }[], warnings: string[]): FirmwareRange[] {
  return earlyAsDt(early, warnings).map((r) =>
    r.type === 'no-map' ? { start: r.start, end: r.end, type: 'reserved', attrs: ['WB'] } : { start: r.start, end: r.end, type: 'conventional', attrs: ['WB'] }
  )
}

/** Drop the x86 command-line edits already reflected in an imported `user:` map. */
function stripAppliedCmdline(cmdline: string): string {
  return cmdline
    .split(/\s+/)
    .filter((a) => !/^(mem|memmap)=/.test(a))
    .join(' ')
}
