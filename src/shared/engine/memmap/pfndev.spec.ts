import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { pfnDevLayout } from './pfndev.ts'

const v = (s: string) => parseKernelVersion(s)!
const MiB = 2 ** 20
const GiB = 2 ** 30
const TiB = 2 ** 40
const base = { start: 4 * GiB, size: 1 * TiB, align: 2 * MiB, mode: 'pmem' as const }
const check = (r: ReturnType<typeof pfnDevLayout>, id: string) => r.checks.find((c) => c.id === id)!

describe('NVDIMM pfn device reservation (nd_pfn_init() drivers/nvdimm/pfn_devs.c)', () => {
  it('1 TiB PMEM at align 2 MiB loses 16 GiB + 2 MiB with the 64-byte page map', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 64, version: v('6.6') })
    expect(r.npfns).toBe(268_435_454)
    expect(r.pageMapSize).toBe(16 * GiB - 128)
    expect(r.offset).toBe(16 * GiB + 2 * MiB)
    expect(r.dataPages).toBe(264_240_640)
    expect(r.lostBytes).toBe(16 * GiB + 2 * MiB)
    expect(r.usableBytes).toBe(TiB - 16 * GiB - 2 * MiB)
    expect(r.pageStructSize).toBe(64)
    expect(r.figures.find((f) => f.id === 'pfn.lost-percent')!.value).toBe(1.563)
    expect(r.ok).toBe(true)
  })
  it('6.1 (MAX_STRUCT_PAGE_SIZE 128) doubles the page map: 32 GiB + 2 MiB', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 64, version: v('6.1.11') })
    expect(r.maxStructPageSize).toBe(128)
    expect(r.lostBytes).toBe(32 * GiB + 2 * MiB)
    expect(r.pageStructSize).toBe(128)
    expect(pfnDevLayout({ ...base, structPageSize: 64, version: v('6.1.12') }).maxStructPageSize).toBe(64)
    expect(pfnDevLayout({ ...base, structPageSize: 64, version: v('6.2-rc7') }).maxStructPageSize).toBe(128)
    expect(pfnDevLayout({ ...base, structPageSize: 64, version: v('6.2') }).maxStructPageSize).toBe(64)
    expect(pfnDevLayout({ ...base, structPageSize: 64, version: v('6.0') }).maxStructPageSize).toBe(64)
  })
  it('before 5.4 (e96f0bf2ec92) the page map is a hard-coded 64 × npfns and nothing checks S', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, version: v('4.19') })
    expect(r.maxStructPageSize).toBe(64)
    expect(r.pageMapSize).toBe(64 * 268_435_454)
    expect(check(r, 'pfn.struct-page-size')).toMatchObject({ pass: false, condition: 'S ≤ 64 (64 × npfns reserved, no build check)' })
    expect(r.error).toMatch(/runs out of altmap pages/)
    // PFN_MODE_RAM does not care
    expect(pfnDevLayout({ ...base, mode: 'ram', structPageSize: 80, version: v('4.19') }).ok).toBe(true)
  })
  it('5.4 to 6.0: BUILD_BUG_ON(sizeof(struct page) > 64) stops every mode', () => {
    const r = pfnDevLayout({ ...base, mode: 'ram', structPageSize: 80, version: v('5.10') })
    expect(r.error).toBe('BUILD_BUG_ON: the kernel does not build')
  })
  it('NVDIMM_KMSAN is not settable, so page_struct_override never lets an 80-byte struct page use PMEM mode', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, version: v('6.6') })
    expect(r.ok).toBe(false)
    expect(check(r, 'pfn.struct-page-size').values.NVDIMM_KMSAN).toBe('not settable')
  })
  it('MAX_STRUCT_PAGE_SIZE 80 (the option discussed) reserves 20 GiB + 2 MiB for everyone', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 64, maxStructPageSize: 80 })
    expect(r.lostBytes).toBe(20 * GiB + 2 * MiB)
    expect(r.pageStructSize).toBe(80)
  })
  it('PFN_MODE_RAM keeps only the info block and alignment in the device', () => {
    const r = pfnDevLayout({ ...base, mode: 'ram', structPageSize: 80, version: v('6.6') })
    expect(r.ok).toBe(true)
    expect(r.offset).toBe(2 * MiB)
    expect(r.figures.find((f) => f.id === 'pfn.ram-memmap-bytes')!.value).toBe((TiB / 4096) * 80)
  })
})

describe('nd_pfn_init() and nd_pfn_validate() checks', () => {
  it('a KMSAN kernel without NVDIMM_KMSAN refuses PMEM mode', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, version: v('6.6') })
    expect(r.ok).toBe(false)
    expect(r.error).toBe('-EINVAL "Memory debug options prevent using pmem for the page map"')
    expect(check(r, 'pfn.struct-page-size')).toMatchObject({ pass: false, severity: 'error' })
    // 6.1.0–6.1.11: 80 ≤ 128 fits
    expect(pfnDevLayout({ ...base, structPageSize: 80, version: v('6.1') }).ok).toBe(true)
  })
  it('a namespace made by a 64-byte kernel cannot be probed by a KMSAN kernel (struct page size mismatch)', () => {
    // 6.1.0–6.1.11: MAX_STRUCT_PAGE_SIZE 128 lets the 80-byte KMSAN struct page through
    const r = pfnDevLayout({ ...base, structPageSize: 80, version: v('6.1.11'), existing: { versionMinor: 4, pageStructSize: 64, pageSize: 4096 } })
    expect(check(r, 'pfn.reprobe-struct-page-size').pass).toBe(false)
    expect(r.error).toBe('-EOPNOTSUPP "init failed, struct page size mismatch 64"')
    // an 80-byte info block is still mountable by a 64-byte kernel
    const back = pfnDevLayout({ ...base, structPageSize: 64, version: v('6.6'), existing: { pageStructSize: 80 } })
    expect(check(back, 'pfn.reprobe-struct-page-size').pass).toBe(true)
    // a 64K-page info block on a 4K kernel
    const pg = pfnDevLayout({ ...base, structPageSize: 64, existing: { pageSize: 65536 } })
    expect(check(pg, 'pfn.reprobe-page-size').pass).toBe(false)
  })
  it('misaligned start and unsatisfiable alignment fail', () => {
    expect(check(pfnDevLayout({ ...base, start: 4 * GiB + 4096, structPageSize: 64 }), 'pfn.start-aligned').pass).toBe(false)
    const ppc = pfnDevLayout({ ...base, start: 4 * GiB + 2 * MiB, structPageSize: 64, pageSize: 65536, memremapCompatAlign: 16 * MiB })
    expect(ppc.error).toBe('-EINVAL "start … misaligned to …"')
    const tiny = pfnDevLayout({ start: 0, size: 2 * MiB, align: 2 * MiB, mode: 'pmem', structPageSize: 64 })
    expect(check(tiny, 'pfn.alignment-satisfiable').pass).toBe(false)
    expect(tiny.error).toBe('-ENXIO "unable to satisfy requested alignment"')
  })
})
