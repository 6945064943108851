// Which HugeTLB page sizes an architecture can register: the sizes its
// arch_hugetlb_valid_size() accepts (hugepagesz=) and its hugetlbpage_init() adds.
// A scenario's `hugetlb` list naming any other size describes a kernel that cannot
// exist; runModel() refuses it at the scenario line (no prediction is made for it).
//
//  x86_64     arch_hugetlb_valid_size() arch/x86/mm/hugetlbpage.c: PMD_SIZE (2 MiB), and
//             PUD_SIZE (1 GiB) when boot_cpu_has(X86_FEATURE_GBPAGES) (the pdpe1gb cpu
//             flag; accepted here: the scenario says the kernel registered it)
//  arm64      __hugetlb_valid_size() arch/arm64/mm/hugetlbpage.c and its "HugeTLB Support
//             Matrix": CONT_PTE_SIZE, PMD_SIZE, CONT_PMD_SIZE, and PUD_SIZE only when
//             pud_sect_supported() (PAGE_SIZE == SZ_4K):
//               4K  → 64 KiB, 2 MiB, 32 MiB, 1 GiB
//               16K → 2 MiB, 32 MiB, 1 GiB           (no PUD: 64 GiB is not a size)
//               64K → 2 MiB, 512 MiB, 16 GiB         (no PUD: 4 TiB is not a size)
//  riscv64    arch_hugetlb_valid_size() arch/riscv/mm/hugetlbpage.c: HPAGE_SIZE (PMD, 2 MiB),
//             PUD_SIZE (1 GiB) on 64-bit, and with Svnapot the NAPOT sizes is_napot_size()
//             lists (64 KiB: NAPOT_CONT_ORDER_BASE 4) from commit 82a1a1f3bfb6 ("riscv: mm:
//             support Svnapot in hugetlb page") (in v6.3); accepted at every version here
//  powerpc64  arch_hugetlb_valid_size() arch/powerpc/mm/hugetlbpage.c →
//             check_and_get_huge_psize() (book3s64): 2 MiB and 1 GiB with the radix MMU,
//             16 MiB and 16 GiB with the hash MMU; the scenario does not say which MMU,
//             so either pair is accepted
//  s390       arch_hugetlb_valid_size() arch/s390/mm/hugetlbpage.c: PMD_SIZE (1 MiB) with
//             EDAT1, PUD_SIZE (2 GiB) with EDAT2
//  loongarch64 no arch_hugetlb_valid_size(): the generic __weak one in mm/hugetlb.c
//             accepts HPAGE_SIZE only, the PMD (HPAGE_SHIFT = PAGE_SHIFT + PAGE_SHIFT − 3
//             arch/loongarch/include/asm/page.h): 2 MiB (4K), 32 MiB (16K), 512 MiB (64K)
//  x86        (32-bit) the generic one too (arch_hugetlb_valid_size() of x86 is
//             CONFIG_X86_64 only): HPAGE_SIZE = PMD_SIZE, 4 MiB (2-level) or 2 MiB (PAE)
//  powerpc, arm (32-bit): not checked (8xx/e500 and LPAE variants are not modelled)
//
// hugepagesz= went through arch_hugetlb_valid_size() from commit ae94da898133
// ("hugetlbfs: add arch_hugetlb_valid_size") (in v5.8); each arch's own hugepagesz=
// parser accepted the same sizes before. The arm64 PUD gate is pud_sect_supported() from
// commit f8b46c4b51ab ("arm64/mm: Add pud_sect_supported()") (in v5.16), an #ifdef
// CONFIG_ARM64_4K_PAGES before (the same sizes).
//
// A boot log's own "HugeTLB: registered" sizes are what the kernel did: one that does not
// fit the page size the log was read with is dropped with a warning (dropImpossibleHugeSizes()),
// not refused.

import type { Arch } from '../scenario/scenario.ts'
import type { KernelVersion } from './version.ts'
import { GiB, KiB, MiB } from './units.ts'

const ARM64_PUD_SECT = 'commit f8b46c4b51ab ("arm64/mm: Add pud_sect_supported()") (in v5.16)'
const RISCV_SVNAPOT = 'commit 82a1a1f3bfb6 ("riscv: mm: support Svnapot in hugetlb page") (in v6.3)'

export interface HugePageSizeRule {
  size: number
  /** the page-table level the size maps at (PMD, PUD, CONT_PTE, …) */
  level: string
  /** what the CPU must offer for the kernel to register it */
  needs?: string
}

export interface ValidHugePageSizes {
  sizes: HugePageSizeRule[]
  /** the kernel function that decides */
  ref: string
}

