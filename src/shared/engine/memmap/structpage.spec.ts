import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { alignedStructPageDefault, arm64VmemmapFigures, structPageChecks, structPageConfigError, structPageSize } from './structpage.ts'
import { analyzeSource } from '../index.ts'

const v = (s: string) => parseKernelVersion(s)!
const check = (checks: ReturnType<typeof structPageChecks>, id: string) => checks.find((c) => c.id === id)!
const TiB = 2 ** 40

describe('sizeof(struct page) from the configuration (struct page, include/linux/mm_types.h)', () => {
  it('is 64 bytes by default on 64-bit, 56 without memcg_data', () => {
    expect(structPageSize().size).toBe(64)
    expect(structPageSize({ memcg: false }).size).toBe(56)
    // 16-byte alignment rounds 56 up to 64
    expect(structPageSize({ memcg: false, alignedStructPage: true }).size).toBe(64)
  })
  it('grows by 16 with KMSAN (64 → 80) and by a word for virtual or _last_cpupid', () => {
    expect(structPageSize({ kmsan: true }).size).toBe(80)
    expect(structPageSize({ wantPageVirtual: true }).size).toBe(72)
    expect(structPageSize({ lastCpupidNotInPageFlags: true }).size).toBe(72)
    expect(structPageSize({ lastCpupidNotInPageFlags: true, alignedStructPage: true }).size).toBe(80)
  })
  it('reaches 88 and 96 with KMSAN plus a trailer', () => {
    expect(structPageSize({ kmsan: true, lastCpupidNotInPageFlags: true }).size).toBe(88)
    expect(structPageSize({ kmsan: true, lastCpupidNotInPageFlags: true, alignedStructPage: true }).size).toBe(96)
    expect(structPageSize({ kmsan: true, wantPageVirtual: true, lastCpupidNotInPageFlags: true }).size).toBe(96)
  })
  it('takes a given size and the memdesc projections (32 and 8 bytes)', () => {
    expect(structPageSize({ size: 80, kmsan: false }).size).toBe(80)
    expect(structPageSize({ projection: 'memdesc-32' }).size).toBe(32)
    const r = structPageSize({ projection: 'memdesc-8', pageSize: 4096 })
    expect(r.size).toBe(8)
    expect(r.figures.find((f) => f.id === 'struct-page.pow2')!.value).toBe(true)
  })
  it('reports every figure with a kernel reference and a version range', () => {
    const r = structPageSize({ kmsan: true, pageSize: 4096 })
    expect(r.figures.map((f) => f.id)).toEqual(['struct-page.size', 'struct-page.alignment', 'struct-page.pow2', 'struct-page.max-shift', 'struct-page.memmap-ratio'])
    for (const f of r.figures) expect(f.ref && f.versions).toBeTruthy()
    expect(r.figures.find((f) => f.id === 'struct-page.memmap-ratio')!.value).toBe(1.9531)
    expect(r.figures.find((f) => f.id === 'struct-page.max-shift')!.value).toBe(7)
  })
})

describe('mm_zero_struct_page() bounds (__mm_zero_struct_page() include/linux/mm.h)', () => {
  it('rejects 88 and 96 before 6.2 (3770e52fd4ec, pulled after 6.2-rc8) and before 6.1.13, accepts them after', () => {
    const ok = (S: number, ver: string) => check(structPageChecks(S, { version: v(ver) }), 'struct-page.mm-zero-struct-page').pass
    expect(ok(80, '6.1')).toBe(true)
    expect(ok(88, '6.1')).toBe(false)
    expect(ok(96, '6.1.12')).toBe(false)
    expect(ok(96, '6.1.13')).toBe(true)
    expect(ok(96, '6.2-rc7')).toBe(false)
    expect(ok(96, '6.2-rc8')).toBe(false)
    expect(ok(96, '6.2')).toBe(true)
    expect(ok(88, '6.19')).toBe(true)
  })
  it('fails a size outside 56..96 or not a multiple of 8 on any version', () => {
    const c = check(structPageChecks(104, { version: v('7.0') }), 'struct-page.mm-zero-struct-page')
    expect(c.pass).toBe(false)
    expect(c.severity).toBe('error')
    expect(check(structPageChecks(60, { version: v('7.0') }), 'struct-page.mm-zero-struct-page').pass).toBe(false)
    expect(check(structPageChecks(48, { version: v('7.0') }), 'struct-page.mm-zero-struct-page').pass).toBe(false)
  })
  it('requires S % 16 == 0 with HAVE_ALIGNED_STRUCT_PAGE', () => {
    expect(check(structPageChecks(72, { version: v('6.6'), alignedStructPage: true }), 'struct-page.aligned').pass).toBe(false)
    expect(check(structPageChecks(80, { version: v('6.6'), alignedStructPage: true }), 'struct-page.aligned').pass).toBe(true)
  })
})

describe('mm_zero_struct_page() before 5470dea49f53 (in v5.2)', () => {
  it('5.1 and older zero struct page with memset(): no size bound', () => {
    const c = check(structPageChecks(104, { version: v('5.1') }), 'struct-page.mm-zero-struct-page')
    expect(c).toMatchObject({ pass: true, condition: 'memset(page, 0, sizeof(struct page)): no size bound' })
    expect(check(structPageChecks(104, { version: v('5.2') }), 'struct-page.mm-zero-struct-page').pass).toBe(false)
  })
})

