import { describe, expect, it } from 'vitest'
import { afterSyslogPrefixes, SYSLOG } from './syslog.ts'

/** afterSyslogPrefixes() on the second line of a text, as the message it leaves */
const rest = (line: string): string => {
  const s = `[    0.000000] x\n${line}\nnext`
  const off = s.indexOf('\n') + 1
  const end = s.indexOf('\n', off)
  return s.slice(afterSyslogPrefixes(s, off, end), end)
}

describe('afterSyslogPrefixes', () => {
  it('skips a priority, a syslog or journal prefix and `kernel: `, in that order, as the replaces of a line string do', () => {
    const lines = [
      '<6>Zone ranges:',
      '<12>kernel: Zone ranges:',
      'Nov 21 10:00:01 host kernel: Zone ranges:',
      'Nov  1 10:00:01 host kernel:   DMA      empty',
      '2026-11-21T10:00:01+0000 host kernel: BIOS-e820: [mem 0x0-0xfff] usable',
      '<6>Nov 21 10:00:01 host kernel: kernel: x',
      'kernel: kernel: x',
      'kernel:x',
      '<6>',
      '<>x',
      '<6',
      'Nov 21 10:00:01 host kernel:',
      'Nov 21 10:00:01 kernel: x',
      '  <6>x',
      ''
    ]
    for (const l of lines)
      expect(rest(l), l).toBe(
        l
          .replace(/^<\d+>/, '')
          .replace(SYSLOG, '')
          .replace(/^kernel: /, '')
      )
  })

  it('never reads past the end of its line', () => {
    expect(rest('<6>kernel:')).toBe('kernel:')
    expect(rest('Nov 21 10:00:01 host')).toBe('Nov 21 10:00:01 host')
  })
})
