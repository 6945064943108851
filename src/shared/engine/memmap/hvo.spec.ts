import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { hvoArchAvailability, hvoHugePage, hvoPools } from './hvo.ts'
import { bootlogLines } from '../bootlog.ts'
import { runModel } from '../model.ts'

const v = (s: string) => parseKernelVersion(s)!
const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const x86 = (ver: string, S = 64) => ({ version: v(ver), arch: 'x86_64', structPageSize: S })

describe('vmemmap freed per huge page (hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h)', () => {
  it('frees 7 pages (28 KiB) of a 2 MiB page and 4095 (16380 KiB) of a 1 GiB page with S = 64', () => {
    const p2m = hvoHugePage(2 * MiB, x86('6.1'))
    expect(p2m).toMatchObject({ structPages: 512, vmemmapPages: 8, keptPages: 1, freedPages: 7, freedBytes: 28 * KiB, eligible: true })
    const p1g = hvoHugePage(1 * GiB, x86('6.1'))
    expect(p1g).toMatchObject({ vmemmapPages: 4096, freedPages: 4095, freedBytes: 16380 * KiB })
  })
  it('prints the kernel line of 6.0+ (report_hugepages())', () => {
    expect(hvoHugePage(2 * MiB, x86('6.1')).line).toBe('HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page')
    expect(hvoHugePage(1 * GiB, x86('6.19')).line).toBe('HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page')
    // S = 80: not a power of two, nothing is freed but the line is still printed
    expect(hvoHugePage(2 * MiB, x86('6.6', 80)).line).toBe('HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page')
  })
  it('kept 2 pages in the 5.14 era (6 / 4094 freed)', () => {
    expect(hvoHugePage(2 * MiB, x86('5.14')).freedPages).toBe(6)
    expect(hvoHugePage(1 * GiB, x86('5.17')).freedPages).toBe(4094)
    expect(hvoHugePage(2 * MiB, x86('5.14')).line).toBe('HugeTLB: can free 6 vmemmap pages for hugepages-2048kB')
    expect(hvoHugePage(2 * MiB, x86('5.18')).freedPages).toBe(7)
  })
  it('with 64K base pages: a 2 MiB page is not optimizable, a 512 MiB page frees 7 pages', () => {
    const ctx = { version: v('6.1'), arch: 'arm64', structPageSize: 64, pageSize: 64 * KiB }
    const small = hvoHugePage(2 * MiB, ctx)
    expect(small.eligible).toBe(false)
    expect(small.freedPages).toBe(0)
    const c = small.checks.find((x) => x.id === 'hvo.eligibility.2M')!
    // never optimizable by design (its struct pages fit in the kept page): a fact, not a warning
    expect(c).toMatchObject({ pass: false, severity: 'info' })
    expect(hvoHugePage(512 * MiB, ctx)).toMatchObject({ vmemmapPages: 8, freedPages: 7, eligible: true })
    // the v7.1 rule n·S ≥ 2·PS gives the same answers
    expect(hvoHugePage(2 * MiB, { ...ctx, version: v('7.1') }).eligible).toBe(false)
    expect(hvoHugePage(512 * MiB, { ...ctx, version: v('7.1') }).eligible).toBe(true)
  })
  it('frees nothing when struct page is not a power of two', () => {
    const r = hvoHugePage(1 * GiB, x86('6.6', 80))
    expect(r.eligible).toBe(false)
    expect(r.checks[0].pass).toBe(false)
    // the struct page size is what stands in the way: a warning
    expect(r.checks[0].severity).toBe('warning')
  })
})

