// NVDIMM pfn device (fsdax/devdax "map=dev|mem") reservation: drivers/nvdimm/pfn_devs.c
// nd_pfn_init(), nd_pfn_validate(), __nvdimm_setup_pfn(); drivers/nvdimm/nd.h
// MAX_STRUCT_PAGE_SIZE; drivers/nvdimm/pfn.h struct nd_pfn_sb; memremap_compat_align()
// mm/memremap.c. Versions come from facts.ts.
//
// Figure ids (stable):
//   pfn.max-struct-page-size  MAX_STRUCT_PAGE_SIZE in force
//   pfn.npfns                 PHYS_PFN(size − SZ_8K)
//   pfn.align                 max(nd_pfn->align, memremap_compat_align())
//   pfn.end-trunc             start + size − ALIGN_DOWN(start + size, align)
//   pfn.page-map-size         PFN_MODE_PMEM: MAX_STRUCT_PAGE_SIZE × npfns
//   pfn.offset                dataoff: ALIGN(start + SZ_8K [+ page map], align) − start
//   pfn.data-pages            PHYS_PFN(size − offset − end_trunc)
//   pfn.usable-bytes          data pages × PAGE_SIZE
//   pfn.lost-bytes            size − usable (info block + page map + padding + end_trunc)
//   pfn.lost-percent
//   pfn.page-struct-size      info-block page_struct_size written
//   pfn.altmap-free-pfns      PFN_MODE_PMEM: PHYS_PFN(offset − info-block reserve)
//   pfn.ram-memmap-bytes      PFN_MODE_RAM: memmap the namespace costs in System RAM
// Check ids: pfn.start-aligned, pfn.struct-page-size, pfn.alignment-satisfiable,
//   pfn.offset-aligned, pfn.reprobe-struct-page-size, pfn.reprobe-page-size.

import { cite, holds, sinceOf, versionsOf, type FactId } from '../facts.ts'
import type { KernelVersion } from '../version.ts'
import type { Check, Figure } from './types.ts'

const SZ_8K = 8192

/**
 * Why CONFIG_NVDIMM_KMSAN cannot be set: drivers/nvdimm/Kconfig declares it `bool` with no
 * prompt, `depends on KMSAN`, and nothing selects it, so page_struct_override =
 * IS_ENABLED(CONFIG_NVDIMM_KMSAN) is always false (c91d71363084).
 */
export const NVDIMM_KMSAN_NOT_SETTABLE =
  'CONFIG_NVDIMM_KMSAN cannot be enabled: drivers/nvdimm/Kconfig declares it a bool without a prompt that nothing selects, so page_struct_override is always false'

/** How nd_pfn_init() sizes the page map in a version. */
export interface PageMapRule {
  /** bytes reserved per pfn */
  max: number
  /**
   * 'hardcoded': 64 × npfns, no check (before 5.4); 'build-check': BUILD_BUG_ON(sizeof(struct
   * page) > MAX_STRUCT_PAGE_SIZE); 'einval': -EINVAL for PFN_MODE_PMEM unless page_struct_override
   */
  kind: 'hardcoded' | 'build-check' | 'einval'
  fact: FactId
}

export function pageMapRule(v: KernelVersion | undefined): PageMapRule {
  if (!v || holds('pfn-page-struct-override', v)) return { max: 64, kind: 'einval', fact: 'pfn-page-struct-override' }
  if (holds('pfn-max-struct-page-128', v)) return { max: 128, kind: 'build-check', fact: 'pfn-max-struct-page-128' }
  if (holds('pfn-max-struct-page-size', v)) return { max: 64, kind: 'build-check', fact: 'pfn-max-struct-page-size' }
  return { max: 64, kind: 'hardcoded', fact: 'pfn-max-struct-page-size' }
}

