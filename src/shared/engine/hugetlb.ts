// HugeTLB vmemmap optimisation (HVO) as the kernel reports it at boot
// (mm/hugetlb.c report_hugepages(), mm/hugetlb_vmemmap.h
// hugetlb_vmemmap_optimizable_size()).

import type { VersionProfile } from './profiles.ts'
import { isPowerOf2 } from './units.ts'

/**
 * string_get_size(size, 1, STRING_UNITS_2): three significant digits, e.g. `2.00 MiB`,
 * `64.0 KiB`, `256 MiB`, `1.00 GiB` (lib/string_helpers.c).
 */
export function stringGetSize2(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
  if (bytes === 0) return '0 B'
  let size = bytes
  let i = 0
  let remainder = 0
  while (size >= 1024) {
    remainder = size % 1024
    size = Math.floor(size / 1024)
    i++
  }
  let j = 0
  let sf = size
  while (sf * 10 < 1000) {
    sf *= 10
    j++
  }
  remainder = (remainder * 1000) >> 10
  remainder += [500, 50, 5][j]
  if (remainder >= 1000) {
    remainder -= 1000
    size += 1
  }
  const tmp = j ? ('.' + String(remainder).padStart(3, '0')).slice(0, j + 1) : ''
  return `${size}${tmp} ${units[i]}`
}

/**
 * hugetlb_vmemmap_optimizable_size(): bytes of vmemmap HVO frees for one huge page:
 * the page's struct pages minus the vmemmap pages it keeps; 0 when HVO is unavailable
 * or sizeof(struct page) is not a power of two.
 */
export function hvoFreedBytes(hugePageSize: number, o: { pageSize: number; structPageSize: number; hvo: boolean; profile: VersionProfile }): number {
  if (!o.hvo) return 0
  if (!isPowerOf2(o.structPageSize)) return 0
  const vmemmap = (hugePageSize / o.pageSize) * o.structPageSize
  const size = vmemmap - o.profile.hvoReservedPages * o.pageSize
  return size > 0 ? size : 0
}

/** The `HugeTLB: … vmemmap …` line for one hstate, or null when the version prints none. */
export function hugetlbVmemmapLine(hugePageSize: number, o: { pageSize: number; structPageSize: number; hvo: boolean; profile: VersionProfile }): string | null {
  const freed = hvoFreedBytes(hugePageSize, o)
  switch (o.profile.hugetlbVmemmapLine) {
    case 'kib-freed':
      return `HugeTLB: ${Math.floor(freed / 1024)} KiB vmemmap can be freed for a ${stringGetSize2(hugePageSize)} page`
    case 'can-free':
    case 'can-optimize':
      // hugetlb_vmemmap_init(): printed only when there is something to free
      return freed ? `HugeTLB: can ${o.profile.hugetlbVmemmapLine === 'can-free' ? 'free' : 'optimize'} ${freed / o.pageSize} vmemmap pages for hugepages-${hugePageSize / 1024}kB` : null
    default:
      return null
  }
}
