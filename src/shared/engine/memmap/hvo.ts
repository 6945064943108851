// HugeTLB Vmemmap Optimization (HVO): eligibility (hugetlb_vmemmap_optimizable_size()
// mm/hugetlb_vmemmap.h), architecture availability per version, vmemmap freed per huge page
// and per pool (hugetlb_vmemmap_optimize_folio() mm/hugetlb_vmemmap.c), the fake heads of
// 5.18–7.0 and the v7.1 shared tails (zone->vmemmap_tails[], VMEMMAP_TAIL_MIN_ORDER
// include/linux/mmzone.h). Versions come from facts.ts. The boot-log line is the one
// hugetlb.ts already renders (report_hugepages(), 6.0+).
//
// Figure ids (stable; <size> is a short size label such as 2M, 1G, 512M, 64K):
//   hvo.arch-available                 ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP selected
//   hvo.kept-pages                     vmemmap pages kept per huge page (2 before 5.18, 1 after)
//   hvo.page.<size>.struct-pages       n = huge page size / PAGE_SIZE
//   hvo.page.<size>.vmemmap-pages      n·S / PAGE_SIZE
//   hvo.page.<size>.eligible           the version's eligibility rule
//   hvo.page.<size>.freed-pages        vmemmap pages freed per huge page
//   hvo.page.<size>.freed-bytes        hugetlb_vmemmap_optimizable_size()
//   hvo.page.<size>.fake-heads         ≤ 7.0: fake PG_head struct pages per huge page
//   hvo.pool.<size>.freed-bytes        pages × freed bytes
//   hvo.pool.shared-tail-pages         ≥ 7.1: one shared tail page per (zone, order)
//   hvo.pool.net-freed-bytes           Σ pools − shared tail pages
// Check ids: hvo.arch (availability), hvo.eligibility.<size>.

import { hugetlbVmemmapLine, hvoFreedBytes } from '../hugetlb.ts'
import { selectProfile } from '../profiles.ts'
import { isPowerOf2 } from '../units.ts'
import { cite, FACTS, holds, versionsBefore, versionsBetween, versionsOf, type FactId } from '../facts.ts'
import type { Model } from '../model.ts'
import { formatVersion, type KernelVersion } from '../version.ts'
import type { Check, Figure } from './types.ts'

// ---------------------------------------------------------------------------------------
// Architecture availability: the arch selects the HVO want-symbol in arch/*/Kconfig
// (HUGETLB_PAGE_FREE_VMEMMAP "depends on X86_64" in 5.14, ARCH_WANT_HUGETLB_PAGE_FREE_VMEMMAP
// from 2e4ec02bbcc0 in 5.19, ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP in 6.1,
// ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP in 6.12 and later). powerpc selects only the device-dax
// ARCH_WANT_OPTIMIZE_DAX_VMEMMAP: never HVO for HugeTLB.

const HVO_ARCH_FACT: Record<string, FactId> = {
  x86_64: 'hvo-x86',
  arm64: 'hvo-arm64',
  s390: 'hvo-s390',
  loongarch64: 'hvo-loongarch',
  riscv64: 'hvo-riscv'
}

/** The symbol's names over time (5.14 HUGETLB_PAGE_FREE_VMEMMAP, 5.19 ARCH_WANT_HUGETLB_PAGE_FREE_VMEMMAP, 6.1 …_OPTIMIZE_VMEMMAP). */
const HVO_SYMBOL = 'ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP in 6.12+, ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP in 6.1, ARCH_WANT_HUGETLB_PAGE_FREE_VMEMMAP in 5.19, HUGETLB_PAGE_FREE_VMEMMAP in 5.14'

const KCONFIG_DIR: Record<string, string> = { x86_64: 'x86', arm64: 'arm64', s390: 's390', loongarch64: 'loongarch', riscv64: 'riscv' }

export interface HvoArchAvailability {
  available: boolean
  versions: string
  ref: string
  note: string
}

