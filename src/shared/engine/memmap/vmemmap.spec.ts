// Memmap placement, with numbers worked out from mm/sparse.c, mm/sparse-vmemmap.c and the
// arch vmemmap code each block names.
import { describe, expect, it } from 'vitest'
import { parseKernelVersion, type KernelVersion } from '../version.ts'
import { maxFolioVmemmapAlign, memmapAlignmentCheck } from './folio.ts'
import { archMemoryModel, sectionGeometry, type NodeSectionRuns } from './sparse.ts'
import {
  altmapAllocBlock,
  arm64Vmemmap,
  buildMemmapPlan,
  flatmemAlignmentCheck,
  flatmemMap,
  memmapOnMemoryCheck,
  memmapRows,
  populateModeCheck,
  vmemmapBase,
  vmemmapConsistencyCheck,
  vmemmapMapping,
  x86KaslrRange
} from './vmemmap.ts'

const v = (s: string): KernelVersion => parseKernelVersion(s)!
const K = 1024
const M = 1024 * K
const G = 1024 * M
const T = 1024 * G
const x86 = archMemoryModel('x86_64', 4 * K, v('6.8'))
const x86geo = sectionGeometry(x86)
const x86map = vmemmapMapping('x86_64', 4 * K, v('6.8'))
const x86plan = (S: number, nodes: NodeSectionRuns[], bufferBase?: Record<number, string>) =>
  buildMemmapPlan({ geo: x86geo, structPageSize: S, version: v('6.8'), vmemmap: { mapping: x86map, pfnToPage0: vmemmapBase(x86, v('6.8'), { structPageSize: S }).pfnToPage0 }, nodes, bufferBase })

