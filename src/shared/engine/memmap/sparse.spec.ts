// SPARSEMEM geometry, with numbers worked out from include/linux/mmzone.h, mm/sparse.c and
// arch/*/include/asm/sparsemem.h in the versions each block names.
import { describe, expect, it } from 'vitest'
import { parseKernelVersion, type KernelVersion } from '../version.ts'
import {
  archMemoryModel,
  encodableLowBits,
  encodingChecks,
  memSectionSizeCheck,
  memSectionUsageSize,
  pfnValidCheck,
  rootTableCost,
  sectionConstantChecks,
  sectionFlags,
  sectionGeometry,
  usageCost,
  type ArchModelOptions,
  type MemArch
} from './sparse.ts'

const v = (s: string): KernelVersion => parseKernelVersion(s)!
const K = 1024
const geo = (arch: MemArch, ps: number, ver = '6.19', opts: ArchModelOptions = {}, ext = false) => sectionGeometry(archMemoryModel(arch, ps * K, v(ver), opts), { pageExtension: ext })

describe('per-arch SECTION_SIZE_BITS / MAX_PHYSMEM_BITS (arch/*/include/asm/sparsemem.h)', () => {
  it('x86_64: 27 bits, 46 with 4-level and 52 with 5-level paging', () => {
    expect(geo('x86_64', 4)).toMatchObject({ sectionSizeBits: 27, maxPhysmemBits: 46, pagesPerSection: 32768 })
    expect(geo('x86_64', 4, '6.19', { paging: '5-level' }).maxPhysmemBits).toBe(52)
  })
  it('arm64: 30 bits until 5.11, then 27 (4K/16K) and 29 (64K)', () => {
    expect(geo('arm64', 4, '5.11').sectionSizeBits).toBe(30)
    expect(geo('arm64', 64, '5.10.200').sectionSizeBits).toBe(30)
    expect(geo('arm64', 4, '5.12').sectionSizeBits).toBe(27)
    expect(geo('arm64', 16, '5.12').sectionSizeBits).toBe(27)
    expect(geo('arm64', 64, '5.12').sectionSizeBits).toBe(29)
  })
  it('arm64 MAX_PHYSMEM_BITS: CONFIG_ARM64_PA_BITS, then PHYS_MASK_SHIFT (48 unless LPA2 is on) from bf74bb73cd87 (v6.14; stable 6.13.3, 6.12.14)', () => {
    expect(geo('arm64', 4, '6.12', { arm64PaBits: 52 }).maxPhysmemBits).toBe(52)
    expect(geo('arm64', 4, '6.13', { arm64PaBits: 52, arm64Lpa2: false }).maxPhysmemBits).toBe(52)
    expect(geo('arm64', 4, '6.13.3', { arm64PaBits: 52, arm64Lpa2: false }).maxPhysmemBits).toBe(48)
    expect(geo('arm64', 4, '6.12.14', { arm64PaBits: 52, arm64Lpa2: false }).maxPhysmemBits).toBe(48)
    expect(geo('arm64', 4, '6.14', { arm64PaBits: 52, arm64Lpa2: false }).maxPhysmemBits).toBe(48)
    expect(geo('arm64', 4, '6.14', { arm64PaBits: 52 }).maxPhysmemBits).toBe(52)
    expect(geo('arm64', 64, '6.14', { arm64PaBits: 52, arm64Lpa2: false }).maxPhysmemBits).toBe(52)
  })
  it('powerpc64: 24 bits; 51 with radix or hash-64K+VMEMMAP+EXTREME, 46 for hash-4K', () => {
    expect(geo('powerpc64', 64)).toMatchObject({ sectionSizeBits: 24, maxPhysmemBits: 51 })
    expect(geo('powerpc64', 4, '6.19', { ppcMmu: 'hash' }).maxPhysmemBits).toBe(46)
    expect(geo('powerpc64', 64, '6.19', { ppcMmu: 'hash', ppcVmemmapExtreme: false }).maxPhysmemBits).toBe(46)
  })
  it('s390 28 → 27 bits; riscv64 27/56; loongarch 28, 29 with 64K and hugetlb', () => {
    expect(geo('s390', 4, '6.12').sectionSizeBits).toBe(28)
    expect(geo('s390', 4, '6.13').sectionSizeBits).toBe(27)
    expect(geo('riscv64', 4)).toMatchObject({ sectionSizeBits: 27, maxPhysmemBits: 56 })
    expect(geo('loongarch64', 16).sectionSizeBits).toBe(28)
    expect(geo('loongarch64', 64).sectionSizeBits).toBe(29)
    expect(geo('loongarch64', 64, '6.19', { loongarchHugetlb: false }).sectionSizeBits).toBe(28)
  })
  it('every figure carries a kernel reference and a version range', () => {
    for (const f of geo('arm64', 16, '6.13').figures) {
      expect(f.ref).toMatch(/\S/)
      expect(f.versions).toMatch(/\S/)
    }
  })
  it('rejects page sizes an arch does not have', () => {
    expect(() => archMemoryModel('x86_64', 64 * K, v('6.1'))).toThrow(RangeError)
  })
})

