import { describe, expect, it } from 'vitest'
import { parseKernelVersion } from '../version.ts'
import { pfnDevLayout } from './pfndev.ts'

const v = (s: string) => parseKernelVersion(s)!
const MiB = 2 ** 20
const GiB = 2 ** 30
const TiB = 2 ** 40
const base = { start: 4 * GiB, size: 1 * TiB, align: 2 * MiB, mode: 'pmem' as const }
const check = (r: ReturnType<typeof pfnDevLayout>, id: string) => r.checks.find((c) => c.id === id)!

describe('NVDIMM pfn device reservation (spec §7)', () => {
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
  it('S = 80 with NVDIMM_KMSAN reserves 20 GiB + 2 MiB and writes page_struct_size 80', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, nvdimmKmsan: true, version: v('6.6') })
    expect(r.ok).toBe(true)
    expect(r.offset).toBe(20 * GiB + 2 * MiB)
    expect(r.pageStructSize).toBe(80)
    expect(r.figures.find((f) => f.id === 'pfn.lost-percent')!.value).toBe(1.953)
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

describe('§9 item 17 checks', () => {
  it('a KMSAN kernel without NVDIMM_KMSAN refuses PMEM mode', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, version: v('6.6') })
    expect(r.ok).toBe(false)
    expect(r.error).toBe('-EINVAL "Memory debug options prevent using pmem for the page map"')
    expect(check(r, 'pfn.struct-page-size')).toMatchObject({ pass: false, spec: 17, severity: 'error' })
    // 6.1.0–6.1.11: 80 ≤ 128 fits
    expect(pfnDevLayout({ ...base, structPageSize: 80, version: v('6.1') }).ok).toBe(true)
  })
  it('a namespace made by a 64-byte kernel cannot be probed by a KMSAN kernel (struct page size mismatch)', () => {
    const r = pfnDevLayout({ ...base, structPageSize: 80, nvdimmKmsan: true, version: v('6.6'), existing: { versionMinor: 4, pageStructSize: 64, pageSize: 4096 } })
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