describe('x86_64 PMD-mapped vmemmap (vmemmap_populate_hugepages(), vmemmap_use_sub_pmd())', () => {
  it('S = 64: 2 MiB of memmap per 128 MiB section, one PMD each', () => {
    const p = x86plan(64, [{ nid: 0, runs: [{ start: 0, end: 8 }] }])
    expect(p.sectionMemmapBytes).toBe(2 * M)
    expect(p.sectionMapSize).toBe(2 * M)
    expect(p.summary.unitsTouched).toBe(8)
    expect(p.checks.find((c) => c.id === 'vmemmap.sub-pmd')!.pass).toBe(true)
  })
  it('S = 80: 2.5 MiB per section, 8 consecutive sections share 10 PMDs (20 MiB)', () => {
    const p = x86plan(80, [{ nid: 0, runs: [{ start: 0, end: 8 }] }])
    expect(p.sectionMemmapBytes).toBe(2.5 * M)
    expect(p.summary.unitsTouched).toBe(10)
    expect(p.summary.mappedBytes).toBe(20 * M)
    const sub = p.checks.find((c) => c.id === 'vmemmap.sub-pmd')!
    expect(sub.pass).toBe(false)
    expect(sub.values).toMatchObject({ pmds: 10, sections: 8, subPmdTracking: true })
  })
  it('S = 80: the boot buffer is 8 × 4 MiB, 10 PMDs are taken, 12 MiB go back to memblock', () => {
    const b = x86plan(80, [{ nid: 0, runs: [{ start: 0, end: 8 }] }]).summary.buffers[0]
    expect(b).toMatchObject({ mapCount: 8, bufferBytes: 32 * M, alignment: 4 * M, consumedBytes: 20 * M, freedBytes: 12 * M, fallbackUnits: 0 })
  })
  it('S = 80: an isolated odd section spans 2 PMDs', () => {
    expect(x86plan(80, [{ nid: 0, runs: [{ start: 1, end: 2 }] }]).summary.unitsTouched).toBe(2)
  })
  it('rows: section 1 starts 0.5 MiB into PMD 1 and section 2 1 MiB into PMD 2, both allocated by the section before', () => {
    const p = x86plan(80, [{ nid: 0, runs: [{ start: 0, end: 8 }] }], { 0: '0x100000000' })
    const rows = memmapRows(p, 0, 3)
    expect(rows.map((r) => r.memmapVirt)).toEqual(['0xffffea0000000000', '0xffffea0000280000', '0xffffea0000500000'])
    expect(rows.map((r) => r.newUnits)).toEqual([2, 1, 1])
    expect(rows.map((r) => r.sharesWithPrevious)).toEqual([false, true, true])
    expect(rows.map((r) => r.bufferOffset)).toEqual([0, 2.5 * M, 5 * M])
    expect(rows[1].phys).toBe('0x100280000')
  })
  it('a window in the middle equals the same rows computed from the start', () => {
    const p = x86plan(80, [
      {
        nid: 0,
        runs: [
          { start: 0, end: 5 },
          { start: 7, end: 11 }
        ]
      },
      { nid: 1, runs: [{ start: 11, end: 20 }] }
    ])
    const all = memmapRows(p, 0, 100)
    expect(all).toHaveLength(18)
    expect(memmapRows(p, 6, 8)).toEqual(all.slice(6, 14))
    // node 1 starts at 27.5 MiB, inside PMD 13 allocated by node 0: its first byte lies in node 0's buffer
    expect(all.find((r) => r.section === 11)).toMatchObject({ nid: 1, sharesWithPrevious: true, newUnits: 1, bufferOffset: null })
    // section 12 starts PMD 15, the second PMD node 1 allocates
    expect(all.find((r) => r.section === 12)).toMatchObject({ sharesWithPrevious: false, bufferOffset: 2 * M })
  })
  it('huge machines: 400 000 sections in a few runs, a window of rows without materialising the rest', () => {
    const nodes: NodeSectionRuns[] = [0, 1, 2, 3].map((nid) => ({ nid, runs: [{ start: nid * 100_000, end: nid * 100_000 + 100_000 }] }))
    const p = x86plan(80, nodes)
    expect(p.presentSections).toBe(400_000)
    expect(p.summary.unitsTouched).toBe(500_000)
    const rows = memmapRows(p, 250_000, 4)
    expect(rows.map((r) => r.section)).toEqual([250_000, 250_001, 250_002, 250_003])
    expect(rows[0].nid).toBe(2)
    expect(rows[0].bufferOffset).toBe(50_000 * 2.5 * M)
  })
})

describe('SPARSEMEM without VMEMMAP (__populate_section_memmap() mm/sparse.c)', () => {
  const plan = (S: number, bufferBase?: Record<number, string>) =>
    buildMemmapPlan({ geo: x86geo, structPageSize: S, version: v('6.8'), vmemmap: null, nodes: [{ nid: 0, runs: [{ start: 0, end: 4 }] }], bufferBase })
  it('section_map_size = PAGE_ALIGN(2.5 MiB); maps are carved contiguously', () => {
    const p = plan(80)
    expect(p.sectionMapSize).toBe(2.5 * M)
    expect(memmapRows(p, 0, 4).map((r) => r.bufferOffset)).toEqual([0, 2.5 * M, 5 * M, 7.5 * M])
  })
  it('FAILS the buffer check when the buffer base is not a multiple of the size (roundup pushes the last map out)', () => {
    const p = plan(80, { 0: '0x100000' })
    const rows = memmapRows(p, 0, 4)
    expect(rows[0].bufferOffset).toBe(1.5 * M)
    expect(rows[3].fromBuffer).toBe(false)
    expect(p.checks.find((c) => c.id === 'vmemmap.boot-buffer.0')!.pass).toBe(false)
  })
})

