// The same boot, as different tools capture it: every form must give the same exact diff.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bootlogSource } from './index.ts'
import { recordedLogs } from '../../../tests/fixture-logs.ts'
import { CALLER_ONLY, kernelFromVersionLine, logMessages, parseLog, TIMESTAMP, timestampEnd } from './dmesg.ts'

const serial = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
const stamp = /^\[\s*\d+\.\d+\] /

function variant(f: (line: string) => string): string {
  return serial
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => (stamp.test(l) ? f(l) : l))
    .join('\n')
}

function exact(source: string): boolean {
  const r = bootlogSource(source, 'boot.log')
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '))
  return r.report.diff!.equal
}

describe('boot log capture forms', () => {
  it('serial console with firmware escape sequences and CRLF', () => expect(exact(serial)).toBe(true))
  it('dmesg without timestamps (dmesg -t)', () => expect(exact(variant((l) => l.replace(stamp, '')))).toBe(true))
  it('a serial console with its timestamps removed: firmware noise before the first kernel line is cut at the terminal reset or carriage return', () => {
    // 6.1 (this fixture): "Probing EDD (edd=off to disable)... o\x1bc\x1b[?7l\x1b[2J[    0.000000] Linux version …";
    // 7.x adds "k\r" (tests/fixtures/kernel-versions/7.3/x86_64-s401-015.log)
    const unstamp = (s: string) =>
      s
        .replace(/\r$/gm, '')
        .split('\n')
        .map((l) => l.replace(/\[\s*\d+\.\d+\] /, ''))
        .join('\n')
    expect(unstamp(serial)).toMatch(/o\x1bc\x1b\[\?7l\x1b\[2JLinux version /)
    expect(exact(unstamp(serial))).toBe(true)
    const seven = serial.replace(/\x1b\[2J(\[\s*0\.000000\] Linux version)/, '\x1b[2J\x1b[0mk\r$1')
    expect(exact(unstamp(seven))).toBe(true)
    expect(logMessages('Probing EDD (edd=off to disable)... ok\rLinux version 6.1.0 (x)\r').map((l) => l.text)).toEqual(['Linux version 6.1.0 (x)'])
  })
  it('a carriage return inside a line, after any number of CR LF line ends, sends the line back to its start', () => {
    // a CR before LF (or before more CRs and LF, or at the end) is a line's end; one before
    // anything else starts the line again on a serial console: what follows the last is
    // shown (here a timestamp and its message; a line whose CR leaves no timestamp continues
    // the message before it, as any such line does)
    const ts = (i: number) => `[    0.00000${i}] `
    for (const nl of ['\r\n', '\r\r\n', '\n']) {
      const texts = (ls: string[]) => logMessages(ls.join(nl)).map((l) => l.text)
      expect(texts([`${ts(0)}a`, `${ts(1)}b\r`, `c\r\r\r${ts(2)}d`, `${ts(3)}e`, `f\r${ts(4)}g\r${ts(5)}h`, `${ts(6)}i\r`])).toEqual(['a', 'b', 'd', 'e', 'h', 'i'])
      expect(texts([`${ts(0)}a`, `${ts(1)}b\rc`, `${ts(2)}d\r\r`])).toEqual(['a c', 'd'])
    }
    // at the very end of the text, and a line that is only CRs
    expect(logMessages(`${ts(0)}a\r\n${ts(1)}b\r`).map((l) => l.text)).toEqual(['a', 'b'])
    expect(logMessages(`${ts(0)}a\r\n\r\r\n${ts(1)}b\r\r${ts(2)}c`).map((l) => l.text)).toEqual(['a', '', 'c'])
  })
  it('syslog prefixes', () => expect(exact(variant((l) => 'Nov 21 10:00:01 host kernel: ' + l))).toBe(true))
  it('journalctl -o short-iso', () => expect(exact(variant((l) => '2026-11-21T10:00:01+0000 host kernel: ' + l.replace(stamp, '')))).toBe(true))
  it('printk caller ids', () => expect(exact(variant((l) => l.replace(stamp, (m) => m.trimEnd() + '[    T0] ')))).toBe(true))
  it('mail-wrapped lines are joined back', () => {
    const wrapped = serial.replace(/(BIOS-e820: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]) /g, '$1\n')
    expect(exact(wrapped)).toBe(true)
  })
  it('a log holding several boots is read up to the second one, with a note', () => {
    const r = bootlogSource(serial + serial.replace(/Zone ranges/g, 'Zone rangez'), 'two.log')
    expect(r.ok && r.report.diff!.equal).toBe(true)
    expect(r.ok && r.report.warnings.join('\n')).toMatch(/holds 2 boots/)
  })
  it('a truncated log is an error with a reason, not a crash', () => {
    const cut = serial.slice(0, serial.indexOf('BIOS-provided'))
    const r = bootlogSource(cut, 'cut.log')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0].message).toMatch(/cut|no|neither/)
  })
  it('a log cut after the memory map compares as a mismatch (nothing to compare)', () => {
    const cut = serial.slice(0, serial.indexOf('Zone ranges'))
    const r = bootlogSource(cut, 'cut.log')
    expect(r.ok && r.report.diff!.equal).toBe(false)
  })
  it("strips timestamps but keeps the kernel's own indentation", () => {
    expect(logMessages('[    0.000000]   DMA      [mem 0x1000-0xffffff]')[0].text).toBe('  DMA      [mem 0x1000-0xffffff]')
  })
  it("reads distribution kernels' upstream versions", () => {
    expect(kernelFromVersionLine('Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)')).toBe(
      '6.1.176'
    )
    expect(kernelFromVersionLine('Linux version 5.4.0-148-generic (buildd@lcy02) #165-Ubuntu SMP (Ubuntu 5.4.0-148.165-generic 5.4.233)')).toBe('5.4.233')
    expect(kernelFromVersionLine('Linux version 6.8.0-rc2+ (me@host)')).toBe('6.8.0-rc2+')
  })
})

