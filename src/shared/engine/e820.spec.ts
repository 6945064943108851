// The command line's mem=/memmap= edits, checked against the `user:` maps real kernels
// printed for the same firmware table and command line.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { logMessages } from './dmesg.ts'
import { applyE820Cmdline, E820, E820Table, e820EndPfn, e820ParseType, trimBiosRange } from './e820.ts'
import { parseCmdline } from './model.ts'
import { selectProfile } from './profiles.ts'

const fixturesDir = join(import.meta.dirname, '../../../tests/fixtures')
/** [folder, kernel line]: the 6.1 boots, and the oracle's boots of every version */
const dirs: [string, string][] = [
  [join(fixturesDir, 'qemu-boots'), '6.1'],
  [join(fixturesDir, 'kernel-boots'), '6.1'],
  ...(() => {
    try {
      return readdirSync(join(fixturesDir, 'kernel-versions')).map((v): [string, string] => [join(fixturesDir, 'kernel-versions', v), v])
    } catch {
      return []
    }
  })()
]

function fixtures(): { id: string; kernel: string; bios: E820Table; cmdline: string; user: string[]; lastPfn: number | null }[] {
  const out = []
  for (const [dir, kernel] of dirs) {
    let files: string[]
    try {
      files = readdirSync(dir).filter((f) => f.startsWith('x86_64') && f.endsWith('.log'))
    } catch {
      continue
    }
    const wording = selectProfile(kernel)!.profile.e820Wording
    for (const f of files) {
      // the console's boot log only (the oracle's state dump repeats it as dmesg)
      const msgs = logMessages(readFileSync(join(dir, f), 'utf8').split(/^MW-STATE /m)[0]).map((m) => m.text)
      const bios = new E820Table([], wording)
      for (const t of msgs) {
        const m = /^BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$/.exec(t)
        if (m) bios.add(parseInt(m[1], 16), parseInt(m[2], 16) - parseInt(m[1], 16) + 1, e820ParseType(m[3])!)
      }
      const cmdline = msgs.find((t) => t.startsWith('Command line: '))?.slice(14) ?? ''
      const user = msgs.filter((t) => t.startsWith('user: '))
      // a KASLR image in a hole becomes RAM before last_pfn (e820_add_kernel_range()), at
      // an address the console does not show (the oracle spec covers those boots)
      const lp = msgs.includes('.text .data .bss are not marked as E820_TYPE_RAM!') ? undefined : msgs.find((t) => t.startsWith('last_pfn = '))
      out.push({ id: `${kernel}/${f}`, kernel, bios, cmdline, user, lastPfn: lp ? parseInt(lp.split(' ')[2], 16) : null })
    }
  }
  return out
}

describe('x86 command-line edits (parse_memopt, parse_memmap_one)', () => {
  const all = fixtures()
  it('has fixtures with user-defined maps', () => expect(all.filter((f) => f.user.length).length).toBeGreaterThan(5))
  for (const f of all) {
    it(`${f.id}: reproduces the user map and last_pfn`, () => {
      const t = f.bios.clone()
      t.sanitize()
      const r = applyE820Cmdline(t, parseCmdline(f.cmdline))
      expect(r.userdef ? t.print('user') : []).toEqual(f.user)
      trimBiosRange(t, 4096)
      if (f.lastPfn !== null) expect(e820EndPfn(t, 2 ** 34, 2 ** 34, selectProfile(f.kernel)!.profile.x86EndPfnAcpi)).toBe(f.lastPfn)
    })
  }
})

describe('e820 table operations', () => {
  it('sanitize: the larger type wins an overlap, equal neighbours merge', () => {
    const t = new E820Table()
    t.add(0, 0x10000, E820.RAM)
    t.add(0x8000, 0x1000, E820.RESERVED)
    t.add(0x10000, 0x1000, E820.RAM)
    t.sanitize()
    expect(t.print('x')).toEqual([
      'x: [mem 0x0000000000000000-0x0000000000007fff] usable',
      'x: [mem 0x0000000000008000-0x0000000000008fff] reserved',
      'x: [mem 0x0000000000009000-0x0000000000010fff] usable'
    ])
  })
  it('trim_bios_range(): page 0 reserved, 640K–1M removed', () => {
    const t = new E820Table([{ addr: 0, end: 0x200000, type: E820.RAM }])
    trimBiosRange(t, 4096)
    expect(t.print('x')).toEqual([
      'x: [mem 0x0000000000000000-0x0000000000000fff] reserved',
      'x: [mem 0x0000000000001000-0x000000000009ffff] usable',
      'x: [mem 0x0000000000100000-0x00000000001fffff] usable'
    ])
    expect(t.log).toEqual(['e820: update [mem 0x00000000-0x00000fff] usable ==> reserved', 'e820: remove [mem 0x000a0000-0x000fffff] usable'])
  })
})

