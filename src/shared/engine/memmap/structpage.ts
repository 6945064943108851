// sizeof(struct page): from the kernel configuration (struct page in include/linux/mm_types.h)
// or given, and the checks the kernel applies to it: the BUILD_BUG_ONs of
// __mm_zero_struct_page() (include/linux/mm.h), _struct_page_alignment (mm_types.h), what a
// non-power-of-two size breaks (hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h,
// compound_info_has_mask() include/linux/page-flags.h), and the arm64 vmemmap region
// (VMEMMAP_SIZE arch/arm64/include/asm/memory.h). Versions come from facts.ts.
//
// Figure ids (stable):
//   struct-page.size        sizeof(struct page) in bytes
//   struct-page.alignment   _struct_page_alignment (word, or 2 words with HAVE_ALIGNED_STRUCT_PAGE)
//   struct-page.pow2        is_power_of_2(S)
//   struct-page.max-shift   STRUCT_PAGE_MAX_SHIFT = order_base_2(S)
//   struct-page.memmap-ratio  S / PAGE_SIZE in percent (only when a page size is given)
//   arm64.vmemmap-size      arm64 VMEMMAP_SIZE for the version (pow2-rounded before 6.9, exact after)
//   arm64.vmemmap-start     arm64 VMEMMAP_START (hex)
// Check ids (stable):
//   struct-page.mm-zero-struct-page  the BUILD_BUG_ONs of __mm_zero_struct_page()
//   struct-page.aligned              HAVE_ALIGNED_STRUCT_PAGE: S % 16 == 0
//   struct-page.pow2                 consequences of a non-power-of-two size
//   struct-page.max-shift            regions dimensioned by STRUCT_PAGE_MAX_SHIFT
//   arm64.vmemmap-size               arm64 vmemmap sizing before/after 32697ff38287

import { cite, holds, versionsBefore, versionsOf } from '../facts.ts'
import type { KernelVersion } from '../version.ts'
import { isPowerOf2 } from '../units.ts'
import { hex, orderBase2, type Check, type Figure } from './types.ts'

// ---------------------------------------------------------------------------------------
// Default options per arch, allocator and version

export type SlabAllocator = 'slub' | 'slab'

/**
 * CONFIG_HAVE_ALIGNED_STRUCT_PAGE as the arch selects it: x86, arm64 and s390 "if SLUB"
 * (unconditionally once SLAB is gone, 2a19be61a651 (in v6.8)); riscv from 6.13, loongarch
 * from 7.0; never elsewhere.
 */
export function alignedStructPageDefault(arch: string, version: KernelVersion, allocator: SlabAllocator = 'slub'): { value: boolean; why: string } {
  if (arch === 'x86_64' || arch === 'x86' || arch === 'arm64' || arch === 's390') {
    if (holds('aligned-struct-page-unconditional', version)) return { value: true, why: `${arch} selects HAVE_ALIGNED_STRUCT_PAGE (${versionsOf('aligned-struct-page-unconditional')})` }
    return { value: allocator === 'slub', why: `${arch} selects HAVE_ALIGNED_STRUCT_PAGE if SLUB (${versionsBefore('aligned-struct-page-unconditional')}); allocator ${allocator.toUpperCase()}` }
  }
  if (arch === 'riscv64') return { value: holds('riscv-aligned-struct-page', version), why: `riscv selects HAVE_ALIGNED_STRUCT_PAGE ${versionsOf('riscv-aligned-struct-page')}` }
  if (arch === 'loongarch64') return { value: holds('loongarch-aligned-struct-page', version), why: `loongarch selects HAVE_ALIGNED_STRUCT_PAGE ${versionsOf('loongarch-aligned-struct-page')}` }
  return { value: false, why: `${arch} does not select HAVE_ALIGNED_STRUCT_PAGE` }
}

/** HAVE_ALIGNED_STRUCT_PAGE of a scenario: as it says, else as the arch selects it. */
export function alignedStructPageOf(sp: { alignedStructPage?: boolean; allocator?: SlabAllocator } | undefined, arch: string, version: KernelVersion): boolean {
  return sp?.alignedStructPage ?? alignedStructPageDefault(arch, version, sp?.allocator).value
}

/**
 * Why a configuration cannot be built in this version, or null: SLAB is gone from 6.8
 * (2a19be61a651), and KMSAN depends on SLUB while SLAB exists (lib/Kconfig.kmsan).
 */
