// The kernel messages the log reader looks for, as tests on a message: what parseLog()
// reads (RELEVANT, EVIDENCE), what expectedLines() compares (the block lines,
// EXPECTED_CANDIDATE), and CANDIDATE, the one test on a message's text, before it is
// folded, that stands in for them all (readMessages() makes a Message only for the
// messages it passes). No imports: tests and regular expressions alone.

const MEM = '\\[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\\]'
export const BIOS_E820_LINE = new RegExp(`^BIOS-e820: ${MEM} (.+)$`)
export const USER_E820_LINE = new RegExp(`^user: ${MEM} (.+)$`)

/** Every line parseLog() reads starts like one of these (or names NODE_DATA / a powerpc toolchain / machine), as folded text. */
// (two lists: messages starting with these, and messages holding these anywhere)
const RELEVANT_START =
  /^(?:Linux version|setup: (?:Linux is running|The maximum memory size)|hugetlbfs: disabling|Using \S|(?:Kernel )?[Cc]ommand line|BIOS-e820|user|e820|efi|(?:ACPI: )?SRAT|HugeTLB|Zone ranges|Early memory|(?:e820: )?last_pfn|\.text|Booting Linux|CPU|psci|GICv3|arch_timer|SBI|riscv|hash-mmu|radix-mmu|PowerMac|pSeries|PowerNV|CHRP|phys_mem_size|\d+MB (?:LOW|HIGH)MEM|NUMA|Machine model|OF: fdt: Machine model|Detected|Dentry cache|Inode-cache|Hypervisor detected|pcpu-alloc|Fallback order|Freeing initrd|Trying to unpack rootfs|Unpacking initramfs|EFI stub|\S+ (?:\[mem |empty$)|node \d+: \[mem )/
// (what parseLog() tests at a message's start is in RELEVANT_START: `^CPU: All CPU(s)
// started at EL2`, `^CPU0: LoongArch` start with CPU, powerpc's probe_machine() prints
// `Using %s machine description`; this one is searched for in every message's whole text)
const RELEVANT_ANYWHERE = /NODE_DATA|\(powerpc|ppc64|\(loongarch64|Loongson/
/**
 * RELEVANT_START or RELEVANT_ANYWHERE. Two tests, not one alternation: an alternation
 * anchored only in part is tried at every position of the text, its anchored part too.
 */
export const relevant = (flat: string): boolean => RELEVANT_START.test(flat) || RELEVANT_ANYWHERE.test(flat)

/** Every line the architecture evidence of parseLog() tests starts like one of the first, or holds one of the second. */
export const EVIDENCE_START =
  /^(?:SBI specification v|riscv: |hash-mmu:|radix-mmu:|PowerMac|pSeries|PowerNV|CHRP|phys_mem_size =|setup: (?:Linux is running|The maximum memory size)|CPU|OF: fdt: Machine model: |\d+MB (?:LOW|HIGH)MEM available|Booting Linux on physical CPU 0x|Detected |Machine model: |psci: |GICv3: |arch_timer: )/
export const EVIDENCE_ANYWHERE = /machine description|ppc64|\(powerpc|NODE_DATA\(|Loongson-64bit|\(loongarch64-/

/** A block line of `Zone ranges`, `Movable zone start` or `Early memory node ranges`, or a ≤5.13 per-zone line, folded. */
export const ZONE_LINE = /^(\S+) (\[mem 0x[0-9a-f]+-0x[0-9a-f]+\]|empty)$/
export const MOVABLE_LINE = /^Node (\d+): (0x[0-9a-f]+)$/
export const EARLY_LINE = /^node (\d+): (\[mem 0x[0-9a-f]+-0x[0-9a-f]+\])$/
export const PER_ZONE_LINE = /^(\S+) zone: (\d+ (?:pages used for memmap|pages reserved|(?:memmap )?pages exceeds freesize \d+|pages in unavailable ranges))$/
/** Every line expectedLines() gives a kind outside a block starts like this (a superset of its tests). */
export const EXPECTED_CANDIDATE = /^(?:Initmem setup node |On node |Reserved but unavailable: |Zeroed struct page |HugeTLB: |x86\/mm: Memory block size: |Memory: |\S+ zone: )/

/**
 * A test on a message's text (before folding) that passes on every message one of these
 * passes on, folded: RELEVANT, EXPECTED_CANDIDATE, the block lines and their headings, and
 * `Linux version ` (firstBoot()). Each is anchored at the start and tests literal spaces
 * only (no `.`, `\s` or negated class can meet a space of flat), so a space of flat is a
 * run of spaces and tabs in the text, its start after white space, its end before it.
 */
const candidate = onText(
  [RELEVANT_START, EXPECTED_CANDIDATE, ZONE_LINE, MOVABLE_LINE, EARLY_LINE, /^(?:Zone ranges:|Movable zone start for each node|Early memory node ranges|Linux version )/],
  RELEVANT_ANYWHERE
)
export const CANDIDATE: { test: (text: string) => boolean } = candidate
/** CANDIDATE's anchored test from a position of a whole text (readMessages()) */
export const CANDIDATE_START = candidate.startAt
/** CANDIDATE's other test (RELEVANT_ANYWHERE), as a search of a whole text */
const CANDIDATE_WITHIN = new RegExp(candidate.anywhere.source, 'g')
/**
 * Where CANDIDATE_WITHIN next matches in `text` from `from` (Infinity: nowhere). Its
 * alternatives are literals without white space (onText() checks): a match in a message's
 * text is one that starts in the message's span of a whole text, and none reaches over
 * white space into another.
 */
export function nextWithin(text: string, from: number): number {
  CANDIDATE_WITHIN.lastIndex = from
  return CANDIDATE_WITHIN.exec(text)?.index ?? Infinity
}

/** The tests on flat that CANDIDATE stands in for (its spec checks it passes wherever one of them does). */
export const FLAT_TESTS: readonly RegExp[] = [
  RELEVANT_START,
  RELEVANT_ANYWHERE,
  EXPECTED_CANDIDATE,
  ZONE_LINE,
  MOVABLE_LINE,
  EARLY_LINE,
  /^Linux version /,
  /^(?:Zone ranges:|Movable zone start for each node|Early memory node ranges)$/
]

/**
 * Two regular expressions, not one: an alternation that is anchored only in part is tried
 * at every position of the text, its anchored part too (a third of the cost over the
 * recorded logs).
 */
function onText(starts: RegExp[], anywhere: RegExp): { test: (text: string) => boolean; startAt: RegExp; anywhere: RegExp } {
  const spaced = (src: string): string => {
    if (/(?<!\\)[.^]|\\s|\[\^| [?*+{]/.test(src)) throw new Error(`onText: ${src} is not a test of literal spaces`)
    return src.replace(/ /g, '[ \\t]+').replace(/(?<!\\)\$/g, '\\s*$')
  }
  const parts = starts.map((r) => {
    if (!r.source.startsWith('^')) throw new Error(`onText: ${r.source} is not anchored`)
    return spaced(r.source.slice(1))
  })
  const alternatives = mergedFirstWords(parts)
  const start = new RegExp(`^\\s*(?:${alternatives})`)
  // literals only: no white space, class, wildcard or quantifier can match across messages;
  // no flags: it is also a test of its own (a global or sticky one would keep lastIndex)
  if (anywhere.flags || !/^(?:[^\\\s.[\]()|?*+{}^$]|\\[^\w\s])+(?:\|(?:[^\\\s.[\]()|?*+{}^$]|\\[^\w\s])+)*$/.test(anywhere.source))
    throw new Error(`onText: ${anywhere.source} is not an alternation of literals without white space, without flags`)
  return {
    test: (text) => start.test(text) || anywhere.test(text),
    // the first test from a position of a whole text (sticky, `$` at a line's end)
    startAt: new RegExp(`\\s*(?:${alternatives})`, 'ym'),
    anywhere
  }
}

/**
 * The alternation of `parts` (sources, spaced), their alternatives that start with any
 * first word (`\S+` and a space) tried as one: `\S+ X|\S+ Y` passes where `\S+ (?:X|Y)`
 * does, and reads the message's first word once, not once per alternative.
 */
export function mergedFirstWords(parts: string[]): string {
  const word = /^\(?\\S\+\)?\[ \\t\]\+/
  const kept: string[] = []
  const tails: string[] = []
  for (const p of parts)
    for (const alt of topLevelAlternatives(groupBody(p) ?? p)) {
      const w = word.exec(alt)
      if (w) tails.push(alt.slice(w[0].length))
      else kept.push(alt)
    }
  return [...kept, ...(tails.length ? [`\\S+[ \\t]+(?:${tails.join('|')})`] : [])].join('|')
}

/** A regular expression's source split at its `|` outside groups and classes. */
function topLevelAlternatives(src: string): string[] {
  const out: string[] = []
  let from = 0
  scan(src, (i, depth) => {
    if (src[i] === '|' && depth === 0) {
      out.push(src.slice(from, i))
      from = i + 1
    }
  })
  out.push(src.slice(from))
  return out
}

/** What a source that is one non-capturing group `(?:…)` holds, else null. */
function groupBody(src: string): string | null {
  if (!src.startsWith('(?:')) return null
  let closed = -1
  scan(src, (i, depth) => {
    if (src[i] === ')' && depth === 0 && closed < 0) closed = i
  })
  return closed === src.length - 1 ? src.slice(3, -1) : null
}

/** Each character of a source outside classes and escapes, with the depth of the groups it is in (a ')' outside its own). */
function scan(src: string, at: (i: number, depth: number) => void): void {
  let depth = 0
  let cls = false
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (c === '\\') i++
    else if (cls) cls = c !== ']'
    else if (c === '[') cls = true
    else {
      if (c === '(') depth++
      else if (c === ')') depth--
      at(i, depth)
    }
  }
}
