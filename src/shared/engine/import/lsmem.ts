// util-linux lsmem: the memory blocks of /sys/devices/system/memory (drivers/base/memory.c:
// block_size_bytes, and per block phys_index, state, valid_zones and its nodeN link),
// joined into runs of blocks with the same state (and node and zones when those columns
// are shown). Read from `lsmem -J` (JSON, with or without `-o`) or the table of
// `lsmem [-o RANGE,SIZE,STATE,BLOCK,NODE,ZONES]` with its summary. RANGE is exact; SIZE
// is rounded for people, so only RANGE is used.

import type { FirmwareRange, Scenario } from '../../scenario/scenario.ts'
import { CaptureError, captureLines, cmdlineFor, hex, isPromptLine, kernelFor, type ImportOptions, type Imported } from './capture.ts'

export interface LsmemRun {
  start: number
  /** inclusive */
  last: number
  state: string
  firstBlock: number
  lastBlock: number
  node: number | null
  zones: string[] | null
  line: number
}

export interface Lsmem {
  runs: LsmemRun[]
  /** from the summary ("Memory block size:") or the runs (bytes / blocks) */
  blockSize: number | null
}

const UNITS: Record<string, number> = { B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 }

function blocksOf(text: string, line: number): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim())
  if (!m) throw new CaptureError(`not a block number or range: ${text}`, line, 1)
  return [Number(m[1]), Number(m[2] ?? m[1])]
}

function rangeOf(text: string, line: number): [number, number] {
  const m = /^(0x[0-9a-f]+)-(0x[0-9a-f]+)$/i.exec(text.trim())
  const a = m && hex(m[1])
  const b = m && hex(m[2])
  if (a === null || b === null || !m) throw new CaptureError(`not a RANGE (0xSTART-0xLAST): ${text}`, line, 1)
  if (b < a) throw new CaptureError(`the range ends before it starts: ${text}`, line, 1)
  return [a, b]
}

const zonesOf = (z: string | undefined | null): string[] | null => (z === undefined || z === null || z === '' ? null : z.split(/[/,\s]+/).filter(Boolean))

function lineOfJsonRange(source: string, range: string, from: number): { line: number; at: number } {
  const at = source.indexOf(range, from)
  if (at < 0) return { line: 1, at: from }
  let line = 1
  for (let i = source.indexOf('\n'); i >= 0 && i < at; i = source.indexOf('\n', i + 1)) line++
  return { line, at }
}

export function parseLsmem(source: string): Lsmem {
  const trimmed = source.trimStart()
  const runs: LsmemRun[] = []
  let blockSize: number | null = null
  if (trimmed.startsWith('{')) {
    let doc: unknown
    try {
      doc = JSON.parse(source)
    } catch (e) {
      throw new CaptureError(`lsmem -J output is not valid JSON: ${(e as Error).message}`, 1, 1)
    }
    const mem = (doc as { memory?: unknown }).memory
    if (!Array.isArray(mem)) throw new CaptureError('lsmem -J output has no "memory" list', 1, 1)
    let from = 0
    for (const r of mem as Record<string, unknown>[]) {
      const where = lineOfJsonRange(source, String(r.range), from)
      from = where.at
      if (typeof r.range !== 'string' || typeof r.block !== 'string' || typeof r.state !== 'string') throw new CaptureError('an lsmem -J entry lacks range, block or state', where.line, 1)
      const [start, last] = rangeOf(r.range, where.line)
      const [firstBlock, lastBlock] = blocksOf(r.block, where.line)
      const node = r.node === undefined || r.node === null ? null : Number(r.node)
      runs.push({ start, last, state: r.state, firstBlock, lastBlock, node: Number.isInteger(node) ? node : null, zones: zonesOf(r.zones as string | undefined), line: where.line })
    }
  } else {
    let cols: string[] | null = null
    for (const { no, text } of captureLines(source)) {
      if (!text.trim()) continue
      const summary = /^Memory block size:\s+([\d.]+)([BKMGTP])$/.exec(text.trim())
      if (summary) {
        blockSize = Number(summary[1]) * UNITS[summary[2]]
        continue
      }
      if (/^Total (online|offline) memory:/.test(text.trim())) continue
      if (!cols) {
        if (/^\s*RANGE\b/.test(text) || /^\s*(SIZE|STATE|BLOCK)\b/.test(text)) {
          cols = text.trim().split(/\s+/)
          if (!cols.includes('RANGE') || !cols.includes('BLOCK') || !cols.includes('STATE'))
            throw new CaptureError('lsmem columns must include RANGE, STATE and BLOCK (lsmem -o RANGE,SIZE,STATE,BLOCK,NODE,ZONES)', no, 1)
          continue
        }
        if (isPromptLine(text)) continue
        throw new CaptureError(`not lsmem output (expected a RANGE … header line): ${text.slice(0, 80)}`, no, 1)
      }
      const f = text.trim().split(/\s+/)
      // an empty last column (ZONES without valid_zones, CONFIG_MEMORY_HOTREMOVE=n) leaves no field
      if (f.length === cols.length - 1 && ['ZONES', 'NODE'].includes(cols[cols.length - 1])) f.push('')
      if (f.length !== cols.length) throw new CaptureError(`${f.length} fields where the header has ${cols.length} (${cols.join(' ')})`, no, 1)
      const get = (c: string): string | undefined => (cols!.includes(c) ? f[cols!.indexOf(c)] : undefined)
      const [start, last] = rangeOf(get('RANGE')!, no)
      const [firstBlock, lastBlock] = blocksOf(get('BLOCK')!, no)
      const nodeText = get('NODE')
      runs.push({ start, last, state: get('STATE')!, firstBlock, lastBlock, node: nodeText === undefined || !/^\d+$/.test(nodeText) ? null : Number(nodeText), zones: zonesOf(get('ZONES')), line: no })
    }
    if (!cols) throw new CaptureError('no lsmem header line (RANGE … STATE … BLOCK)', 1, 1)
  }
  if (!runs.length) throw new CaptureError('lsmem lists no memory blocks', 1, 1)
  for (const r of runs) {
    const size = (r.last + 1 - r.start) / (r.lastBlock - r.firstBlock + 1)
    if (!Number.isInteger(size) || (blockSize !== null && size !== blockSize))
      throw new CaptureError(`blocks ${r.firstBlock}-${r.lastBlock} do not divide ${(r.last + 1 - r.start).toString(16)} bytes into equal blocks${blockSize ? ` of ${blockSize}` : ''}`, r.line, 1)
    blockSize ??= size
    if (r.start !== r.firstBlock * blockSize) throw new CaptureError(`block ${r.firstBlock} should start at 0x${(r.firstBlock * blockSize).toString(16)}, not 0x${r.start.toString(16)}`, r.line, 1)
  }
  return { runs, blockSize }
}