export function structPageConfigError(o: { allocator?: SlabAllocator; kmsan?: boolean }, version: KernelVersion): string | null {
  if (o.allocator === 'slab' && holds('aligned-struct-page-unconditional', version)) return `SLAB was removed in 6.8: ${cite('aligned-struct-page-unconditional')}`
  if (o.allocator === 'slab' && o.kmsan) return 'CONFIG_KMSAN depends on SLUB (lib/Kconfig.kmsan)'
  return null
}

// ---------------------------------------------------------------------------------------
// Size from the configuration

export interface StructPageConfig {
  /** BITS_PER_LONG (default 64) */
  bits?: 64 | 32
  /** CONFIG_MEMCG (memcg_data) or CONFIG_SLAB_OBJ_EXT (_unused_slab_obj_exts): one word; default true */
  memcg?: boolean
  /** WANT_PAGE_VIRTUAL: `void *virtual` (+1 word) */
  wantPageVirtual?: boolean
  /** LAST_CPUPID_NOT_IN_PAGE_FLAGS: `int _last_cpupid` (+4, padded to a word) */
  lastCpupidNotInPageFlags?: boolean
  /** CONFIG_KMSAN: kmsan_shadow + kmsan_origin (+2 words) */
  kmsan?: boolean
  /** CONFIG_HAVE_ALIGNED_STRUCT_PAGE: __aligned(2 * sizeof(unsigned long)); default per arch and allocator (alignedStructPageDefault()) */
  alignedStructPage?: boolean
  /** the slab allocator (SLUB unless said; SLAB exists until 6.8) */
  allocator?: SlabAllocator
  /** out-of-tree fields (e.g. DEPT), in bytes, word aligned */
  extraBytes?: number
}

export interface StructPageOptions extends StructPageConfig {
  /** sizeof(struct page) given directly (e.g. read from a vmlinux); wins over the config */
  size?: number
  /** memdesc projections (kernelnewbies MatthewWilcox/Memdescs): 32-byte intermediate struct page or the 8-byte memdesc word */
  projection?: 'memdesc-32' | 'memdesc-8'
  /** PAGE_SIZE, for the memmap overhead ratio */
  pageSize?: number
}

export interface StructPageSize {
  size: number
  figures: Figure[]
}

const REF_LAYOUT = 'struct page, include/linux/mm_types.h'
const isPow2 = isPowerOf2
const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a

/**
 * sizeof(struct page) as the compiler lays it out (struct page, include/linux/mm_types.h): flags + 5-word union +
 * _mapcount + _refcount (+ memcg_data) = 64 on 64-bit, then the optional trailers in
 * declaration order (virtual, _last_cpupid, kmsan_shadow/origin), each at its natural
 * alignment, the total rounded up to the struct's alignment.
 */
export function structPageSize(opts: StructPageOptions = {}): StructPageSize {
  const word = (opts.bits ?? 64) / 8
  const alignment = opts.alignedStructPage ? 2 * word : word
  const figures: Figure[] = []
  let size: number
  let formula: string
  let ref = REF_LAYOUT
  let versions = 'all'

  if (opts.size !== undefined) {
    size = opts.size
    formula = `given: ${size}`
  } else if (opts.projection) {
    size = opts.projection === 'memdesc-32' ? 32 : 8
    formula =
      opts.projection === 'memdesc-32'
        ? '32: { flags; union { buddy_list; pcp_list; { memdesc; private | _mapcount } }; _refcount } (Memdescs/Path)'
        : '8: { unsigned long memdesc } (type in the low 4 bits)'
    ref = 'kernelnewbies MatthewWilcox/Memdescs and Memdescs/Path (a projection: 7.1 still has the 64-byte struct page)'
    versions = 'projection (not in any release)'
  } else {
    const parts: string[] = []
    let off = 0
    const field = (name: string, bytes: number, align: number): void => {
      off = alignUp(off, align) + bytes
      parts.push(`${name} ${bytes}`)
    }
    field('flags', word, word)
    field('union', 5 * word, word)
    field('_mapcount', 4, 4)
    field('_refcount', 4, 4)
    if (opts.memcg ?? true) field('memcg_data', word, word)
    if (opts.wantPageVirtual) field('virtual', word, word)
    if (opts.lastCpupidNotInPageFlags) field('_last_cpupid', 4, 4)
    if (opts.kmsan) field('kmsan_shadow+kmsan_origin', 2 * word, word)
    if (opts.extraBytes) field('extra', opts.extraBytes, word)
    size = alignUp(off, alignment)
    formula = `align_up(${parts.join(' + ')} = ${off}, ${alignment}) = ${size}`
    if (opts.bits === 32) versions = 'all (the same fields with 4-byte words)'
  }

  figures.push({ id: 'struct-page.size', label: 'sizeof(struct page)', value: size, unit: 'bytes', formula, ref, versions })
  figures.push({
    id: 'struct-page.alignment',
    label: 'struct page alignment',
    value: alignment,
    unit: 'bytes',
    formula: opts.alignedStructPage ? `_struct_page_alignment = __aligned(2 × sizeof(long)) = ${alignment}` : `word alignment = ${word}`,
    ref: '_struct_page_alignment, include/linux/mm_types.h (CONFIG_HAVE_ALIGNED_STRUCT_PAGE)',
    versions: 'all'
  })
  figures.push(...structPageShapeFigures(size, opts.pageSize))
  return { size, figures }
}