describe('mapping mode (vmemmap_populate() per arch)', () => {
  it('x86: a full section gets PMDs, a sub-section range base pages', () => {
    expect(populateModeCheck(x86map, x86geo, 64, 2 * M).values.mode).toBe('pmd')
    expect(populateModeCheck(x86map, x86geo, 64, 32 * K).values.mode).toBe('base')
  })
  it('arm64 16K/64K always use base pages', () => {
    expect(vmemmapMapping('arm64', 16 * K, v('6.8')).fullSection).toBe('base')
    expect(vmemmapMapping('arm64', 64 * K, v('6.8')).fullSection).toBe('base')
  })
  it('arm64 4K before the fix: a 2 MiB sub-section hot-add maps a whole PMD (FAILS); from 6.15 base pages', () => {
    const g = sectionGeometry(archMemoryModel('arm64', 4 * K, v('6.12')))
    const old = populateModeCheck(vmemmapMapping('arm64', 4 * K, v('6.12')), g, 64, 32 * K)
    expect(old.pass).toBe(false)
    expect(old.values.mode).toBe('pmd')
    expect(populateModeCheck(vmemmapMapping('arm64', 4 * K, v('6.15')), g, 64, 32 * K).pass).toBe(true)
  })
  it('arm64 6.15: a range above one section FAILS (WARN_ON_ONCE)', () => {
    const g = sectionGeometry(archMemoryModel('arm64', 4 * K, v('6.15')))
    expect(populateModeCheck(vmemmapMapping('arm64', 4 * K, v('6.15')), g, 64, 4 * M).pass).toBe(false)
  })
  it('arm64 16K: base pages, and the boot buffer asks 32 MiB per section for 512 KiB of memmap', () => {
    const m = archMemoryModel('arm64', 16 * K, v('6.8'))
    const p = buildMemmapPlan({
      geo: sectionGeometry(m),
      structPageSize: 64,
      version: v('6.8'),
      vmemmap: { mapping: vmemmapMapping('arm64', 16 * K, v('6.8')), pfnToPage0: vmemmapBase(m, v('6.8'), { structPageSize: 64 }).pfnToPage0 },
      nodes: [{ nid: 0, runs: [{ start: 0, end: 2 }] }]
    })
    expect(p.sectionMemmapBytes).toBe(512 * K)
    expect(p.sectionMapSize).toBe(32 * M)
    expect(p.summary.buffers[0]).toMatchObject({ bufferBytes: 64 * M, consumedBytes: 1 * M })
  })
})

describe('arm64 vmemmap (arch/arm64/include/asm/memory.h)', () => {
  it('4K, 48-bit VA, ≥ 6.9 (32697ff38287): 2 TiB region ending at −1 GiB; DRAM at 2 GiB puts pfn 0 32 MiB below VMEMMAP_START', () => {
    const a = arm64Vmemmap({ version: v('6.9'), pageSize: 4 * K, sectionSizeBits: 27, structPageSize: 64 })
    expect(a.vmemmapSize).toBe('0x' + (2 * T).toString(16))
    expect(a.vmemmapEnd).toBe('0xffffffffc0000000')
    expect(a.vmemmapStart).toBe('0xfffffdffc0000000')
    expect(a.pfnToPage0).toBe('0xfffffdffbe000000')
    expect(a.checks.every((c) => c.pass)).toBe(true)
  })
  it('S = 80: 2.5 TiB from 6.9 (32697ff38287, arm64 pull for 6.9); 4 TiB (sized by STRUCT_PAGE_MAX_SHIFT 7) in 5.11–6.8', () => {
    expect(arm64Vmemmap({ version: v('6.9'), pageSize: 4 * K, sectionSizeBits: 27, structPageSize: 80 }).vmemmapSize).toBe('0x' + (2.5 * T).toString(16))
    expect(arm64Vmemmap({ version: v('6.8'), pageSize: 4 * K, sectionSizeBits: 27, structPageSize: 80 }).vmemmapSize).toBe('0x' + (4 * T).toString(16))
  })
  it('FAILS for a memstart_addr that is not ARM64_MEMSTART_ALIGN aligned', () => {
    const a = arm64Vmemmap({ version: v('6.8'), pageSize: 4 * K, sectionSizeBits: 27, structPageSize: 64, memstartAddr: 0x80200000n })
    expect(a.checks.find((c) => c.id === 'vmemmap.arm64-memstart-align')!.pass).toBe(false)
  })
  it('64K pages align memstart to 512 MiB', () => {
    expect(arm64Vmemmap({ version: v('6.8'), pageSize: 64 * K, sectionSizeBits: 29, structPageSize: 64, dramBase: 0x8b0000000n }).memstartAddr).toBe('0x8a0000000')
  })
})

