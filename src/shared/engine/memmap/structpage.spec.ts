import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { arm64VmemmapFigures, structPageChecks, structPageSize } from './structpage.ts'

const v = (s: string) => parseKernelVersion(s)!
const check = (checks: ReturnType<typeof structPageChecks>, id: string) => checks.find((c) => c.id === id)!
const TiB = 2 ** 40

describe('sizeof(struct page) from the configuration (spec §3.1)', () => {
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

describe('mm_zero_struct_page() bounds (spec §3.2, §9 item 5)', () => {
  it('rejects 88 and 96 before 6.2-rc7 and before 6.1.13, accepts them after', () => {
    const ok = (S: number, ver: string) => check(structPageChecks(S, { version: v(ver) }), 'struct-page.mm-zero-struct-page').pass
    expect(ok(80, '6.1')).toBe(true)
    expect(ok(88, '6.1')).toBe(false)
    expect(ok(96, '6.1.12')).toBe(false)
    expect(ok(96, '6.1.13')).toBe(true)
    expect(ok(96, '6.2-rc6')).toBe(false)
    expect(ok(96, '6.2-rc7')).toBe(true)
    expect(ok(88, '6.19')).toBe(true)
  })
  it('fails a size outside 56..96 or not a multiple of 8 on any version', () => {
    const c = check(structPageChecks(104, { version: v('7.0') }), 'struct-page.mm-zero-struct-page')
    expect(c.pass).toBe(false)
    expect(c.severity).toBe('error')
    expect(c.spec).toBe(5)
    expect(check(structPageChecks(60, { version: v('7.0') }), 'struct-page.mm-zero-struct-page').pass).toBe(false)
    expect(check(structPageChecks(48, { version: v('7.0') }), 'struct-page.mm-zero-struct-page').pass).toBe(false)
  })
  it('requires S % 16 == 0 with HAVE_ALIGNED_STRUCT_PAGE', () => {
    expect(check(structPageChecks(72, { version: v('6.6'), alignedStructPage: true }), 'struct-page.aligned').pass).toBe(false)
    expect(check(structPageChecks(80, { version: v('6.6'), alignedStructPage: true }), 'struct-page.aligned').pass).toBe(true)
  })
})

describe('non-power-of-two consequences (spec §3.3)', () => {
  it('flags HVO off and STRUCT_PAGE_MAX_SHIFT rounding 80 → 128 (×1.6)', () => {
    const cs = structPageChecks(80, { version: v('6.6'), hvo: true })
    expect(check(cs, 'struct-page.pow2')).toMatchObject({ pass: false, severity: 'warning' })
    expect(check(cs, 'struct-page.max-shift')).toMatchObject({ pass: false, values: { dimensionedBytes: 128, factor: 1.6 } })
    expect(check(structPageChecks(64, { version: v('6.6') }), 'struct-page.pow2').pass).toBe(true)
  })
  it('sizes the arm64 vmemmap region: 2 TiB (S=64), 2.5 TiB (S=80, ≥ 6.4), 4 TiB (S=80, ≤ 6.3)', () => {
    expect(arm64VmemmapFigures(64, { version: v('6.6') }).exact).toBe(2 * TiB)
    expect(arm64VmemmapFigures(80, { version: v('6.6') }).exact).toBe(2.5 * TiB)
    expect(arm64VmemmapFigures(80, { version: v('6.3') }).pow2Rounded).toBe(4 * TiB)
    const f = arm64VmemmapFigures(64, { version: v('6.6') }).figures.find((x) => x.id === 'arm64.vmemmap-start')!
    // 2^64 − 1 GiB − 2 TiB
    expect(f.value).toBe('0xfffffdffc0000000')
  })
  it('warns that a pre-6.4 arm64 kernel over-dimensions the region for S = 80', () => {
    const old = check(structPageChecks(80, { version: v('6.1'), arch: 'arm64' }), 'arm64.vmemmap-size')
    expect(old.pass).toBe(false)
    expect(old.values.wastedVA).toBe(1.5 * TiB)
    expect(check(structPageChecks(80, { version: v('6.4'), arch: 'arm64' }), 'arm64.vmemmap-size').pass).toBe(true)
  })
})
