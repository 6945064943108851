// The Electron entry (src/main/index.ts) run against a stand-in for the `electron` module:
// Electron's binary cannot be downloaded here, so this checks what the entry asks of
// Electron (window preferences, IPC handlers, navigation and permission hooks, the app://
// protocol) and that its IPC handlers answer through the same validated services. The
// e2e `electron` project covers the real thing where a binary exists.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { API_METHODS, WIRE_JSON } from '../shared/api.ts'
import { fromWire } from '../preload/wire.ts'
import { pathologicalLog, recordedBoot } from '../../tests/pathological.ts'
import { callDeadlineMs } from './engine-client.ts'

type Listener = (...args: unknown[]) => unknown

/** What the entry did to the fake Electron. */
const seen = vi.hoisted(() => ({
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: { url: string }) => Promise<unknown>>(),
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  windows: [] as { options: Record<string, unknown>; loaded: string[]; contents: { listeners: Map<string, Listener> } }[],
  appListeners: new Map<string, Listener>(),
  permission: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void, details?: { requestingUrl?: string }) => void),
  permissionCheck: null as null | ((wc: unknown, permission: string, origin: string) => boolean),
  menus: [] as unknown[],
  messageBoxAnswer: 0,
  fetched: [] as string[],
  userData: ''
}))

vi.mock('electron', () => {
  class WebContents {
    listeners = new Map<string, Listener>()
    openHandler: Listener | null = null
    on(name: string, fn: Listener) {
      this.listeners.set(name, fn)
      return this
    }
    setWindowOpenHandler(fn: Listener) {
      this.openHandler = fn
    }
  }
  class BrowserWindow {
    static all: BrowserWindow[] = []
    webContents = new WebContents()
    loaded: string[] = []
    constructor(readonly options: Record<string, unknown>) {
      BrowserWindow.all.push(this)
      seen.windows.push({ options, loaded: this.loaded, contents: this.webContents })
      seen.appListeners.get('web-contents-created')?.({}, this.webContents)
    }
    once() {}
    show() {}
    loadURL(url: string) {
      this.loaded.push(url)
      return Promise.resolve()
    }
    static getAllWindows() {
      return BrowserWindow.all
    }
    static getFocusedWindow() {
      return BrowserWindow.all[0] ?? null
    }
  }
  const app = {
    whenReady: () => Promise.resolve(),
    on: (name: string, fn: Listener) => void seen.appListeners.set(name, fn),
    getPath: (name: string) => (name === 'userData' ? seen.userData : tmpdir()),
    getAppPath: () => resolve(import.meta.dirname, '../..'),
    getVersion: () => '0.0.0-test',
    quit: () => undefined
  }
  return {
    app,
    BrowserWindow,
    dialog: { showMessageBoxSync: () => seen.messageBoxAnswer, showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
    ipcMain: { handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => void seen.handlers.set(channel, fn) },
    Menu: { setApplicationMenu: (m: unknown) => void seen.menus.push(m), buildFromTemplate: (t: unknown) => t },
    nativeTheme: { themeSource: 'system' },
    net: { fetch: async (url: string) => (seen.fetched.push(url), new Response('file')) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void seen.schemes.push(...s),
      handle: (scheme: string, fn: (req: { url: string }) => Promise<unknown>) => void seen.protocolHandlers.set(scheme, fn)
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof seen.permission) => void (seen.permission = fn),
        setPermissionCheckHandler: (fn: typeof seen.permissionCheck) => void (seen.permissionCheck = fn)
      }
    }
  }
})

const trusted = { senderFrame: { url: 'app://workbench/index.html' }, sender: { id: 1 } }

beforeAll(async () => {
  seen.userData = mkdtempSync(join(tmpdir(), 'mw-electron-'))
  await import('./index.ts')
  // app.whenReady().then(...) has run once the microtasks settle
  await new Promise((r) => setTimeout(r, 0))
})

