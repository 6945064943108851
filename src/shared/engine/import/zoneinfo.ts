// /proc/zoneinfo (mm/vmstat.c zoneinfo_show_print()): per node and zone a header
// "Node %d, zone %8s", then among its counters `spanned`, `present`, `managed` and
// `start_pfn:`. It is what the kernel computed, not a layout: `compare` holds the
// engine's zones against it; it is never turned into a scenario.

import { CaptureError, captureLines } from './capture.ts'

export interface ZoneinfoZone {
  node: number
  zone: string
  spanned: number
  present: number
  managed: number | null
  startPfn: number | null
  line: number
}

const HEADER = /^Node (\d+), zone +(\S+)$/
const FIELD = /^\s+(spanned|present|managed|start_pfn:)\s+(\d+)$/

export function parseZoneinfo(source: string): ZoneinfoZone[] {
  const zones: ZoneinfoZone[] = []
  let cur: ZoneinfoZone | null = null
  for (const { no, text } of captureLines(source)) {
    const h = HEADER.exec(text.trim())
    if (h) {
      cur = { node: Number(h[1]), zone: h[2], spanned: -1, present: -1, managed: null, startPfn: null, line: no }
      zones.push(cur)
      continue
    }
    const f = FIELD.exec(text)
    if (!f || !cur) continue
    const v = Number(f[2])
    if (f[1] === 'spanned') cur.spanned = v
    else if (f[1] === 'present') cur.present = v
    else if (f[1] === 'managed') cur.managed = v
    else cur.startPfn = v
  }
  if (!zones.length) throw new CaptureError('no "Node N, zone Z" header: not a /proc/zoneinfo', 1, 1)
  for (const z of zones) if (z.spanned < 0 || z.present < 0) throw new CaptureError(`node ${z.node} zone ${z.zone} has no spanned/present lines (was the capture cut?)`, z.line, 1)
  return zones
}