describe('architecture availability per version', () => {
  const avail = (arch: string, ver: string) => hvoArchAvailability(arch, v(ver)).available
  it('x86_64 from 5.14; riscv from 6.3; loongarch from 6.2; powerpc never', () => {
    expect(avail('x86_64', '5.13')).toBe(false)
    expect(avail('x86_64', '5.14')).toBe(true)
    expect(avail('riscv64', '6.2')).toBe(false)
    expect(avail('riscv64', '6.3')).toBe(true)
    expect(avail('loongarch', '6.2')).toBe(true)
    expect(avail('powerpc64', '6.6')).toBe(false)
  })
  it('arm64 5.19–6.2, dropped by stable 6.1.16 and 6.2.3', () => {
    expect(avail('arm64', '5.18')).toBe(false)
    expect(avail('arm64', '5.19')).toBe(true)
    expect(avail('arm64', '6.1.15')).toBe(true)
    expect(avail('arm64', '6.1.16')).toBe(false)
    expect(avail('arm64', '6.2.2')).toBe(true)
    expect(avail('arm64', '6.2.3')).toBe(false)
    expect(avail('arm64', '6.3')).toBe(false)
  })
  it('s390 6.2–6.17, dropped by 6.18 and stable 6.12.58', () => {
    expect(avail('s390', '6.1')).toBe(false)
    expect(avail('s390', '6.2')).toBe(true)
    expect(avail('s390', '6.12.57')).toBe(true)
    expect(avail('s390', '6.12.58')).toBe(false)
    expect(avail('s390', '6.17')).toBe(true)
    expect(avail('s390', '6.18')).toBe(false)
  })
  it('fails the arch check on arm64 6.1.16 and prints 0 KiB', () => {
    const ctx = { version: v('6.1.16'), arch: 'arm64', structPageSize: 64 }
    const pools = hvoPools([{ hugePageSize: 2 * MiB, pages: 100 }], ctx)
    expect(pools.checks.find((c) => c.id === 'hvo.arch')!.pass).toBe(false)
    expect(pools.freedBytes).toBe(0)
    expect(pools.pages[0].line).toBe('HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page')
  })
})

describe('configured pools', () => {
  it('multiplies the per-page saving by the pool size', () => {
    const r = hvoPools(
      [
        { hugePageSize: 2 * MiB, pages: 1024 },
        { hugePageSize: 1 * GiB, pages: 4 }
      ],
      x86('6.6')
    )
    expect(r.freedBytes).toBe(1024 * 28 * KiB + 4 * 16380 * KiB)
    expect(r.sharedTailPages).toBe(0)
    expect(r.figures.find((f) => f.id === 'hvo.page.2M.fake-heads')!.value).toBe(7)
    expect(r.figures.find((f) => f.id === 'hvo.pool.1G.freed-bytes')!.value).toBe(4 * 16380 * KiB)
  })
  it('7.1: one shared tail page per (zone, order), no fake heads', () => {
    const r = hvoPools(
      [
        { hugePageSize: 2 * MiB, pages: 1024, zones: 2 },
        { hugePageSize: 1 * GiB, pages: 4 }
      ],
      x86('7.1')
    )
    expect(r.sharedTailPages).toBe(3)
    expect(r.netFreedBytes).toBe(1024 * 28 * KiB + 4 * 16380 * KiB - 3 * 4096)
    expect(r.figures.some((f) => f.id.endsWith('fake-heads'))).toBe(false)
    for (const f of r.figures) expect(f.ref && f.versions).toBeTruthy()
  })
})

describe("the kernel's own HugeTLB lines in the recorded boots", () => {
  it('hvoHugePage() prints exactly what Debian 6.1 printed, for every registered size', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { parseKernelVersion } = await import('../version.ts')
    const dir = join(import.meta.dirname, '../../../../tests/fixtures/kernel-boots')
    let compared = 0
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.log'))) {
      const log = readFileSync(join(dir, f), 'utf8')
      const arch = f.startsWith('arm64') ? 'arm64' : 'x86_64'
      const lines = [...log.matchAll(/HugeTLB: (\d+ KiB vmemmap can be freed for a (\S+ \S+) page)/g)]
      for (const [, line, label] of lines) {
        const [n, unit] = label.split(' ')
        const bytes = Math.round(Number(n) * { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[unit as 'KiB'])
        const r = hvoHugePage(bytes, { version: parseKernelVersion('6.1.192')!, arch, structPageSize: 64 })
        expect(r.line, f).toBe(`HugeTLB: ${line}`)
        compared++
      }
    }
    expect(compared).toBeGreaterThan(150)
  })
})

describe('riscv64 as built: SPARSEMEM_VMEMMAP with HVO', () => {
  const riscv = (kernel: string): string[] =>
    bootlogLines(runModel({ kernel, arch: 'riscv64', firmware: { kind: 'dt', map: [{ start: 0x80000000, end: 0x180000000, type: 'memory' }] }, hugetlb: [{ size: 2 ** 21 }] }))
      .filter((l) => l.kind === 'hugetlb-vmemmap')
      .map((l) => l.text)
  it('6.8 prints 28 KiB for a 2 MiB page (riscv HVO since a3c7d6b642e4, v6.3; SPARSEMEM_VMEMMAP as built)', () => {
    expect(riscv('6.8')).toEqual(['HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page'])
  })
  it('6.2 has no riscv HVO: 0 KiB', () => expect(riscv('6.2')).toEqual(['HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page']))
})