/** pow2, STRUCT_PAGE_MAX_SHIFT and the memmap ratio of a size. */
export function structPageShapeFigures(size: number, pageSize?: number): Figure[] {
  const shift = orderBase2(size)
  const out: Figure[] = [
    {
      id: 'struct-page.pow2',
      label: 'sizeof(struct page) is a power of two',
      value: isPow2(size),
      unit: 'flag',
      formula: `is_power_of_2(${size})`,
      ref: 'hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h; compound_info_has_mask() include/linux/page-flags.h',
      versions: 'all'
    },
    {
      id: 'struct-page.max-shift',
      label: 'STRUCT_PAGE_MAX_SHIFT',
      value: shift,
      unit: 'order',
      formula: `order_base_2(${size}) = ${shift} (regions sized with it assume ${2 ** shift} bytes per page)`,
      ref: 'STRUCT_PAGE_MAX_SHIFT include/linux/mm_types.h',
      versions: 'all'
    }
  ]
  if (pageSize)
    out.push({
      id: 'struct-page.memmap-ratio',
      label: 'memmap overhead (S / PAGE_SIZE)',
      value: Number(((size / pageSize) * 100).toFixed(4)),
      unit: 'percent',
      formula: `sizeof(struct page) / PAGE_SIZE = ${size} / ${pageSize}`,
      ref: 'struct page include/linux/mm_types.h; PAGE_SIZE arch/*/include/asm/page.h',
      versions: 'all'
    })
  return out
}

// ---------------------------------------------------------------------------------------
// Checks

export interface StructPageCheckContext {
  version: KernelVersion
  bits?: 64 | 32
  /** CONFIG_HAVE_ALIGNED_STRUCT_PAGE */
  alignedStructPage?: boolean
  /** CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP wanted: makes a non-pow2 size a warning */
  hvo?: boolean
  arch?: string
  pageSize?: number
  /** arm64 VA_BITS (default 48) and VA_BITS_MIN (default min(VA_BITS, 48)) */
  vaBits?: number
  vaBitsMin?: number
}

