// x86 e820: the firmware table, the command line's edits to it, and how it becomes
// memblock.memory (arch/x86/kernel/e820.c, arch/x86/kernel/setup.c).

import type { E820Wording } from './profiles.ts'
import { MemblockType, NO_NODE } from './memblock.ts'
import { hexPad, memparse } from './units.ts'

/** enum e820_type */
export const E820 = {
  RAM: 1,
  RESERVED: 2,
  ACPI: 3,
  NVS: 4,
  UNUSABLE: 5,
  PMEM: 7,
  PRAM: 12,
  RESERVED_KERN: 128,
  SOFT_RESERVED: 0xefffffff
} as const

export type E820TypeName = 'usable' | 'reserved' | 'acpi-data' | 'acpi-nvs' | 'unusable' | 'pmem' | 'pram' | 'soft-reserved' | 'reserved-kern'

/** A scenario range's e820 type number (`other` carries its number in `code`). */
export function e820TypeOf(r: { type: string; code?: number }): number | undefined {
  if (r.type === 'other') return r.code
  return E820_BY_NAME[r.type as E820TypeName]
}

export const E820_BY_NAME: Record<E820TypeName, number> = {
  usable: E820.RAM,
  reserved: E820.RESERVED,
  'acpi-data': E820.ACPI,
  'acpi-nvs': E820.NVS,
  unusable: E820.UNUSABLE,
  pmem: E820.PMEM,
  pram: E820.PRAM,
  'soft-reserved': E820.SOFT_RESERVED,
  'reserved-kern': E820.RESERVED_KERN
}

/** E820_BY_NAME the other way round (its first name for a number, as the lookup it replaces gave). */
const E820_NAME_OF = new Map<number, string>()
for (const [k, v] of Object.entries(E820_BY_NAME)) if (!E820_NAME_OF.has(v)) E820_NAME_OF.set(v, k)

/** Scenario form of an e820 type number. */
export function e820Name(type: number): { type: string; code?: number } {
  const k = E820_NAME_OF.get(type)
  return k !== undefined ? { type: k } : { type: 'other', code: type }
}

/**
 * The words e820_print_type() uses where the two wordings differ. In 7.0+ (`system-ram`
 * wording, commits fa06d58805c8 and 4a7a13e04c05) RAM is "System RAM", reserved is
 * "device reserved" and persistent memory "persistent RAM (type N)".
 */
const E820_WORDS: Record<E820Wording, { ram: string; reserved: string; persistent: string }> = {
  classic: { ram: 'usable', reserved: 'reserved', persistent: 'persistent' },
  'system-ram': { ram: 'System RAM', reserved: 'device reserved', persistent: 'persistent RAM' }
}

/** e820_print_type(): the words after `[mem …]` */
export function e820PrintType(type: number, wording: E820Wording = 'classic'): string {
  const w = E820_WORDS[wording]
  switch (type) {
    case E820.RAM:
    case E820.RESERVED_KERN:
      return w.ram
    case E820.RESERVED:
      return w.reserved
    case E820.SOFT_RESERVED:
      return 'soft reserved'
    case E820.ACPI:
      return 'ACPI data'
    case E820.NVS:
      return 'ACPI NVS'
    case E820.UNUSABLE:
      return 'unusable'
    case E820.PMEM:
    case E820.PRAM:
      return `${w.persistent} (type ${type})`
    default:
      return `type ${type}`
  }
}

/** Inverse of e820PrintType() for log parsing, in either wording. */
export function e820ParseType(words: string): number | null {
  const w = words.trim()
  switch (w) {
    case 'usable':
    case 'System RAM':
      return E820.RAM
    case 'reserved':
    case 'device reserved':
      return E820.RESERVED
    case 'soft reserved':
      return E820.SOFT_RESERVED
    case 'ACPI data':
      return E820.ACPI
    case 'ACPI NVS':
      return E820.NVS
    case 'unusable':
      return E820.UNUSABLE
  }
  const m = /^(?:persistent (?:RAM )?\(type (\d+)\)|type (\d+))$/.exec(w)
  if (m) return Number(m[1] ?? m[2])
  return null
}

export interface E820Entry {
  addr: number
  /** exclusive end */
  end: number
  type: number
}

const U64_END = 2 ** 64 // beyond every physical address; exact as a double

/** A struct e820_table. Entries are unsorted until sanitize() (e820__update_table). */
export class E820Table {
  entries: E820Entry[]
  /** lines the kernel prints while editing (e820: update/remove) */
  log: string[] = []