describe('x86_64 KASLR (kernel_randomize_memory() arch/x86/mm/kaslr.c)', () => {
  it('4-level, 64 GiB RAM: direct 11 TiB, vmemmap 1 TiB, 75 265 bases in 1 GiB steps', () => {
    const k = x86KaslrRange({ version: v('6.8'), paging: '4-level', maxPhysmemBits: 46, structPageSize: 64, maxPfn: (64 * G) / 4096 })
    expect([k.directMapTb, k.vmallocTb, k.vmemmapTb]).toEqual([11, 32, 1])
    expect(k.positions).toBe(73.5 * 1024 + 1)
    expect(k.minBase).toBe('0x' + (0xffff888000000000n + 43n * BigInt(T) + 2n * BigInt(G)).toString(16))
    expect(k.worstAlignment).toBe('0x40000000')
    expect(k.checks.every((c) => c.pass)).toBe(true)
  })
  it('without KASLR: the fixed bases', () => {
    expect(vmemmapBase(x86, v('6.8'), { structPageSize: 64 }).pfnToPage0).toBe('0xffffea0000000000')
    expect(vmemmapBase(archMemoryModel('x86_64', 4 * K, v('6.8'), { paging: '5-level' }), v('6.8'), { structPageSize: 64, paging: '5-level' }).pfnToPage0).toBe('0xffd4000000000000')
  })
  it('with KASLR the representative base is 1 GiB aligned only', () => {
    const b = vmemmapBase(x86, v('6.8'), { structPageSize: 64, kaslr: { maxPfn: 1 << 24 } })
    expect(b.alignment).toBe('0x40000000')
  })
  it('FAILS at the edge: 64 TiB of RAM on 4-level, the top position + 1 TiB memmap passes CPU_ENTRY_AREA_BASE by 2 GiB', () => {
    const k = x86KaslrRange({ version: v('6.8'), paging: '4-level', maxPhysmemBits: 46, structPageSize: 64, maxPfn: 2 ** 34 })
    const fits = k.checks.find((c) => c.id === 'vmemmap.kaslr-fits')!
    expect(fits.pass).toBe(false)
    expect(BigInt(fits.values.end as string) - 0xfffffe0000000000n).toBe(2n * BigInt(G))
  })
})

describe('riscv64 and LoongArch in v7.1 (476849b0fba4, 2969b42c8f99)', () => {
  const rv = archMemoryModel('riscv64', 4 * K, v('7.1'))
  it('QEMU virt (RAM at 0x80000000): pfn_to_page(0) is only 32 MiB aligned, the 7.1 check FAILS', () => {
    const align = maxFolioVmemmapAlign(v('7.1'), true, 64, 22)
    const b = vmemmapBase(rv, v('7.1'), { structPageSize: 64, riscv: { satp: 'sv48', maxFolioVmemmapAlign: align } })
    expect(b.alignment).toBe('0x2000000')
    expect(memmapAlignmentCheck({ version: v('7.1'), hvoConfigured: true, structPageSize: 64, pfnToPage0: b.pfnToPage0, maxFolioOrder: 22 }).pass).toBe(false)
  })
  it('LoongArch 7.1 aligns vmemmap to max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)', () => {
    const la = archMemoryModel('loongarch64', 16 * K, v('7.1'))
    const b = vmemmapBase(la, v('7.1'), { structPageSize: 64, loongarch: { vmallocEnd: '0xffff80fffe000000', maxFolioVmemmapAlign: 64n * BigInt(M) } })
    expect(BigInt(b.pfnToPage0) % (64n * BigInt(M))).toBe(0n)
  })
})

