import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../../shared/engine/index.ts'
import { extractEmbeddedSource, renderView, VIEW_IDS, VIEW_TITLES } from '../../shared/views/index.ts'
import { pngChunks } from '../../shared/views/png.ts'
import { crc32, extractPngSource, pngSize, svgsToPdf, svgToPng } from '../render.ts'
import { atomicWriteFile } from '../files.ts'
import { exportCommand, parseExportArgs } from './export.ts'

const root = join(import.meta.dirname, '../../..')
const laptopFile = join(root, 'resources/examples/x86-laptop.yaml')
const armFile = join(root, 'resources/examples/arm64-uefi-server.yaml')
const laptopText = readFileSync(laptopFile, 'utf8')
const laptop = (() => {
  const r = analyzeSource(laptopText, 'x86-laptop.yaml')
  if (!r.ok) throw new Error('laptop')
  return r.report
})()
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mmw-export-'))

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string; stdout: string }> {
  let out = ''
  let err = ''
  let stdout = ''
  const code = await exportCommand(args, { out: (s) => void (out += s + '\n'), err: (s) => void (err += s + '\n'), stdout: (d) => void (stdout += d) })
  return { code, out, err, stdout }
}

describe('render: PNG', () => {
  it('has the PNG signature, the IHDR size of the SVG × scale, valid CRCs and the scenario', () => {
    const svg = renderView('map', laptop)
    const w = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1])
    const h = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1])
    const png = svgToPng(svg, { scale: 2, source: { text: laptopText, fileName: 'x86-laptop.yaml' } })
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(pngSize(png)).toEqual({ width: 2 * w, height: 2 * h })
    const chunks = pngChunks(png)
    expect(chunks[0].type).toBe('IHDR')
    expect(chunks[chunks.length - 1].type).toBe('IEND')
    for (const c of chunks) expect(png.readUInt32BE(c.offset + 8 + c.data.length), c.type).toBe(crc32(png.subarray(c.offset + 4, c.offset + 8 + c.data.length)))
    expect(chunks.filter((c) => c.type === 'iTXt')).toHaveLength(2)
    expect(extractPngSource(png)).toEqual({ text: laptopText, fileName: 'x86-laptop.yaml' })
  })
  it('takes the scenario from the SVG metadata when none is given; none → none', () => {
    const src = { text: 'ünïcödé: "]]>"\r\n', fileName: 'ü.yaml' }
    const png = svgToPng(renderView('costs', laptop, { source: src }), { scale: 1 })
    expect(extractPngSource(png)).toEqual(src)
    expect(extractPngSource(svgToPng(renderView('costs', laptop), { scale: 1 }))).toBeNull()
    expect(extractPngSource(Buffer.from('not a png'))).toBeNull()
  })
})

describe('render: PDF', () => {
  it('one page per view, fonts embedded, the scenario attached', async () => {
    const pages = VIEW_IDS.map((v) => ({ title: VIEW_TITLES[v], svg: renderView(v, laptop, { source: { text: laptopText, fileName: 'x86-laptop.yaml' } }) }))
    const pdf = await svgsToPdf(pages)
    const text = pdf.toString('latin1')
    expect(text.startsWith('%PDF-')).toBe(true)
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true)
    expect(text.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(4)
    expect(text).toMatch(/\/FontName \/[A-Z]+\+DejaVuSans\b/)
    expect(text).toContain('/EmbeddedFile')
    const one = await svgsToPdf(pages.slice(0, 1))
    expect(one.toString('latin1').match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1)
  })
})