export function importLsmem(source: string, opts: ImportOptions = {}): Imported {
  const ls = parseLsmem(source)
  const unknowns: string[] = []
  const arch = opts.arch ?? 'x86_64'
  if (!opts.arch) unknowns.push('architecture: lsmem does not show it; x86_64 assumed (give --arch)')
  const map: FirmwareRange[] = []
  const nodes = new Map<number, { start: number; end: number }[]>()
  let offline = 0
  for (const r of ls.runs) {
    if (r.state !== 'online') offline += r.lastBlock - r.firstBlock + 1
    const comment = `line ${r.line}: blocks ${r.firstBlock}-${r.lastBlock} ${r.state}${r.zones ? ` ${r.zones.join('/')}` : ''}`
    map.push(
      arch === 'x86_64' || arch === 'x86'
        ? { start: r.start, last: r.last, type: 'usable', comment }
        : arch === 'arm64'
          ? { start: r.start, last: r.last, type: 'conventional', attrs: ['WB'], comment }
          : { start: r.start, last: r.last, type: 'memory', comment }
    )
    if (r.node !== null) nodes.set(r.node, [...(nodes.get(r.node) ?? []), { start: r.start, end: r.last + 1 }])
  }
  unknowns.push(
    `memory block granularity (${ls.blockSize! / 2 ** 20} MiB): holes and reserved ranges inside a block are not visible, so present pages are an upper bound; /proc/iomem or memblock debugfs show them`
  )
  if (offline) unknowns.push(`${offline} blocks are not online: taken as boot memory all the same`)
  if (!ls.runs.some((r) => r.node !== null)) unknowns.push('NUMA: no NODE column (lsmem -o RANGE,SIZE,STATE,BLOCK,NODE,ZONES shows it); one node assumed')
  const kernel = kernelFor(opts, unknowns, 'lsmem')
  const scenario: Scenario = {
    name: 'imported lsmem',
    kernel,
    arch,
    ...(opts.pageSize !== undefined && opts.pageSize !== 4096 ? { pageSize: opts.pageSize } : {}),
    firmware: arch === 'x86_64' || arch === 'x86' ? { kind: 'e820', map } : arch === 'arm64' ? { kind: 'uefi', map } : { kind: 'dt', map },
    config: { memoryBlockSize: ls.blockSize! },
    ...cmdlineFor(opts, unknowns, 'lsmem')
  }
  if (nodes.size > 1 || [...nodes.keys()].some((n) => n !== 0)) scenario.numa = { nodes: [...nodes.entries()].sort((a, b) => a[0] - b[0]).map(([id, ranges]) => ({ id, ranges })) }
  return { kind: 'lsmem', scenario, unknowns }
}