export function hvoArchAvailability(arch: string, v: KernelVersion): HvoArchAvailability {
  const a = arch === 'riscv' ? 'riscv64' : arch === 'loongarch' ? 'loongarch64' : arch
  const id = HVO_ARCH_FACT[a]
  if (!id)
    return {
      available: false,
      versions: 'never',
      ref: a.startsWith('powerpc') ? 'arch/powerpc/Kconfig (ARCH_WANT_OPTIMIZE_DAX_VMEMMAP only)' : `arch/${a}/Kconfig`,
      note: a.startsWith('powerpc') ? 'powerpc has vmemmap dedup for device-dax only, never for HugeTLB' : 'the architecture never selects the HVO Kconfig symbol'
    }
  return { available: holds(id, v), versions: versionsOf(id), ref: `arch/${KCONFIG_DIR[a]}/Kconfig; ${cite(id)}`, note: FACTS[id].what }
}

/**
 * CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP as the scenario builds it: what it says, else built
 * wherever the architecture offers it in this version (an explicit `true` on an architecture
 * without it is reported by the hvo.arch check).
 */
export function hvoConfigured(m: Pick<Model, 'scenario' | 'config' | 'version'>): boolean {
  return m.scenario.config?.hugetlbVmemmap ?? (m.config.hugetlbVmemmap && hvoArchAvailability(m.scenario.arch, m.version).available)
}

/** HUGETLB_VMEMMAP_RESERVE_SIZE / PAGE_SIZE: 2 in 5.14–5.17, 1 from 5.18 (e7d324850bfc). */
export function hvoKeptPages(v: KernelVersion): number {
  return holds('hvo-one-kept-page', v) ? 1 : 2
}

// ---------------------------------------------------------------------------------------
// One huge page size

export interface HvoContext {
  version: KernelVersion
  arch: string
  /** PAGE_SIZE (default 4096) */
  pageSize?: number
  /** sizeof(struct page) */
  structPageSize: number
  /** CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP built (default true) */
  configured?: boolean
  /**
   * HVO switched on at run time (hugetlb_free_vmemmap=on before 5.19 unless _DEFAULT_ON;
   * vm.hugetlb_optimize_vmemmap after). Default true. The 6.0+ line does not depend on it.
   */
  enabled?: boolean
  /** CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP_DEFAULT_ON (Kconfig default n; not set in Debian's configs) */
  defaultOn?: boolean
}

export interface HvoHugePage {
  hugePageSize: number
  structPages: number
  vmemmapPages: number
  keptPages: number
  /** the version's rule holds (pow2 S and enough struct pages) */
  eligible: boolean
  /** eligible, built, available on the arch and enabled */
  optimized: boolean
  freedPages: number
  freedBytes: number
  /** the boot-log line of this version (hugetlb.ts), or null when none is printed */
  line: string | null
  figures: Figure[]
  checks: Check[]
}

/** `2M`, `1G`, `512M`, `64K`, `16G` */
export function sizeLabel(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 40, 'T'],
    [2 ** 30, 'G'],
    [2 ** 20, 'M'],
    [2 ** 10, 'K']
  ]
  for (const [u, s] of units) if (bytes >= u && bytes % u === 0) return `${bytes / u}${s}`
  return `${bytes}B`
}

/**
 * Eligibility: is_power_of_2(S) (hugetlb_vmemmap_optimizable_size(), mm/hugetlb_vmemmap.h)
 * and enough struct pages:
 *   ≥ 7.1: order ≥ VMEMMAP_TAIL_MIN_ORDER = ilog2(2·PS/S)  ⇔  n·S ≥ 2·PS
 *   before: optimizable size n·S − kept·PS > 0  (n·S > PS from 5.18; n·S > 2·PS in 5.14–5.17)
 * For powers of two n·S > PS and n·S ≥ 2·PS are the same condition.
 */
