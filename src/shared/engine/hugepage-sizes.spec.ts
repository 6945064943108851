// Huge page sizes per arch and page size, from each arch's arch_hugetlb_valid_size()
// (arch/*/mm/hugetlbpage.c) and page-table geometry; an impossible size is a located
// error on its scenario line and no report is made.
import { describe, expect, it } from 'vitest'
import { analyzeSource, bootlogSource } from './index.ts'
import { formatDiagnostic } from './report.ts'
import { hugePageSizeError, validHugePageSizes } from './hugepage-sizes.ts'
import { parseKernelVersion } from './version.ts'
import { ARCH_PRESETS } from './arch.ts'
import type { Arch } from '../scenario/scenario.ts'

const K = 1024
const M = K * K
const G = M * K
const v = (s: string) => parseKernelVersion(s)!
const sizes = (arch: Arch, pageSize: number, version = '6.12', paging?: string) => validHugePageSizes(arch, pageSize, { version: v(version), paging })!.sizes.map((s) => s.size)

describe('validHugePageSizes(): the sizes arch_hugetlb_valid_size() accepts', () => {
  it('x86_64: PMD_SIZE 2 MiB (PMD_SHIFT 21) and PUD_SIZE 1 GiB (PUD_SHIFT 30, X86_FEATURE_GBPAGES)', () => {
    expect(sizes('x86_64', 4 * K)).toEqual([2 ** 21, 2 ** 30])
    expect(validHugePageSizes('x86_64', 4 * K, { version: v('6.12') })!.sizes[1].needs).toMatch(/pdpe1gb/)
  })
  // arm64 geometry: a table holds PAGE_SIZE / 8 entries, so PMD_SHIFT = 2·PAGE_SHIFT − 3 and
  // PUD_SHIFT = 3·PAGE_SHIFT − 6; CONT_PTES = 16 / 128 / 32 and CONT_PMDS = 16 / 32 / 32 for
  // 4K / 16K / 64K (arch/arm64/include/asm/pgtable-hwdef.h CONT_PTE_SHIFT, CONT_PMD_SHIFT)
  it('arm64 4K: CONT_PTE 16·4 KiB, PMD 2^21, CONT_PMD 16·2 MiB, PUD 2^30', () => {
    expect(sizes('arm64', 4 * K)).toEqual([16 * 4 * K, 2 ** (2 * 12 - 3), 16 * 2 * M, 2 ** (3 * 12 - 6)])
    expect(sizes('arm64', 4 * K)).toEqual([64 * K, 2 * M, 32 * M, 1 * G])
  })
  it('arm64 16K: CONT_PTE 128·16 KiB, PMD 2^25, CONT_PMD 32·32 MiB; no PUD (pud_sect_supported() is 4K only)', () => {
    expect(sizes('arm64', 16 * K)).toEqual([128 * 16 * K, 2 ** (2 * 14 - 3), 32 * 32 * M])
    expect(sizes('arm64', 16 * K)).toEqual([2 * M, 32 * M, 1 * G])
    // PUD_SIZE with 16K pages would be 2^(3·14 − 6) = 64 GiB: not a HugeTLB size
    expect(hugePageSizeError(2 ** 36, 'arm64', 16 * K, { version: v('6.12') })).toMatch(/arm64 with 16K pages has no 64 GiB huge pages.*pud_sect_supported\(\), commit f8b46c4b51ab/)
  })
  it('arm64 64K: CONT_PTE 32·64 KiB, PMD 2^29, CONT_PMD 32·512 MiB; no PUD', () => {
    expect(sizes('arm64', 64 * K)).toEqual([32 * 64 * K, 2 ** (2 * 16 - 3), 32 * 512 * M])
    expect(sizes('arm64', 64 * K)).toEqual([2 * M, 512 * M, 16 * G])
  })
  it('riscv64: PMD 2 MiB, PUD 1 GiB and the Svnapot NAPOT size, order 4 · 4 KiB (82a1a1f3bfb6, 6.3)', () => {
    expect(sizes('riscv64', 4 * K, '6.3')).toEqual([2 ** 4 * 4 * K, 2 * M, 1 * G])
    expect(validHugePageSizes('riscv64', 4 * K, { version: v('6.3') })!.sizes[0].needs).toMatch(/Svnapot/)
  })
  it('powerpc64: radix 2 MiB / 1 GiB, hash 16 MiB / 16 GiB (check_and_get_huge_psize())', () => {
    expect(sizes('powerpc64', 64 * K)).toEqual([2 * M, 16 * M, 1 * G, 16 * G])
  })
  it('s390: PMD 1 MiB (EDAT1), PUD 2 GiB (EDAT2)', () => {
    expect(sizes('s390', 4 * K)).toEqual([1 * M, 2 * G])
  })
  it('loongarch64: HPAGE_SIZE only, HPAGE_SHIFT = 2·PAGE_SHIFT − 3', () => {
    expect([4 * K, 16 * K, 64 * K].map((ps) => sizes('loongarch64', ps))).toEqual([[2 ** 21], [2 ** 25], [2 ** 29]])
  })
  it('32-bit x86: HPAGE_SIZE = PMD_SIZE: 4 MiB with 2-level paging, 2 MiB with PAE', () => {
    expect(sizes('x86', 4 * K, '6.1', '2-level')).toEqual([4 * M])
    expect(sizes('x86', 4 * K, '6.1', 'pae')).toEqual([2 * M])
  })
  it('32-bit arm and powerpc are not checked', () => {
    expect(validHugePageSizes('arm', 4 * K, { version: v('6.1') })).toBeNull()
    expect(hugePageSizeError(3 * M, 'powerpc', 4 * K, { version: v('6.1') })).toBeNull()
  })
  it("every preset's default sizes are valid sizes", () => {
    for (const p of Object.values(ARCH_PRESETS))
      for (const ps of p.pageSizes)
        for (const paging of [undefined, 'pae'])
          for (const size of p.defaultHugePageSizes(ps, paging)) expect(hugePageSizeError(size, p.arch, ps, { version: v('6.12'), paging }), `${p.arch} ${ps} ${size}`).toBeNull()
  })
})

