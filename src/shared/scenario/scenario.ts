// The layout scenario: one definition, from which come the TypeScript type, the
// runtime validator (parse.ts) and the JSON Schema (schema.json via jsonSchema()).

import { bool, int, list, obj, oneOf, size, str, type Infer } from './schema-dsl.ts'

export const ARCHES = ['x86_64', 'arm64', 'riscv64', 'powerpc64', 'powerpc', 'arm', 'x86', 's390', 'loongarch64'] as const
export type Arch = (typeof ARCHES)[number]

export const E820_TYPES = ['usable', 'reserved', 'acpi-data', 'acpi-nvs', 'unusable', 'pmem', 'pram', 'soft-reserved', 'reserved-kern', 'other'] as const
export const EFI_TYPES = [
  'reserved',
  'loader-code',
  'loader-data',
  'boot-code',
  'boot-data',
  'runtime-code',
  'runtime-data',
  'conventional',
  'unusable',
  'acpi-reclaim',
  'acpi-nvs',
  'mmio',
  'mmio-port',
  'pal-code',
  'persistent',
  'unaccepted'
] as const
export const DT_TYPES = ['memory', 'no-map', 'reserved'] as const
export const EFI_ATTRS = ['UC', 'WC', 'WT', 'WB', 'UCE', 'WP', 'RP', 'XP', 'NV', 'MR', 'RO', 'SP', 'CC', 'RUN'] as const

const ALL_TYPES = [...new Set<string>([...E820_TYPES, ...EFI_TYPES, ...DT_TYPES])] as readonly string[]

const rangeFields = {
  start: size('Physical start address (bytes). `0x100000`, `1M` and `1048576` are the same.'),
  size: size('Length in bytes (`640K`, `2G`). Give exactly one of `size`, `end` or `last`.'),
  end: size('Exclusive end address: the first byte after the range.'),
  last: size('Inclusive last byte, as the kernel prints it in `[mem 0x…-0x…]`.'),
  comment: str('Free text shown in hover details and reports.')
}

function rangeBounds(v: { start: number; size?: number; end?: number; last?: number }, issue: (k: string | null, m: string) => void): void {
  const given = ['size', 'end', 'last'].filter((k) => (v as Record<string, unknown>)[k] !== undefined)
  if (given.length !== 1) {
    issue(null, given.length === 0 ? 'give the range length as one of size, end or last' : `give only one of size, end or last (found ${given.join(', ')})`)
    return
  }
  const end = rangeEnd(v)
  if (end <= v.start) issue(given[0], `the range is empty or reversed: it ends at 0x${end.toString(16)}, at or below its start 0x${v.start.toString(16)}`)
  else if (end > 2 ** 52) issue(given[0], 'the range ends above 2^52 (4 PiB), beyond MAX_PHYSMEM_BITS of every supported architecture')
}

/** Exclusive end of a range given by size, end or last. */
export function rangeEnd(v: { start: number; size?: number; end?: number; last?: number }): number {
  if (v.size !== undefined) return v.start + v.size
  if (v.end !== undefined) return v.end
  return (v.last ?? v.start) + 1
}

export const firmwareRange = obj(
  {
    ...rangeFields,
    type: oneOf(
      ALL_TYPES,
      'Range type. e820: `usable`, `reserved`, `acpi-data`, `acpi-nvs`, `unusable`, `pmem` (type 7), `pram` (type 12), `soft-reserved`, `reserved-kern`, `other` (with `code`). UEFI: `conventional`, `boot-code`, `boot-data`, `loader-code`, `loader-data`, `runtime-code`, `runtime-data`, `acpi-reclaim`, `acpi-nvs`, `mmio`, `reserved`, `persistent`, …. Device tree: `memory` (a /memory node), `no-map` (a /reserved-memory node with no-map), `reserved`.'
    ),
    code: int('e820 type number, for `type: other` (firmware types Linux has no name for, printed as `type N`).', { min: 0, max: 0xffffffff }),
    attrs: list(
      oneOf(EFI_ATTRS),
      'UEFI memory attributes (`WB`, `WT`, `WC`, `UC`, `RUN`, `SP`, `MR`, …). arm64 treats a descriptor as memory when it has WB, WT or WC (is_memory()), and as usable only when it is also of a usable type with WB (is_usable_memory()); other memory becomes NOMAP.'
    )
  },
  { required: ['start', 'type'], refine: rangeBounds, doc: 'One firmware memory-map entry.' }
)
export type FirmwareRange = Infer<typeof firmwareRange>