  constructor(
    entries: E820Entry[] = [],
    /** how this kernel prints types (version profile) */
    readonly wording: E820Wording = 'classic'
  ) {
    this.entries = entries.map((e) => ({ ...e }))
  }

  clone(): E820Table {
    return new E820Table(this.entries, this.wording)
  }

  /** e820__range_add(): append without merging */
  add(addr: number, size: number, type: number): void {
    if (size <= 0) return
    this.entries.push({ addr, end: Math.min(addr + size, U64_END), type })
  }

  /**
   * __e820__range_update(): entries of oldType overlapping [start, start+size) get
   * newType on the overlap (split as needed). Prints `e820: update …`.
   */
  update(start: number, size: number, oldType: number, newType: number): void {
    const end = Math.min(start + size, U64_END)
    this.log.push(`e820: update [mem ${hexPad(start, 10)}-${hexPad(end - 1, 10)}] ${e820PrintType(oldType, this.wording)} ==> ${e820PrintType(newType, this.wording)}`)
    if (oldType !== newType) this.carve(start, end, (e) => e.type === oldType, newType)
  }

  /** e820__range_remove(): cut [start, start+size) out of entries (of oldType when checkType). */
  remove(start: number, size: number, oldType: number, checkType: boolean): void {
    const end = Math.min(start + size, U64_END)
    // classic: "… ] " with the type or nothing; 7.x: "…]" then " type"
    const type = checkType ? ' ' + e820PrintType(oldType, this.wording) : this.wording === 'classic' ? ' ' : ''
    this.log.push(`e820: remove [mem ${hexPad(start, 10)}-${hexPad(end - 1, 10)}]${type}`)
    this.carve(start, end, (e) => !checkType || e.type === oldType, null)
  }

  /**
   * The part of every matching entry inside [start, end) gets newType (null: is cut
   * out); entries straddling an edge are split, as __e820__range_update() and
   * e820__range_remove() do. Pieces are appended; sanitize() orders them.
   */
  private carve(start: number, end: number, match: (e: E820Entry) => boolean, newType: number | null): void {
    const added: E820Entry[] = []
    for (const e of this.entries) {
      if (!match(e)) continue
      const fs = Math.max(start, e.addr)
      const fe = Math.min(end, e.end)
      if (fs >= fe) continue
      if (newType !== null) added.push({ addr: fs, end: fe, type: newType })
      if (e.end > fe) added.push({ addr: fe, end: e.end, type: e.type })
      // what is left of e is the part before the range (possibly empty: sanitize drops it)
      e.end = fs
    }
    this.entries.push(...added)
  }

  /**
   * e820__update_table(): sort, resolve overlaps (the larger type value wins at every
   * point), merge neighbours of the same type, drop empty entries.
   */
  sanitize(): void {
    // fast path: disjoint once sorted (firmware tables usually are)
    const byAddr = this.entries.filter((e) => e.end > e.addr).sort((a, b) => a.addr - b.addr)
    let disjoint = true
    for (let i = 1; i < byAddr.length && disjoint; i++) if (byAddr[i].addr < byAddr[i - 1].end) disjoint = false
    if (disjoint) {
      const merged: E820Entry[] = []
      for (const e of byAddr) {
        if (e.end <= e.addr) continue
        const last = merged[merged.length - 1]
        if (last && last.end === e.addr && last.type === e.type) last.end = e.end
        else merged.push({ ...e })
      }
      this.entries = merged
      return
    }
    const pts: { addr: number; open: boolean; e: E820Entry }[] = []
    for (const e of this.entries) {
      if (e.end <= e.addr) continue
      pts.push({ addr: e.addr, open: true, e }, { addr: e.end, open: false, e })
    }
    pts.sort((a, b) => a.addr - b.addr || (a.open === b.open ? 0 : a.open ? 1 : -1))
    const active = new Map<E820Entry, number>()
    const out: E820Entry[] = []
    let curType = 0
    let curStart = 0
    for (let i = 0; i < pts.length;) {
      const addr = pts[i].addr
      while (i < pts.length && pts[i].addr === addr) {
        const p = pts[i]
        if (p.open) active.set(p.e, p.e.type)
        else active.delete(p.e)
        i++
      }
      let t = 0
      for (const v of active.values()) if (v > t) t = v
      if (t !== curType) {
        if (curType !== 0 && addr > curStart) out.push({ addr: curStart, end: addr, type: curType })
        curType = t
        curStart = addr
      }
    }
    // merge neighbours of one type
    const merged: E820Entry[] = []
    for (const e of out) {
      const last = merged[merged.length - 1]
      if (last && last.end === e.addr && last.type === e.type) last.end = e.end
      else merged.push(e)
    }
    this.entries = merged
  }