describe('section_mem_map consistency (sparse_encode_mem_map() mm/sparse.c)', () => {
  it('flag bits are masked off; a different base FAILS', () => {
    const ok = vmemmapConsistencyCheck('0xffffea0000000000', [{ section: 3, sectionMemMap: '0xffffea000000000f' }], 5)
    expect(ok.pass).toBe(true)
    const bad = vmemmapConsistencyCheck('0xffffea0000000000', [{ section: 3, sectionMemMap: '0xffffea000020000f' }], 5)
    expect(bad.pass).toBe(false)
  })
})

describe('altmap (altmap_alloc_block_buf() mm/sparse-vmemmap.c)', () => {
  it('a 2 MiB block is naturally aligned to 512 pfns; the padding is accounted in align', () => {
    const r = altmapAllocBlock({ basePfn: 0x10000, reserve: 2, free: 4096, alloc: 0, align: 0 }, 2 * M, 4 * K)
    expect(r.pfn).toBe(0x10200)
    expect(r.altmap).toMatchObject({ alloc: 512, align: 510 })
  })
  it('FAILS (-ENOMEM, no fallback) when the device has too few free pfns', () => {
    expect(altmapAllocBlock({ basePfn: 0x10000, reserve: 2, free: 600, alloc: 0, align: 0 }, 2 * M, 4 * K).check.pass).toBe(false)
  })
})

describe('FLATMEM (alloc_node_mem_map() mm/mm_init.c)', () => {
  it('node pfns 0x100–0x3FFF0, MAX_PAGE_ORDER 10: map 0–0x40000, 16 MiB', () => {
    const f = flatmemMap({ nodeStartPfn: 0x100, nodeEndPfn: 0x3fff0, maxPageOrder: 10, structPageSize: 64 })
    expect([f.startPfn, f.offset, f.endPfn, f.sizeBytes]).toEqual([0, 0x100, 0x40000, 16 * M])
    expect(f.check.pass).toBe(true)
  })
  it('FAILS for a map that ends inside a max-order block', () => {
    expect(flatmemAlignmentCheck(0x100, 0x3fff0, 10).pass).toBe(false)
  })
})

describe('memmap_on_memory (mhp_supports_memmap_on_memory() mm/memory_hotplug.c)', () => {
  const check = (S: number) => memmapOnMemoryCheck({ version: v('6.8'), memoryBlockSize: 128 * M, structPageSize: S, pageSize: 4 * K, pageblockOrder: 9, pmdSize: 2 * M })
  it('x86 128 MiB block with S = 64: 2 MiB of memmap, accepted', () => {
    expect(check(64).pass).toBe(true)
  })
  it('S = 80: 2.5 MiB, not PMD aligned, refused (FAILS)', () => {
    expect(check(80).pass).toBe(false)
  })
})

describe('results are JSON-plain (bigint only inside)', () => {
  it('plans, rows, bases, KASLR ranges and arm64 layouts serialise', () => {
    const p = buildMemmapPlan({
      geo: x86geo,
      structPageSize: 80,
      version: v('6.8'),
      vmemmap: { mapping: x86map, pfnToPage0: 0xffffea0000000000n },
      nodes: [{ nid: 0, runs: [{ start: 0, end: 8 }] }],
      bufferBase: { 0: 0x100000000n }
    })
    expect(() => JSON.stringify(p)).not.toThrow()
    expect(() => JSON.stringify(memmapRows(p, 0, 8))).not.toThrow()
    expect(() => JSON.stringify(vmemmapBase(x86, v('6.8'), { structPageSize: 64, kaslr: { maxPfn: 1 << 24 } }))).not.toThrow()
    expect(() => JSON.stringify(arm64Vmemmap({ version: v('6.8'), pageSize: 4 * K, sectionSizeBits: 27, structPageSize: 64, maxPfn: 1 << 24 }))).not.toThrow()
  })
})