describe('root table cost (SPARSEMEM_EXTREME mem_section[], sparse_index_init() mm/sparse.c)', () => {
  const row = (g: ReturnType<typeof geo>) => [g.nrMemSections, g.sectionsPerRoot, g.nrSectionRoots, g.rootArrayBytes]
  it('matches the spec table', () => {
    expect(row(geo('x86_64', 4))).toEqual([524288, 256, 2048, 16 * K])
    expect(row(geo('x86_64', 4, '6.19', { paging: '5-level' }))).toEqual([2 ** 25, 256, 131072, 1024 * K])
    expect(row(geo('arm64', 4))).toEqual([2 ** 21, 256, 8192, 64 * K])
    expect(row(geo('arm64', 16))).toEqual([2 ** 21, 1024, 2048, 16 * K])
    expect(row(geo('arm64', 64, '6.19', { arm64PaBits: 52 }))).toEqual([2 ** 23, 4096, 2048, 16 * K])
    expect(row(geo('arm64', 64))).toEqual([2 ** 19, 4096, 128, 1 * K])
    expect(row(geo('powerpc64', 64))).toEqual([2 ** 27, 4096, 32768, 256 * K])
    expect(row(geo('riscv64', 4))).toEqual([2 ** 29, 256, 2097152, 16 * 1024 * K])
    expect(row(geo('s390', 4))).toEqual([2 ** 19, 256, 2048, 16 * K])
    expect(row(geo('loongarch64', 16))).toEqual([2 ** 20, 1024, 1024, 8 * K])
  })
  it('PAGE_EXTENSION makes struct mem_section 32 bytes and doubles the pointer array', () => {
    const g = geo('x86_64', 4, '6.19', {}, true)
    expect(g.memSectionSize).toBe(32)
    expect(g.rootArrayBytes).toBe(32 * K)
  })
  it('x86_64 with 256 GiB at 0: 8 roots of one page = 32 KiB', () => {
    const c = rootTableCost(geo('x86_64', 4), [{ nid: 0, runs: [{ start: 0, end: 2048 }] }])
    expect(c.rootsAllocated).toBe(8)
    expect(c.rootBlocksBytes).toBe(32 * K)
    expect(c.totalBytes).toBe(16 * K + 32 * K)
  })
  it('a root shared by two nodes is allocated once, by the node that touches it first', () => {
    const c = rootTableCost(geo('x86_64', 4), [
      { nid: 1, runs: [{ start: 300, end: 600 }] },
      { nid: 0, runs: [{ start: 0, end: 300 }] }
    ])
    // roots 0 and 1 belong to node 0 (sections 0–299), root 2 to node 1 (sections 512–599)
    expect(c.rootsAllocated).toBe(3)
    expect(c.perNode).toEqual([
      { nid: 0, roots: 2, bytes: 8 * K },
      { nid: 1, roots: 1, bytes: 4 * K }
    ])
  })
})

