// Issue #10, "Scale": every engine pass is linear in firmware ranges. analyzeSource() (the
// CLI's `analyze` and the app's worker: YAML read, schema check, memblock, NUMA, zones,
// sections, holes, memmap report, policies, views' data, boot-log lines) on generated
// scenarios of 10^4, 10^5 and 10^6 ranges, each size in a fresh process so its peak RSS
// is its own. Run by bench/run.ts (`npm run bench`), or alone:
//   node --import tsx bench/ranges.ts [e820|uefi|dt ...]
// Targets: each 10x step costs ≤ 12x (CPU time of analyzeSource, user + system: the
// machine is shared, wall time is printed beside it); the 10^6 row finishes; peak RSS
// ≤ 256 MiB + 2 KiB per range (2.2 GiB at 10^6; it was > 3.7 GB with no answer at 10^6).
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const repo = join(import.meta.dirname, '..')
const SIZES = [1e4, 1e5, 1e6]
const STEP_TARGET = 12
const rssBoundMiB = (n: number): number => 256 + (2 * n) / 1024
const met = (c: boolean): string => (c ? 'MET' : 'MISSED')

export type Kind = 'e820' | 'uefi' | 'dt'

/**
 * A scenario of exactly n firmware ranges in flow style, as the examples write them.
 * e820: alternating usable/reserved (2 MiB steps above 4 GiB, after the low 640K);
 * uefi (arm64): alternating conventional/runtime-data, so every other descriptor is a
 * NOMAP island in memblock.memory; dt (arm64): /memory blocks with a no-map carve-out each.
 */
export function rangesScenario(n: number, kind: Kind = 'e820'): string {
  const parts: string[] = []
  writeRanges(n, kind, (chunk) => parts.push(chunk))
  return parts.join('')
}

/** rangesScenario() in chunks of ~1 MB, so a 60 MB scenario is written without holding it. */
function writeRanges(n: number, kind: Kind, write: (chunk: string) => void): void {
  const hex = (v: number): string => `0x${v.toString(16)}`
  let chunk = ['name: scale', 'kernel: "6.6"', `arch: ${kind === 'e820' ? 'x86_64' : 'arm64'}`, 'firmware:', `  kind: ${kind}`, '  map:', ''].join('\n')
  let count = 0
  const range = (line: string): void => {
    if (count++ >= n) return
    chunk += line + '\n'
    if (chunk.length > 1 << 20) {
      write(chunk)
      chunk = ''
    }
  }
  if (kind === 'e820') range('    - { start: 0, last: 0x9efff, type: usable }')
  for (let a = 0x100000000; count < n; a += 0x200000) {
    if (kind === 'e820') {
      range(`    - { start: ${hex(a)}, last: ${hex(a + 0x1ff000 - 1)}, type: usable }`)
      range(`    - { start: ${hex(a + 0x1ff000)}, last: ${hex(a + 0x200000 - 1)}, type: reserved }`)
    } else if (kind === 'uefi') {
      range(`    - { start: ${hex(a)}, size: 0x1ff000, type: conventional, attrs: [WB] }`)
      range(`    - { start: ${hex(a + 0x1ff000)}, size: 4K, type: runtime-data, attrs: [RUN, WB] }`)
    } else {
      range(`    - { start: ${hex(a)}, size: 2M, type: memory }`)
      range(`    - { start: ${hex(a + 0x1ff000)}, size: 4K, type: no-map }`)
    }
  }
  write(chunk)
}

interface Row {
  n: number
  cpuMs: number
  wallMs: number
  peakMiB: number
  ok: boolean
  regions: number
  diagnostics: string
}

/** In the child: warm up on 10^3 ranges, read the file as the CLI does, then one analyzeSource(). */
async function child(file: string, kind: Kind): Promise<void> {
  const { analyzeSource } = await import('../src/shared/engine/index.ts')
  analyzeSource(rangesScenario(1000, kind), 'warm-up.yaml')
  const src = readFileSync(file, 'utf8')
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const r = analyzeSource(src, 'scale.yaml')
  const wallMs = performance.now() - t0
  const c = process.cpuUsage(c0)
  const row: Row = {
    n: 0,
    cpuMs: (c.user + c.system) / 1000,
    wallMs,
    peakMiB: process.resourceUsage().maxRSS / 1024,
    ok: r.ok,
    regions: r.ok ? r.report.memblock.memory.length : 0,
    diagnostics: r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.severity}: ${d.message}`).join('; ')
  }
  process.stdout.write(JSON.stringify(row) + '\n')
}

export function benchRanges(kinds: Kind[] = ['e820', 'uefi']): boolean {
  let all = true
  const dir = mkdtempSync(join(tmpdir(), 'mw-ranges-'))
  for (const kind of kinds) {
    console.log(`\nanalyze by number of firmware ranges, ${kind} (each size in its own process; target: each 10x step ≤ ${STEP_TARGET}x in CPU time, peak RSS ≤ 256 MiB + 2 KiB per range)`)
    let prev: Row | null = null
    for (const n of SIZES) {
      const file = join(dir, `${kind}-${n}.yaml`)
      const fd = openSync(file, 'w')
      writeRanges(n, kind, (chunk) => writeSync(fd, chunk))
      closeSync(fd)
      const mib = statSync(file).size / 1048576
      const p = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ranges.ts'), '--child', file, kind], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 20 })
      rmSync(file)
      const line = p.stdout.trim().split('\n').pop() ?? ''
      if (p.status !== 0 || !line.startsWith('{')) {
        console.log(`  ${String(n).padStart(7)} ranges  did not finish (exit ${p.status ?? p.signal}): ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`)
        all = false
        prev = null
        continue
      }
      const row = JSON.parse(line) as Row
      const step = prev ? row.cpuMs / prev.cpuMs : 0
      const memOk = row.peakMiB <= rssBoundMiB(n)
      const stepOk = !prev || step <= STEP_TARGET
      all &&= row.ok && memOk && stepOk
      console.log(
        `  ${String(n).padStart(7)} ranges (${mib.toFixed(1).padStart(4)} MB)  cpu ${(row.cpuMs / 1000).toFixed(2).padStart(6)} s  wall ${(row.wallMs / 1000).toFixed(2).padStart(6)} s` +
          (prev ? `  ${step.toFixed(1).padStart(4)}x the previous (${met(stepOk)})` : '                          ') +
          `  peak RSS ${row.peakMiB.toFixed(0).padStart(5)} MiB (≤ ${rssBoundMiB(n).toFixed(0)}: ${met(memOk)})  ${row.regions} memblock regions${row.ok ? '' : `  FAILED: ${row.diagnostics}`}`
      )
      prev = row
    }
  }
  rmSync(dir, { recursive: true, force: true })
  return all
}

if (process.argv[1] === import.meta.filename) {
  const i = process.argv.indexOf('--child')
  if (i > 0) void child(process.argv[i + 1], process.argv[i + 2] as Kind)
  else {
    const kinds = process.argv.slice(2).filter((k): k is Kind => k === 'e820' || k === 'uefi' || k === 'dt')
    benchRanges(kinds.length ? kinds : undefined)
  }
}