describe('7.0+ wording (fa06d58805c8, 4a7a13e04c05, c87f94477740, 4d8e5a682be4)', () => {
  const t = (): E820Table => {
    const x = new E820Table([], 'system-ram')
    x.add(0, 0x9fc00, E820.RAM)
    x.add(0x9fc00, 0x400, E820.RESERVED)
    x.add(0xf0000, 0x10000, E820.RESERVED)
    x.add(0x100000, 0x7ff00000, E820.RAM)
    x.add(0x100000000, 0x1000, E820.PMEM)
    return x
  }
  it('two spaces before the type, System RAM / device reserved / persistent RAM, and a [gap] line before every hole', () => {
    expect(t().print('BIOS-e820')).toEqual([
      'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff]  System RAM',
      'BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff]  device reserved',
      'BIOS-e820: [gap 0x00000000000a0000-0x00000000000effff]',
      'BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff]  device reserved',
      'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff]  System RAM',
      'BIOS-e820: [gap 0x0000000080000000-0x00000000ffffffff]',
      'BIOS-e820: [mem 0x0000000100000000-0x0000000100000fff]  persistent RAM (type 7)'
    ])
  })
  it('a table not starting at 0 opens with a gap', () => {
    expect(new E820Table([{ addr: 0x1000, end: 0x2000, type: E820.RAM }], 'system-ram').print('x')[0]).toBe('x: [gap 0x0000000000000000-0x0000000000000fff]')
  })
  it('update/remove lines carry the new words with the old spacing', () => {
    const x = t()
    trimBiosRange(x, 4096)
    expect(x.log).toEqual(['e820: update [mem 0x00000000-0x00000fff] System RAM ==> device reserved', 'e820: remove [mem 0x000a0000-0x000fffff] System RAM'])
  })
  it('both wordings parse back', () => {
    for (const w of ['usable', 'System RAM']) expect(e820ParseType(w)).toBe(E820.RAM)
    for (const w of ['reserved', 'device reserved']) expect(e820ParseType(w)).toBe(E820.RESERVED)
    for (const w of ['persistent (type 12)', 'persistent RAM (type 12)']) expect(e820ParseType(w)).toBe(12)
  })
})

describe('x86 EFI stub setup_e820()', () => {
  it('maps UEFI types to e820 and merges neighbours of one type', async () => {
    const { efiToE820 } = await import('./e820.ts')
    const t = new E820Table(
      efiToE820(
        [
          { start: 0, end: 0x87000, type: 'conventional', attrs: ['WB'] },
          { start: 0x87000, end: 0x88000, type: 'boot-data', attrs: ['WB'] },
          { start: 0x88000, end: 0xa0000, type: 'runtime-data', attrs: ['WB', 'RUN'] },
          { start: 0x100000, end: 0x200000, type: 'conventional', attrs: ['WB', 'SP'] },
          { start: 0x200000, end: 0x300000, type: 'acpi-reclaim', attrs: ['WB'] },
          { start: 0x300000, end: 0x400000, type: 'persistent', attrs: ['WB', 'NV'] }
        ],
        true
      )
    )
    expect(t.print('x')).toEqual([
      'x: [mem 0x0000000000000000-0x0000000000087fff] usable',
      'x: [mem 0x0000000000088000-0x000000000009ffff] reserved',
      'x: [mem 0x0000000000100000-0x00000000001fffff] soft reserved',
      'x: [mem 0x0000000000200000-0x00000000002fffff] ACPI data',
      'x: [mem 0x0000000000300000-0x00000000003fffff] persistent (type 7)'
    ])
  })
})
