// "Find pfn / address": a lookup's hit (engine/lookup.ts) as the rows the lookup box
// shows, in the one number format for people (engine/units.ts: ranges as the kernel
// prints them, both ends inclusive; sizes in binary units; counts grouped). A row that
// comes from a scenario entry carries its path, so a click goes to its line.
import { holeInit, holeText, type LookupHit, type LookupReport } from '../../../shared/engine/lookup.ts'
import { bytesText, grouped, hex, hexPad, memRange, pfnRange } from '../../../shared/engine/units.ts'

export interface AnswerRow {
  /** node, zone, section, memory, reserved, firmware, e820, hole, pfn-valid, struct-page */
  key: string
  label: string
  text: string
  /** the scenario entry it comes from (`firmware.map[3]`), for reveal-in-editor */
  path?: string
  /** more on hover: the kernel's formula or note */
  title?: string
}

export interface Answer {
  /** `0x0000000100000000 = pfn 0x100000 (1,048,576)` */
  head: string
  rows: AnswerRow[]
  /** the page holding it (bytes, half-open): the views mark it */
  page: { start: number; end: number }
}

function sectionText(s: LookupHit['section']): string {
  if (!s) return 'none (FLATMEM)'
  const state = s.present ? ['present', s.online ? 'online' : '', s.early ? 'early' : '', s.nid !== null ? `node ${s.nid}` : ''].filter(Boolean).join(', ') : 'not present (no memmap)'
  return `${grouped(s.nr)}, ${pfnRange(s.startPfn, s.endPfn)}: ${state}`
}

function holeRow(h: NonNullable<LookupHit['hole']>): AnswerRow {
  const init = holeInit(h)
  return { key: 'hole', label: 'hole', text: holeText(h), title: init ? `its ${init}` : undefined }
}

function structPageText(sp: LookupHit['structPage']): string {
  if (!sp.exists) return 'none: pfn_valid() is false'
  if (sp.address) return `${sp.address} (${bytesText(sp.offset)} into the memmap)${sp.placedAtBoot ? ', base set at boot' : ''}`
  return `${sp.formula}: offset ${hex(sp.offset)} (${bytesText(sp.offset)}), placed at boot${sp.phys ? `, physical ${sp.phys}` : ''}`
}

function regionText(x: { index: number; start: number; end: number; nid: number; flags: string[] } | null, nid: boolean): string {
  return x ? `[${x.index}] ${memRange(x.start, x.end)}${nid ? ` node ${x.nid}` : ''}${x.flags.length ? ' ' + x.flags.join('|') : ''}` : 'none'
}

export function answer(hit: LookupHit, r: LookupReport): Answer {
  const n = hit.node
  const zone = hit.zone
    ? `${hit.zone.name} of node ${hit.zone.nid}, spanning ${pfnRange(hit.zone.startPfn, hit.zone.endPfn)}`
    : hit.zoneRange
      ? `none on this node (Zone ranges: ${hit.zoneRange.name})`
      : 'none'
  const rows: AnswerRow[] = [
    {
      key: 'node',
      label: 'node',
      text: n ? `${n.nid}, spanning ${pfnRange(n.startPfn, n.endPfn)}${n.inSpan ? '' : " (outside its span: memmap_init()'s hole attribution)"}` : 'none',
      path: n?.path ?? undefined
    },
    { key: 'zone', label: 'zone', text: zone },
    { key: 'section', label: 'section', text: sectionText(hit.section), title: hit.section?.flags.join(' | ') || undefined },
    { key: 'memory', label: 'memblock.memory', text: regionText(hit.memory, true) },
    { key: 'reserved', label: 'memblock.reserved', text: regionText(hit.reserved, false) }
  ]
  if (hit.firmware.length) for (const f of hit.firmware) rows.push({ key: 'firmware', label: f.path, text: `${memRange(f.start, f.end)} ${f.type}`, path: f.path })
  else rows.push({ key: 'firmware', label: 'firmware.map', text: 'none' })
  if (hit.e820) rows.push({ key: 'e820', label: 'e820 (final)', text: `${memRange(hit.e820.start, hit.e820.end)} ${hit.e820.type}` })
  if (hit.hole) rows.push(holeRow(hit.hole))
  rows.push({ key: 'pfn-valid', label: 'pfn_valid()', text: hit.pfnValid ? 'true' : 'false' })
  const sp = hit.structPage
  rows.push({ key: 'struct-page', label: 'struct page', text: structPageText(sp), title: [sp.address ? sp.formula : '', sp.note, sp.ref].filter(Boolean).join('\n') })
  return {
    head: `${hexPad(hit.address, 18)} = pfn ${hex(hit.pfn)} (${grouped(hit.pfn)})${hit.offsetInPage ? ` + ${hex(hit.offsetInPage)}` : ''}${hit.aboveMaxPfn ? `, at or above max_pfn ${hex(r.maxPfn)}` : ''}`,
    rows,
    page: { start: hit.pfn * r.pageSize, end: (hit.pfn + 1) * r.pageSize }
  }
}