// ---------------------------------------------------------------------------------------
// Logs as people paste them (every form gives the clean log's prediction and verdict)

const armDt = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/kernel-boots/arm64-s101-000.log'), 'utf8')

function report(source: string, opts = {}): NonNullable<Extract<ReturnType<typeof bootlogSource>, { ok: true }>['report']> {
  const r = bootlogSource(source, 'pasted.log', opts)
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '))
  return r.report
}

const lines = (s: string): string[] => s.replace(/\r/g, '').split('\n')

describe('logs as people paste them', () => {
  const clean = report(serial)
  it('white space folded everywhere (mail, chat): same prediction, exact, and said so', () => {
    const folded = lines(serial)
      .map((l) => l.replace(/[ \t]+/g, ' ').trim())
      .join('\n')
    const r = report(folded)
    expect(r.lines).toEqual(clean.lines)
    expect(r.diff!.equal).toBe(true)
    expect(r.warnings.join('\n')).toMatch(/white space in the log was folded/)
  })
  it('the clean log is compared byte for byte (no re-spacing, no note)', () => {
    expect(clean.warnings.join('\n')).not.toMatch(/folded/)
  })
  it('no timestamps and every line indented by one space (quoted mail)', () => {
    const quoted = lines(serial)
      .map((l) => ' ' + l.replace(stamp, ''))
      .join('\n')
    const r = report(quoted)
    expect(r.lines).toEqual(clean.lines)
    expect(r.diff!.equal).toBe(true)
  })
  it('"> " quoting on every line', () => {
    expect(
      report(
        lines(serial)
          .map((l) => '> ' + l)
          .join('\n')
      ).diff!.equal
    ).toBe(true)
  })
  it('a message wrapped by a mail client without timestamps is joined back (an open bracket, a known stem)', () => {
    const wrapped = lines(serial)
      .map((l) => l.replace(stamp, ''))
      .map((l) => l.replace(/^(Initmem setup node \d+ \[mem) /, '$1\n').replace(/^(HugeTLB: \d+ KiB vmemmap can be freed for a [\d.]+ \S+) page$/, '$1\npage'))
      .join('\n')
    expect(wrapped).toMatch(/\[mem\n0x/)
    expect(report(wrapped).diff!.equal).toBe(true)
  })
})

describe('architecture and page size from what the log shows', () => {
  const unnamed = armDt.replace(/6\.1\.0-56-arm64/, '6.1.0-56-custom')
  it('an arm64 device-tree log whose version line does not name the arch: arm64, and the deciding line is named', () => {
    const r = report(unnamed)
    expect(r.arch).toBe('arm64')
    expect(r.diff!.equal).toBe(true)
    expect(r.warnings.join('\n')).toMatch(/architecture arm64, from line \d+: (?:Booting Linux on physical CPU 0x0000000000 \[0x[0-9a-f]{8}\]|CPU features: detected)/)
  })
  it('arm64 page size from the hash tables (PAGE_SIZE << order): 64K', () => {
    const k64 = unnamed.replace(/Dentry cache hash table entries: (\d+) \(order: (\d+), (\d+) bytes/, (_m, n, o, b) => `Dentry cache hash table entries: ${n} (order: ${Number(o) - 4}, ${b} bytes`)
    const r = bootlogSource(k64, 'k64.log')
    expect(r.ok && r.report.pageSizeKiB).toBe(64)
  })
  it('arm64 page size from the registered huge page sizes: 512 MiB and 16 GiB mean 64K pages', () => {
    const k64 = unnamed
      .replace(/^.*Dentry cache hash table.*$/m, '')
      .replace(/^.*Inode-cache hash table.*$/m, '')
      .replace(/HugeTLB: registered 1\.00 GiB page size/, 'HugeTLB: registered 16.0 GiB page size')
      .replace(/HugeTLB: registered 32\.0 MiB page size/, 'HugeTLB: registered 512 MiB page size')
      .replace(/^.*HugeTLB: registered 64\.0 KiB page size.*$/m, '')
    const r = bootlogSource(k64, 'k64.log')
    expect(r.ok && r.report.pageSizeKiB).toBe(64)
  })
  it('an arm64 log that shows no page size says 4K is assumed (never silently)', () => {
    const bare = unnamed.replace(/^.*(?:Dentry cache|Inode-cache|HugeTLB: registered).*$/gm, '')
    const r = report(bare)
    expect(r.pageSizeKiB).toBe(4)
    expect(r.warnings.join('\n')).toMatch(/does not show arm64's page size.*4K pages assumed/)
  })
  it('--page-size wins', () => {
    const bare = unnamed.replace(/^.*(?:Dentry cache|Inode-cache|HugeTLB: registered).*$/gm, '')
    expect(report(bare, { pageSize: 16384 }).pageSizeKiB).toBe(16)
  })
  it('the zone header wins over the profile: a 6.1 arm64 log that prints a Device zone gets one', () => {
    const dev = armDt.replace(/^(.*) {2}Normal {3}(.*)$/m, '$1  Normal   $2\n$1  Device   empty')
    const r = report(dev)
    expect(r.lines).toContain('  Device   empty')
    expect(r.diff!.equal).toBe(true)
  })
})

describe('impossible numbers are errors with their line and column', () => {
  const bad = (from: RegExp, to: string): { message: string; line?: number; column?: number } => {
    const r = bootlogSource(serial.replace(from, to), 'bad.log')
    if (r.ok) throw new Error('accepted')
    return r.diagnostics[0]
  }
  it('a node id no kernel has', () => {
    const d = bad(/ {2}node {3}0: \[mem/, '  node 99999: [mem')
    expect(d.message).toMatch(/node 99999 is impossible/)
    expect(d.column).toBeGreaterThan(1)
  })
  it('a negative node id', () => expect(bad(/ACPI: SRAT: Node 0 PXM/, 'ACPI: SRAT: Node -1 PXM').message).toMatch(/node -1 is impossible/))
  it('an address beyond 2^64', () => expect(bad(/BIOS-e820: \[mem 0x0000000000100000-/, 'BIOS-e820: [mem 0x1230000000000100000-').message).toMatch(/does not fit in 64 bits/))
  it('a range that ends before it starts', () =>
    expect(bad(/BIOS-e820: \[mem 0x0000000000100000-0x[0-9a-f]+\]/, 'BIOS-e820: [mem 0x0000000000100000-0x0000000000000fff]').message).toMatch(/ends before it starts/))
  it('a huge page of 93 ZiB', () => expect(bad(/HugeTLB: registered 2\.00 MiB/, 'HugeTLB: registered 93.0 ZiB').message).toMatch(/93\.0 ZiB huge page is impossible/))
  it('a page count of 8e34', () => {
    const d = bad(/(On node 0, zone \w+: )\d+( pages in unavailable ranges)/, '$180000000000000000000000000000000000$2')
    expect(d.message).toMatch(/80000000000000000000000000000000000 is not a count/)
    expect(d.line).toBeGreaterThan(1)
  })
})

describe('parsing stays linear', () => {
  // hang guards (generous), not speed targets: those live in `npm run bench`
  it('a 256 KiB line of white space', () => {
    const t0 = performance.now()
    const r = bootlogSource(serial.replace('Zone ranges:', 'Zone ranges:\n' + ' '.repeat(256 * 1024) + 'x'), 'ws.log')
    expect(r.ok).toBe(true)
    expect(performance.now() - t0).toBeLessThan(2000)
  })
  it('a message continued by 50 000 lines without a timestamp', () => {
    // (a timestamped log: at least a third of its lines carry one, so the others join)
    const stamped = '[    1.000000] stamped\n'.repeat(60_000)
    const t0 = performance.now()
    const r = bootlogSource(serial + '\n' + stamped + '[    1.000001] wrapped-\n' + 'continued-line-\n'.repeat(50_000), 'wrapped.log')
    expect(r.ok).toBe(true)
    expect(performance.now() - t0).toBeLessThan(2000)
  })
  it('unterminated escape sequences', () => {
    const t0 = performance.now()
    const r = bootlogSource(serial.replace('Zone ranges:', 'Zone ranges:\n' + '\x1b]0;'.repeat(40000) + '\x1b['.repeat(40000) + '9'.repeat(100000)), 'esc.log')
    expect(r.ok).toBe(true)
    expect(performance.now() - t0).toBeLessThan(2000)
  })
})

describe('timestampEnd', () => {
  it('ends where a caller id alone at the start ends, else where the first match of TIMESTAMP ends (-1 for none)', () => {
    const expected = (s: string): number => {
      const c = CALLER_ONLY.exec(s)
      if (c) return c[0].length
      const m = TIMESTAMP.exec(s)
      return m ? m.index + m[0].length : -1
    }
    const cases = [
      '[    0.000000] Linux version',
      'noise[ 12.345678] x',
      '[1.12345] [2.123456]',
      '[\u00a0 3.000000]  [ C12] z',
      '[[[ 4.000000]',
      '[5.000000][T]',
      '[5.000000] [T12',
      '[\t6.000000]\t[\tT7]',
      '[7.0000000]',
      '[.000000]',
      '[8.000000',
      '',
      'no stamp',
      '[9.000000][C1][T2]',
      '[    T0] Linux version',
      ' [C12]x',
      '[T] x',
      '[T1 x',
      'x [T1] y',
      '[T1] [ 1.000000] z'
    ]
    for (const s of cases) expect(timestampEnd(s), JSON.stringify(s)).toBe(expected(s))
    // random lines over the characters the expression reads
    const alphabet = ['[', ']', ' ', '\t', '.', '0', '1', '9', 'T', 'C', 'x', '\u00a0']
    let seed = 1
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    for (let k = 0; k < 20000; k++) {
      let s = ''
      for (let i = rand(24); i > 0; i--) s += rand(3) === 0 ? '[ 1.000000]' : alphabet[rand(alphabet.length)]
      expect(timestampEnd(s), JSON.stringify(s)).toBe(expected(s))
    }
  })
})

describe('a log whose lines keep only the caller id (dmesg -t on a CONFIG_PRINTK_CALLER kernel)', () => {
  it('reads as the same log with its times', () => {
    const withCaller = recordedLogs().filter((f) => /^\[ *\d+\.\d{6}\] *\[ *[TC]\d+\]/m.test(readFileSync(f, 'utf8')))
    expect(withCaller.length).toBeGreaterThanOrEqual(9)
    for (const f of withCaller) {
      const text = readFileSync(f, 'utf8')
      const a = parseLog(text)
      const b = parseLog(text.replace(/^\[ *\d+\.\d{6}\] */gm, ''))
      expect(b.scenario, f).toEqual(a.scenario)
      expect(b.expected, f).toEqual(a.expected)
    }
  })
})

describe('an impossible kernel version in a log', () => {
  it('is reported at the Linux version line, at the column of the version', () => {
    const bad = serial.replace(/Linux version \S+/, 'Linux version 6.1.999999999999999999')
    const lines = bad.split('\n')
    const at = lines.findIndex((l) => l.includes('Linux version 6.1.999999999999999999'))
    expect(at).toBeGreaterThan(0)
    const r = bootlogSource(bad, 'boot.log')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', line: at + 1, column: lines[at].indexOf('6.1.999999999999999999') + 1 })
    expect(r.diagnostics[0].message).toMatch(/6\.1\.999999999999999999/)
  })
})

describe('the UEFI memory map of efi=debug', () => {
  it("keeps each entry's attribute columns as efi_md_typeattr_format() prints them, the blank ones left out", () => {
    const log = [
      '[    0.000000] Linux version 6.1.0 (gcc)',
      '[    0.000000] efi:   0x000000000000-0x000000000fff [Boot Data   |   |  |  |  |  |  |  |  |   |WB|WT|WC|UC]',
      '[    0.000000] efi:   0x000000001000-0x00000009ffff [Conventional|   |  |  |  |  |  |  |  |   |WB|WT|WC|UC]',
      '[    0.000000] efi:   0x0000000a0000-0x0000000fffff [Reserved    |RUN|  |  |  |  |  |  |  |   |  |  |  |UC]',
      '[    0.000000] efi:   0x000000100000-0x00007fffffff [Conventional|   |  |  |  |  |  |  |  |   |WB|WT|WC|UC]'
    ].join('\n')
    expect(parseLog(log, { arch: 'arm64' }).scenario.firmware.map).toEqual([
      { start: 0, last: 0xfff, type: 'boot-data', attrs: ['WB', 'WT', 'WC', 'UC'] },
      { start: 0x1000, last: 0x9ffff, type: 'conventional', attrs: ['WB', 'WT', 'WC', 'UC'] },
      { start: 0xa0000, last: 0xfffff, type: 'reserved', attrs: ['RUN', 'UC'] },
      { start: 0x100000, last: 0x7fffffff, type: 'conventional', attrs: ['WB', 'WT', 'WC', 'UC'] }
    ])
  })
})