  /**
   * e820__print_table(): `who: [mem 0x…-0x…] type`; 7.x prints two spaces before the
   * type and a `who: [gap 0x…-0x…]` line before every entry that does not start where
   * the previous one ended (from address 0; 4d8e5a682be4)
   */
  print(who: string): string[] {
    const out: string[] = []
    let prevEnd = 0
    for (const e of this.entries) {
      if (this.wording === 'system-ram') {
        if (e.addr > prevEnd) out.push(`${who}: [gap ${hexPad(prevEnd, 18)}-${hexPad(e.addr - 1, 18)}]`)
        out.push(`${who}: [mem ${hexPad(e.addr, 18)}-${hexPad(e.end - 1, 18)}]  ${e820PrintType(e.type, this.wording)}`)
      } else out.push(`${who}: [mem ${hexPad(e.addr, 18)}-${hexPad(e.end - 1, 18)}] ${e820PrintType(e.type)}`)
      prevEnd = e.end
    }
    return out
  }
}

export interface CmdlineResult {
  /** e820 table changed by the user: print `user-defined physical RAM map:` */
  userdef: boolean
  errors: string[]
}

/**
 * parse_early_param() for `mem=` (parse_memopt) and `memmap=` (parse_memmap_opt /
 * parse_memmap_one), applied in command-line order, then e820__finish_early_params().
 */
export function applyE820Cmdline(table: E820Table, args: { key: string; value: string | null }[]): CmdlineResult {
  const res: CmdlineResult = { userdef: false, errors: [] }
  for (const { key, value } of args) {
    if (key === 'mem' && value !== null) {
      if (value === 'nopentium') continue
      const m = memparse(value)
      // "Don't remove all memory when getting mem={invalid}"
      if (!m || m.value === 0) {
        res.errors.push(`mem=${value}: not a size; the kernel ignores it`)
        continue
      }
      table.remove(m.value, 2 ** 64 - m.value, E820.RAM, true)
      res.userdef = true
    } else if (key === 'memmap' && value !== null) {
      for (const one of value.split(',')) parseMemmapOne(table, one, res)
    }
  }
  if (res.userdef) table.sanitize()
  return res
}

function parseMemmapOne(table: E820Table, p: string, res: CmdlineResult): void {
  if (p.startsWith('exactmap')) {
    table.entries = []
    res.userdef = true
    return
  }
  const size = memparse(p)
  if (!size) {
    res.errors.push(`memmap=${p}: not a size; the kernel ignores it`)
    return
  }
  res.userdef = true
  const op = size.rest[0]
  const rest = size.rest.slice(1)
  const typeOf: Record<string, number> = { '@': E820.RAM, '#': E820.ACPI, $: E820.RESERVED, '!': E820.PRAM }
  if (op in typeOf) {
    const at = memparse(rest)
    if (!at) {
      res.errors.push(`memmap=${p}: missing start address after "${op}"`)
      return
    }
    table.add(at.value, size.value, typeOf[op])
    if (at.rest !== '') res.errors.push(`memmap=${p}: trailing "${at.rest}" (the kernel rejects the rest of this entry)`)
  } else if (op === '%') {
    const at = memparse(rest)
    if (!at) {
      res.errors.push(`memmap=${p}: missing start address after "%"`)
      return
    }
    let r = at.rest
    let from = 0
    let to = 0
    const num = (s: string): { v: number; rest: string } => {
      const m = /^(0x[0-9a-fA-F]+|\d+)/.exec(s)
      return m ? { v: Number(m[1]), rest: s.slice(m[0].length) } : { v: 0, rest: s }
    }
    if (r.startsWith('-')) ({ v: from, rest: r } = num(r.slice(1)))
    if (r.startsWith('+')) ({ v: to, rest: r } = num(r.slice(1)))
    if (r !== '') {
      res.errors.push(`memmap=${p}: cannot parse "${r}"`)
      return
    }
    if (from && to) table.update(at.value, size.value, from, to)
    else if (to) table.add(at.value, size.value, to)
    else if (from) table.remove(at.value, size.value, from, true)
    else table.remove(at.value, size.value, 0, false)
  } else {
    // plain memmap=nn is mem=nn
    table.remove(size.value, 2 ** 64 - size.value, E820.RAM, true)
  }
}

