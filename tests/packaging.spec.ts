// electron-builder.yml against the built app (issue 12). electron-builder and Electron's
// binary cannot be downloaded here, so this does what packaging would do to the files
// and checks the result: the layout of resources/app.asar and app.asar.unpacked is made
// from the config's `files` and `asarUnpack` over the electron-vite build in out/, and
// the engine worker is started from the unpacked copy alone (in a folder with no
// node_modules above it), through the same asarUnpackedPath() the app uses, and asked
// for an analysis, a PNG (resvg) and a PDF (pdfkit). Also: fuses, targets, icons, file
// associations, examples where the app looks for them.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { asarUnpackedPath } from '../src/main/packaged.ts'
import { defaultExamplesDirs } from '../src/main/services.ts'

const repo = join(import.meta.dirname, '..')
const config = parse(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as {
  files: string[]
  asar: boolean
  asarUnpack: string[]
  electronFuses: Record<string, boolean>
  fileAssociations: { ext: string[]; mimeType: string }[]
  linux: { target: string[]; icon: string; desktop: { entry: Record<string, string> } }
}

/** electron-builder's globs as it reads them here: `**` any depth, `*` within a name. */
function globRe(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*')
  return new RegExp(`^${re}$`)
}
const matches = (globs: string[], file: string): boolean => {
  let yes = false
  for (const g of globs) {
    if (g.startsWith('!')) {
      if (globRe(g.slice(1)).test(file)) yes = false
    } else if (globRe(g).test(file)) yes = true
  }
  return yes
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else out.push(relative(repo, p))
  }
  return out
}

/** The production packages the app ships: the dependency closure of package.json's dependencies, as installed. */
function productionPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const seen = new Set<string>()
  const visit = (name: string, from: string): void => {
    for (let base = from; ;) {
      const dir = join(base, 'node_modules', name)
      if (existsSync(join(dir, 'package.json'))) {
        const rel = relative(repo, dir)
        if (seen.has(rel)) return
        seen.add(rel)
        const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
        for (const d of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) visit(d, dir)
        return
      }
      if (base === repo) return
      const up = base.lastIndexOf('/node_modules/')
      base = up < 0 ? repo : base.slice(0, up)
    }
  }
  for (const d of Object.keys(pkg.dependencies)) visit(d, repo)
  return [...seen].sort()
}

let layout = ''
let shipped: string[] = []
let unpacked: string[] = []

beforeAll(() => {
  if (!existsSync(join(repo, 'out/main/engine-worker.js'))) {
    const b = spawnSync(join(repo, 'node_modules/.bin/electron-vite'), ['build'], { cwd: repo, encoding: 'utf8' })
    if (b.status !== 0) throw new Error(`electron-vite build failed:\n${b.stdout}\n${b.stderr}`)
  }
  const candidates = [...walk(join(repo, 'out')), ...walk(join(repo, 'resources')), 'package.json', ...productionPackages().flatMap((d) => walk(join(repo, d)))]
  shipped = candidates.filter((f) => (f.startsWith('node_modules/') ? !config.files.filter((g) => g.startsWith('!')).some((g) => globRe(g.slice(1)).test(f)) : matches(config.files, f)))
  unpacked = shipped.filter((f) => matches(config.asarUnpack, f))
  layout = mkdtempSync(join(tmpdir(), 'mw-packaged-'))
  for (const f of shipped) {
    const to = join(layout, 'resources', unpacked.includes(f) ? 'app.asar.unpacked' : 'app.asar', f)
    mkdirSync(dirname(to), { recursive: true })
    cpSync(join(repo, f), to)
  }
}, 180_000)

afterAll(() => {
  if (layout) rmSync(layout, { recursive: true, force: true })
})

