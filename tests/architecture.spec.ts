// Boundaries the codebase promises (DEVELOPERS brief): the engine is pure TypeScript,
// only the Electron entry and the preload touch Electron, raw IPC objects never leave
// them, and the preload exposes exactly the contract's operations.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { API_METHODS } from '../src/shared/api.ts'

const root = join(import.meta.dirname, '..')
function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f)
    return statSync(join(root, p)).isDirectory() ? files(p) : /\.(ts|svelte|mjs)$/.test(f) ? [p] : []
  })
}
const source = (f: string): string => readFileSync(join(root, f), 'utf8')
/** The source without comments, so prose about ipcMain or require('electron') does not count. */
const code = (f: string): string =>
  source(f)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
const all = [...files('src'), ...files('scripts'), ...files('bin'), ...files('e2e')]

describe('architecture', () => {
  it('the engine and the scenario model import no Node, Electron or DOM modules', () => {
    for (const f of files('src/shared').filter((x) => !x.endsWith('.spec.ts'))) {
      const imports = [...source(f).matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
      for (const i of imports) expect(i.startsWith('.') || i === 'yaml', `${f} imports ${i}`).toBe(true)
    }
  })
  it("only the Electron entry and the preload import 'electron'", () => {
    const users = all.filter((f) => /from 'electron'|require\(['"]electron['"]\)/.test(code(f)))
    expect(users.sort()).toEqual(['src/main/index.ts', 'src/preload/index.ts'])
  })
  it('ipcMain lives in the main entry and ipcRenderer in the preload only', () => {
    const main = all.filter((f) => /\bipcMain\b/.test(code(f)) && !f.endsWith('.spec.ts'))
    const renderer = all.filter((f) => /\bipcRenderer\b/.test(code(f)) && !f.endsWith('.spec.ts'))
    expect(main).toEqual(['src/main/index.ts'])
    expect(renderer).toEqual(['src/preload/index.ts'])
  })
  it('the preload exposes one function per contract operation and nothing generic', () => {
    const preload = source('src/preload/index.ts')
    for (const m of API_METHODS) expect(preload).toContain(`ipcRenderer.invoke('api:${m}'`)
    expect([...preload.matchAll(/ipcRenderer\.invoke\(/g)].length).toBe(API_METHODS.length)
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/)
  })
  it('the renderer reaches the host through lib/host.ts only: no other file uses window.api', () => {
    const users = files('src/renderer').filter((f) => !f.endsWith('.spec.ts') && /\bwindow\s*(\.\s*api\b|\[\s*['"`]api['"`]\s*\])|\bglobalThis\s*\.\s*api\b/.test(code(f)))
    expect(users).toEqual(['src/renderer/src/lib/host.ts'])
  })
  it('App.svelte lays the workbench out and holds no analysis state of its own', () => {
    const app = code('src/renderer/src/App.svelte')
    expect(app).not.toMatch(/LatestRunner|tidyProblems|\$state\.raw/)
    expect(app.split('\n').length).toBeLessThan(250)
  })
  it('the views are listed once: tabs, commands and menus read lib/views.ts', () => {
    const listing = files('src/renderer').filter((f) => !f.endsWith('.spec.ts') && f !== 'src/renderer/src/lib/views.ts' && /'view\.(map|sections|nomap|costs|bootlog|compare)'/.test(code(f)))
    expect(listing).toEqual([])
  })
  it('the renderer window is sandboxed and isolated', () => {
    const main = source('src/main/index.ts')
    expect(main).toMatch(/contextIsolation: true/)
    expect(main).toMatch(/sandbox: true/)
    expect(main).toMatch(/nodeIntegration: false/)
    const html = source('src/renderer/index.html').replace(/\s+/g, ' ')
    expect(html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self';/)
  })
  it('version comparisons live only in the version, profile and facts modules', () => {
    const allowed = ['src/shared/engine/version.ts', 'src/shared/engine/profiles.ts', 'src/shared/engine/facts.ts']
    const comparing = files('src').filter(
      (f) => !f.endsWith('.spec.ts') && !allowed.includes(f) && /\b(atLeast|cmpVersion|compareVersions|versionKey)\s*\(|\.(major|minor|patch)\s*[<>=]=?|'\d+\.\d+(\.\d+)?-rc\d+'/.test(code(f))
    )
    expect(comparing).toEqual([])
  })
  it('no source points to a spec document outside the repository', () => {
    const pointing = [...all, ...files('resources/examples'), ...files('tests')].filter((f) => /kernel-(memmap|holes)-spec/.test(source(f)) && f !== 'tests/architecture.spec.ts')
    expect(pointing).toEqual([])
  })
  it('every spec sits beside an engine module', () => {
    const engine = files('src/shared/engine').filter((f) => !f.endsWith('.spec.ts'))
    const specs = files('src/shared/engine').filter((f) => f.endsWith('.spec.ts'))
    for (const s of specs) expect(engine, relative('src', s)).toContain(s.replace('.spec.ts', '.ts'))
  })
})