export const numaRange = obj(
  {
    ...rangeFields,
    hotplug: bool('SRAT hot-pluggable flag: memblock marks the range MEMBLOCK_HOTPLUG, which splits `Early memory node ranges`.'),
    nonVolatile: bool('SRAT non-volatile flag (persistent memory).')
  },
  { required: ['start'], refine: rangeBounds, doc: 'One memory-affinity range (ACPI SRAT or a device-tree memory node numa-node-id).' }
)

export const numaNode = obj(
  {
    id: int('Node id (as assigned from the proximity domain).', { min: 0, max: 1023 }),
    ranges: list(numaRange, 'The memory ranges SRAT assigns to this node.')
  },
  { required: ['id', 'ranges'] }
)

export const hugetlbPool = obj(
  {
    size: size(
      'HugeTLB page size, one the architecture can register (arch_hugetlb_valid_size()): x86_64 `2M`, `1G` (pdpe1gb); arm64 with 4K pages `64K`, `2M`, `32M`, `1G`, with 16K `2M`, `32M`, `1G`, with 64K `2M`, `512M`, `16G`; riscv64 `2M`, `1G` (`64K` with Svnapot, 6.3+); powerpc64 `2M`, `1G` (radix) or `16M`, `16G` (hash); s390 `1M`, `2G`; loongarch64 the PMD (`2M`, `32M`, `512M` with 4K, 16K, 64K pages). Any other size is an error.'
    ),
    pages: int('Pages pre-allocated at boot (`hugepages=`).', { min: 0 })
  },
  { required: ['size'] }
)