describe('electron-builder.yml', () => {
  it('flips the fuses: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS or --inspect, encrypted cookies, app only from app.asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false
    })
    expect(config.asar).toBe(true)
  })

  it('builds an AppImage and a deb with a desktop entry, icons 16-512 px, and .yaml/.yml scenarios associated', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(config.linux.desktop.entry).toMatchObject({ Name: 'memmap-workbench', MimeType: expect.stringContaining('application/yaml') })
    for (const n of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(join(repo, config.linux.icon, `${n}x${n}.png`))
      expect(png.subarray(1, 4).toString(), `${n}x${n}.png`).toBe('PNG')
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${n}x${n}.png size`).toEqual([n, n])
    }
    expect(config.fileAssociations.flatMap((a) => a.ext).sort()).toEqual(['yaml', 'yml'])
  })

  it('ships the app and its production packages, not the CLI runner (tsx, esbuild)', () => {
    for (const f of ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'resources/examples/x86-laptop.yaml']) expect(shipped, f).toContain(f)
    expect(shipped.filter((f) => /^node_modules\/(tsx|esbuild|@esbuild)\//.test(f))).toEqual([])
    expect(shipped.some((f) => f.startsWith('node_modules/pdfkit/'))).toBe(true)
  })

  it('finds the examples inside app.asar where the services look', () => {
    const app = join(layout, 'resources', 'app.asar')
    expect(defaultExamplesDirs(app)).toContain(join(app, 'resources', 'examples'))
    expect(existsSync(join(app, 'resources', 'examples', 'x86-laptop.yaml'))).toBe(true)
  })

  it('maps a path inside app.asar to app.asar.unpacked, and leaves others alone', () => {
    expect(asarUnpackedPath('/opt/memmap-workbench/resources/app.asar/out/main/engine-worker.js')).toBe('/opt/memmap-workbench/resources/app.asar.unpacked/out/main/engine-worker.js')
    expect(asarUnpackedPath('C:\\mw\\resources\\app.asar\\out\\main\\engine-worker.js')).toBe('C:\\mw\\resources\\app.asar.unpacked\\out\\main\\engine-worker.js')
    expect(asarUnpackedPath('/work/main/out/main/engine-worker.js')).toBe('/work/main/out/main/engine-worker.js')
    expect(asarUnpackedPath('/x/app.asar.unpacked/y.js')).toBe('/x/app.asar.unpacked/y.js')
  })

  it('the engine client starts the built worker through asarUnpackedPath()', () => {
    expect(readFileSync(join(repo, 'src/main/engine-client.ts'), 'utf8')).toMatch(/new Worker\(asarUnpackedPath\(built\)/)
  })

  it('runs the engine worker from app.asar.unpacked alone: an analysis, a PNG and a PDF', () => {
    const worker = asarUnpackedPath(join(layout, 'resources', 'app.asar', 'out', 'main', 'engine-worker.js'))
    expect(existsSync(worker)).toBe(true)
    const example = readFileSync(join(repo, 'resources/examples/x86-laptop.yaml'), 'utf8')
    const script = `
      import { Worker } from 'node:worker_threads'
      const w = new Worker(${JSON.stringify(worker)})
      const req = { format: 'png', view: 'map', theme: 'light', scale: 'linear', zoom: null }
      const calls = [['analyze', [process.env.EX, 'x86-laptop.yaml']], ['export', [process.env.EX, 'x86-laptop.yaml', req]], ['export', [process.env.EX, 'x86-laptop.yaml', { ...req, format: 'pdf' }]]]
      const out = []
      w.on('error', (e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); process.exit(1) })
      w.on('message', (m) => {
        const bytes = m.ok ? Buffer.from(m.bytes) : null
        out.push(m.ok ? { id: m.id, head: bytes.subarray(0, 8).toString('latin1'), size: bytes.length } : { id: m.id, error: m.error })
        if (out.length === calls.length) { console.log(JSON.stringify(out)); process.exit(0) }
      })
      calls.forEach(([method, args], id) => w.postMessage({ id, method, args }))
    `
    // run from the layout: nothing above it has a node_modules the worker could fall back on
    writeFileSync(join(layout, 'run.mjs'), script)
    const r = spawnSync(process.execPath, ['run.mjs'], { cwd: layout, encoding: 'utf8', env: { PATH: process.env.PATH, EX: example }, timeout: 60_000 })
    expect(r.stderr).toBe('')
    const last = JSON.parse(r.stdout.trim().split('\n').pop() || 'null') as { error: string } | { id: number; head?: string; size?: number; error?: string }[]
    expect(Array.isArray(last) ? null : last).toBeNull()
    const answers = (last as { id: number; head?: string; size?: number; error?: string }[]).sort((a, b) => a.id - b.id)
    expect(answers.map((a) => a.error ?? null)).toEqual([null, null, null])
    expect(answers[0].head).toMatch(/^\{"ok":tr/)
    expect(answers[1].head).toBe('\x89PNG\r\n\x1a\n')
    expect(answers[2].head).toMatch(/^%PDF-/)
    expect(statSync(worker).isFile()).toBe(true)
  })
})
