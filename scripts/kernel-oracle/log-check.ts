/**
 * Integrity checks for a recorded serial console log.
 *
 * Why: under host load the emulated 16550 can lose characters. The kernel's
 * 8250 console waits only ~10 ms for the transmitter, then writes the next
 * byte anyway, and QEMU drops the one it could not flush. Seen as
 * `Ealy memory node ranges` or `[    0.00000] BIOS-e820…`. A fixture with a
 * dropped byte would make the engine chase a line the kernel never printed,
 * so every kernel line must carry an intact printk timestamp, and the lines
 * the engine reproduces must match their exact printk formats. A boot that
 * fails this is recorded again.
 */

const HEX16 = '0x[0-9a-f]{16}'
const RANGE16 = `\\[mem ${HEX16}-${HEX16}\\]`
const E820_TYPES = '(usable|reserved|ACPI data|ACPI NVS|unusable|persistent \\(type \\d+\\)|soft reserved|type \\d+)'
/** 7.x e820_print_type(): each name starts with its own space, after the range's trailing one. */
const E820_TYPES_7 = ' (System RAM|device reserved|soft reserved|ACPI data|ACPI NVS|unusable|persistent RAM \\(type \\d+\\)|type \\d+)'
/** An e820__print_table() line in either wording, or a 7.x `[gap …]` line. */
const E820_LINE = `(${RANGE16} ${E820_TYPES}|${RANGE16} ${E820_TYPES_7}|\\[gap ${HEX16}-${HEX16}\\])`
/** Fixed-width attribute columns of an `efi=debug` memory map line. */
const EFI_ATTRS = '\\|(RUN|   )\\|(  \\|){9}(   |UCE|RP |XP |WP |MR )?\\|?((WB|  )\\|(WT|  )\\|(WC|  )\\|(UC|  ))\\]'

/** [pattern a message is recognised by, format it must then match exactly]. */
const FORMATS: readonly (readonly [RegExp, RegExp])[] = [
  [/^BIOS-e820: /, new RegExp(`^BIOS-e820: ${E820_LINE}$`)],
  [/^user: /, new RegExp(`^user: ${E820_LINE}$`)],
  [/^ +node +\d/, new RegExp(`^  node +\\d+: ${RANGE16}$`)],
  [/^ +(DMA|DMA32|Normal|Device|Movable)\b/, new RegExp(`^  (DMA|DMA32|Normal|Device|Movable) +(${RANGE16}|empty)$`)],
  [/Initmem setup/, new RegExp(`^(NUMA: )?Initmem setup node \\d+ (${RANGE16}|as memoryless|\\[<memory-less node>\\])$`)],
  [/unavailable ranges/, /^On node \d+, zone \w+: \d+ pages in unavailable ranges$/],
  [/^Memory: /, /^Memory: \d+K\/\d+K available \(\d+K kernel code, \d+K rwdata, \d+K rodata, \d+K init, \d+K bss, \d+K reserved, \d+K cma-reserved\)$/],
  [/^HugeTLB/, /^HugeTLB: (registered [\d.]+ [KMG]iB page size, pre-allocated \d+ pages|\d+ KiB vmemmap can be freed for a [\d.]+ [KMG]iB page)$/],
  [/SRAT: Node/, /^ACPI: SRAT: Node \d+ PXM \d+ \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]( hotplug)?( non-volatile)?$/],
  [/^efi: +0x/, new RegExp(`^efi:   0x[0-9a-f]{12}-0x[0-9a-f]{12} \\[[A-Za-z ]{12}${EFI_ATTRS}$`)],
  [/^(Zone ranges|Movable zone|Early memory)/, /^(Zone ranges:|Movable zone start for each node|Early memory node ranges)$/]
]

/** Messages every usable boot prints once (the engine's anchors). */
const REQUIRED = ['Zone ranges:', 'Movable zone start for each node', 'Early memory node ranges']

const TIMESTAMP = /^\[ *\d+\.\d{6}\] /

/**
 * The kernel's part of the log as lines: from the `Linux version` line to the
 * last complete line. Firmware output before it has no timestamps.
 */
function kernelLines(log: string): string[] | undefined {
  const version = log.indexOf('Linux version')
  if (version < 0) return undefined
  const start = log.lastIndexOf('[', version)
  const lastBreak = log.lastIndexOf('\r\n')
  if (start < 0 || lastBreak < start) return undefined
  return log.slice(start, lastBreak).split('\r\n')
}

/**
 * Problems that mean bytes were lost on the console; empty when the log is
 * intact. commandLine, when given, must come back verbatim in the kernel's
 * `Kernel command line:` (and x86 `Command line:`) lines: the generator keeps
 * it under COMMAND_LINE_SIZE, so a difference can only be a lost byte.
 */
export function consoleProblems(log: string, commandLine?: string): string[] {
  const lines = kernelLines(log)
  if (!lines) return ['no `Linux version` line']
  const problems: string[] = []
  const messages: string[] = []
  for (const line of lines) {
    const stamp = TIMESTAMP.exec(line)
    if (!stamp || line.includes('\r') || line.includes('\n')) {
      problems.push(`damaged line: ${JSON.stringify(line.slice(0, 80))}`)
      continue
    }
    const message = line.slice(stamp[0].length)
    messages.push(message)
    const format = FORMATS.find(([recognise]) => recognise.test(message))
    if (format && !format[1].test(message)) problems.push(`damaged line: ${JSON.stringify(line.slice(0, 100))}`)
  }
  for (const required of REQUIRED) {
    if (!messages.includes(required)) problems.push(`no \`${required}\` line`)
  }
  if (commandLine !== undefined) {
    const echoed = messages.filter((m) => /^(Kernel c|C)ommand line: /.test(m))
    const wanted = new Set([`Command line: ${commandLine}`, `Kernel command line: ${commandLine}`])
    if (!echoed.some((m) => m.startsWith('Kernel '))) problems.push('no `Kernel command line:` line')
    for (const m of echoed) if (!wanted.has(m)) problems.push(`command line differs: ${JSON.stringify(m.slice(0, 100))}`)
  }
  return problems
}
