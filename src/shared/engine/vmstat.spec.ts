// nr_memmap_boot_pages, worked out from mm/sparse.c sparse_init_nid() (memmap_boot_pages_add()
// per present section) and mm/mm_init.c alloc_node_mem_map() (FLATMEM).
import { expect, it } from 'vitest'
import type { Scenario } from '../scenario/scenario.ts'
import { runModel } from './model.ts'
import { memmapBootPages } from './vmstat.ts'

const M = 2 ** 20
const G = 2 ** 30
const x86 = (kernel: string, map: Scenario['firmware']['map']): Scenario => ({ kernel, arch: 'x86_64', firmware: { kind: 'e820', map }, hugetlb: [] })

it('SPARSEMEM: present sections × DIV_ROUND_UP(PAGES_PER_SECTION × 64, 4096) = 512 per 128 MiB section', () => {
  // 0–3 GiB less the BIOS areas touches sections 0–23, 4–5 GiB sections 32–39: 32 sections
  const s = x86('7.2', [
    { start: 0, last: 0x9fbff, type: 'usable' },
    { start: 1 * M, last: 0xbffdffff, type: 'usable' },
    { start: 4 * G, end: 5 * G, type: 'usable' }
  ])
  const r = memmapBootPages(runModel(s))
  expect(r.pages).toBe(32 * 512)
  expect(r.nrMemmapBootPages).toBe(16384)
})

it('a section only partly covered costs a whole section of memmap', () => {
  // 1 MiB–129 MiB + 4 KiB touches sections 0 and 1
  expect(memmapBootPages(runModel(x86('6.12', [{ start: 1 * M, end: 129 * M + 4096, type: 'usable' }]))).pages).toBe(2 * 512)
})

it('the counter exists from 6.11 (15995a352474): null on 6.1, the same figure otherwise', () => {
  const r = memmapBootPages(runModel(x86('6.1', [{ start: 1 * M, end: 1 * G, type: 'usable' }])))
  expect(r.nrMemmapBootPages).toBeNull()
  expect(r.pages).toBe(8 * 512)
})

it('FLATMEM: each node_mem_map, MAX_ORDER-aligned, in pages (riscv64 defaults to FLATMEM)', () => {
  // DRAM 0x80000000–0xc0000000: 262144 pfns from pfn 0x80000, already aligned to
  // MAX_ORDER_NR_PAGES (1024): 262144 × 64 / 4096 = 4096 pages
  const s: Scenario = { kernel: '6.12', arch: 'riscv64', firmware: { kind: 'dt', map: [{ start: 0x80000000, end: 0xc0000000, type: 'memory' }] }, hugetlb: [] }
  expect(memmapBootPages(runModel(s)).pages).toBe(4096)
})