export function structPageChecks(size: number, ctx: StructPageCheckContext): Check[] {
  const checks: Check[] = [mmZeroStructPageCheck(size, ctx)]
  const word = (ctx.bits ?? 64) / 8
  if (ctx.alignedStructPage) {
    const a = 2 * word
    checks.push({
      id: 'struct-page.aligned',
      title: `struct page is ${a}-byte aligned (HAVE_ALIGNED_STRUCT_PAGE)`,
      pass: size % a === 0,
      severity: 'error',
      condition: `S % ${a} == 0`,
      values: { S: size, alignment: a },
      ref: '_struct_page_alignment include/linux/mm_types.h (SLUB double-word cmpxchg)',
      versions: 'all',
      consequence: 'impossible size for this config: the compiler pads struct page to a multiple of 2 × sizeof(long)'
    })
  }

  const pow2 = isPow2(size)
  checks.push({
    id: 'struct-page.pow2',
    title: 'sizeof(struct page) is a power of two',
    pass: pow2,
    severity: ctx.hvo ? 'warning' : 'info',
    condition: 'is_power_of_2(S)',
    values: { S: size, hvoWanted: !!ctx.hvo },
    ref: 'hugetlb_vmemmap_optimizable_size() mm/hugetlb_vmemmap.h; compound_info_has_mask() include/linux/page-flags.h (v7.1)',
    versions: 'all',
    consequence:
      'HVO frees nothing (hugetlb_vmemmap_optimizable_size() = 0); ≥ 7.1 compound_head() stays pointer-encoded; ' +
      'section memmaps are not PMD multiples (sub-PMD tracking, 4 MiB boot-buffer slots, memmap_on_memory refused); ' +
      'struct pages straddle vmemmap pages; a struct page above MAX_STRUCT_PAGE_SIZE (64) fails nd_pfn_init() for PFN_MODE_PMEM unless page_struct_override (drivers/nvdimm/pfn_devs.c)'
  })

  const shift = orderBase2(size)
  checks.push({
    id: 'struct-page.max-shift',
    title: 'regions sized by STRUCT_PAGE_MAX_SHIFT are not over-dimensioned',
    pass: 2 ** shift === size,
    severity: 'info',
    condition: '1 << STRUCT_PAGE_MAX_SHIFT == S',
    values: { S: size, STRUCT_PAGE_MAX_SHIFT: shift, dimensionedBytes: 2 ** shift, factor: Number((2 ** shift / size).toFixed(4)) },
    ref: 'STRUCT_PAGE_MAX_SHIFT include/linux/mm_types.h; riscv VMEMMAP_SHIFT arch/riscv/include/asm/pgtable.h; arm64 VMEMMAP_SHIFT before 32697ff38287',
    versions: `all (arm64 ${versionsBefore('arm64-vmemmap-real-struct-page-size')}; riscv all)`
  })

  if (ctx.arch === 'arm64') checks.push(arm64VmemmapCheck(size, ctx))
  return checks
}

function mmZeroStructPageCheck(size: number, ctx: StructPageCheckContext): Check {
  const ref = '__mm_zero_struct_page() include/linux/mm.h (BUILD_BUG_ON)'
  if ((ctx.bits ?? 64) === 32)
    return {
      id: 'struct-page.mm-zero-struct-page',
      title: 'mm_zero_struct_page() accepts the size',
      pass: true,
      severity: 'error',
      condition: '32-bit: generic memset(), no size bound',
      values: { S: size },
      ref,
      versions: 'all'
    }
  if (!holds('mm-zero-struct-page-bounded', ctx.version))
    return {
      id: 'struct-page.mm-zero-struct-page',
      title: 'mm_zero_struct_page() accepts the size',
      pass: true,
      severity: 'error',
      condition: 'memset(page, 0, sizeof(struct page)): no size bound',
      values: { S: size },
      ref: `mm_zero_struct_page() include/linux/mm.h (sparc64 alone had the switch); the bound came with ${cite('mm-zero-struct-page-bounded')}`,
      versions: versionsBefore('mm-zero-struct-page-bounded')
    }
  const wide = holds('mm-zero-struct-page-96', ctx.version)
  const max = wide ? 96 : 80
  return {
    id: 'struct-page.mm-zero-struct-page',
    title: 'mm_zero_struct_page() accepts the size',
    pass: size % 8 === 0 && size >= 56 && size <= max,
    severity: 'error',
    condition: `S % 8 == 0 && 56 ≤ S ≤ ${max}`,
    values: { S: size, max },
    ref: `${ref}; ${cite(wide ? 'mm-zero-struct-page-96' : 'mm-zero-struct-page-bounded')}`,
    versions: wide ? versionsOf('mm-zero-struct-page-96') : `${versionsOf('mm-zero-struct-page-bounded')}, before ${versionsOf('mm-zero-struct-page-96').replace('≥ ', '')}`,
    consequence: 'BUILD_BUG_ON: the kernel does not build'
  }
}

// ---------------------------------------------------------------------------------------
// arm64 vmemmap region (arch/arm64/include/asm/memory.h)

export interface Arm64VmemmapOptions {
  version: KernelVersion
  pageSize?: number
  vaBits?: number
  vaBitsMin?: number
}

