// Where in a scenario a failing check comes from, so an editor can mark the line that
// causes it (the struct page options for struct page checks, the huge page list for HVO,
// the namespace for a PMEM check, …).

import type { Scenario } from '../../scenario/scenario.ts'
import type { Check } from './types.ts'

export function checkPath(c: Check, s: Scenario): (string | number)[] {
  const id = c.id
  const pmem = s.memmap?.pmem ?? []
  const ns = pmem.findIndex((p, i) => id.startsWith(`${p.name ?? `namespace${i}.0`}.`))
  if (ns >= 0) return ['memmap', 'pmem', ns]
  if (id.startsWith('struct-page.') || id.startsWith('kmsan.')) {
    if (s.memmap?.structPage) return id.startsWith('kmsan.') ? ['memmap', 'structPage', 'kmsan'] : ['memmap', 'structPage']
    if (s.config?.structPageSize !== undefined) return ['config', 'structPageSize']
    return ['kernel']
  }
  if (id.startsWith('hvo.eligibility.') || id.startsWith('folio.hugepage-aligned.')) {
    const i = (s.hugetlb ?? []).findIndex((h) => id.endsWith(`.${h.size}`) || id.endsWith(`.${label(h.size)}`))
    if (i >= 0) return ['hugetlb', i]
    if (s.memmap?.structPage) return ['memmap', 'structPage']
    return s.hugetlb ? ['hugetlb'] : ['arch']
  }
  if (id.startsWith('hvo.')) return s.config?.hugetlbVmemmap !== undefined ? ['config', 'hugetlbVmemmap'] : ['arch']
  if (id.startsWith('vmemmap.kaslr')) return s.memmap?.kaslr !== undefined ? ['memmap', 'kaslr'] : ['arch']
  if (id.startsWith('nomap.')) return ['firmware', 'map']
  return ['kernel']
}

/** 2097152 → 2M, as the HVO check ids name huge page sizes */
function label(bytes: number): string {
  for (const [u, s] of [
    [2 ** 30, 'G'],
    [2 ** 20, 'M'],
    [2 ** 10, 'K']
  ] as const)
    if (bytes % u === 0) return `${bytes / u}${s}`
  return String(bytes)
}