describe('struct mem_section_usage (include/linux/mmzone.h, mem_section_usage_size() mm/sparse.c)', () => {
  const x86 = geo('x86_64', 4)
  it('x86_64, pageblock_order 9: 40 B before 6.8, 56 B 6.8–6.16, 88 B from 6.17 with MEMORY_ISOLATION', () => {
    expect(memSectionUsageSize(x86, { version: v('6.7'), sparsememVmemmap: true, pageblockOrder: 9 }).bytes).toBe(40)
    expect(memSectionUsageSize(x86, { version: v('6.8'), sparsememVmemmap: true, pageblockOrder: 9 }).bytes).toBe(56)
    expect(memSectionUsageSize(x86, { version: v('6.16'), sparsememVmemmap: true, pageblockOrder: 9 }).bytes).toBe(56)
    expect(memSectionUsageSize(x86, { version: v('6.17'), sparsememVmemmap: true, pageblockOrder: 9 }).bytes).toBe(88)
    expect(memSectionUsageSize(x86, { version: v('6.17'), sparsememVmemmap: true, pageblockOrder: 9, memoryIsolation: false }).bytes).toBe(56)
  })
  it('arm64 64K (pageblock 13): 56 B; arm64 16K (pageblock 11): 32 B', () => {
    const u64 = memSectionUsageSize(geo('arm64', 64), { version: v('6.8'), sparsememVmemmap: true, pageblockOrder: 13 })
    expect([u64.subsectionMapBytes, u64.usemapBytes, u64.bytes]).toEqual([32, 8, 56])
    expect(memSectionUsageSize(geo('arm64', 16), { version: v('6.10'), sparsememVmemmap: true, pageblockOrder: 11 }).bytes).toBe(32)
  })
  it('no subsection_map without VMEMMAP, no struct mem_section_usage before 5.3', () => {
    expect(memSectionUsageSize(x86, { version: v('6.8'), sparsememVmemmap: false, pageblockOrder: 9 }).bytes).toBe(48)
    expect(memSectionUsageSize(x86, { version: v('5.2'), sparsememVmemmap: true, pageblockOrder: 9 }).bytes).toBe(32)
  })
  it('per node: map_count × usage size', () => {
    const u = memSectionUsageSize(x86, { version: v('6.8'), sparsememVmemmap: true, pageblockOrder: 9 })
    const c = usageCost(u, [
      {
        nid: 0,
        runs: [
          { start: 0, end: 8 },
          { start: 32, end: 40 }
        ]
      },
      { nid: 1, runs: [{ start: 64, end: 68 }] }
    ])
    expect(c.perNode).toEqual([
      { nid: 0, mapCount: 16, bytes: 16 * 56 },
      { nid: 1, mapCount: 4, bytes: 4 * 56 }
    ])
  })
  it('FAILS when an observed size does not match the version (a 6.8 kernel reporting 40 B)', () => {
    const c = memSectionUsageSize(x86, { version: v('6.8'), sparsememVmemmap: true, pageblockOrder: 9, observedBytes: 40 }).check
    expect(c.pass).toBe(false)
    expect(c.id).toBe('sparse.usage-size')
  })
})

