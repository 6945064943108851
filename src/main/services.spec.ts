import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { API_METHODS, EXPORT_VIEWS } from '../shared/api.ts'
import { extractEmbeddedSource, VIEW_IDS } from '../shared/views/index.ts'
import { Workspace } from './files.ts'
import { extractPngSource } from './render.ts'
import { callService, createServices, JsonText, WARM_UP_SCENARIO } from './services.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-services-'))
  mkdirSync(join(dir, 'ws'))
  mkdirSync(join(dir, 'data'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('services: files in the browser host (workspace)', () => {
  it('open, save (atomic), recent list, preferences', async () => {
    const ws = await Workspace.open(join(dir, 'ws'))
    const s = createServices({ host: 'browser', workspace: ws, dataDir: join(dir, 'data') })
    const info = await s.hostInfo()
    expect(info).toMatchObject({ host: 'browser', dialogs: 'in-app', workspace: ws.root, dataDir: join(dir, 'data') })
    const saved = await s.saveFile('a.yaml', 'kernel: "6.1"\n')
    expect(saved).toMatchObject({ path: join(ws.root, 'a.yaml'), name: 'a.yaml', bytes: 14 })
    const opened = await s.openFile(join(ws.root, 'a.yaml'))
    expect(opened.text).toBe('kernel: "6.1"\n')
    expect((await s.recentFiles()).map((r) => r.name)).toEqual(['a.yaml'])
    expect(await s.clearRecentFiles()).toEqual([])
    expect((await s.listDirectory('.')).entries.map((e) => e.name)).toEqual(['a.yaml'])
    expect(await s.setPreferences({ theme: 'light' })).toEqual({ theme: 'light', wordWrap: false, formatOnSave: true })
    await expect(s.chooseOpenPath()).rejects.toThrow(/no OS file dialog/)
  })

  it('refuses paths outside the workspace and non-scenario save names', async () => {
    writeFileSync(join(dir, 'outside.yaml'), 'secret')
    const s = createServices({ workspace: await Workspace.open(join(dir, 'ws')), dataDir: null })
    await expect(callService(s, 'openFile', [join(dir, 'outside.yaml')])).rejects.toThrow(/outside the workspace/)
    await expect(callService(s, 'saveFile', ['../outside.yaml', 'x'])).rejects.toThrow(/outside the workspace/)
    await expect(callService(s, 'saveFile', ['notes.sh', 'x'])).rejects.toThrow(/\.yaml, \.yml or \.json/)
    await expect(callService(s, 'openFile', [''])).rejects.toThrow(/non-empty/)
    await expect(callService(s, 'openFile', ['a\u0000b'])).rejects.toThrow(/control character/)
    await expect(callService(s, 'setPreferences', [{ theme: 'neon' }])).rejects.toThrow(/theme is one of/)
    await expect(callService(s, 'setPreferences', [{ fontSize: 3 }])).rejects.toThrow(/unknown preference/)
    await expect(callService(s, 'chooseSavePath', ['../x.yaml'])).rejects.toThrow(/without a directory/)
    expect(readFileSync(join(dir, 'outside.yaml'), 'utf8')).toBe('secret')
  })

  it('a recent entry whose file is gone leaves the list when opened', async () => {
    const ws = await Workspace.open(join(dir, 'ws'))
    const s = createServices({ workspace: ws, dataDir: null })
    await s.saveFile('gone.yaml', 'x')
    rmSync(join(ws.root, 'gone.yaml'))
    expect((await s.recentFiles())[0].exists).toBe(false)
    await expect(s.openFile(join(ws.root, 'gone.yaml'))).rejects.toThrow(/no such file/)
    expect(await s.recentFiles()).toEqual([])
  })

  it('importLog turns a log into YAML; a too-large log is refused by the validator', async () => {
    const s = createServices({})
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'qemu-boots', 'x86_64-s7-000.log'), 'utf8')
    // hosts get the engine's answer as UTF-8 JSON made on the worker
    const r = await callService(s, 'importLog', [text, 'x86_64-s7-000.log'])
    expect(r).toBeInstanceOf(JsonText)
    expect(JSON.parse(new TextDecoder().decode((r as JsonText).bytes))).toMatchObject({ ok: true, name: 'x86_64-s7-000.yaml' })
    expect(await s.importLog(text, 'x86_64-s7-000.log')).toMatchObject({ ok: true, name: 'x86_64-s7-000.yaml' })
    await expect(callService(s, 'importLog', ['x'.repeat(33 * 1024 * 1024), 'big.log'])).rejects.toThrow(/larger than/)
  })
})