export interface PfnDevInput {
  /** namespace resource start and size (bytes) */
  start: number
  size: number
  /** PFN_MODE_PMEM ("map=dev", memmap in the device) or PFN_MODE_RAM ("map=mem") */
  mode: 'pmem' | 'ram'
  /** sizeof(struct page) of the running kernel */
  structPageSize: number
  /** nd_pfn->align (default 2 MiB, PMD_SIZE with THP) */
  align?: number
  pageSize?: number
  /** memremap_compat_align(): SUBSECTION_SIZE (2 MiB) by default, 16 MiB on ppc64 */
  memremapCompatAlign?: number
  /** picks the page-map rule (pageMapRule()); without it: today's code */
  version?: KernelVersion
  /** explicit MAX_STRUCT_PAGE_SIZE (64, 128 = the 6.1 change, 80 = the option discussed), with today's -EINVAL */
  maxStructPageSize?: number
  /** an info block written earlier (re-probe by nd_pfn_validate()) */
  existing?: { versionMinor?: number; pageStructSize?: number; pageSize?: number }
}

export interface PfnDevResult {
  /** nd_pfn_init() succeeds and the info block validates */
  ok: boolean
  /** the kernel's message for the first failure */
  error: string | null
  maxStructPageSize: number
  align: number
  npfns: number
  endTrunc: number
  pageMapSize: number
  offset: number
  dataPages: number
  usableBytes: number
  lostBytes: number
  pageStructSize: number
  figures: Figure[]
  checks: Check[]
}

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a
const alignDown = (x: number, a: number): number => Math.floor(x / a) * a
const isAligned = (x: number, a: number): boolean => x % a === 0