export const scenarioSchema = obj(
  {
    name: str('A short title for this layout.'),
    description: str('Free text.'),
    kernel: str(
      'Kernel version: `6.1`, `5.10.89`, `6.8.0-rc2`, or a full release string such as `6.1.0-50-amd64`. Selects the version profile (which messages the kernel prints and how it treats holes and NOMAP).',
      {
        pattern: /^\s*v?\d+\.\d+/,
        patternHint: 'a kernel version such as 6.1 or 5.10.89'
      }
    ),
    arch: oneOf(ARCHES, 'Architecture preset: zone limits, section size, pfn_valid and how the firmware map becomes memblock.', {
      x86_64: 'x86-64: e820 firmware map, ZONE_DMA below 16 MiB, ZONE_DMA32 below 4 GiB, 128 MiB sections.',
      arm64: 'arm64: UEFI memory map or device-tree /memory; NOMAP for non-usable UEFI memory; 1 GiB sections before 5.12, 128 MiB after (4K pages).',
      riscv64: 'riscv64: device-tree /memory; ZONE_DMA32 below 4 GiB; 128 MiB sections.',
      powerpc64: 'powerpc64 (book3s): device-tree memory; 64K pages by default; 16 MiB sections; ZONE_DMA (31 bits) when configured.',
      powerpc: '32-bit powerpc: device-tree memory; lowmem up to CONFIG_LOWMEM_SIZE (768 MiB), the rest HighMem; FLATMEM.',
      arm: '32-bit arm: device-tree memory; lowmem limit from the vmalloc split, the rest HighMem; FLATMEM.',
      x86: '32-bit x86: e820; ZONE_DMA below 16 MiB, lowmem up to MAXMEM (about 880 MiB with the default 3G/1G split), the rest HighMem.',
      s390: 's390x (64-bit): no firmware map; the boot code detects online storage (SCLP storage information, diag 260 or probing), given as `kind: dt` `memory` ranges; `mem=` caps it; ZONE_DMA below 2 GiB (31-bit addressing), no DMA32; 256 MiB sections, 128 MiB from 6.13; no NUMA; huge pages 1 MiB and 2 GiB (EDAT1/EDAT2).',
      loongarch64:
        'loongarch64: UEFI memory map (`kind: uefi`) or memory ranges (`kind: dt`); 16K pages by default (4K, 64K); ZONE_DMA32 below 4 GiB; 256 MiB sections (512 MiB with 64K pages); NUMA from the SRAT; one huge page size, the PMD (2 MiB, 32 MiB, 512 MiB).'
    }),
    pageSize: size('Base page size: 4K (x86_64, arm64 default, s390), 16K or 64K (arm64, loongarch64; loongarch64 defaults to 16K).'),
    paging: oneOf(['4-level', '5-level', '2-level', 'pae'] as const, 'x86 paging mode: x86_64 4-level (MAX_PHYSMEM_BITS 46) or 5-level (52, LA57); 32-bit x86 2-level (32) or PAE (36).'),
    firmware: obj(
      {
        kind: oneOf(
          ['e820', 'uefi', 'dt'] as const,
          'How the firmware describes memory: `e820` (x86 BIOS or EFI stub), `uefi` (arm64 or loongarch64 EFI memory map), `dt` (device-tree /memory nodes; on s390, which has no firmware map, the online storage ranges its boot code detected, as `memory` entries).'
        ),
        map: list(firmwareRange, 'The firmware memory map, in any order.', { maxItems: 1_000_000 }),
        updates: list(
          obj(
            {
              ...rangeFields,
              from: oneOf(E820_TYPES, 'Old e820 type; omit to replace whatever is there'),
              fromCode: int('e820 type number when `from: other`', { min: 0, max: 0xffffffff }),
              to: oneOf([...E820_TYPES, 'removed'] as const, 'New e820 type, or `removed`'),
              toCode: int('e820 type number when `to: other`', { min: 0, max: 0xffffffff })
            },
            { required: ['start', 'to'], refine: rangeBounds }
          ),
          'x86: e820 edits the kernel made before memblock was set up (`e820: update …` / `e820: remove …` lines of a boot log, e.g. MTRR trimming). Without `from`, every type is removed first (e820_add_kernel_range() re-adding the kernel image as RAM). trim_bios_range() is always applied by the engine.'
        ),
        dmaLimit: size('arm64: the highest CPU address every DMA master can reach (device-tree dma-ranges or IORT), which bounds ZONE_DMA. Omit for "no limit" (then ZONE_DMA ends at 4 GiB).')
      },
      { required: ['kind', 'map'], doc: 'The firmware memory map.' }
    ),
    numa: obj(
      {
        nodes: list(numaNode, 'NUMA nodes with their memory ranges (SRAT-like affinity).')
      },
      { required: ['nodes'], doc: 'NUMA description. Omit for a single node: the kernel then fakes node 0 over all memory.' }
    ),
    kernelImage: obj(
      { start: size('Physical address of _text.'), size: size('_end - _text in bytes.') },
      {
        required: ['start', 'size'],
        doc: 'arm64: where the kernel image lies. arm64_memblock_init() adds it back after `mem=` cut memory. Omitted on UEFI boots: taken from the largest Loader Code descriptor (the EFI stub places the image 64 KiB-aligned inside it).'
      }
    ),
    initrd: obj(
      { start: size('Physical address of the initrd (phys_initrd_start).'), size: size('Its size in bytes (phys_initrd_size).') },
      {
        required: ['start', 'size'],
        doc: 'arm64: where the boot loader or the EFI stub put the initrd. arm64_memblock_init() adds it back to memory (page-aligned) after `mem=` cut it away. Logs never print where it is; "Freeing initrd memory: NK" gives only its size.'
      }
    ),
    cmdline: str('Kernel command line. The engine applies `mem=`, `memmap=` (x86: exactmap, nn@ss, nn$ss, nn#ss, nn!ss, nn%ss-t+u), `efi=`, `movable_node`, `hugepages=`/`hugepagesz=`.'),
    hugetlb: list(hugetlbPool, "HugeTLB page sizes the kernel registers (default: the architecture's default huge page size)."),
    memmap: obj(
      {
        structPage: obj(
          {
            size: int('sizeof(struct page) in bytes, given directly (wins over the options).', { min: 8, max: 256 }),
            memcg: bool('CONFIG_MEMCG / SLAB_OBJ_EXT: the memcg_data word (default true).'),
            wantPageVirtual: bool('WANT_PAGE_VIRTUAL: `void *virtual` (+1 word).'),
            lastCpupidNotInPageFlags: bool('LAST_CPUPID_NOT_IN_PAGE_FLAGS: `int _last_cpupid` (+4 bytes, padded).'),
            kmsan: bool('CONFIG_KMSAN: kmsan_shadow and kmsan_origin (+16 bytes), and shadow + origin pages for every page at boot.'),
            alignedStructPage: bool(
              'CONFIG_HAVE_ALIGNED_STRUCT_PAGE: struct page aligned to 2 words (default: as the architecture selects it: x86, arm64, s390 with SLUB, always from 6.8; riscv from 6.13; loongarch from 7.0).'
            ),
            allocator: oneOf(
              ['slub', 'slab'] as const,
              'The slab allocator (default slub). SLAB exists until 6.8; x86, arm64 and s390 select HAVE_ALIGNED_STRUCT_PAGE only with SLUB before that; KMSAN needs SLUB.'
            ),
            extraBytes: int('Out-of-tree fields, in bytes.', { min: 0, max: 128 })
          },
          { doc: 'sizeof(struct page): the size, or the configuration that sets it (include/linux/mm_types.h).' }
        ),
        kaslr: bool('x86_64 CONFIG_RANDOMIZE_MEMORY: the vmemmap base moves in 1 GiB steps (default true).'),
        debugVm: bool('CONFIG_DEBUG_VM: VM_WARN_ON_ONCE checks (the 7.1 memmap alignment warning) are built in.'),
        pmem: list(
          obj(
            {
              name: str('Namespace name, e.g. namespace0.0'),
              start: size('Physical start of the PMEM namespace.'),
              // include/linux/ndctl.h: ND_MIN_NAMESPACE_SIZE = PAGE_SIZE; libnvdimm makes no empty namespace
              size: size('Namespace size in bytes (at least 4K: ND_MIN_NAMESPACE_SIZE).', { min: 4096 }),
              mode: oneOf(['pmem', 'ram'] as const, 'pfn device mode: `pmem` (ndctl --map=dev: memmap in the device) or `ram` (--map=mem: memmap in RAM).'),
              align: size('nd_pfn align (default 2M; at least a page).', { min: 4096 }),
              maxStructPageSize: int('MAX_STRUCT_PAGE_SIZE override: 64, 128 (the 6.1 change) or 80 (the option discussed).', { min: 8, max: 256 }),
              nvdimmKmsan: bool('CONFIG_NVDIMM_KMSAN is not settable: a bool without a prompt that nothing selects (drivers/nvdimm/Kconfig). `true` is refused.')
            },
            { required: ['start', 'size', 'mode'] }
          ),
          'NVDIMM namespaces configured as pfn devices (drivers/nvdimm/pfn_devs.c).'
        ),
        memdesc: obj(
          {
            allocations: list(
              obj(
                {
                  type: oneOf(['folio', 'anon', 'file', 'slab', 'ptdesc', 'free', 'reserved'] as const, 'What the pages hold (free: buddy pages).'),
                  order: int('Allocation order (2^order pages).', { min: 0, max: 30 }),
                  count: int('How many allocations of this kind.', { min: 0 })
                },
                { required: ['type', 'order', 'count'] }
              ),
              'The population of allocations to project onto memdescs.'
            ),
            stages: list(int('A projected sizeof(struct page).', { min: 8, max: 256 }), 'Projected struct page sizes (default 32 and 8).'),
            spinlock: oneOf(
              ['default', 'debug-spinlock', 'lockdep', 'lock-stat', 'preempt-rt', 'rt-debug-spinlock', 'rt-lockdep'] as const,
              'The lock configuration (default: qspinlock): a spinlock_t larger than a long (ALLOC_SPLIT_PTLOCKS) is allocated separately for every page table (the "page->ptl" slab cache).'
            )
          },
          { required: ['allocations'], doc: 'memdesc projection: shrinking struct page with separately allocated folios, slabs and ptdescs.' }
        )
      },
      { doc: 'The memmap model: struct page size, vmemmap placement options, PMEM pfn devices, memdesc projection.' }
    ),
    config: obj(
      {
        zoneDma: bool('CONFIG_ZONE_DMA'),
        zoneDma32: bool('CONFIG_ZONE_DMA32'),
        zoneDevice: bool('CONFIG_ZONE_DEVICE: prints `Device   empty` in `Zone ranges`.'),
        numa: bool('CONFIG_NUMA'),
        hugetlbVmemmap: bool('CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (HVO) is built in (arch permitting).'),
        structPageSize: int('sizeof(struct page) in bytes (64 by default; debug options enlarge it).', { min: 8, max: 256 }),
        maxNumNodes: int('MAX_NUMNODES (1 << NODES_SHIFT): 1024 on x86_64 distributions, 16 or 64 on arm64.', { min: 1, max: 1024 }),
        highmem: bool('CONFIG_HIGHMEM (32-bit architectures): memory above the lowmem limit becomes ZONE_HIGHMEM.'),
        lowmemLimit: size('32-bit architectures: the first byte above lowmem (x86 MAXMEM, powerpc CONFIG_LOWMEM_SIZE, arm arm_lowmem_limit).'),
        memoryModel: oneOf(['sparsemem', 'flatmem'] as const, 'CONFIG_SPARSEMEM or CONFIG_FLATMEM: which pfns have a struct page.'),
        hypervisor: bool(
          'x86: the CPU reports a hypervisor (X86_FEATURE_HYPERVISOR; QEMU sets it for every CPU model). With 64 GiB or more, probe_memory_block_size() then picks the largest block size that divides the end of memory instead of 2 GiB.'
        ),
        memoryBlockSize: size(
          "Memory block size (sysfs block_size_bytes) when the platform sets it: x86 UV, ACPI CFMWS advice (6.14+), powerpc LMB size. A log's `x86/mm: Memory block size: NMB` line sets it."
        ),
        deferredStructPageInit: bool(
          'CONFIG_DEFERRED_STRUCT_PAGE_INIT (on in distribution kernels): before 6.17, a hole in a memory block then counts for the first online node when blocks are linked to nodes.'
        )
      },
      { doc: 'Kernel configuration that changes what the memory model prints. Defaults come from the architecture preset.' }
    )
  },
  { required: ['kernel', 'arch', 'firmware'], doc: 'A memmap-workbench layout scenario.' }
)

export type Scenario = Infer<typeof scenarioSchema>

export const SCHEMA_ID = 'https://memmap-workbench.invalid/schema/scenario.json'

/** The JSON Schema for scenario files (Monaco, VS Code via `# yaml-language-server: $schema=`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: SCHEMA_ID, title: 'memmap-workbench scenario', ...scenarioSchema.jsonSchema() }
}
