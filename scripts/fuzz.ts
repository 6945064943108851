// `npm run fuzz`: 10^5 seeded mutants per parser (scenario YAML and JSON, boot logs, every
// capture importer; tests/fuzz/fuzz.ts makes and judges them), each parser in its own
// process on every core. A child that has spent 2 s of CPU on one input is a hang: it
// is killed, the input is kept, and the run goes on from the next one. The tally per
// parser: inputs, read/refused, problems (throws, errors without file:line:col, broken
// numbers), hangs, mean and slowest time. Inputs that fail are written to fuzz-out/.
//   npm run fuzz [-- --n 100000 --seed 1 --only boot]
import { fork } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { ChildMessage } from '../tests/fuzz/child.ts'
import { HANG_MS, mutate, parsers, type Tally } from '../tests/fuzz/fuzz.ts'
import { mulberry32 } from '../tests/prng.ts'

const arg = (k: string, d: string): string => {
  const i = process.argv.indexOf(`--${k}`)
  return i > 0 ? process.argv[i + 1] : d
}
const N = Number(arg('n', '100000'))
const SEED = Number(arg('seed', '1'))
const only = new RegExp(arg('only', ''), 'i')
const repo = join(import.meta.dirname, '..')
const out = join(repo, 'fuzz-out')
const all = parsers().filter((p) => only.test(p.name))

interface Row extends Tally {
  hangs: number[]
  wallMs: number
}

/** A child's CPU time (user + system) in ms from /proc (Linux); elsewhere Infinity, so the wall clock decides. */
function childCpuMs(pid: number | undefined): number {
  try {
    // fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK
  } catch {
    return Infinity
  }
}
const CLK_TCK = 100

/** The input a parser's run made at index i (the same mutants again, from the seed). */
function inputAt(name: string, i: number): string {
  const p = all.find((x) => x.name === name)!
  const rng = mulberry32(SEED)
  let input = ''
  for (let k = 0; k <= i; k++) input = mutate(p.seeds[Math.floor(rng() * p.seeds.length)], rng)
  return input
}

function runParser(name: string): Promise<Row> {
  const row: Row = { parser: name, inputs: 0, accepted: 0, refused: 0, problems: [], slowest: 0, totalMs: 0, hangs: [], wallMs: 0 }
  const t0 = performance.now()
  return new Promise((resolve) => {
    const start = (from: number): void => {
      const child = fork(join(repo, 'tests/fuzz/child.ts'), [name, String(N), String(SEED), String(from)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      let current = from
      let done = from
      let timer: NodeJS.Timeout | null = null
      let started = false
      let cpuAtStart = 0
      const arm = (): void => {
        if (timer) clearTimeout(timer)
        cpuAtStart = childCpuMs(child.pid)
        const check = (): void => {
          // a hang is HANG_MS of the child's CPU time on one input: on a busy machine the
          // wall clock runs on while the child waits for a core, so look again
          if (started && childCpuMs(child.pid) - cpuAtStart < HANG_MS) {
            timer = setTimeout(check, HANG_MS)
            return
          }
          row.hangs.push(current)
          child.kill('SIGKILL')
        }
        // the first input waits for the child to load; every later one gets HANG_MS
        timer = setTimeout(check, started ? HANG_MS : 120_000)
      }
      arm()
      child.on('message', (m: ChildMessage) => {
        if (m.start !== undefined) {
          started = true
          current = m.start
          arm()
          child.send({ go: m.start })
        }
        if (m.result) {
          const r = m.result
          if (timer) clearTimeout(timer)
          row.inputs++
          if (r.ok) row.accepted++
          else row.refused++
          row.totalMs += r.ms
          row.slowest = Math.max(row.slowest, r.ms)
          if (r.problem) row.problems.push({ seed: SEED, index: r.i, problem: r.problem, input: row.problems.length < 20 ? (r.input ?? '') : '' })
          done = r.i + 1
        }
      })
      child.on('exit', (code, signal) => {
        if (timer) clearTimeout(timer)
        if (done < N && row.hangs.at(-1) === current) start(current + 1)
        else if (done < N) {
          // died on its own (out of memory, a native crash): a problem, and go on
          row.inputs++
          row.problems.push({ seed: SEED, index: current, problem: `the process died (${signal ?? `exit ${code}`}) on this input`, input: inputAt(name, current) })
          start(current + 1)
        } else {
          row.wallMs = performance.now() - t0
          resolve(row)
        }
      })
    }
    start(0)
  })
}

console.log(`fuzz: ${N} mutants per parser, seed ${SEED}, ${all.length} parsers on ${availableParallelism()} cores; a hang is ${HANG_MS} ms of CPU time on one input`)
const rows: Row[] = []
const queue = [...all.map((p) => p.name)]
await Promise.all(
  Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const r = await runParser(name)
      rows.push(r)
      const inputs = r.inputs + r.hangs.length
      console.log(
        `  ${r.parser.padEnd(20)} ${String(inputs).padStart(7)} inputs  ${String(r.accepted).padStart(6)} read  ${String(r.refused).padStart(6)} refused  ` +
          `${String(r.problems.length).padStart(3)} problems  ${String(r.hangs.length).padStart(3)} hangs  mean ${(r.totalMs / Math.max(1, r.inputs)).toFixed(2)} ms  slowest ${r.slowest.toFixed(0)} ms  (${(r.wallMs / 1000).toFixed(0)} s)`
      )
      if (r.problems.length || r.hangs.length) {
        mkdirSync(out, { recursive: true })
        for (const x of r.problems.slice(0, 20)) writeFileSync(join(out, `${r.parser.replace(/\W+/g, '-')}-${x.index}.txt`), `${x.problem}\n---\n${x.input}`)
        for (const i of r.hangs.slice(0, 20)) writeFileSync(join(out, `${r.parser.replace(/\W+/g, '-')}-hang-${i}.txt`), inputAt(r.parser, i))
        for (const x of r.problems.slice(0, 3)) console.log(`      #${x.index}: ${x.problem.split('\n')[0]}`)
      }
    }
  })
)
const problems = rows.reduce((s, r) => s + r.problems.length, 0)
const hangs = rows.reduce((s, r) => s + r.hangs.length, 0)
const inputs = rows.reduce((s, r) => s + r.inputs + r.hangs.length, 0)
console.log(`fuzz: ${inputs} inputs, ${problems} problems (crashes and bad errors), ${hangs} hangs${problems + hangs ? `; inputs in ${out}` : ''}`)
process.exit(problems + hangs ? 1 : 0)