export function hvoHugePage(hugePageSize: number, ctx: HvoContext): HvoHugePage {
  const ps = ctx.pageSize ?? 4096
  const S = ctx.structPageSize
  const v = ctx.version
  const n = hugePageSize / ps
  const vmemmapBytes = n * S
  const vmemmapPages = vmemmapBytes / ps
  const kept = hvoKeptPages(v)
  const pow2 = isPowerOf2(S)
  const v71 = holds('hvo-shared-tails', v)
  const enough = v71 ? vmemmapBytes >= 2 * ps : vmemmapBytes - kept * ps > 0
  const eligible = pow2 && enough
  const arch = hvoArchAvailability(ctx.arch, v)
  const built = (ctx.configured ?? true) && arch.available
  const optimized = eligible && built && (ctx.enabled ?? true)
  const label = sizeLabel(hugePageSize)
  const verText = formatVersion(v)

  // Bytes and the line come from hugetlb.ts (hugetlb_vmemmap_optimizable_size(),
  // report_hugepages() / hugetlb_vmemmap_init()); kept pages from this module's table.
  const profile = selectProfile(verText)?.profile
  const lineProfile = profile ? { ...profile, hvoReservedPages: kept } : null
  const freedBytes = optimized && lineProfile ? hvoFreedBytes(hugePageSize, { pageSize: ps, structPageSize: S, hvo: true, profile: lineProfile }) : 0
  const freedPages = freedBytes / ps
  let line: string | null = null
  if (lineProfile) {
    const lineHvo = built && (lineProfile.hugetlbVmemmapLine !== 'can-free' || (ctx.enabled ?? true))
    line = hugetlbVmemmapLine(hugePageSize, { pageSize: ps, structPageSize: S, hvo: lineHvo, profile: lineProfile })
  }

  const ref = 'hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h'
  const rule = v71 ? 'is_power_of_2(S) && n·S ≥ 2·PS (VMEMMAP_TAIL_MIN_ORDER)' : `is_power_of_2(S) && n·S − ${kept}·PS > 0`
  const ruleVersions = v71 ? versionsOf('hvo-shared-tails') : kept === 2 ? versionsBetween('hvo-x86', 'hvo-one-kept-page') : versionsBetween('hvo-one-kept-page', 'hvo-shared-tails')
  const figures: Figure[] = [
    {
      id: `hvo.page.${label}.struct-pages`,
      label: `struct pages per ${label} page`,
      value: n,
      unit: 'count',
      formula: `${hugePageSize} / ${ps}`,
      ref: 'pages_per_huge_page() include/linux/hugetlb.h',
      versions: 'all'
    },
    {
      id: `hvo.page.${label}.vmemmap-pages`,
      label: `vmemmap pages of a ${label} page`,
      value: vmemmapPages,
      unit: 'pages',
      formula: `n × S / PS = ${n} × ${S} / ${ps}`,
      ref: 'hugetlb_vmemmap_size() mm/hugetlb_vmemmap.h',
      versions: 'all'
    },
    { id: `hvo.page.${label}.eligible`, label: `${label} page is HVO-eligible`, value: eligible, unit: 'flag', formula: rule, ref, versions: ruleVersions },
    {
      id: `hvo.page.${label}.freed-pages`,
      label: `vmemmap pages freed per ${label} page`,
      value: freedPages,
      unit: 'pages',
      formula: optimized ? `n·S/PS − kept = ${vmemmapPages} − ${kept}` : `0 (${!eligible ? 'not eligible' : !built ? 'HVO not built for this arch/version' : 'HVO disabled at run time'})`,
      ref,
      versions: ruleVersions
    },
    {
      id: `hvo.page.${label}.freed-bytes`,
      label: `vmemmap freed per ${label} page`,
      value: freedBytes,
      unit: 'bytes',
      formula: `${freedPages} × ${ps}`,
      ref,
      versions: ruleVersions
    }
  ]
  // fake heads: from 5.18 the tails map onto the head's own vmemmap page (e7d324850bfc);
  // 5.14–5.17 kept a second page of pure tails, 7.1 shares a tail page instead (622026e87c40)
  if (!v71 && kept === 1 && optimized)
    figures.push({
      id: `hvo.page.${label}.fake-heads`,
      label: `fake head struct pages per ${label} page`,
      value: freedPages,
      unit: 'count',
      formula: 'each remapped vmemmap page shows the head page: n·S/PS − 1 fake PG_head struct pages',
      ref: `page_fixed_fake_head() include/linux/page-flags.h; ${cite('hvo-one-kept-page')}`,
      versions: ruleVersions
    })

  const checks: Check[] = [
    {
      id: `hvo.eligibility.${label}`,
      title: `a ${label} huge page can be vmemmap-optimized`,
      pass: eligible,
      // a warning only when the struct page size is what stands in the way; a huge page
      // whose struct pages fit in the kept page(s) is never optimizable by design
      severity: built && (ctx.enabled ?? true) && !pow2 ? 'warning' : 'info',
      condition: v71 ? 'is_power_of_2(S) && n·S ≥ 2·PS' : `is_power_of_2(S) && n·S > ${kept}·PS`,
      values: { n, S, PS: ps, vmemmapBytes, pow2 },
      ref: v71 ? 'VMEMMAP_TAIL_MIN_ORDER include/linux/mmzone.h; hugetlb_vmemmap_optimizable() mm/hugetlb_vmemmap.h' : ref,
      versions: ruleVersions,
      consequence: 'the huge page keeps its whole vmemmap (nothing freed)'
    }
  ]
  return { hugePageSize, structPages: n, vmemmapPages, keptPages: kept, eligible, optimized, freedPages, freedBytes, line, figures, checks }
}