/** nd_pfn_init() for a new info block, then the nd_pfn_validate() checks. */
export function pfnDevLayout(input: PfnDevInput): PfnDevResult {
  const ps = input.pageSize ?? 4096
  const S = input.structPageSize
  const compat = input.memremapCompatAlign ?? 2 * 1024 * 1024
  const rule = input.maxStructPageSize !== undefined ? { ...pageMapRule(undefined), max: input.maxStructPageSize } : pageMapRule(input.version)
  const max = rule.max
  // page_struct_override = IS_ENABLED(CONFIG_NVDIMM_KMSAN): never set (NVDIMM_KMSAN_NOT_SETTABLE)
  const override = false
  const hasOverride = rule.kind === 'einval'
  const align = Math.max(input.align ?? 2 * 1024 * 1024, compat)
  const { start, size } = input
  const npfns = Math.floor((size - SZ_8K) / ps)
  const endTrunc = start + size - alignDown(start + size, align)
  const pmem = input.mode === 'pmem'
  const tooBig = S > max
  const pageMapSize = pmem ? (tooBig && override ? S : max) * npfns : 0
  // BUILD_BUG_ON is compile time: it stops every mode; -EINVAL and the 64-byte slots only PMEM
  const sizeMatters = pmem || rule.kind === 'build-check'
  const offset = pmem ? alignUp(start + SZ_8K + pageMapSize, align) - start : alignUp(start + SZ_8K, align) - start
  const satisfiable = offset < size - endTrunc
  const dataPages = satisfiable ? Math.floor((size - offset - endTrunc) / ps) : 0
  const usable = dataPages * ps
  const pageStructSize = S > max && override ? S : max
  const infoReserve = alignUp(SZ_8K, ps)

  const refInit = 'nd_pfn_init() drivers/nvdimm/pfn_devs.c'
  const refValidate = 'nd_pfn_validate() drivers/nvdimm/pfn_devs.c'
  const verMax =
    input.maxStructPageSize !== undefined
      ? `what-if with ${versionsOf('pfn-page-struct-override')} code`
      : rule.kind === 'hardcoded'
        ? `< ${sinceOf('pfn-max-struct-page-size')}`
        : versionsOf(rule.fact)
  const vers = `${versionsOf('memremap-compat-align')} (memremap_compat_align()), page map per version`

  const checks: Check[] = []
  checks.push({
    id: 'pfn.start-aligned',
    title: 'namespace start is aligned to memremap_compat_align()',
    pass: isAligned(start, compat),
    severity: 'error',
    condition: 'start % memremap_compat_align() == 0',
    values: { start, memremapCompatAlign: compat },
    ref: `${refInit}; memremap_compat_align() mm/memremap.c`,
    versions: versionsOf('memremap-compat-align'),
    consequence: '-EINVAL "start … misaligned to …"'
  })
  if (sizeMatters)
    checks.push({
      id: 'pfn.struct-page-size',
      title: rule.kind === 'hardcoded' ? 'struct page fits the 64 bytes reserved per pfn' : 'struct page fits MAX_STRUCT_PAGE_SIZE',
      pass: !tooBig || override,
      severity: 'error',
      condition:
        rule.kind === 'hardcoded' ? 'S ≤ 64 (64 × npfns reserved, no build check)' : rule.kind === 'einval' ? `S ≤ ${max} || page_struct_override (never: NVDIMM_KMSAN is not settable)` : `S ≤ ${max}`,
      values: { S, MAX_STRUCT_PAGE_SIZE: max, NVDIMM_KMSAN: 'not settable' },
      ref: `${refInit}; ${cite(rule.fact)}`,
      versions: verMax,
      consequence:
        rule.kind === 'einval'
          ? '-EINVAL "Memory debug options prevent using pmem for the page map"'
          : rule.kind === 'build-check'
            ? 'BUILD_BUG_ON: the kernel does not build'
            : 'the page map reserved in the device is too small: the vmemmap runs out of altmap pages when the namespace is mapped (memremap_pages() fails; inferred from altmap_alloc_block_buf())'
    })
  checks.push({
    id: 'pfn.alignment-satisfiable',
    title: 'the data offset leaves capacity',
    pass: satisfiable,
    severity: 'error',
    condition: 'offset < size − end_trunc',
    values: { offset, size, endTrunc },
    ref: refInit,
    versions: vers,
    consequence: '-ENXIO "unable to satisfy requested alignment"'
  })
  checks.push({
    id: 'pfn.offset-aligned',
    title: 'data offset is aligned',
    pass: isAligned(start + offset, align) && isAligned(offset, ps),
    severity: 'error',
    condition: '(start + offset) % align == 0 && offset % PAGE_SIZE == 0',
    values: { offset, align, pageSize: ps },
    ref: refValidate,
    versions: vers,
    consequence: '-EOPNOTSUPP "bad offset"'
  })
  if (input.existing) {
    // nd_pfn_validate(): info blocks older than 1.4 carry neither field: 64 and PAGE_SIZE
    const old = (input.existing.versionMinor ?? 4) < 4
    const pss = old ? 64 : (input.existing.pageStructSize ?? 64)
    const psz = old ? ps : (input.existing.pageSize ?? ps)
    checks.push(
      {
        id: 'pfn.reprobe-struct-page-size',
        title: 'existing info block reserved enough per struct page',
        pass: !pmem || pss >= S,
        severity: 'error',
        condition: 'PFN_MODE_PMEM: page_struct_size ≥ sizeof(struct page)',
        values: { pageStructSize: pss, S, infoBlockMinor: input.existing.versionMinor ?? 4 },
        ref: refValidate,
        versions: `${versionsOf('pfn-info-block-1-4')} (info block 1.4)`,
        consequence: `-EOPNOTSUPP "init failed, struct page size mismatch ${pss}"`
      },
      {
        id: 'pfn.reprobe-page-size',
        title: 'existing info block page size fits this kernel',
        pass: !pmem || psz <= ps,
        severity: 'error',
        condition: 'PFN_MODE_PMEM: page_size ≤ PAGE_SIZE',
        values: { infoPageSize: psz, pageSize: ps },
        ref: refValidate,
        versions: `${versionsOf('pfn-info-block-1-4')} (info block 1.4)`,
        consequence: `-EOPNOTSUPP "init failed, page size mismatch ${psz}"`
      }
    )
  }
  const failed = checks.find((c) => !c.pass)
  const ok = !failed
  const error = failed ? (failed.consequence ?? failed.title) : null

  const figures: Figure[] = [
    {
      id: 'pfn.max-struct-page-size',
      label: rule.kind === 'hardcoded' ? 'bytes reserved per pfn' : 'MAX_STRUCT_PAGE_SIZE',
      value: max,
      unit: 'bytes',
      formula: input.maxStructPageSize !== undefined ? `given: ${max}` : rule.kind === 'hardcoded' ? '64 × npfns, hard-coded in nd_pfn_init()' : `${max}`,
      ref: `MAX_STRUCT_PAGE_SIZE drivers/nvdimm/nd.h; ${cite(rule.fact)}`,
      versions: verMax
    },
    { id: 'pfn.npfns', label: 'pfns covered by the page map', value: npfns, unit: 'pages', formula: `PHYS_PFN(size − SZ_8K) = (${size} − 8192) / ${ps}`, ref: refInit, versions: vers },
    {
      id: 'pfn.align',
      label: 'data alignment',
      value: align,
      unit: 'bytes',
      formula: `max(nd_pfn->align, memremap_compat_align()) = max(${input.align ?? 2 * 1024 * 1024}, ${compat})`,
      ref: refInit,
      versions: vers
    },
    { id: 'pfn.end-trunc', label: 'end truncation', value: endTrunc, unit: 'bytes', formula: 'start + size − ALIGN_DOWN(start + size, align)', ref: refInit, versions: vers },
    {
      id: 'pfn.page-map-size',
      label: 'page map reserved in the device',
      value: pageMapSize,
      unit: 'bytes',
      formula: pmem ? `${tooBig && override ? 'sizeof(struct page)' : 'MAX_STRUCT_PAGE_SIZE'} × npfns = ${tooBig && override ? S : max} × ${npfns}` : '0 (PFN_MODE_RAM: memmap in System RAM)',
      ref: refInit,
      versions: vers
    },
    {
      id: 'pfn.offset',
      label: 'data offset (dataoff)',
      value: offset,
      unit: 'bytes',
      formula: pmem ? `ALIGN(start + SZ_8K + page_map_size, align) − start` : 'ALIGN(start + SZ_8K, align) − start',
      ref: refInit,
      versions: vers
    },
    { id: 'pfn.data-pages', label: 'data pages (info-block npfns)', value: dataPages, unit: 'pages', formula: 'PHYS_PFN(size − offset − end_trunc)', ref: refInit, versions: vers },
    { id: 'pfn.usable-bytes', label: 'usable capacity', value: usable, unit: 'bytes', formula: `${dataPages} × ${ps}`, ref: refInit, versions: vers },
    {
      id: 'pfn.lost-bytes',
      label: 'capacity lost to the reservation',
      value: size - usable,
      unit: 'bytes',
      formula: 'size − usable (info block, page map, alignment padding, end_trunc)',
      ref: refInit,
      versions: vers
    },
    {
      id: 'pfn.lost-percent',
      label: 'capacity lost',
      value: Number((((size - usable) / size) * 100).toFixed(3)),
      unit: 'percent',
      formula: `${size - usable} / ${size}`,
      ref: refInit,
      versions: vers
    },
    {
      id: 'pfn.page-struct-size',
      label: 'info-block page_struct_size',
      value: pageStructSize,
      unit: 'bytes',
      formula: hasOverride
        ? `(S > MAX_STRUCT_PAGE_SIZE && page_struct_override) ? S : MAX_STRUCT_PAGE_SIZE = ${max} (page_struct_override is never set: NVDIMM_KMSAN has no prompt)`
        : 'MAX_STRUCT_PAGE_SIZE',
      ref: refInit,
      versions: verMax
    }
  ]
  if (pmem)
    figures.push({
      id: 'pfn.altmap-free-pfns',
      label: 'altmap pfns available for the vmemmap',
      value: Math.floor((offset - infoReserve) / ps),
      unit: 'pages',
      formula: `PHYS_PFN(offset − nd_info_block_reserve()) = (${offset} − ${infoReserve}) / ${ps}`,
      ref: '__nvdimm_setup_pfn() drivers/nvdimm/pfn_devs.c',
      versions: vers
    })
  else
    figures.push({
      id: 'pfn.ram-memmap-bytes',
      label: 'memmap in System RAM for the namespace',
      value: Math.floor((size - endTrunc) / ps) * S,
      unit: 'bytes',
      formula: `PHYS_PFN(size − end_trunc) × S = ${Math.floor((size - endTrunc) / ps)} × ${S}`,
      ref: '__nvdimm_setup_pfn() drivers/nvdimm/pfn_devs.c (no altmap: memmap_alloc from RAM)',
      versions: vers
    })

  return { ok, error, maxStructPageSize: max, align, npfns, endTrunc, pageMapSize, offset, dataPages, usableBytes: usable, lostBytes: size - usable, pageStructSize, figures, checks }
}
