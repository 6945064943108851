import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { terminalSafe } from './escape.ts'
import { cli, root } from './run-cli.ts'

/** Any control character a terminal acts on (\n, \t and CRLF aside). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/

const EVIL = '\x1b[2J\x1b]52;c;cHduZWQ=\x07evil\u009b31m\r'

describe('terminalSafe', () => {
  it('writes C0, DEL and C1 controls as \\uXXXX and keeps newlines, tabs and CRLF', () => {
    expect(terminalSafe('a\x1b[2Jb')).toBe('a\\u001b[2Jb')
    expect(terminalSafe('\x07\x00\x7f\u0085\u009b')).toBe('\\u0007\\u0000\\u007f\\u0085\\u009b')
    expect(terminalSafe('one\ntwo\tthree\r\nfour\rfive')).toBe('one\ntwo\tthree\r\nfour\\u000dfive')
    expect(terminalSafe('a\nb\tc', true)).toBe('a\\u000ab\\u0009c')
    expect(terminalSafe('µ — ü 日本')).toBe('µ — ü 日本')
  })

  it('leaves JSON meaning unchanged: the escapes are JSON string escapes', () => {
    const value = { name: EVIL, list: ['\u0085', 'ok'] }
    const text = JSON.stringify(value, null, 2)
    expect(RAW_CONTROL.test(terminalSafe(text))).toBe(false)
    expect(JSON.parse(terminalSafe(text))).toEqual(value)
  })
})

describe('the CLI prints no raw control byte from its inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmw-esc-'))
  const scenario = join(dir, 'evil.yaml')
  writeFileSync(scenario, `name: ${JSON.stringify(EVIL)}\n` + readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8').replace(/^name:.*\n/m, ''))

  it("analyze: a scenario's name with ESC[2J, OSC 52 and C1 CSI", async () => {
    const r = await cli('analyze', scenario)
    expect(r.code).toBe(0)
    expect(r.out).toContain('\\u001b[2J\\u001b]52;c;cHduZWQ=\\u0007evil\\u009b31m\\u000d: kernel')
    expect(RAW_CONTROL.test(r.out + r.err)).toBe(false)
    // JSON carries the name exactly
    const j = await cli('analyze', '--json', scenario)
    expect(RAW_CONTROL.test(j.out)).toBe(false)
    expect(JSON.parse(j.out).name).toBe(EVIL)
  })

  it('diagnostics on stderr: a bad value and a file name with controls', async () => {
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, `kernel: "\\e[2J6.x"\narch: x86_64\nfirmware: { kind: e820, map: [ { start: 1M, end: 1G, type: usable } ] }\n`)
    const r = await cli('analyze', bad)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/bad\.yaml:1:\d+: error: .*\\u001b\[2J6\.x/)
    expect(RAW_CONTROL.test(r.err)).toBe(false)
    const missing = await cli('bootlog', join(dir, 'no\x1b[2Jsuch.yaml'))
    expect(missing.err).toContain('no\\u001b[2Jsuch.yaml:1:1: error: no such file')
    expect(RAW_CONTROL.test(missing.err)).toBe(false)
  })

  it("bootlog: a log's text in an error (a C1 CSI in the Linux version)", async () => {
    const log = join(dir, 'csi.log')
    const text = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    writeFileSync(log, text.replace(/Linux version 6\.[\d.]+/, 'Linux version \u009b2J\x07'))
    const r = await cli('bootlog', '--diff', log)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/csi\.log:\d+:\d+: error: .*\\u009b2J/)
    expect(RAW_CONTROL.test(r.out + r.err)).toBe(false)
  })

  it('export to stdout (md, csv) and check', async () => {
    for (const format of ['md', 'csv']) {
      const r = await cli('export', scenario, '--format', format, '-o', '-')
      expect(r.code, format).toBe(0)
      if (format === 'md') expect(r.out).toContain('\\u001b[2J')
      expect(RAW_CONTROL.test(r.out + r.err), format).toBe(false)
    }
    const c = await cli('check', scenario)
    expect(RAW_CONTROL.test(c.out + c.err)).toBe(false)
  })
})

describe('kernel versions beyond any kernel are errors, not rounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmw-ver-'))
  it('a scenario: file:line:col: error', async () => {
    const f = join(dir, 'v.yaml')
    writeFileSync(f, 'kernel: "6.1.999999999999999999"\narch: x86_64\nfirmware: { kind: e820, map: [ { start: 1M, end: 1G, type: usable } ] }\n')
    for (const cmd of ['analyze', 'bootlog', 'check']) {
      const r = await cli(cmd, f)
      expect(r.code, cmd).toBe(2)
      expect(r.err, cmd).toMatch(/v\.yaml:1:\d+: error: .*6\.1\.999999999999999999/)
      expect(r.out + r.err, cmd).not.toMatch(/1000000000000000000/)
    }
    const j = await cli('analyze', '--json', f)
    expect(j.code).toBe(2)
  })

  it('a log, and --kernel', async () => {
    const text = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    const huge = join(dir, 'huge.log')
    writeFileSync(huge, text.replace(/Linux version 6\.[\d.]+/, 'Linux version 6.1.999999999999999999'))
    const r = await cli('bootlog', huge)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/huge\.log:\d+:\d+: error: .*6\.1\.999999999999999999/)
    const none = join(dir, 'none.log')
    writeFileSync(none, text.replace(/^.*Linux version.*$/m, ''))
    const k = await cli('bootlog', '--kernel', '6.1.999999999999999999', none)
    expect(k.code).toBe(2)
    expect(k.err).toMatch(/none\.log:\d+:\d+: error: .*6\.1\.999999999999999999/)
  })
})
