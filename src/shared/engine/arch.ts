// Architecture presets as data: zones, section size, physical address bits, default
// huge page sizes and configuration defaults. Version-dependent values (arm64 section
// size, arm64 ZONE_DMA) come from the version profile.

import type { Arch } from '../scenario/scenario.ts'
import type { VersionProfile } from './profiles.ts'
import { GiB, KiB, MiB } from './units.ts'

export type ZoneName = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable' | 'Device'

export interface ArchPreset {
  arch: Arch
  /** zone_names[] order; Movable and Device are listed by config */
  pageSizes: number[]
  defaultPageSize: number
  /** SECTION_SIZE_BITS for a page size and profile */
  sectionSizeBits(pageSize: number, p: VersionProfile): number
  /** MAX_PHYSMEM_BITS */
  maxPhysmemBits(opts: { paging?: '4-level' | '5-level'; pageSize: number }): number
  defaults: {
    zoneDma: boolean
    zoneDma32: boolean
    zoneDevice: boolean
    numa: boolean
    hugetlbVmemmap: boolean
    structPageSize: number
    maxNumNodes: number
  }
  /** huge page sizes registered when the scenario does not list any */
  defaultHugePageSizes(pageSize: number): number[]
  /** HVO (ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) selectable in this version */
  hvoAvailable(p: VersionProfile): boolean
}

export const ARCH_PRESETS: Record<Arch, ArchPreset> = {
  x86_64: {
    arch: 'x86_64',
    pageSizes: [4 * KiB],
    defaultPageSize: 4 * KiB,
    // arch/x86/include/asm/sparsemem.h
    sectionSizeBits: () => 27,
    maxPhysmemBits: ({ paging }) => (paging === '5-level' ? 52 : 46),
    defaults: { zoneDma: true, zoneDma32: true, zoneDevice: true, numa: true, hugetlbVmemmap: true, structPageSize: 64, maxNumNodes: 1024 },
    defaultHugePageSizes: () => [2 * MiB, 1 * GiB],
    // x86_64 selects ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP since HVO was merged (5.14)
    hvoAvailable: () => true
  },
  arm64: {
    arch: 'arm64',
    pageSizes: [4 * KiB, 16 * KiB, 64 * KiB],
    defaultPageSize: 4 * KiB,
    // arch/arm64/include/asm/sparsemem.h: 30 until 5.11; 27 (4K/16K) / 29 (64K) from 5.12
    sectionSizeBits: (ps, p) => (ps === 64 * KiB ? p.arm64SectionBits64K : p.arm64SectionBits4K16K),
    maxPhysmemBits: () => 48,
    defaults: { zoneDma: true, zoneDma32: true, zoneDevice: false, numa: true, hugetlbVmemmap: true, structPageSize: 64, maxNumNodes: 64 },
    // arch/arm64/mm/hugetlbpage.c: CONT_PTE, PMD, CONT_PMD, PUD sizes
    defaultHugePageSizes: (ps) =>
      ps === 4 * KiB ? [64 * KiB, 2 * MiB, 32 * MiB, 1 * GiB] : ps === 16 * KiB ? [2 * MiB, 32 * MiB, 1 * GiB] : [2 * MiB, 512 * MiB, 16 * GiB],
    hvoAvailable: (p) => p.arm64Hvo
  }
}
