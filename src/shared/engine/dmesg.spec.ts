// The same boot, as different tools capture it: every form must give the same exact diff.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bootlogSource } from './index.ts'
import { kernelFromVersionLine, logMessages } from './dmesg.ts'

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
  it('strips timestamps but keeps the kernel\'s own indentation', () => {
    expect(logMessages('[    0.000000]   DMA      [mem 0x1000-0xffffff]')[0].text).toBe('  DMA      [mem 0x1000-0xffffff]')
  })
  it('reads distribution kernels\' upstream versions', () => {
    expect(kernelFromVersionLine('Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)')).toBe('6.1.176')
    expect(kernelFromVersionLine('Linux version 5.4.0-148-generic (buildd@lcy02) #165-Ubuntu SMP (Ubuntu 5.4.0-148.165-generic 5.4.233)')).toBe('5.4.233')
    expect(kernelFromVersionLine('Linux version 6.8.0-rc2+ (me@host)')).toBe('6.8.0-rc2+')
  })
})