/** trim_bios_range(): page 0 becomes reserved, RAM in [640K, 1M) is removed. */
export function trimBiosRange(table: E820Table, pageSize: number): void {
  table.update(0, pageSize, E820.RAM, E820.RESERVED)
  table.remove(0xa0000, 0x100000 - 0xa0000, E820.RAM, true)
  table.sanitize()
}

/**
 * e820_end_pfn(): the highest pfn of RAM (and, since the TDX kexec change, ACPI data)
 * below limitPfn; an entry crossing the limit ends the scan at the limit.
 */
export function e820EndPfn(table: E820Table, limitPfn: number, maxArchPfn: number, includeAcpi: boolean, pageShift = 12): number {
  let last = 0
  const ps = 2 ** pageShift
  for (const e of table.entries) {
    if (e.type !== E820.RAM && !(includeAcpi && e.type === E820.ACPI)) continue
    const s = Math.floor(e.addr / ps)
    const en = Math.floor(e.end / ps)
    if (s >= limitPfn) continue
    if (en > limitPfn) {
      last = limitPfn
      break
    }
    if (en > last) last = en
  }
  return Math.min(last, maxArchPfn)
}

/**
 * e820__memblock_setup(): RAM and RESERVED_KERN entries are added to memblock.memory,
 * SOFT_RESERVED ones reserved (5.5+), then memblock_trim_memory(PAGE_SIZE). 4.19.0 also
 * reserved every non-RAM entry and every gap up to the last entry.
 */
export function e820MemblockSetup(
  table: E820Table,
  pageSize: number,
  opts: { reserveSoftReserved: boolean; reserveGaps: boolean; physAddrBits: number }
): { memory: MemblockType; reserved: MemblockType } {
  const memory = new MemblockType('memory')
  const reserved = new MemblockType('reserved')
  let prevEnd = 0
  for (const e of table.entries) {
    // "if (end != (resource_size_t)end) continue": 32-bit phys_addr_t drops entries
    // ending at or above 4 GiB
    if (e.end >= 2 ** Math.min(opts.physAddrBits, 53)) continue
    if (opts.reserveGaps && e.addr > prevEnd) reserved.add(prevEnd, e.addr - prevEnd, NO_NODE)
    prevEnd = Math.max(prevEnd, e.end)
    if (e.type === E820.SOFT_RESERVED && opts.reserveSoftReserved) {
      reserved.add(e.addr, e.end - e.addr, NO_NODE)
      continue
    }
    if (e.type !== E820.RAM && e.type !== E820.RESERVED_KERN) {
      if (opts.reserveGaps) reserved.add(e.addr, e.end - e.addr, NO_NODE)
      continue
    }
    memory.add(e.addr, e.end - e.addr, NO_NODE)
  }
  memory.trim(pageSize)
  return { memory, reserved }
}

/**
 * The x86 EFI stub's setup_e820() (drivers/firmware/efi/libstub/x86-stub.c): the UEFI
 * memory map becomes the e820 table the kernel then reads like a BIOS one.
 */
export function efiToE820(map: readonly { start: number; end: number; type: string; attrs: readonly string[] }[], softReserve: boolean): E820Entry[] {
  const out: E820Entry[] = []
  for (const d of [...map].sort((a, b) => a.start - b.start)) {
    let type: number
    switch (d.type) {
      case 'reserved':
      case 'runtime-code':
      case 'runtime-data':
      case 'mmio':
      case 'mmio-port':
      case 'pal-code':
        type = E820.RESERVED
        break
      case 'unusable':
        type = E820.UNUSABLE
        break
      case 'acpi-reclaim':
        type = E820.ACPI
        break
      case 'loader-code':
      case 'loader-data':
      case 'boot-code':
      case 'boot-data':
      case 'conventional':
      case 'unaccepted':
        type = softReserve && d.attrs.includes('SP') ? E820.SOFT_RESERVED : E820.RAM
        break
      case 'acpi-nvs':
        type = E820.NVS
        break
      case 'persistent':
        type = E820.PMEM
        break
      default:
        continue
    }
    const prev = out[out.length - 1]
    if (prev && prev.type === type && prev.end === d.start) prev.end = d.end
    else out.push({ addr: d.start, end: d.end, type })
  }
  return out
}