describe('services: files in Electron (OS dialogs)', () => {
  it('reads and writes only paths a dialog returned or the recent list holds', async () => {
    const file = join(dir, 'picked.yaml')
    writeFileSync(file, 'picked')
    writeFileSync(join(dir, 'other.yaml'), 'other')
    let next: string | null = file
    const s = createServices({
      host: 'electron',
      dataDir: join(dir, 'data'),
      dialogs: { chooseOpenPath: async () => next, chooseSavePath: async () => join(dir, 'saved'), chooseExportPath: async () => join(dir, 'picture') }
    })
    expect((await s.hostInfo()).dialogs).toBe('native')
    await expect(s.openFile(join(dir, 'other.yaml'))).rejects.toThrow(/not chosen in an Open dialog/)
    await expect(s.saveFile(join(dir, 'other.yaml'), 'x')).rejects.toThrow(/not chosen in a Save dialog/)
    expect(await s.chooseOpenPath()).toBe(file)
    expect((await s.openFile(file)).text).toBe('picked')
    // the dialog's name gets .yaml
    const savePath = await s.chooseSavePath('x.yaml')
    expect(savePath).toBe(join(dir, 'saved.yaml'))
    await s.saveFile(savePath!, 'new')
    expect(readFileSync(join(dir, 'saved.yaml'), 'utf8')).toBe('new')
    expect(readFileSync(join(dir, 'other.yaml'), 'utf8')).toBe('other')
    next = null
    expect(await s.chooseOpenPath()).toBeNull()
    // a new session may reopen what the recent list holds
    const later = createServices({ host: 'electron', dataDir: join(dir, 'data'), dialogs: { chooseOpenPath: async () => null, chooseSavePath: async () => null, chooseExportPath: async () => null } })
    expect((await later.openFile(file)).text).toBe('picked')
    await expect(later.listDirectory(dir)).rejects.toThrow(/in-app path dialog/)
    // exports: only where the Export dialog said, with the format's extension added
    const laptop = readFileSync(join(import.meta.dirname, '../../resources/examples/x86-laptop.yaml'), 'utf8')
    const req = { format: 'svg', view: 'map', theme: 'light', scale: 'linear', zoom: null } as const
    await expect(s.exportReport(join(dir, 'elsewhere.svg'), laptop, 'x86-laptop.yaml', req)).rejects.toThrow(/not chosen in a Save dialog/)
    const exportPath = await s.chooseExportPath('x86-laptop-map.svg', 'svg')
    expect(exportPath).toBe(join(dir, 'picture.svg'))
    await s.exportReport(exportPath!, laptop, 'x86-laptop.yaml', req)
    expect(extractEmbeddedSource(readFileSync(exportPath!, 'utf8'))?.text).toBe(laptop)
  })

  it('without a workspace or dialogs there is no file access', async () => {
    const s = createServices({})
    await expect(s.openFile('/etc/passwd')).rejects.toThrow(/no file access/)
  })
})

describe('the contract', () => {
  it('every operation has a service', () => {
    const s = createServices({})
    for (const m of API_METHODS) expect(typeof s[m], m).toBe('function')
  })
})