/**
 * arm64 VMEMMAP_SIZE (arch/arm64/include/asm/memory.h):
 *  from 32697ff38287 ("arm64: vmemmap: Avoid base2 order of struct page size to dimension
 *  region", in v6.9): (VMEMMAP_RANGE >> PAGE_SHIFT) × S, VMEMMAP_START = −1 GiB − size;
 *  before: VMEMMAP_RANGE >> (PAGE_SHIFT − STRUCT_PAGE_MAX_SHIFT),
 *  VMEMMAP_START = −(1 << (VA_BITS − VMEMMAP_SHIFT)).
 * VMEMMAP_RANGE = _PAGE_END(VA_BITS_MIN) − PAGE_OFFSET = 2^VA_BITS − 2^(VA_BITS_MIN − 1).
 */
export function arm64VmemmapFigures(size: number, o: Arm64VmemmapOptions): { exact: number; pow2Rounded: number; figures: Figure[] } {
  const ps = o.pageSize ?? 4096
  const pageShift = Math.log2(ps)
  const vaBits = o.vaBits ?? 48
  const vaBitsMin = o.vaBitsMin ?? Math.min(vaBits, 48)
  const range = 2 ** vaBits - 2 ** (vaBitsMin - 1)
  const shift = orderBase2(size)
  const exact = (range / ps) * size
  const pow2Rounded = range / 2 ** (pageShift - shift)
  const since64 = holds('arm64-vmemmap-real-struct-page-size', o.version)
  const value = since64 ? exact : pow2Rounded
  const start = since64 ? 2n ** 64n - 2n ** 30n - BigInt(exact) : 2n ** 64n - 2n ** BigInt(vaBits - (pageShift - shift))
  const ref = `VMEMMAP_SIZE / VMEMMAP_START arch/arm64/include/asm/memory.h; ${cite('arm64-vmemmap-real-struct-page-size')}`
  const figures: Figure[] = [
    {
      id: 'arm64.vmemmap-size',
      label: 'arm64 vmemmap region size',
      value,
      unit: 'bytes',
      formula: since64 ? `(VMEMMAP_RANGE >> PAGE_SHIFT) × S = (${range} >> ${pageShift}) × ${size}` : `VMEMMAP_RANGE >> (PAGE_SHIFT − STRUCT_PAGE_MAX_SHIFT) = ${range} >> (${pageShift} − ${shift})`,
      ref,
      versions: since64 ? versionsOf('arm64-vmemmap-real-struct-page-size') : versionsBefore('arm64-vmemmap-real-struct-page-size')
    },
    {
      id: 'arm64.vmemmap-start',
      label: 'arm64 VMEMMAP_START',
      value: hex(start),
      unit: 'address',
      formula: since64 ? 'VMEMMAP_END (−1 GiB) − VMEMMAP_SIZE' : `−(1 << (VA_BITS − VMEMMAP_SHIFT)) = −(1 << (${vaBits} − ${pageShift - shift}))`,
      ref,
      versions: since64 ? versionsOf('arm64-vmemmap-real-struct-page-size') : versionsBefore('arm64-vmemmap-real-struct-page-size')
    }
  ]
  return { exact, pow2Rounded, figures }
}

function arm64VmemmapCheck(size: number, ctx: StructPageCheckContext): Check {
  const r = arm64VmemmapFigures(size, { version: ctx.version, pageSize: ctx.pageSize, vaBits: ctx.vaBits, vaBitsMin: ctx.vaBitsMin })
  const since64 = holds('arm64-vmemmap-real-struct-page-size', ctx.version)
  const used = since64 ? r.exact : r.pow2Rounded
  return {
    id: 'arm64.vmemmap-size',
    title: 'arm64 vmemmap region sized from the real sizeof(struct page)',
    pass: used === r.exact,
    severity: 'warning',
    condition: since64 ? 'VMEMMAP_SIZE = (VMEMMAP_RANGE >> PAGE_SHIFT) × S' : 'VMEMMAP_RANGE >> (PAGE_SHIFT − order_base_2(S)) == (VMEMMAP_RANGE >> PAGE_SHIFT) × S',
    values: { S: size, vmemmapSize: used, exactSize: r.exact, wastedVA: used - r.exact },
    ref: `VMEMMAP_SIZE arch/arm64/include/asm/memory.h; ${cite('arm64-vmemmap-real-struct-page-size')}`,
    versions: since64 ? versionsOf('arm64-vmemmap-real-struct-page-size') : versionsBefore('arm64-vmemmap-real-struct-page-size'),
    consequence: 'the vmemmap region is dimensioned for a power-of-two struct page and eats VA space (vmalloc can run out with KMSAN and 52-bit VA)'
  }
}