// ---------------------------------------------------------------------------------------
// Pools

export interface HvoPool {
  hugePageSize: number
  /** configured pool size (nr_hugepages / hugepages=) */
  pages: number
  /** zones the pool's pages live in (≥ 7.1 one shared tail page per zone and order); default 1 */
  zones?: number
}

export interface HvoPoolsResult {
  pages: HvoHugePage[]
  /** each configured pool: its page count and the vmemmap it frees (views draw these as they are) */
  pools: { hugePageSize: number; pages: number; freedBytesPerPage: number; freedBytes: number }[]
  /**
   * vm.hugetlb_optimize_vmemmap at boot: null when the sysctl does not exist (HVO not
   * built, or no huge page size it can optimize), else 0 or 1
   */
  sysctlDefault: 0 | 1 | null
  freedBytes: number
  sharedTailPages: number
  netFreedBytes: number
  figures: Figure[]
  checks: Check[]
}

/**
 * vmemmap freed by configured pools. ≤ 7.0: each huge page keeps its head vmemmap page,
 * the rest is remapped onto it (fake heads). ≥ 7.1 (Kiryl Shutsemau, "eliminate fake head
 * pages"): the head vmemmap page is copied to a new page, every tail vmemmap page maps one
 * read-only page shared per (zone, order) (zone->vmemmap_tails[]), all originals are freed:
 * the same saving per huge page, minus one shared page per (zone, order) in use.
 */
export function hvoPools(pools: HvoPool[], ctx: HvoContext): HvoPoolsResult {
  const ps = ctx.pageSize ?? 4096
  const v71 = holds('hvo-shared-tails', ctx.version)
  const figures: Figure[] = [hvoArchFigure(ctx), keptFigure(ctx.version)]
  const checks: Check[] = [hvoArchCheck(ctx)]
  const results: HvoHugePage[] = []
  let freed = 0
  const poolRows: HvoPoolsResult['pools'] = []
  const zonesPerOrder = new Map<number, number>()
  for (const p of pools) {
    const r = hvoHugePage(p.hugePageSize, ctx)
    results.push(r)
    figures.push(...r.figures)
    checks.push(...r.checks)
    const bytes = p.pages * r.freedBytes
    freed += bytes
    poolRows.push({ hugePageSize: p.hugePageSize, pages: p.pages, freedBytesPerPage: r.freedBytes, freedBytes: bytes })
    const label = sizeLabel(p.hugePageSize)
    figures.push({
      id: `hvo.pool.${label}.freed-bytes`,
      label: `vmemmap freed by ${p.pages} × ${label} pages`,
      value: bytes,
      unit: 'bytes',
      formula: `${p.pages} × ${r.freedBytes}`,
      ref: 'hugetlb_vmemmap_optimize_folio() mm/hugetlb_vmemmap.c',
      versions: r.figures.find((f) => f.id.endsWith('.freed-bytes'))!.versions
    })
    if (v71 && r.optimized && p.pages > 0) zonesPerOrder.set(p.hugePageSize, Math.max(zonesPerOrder.get(p.hugePageSize) ?? 0, p.zones ?? 1))
  }
  const sharedTailPages = [...zonesPerOrder.values()].reduce((a, b) => a + b, 0)
  const net = freed - sharedTailPages * ps
  // hugetlb_vmemmap_init() registers the sysctl (78f39084b41d, in v5.19) only when some
  // hstate is hugetlb_vmemmap_optimizable(); its value starts as
  // IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP_DEFAULT_ON)
  const sysctlExists =
    holds('hvo-sysctl', ctx.version) && (ctx.configured ?? true) && hvoArchAvailability(ctx.arch, ctx.version).available && results.some((r) => r.vmemmapPages > 1 && isPowerOf2(ctx.structPageSize))
  const sysctlDefault = sysctlExists ? (ctx.defaultOn ? 1 : 0) : null
  figures.push({
    id: 'hvo.sysctl-default',
    label: 'vm.hugetlb_optimize_vmemmap at boot',
    value: sysctlDefault === null ? 'absent' : sysctlDefault,
    unit: 'count',
    formula: sysctlExists
      ? `IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP_DEFAULT_ON) = ${sysctlDefault} (hugetlb_free_vmemmap= overrides it); pages allocated after it is set to 1 are optimized`
      : 'no sysctl: HVO is not built here, or no huge page size is optimizable',
    ref: `vmemmap_optimize_enabled, hugetlb_vmemmap_init() mm/hugetlb_vmemmap.c; ${cite('hvo-sysctl')}`,
    versions: versionsOf('hvo-sysctl')
  })
  figures.push(
    {
      id: 'hvo.pool.shared-tail-pages',
      label: 'shared read-only tail vmemmap pages',
      value: sharedTailPages,
      unit: 'pages',
      formula: v71
        ? 'one per (zone, order) with an optimized huge page, allocated on first use (vmemmap_get_tail()): Σ zones over orders'
        : `0 (${versionsBefore('hvo-shared-tails')} remaps tails onto a kept vmemmap page of the huge page)`,
      ref: `zone->vmemmap_tails[] include/linux/mmzone.h, vmemmap_get_tail() mm/hugetlb_vmemmap.c; ${cite('hvo-shared-tails')}`,
      versions: v71 ? versionsOf('hvo-shared-tails') : versionsBefore('hvo-shared-tails')
    },
    {
      id: 'hvo.pool.net-freed-bytes',
      label: 'net vmemmap freed by the pools',
      value: net,
      unit: 'bytes',
      formula: `${freed} − ${sharedTailPages} × ${ps}`,
      ref: 'hugetlb_vmemmap_optimize_folio() mm/hugetlb_vmemmap.c',
      versions: v71 ? versionsOf('hvo-shared-tails') : versionsBetween('hvo-x86', 'hvo-shared-tails')
    }
  )
  return { pages: results, pools: poolRows, sysctlDefault, freedBytes: freed, sharedTailPages, netFreedBytes: net, figures, checks }
}

