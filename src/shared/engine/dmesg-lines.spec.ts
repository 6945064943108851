// CANDIDATE (dmesg-lines.ts) on the recorded logs and on pasted forms of them.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { candidateMessages, fold, logMessages } from './dmesg.ts'
import { CANDIDATE, CANDIDATE_START, FLAT_TESTS, mergedFirstWords, relevant } from './dmesg-lines.ts'
import { recordedLogs } from '../../../tests/fixture-logs.ts'
import { mulberry32 } from '../../../tests/prng.ts'

// CANDIDATE decides, on a message's text, which messages are ever folded and read: a
// message it passes over is skipped by parseLog(), expectedLines() and firstBoot(). It
// must pass wherever one of their tests on the folded text would.
const readBy = (flat: string): boolean => FLAT_TESTS.some((r) => r.test(flat))

/**
 * Expects candidateMessages(log), which tests messages in place, to pick the messages that
 * CANDIDATE passes on when each is tested as a string of its own (logMessages()); returns
 * their lines.
 */
function expectCandidatesAsTested(log: string): number[] {
  const want = logMessages(log)
    .filter((x) => CANDIDATE.test(x.text))
    .map((x) => [x.line, x.text] as const)
  expect(
    candidateMessages(log).map((x) => [x.line, x.text]),
    JSON.stringify(log)
  ).toEqual(want)
  return want.map(([line]) => line)
}

describe('CANDIDATE: the test on the text that stands in for the tests on flat', () => {
  const files = recordedLogs()
  it('passes on every message of the recorded logs that a reader of the log reads', () => {
    expect(files.length).toBeGreaterThan(500)
    let read = 0
    let skipped = 0
    for (const f of files)
      for (const m of logMessages(readFileSync(f, 'utf8'))) {
        if (readBy(m.flat)) {
          read++
          expect(m.candidate, `${f}:${m.line}: ${m.text}`).toBe(true)
        } else if (!m.candidate) skipped++
      }
    // it is a filter: most messages are about other things
    expect(skipped).toBeGreaterThan(read)
  })

  it('passes on those messages re-spaced as mail and chat re-space them (runs of spaces and tabs, indentation, trailing blanks)', () => {
    const rnd = mulberry32(7)
    const runs = [' ', '  ', '\t', ' \t ', '   ']
    let n = 0
    for (const f of files.slice(0, 120))
      for (const m of logMessages(readFileSync(f, 'utf8'))) {
        if (!readBy(m.flat)) continue
        const respaced = runs[Math.floor(rnd() * 3)].repeat(Math.floor(rnd() * 2)) + m.flat.replace(/ /g, () => runs[Math.floor(rnd() * runs.length)]) + (rnd() < 0.3 ? ' \t' : '')
        expect(fold(respaced)).toBe(m.flat)
        expect(CANDIDATE.test(respaced), respaced).toBe(true)
        n++
      }
    expect(n).toBeGreaterThan(1000)
  })

  it('picks the messages whose own text it passes on: a line read in place as on its own', () => {
    // readMessages() tests a timestamped line where it stands in the text (a sticky test,
    // `$` before the line's end); what follows the message on its line, or the next line,
    // must change nothing
    const msgs = [
      'Zone ranges:',
      '  DMA      empty',
      '  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]',
      '  Node 0: 0x0000000100000000',
      '  node   0: [mem 0x0000000000001000-0x000000000009efff]',
      'Using PowerMac machine description',
      'NODE_DATA(0) allocated',
      'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
      'x ppc64 y',
      'foo bar',
      ''
    ]
    const ends = ['', ' \t', '\r', '\r\r', '\u2028', '\u2028x', '\u2029 ', '\u00a0x', '\u3000', ' x', '\rx', '\x1b[0m', '-']
    const prefixes = ['[    0.000000] ', '[    0.000000]', '[    1.000000] [    T1] ', '[T1] ', '']
    let n = 0
    for (const p of prefixes)
      for (const m of msgs)
        for (const e of ends)
          for (const nl of ['\n', '\r\n']) {
            const log = `[    0.000000] Linux version 6.1.0 (gcc)${nl}${p}${m}${e}${nl}[    0.000001]   DMA      empty${nl}`
            expectCandidatesAsTested(log)
            n++
          }
    expect(n).toBe(prefixes.length * msgs.length * ends.length * 2)
  })

  it('a line without a timestamp in a timestamped log loses its syslog prefixes, then continues the open message or starts one', () => {
    // read in place (no line string): `<N>`, a syslog or journal prefix and `kernel: `
    // go as the general reader's replaces remove them; a line starting with white space or
    // '#' (a state dump, a comment) is a message of its own
    const log = [
      '[    0.000000] Linux version 6.1.0 (gcc)',
      'kernel: built by x-',
      '<6>y',
      '[    0.000001] Zone ranges:',
      'Dec  3 10:00:00 host kernel:   DMA      empty',
      '<4>  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]  ',
      '#  a comment',
      '<6>',
      '[    0.000002] Movable zone start for each node',
      '<6>2026-12-03T10:00:00+00:00 host kernel:   Node 0: 0x0000000100000000',
      '[    0.000003] foo',
      '[    0.000004] bar'
    ]
    for (const nl of ['\n', '\r\n']) {
      const text = log.join(nl)
      expect(logMessages(text).map((x) => [x.line, x.text])).toEqual([
        [1, 'Linux version 6.1.0 (gcc) built by x-y'],
        [4, 'Zone ranges:'],
        [5, '  DMA      empty'],
        [6, '  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]'],
        [7, '#  a comment'],
        [8, ''],
        [9, 'Movable zone start for each node'],
        [10, '  Node 0: 0x0000000100000000'],
        [11, 'foo'],
        [12, 'bar']
      ])
      expect(candidateMessages(text).map((x) => [x.line, 'gap' in x && x.gap === true])).toEqual([
        [1, false],
        [4, false],
        [5, false],
        [6, false],
        [9, true],
        [10, false]
      ])
    }
  })

  it('a message holding a RELEVANT_ANYWHERE word anywhere is a candidate, wherever else in the text the word is', () => {
    // readMessages() tests a message read in place as a span of the whole text: a word in
    // another message, or split over two lines, does not make this one a candidate
    const log = [
      '[    0.000000] Linux version 6.1.0 (gcc) ppc64',
      '[    0.000001] Zone ranges: NODE_DATA',
      '[    0.000002] foo',
      '[    0.000003] bar Loongson',
      '[    0.000004] baz',
      '[    0.000005]\tx ppc64',
      '[    0.000006] built by (powerpc64le-linux-gnu-gcc',
      '[    0.000007] started  at\tEL2 and NODE_DATA',
      'Loongson',
      '[    0.000008] setup: Linux is running',
      '[    0.000009] machine',
      '[    0.000010] description',
      '[    0.000011] qux',
      '[    0.000012] ppc64'
    ]
    for (const nl of ['\n', '\r\n']) {
      const text = log.join(nl)
      expect(expectCandidatesAsTested(text)).toEqual([1, 2, 4, 6, 7, 8, 10, 14])
    }
  })

  it('a re-joined message is tested on its joined text (a wrapped BIOS-e820 line starts irrelevant-looking)', () => {
    const msgs = logMessages('[    0.000000] Linux version 6.1.0 (x)\n[    0.000000] BIOS-e820:\n[mem 0x0000000000000000-0x000000000009fbff] usable\n[    0.000001] foo')
    expect(msgs.map((m) => [m.text, m.candidate])).toEqual([
      ['Linux version 6.1.0 (x)', true],
      ['BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable', true],
      ['foo', false]
    ])
  })
})