describe('memmap-workbench export', () => {
  it('svg: one view, atomically written, the scenario embedded', async () => {
    const dir = tmp()
    const out = join(dir, 'map.svg')
    writeFileSync(out, 'old contents')
    const before = statSync(out).ino
    const r = await cli(laptopFile, '--view', 'map', '-o', out)
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/^wrote .*map\.svg/)
    const svg = readFileSync(out, 'utf8')
    expect(svg).toMatch(/^<\?xml/)
    expect(extractEmbeddedSource(svg)).toEqual({ text: laptopText, fileName: 'x86-laptop.yaml' })
    // replaced by rename (a new inode), and no temporary file is left behind
    expect(statSync(out).ino).not.toBe(before)
    expect(readdirSync(dir)).toEqual(['map.svg'])
  })

  it('png with --view all: a directory with one image per view', async () => {
    const dir = join(tmp(), 'views')
    const r = await cli(armFile, '--view', 'all', '--format', 'png', '--png-scale', '1', '--theme', 'dark', '-o', dir)
    expect(r.code, r.err).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['costs.png', 'map.png', 'nomap.png', 'sections.png'])
    for (const f of readdirSync(dir)) {
      const png = readFileSync(join(dir, f))
      expect(pngSize(png).width).toBe(1200)
      expect(extractPngSource(png)!.fileName).toBe('arm64-uefi-server.yaml')
    }
  })

  it('pdf: every view, one page each', async () => {
    const out = join(tmp(), 'report.pdf')
    const r = await cli(laptopFile, '-o', out)
    expect(r.code, r.err).toBe(0)
    const pdf = readFileSync(out, 'latin1')
    expect(pdf.startsWith('%PDF')).toBe(true)
    expect(pdf.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(4)
  })

  it('json, csv and md', async () => {
    const dir = tmp()
    expect((await cli(laptopFile, '-o', join(dir, 'a.json'))).code).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(laptop)))

    expect((await cli(laptopFile, '--format', 'csv', '--window', '20:6', '-o', join(dir, 'tables.csv'))).code).toBe(0)
    const csv = readFileSync(join(dir, 'tables.csv'), 'utf8').split('\r\n')
    expect(csv[0]).toBe('table,name,start,end,nid,zone,value,unit,detail')
    const tables = new Set(
      csv
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',')[0])
    )
    expect([...tables]).toEqual(['memblock.memory', 'memblock.reserved', 'zone-range', 'node', 'node-zone', 'hole', 'section', 'check', 'total'])
    expect(csv.filter((l) => l.startsWith('memblock.memory,'))).toHaveLength(6)
    expect(csv.filter((l) => l.startsWith('section,')).map((l) => l.split(',')[1])).toEqual(['section 20', 'section 21', 'section 22', 'section 23', 'section 32', 'section 33'])
    expect(csv).toContain('hole,gap,0xbe000000,0x100000000,0,Normal,8192,pages with struct page,memmap_init() -> init_unavailable_range()')
    expect(csv.some((l) => /^check,folio\.max-folio-supported,,,,,pass,info,/.test(l))).toBe(true)

    const md = await cli(laptopFile, '--format', 'md', '-o', '-')
    expect(md.code).toBe(0)
    expect(md.stdout).toMatch(/^# x86 laptop, 16 GiB\n/)
    expect(md.stdout).toContain('## Checks')
    expect(md.stdout).toMatch(/\| ✅ pass \| MAX_FOLIO_ORDER folios have naturally aligned struct pages \(`folio.max-folio-supported`\) \|/)
    expect(md.stdout).toContain('```text\nZone ranges:\n  DMA      [mem 0x0000000000001000-0x0000000000ffffff]')
  })

  it('a failing check shows as FAIL in the Markdown report', async () => {
    const dir = tmp()
    const f = join(dir, 'kmsan.yaml')
    writeFileSync(f, laptopText + 'memmap:\n  structPage: { kmsan: true }\n')
    const r = await cli(f, '--format', 'md', '-o', '-')
    expect(r.stdout).toMatch(/\| ❌ \*\*FAIL\*\* \| sizeof\(struct page\) is a power of two/)
  })

  it('exit 2 with file:line:column on a bad scenario, and on bad arguments', async () => {
    const dir = tmp()
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, 'kernel: "6.1"\narch: x86_64\nfirmware:\n  kind: e820\n  map: 12\n')
    const out = join(dir, 'x.svg')
    const r = await cli(bad, '--view', 'map', '-o', out)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/bad\.yaml:5:\d+: error: firmware\.map: expected a list/)
    expect(readdirSync(dir)).toEqual(['bad.yaml'])
    expect((await cli(join(dir, 'missing.yaml'), '-o', out)).code).toBe(2)
    expect((await cli(laptopFile, '--view', 'nope', '-o', out)).code).toBe(2)
    expect((await cli(laptopFile, '-o', join(dir, 'x.txt'))).err).toMatch(/cannot tell the format/)
    expect((await cli(laptopFile, '--format', 'png', '-o', '-')).code).toBe(2)
    expect((await cli(laptopFile, '--view', 'all', '--format', 'svg', '-o', '-')).code).toBe(2)
    expect((await cli(laptopFile, '--zoom', '8G-4G', '-o', out)).code).toBe(2)
    expect((await cli(laptopFile)).code).toBe(2)
    expect((await cli('--help')).code).toBe(0)
  })

  it('exit 1 when the output cannot be written; nothing partial is left', async () => {
    const dir = tmp()
    const r = await cli(laptopFile, '--view', 'costs', '-o', join(dir, 'no/such/dir/costs.svg'))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/costs\.svg: error: no such directory/)
    // a rename that fails (the target is a non-empty directory) removes its temporary file
    const target = join(dir, 'occupied')
    await atomicWriteFile(join(dir, 'keep'), 'x')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(target, 'inner'), { recursive: true })
    await expect(atomicWriteFile(target, 'data')).rejects.toThrow()
    expect(readdirSync(dir).sort()).toEqual(['keep', 'occupied'])
  })

  it('parses options', () => {
    const p = parseExportArgs([
      'f.yaml',
      '--view=sections',
      '-o',
      'out.svg',
      '--window',
      '3:4',
      '--zoom',
      '0x0-4G',
      '--scale',
      'log',
      '--theme',
      'dark',
      '--width',
      '1400',
      '--kernel',
      '6.8',
      '--arch',
      'arm64'
    ])
    expect(p).toEqual({
      ok: true,
      args: {
        file: 'f.yaml',
        view: 'sections',
        format: 'svg',
        out: 'out.svg',
        window: { start: 3, count: 4 },
        zoom: { start: 0, end: 4 * 2 ** 30 },
        scale: 'log',
        theme: 'dark',
        width: 1400,
        kernel: '6.8',
        arch: 'arm64'
      }
    })
    expect(parseExportArgs(['f.yaml', '-o', 'r.PDF'])).toMatchObject({ ok: true, args: { format: 'pdf', view: 'all' } })
  })
})
