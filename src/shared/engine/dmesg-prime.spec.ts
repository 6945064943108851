// The primer's texts take the reader paths dmesg-prime.ts says they do: each expectation
// below is what a path does (readMessages() in dmesg.ts), so a text that stopped taking
// one would fail here rather than leave a path without type feedback.
import { describe, expect, it } from 'vitest'
import { candidateMessages, logMessages } from './dmesg.ts'
import { PRIMER_LOGS } from './dmesg-prime.ts'

const read = (i: number): [number, string][] => logMessages(PRIMER_LOGS[i]).map((m) => [m.line, m.text])

describe('the log readers primer', () => {
  it('a timestamped CR LF log: cleaned lines, joins, a caller id, a dump and a blank line', () => {
    expect(read(0)).toEqual([
      // after firmware noise and a terminal reset (ESC c); console escapes removed
      [1, 'Linux version 6.1.0 (gcc)'],
      [2, 'Zone ranges:'],
      // a no-break space is a space (trailing: trimmed); after an inner CR, `y` has no
      // timestamp and continues the message before it
      [3, '  DMA      [mem 0x0000000000001000-0x0000000000ffffff] y'],
      [5, 'ab'],
      // a CONFIG_PRINTK_CALLER id after the timestamp
      [6, 'On node 0 totalpages: 4095'],
      // a wrapped line joined after a space, a dash-ended one without
      [7, 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable'],
      [9, 'built by x-y'],
      // an indented line without a timestamp is a message of its own; a blank line is one
      [11, '  state dump'],
      [12, ''],
      [13, 'NODE_DATA(0) allocated']
    ])
    // CANDIDATE: anchored (Linux version, Zone ranges, a block line, On node, BIOS-e820) and anywhere (NODE_DATA)
    expect(candidateMessages(PRIMER_LOGS[0]).map((m) => m.line)).toEqual([1, 2, 3, 6, 7, 13])
  })

  it('a log without timestamps, every line indented: one space dropped, syslog prefixes removed, an unfinished line joined', () => {
    expect(read(1)).toEqual([
      [1, 'Linux version 6.1.0 (gcc)'],
      [3, 'Zone ranges:'],
      [4, '  DMA      [mem 0x0000000000001000-0x0000000000ffffff]'],
      [5, '  Normal   empty'],
      [6, 'foo']
    ])
  })

  it('quoted mail: the quoting removed, the timestamp read after it', () => {
    expect(read(2)).toEqual([
      [1, 'Linux version 6.1.0 (gcc)'],
      [2, 'Zone ranges: foo']
    ])
  })

  it('every text is one-byte (no character above U+00FF): a two-byte one would make the readers slower for all logs', () => {
    for (const t of PRIMER_LOGS) expect([...t].filter((c) => c.charCodeAt(0) > 0xff)).toEqual([])
  })

  it('caller ids alone at the lines’ start are read as timestamps', () => {
    expect(read(3)).toEqual([
      [1, 'Linux version 6.1.0 (gcc)'],
      [2, 'Zone ranges:']
    ])
  })
})