describe('large inputs run on the engine worker thread', () => {
  it('the warm-up the hosts run at start is a valid scenario (so it compiles the whole engine)', async () => {
    const { analyzeSource } = await import('../shared/engine/index.ts')
    const r = analyzeSource(WARM_UP_SCENARIO, 'warm-up.yaml')
    expect(r.ok && r.report.memmap !== null).toBe(true)
  })

  it('a 1 MB boot log gets the same answer as in-thread', async () => {
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { bootlogSource } = await import('../shared/engine/index.ts')
    const { createServices } = await import('./services.ts')
    const log = readFileSync(join(import.meta.dirname, '../../tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    // pad with unrelated lines after the boot: well above LARGE_SOURCE_CHARS
    const big = log + '\n' + 'random: crng init done\n'.repeat(45000)
    const r = await createServices().bootlog(big, 'big.log')
    expect(r).toEqual(JSON.parse(JSON.stringify(bootlogSource(big, 'big.log'))))
    expect(r.ok && r.report.diff?.equal).toBe(true)
  })

  it('through a host (callService) an engine answer stays UTF-8 JSON from the worker to the wire, and is the same answer', async () => {
    const { stringify } = await import('yaml')
    const { analyzeSource } = await import('../shared/engine/index.ts')
    const { callService, createServices, JsonText } = await import('./services.ts')
    const { hyperscale } = await import('../../bench/hyperscale.ts')
    const { LARGE_SOURCE_CHARS } = await import('../shared/api.ts')
    const services = createServices()
    const big = stringify(hyperscale(8, 4, 600))
    expect(big.length).toBeGreaterThan(LARGE_SOURCE_CHARS)
    const wire = await callService(services, 'analyze', [big, 'big.yaml'])
    expect(wire).toBeInstanceOf(JsonText)
    const expected = JSON.parse(JSON.stringify(analyzeSource(big, 'big.yaml')))
    expect(JSON.parse(new TextDecoder().decode((wire as InstanceType<typeof JsonText>).bytes))).toEqual(expected)
    // a small one too (every engine call runs on the worker), and the object API agrees
    const small = readFileSync(join(import.meta.dirname, '../../resources/examples/x86-laptop.yaml'), 'utf8')
    const smallWire = await callService(services, 'analyze', [small, 'x86-laptop.yaml'])
    expect(smallWire).toBeInstanceOf(JsonText)
    const same = JSON.parse(JSON.stringify(analyzeSource(small, 'x86-laptop.yaml')))
    expect(JSON.parse(new TextDecoder().decode((smallWire as InstanceType<typeof JsonText>).bytes))).toEqual(same)
    expect(await services.analyze(small, 'x86-laptop.yaml')).toEqual(same)
    // methods outside the engine answer plain values
    expect(await callService(services, 'getPreferences', [])).toMatchObject({ theme: expect.any(String) })
  })
})

describe('services: File › Export (exportReport)', () => {
  const laptop = readFileSync(join(import.meta.dirname, '../../resources/examples/x86-laptop.yaml'), 'utf8')
  const req = (format: string, view = 'map') => ({ format, view, theme: 'dark', scale: 'log', zoom: null }) as Parameters<ReturnType<typeof createServices>['exportReport']>[3]

  it('writes every format through the atomic writer, with the scenario embedded in images and PDFs', async () => {
    const ws = await Workspace.open(join(dir, 'ws'))
    const s = createServices({ host: 'browser', workspace: ws, dataDir: null })
    const png = await s.exportReport('out/../laptop-costs.png', laptop, 'x86-laptop.yaml', req('png', 'costs'))
    expect(png.name).toBe('laptop-costs.png')
    const pngBytes = readFileSync(png.path)
    expect(pngBytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(png.bytes).toBe(pngBytes.length)
    expect(extractPngSource(pngBytes)).toEqual({ text: laptop, fileName: 'x86-laptop.yaml' })

    const zoomed = readFileSync((await s.exportReport('zoomed.svg', laptop, 'x86-laptop.yaml', { ...req('svg'), zoom: { start: 0, end: 0x100000 } })).path, 'utf8')
    expect(zoomed).toContain('zoom 0x0–0x100000')
    await expect(callService(s, 'exportReport', ['z.svg', laptop, 'x86-laptop.yaml', { ...req('svg'), zoom: { start: 5, end: 5 } }])).rejects.toThrow(/zoom is null or/)
    const svg = readFileSync((await s.exportReport('map.svg', laptop, 'x86-laptop.yaml', req('svg'))).path, 'utf8')
    expect(svg).toContain('data-view="map"')
    expect(svg).toContain('data-theme="dark"')
    expect(extractEmbeddedSource(svg)?.fileName).toBe('x86-laptop.yaml')

    const pdf = readFileSync((await s.exportReport('all.pdf', laptop, 'x86-laptop.yaml', req('pdf'))).path)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    // one page per view
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length).toBe(4)

    const json = JSON.parse(readFileSync((await s.exportReport('r.json', laptop, 'x86-laptop.yaml', req('json'))).path, 'utf8'))
    expect(json.totals.memoryTotalKiB).toBeGreaterThan(0)
    const csv = readFileSync((await s.exportReport('r.csv', laptop, 'x86-laptop.yaml', req('csv'))).path, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('table,name,start,end,nid,zone,value,unit,detail')
    const md = readFileSync((await s.exportReport('r.md', laptop, 'x86-laptop.yaml', req('md'))).path, 'utf8')
    expect(md).toMatch(/^# /)
    // exports do not join the recent scenarios
    expect(await s.recentFiles()).toEqual([])

    // an exported SVG or PNG opens as the scenario it carries
    for (const f of [png.path, join(ws.root, 'map.svg')]) {
      const opened = await s.openFile(f)
      expect(opened).toMatchObject({ path: f, name: 'x86-laptop.yaml', text: laptop, exportName: f.split('/').pop() })
    }
    // an image without one says so
    writeFileSync(join(ws.root, 'plain.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    await expect(s.openFile('plain.svg')).rejects.toThrow(/plain\.svg carries no scenario/)
    writeFileSync(join(ws.root, 'broken.png'), Buffer.from('89504e470d0a1a0a0000', 'hex'))
    await expect(s.openFile('broken.png')).rejects.toThrow(/broken\.png carries no scenario/)
  })

  it('refuses a bad scenario with its line and column, a wrong extension and paths outside the workspace', async () => {
    const s = createServices({ host: 'browser', workspace: await Workspace.open(join(dir, 'ws')), dataDir: null })
    await expect(s.exportReport('x.svg', 'kernel: "6.1"\narch: [oops\n', 'bad.yaml', req('svg'))).rejects.toThrow(/^bad\.yaml:\d+:\d+: error: /)
    await expect(callService(s, 'exportReport', ['x.png', laptop, 'x86-laptop.yaml', req('svg')])).rejects.toThrow(/a svg export is saved as \.svg/)
    await expect(callService(s, 'exportReport', ['x.svg', laptop, 'x86-laptop.yaml', { ...req('svg'), view: 'all' }])).rejects.toThrow(/view is one of/)
    await expect(callService(s, 'exportReport', ['x.svg', laptop, 'x86-laptop.yaml', { ...req('svg'), extra: 1 }])).rejects.toThrow(/unknown request field/)
    await expect(s.exportReport('../outside.svg', laptop, 'x86-laptop.yaml', req('svg'))).rejects.toThrow()
    await expect(s.chooseExportPath('a.svg', 'svg')).rejects.toThrow(/no OS file dialog/)
  })
})

describe('the contract names the views the renderers draw', () => {
  it('EXPORT_VIEWS equals VIEW_IDS', () => {
    expect([...EXPORT_VIEWS]).toEqual([...VIEW_IDS])
  })
})

describe('services: lookup (the find pfn / address box)', () => {
  it('answers on the engine worker as the engine does in-thread; the validator refuses bad calls first', async () => {
    const { lookupSource } = await import('../shared/engine/index.ts')
    const services = createServices()
    const laptop = readFileSync(join(import.meta.dirname, '../../resources/examples/x86-laptop.yaml'), 'utf8')
    const queries = ['4G', 'pfn:0x9f', 'nonsense']
    const r = await callService(services, 'lookup', [laptop, 'x86-laptop.yaml', queries])
    expect(r).toEqual(JSON.parse(JSON.stringify(lookupSource(laptop, 'x86-laptop.yaml', queries))))
    // 4 GiB = pfn 0x100000, section 0x100000 >> 15 = 32
    expect(r).toMatchObject({ ok: true, report: { results: [{ pfn: 0x100000, section: { nr: 32 } }, { pfn: 0x9f }, { query: 'nonsense', error: expect.any(String) }] } })
    await expect(callService(services, 'lookup', [laptop, 'x86-laptop.yaml'])).rejects.toThrow(/lookup takes \(source: string, fileName: string, queries: string\[\]\)/)
    await expect(callService(services, 'lookup', [laptop, 'x86-laptop.yaml', []])).rejects.toThrow(/1 to 1000 queries/)
    await expect(callService(services, 'lookup', [laptop, 'x86-laptop.yaml', [42]])).rejects.toThrow(/each query is a string/)
  })
})