const x86 = (hugetlb: string) => `kernel: "6.1"
arch: x86_64
firmware:
  kind: e820
  map:
    - { start: 0, size: 640K, type: usable }
    - { start: 1M, end: 4G, type: usable }
hugetlb:
${hugetlb}`

describe('a scenario naming an impossible size', () => {
  it('x86_64 refuses 3M, 1M, 4K and 16G at the size line, with the sizes it has', () => {
    for (const [bad, text] of [
      ['3M', '3 MiB'],
      ['1M', '1 MiB'],
      ['4K', '4 KiB'],
      ['16G', '16 GiB']
    ]) {
      const src = x86(`  - { size: 2M, pages: 16 }\n  - { size: ${bad} }\n`)
      for (const r of [analyzeSource(src, 'hp.yaml'), bootlogSource(src, 'hp.yaml')]) {
        expect(r.ok).toBe(false)
        const d = r.diagnostics.find((x) => x.severity === 'error')!
        expect(d.path).toBe('hugetlb[1].size')
        expect(formatDiagnostic('hp.yaml', d)).toMatch(
          new RegExp(`^hp\\.yaml:10:\\d+: error: hugetlb\\[1\\]\\.size: x86_64 has no ${text} huge pages: the sizes are 2 MiB \\(PMD\\), 1 GiB \\(PUD, needs the pdpe1gb`)
        )
      }
    }
  })
  it('x86_64 accepts 2M and 1G and predicts a HugeTLB line for each (6.1: report_hugepages())', () => {
    const r = bootlogSource(x86('  - { size: 2M }\n  - { size: 1G }\n'), 'hp.yaml')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    // 2 MiB: 512 struct pages · 64 B = 32 KiB of vmemmap, minus the one page HVO keeps = 28 KiB;
    // 1 GiB: 262144 · 64 B = 16 MiB, minus 4 KiB = 16380 KiB
    expect(r.report.lines.filter((l) => l.startsWith('HugeTLB'))).toEqual(['HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page', 'HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page'])
  })
  it('arm64 with 16K pages refuses 64K (4K-only CONT_PTE) and accepts 2M, 32M, 1G', () => {
    const arm = (hugetlb: string) => `kernel: "6.12"\narch: arm64\npageSize: 16K\nfirmware:\n  kind: dt\n  map:\n    - { start: 0x40000000, size: 2G, type: memory }\nhugetlb:\n${hugetlb}`
    expect(analyzeSource(arm('  - { size: 2M }\n  - { size: 32M }\n  - { size: 1G }\n'), 'a.yaml').ok).toBe(true)
    const r = analyzeSource(arm('  - { size: 64K }\n'), 'a.yaml')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', line: 9, path: 'hugetlb[0].size' })
    expect(r.diagnostics[0].message).toMatch(/arm64 with 16K pages has no 64 KiB huge pages: the sizes are 2 MiB \(CONT_PTE\), 32 MiB \(PMD\), 1 GiB \(CONT_PMD\)/)
  })
})

describe('a boot log: the sizes the kernel registered are kept, unless the page size contradicts them', () => {
  it('a 4K arm64 boot keeps 1 GiB, 32 MiB, 2 MiB and 64 KiB; read as 16K, 64 KiB is dropped with a warning', async () => {
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const log = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/kernel-boots/arm64-s101-000.log'), 'utf8')
    const asIs = analyzeSource(log, 'boot.log')
    expect(asIs.ok).toBe(true)
    if (!asIs.ok) return
    expect(asIs.report.scenario.hugetlb!.map((h) => h.size).sort((a, b) => a - b)).toEqual([64 * K, 2 * M, 32 * M, 1 * G])
    // with 16K pages arm64 has 2 MiB, 32 MiB and 1 GiB: only the 4K-only CONT_PTE 64 KiB goes
    const as16 = analyzeSource(log, 'boot.log', { pageSize: 16 * K })
    expect(as16.ok).toBe(true)
    if (!as16.ok) return
    expect(as16.report.scenario.hugetlb!.map((h) => h.size).sort((a, b) => a - b)).toEqual([2 * M, 32 * M, 1 * G])
    expect(as16.diagnostics.map((d) => d.message).join('\n')).toMatch(/HugeTLB 64 KiB ignored: arm64 with 16K pages has no 64 KiB huge pages.*--page-size/)
  })
})
