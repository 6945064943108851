// Electron main process. The renderer is sandboxed and isolated; it reaches the engine
// only through the preload's `window.api`, whose calls arrive here as `api:<method>`
// and are validated with API_ARGUMENTS (in callService) before a service runs.
//
// The built renderer is served from a privileged `app://workbench/` scheme rather than
// file://, so that module scripts, Monaco's workers and CSP 'self' behave as on http.

import { app, BrowserWindow, ipcMain, net, protocol, session, type WebContents } from 'electron'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { API_METHODS } from '../shared/api.ts'
import { callService, createServices, defaultExamplesDirs } from './services.ts'

const here = dirname(fileURLToPath(import.meta.url))
const rendererRoot = resolve(here, '..', 'renderer')
const SCHEME = 'app'
const APP_ORIGIN = `${SCHEME}://workbench`
const devUrl = process.env.ELECTRON_RENDERER_URL || ''

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])

function serveRenderer(): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'workbench') return new Response('not found', { status: 404 })
    let rel: string
    try {
      rel = decodeURIComponent(url.pathname)
    } catch {
      return new Response('bad path', { status: 400 })
    }
    const file = resolve(rendererRoot, '.' + (rel === '/' ? '/index.html' : rel))
    if (!file.startsWith(rendererRoot + sep)) return new Response('forbidden', { status: 403 })
    return net.fetch(pathToFileURL(file).toString())
  })
}

/** Only our own pages may call the API. */
function trustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false
  if (frameUrl.startsWith(APP_ORIGIN + '/')) return true
  try {
    return devUrl !== '' && new URL(frameUrl).origin === new URL(devUrl).origin
  } catch {
    return false
  }
}

function registerIpc(): void {
  const services = createServices({ examplesDirs: defaultExamplesDirs(app.getAppPath()) })
  for (const method of API_METHODS) {
    ipcMain.handle(`api:${method}`, (event, ...args: unknown[]) => {
      if (!trustedSender(event.senderFrame?.url)) throw new Error(`api:${method}: refused for ${event.senderFrame?.url ?? 'an unknown frame'}`)
      return callService(services, method, args)
    })
  }
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'memmap-workbench',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  win.once('ready-to-show', () => win.show())
  // e2e runs set this so the renderer exposes its test hooks (`?test`), as in the browser.
  const query = process.env.MEMMAP_WORKBENCH_TEST === '1' ? '?test' : ''
  if (devUrl) void win.loadURL(devUrl + query)
  else void win.loadURL(`${APP_ORIGIN}/index.html${query}`)
  return win
}

app.on('web-contents-created', (_event, contents) => harden(contents))

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  serveRenderer()
  registerIpc()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