describe('section_mem_map flag bits and encoding (include/linux/mmzone.h, sparse_encode_mem_map())', () => {
  it('counts the flag bits per version and config', () => {
    expect(sectionFlags(v('6.19'), { zoneDevice: true }).lastBit).toBe(5)
    expect(sectionFlags(v('6.19')).lastBit).toBe(4)
    expect(sectionFlags(v('6.15'), { zoneDevice: true, vmemmapPreinit: true }).lastBit).toBe(6)
    expect(sectionFlags(v('5.15'))).toMatchObject({ lastBit: 5, nidShift: 6 })
  })
  it('SECTION_NID_SHIFT stayed 3 while flags were added above it, until 01c8d337d195 (v5.15) made it 6', () => {
    // 2d070eab2e82 (v4.13) IS_ONLINE, f46edbd1b151 (v5.3) IS_EARLY, 1f90a3477df3 (v5.12) TAINT_ZONE_DEVICE
    expect(sectionFlags(v('4.12'))).toMatchObject({ lastBit: 2, nidShift: 2 })
    expect(sectionFlags(v('4.19'))).toMatchObject({ lastBit: 3, nidShift: 3 })
    expect(sectionFlags(v('5.4'))).toMatchObject({ lastBit: 4, nidShift: 3 })
    expect(sectionFlags(v('5.14'))).toMatchObject({ lastBit: 5, nidShift: 3 })
  })
  it("Muchun's guaranteed alignment: min(PAGE_SHIFT, PFN_SECTION_SHIFT + __ffs(S))", () => {
    expect(encodableLowBits(geo('x86_64', 4), 64)).toBe(12)
    expect(encodableLowBits(geo('powerpc64', 64), 80)).toBe(12) // 8 + 4
  })
  it('a vmemmap base passes; a coded mem_map with low bits set FAILS (BUG_ON)', () => {
    const g = geo('x86_64', 4)
    const flags = sectionFlags(v('6.19'), { zoneDevice: true })
    const ok = encodingChecks(g, 64, flags, { memMapAddr: 0xffffea0000000000n + 5n * 32768n * 64n, sectionNr: 5 })
    expect(ok.every((c) => c.pass)).toBe(true)
    const bad = encodingChecks(g, 64, flags, { memMapAddr: 0xffffea0000000000n + 5n * 32768n * 64n + 8n, sectionNr: 5 })
    const coded = bad.find((c) => c.id === 'sparse.map-coded-low-bits')!
    expect(coded.pass).toBe(false)
    expect(coded.values.coded).toBe('0xffffea0000000008')
  })
  it('struct mem_section must be a power of two (24 bytes FAILS)', () => {
    expect(memSectionSizeCheck(16).pass).toBe(true)
    expect(memSectionSizeCheck(24).pass).toBe(false)
  })
})

describe('mmzone.h #errors (include/linux/mmzone.h)', () => {
  const g = geo('x86_64', 4)
  it('x86_64 defaults pass', () => {
    expect(sectionConstantChecks(g, { maxPageOrder: 10, pageblockOrder: 9 }).every((c) => c.pass)).toBe(true)
  })
  it('FAILS with ARCH_FORCE_MAX_ORDER 16 on 128 MiB sections (16 + 12 > 27)', () => {
    const c = sectionConstantChecks(g, { maxPageOrder: 16, pageblockOrder: 9 }).find((x) => x.id === 'sparse.max-order-fits')!
    expect(c.pass).toBe(false)
  })
  it('arm64 64K: MAX_PAGE_ORDER 13 fits 29-bit sections exactly', () => {
    expect(sectionConstantChecks(geo('arm64', 64), { maxPageOrder: 13, pageblockOrder: 13 }).every((c) => c.pass)).toBe(true)
  })
})

describe('pfn_valid() (include/linux/mmzone.h)', () => {
  const g = geo('x86_64', 4)
  const st = { version: v('6.8'), sparsememVmemmap: true, early: [{ start: 0, end: 4 }], hotplugged: [{ start: 8, end: 9 }], activePfns: [{ start: 8 * 32768, end: 8 * 32768 + 512 }] }
  it('a hole inside an early section is valid', () => {
    expect(pfnValidCheck(g, 3 * 32768 + 100, st).pass).toBe(true)
  })
  it('a hot-plugged section is valid only in its active subsections', () => {
    expect(pfnValidCheck(g, 8 * 32768 + 511, st).pass).toBe(true)
    expect(pfnValidCheck(g, 8 * 32768 + 512, st).pass).toBe(false)
  })
  it('absent sections and pfns beyond NR_MEM_SECTIONS are invalid', () => {
    expect(pfnValidCheck(g, 5 * 32768, st).pass).toBe(false)
    expect(pfnValidCheck(g, 2 ** 34, st).values.sectionInRange).toBe(false)
  })
})