describe('Electron entry: the window', () => {
  it('is sandboxed and isolated, without Node, with the preload and the app:// page', () => {
    expect(seen.windows).toHaveLength(1)
    const prefs = seen.windows[0].options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
    expect(seen.windows[0].loaded).toEqual(['app://workbench/index.html'])
    expect(seen.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
  })

  it('navigates nowhere, opens no window or webview, and grants no permission but the clipboard to its own page', () => {
    const l = seen.windows[0].contents.listeners
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() }
      l.get(name)!(event, 'https://example.com/')
      expect(event.preventDefault, name).toHaveBeenCalled()
    }
    const contents = seen.windows[0].contents as unknown as { openHandler: Listener }
    expect(contents.openHandler({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    const answers: boolean[] = []
    const own = { requestingUrl: 'app://workbench/index.html' }
    for (const p of ['media', 'geolocation', 'notifications', 'fullscreen', 'openExternal']) seen.permission!({}, p, (ok) => answers.push(ok), own)
    seen.permission!({}, 'clipboard-read', (ok) => answers.push(ok), { requestingUrl: 'https://evil.example/' })
    seen.permission!({}, 'clipboard-read', (ok) => answers.push(ok))
    expect(answers).toEqual([false, false, false, false, false, false, false])
    seen.permission!({}, 'clipboard-read', (ok) => answers.push(ok), own)
    expect(answers.at(-1)).toBe(true)
    for (const p of ['fullscreen', 'media', 'hid', 'serial', 'usb', 'notifications']) expect(seen.permissionCheck!({}, p, 'app://workbench'), p).toBe(false)
    expect(seen.permissionCheck!({}, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false)
    expect(seen.permissionCheck!({}, 'clipboard-sanitized-write', 'app://workbench')).toBe(true)
  })

  it('asks before unsaved changes are lost, and unloads only on "Discard Changes"', () => {
    const prompt = seen.windows[0].contents.listeners.get('will-prevent-unload')!
    seen.messageBoxAnswer = 1 // Cancel
    const keep = { preventDefault: vi.fn() }
    prompt(keep)
    expect(keep.preventDefault).not.toHaveBeenCalled()
    seen.messageBoxAnswer = 0 // Discard Changes
    const leave = { preventDefault: vi.fn() }
    prompt(leave)
    expect(leave.preventDefault).toHaveBeenCalled()
  })

  it('serves only the built renderer under app://workbench/', async () => {
    const serve = seen.protocolHandlers.get('app')!
    const root = resolve(import.meta.dirname, '../renderer')
    seen.fetched.length = 0
    await serve({ url: 'app://workbench/' })
    await serve({ url: 'app://workbench/assets/index.js' })
    expect(seen.fetched).toEqual([pathToFileURL(join(root, 'index.html')).toString(), pathToFileURL(join(root, 'assets/index.js')).toString()])
    expect(((await serve({ url: 'app://workbench/%2e%2e%2f%2e%2e%2fpackage.json' })) as Response).status).toBe(403)
    expect(((await serve({ url: 'app://elsewhere/index.html' })) as Response).status).toBe(404)
    expect(((await serve({ url: 'app://workbench/%E0%A4%A' })) as Response).status).toBe(400)
    expect(seen.fetched).toHaveLength(2)
  })
})

describe('Electron entry: IPC', () => {
  it('handles exactly the contract, one channel per operation', () => {
    expect([...seen.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `api:${m}`).sort())
  })

  it('answers only our own page', async () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', undefined]) {
      await expect(seen.handlers.get('api:listExamples')!({ senderFrame: url ? { url } : undefined })).rejects.toThrow(/refused/)
    }
  })

  it('validates arguments in main before a service runs', async () => {
    await expect(seen.handlers.get('api:analyze')!(trusted, 42, 'x.yaml')).rejects.toThrow(/analyze/)
    await expect(seen.handlers.get('api:saveFile')!(trusted, '/tmp/x.exe', 'text')).rejects.toThrow(/\.yaml/)
    await expect(seen.handlers.get('api:setPreferences')!(trusted, { theme: 'neon' })).rejects.toThrow(/theme/)
  })

  it('answers through the services: examples, and an analysis as UTF-8 JSON the preload parses', async () => {
    const examples = (await seen.handlers.get('api:listExamples')!(trusted)) as { name: string }[]
    expect(examples.map((e) => e.name)).toContain('x86-laptop.yaml')
    const text = (await seen.handlers.get('api:readExample')!(trusted, 'x86-laptop.yaml')) as string
    const wire = (await seen.handlers.get('api:analyze')!(trusted, text, 'x86-laptop.yaml')) as Record<string, unknown>
    expect(Object.keys(wire)).toEqual([WIRE_JSON])
    expect(wire[WIRE_JSON]).toBeInstanceOf(Uint8Array)
    const r = fromWire<{ ok: boolean; report: { arch: string } }>(wire)
    expect(r.ok && r.report.arch).toBe('x86_64')
    // preferences persist in userData and set the native theme
    expect(await seen.handlers.get('api:setPreferences')!(trusted, { theme: 'dark' })).toMatchObject({ theme: 'dark' })
    const { nativeTheme } = (await vi.importMock('electron')) as { nativeTheme: { themeSource: string } }
    expect(nativeTheme.themeSource).toBe('dark')
  })
})

describe('Electron entry: typing supersedes', () => {
  const outcome = (p: Promise<unknown>): Promise<string> =>
    p.then(
      (wire) => (fromWire<{ ok: boolean }>(wire).ok ? 'ok' : 'not ok'),
      (e: unknown) => (e as Error).message
    )

  it("a newer analysis of the same document from the same page cancels the older one in main (an invoke cannot be aborted); other pages' and documents' calls are kept", async () => {
    const analyze = seen.handlers.get('api:analyze')!
    const t0 = Date.now()
    // a pathological log (the engine's deadline for it is 27 s), then the user types on
    const log = pathologicalLog()
    const old = outcome(analyze(trusted, log, 'doc.log'))
    const otherPage = outcome(analyze({ ...trusted, sender: { id: 2 } }, recordedBoot(), 'doc.log'))
    const otherDocument = outcome(analyze(trusted, recordedBoot(), 'other.log'))
    const newer = outcome(analyze(trusted, recordedBoot(), 'doc.log'))
    expect(await old).toMatch(/analyze: superseded by a newer call/)
    expect(await newer).toBe('ok')
    expect(await otherPage).toBe('ok')
    expect(await otherDocument).toBe('ok')
    // well before the deadline the pathological log's call ran to (27 s)
    expect(Date.now() - t0).toBeLessThan(callDeadlineMs(log.length) / 2)
  })
})
