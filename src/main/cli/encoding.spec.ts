import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, root } from './run-cli.ts'

/** `text` as UTF-16 (optionally with its BOM) in either byte order. */
function utf16Bytes(text: string, littleEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf16le')
  return littleEndian ? le : le.swap16()
}

describe('CLI input: UTF-16 and UTF-8 with a byte-order mark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmw-enc-'))
  const scenario = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
  const log = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')

  it('a scenario in UTF-16 LE, UTF-16 BE (with BOM) and UTF-8 with BOM reads as the UTF-8 one', async () => {
    const plain = join(dir, 'plain.yaml')
    writeFileSync(plain, scenario)
    const expected = JSON.parse((await cli('analyze', '--json', plain)).out)
    for (const [name, bytes] of [
      ['le.yaml', utf16Bytes(scenario, true, true)],
      ['be.yaml', utf16Bytes(scenario, false, true)],
      ['bom8.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(scenario)])]
    ] as const) {
      const f = join(dir, name)
      writeFileSync(f, bytes)
      const r = await cli('analyze', '--json', f)
      expect(r.code, `${name}: ${r.err}`).toBe(0)
      expect(JSON.parse(r.out), name).toEqual(expected)
    }
  })

  it('a boot log in UTF-16 LE with BOM compares exactly', async () => {
    const f = join(dir, 'boot-utf16.log')
    writeFileSync(f, utf16Bytes(log, true, true))
    const r = await cli('bootlog', '--diff', f)
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/exact/)
  })

  it('UTF-16 without a BOM: file:1:1: error: looks like UTF-16 without a byte-order mark', async () => {
    for (const [name, le] of [
      ['nobom-le.yaml', true],
      ['nobom-be.log', false]
    ] as const) {
      const f = join(dir, name)
      writeFileSync(f, utf16Bytes(name.endsWith('.log') ? log : scenario, le, false))
      const r = await cli(name.endsWith('.log') ? 'bootlog' : 'analyze', f)
      expect(r.code, name).toBe(2)
      expect(r.err, name).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: error: looks like UTF-16 without a byte-order mark`))
      expect(r.err, name).not.toMatch(/expected a mapping/)
    }
  })
})