describe('HAVE_ALIGNED_STRUCT_PAGE as each arch selects it', () => {
  it('x86, arm64, s390: "if SLUB" until SLAB is gone (2a19be61a651, in v6.8), then always', () => {
    expect(alignedStructPageDefault('x86_64', v('6.1')).value).toBe(true)
    expect(alignedStructPageDefault('x86_64', v('6.1'), 'slab').value).toBe(false)
    expect(alignedStructPageDefault('arm64', v('6.8')).value).toBe(true)
    expect(alignedStructPageDefault('powerpc64', v('6.12')).value).toBe(false)
  })
  it('riscv from 6.13, loongarch from 7.0', () => {
    expect(alignedStructPageDefault('riscv64', v('6.12')).value).toBe(false)
    expect(alignedStructPageDefault('riscv64', v('6.13')).value).toBe(true)
    expect(alignedStructPageDefault('loongarch64', v('6.12')).value).toBe(false)
  })
  it('SLAB does not exist from 6.8; KMSAN needs SLUB', () => {
    expect(structPageConfigError({ allocator: 'slab' }, v('6.8'))).toMatch(/SLAB was removed in 6.8/)
    expect(structPageConfigError({ allocator: 'slab', kmsan: true }, v('6.6'))).toMatch(/KMSAN depends on SLUB/)
    expect(structPageConfigError({ allocator: 'slab' }, v('6.6'))).toBeNull()
  })
})

describe('sizeof(struct page) of a scenario: the arch, allocator and version decide the padding', () => {
  const laptop = (memmap: string, kernel = '6.1') =>
    analyzeSource(
      `name: t\nkernel: "${kernel}"\narch: x86_64\nfirmware:\n  kind: e820\n  map:\n    - { start: 0, last: 0x9fbff, type: usable }\n    - { start: 0x100000, last: 0x7fffffff, type: usable }\nmemmap: ${memmap}\n`,
      't.yaml'
    )
  const size = (memmap: string, kernel?: string) => {
    const r = laptop(memmap, kernel)
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
    return r.report.memmap!.structPageSize
  }
  it('x86_64 KMSAN with LAST_CPUPID_NOT_IN_PAGE_FLAGS: 64 + 8 (cpupid, padded) + 16 = 88, padded to 96 by the SLUB-selected 16-byte alignment', () => {
    expect(size('{ structPage: { kmsan: true, lastCpupidNotInPageFlags: true } }')).toBe(96)
  })
  it('Debian-like KMSAN (cpupid in page->flags): 80', () => {
    expect(size('{ structPage: { kmsan: true } }')).toBe(80)
  })
  it('with SLAB (6.1) x86 does not select the alignment: 64 + 4 (cpupid) stays 72 instead of 80', () => {
    expect(size('{ structPage: { lastCpupidNotInPageFlags: true, allocator: slab } }')).toBe(72)
    expect(size('{ structPage: { lastCpupidNotInPageFlags: true } }')).toBe(80)
  })
  it('refuses SLAB on 6.8 and NVDIMM_KMSAN anywhere, with the reason', () => {
    const slab = laptop('{ structPage: { allocator: slab } }', '6.8')
    expect(slab.ok).toBe(false)
    expect(JSON.stringify(slab.diagnostics)).toMatch(/SLAB was removed in 6.8/)
    const nv = laptop('{ pmem: [{ start: 0x100000000, size: 0x40000000, mode: pmem, nvdimmKmsan: true }] }')
    expect(nv.ok).toBe(false)
    expect(JSON.stringify(nv.diagnostics)).toMatch(/NVDIMM_KMSAN cannot be enabled/)
  })
})

describe('non-power-of-two consequences (hugetlb_vmemmap_optimizable_size(), STRUCT_PAGE_MAX_SHIFT)', () => {
  it('flags HVO off and STRUCT_PAGE_MAX_SHIFT rounding 80 → 128 (×1.6)', () => {
    const cs = structPageChecks(80, { version: v('6.6'), hvo: true })
    expect(check(cs, 'struct-page.pow2')).toMatchObject({ pass: false, severity: 'warning' })
    expect(check(cs, 'struct-page.max-shift')).toMatchObject({ pass: false, values: { dimensionedBytes: 128, factor: 1.6 } })
    expect(check(structPageChecks(64, { version: v('6.6') }), 'struct-page.pow2').pass).toBe(true)
  })
  it('sizes the arm64 vmemmap region: 2 TiB (S=64), 2.5 TiB (S=80, ≥ 6.9, 32697ff38287), 4 TiB (S=80, ≤ 6.8)', () => {
    expect(arm64VmemmapFigures(64, { version: v('6.9') }).exact).toBe(2 * TiB)
    expect(arm64VmemmapFigures(80, { version: v('6.9') }).exact).toBe(2.5 * TiB)
    expect(arm64VmemmapFigures(80, { version: v('6.8') }).pow2Rounded).toBe(4 * TiB)
    const f = arm64VmemmapFigures(64, { version: v('6.9') }).figures.find((x) => x.id === 'arm64.vmemmap-start')!
    // 2^64 − 1 GiB − 2 TiB
    expect(f.value).toBe('0xfffffdffc0000000')
  })
  it('warns that a pre-6.9 arm64 kernel over-dimensions the region for S = 80', () => {
    const old = check(structPageChecks(80, { version: v('6.1'), arch: 'arm64' }), 'arm64.vmemmap-size')
    expect(old.pass).toBe(false)
    expect(old.values.wastedVA).toBe(1.5 * TiB)
    expect(check(structPageChecks(80, { version: v('6.8'), arch: 'arm64' }), 'arm64.vmemmap-size').pass).toBe(false)
    expect(check(structPageChecks(80, { version: v('6.9'), arch: 'arm64' }), 'arm64.vmemmap-size').pass).toBe(true)
  })
})