function hvoArchFigure(ctx: HvoContext): Figure {
  const a = hvoArchAvailability(ctx.arch, ctx.version)
  return {
    id: 'hvo.arch-available',
    label: `HVO available on ${ctx.arch}`,
    value: a.available,
    unit: 'flag',
    formula: `${ctx.arch} selects the HVO Kconfig symbol (${HVO_SYMBOL}) in ${formatVersion(ctx.version)}${a.note ? ` (${a.note})` : ''}`,
    ref: a.ref,
    versions: a.versions
  }
}

function keptFigure(v: KernelVersion): Figure {
  const kept = hvoKeptPages(v)
  return {
    id: 'hvo.kept-pages',
    label: 'vmemmap pages kept per huge page',
    value: kept,
    unit: 'pages',
    formula: 'HUGETLB_VMEMMAP_RESERVE_SIZE / PAGE_SIZE',
    ref: `HUGETLB_VMEMMAP_RESERVE_SIZE mm/hugetlb_vmemmap.h; ${cite('hvo-one-kept-page')}`,
    versions: kept === 2 ? versionsBetween('hvo-x86', 'hvo-one-kept-page') : versionsOf('hvo-one-kept-page')
  }
}

export function hvoArchCheck(ctx: HvoContext): Check {
  const a = hvoArchAvailability(ctx.arch, ctx.version)
  return {
    id: 'hvo.arch',
    title: `HugeTLB vmemmap optimization exists on ${ctx.arch} ${formatVersion(ctx.version)}`,
    pass: a.available,
    severity: (ctx.configured ?? true) ? 'warning' : 'info',
    condition: `${ctx.arch} selects the HVO Kconfig symbol in ${formatVersion(ctx.version)} (available ${a.versions})`,
    values: { arch: ctx.arch, version: formatVersion(ctx.version), available: a.available },
    ref: a.ref,
    versions: a.versions,
    consequence: 'CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP cannot be set: no vmemmap is freed; 6.0+ prints "0 KiB vmemmap can be freed"'
  }
}