describe('relevant: the messages parseLog() reads', () => {
  it('passes on the architecture evidence it tests at a message start, and on what it searches for anywhere', () => {
    // arm64 setup_arch()/smp, s390 setup_arch()/setup_memory_end(), loongarch cpu_probe(),
    // powerpc probe_machine(), setup_node_data(); each as parseLog() reads it (dmesg.ts)
    for (const t of [
      'CPU: All CPU(s) started at EL2',
      'CPU0: LoongArch revision is: 0014c010 (Loongson-64bit)',
      'setup: Linux is running under KVM in 64-bit mode',
      'setup: The maximum memory size is 4096MB',
      'hugetlbfs: disabling because there are no supported hugepage sizes',
      'Using pSeries machine description',
      'numa: NODE_DATA(0) on node 1',
      'NODE_DATA(0) allocated [mem 0x7fffd5000-0x7ffffffff]',
      'Kernel built by (powerpc64le-linux-gnu-gcc-12) 12.2.0',
      'x ppc64le',
      'foo Loongson-3A5000',
      'x (loongarch64-linux-gnu-gcc)'
    ]) {
      expect(relevant(t), t).toBe(true)
      expect(CANDIDATE.test(t), t).toBe(true)
    }
    expect(relevant('Using A-EON Amigaone X1000 machine description')).toBe(true)
    // what parseLog() reads only at a message's start is not searched for elsewhere
    expect(relevant('foo started at EL2')).toBe(false)
    expect(relevant('foo machine description')).toBe(false)
  })
})

describe('mergedFirstWords: the anchored test, its alternatives after any first word tried as one', () => {
  it('takes the alternatives out of a part that is one group, and merges those that start with a word and a space', () => {
    const w = '\\S+[ \\t]+'
    expect(mergedFirstWords([`(?:a|${w}b|(?:c|d)e)`, `(\\S+)${w.slice(3)}(f|g)\\s*$`, 'h[|)]|i', '(?:j)k'])).toBe(`a|(?:c|d)e|h[|)]|i|(?:j)k|${w}(?:b|(f|g)\\s*$)`)
    // a part holding no such alternative is kept as it is
    expect(mergedFirstWords(['(?:a|b)', 'c\\|d'])).toBe('a|b|c\\|d')
  })

  it("CANDIDATE_START reads a message's first word once: one alternative starts with it", () => {
    const starts = CANDIDATE_START.source.match(/\\S\+\[ \\t\]\+/g) ?? []
    expect(starts).toHaveLength(1)
    // and it still passes on each kind of line those alternatives stood for
    for (const t of ['  DMA      [mem 0x0000000000001000-0x0000000000ffffff]', '  Normal   empty', '  DMA zone: 64 pages used for memmap', 'foo [mem 0x1000']) {
      CANDIDATE_START.lastIndex = 0
      expect(CANDIDATE_START.test(t), t).toBe(true)
    }
    CANDIDATE_START.lastIndex = 0
    expect(CANDIDATE_START.test('  DMA      emptyish')).toBe(false)
  })
})
