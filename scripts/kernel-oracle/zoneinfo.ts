/**
 * The whole of /proc/zoneinfo as the kernel prints it (mm/vmstat.c zoneinfo_show() →
 * zoneinfo_show_print()), read for the layout numbers of each zone: the
 * `Node N, zone NAME` header, then `pages free`, `min`/`low`/`high`, `spanned`,
 * `present`, `managed`, (`cma` with CONFIG_CMA), the per-zone counters, `protection:`,
 * and only for a populated zone the `pagesets` and, last, `start_pfn:`
 * (populated_zone() gate in zoneinfo_show_print()). The node's own `per-node stats`
 * block sits between the header and `pages free` of the node's first populated zone.
 *
 * Errors name the place as `file:line:col: error: …`. One pass over the lines.
 */

export interface ZoneTruth {
  node: number
  zone: string
  /** zone->zone_start_pfn; the kernel prints it only for populated zones */
  startPfn: number | null
  spanned: number
  present: number
  managed: number
}

export class ZoneinfoError extends Error {}

/** Every zone of every online node, in the file's order. */
export function parseZoneinfo(text: string, file = 'zoneinfo'): ZoneTruth[] {
  const zones: ZoneTruth[] = []
  let cur: (ZoneTruth & { line: number }) | null = null
  const lines = text.split('\n')
  const fail = (line: number, col: number, msg: string): never => {
    throw new ZoneinfoError(`${file}:${line}:${col}: error: ${msg}`)
  }
  const finish = (): void => {
    if (!cur) return
    for (const k of ['spanned', 'present', 'managed'] as const) {
      if (cur[k] < 0) fail(cur.line, 1, `node ${cur.node} zone ${cur.zone} has no \`${k}\` line`)
    }
    const { line: _line, ...zone } = cur
    zones.push(zone)
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.startsWith('Node ')) {
      // seq_printf(m, "Node %d, zone %8s", pgdat->node_id, zone->name)
      const head = /^Node (\d+), zone +(\S+)$/.exec(line)
      if (!head) fail(i + 1, 1, `cannot read zone header ${JSON.stringify(line.slice(0, 60))}`)
      finish()
      cur = { node: Number(head![1]), zone: head![2], startPfn: null, spanned: -1, present: -1, managed: -1, line: i + 1 }
      continue
    }
    // "\n        %-12s %lu" for spanned/present/managed; "\n  start_pfn:           %lu"
    const f = /^( +)(spanned|present|managed|start_pfn:)( +)(\S*)$/.exec(line)
    if (!f) continue
    if (!cur) fail(i + 1, 1, `\`${f[2]}\` before any \`Node N, zone Z\` header`)
    const col = f[1].length + f[2].length + f[3].length + 1
    if (!/^\d{1,16}$/.test(f[4])) fail(i + 1, col, `\`${f[2]}\` wants a page count, got ${JSON.stringify(f[4])}`)
    const v = Number(f[4])
    if (f[2] === 'start_pfn:') cur!.startPfn = v
    else cur![f[2] as 'spanned' | 'present' | 'managed'] = v
  }
  finish()
  if (!zones.length) fail(1, 1, 'no `Node N, zone Z` header: not /proc/zoneinfo')
  return zones
}
