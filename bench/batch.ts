// `memmap-workbench batch` (issue #10): throughput on the recorded boots against one
// process per file, and peak memory over a large generated input set. Run by
// bench/run.ts (`npm run bench`), or alone: `node --import tsx bench/batch.ts`.
// Targets: ≥ 1000 logs/s per core, ≥ 5× one process per file, memory flat in the number
// of inputs (peak RSS over 100 000 inputs within 64 MiB of the peak over 10 000).
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const repo = join(import.meta.dirname, '..')
const cli = join(repo, 'bin/memmap-workbench.mjs')
const met = (c: boolean): string => (c ? 'MET' : 'MISSED')

/** The recorded logs: tests/fixtures/kernel-versions/*\/*.log, kernel-boots, qemu-boots, real-dmesg. */
function fixtureLogs(): string[] {
  const root = join(repo, 'tests/fixtures')
  const out: string[] = []
  for (const v of readdirSync(join(root, 'kernel-versions')).sort()) for (const f of readdirSync(join(root, 'kernel-versions', v)).sort()) if (f.endsWith('.log')) out.push(join(root, 'kernel-versions', v, f))
  for (const d of ['kernel-boots', 'qemu-boots', 'real-dmesg']) for (const f of readdirSync(join(root, d)).sort()) if (f.endsWith('.log')) out.push(join(root, d, f))
  return out
}

/** Wall time of a command, and the peak RSS of its process (VmHWM, all threads), sampled until it exits. */
function measure(args: string[]): Promise<{ ms: number; peakKiB: number; code: number | null; err: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    let peakKiB = 0
    child.stderr.on('data', (b: Buffer) => (err += b))
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]))
      } catch {
        // exited between samples: VmHWM only grows, the last sample stands
      }
    }
    const timer = setInterval(sample, 25)
    child.on('close', (code) => {
      clearInterval(timer)
      resolve({ ms: performance.now() - t0, peakKiB, code, err })
    })
  })
}

export async function benchBatch(): Promise<void> {
  spawnSync(process.execPath, [cli, '--version'], { cwd: repo, stdio: 'ignore' }) // builds dist/cli when stale
  const cores = availableParallelism()
  const logs = fixtureLogs()
  // three links per recorded log: enough inputs that the workers' start is a small part
  const farm = mkdtempSync(join(tmpdir(), 'mw-batch-bench-'))
  const copies = 3
  for (let c = 0; c < copies; c++) logs.forEach((f, i) => symlinkSync(f, join(farm, `${c}-${i}.log`)))
  const n = logs.length * copies

  console.log(`\nbatch: ${n} inputs (${logs.length} recorded logs × ${copies}), compiled CLI, records to /dev/null, ${cores} cores`)
  const all = await measure([cli, 'batch', farm, '--diff', '-o', '/dev/null', '--jobs', String(cores)])
  const one = await measure([cli, 'batch', farm, '--diff', '-o', '/dev/null', '--jobs', '1'])
  const rateAll = n / (all.ms / 1000)
  const rateOne = n / (one.ms / 1000)
  // the CPU time the command reports (all its threads): logs per CPU second is the rate of
  // a core it has to itself, which wall time on a shared machine does not show
  const cpuOf = (r: { err: string }): number => Number(/, ([\d.]+) s CPU\)/.exec(r.err)?.[1] ?? NaN)
  const perCpu = n / cpuOf(one)
  console.log(`  --jobs ${cores}: ${(all.ms / 1000).toFixed(2)} s, ${rateAll.toFixed(0)} logs/s, ${(rateAll / cores).toFixed(0)} per core; ${cpuOf(all).toFixed(1)} s CPU; peak RSS ${(all.peakKiB / 1024).toFixed(0)} MiB`)
  console.log(`  --jobs 1: ${(one.ms / 1000).toFixed(2)} s, ${rateOne.toFixed(0)} logs/s; ${cpuOf(one).toFixed(1)} s CPU = ${perCpu.toFixed(0)} logs per CPU second (${((cpuOf(one) * 1000) / n).toFixed(2)} ms per log; target ≥ 1000 per core: ${met(perCpu >= 1000)})`)

  // one process per file: `bootlog --diff FILE` (less work than a batch record, which also
  // runs the memmap checks), on 40 files spread over the set, extrapolated to all of them
  const sample = Array.from({ length: 40 }, (_, i) => logs[Math.floor((i * logs.length) / 40)])
  const t0 = performance.now()
  for (const f of sample) spawnSync(process.execPath, [cli, 'bootlog', '--diff', f], { cwd: repo, stdio: 'ignore' })
  const perFile = (performance.now() - t0) / sample.length
  const extrapolated = perFile * n
  const ratio = extrapolated / all.ms
  console.log(`  one process per file: ${perFile.toFixed(0)} ms per file (40 sampled), ${(extrapolated / 1000).toFixed(1)} s for ${n}; batch is ${ratio.toFixed(1)}× faster (target ≥ 5×: ${met(ratio >= 5)})`)
  rmSync(farm, { recursive: true, force: true })

  // memory over many inputs: small generated scenarios, 10 000 and then 100 000 of them
  const big = Number(process.env.MW_BENCH_BATCH_FILES ?? 100_000)
  const dir = mkdtempSync(join(tmpdir(), 'mw-batch-many-'))
  const gen = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)).padStart(3, '0'))
      if (i % 1000 === 0) mkdirSync(sub, { recursive: true })
      writeFileSync(join(sub, `s${i}.yaml`), `kernel: "6.6"\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, last: 0x9efff, type: usable }\n    - { start: 1M, end: ${1 + (i % 64)}G, type: usable }\n`)
    }
  }
  const small = Math.min(10_000, big)
  gen(0, small)
  const r10 = await measure([cli, 'batch', dir, '-o', '/dev/null'])
  gen(small, big)
  const r100 = await measure([cli, 'batch', dir, '-o', '/dev/null'])
  rmSync(dir, { recursive: true, force: true })
  const growth = (r100.peakKiB - r10.peakKiB) / 1024
  console.log(`  peak RSS: ${(r10.peakKiB / 1024).toFixed(0)} MiB over ${small} scenarios (${(small / (r10.ms / 1000)).toFixed(0)}/s), ${(r100.peakKiB / 1024).toFixed(0)} MiB over ${big} (${(big / (r100.ms / 1000)).toFixed(0)}/s); growth ${growth.toFixed(0)} MiB (target flat, ≤ 64 MiB: ${met(growth <= 64)})`)
  for (const r of [all, one, r10, r100]) if (r.code !== 0 && r.code !== 1) console.log(`  (a run ended with exit code ${r.code}: ${r.err.trim().split('\n').pop()})`)
}

if (process.argv[1] === import.meta.filename) await benchBatch()
