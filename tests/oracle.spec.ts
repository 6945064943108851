// The real kernel is the oracle: every recorded boot and every real dmesg fixture is
// run through `bootlog --diff` (in process). QEMU boots and the x86_64/arm64 real logs
// whose index says memtotal_ok must match exactly; for the other architectures the exact
// rate is printed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bootlogSource } from '../src/shared/engine/index.ts'

const root = join(import.meta.dirname, 'fixtures')

interface Case {
  id: string
  file: string
  arch: string
  kernel?: string
  strict: boolean
}

function qemuCases(dir: string): Case[] {
  const d = join(root, dir)
  if (!existsSync(d)) return []
  return readdirSync(d)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => ({ id: `${dir}/${f}`, file: join(d, f), arch: f.startsWith('arm64') ? 'arm64' : 'x86_64', strict: true }))
}

function realCases(): Case[] {
  const d = join(root, 'real-dmesg')
  const rows = readFileSync(join(d, 'index.tsv'), 'utf8').trim().split('\n').slice(1)
  return rows.map((r) => {
    const [id, arch, kernel, ok] = r.split('\t')
    return { id: `real-dmesg/${id}`, file: join(d, `${id}.log`), arch, kernel: kernel === 'None' ? undefined : kernel, strict: ok === 'True' && (arch === 'x86_64' || arch === 'arm64') }
  })
}

function check(c: Case, transform: (source: string) => string = (x) => x): { exact: boolean; detail: string } {
  const source = transform(readFileSync(c.file, 'utf8'))
  const hasVersion = /Linux version \d/.test(source)
  const r = bootlogSource(source, c.file, { ...(c.kernel && !hasVersion ? { kernel: c.kernel } : {}) })
  if (!r.ok) return { exact: false, detail: r.diagnostics.map((d) => d.message).join('; ') }
  const diff = r.report.diff
  if (!diff) return { exact: false, detail: 'no diff' }
  return {
    exact: diff.equal,
    detail: diff.lines
      .filter((l) => l.op !== ' ')
      .map((l) => `${l.op} ${l.text}`)
      .join('\n')
  }
}

const qemu = [...qemuCases('qemu-boots'), ...qemuCases('kernel-boots')]
const real = realCases()

/** How logs reach us: white space folded by mail or chat, timestamps stripped (dmesg -t, journal). */
const TIMESTAMP = /\[\s*\d+\.\d{6}\](?:\s*\[\s*[TC]\d+\])? ?/
const PASTED: Record<string, (source: string) => string> = {
  'white space folded': (s) =>
    s
      .split('\n')
      .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
      .join('\n'),
  'timestamps removed': (s) =>
    s
      .split('\n')
      .map((l) => l.replace(TIMESTAMP, ''))
      .join('\n'),
  both: (s) =>
    s
      .split('\n')
      .map((l) =>
        l
          .replace(TIMESTAMP, '')
          .replace(/[ \t\u00a0]+/g, ' ')
          .trim()
      )
      .join('\n')
}

describe('recorded QEMU boots (Linux 6.1, x86_64 and arm64)', () => {
  it('has at least the shared boots', () => expect(qemu.length).toBeGreaterThanOrEqual(24))
  for (const c of qemu) {
    it(`${c.id} matches the kernel byte for byte`, () => {
      const r = check(c)
      expect(r.detail, r.detail).toBe('')
      expect(r.exact).toBe(true)
    })
  }
})

describe('real machines (dmesg from kernel bug reports)', () => {
  const results = real.map((c) => ({ c, r: check(c) }))
  for (const { c, r } of results.filter((x) => x.c.strict)) {
    it(`${c.id} (${c.arch}, ${c.kernel}) matches the kernel byte for byte`, () => {
      expect(r.detail, r.detail).toBe('')
      expect(r.exact).toBe(true)
    })
  }
  // every log the engine reproduces, it reproduces as people paste it
  for (const { c } of results.filter((x) => x.r.exact)) {
    it(`${c.id} stays exact with its white space folded and its timestamps removed`, () => {
      for (const [form, f] of Object.entries(PASTED)) {
        const p = check(c, f)
        expect(p.detail, `${form}: ${p.detail}`).toBe('')
        expect(p.exact, form).toBe(true)
      }
    })
  }
  it('exact rates per architecture do not drop (x86_64 64/64, arm64 15/15, powerpc 20/20, riscv64 2/2, arm 1/1, x86_32 4/4)', () => {
    const floor: Record<string, number> = { x86_64: 64, arm64: 15, powerpc: 20, riscv64: 2, arm: 1, x86_32: 4 }
    for (const [arch, n] of Object.entries(floor)) expect(results.filter((x) => x.c.arch === arch && x.r.exact).length, arch).toBeGreaterThanOrEqual(n)
  })
  it('reports the exact rate per architecture', () => {
    const by = new Map<string, { exact: number; total: number }>()
    for (const { c, r } of results) {
      const k = c.arch
      const e = by.get(k) ?? { exact: 0, total: 0 }
      e.total++
      if (r.exact) e.exact++
      by.set(k, e)
    }
    const lines = [...by.entries()].sort().map(([k, v]) => `  ${k.padEnd(8)} ${v.exact}/${v.total} exact (${((100 * v.exact) / v.total).toFixed(0)}%)`)
    console.log(`oracle: real-dmesg exact rate per architecture\n${lines.join('\n')}`)
    expect(by.size).toBeGreaterThan(1)
  })
})
