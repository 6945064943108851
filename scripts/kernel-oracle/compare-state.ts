/**
 * Holds the engine's analysis of a recorded boot to what that kernel computed (the
 * initramfs's dump, state.ts): per node and zone start_pfn, spanned and present pages;
 * the memory block size, which blocks exist, their nodes and valid_zones;
 * nr_memmap_boot_pages (≥ 6.11); the HVO sysctl's default and the vmemmap pages HVO
 * freed per 2 MiB and 1 GiB page as measured. `managed` pages depend on the kernel's own
 * reservations and are not compared.
 */
import type { AnalysisReport } from '../../src/shared/engine/report.ts'
import type { KernelState } from './state.ts'

export interface StateComparison {
  /** one line per difference; empty when the engine agrees with the kernel */
  mismatches: string[]
  /** what was compared, for the report */
  compared: { zones: number; blocks: number; memmapBootPages: boolean; hvo: number }
}

export function compareState(a: AnalysisReport, state: KernelState): StateComparison {
  const out: string[] = []
  const compared = { zones: 0, blocks: 0, memmapBootPages: false, hvo: 0 }

  // zoneinfo: every online node prints every zone
  const engineNodes = new Map(a.nodes.map((n) => [n.nid, n]))
  const kernelNodes = [...new Set(state.zoneinfo.map((z) => z.node))]
  for (const nid of kernelNodes) if (!engineNodes.has(nid)) out.push(`node ${nid}: in /proc/zoneinfo, not in the engine's nodes`)
  for (const z of state.zoneinfo) {
    const node = engineNodes.get(z.node)
    if (!node) continue
    const ez = node.zones.find((x) => x.name === z.zone)
    compared.zones++
    if (z.spanned === 0) {
      if (ez && ez.spannedPages !== 0) out.push(`node ${z.node} ${z.zone}: kernel spans 0 pages, engine ${ez.spannedPages}`)
      continue
    }
    if (!ez) {
      out.push(`node ${z.node} ${z.zone}: kernel spans ${z.spanned} pages (present ${z.present}), the engine has no such zone`)
      continue
    }
    if (ez.spannedPages !== z.spanned) out.push(`node ${z.node} ${z.zone}: spanned kernel ${z.spanned}, engine ${ez.spannedPages}`)
    if (ez.presentPages !== z.present) out.push(`node ${z.node} ${z.zone}: present kernel ${z.present}, engine ${ez.presentPages}`)
    if (z.startPfn !== null && ez.startPfn !== z.startPfn) out.push(`node ${z.node} ${z.zone}: start_pfn kernel ${z.startPfn}, engine ${ez.startPfn}`)
  }

  // memory blocks
  const mb = state.memoryBlocks
  if (mb) {
    const size = a.memoryBlocks.size.bytes
    if (size !== mb.blockSizeBytes) out.push(`block_size_bytes: kernel ${mb.blockSizeBytes}, engine ${size}`)
    const engine = new Map<number, { nodes: number[]; zones: string; section: number }>()
    const spb = Math.max(1, (size ?? 0) / 2 ** a.sections.sectionSizeBits)
    for (const r of a.memoryBlocks.runs) for (let id = r.first; id <= r.last; id++) engine.set(id, { nodes: r.nodes, zones: r.validZones, section: r.firstSection + (id - r.first) * spb })
    for (const b of mb.blocks) {
      compared.blocks++
      const e = engine.get(b.id)
      if (!e) {
        out.push(`memory${b.id}: exists, the engine has no such block`)
        continue
      }
      if (b.physIndex !== e.section) out.push(`memory${b.id}: phys_index kernel ${b.physIndex}, engine ${e.section}`)
      const zones = b.validZones.join(' ')
      if (zones !== e.zones) out.push(`memory${b.id}: valid_zones kernel "${zones}", engine "${e.zones}"`)
      if (b.nodes.join() !== e.nodes.join()) out.push(`memory${b.id}: nodes kernel [${b.nodes}], engine [${e.nodes}]`)
      engine.delete(b.id)
    }
    for (const id of engine.keys()) out.push(`memory${id}: predicted by the engine, absent in sysfs`)
  }

  // nr_memmap_boot_pages (6.11+), read before the HVO measurement
  const boot = state.vmstat.nr_memmap_boot_pages
  if (boot !== undefined) {
    compared.memmapBootPages = true
    if (a.vmstat.nrMemmapBootPages !== boot) out.push(`nr_memmap_boot_pages: kernel ${boot}, engine ${a.vmstat.nrMemmapBootPages} (${a.vmstat.formula})`)
  } else if (a.vmstat.nrMemmapBootPages !== null) out.push(`nr_memmap_boot_pages: absent from /proc/vmstat, engine says ${a.vmstat.nrMemmapBootPages}`)

  // HVO: the sysctl's default, and pages freed per huge page as the counters moved
  const hvo = a.memmap?.hvo
  if (hvo) {
    if (hvo.sysctlDefault !== state.hvo.sysctlDefault) out.push(`vm.hugetlb_optimize_vmemmap at boot: kernel ${state.hvo.sysctlDefault ?? 'absent'}, engine ${hvo.sysctlDefault ?? 'absent'}`)
    for (const m of state.hvo.sizes) {
      if (!m.allocated || !m.boot || !m.pages) continue
      const freed = (m.boot[0] - m.boot[1] - (m.pages[1] - m.pages[0])) / m.allocated
      const page = hvo.pages.find((p) => p.hugePageSize === m.sizeKiB * 1024)
      compared.hvo++
      const predicted = page && state.hvo.sysctlDefault !== null ? page.freedPages : 0
      if (predicted !== freed) out.push(`HVO ${m.sizeKiB} KiB page: the kernel freed ${freed} vmemmap pages per page, engine ${predicted}`)
    }
  }
  return { mismatches: out, compared }
}