/** The huge page sizes `arch` with `pageSize` pages can register, or null when not checked. */
export function validHugePageSizes(arch: Arch, pageSize: number, o: { version: KernelVersion; paging?: string }): ValidHugePageSizes | null {
  switch (arch) {
    case 'x86_64':
      return {
        sizes: [
          { size: 2 * MiB, level: 'PMD' },
          { size: 1 * GiB, level: 'PUD', needs: 'the pdpe1gb cpu flag (X86_FEATURE_GBPAGES)' }
        ],
        ref: 'arch_hugetlb_valid_size() arch/x86/mm/hugetlbpage.c'
      }
    case 'arm64': {
      const ref = `__hugetlb_valid_size() arch/arm64/mm/hugetlbpage.c; PUD only with 4K pages: pud_sect_supported(), ${ARM64_PUD_SECT}`
      if (pageSize === 4 * KiB)
        return {
          sizes: [
            { size: 64 * KiB, level: 'CONT_PTE' },
            { size: 2 * MiB, level: 'PMD' },
            { size: 32 * MiB, level: 'CONT_PMD' },
            { size: 1 * GiB, level: 'PUD' }
          ],
          ref
        }
      if (pageSize === 16 * KiB)
        return {
          sizes: [
            { size: 2 * MiB, level: 'CONT_PTE' },
            { size: 32 * MiB, level: 'PMD' },
            { size: 1 * GiB, level: 'CONT_PMD' }
          ],
          ref
        }
      if (pageSize === 64 * KiB)
        return {
          sizes: [
            { size: 2 * MiB, level: 'CONT_PTE' },
            { size: 512 * MiB, level: 'PMD' },
            { size: 16 * GiB, level: 'CONT_PMD' }
          ],
          ref
        }
      return null
    }
    case 'riscv64':
      return {
        sizes: [
          // registered from v6.3 only; accepted for every version (no facts.ts row pins it yet)
          { size: 64 * KiB, level: 'NAPOT (order 4)', needs: 'the Svnapot extension and kernel 6.3+' },
          { size: 2 * MiB, level: 'PMD' },
          { size: 1 * GiB, level: 'PUD' }
        ],
        ref: `arch_hugetlb_valid_size() arch/riscv/mm/hugetlbpage.c; NAPOT sizes ${RISCV_SVNAPOT}`
      }
    case 'powerpc64':
      return {
        sizes: [
          { size: 2 * MiB, level: 'PMD', needs: 'the radix MMU' },
          { size: 16 * MiB, level: 'hash 16M', needs: 'the hash MMU' },
          { size: 1 * GiB, level: 'PUD', needs: 'the radix MMU' },
          { size: 16 * GiB, level: 'hash 16G', needs: 'the hash MMU' }
        ],
        ref: 'arch_hugetlb_valid_size() arch/powerpc/mm/hugetlbpage.c, check_and_get_huge_psize() arch/powerpc/include/asm/book3s/64/hugetlb.h'
      }
    case 's390':
      return {
        sizes: [
          { size: 1 * MiB, level: 'PMD (segment)', needs: 'EDAT1' },
          { size: 2 * GiB, level: 'PUD (region-third)', needs: 'EDAT2' }
        ],
        ref: 'arch_hugetlb_valid_size() arch/s390/mm/hugetlbpage.c'
      }
    case 'loongarch64': {
      const pmd = pageSize === 4 * KiB ? 2 * MiB : pageSize === 16 * KiB ? 32 * MiB : pageSize === 64 * KiB ? 512 * MiB : null
      return pmd === null
        ? null
        : { sizes: [{ size: pmd, level: 'PMD (HPAGE_SIZE)' }], ref: 'arch_hugetlb_valid_size() (__weak) mm/hugetlb.c: HPAGE_SIZE only; HPAGE_SHIFT arch/loongarch/include/asm/page.h' }
    }
    case 'x86':
      return {
        sizes: [{ size: o.paging === 'pae' ? 2 * MiB : 4 * MiB, level: 'PMD (HPAGE_SIZE)' }],
        ref: 'arch_hugetlb_valid_size() (__weak) mm/hugetlb.c: HPAGE_SIZE only; HPAGE_SHIFT = PMD_SHIFT arch/x86/include/asm/page_types.h'
      }
    default:
      return null
  }
}

/** `64 KiB`, `2 MiB`, `16 GiB`, or bytes when no binary unit divides the size. */
export function hugeSizeText(n: number): string {
  for (const [u, name] of [
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [KiB, 'KiB']
  ] as const)
    if (n >= u && n % u === 0) return `${n / u} ${name}`
  return `${n} bytes`
}

/** Why `size` cannot be a huge page size of this arch and page size, or null when it can. */
export function hugePageSizeError(size: number, arch: Arch, pageSize: number, o: { version: KernelVersion; paging?: string }): string | null {
  const valid = validHugePageSizes(arch, pageSize, o)
  if (!valid || valid.sizes.some((s) => s.size === size)) return null
  const list = valid.sizes.map((s) => `${hugeSizeText(s.size)} (${s.level}${s.needs ? `, needs ${s.needs}` : ''})`).join(', ')
  const pages = arch === 'arm64' || arch === 'loongarch64' ? ` with ${pageSize / KiB}K pages` : ''
  return `${arch}${pages} has no ${hugeSizeText(size)} huge pages: the sizes are ${list} (${valid.ref})`
}

/**
 * For scenarios read from logs and captures: drop listed sizes the arch cannot have with
 * the page size in use (the page size was guessed wrong, or the text was edited), each
 * with a warning, so that runModel() does not refuse what a kernel printed.
 */
export function dropImpossibleHugeSizes(
  s: { arch: Arch; pageSize?: number; paging?: string; hugetlb?: { size: number }[] },
  defaultPageSize: number,
  version: KernelVersion,
  warnings: string[]
): void {
  if (!s.hugetlb?.length) return
  const pageSize = s.pageSize ?? defaultPageSize
  s.hugetlb = s.hugetlb.filter((h) => {
    const bad = hugePageSizeError(h.size, s.arch, pageSize, { version, paging: s.paging })
    if (bad) warnings.push(`HugeTLB ${hugeSizeText(h.size)} ignored: ${bad}; is the page size right (--page-size)?`)
    return !bad
  })
}
