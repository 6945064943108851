// CANDIDATE (dmesg.ts) decides, on a message's text, which messages are ever folded and
// read: a message it passes over is skipped by parseLog(), expectedLines() and
// firstBoot(). It must pass wherever one of their tests on the folded text would.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CANDIDATE, FLAT_TESTS, fold, logMessages } from './dmesg.ts'
import { mulberry32 } from '../../../tests/prng.ts'

const fixtures = join(import.meta.dirname, '../../../tests/fixtures')
function logs(): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (e.name.endsWith('.log')) out.push(join(d, e.name))
    }
  }
  walk(fixtures)
  return out
}
const readBy = (flat: string): boolean => FLAT_TESTS.some((r) => r.test(flat))

describe('CANDIDATE: the test on the text that stands in for the tests on flat', () => {
  const files = logs()
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

  it('a re-joined message is tested on its joined text (a wrapped BIOS-e820 line starts irrelevant-looking)', () => {
    const msgs = logMessages('[    0.000000] Linux version 6.1.0 (x)\n[    0.000000] BIOS-e820:\n[mem 0x0000000000000000-0x000000000009fbff] usable\n[    0.000001] foo')
    expect(msgs.map((m) => [m.text, m.candidate])).toEqual([
      ['Linux version 6.1.0 (x)', true],
      ['BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable', true],
      ['foo', false]
    ])
  })
})
