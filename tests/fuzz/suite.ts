// The bounded fuzz run inside `npm test` (issue 12): 2 000 seeded mutants per parser of the
// examples, recorded boots and recorded captures (tests/fuzz/fuzz.ts says how they are
// made). Every answer is a report with finite numbers or `file:line:col: error:` inside
// the input; nothing throws, nothing takes over 2 s. `npm run fuzz` runs 10^5 per parser.
// Split over three spec files so vitest runs them side by side.
import { expect, it } from 'vitest'
import { fuzz, parsers } from './fuzz.ts'

export const BOUNDED = 2000
const SEED = 12

export function fuzzSuite(names: RegExp): void {
  for (const p of parsers().filter((x) => names.test(x.name))) {
    it(`${p.name}: ${BOUNDED} mutants of ${p.seeds.length} seeds, no throw, no hang, errors at file:line:col`, () => {
      const t = fuzz(p, BOUNDED, SEED)
      const shown = t.problems.slice(0, 5).map((x) => `#${x.index}: ${x.problem}\n--- input (first 400 chars) ---\n${x.input.slice(0, 400)}`)
      expect(shown.join('\n\n')).toBe('')
      // both answers happen: mutants reach past the first line and still get refused
      expect(t.accepted, 'some mutants are still read').toBeGreaterThan(BOUNDED / 50)
      expect(t.refused, 'some mutants are refused').toBeGreaterThan(BOUNDED / 50)
    })
  }
}
