// Electron main process. The renderer is sandboxed and isolated; it reaches the engine
// only through the preload's `window.api`, whose calls arrive here as `api:<method>`
// and are validated with API_ARGUMENTS (in callService) before a service runs.
//
// The built renderer is served from a privileged `app://workbench/` scheme rather than
// file://, so that module scripts, Monaco's workers and CSP 'self' behave as on http.
//
// Files: Open and Save As use the OS dialogs (the one thing that differs from the
// browser host); services only read or write a path that a dialog returned or that is on
// the recent-files list kept in app.getPath('userData').

import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, net, protocol, session, type WebContents } from 'electron'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { API_METHODS, WIRE_JSON, type ExportFormat, type Preferences } from '../shared/api.ts'
import { callService, createServices, defaultExamplesDirs, JsonText, supersedeKey, type NativeDialogs } from './services.ts'
import { sweepStaleSaves } from './recent.ts'

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

const CLIPBOARD: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write'])

const SCENARIO_FILTERS = [
  { name: 'Scenarios', extensions: ['yaml', 'yml', 'json'] },
  { name: 'Boot logs', extensions: ['log', 'txt', 'dmesg'] },
  { name: 'Exported views (scenario inside)', extensions: ['svg', 'png'] },
  { name: 'All files', extensions: ['*'] }
]

const dialogs: NativeDialogs = {
  async chooseOpenPath() {
    const win = BrowserWindow.getFocusedWindow()
    const options: Electron.OpenDialogOptions = { title: 'Open Scenario or Boot Log', properties: ['openFile'], filters: SCENARIO_FILTERS }
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
  },
  async chooseSavePath(suggestedName) {
    const win = BrowserWindow.getFocusedWindow()
    const options: Electron.SaveDialogOptions = {
      title: 'Save Scenario As',
      defaultPath: join(app.getPath('documents'), suggestedName),
      filters: [SCENARIO_FILTERS[0]],
      properties: ['showOverwriteConfirmation', 'createDirectory']
    }
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
    return r.canceled || !r.filePath ? null : r.filePath
  },
  async chooseExportPath(suggestedName, format) {
    const win = BrowserWindow.getFocusedWindow()
    const options: Electron.SaveDialogOptions = {
      title: `Export ${EXPORT_FILTER_NAMES[format]}`,
      defaultPath: join(app.getPath('documents'), suggestedName),
      filters: [{ name: EXPORT_FILTER_NAMES[format], extensions: [format] }],
      properties: ['showOverwriteConfirmation', 'createDirectory']
    }
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
    return r.canceled || !r.filePath ? null : r.filePath
  }
}

const EXPORT_FILTER_NAMES: Record<ExportFormat, string> = {
  svg: 'SVG image',
  png: 'PNG image',
  pdf: 'PDF report',
  json: 'JSON report',
  csv: 'CSV tables',
  md: 'Markdown report'
}

function followTheme(prefs: Preferences): void {
  nativeTheme.themeSource = prefs.theme
}

function registerIpc(): void {
  const services = createServices({
    examplesDirs: defaultExamplesDirs(app.getAppPath()),
    host: 'electron',
    dialogs,
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    onPreferences: followTheme,
    warmEngine: true
  })
  void services.getPreferences().then(followTheme, () => undefined)
  // temp files of saves killed mid-write, from the data directory and the recent files' directories
  void sweepStaleSaves(app.getPath('userData'))
  for (const method of API_METHODS) {
    ipcMain.handle(`api:${method}`, async (event, ...args: unknown[]) => {
      if (!trustedSender(event.senderFrame?.url)) throw new Error(`api:${method}: refused for ${event.senderFrame?.url ?? 'an unknown frame'}`)
      // typing sends an analysis per edit and an invoke cannot be aborted from the renderer:
      // a newer call of the same document from the same page cancels the older one here
      const key = supersedeKey(method, args)
      const result = await callService(services, method, args, key === null ? {} : { supersede: `${event.sender.id}:${key}` })
      // an engine answer stays UTF-8 JSON; the preload decodes and parses it (fromWire)
      return result instanceof JsonText ? { [WIRE_JSON]: result.bytes } : result
    })
  }
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  // every frame, subframes included (will-navigate is the main frame's only; Electron ≥ 25)
  contents.on('will-frame-navigate', (event) => event.preventDefault())
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
  // The renderer asks before unsaved changes are lost (beforeunload); Electron shows no
  // prompt of its own for that, so ask here and unload only on "Discard".
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Discard Changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The scenario has unsaved changes.',
      detail: 'Close the window and discard them?'
    })
    if (choice === 0) event.preventDefault()
  })
  // e2e runs set this so the renderer exposes its test hooks (`?test`), as in the browser.
  const query = process.env.MEMMAP_WORKBENCH_TEST === '1' ? '?test' : ''
  if (devUrl) void win.loadURL(devUrl + query)
  else void win.loadURL(`${APP_ORIGIN}/index.html${query}`)
  return win
}

app.on('web-contents-created', (_event, contents) => harden(contents))

/**
 * The menus live in the renderer (File, Edit, View, Help: one command registry for
 * menus, palette and shortcuts). macOS needs an application menu for its standard
 * shortcuts (copy/paste, quit), so it gets a minimal one; elsewhere there is none.
 */
function applicationMenu(): void {
  if (process.platform !== 'darwin') {
    Menu.setApplicationMenu(null)
    return
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]))
}

app.whenReady().then(() => {
  // Only the clipboard, and only for our own page (Edit › Paste reads it, the views' Copy
  // writes it); every other request (camera, notifications, …) is refused, and the
  // synchronous checks answer false for anything else.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => callback(CLIPBOARD.has(permission) && trustedSender(details?.requestingUrl)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => CLIPBOARD.has(permission) && trustedSender(origin ? `${origin}/` : undefined))
  applicationMenu()
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
