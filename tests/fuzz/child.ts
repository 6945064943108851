// One parser's fuzz run in its own process, for scripts/fuzz.ts: it says which input it
// starts (so the parent can tell a hang and kill it) and how each one went, so nothing
// done is lost when the parent kills it.
//   node --import tsx tests/fuzz/child.ts PARSER N SEED FROM
import { HANG_MS, judge, mutate, parsers } from './fuzz.ts'
import { mulberry32 } from '../prng.ts'

export interface ChildMessage {
  start?: number
  /** input i: read (ok) or refused, its time, and what was wrong with the answer */
  result?: { i: number; ok: boolean; ms: number; problem: string | null; input?: string }
}

const [name, n, seed, from] = process.argv.slice(2)
const p = parsers().find((x) => x.name === name)
if (!p || !process.send) throw new Error(`no parser ${name}, or not started by scripts/fuzz.ts`)
const send = (m: ChildMessage): void => void process.send!(m)
const waiting = new Map<number, () => void>()
process.on('message', (m: { go?: number }) => {
  if (m.go !== undefined) waiting.get(m.go)?.()
})
const go = (i: number): Promise<void> => new Promise((resolve) => waiting.set(i, resolve))
const rng = mulberry32(Number(seed))
for (let i = 0; i < Number(n); i++) {
  // the same mutants as fuzz() makes from this seed; those before FROM are made, not run
  const k = Math.floor(rng() * p.seeds.length)
  const input = mutate(p.seeds[k], rng)
  if (i < Number(from)) continue
  // lockstep: the parent's watchdog is armed (and has read this process's CPU time)
  // before the input runs; a child that ran ahead while its messages sat in a full pipe
  // would look hung to it
  send({ start: i })
  await go(i)
  const o = judge(p, input, p.against?.[k])
  const problem = o.problem ?? (o.ms > HANG_MS ? `took ${o.ms.toFixed(0)} ms of CPU time (a hang is over ${HANG_MS} ms)` : null)
  send({ result: { i, ok: o.ok, ms: o.ms, problem, ...(problem ? { input } : {}) } })
}
process.send({}, () => process.exit(0))
