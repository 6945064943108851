// The workbench's state and actions: the open document (path, text, what Revert returns
// to, dirty), the host's files (open, save, save as, recent, import), preferences
// (theme, word wrap), dialogs and notifications. Every user action is a command in the
// registry (commands.ts); App.svelte only lays the pieces out.

import {
  DEFAULT_PREFERENCES,
  embeddedFileName,
  EXPORT_FILE,
  exportExtension,
  MAX_EXPORT_BYTES,
  MAX_LOG_BYTES,
  MAX_SOURCE_BYTES,
  SCENARIO_FILE,
  type Api,
  type ExampleInfo,
  type ExportFormat,
  type ExportRequest,
  type ExportView,
  type HostInfo,
  type Preferences,
  type RecentFile,
  type ThemePreference
} from '../../../shared/api.ts'
import type { Diagnostic } from '../../../shared/engine/report.ts'
import { COMMANDS, CommandRegistry, type CommandHandlers } from './commands.ts'
import { embeddedScenario } from './embedded.ts'
import { CAPTURE_TITLES, detectCapture } from '../../../shared/engine/import/index.ts'
import { LOG_FILE, openKind } from './open-kind.ts'
import { readTextFile } from './read-file.ts'
import { TOUR } from './tour.ts'
import { languageFor, type ScenarioLanguage } from './language.ts'
import { drawnView, viewCommand, viewSpec, VIEWS, type ViewCommandId, type ViewId } from './views.ts'

export { VIEWS, type ViewId }

/** What App's Editor component offers the workbench. */
export interface EditorHandle {
  load(text: string): void
  replaceAll(text: string): void
  run(id: string): void
  format(): Promise<void>
  insert(text: string): void
  focus(): void
}

export interface ConfirmButton {
  id: string
  label: string
  kind?: 'primary' | 'danger'
}

export interface PickItem {
  id: string
  label: string
  detail?: string
  keys?: string
  disabled?: boolean
}

export type Dialog =
  | { kind: 'confirm'; title: string; message: string; detail?: string; buttons: ConfirmButton[]; resolve: (id: string) => void }
  | { kind: 'path'; mode: 'open' | 'save'; dir: string; name: string; title?: string; action?: string; accept: (path: string) => Promise<string | null>; resolve: () => void }
  | { kind: 'import' }
  | { kind: 'palette' }
  | { kind: 'pick'; title: string; placeholder: string; items: PickItem[]; resolve: (id: string | null) => void }
  | { kind: 'about' }
  | { kind: 'docs' }
  | { kind: 'shortcuts' }
  | { kind: 'problem'; title: string; message: string; diagnostics: Diagnostic[] }

export interface Toast {
  id: number
  kind: 'info' | 'success' | 'error'
  message: string
  detail?: string
}

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent)

function message(e: unknown): string {
  // Electron prefixes "Error invoking remote method 'api:x': Error: "
  return (e instanceof Error ? e.message : String(e)).replace(/^Error invoking remote method '[^']+': (?:Error: )?/, '')
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} bytes`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

export class Workbench {
  // ---- host -------------------------------------------------------------------
  info = $state<HostInfo | null>(null)
  examples = $state<ExampleInfo[]>([])
  recent = $state<RecentFile[]>([])
  prefs = $state<Preferences>({ ...DEFAULT_PREFERENCES })
  osDark = $state(false)
  theme: 'light' | 'dark' = $derived(this.prefs.theme === 'system' ? (this.osDark ? 'dark' : 'light') : this.prefs.theme)
  ready = $state(false)
  failure = $state('')

  // ---- the document -------------------------------------------------------------
  /** on disk (null: never saved, e.g. an example or an import) */
  path = $state<string | null>(null)
  name = $state('untitled.yaml')
  /** YAML, or JSON for a document named .json (the editor's language service follows) */
  readonly language: ScenarioLanguage = $derived(languageFor(this.name))
  /** the editor's text */
  text = $state('')
  /** what Revert returns to: the file as last read or saved, the example, the import */
  baseline = $state('')
  /** an import starts unsaved: it exists nowhere until it is saved */
  unsaved = $state(false)
  /** the example this document started from, while it has no file */
  example = $state('')
  /**
   * the boot log this document was imported from (File › Import Boot Log, a dropped log):
   * the Boot log view compares its kernel lines with the prediction. Null for any other
   * document.
   */
  importedLog = $state.raw<{ text: string; name: string } | null>(null)
  dirty = $derived(this.unsaved || this.text !== this.baseline)
  title = $derived(`${this.unsaved || this.text !== this.baseline ? '• ' : ''}${this.name} — memmap-workbench`)

  // ---- editor and UI --------------------------------------------------------------
  canUndo = $state(false)
  canRedo = $state(false)
  cursor = $state({ line: 1, column: 1, selected: 0 })
  view = $state<ViewId>('map')
  /** the physical map's address axis (the map view's control; File › Export uses it too) */
  mapScale = $state<'linear' | 'log'>('linear')
  /** the physical map's address range (bytes, end exclusive); null: the whole machine */
  mapZoom = $state<{ start: number; end: number } | null>(null)
  dialog = $state<Dialog | null>(null)
  /** the guided tour's step (lib/tour.ts), or null when no tour runs */
  tourStep = $state<number | null>(null)
  toasts = $state<Toast[]>([])
  dragging = $state(false)
  /** View › Find pfn / Address: the lookup box takes the focus when this changes */
  lookupFocus = $state(0)
  menuOpen = $state(false)

  editor: EditorHandle | null = null
  readonly commands: CommandRegistry
  private toastId = 0
  /** the directory the in-app path dialog last showed */
  private lastDir: string | null = null

  constructor(private api: Api) {
    // a browser reserves some shortcuts (Ctrl+N): those commands use their browserKeys
    const electron = typeof navigator !== 'undefined' && /\bElectron\//.test(navigator.userAgent)
    this.commands = new CommandRegistry(mac, !electron)
    this.commands.registerAll(COMMANDS, this.handlers())
  }

  get mac(): boolean {
    return mac
  }

  get modal(): boolean {
    return this.dialog !== null
  }

  private handlers(): CommandHandlers {
    const ed = (id: string) => ({ run: () => this.editor?.run(id), enabled: () => this.editor !== null })
    return {
      'file.new': { run: () => void this.newFromExample() },
      'file.open': { run: () => this.open() },
      'file.openRecent': { run: () => this.pickRecent(), enabled: () => this.recent.length > 0 },
      'file.import': { run: () => this.showImport() },
      'file.save': { run: () => void this.save() },
      'file.saveAs': { run: () => void this.saveAs() },
      'file.revert': { run: () => this.revert(), enabled: () => this.text !== this.baseline },
      'file.exportSvg': { run: () => void this.exportAs('svg'), enabled: () => this.drawnView !== null },
      'file.exportPng': { run: () => void this.exportAs('png'), enabled: () => this.drawnView !== null },
      'file.exportPdf': { run: () => void this.exportAs('pdf') },
      'file.exportJson': { run: () => void this.exportAs('json') },
      'file.exportCsv': { run: () => void this.exportAs('csv') },
      'file.exportMd': { run: () => void this.exportAs('md') },
      'file.clearRecent': { run: () => this.clearRecent(), enabled: () => this.recent.length > 0 },
      'edit.undo': { run: () => this.editor?.run('undo'), enabled: () => this.canUndo },
      'edit.redo': { run: () => this.editor?.run('redo'), enabled: () => this.canRedo },
      'edit.cut': ed('editor.action.clipboardCutAction'),
      'edit.copy': ed('editor.action.clipboardCopyAction'),
      'edit.paste': { run: () => this.paste(), enabled: () => this.editor !== null },
      'edit.selectAll': ed('editor.action.selectAll'),
      'edit.find': ed('actions.find'),
      'edit.replace': ed('editor.action.startFindReplaceAction'),
      'edit.gotoLine': ed('editor.action.gotoLine'),
      'edit.toggleComment': ed('editor.action.commentLine'),
      'edit.formatDocument': ed('editor.action.formatDocument'),
      'edit.formatOnSave': { run: () => this.setPrefs({ formatOnSave: !this.prefs.formatOnSave }), checked: () => this.prefs.formatOnSave },
      'edit.format': { run: () => this.trimWhitespace(), enabled: () => /[ \t]+$/m.test(this.text) },
      'view.palette': { run: () => this.openDialog({ kind: 'palette' }) },
      ...this.viewHandlers(),
      'view.focusEditor': { run: () => this.editor?.focus() },
      'view.lookup': { run: () => void this.lookupFocus++ },
      'view.wordWrap': { run: () => this.setPrefs({ wordWrap: !this.prefs.wordWrap }), checked: () => this.prefs.wordWrap },
      'theme.system': { run: () => this.setTheme('system'), checked: () => this.prefs.theme === 'system' },
      'theme.light': { run: () => this.setTheme('light'), checked: () => this.prefs.theme === 'light' },
      'theme.dark': { run: () => this.setTheme('dark'), checked: () => this.prefs.theme === 'dark' },
      'theme.toggle': { run: () => this.setTheme(this.theme === 'dark' ? 'light' : 'dark') },
      'help.shortcuts': { run: () => this.openDialog({ kind: 'shortcuts' }) },
      'help.docs': { run: () => this.openDialog({ kind: 'docs' }) },
      'help.tour': { run: () => void this.startTour() },
      'help.about': { run: () => this.openDialog({ kind: 'about' }) }
    }
  }

  /** one command per view of the registry: show it */
  private viewHandlers(): Record<ViewCommandId, CommandHandlers[ViewCommandId]> {
    const out = {} as Record<ViewCommandId, CommandHandlers[ViewCommandId]>
    for (const v of VIEWS) out[viewCommand(v.id)] = { run: () => void (this.view = v.id), checked: () => this.view === v.id }
    return out
  }

  // ---- start-up -------------------------------------------------------------------

  async init(starter: string): Promise<void> {
    const api = this.api
    // a document the user opens meanwhile (a drop, Open Recent) is kept: the starter only
    // fills a window nothing was opened in yet
    const opened = this.documents
    try {
      const [info, prefs] = await Promise.all([api.hostInfo(), api.getPreferences()])
      this.info = info
      this.prefs = prefs
    } catch (e) {
      this.failure = `Could not reach the host: ${message(e)}`
    }
    void this.refreshRecent()
    try {
      this.examples = await api.listExamples()
    } catch (e) {
      this.failure = `Could not list examples: ${message(e)}`
    }
    if (this.documents === opened) {
      if (this.examples.length > 0) await this.loadExample(this.examples[0].name)
      else this.setDocument({ text: starter, name: 'untitled.yaml', path: null, unsaved: false })
    }
    this.ready = true
  }

  async refreshRecent(): Promise<void> {
    try {
      this.recent = await this.api.recentFiles()
    } catch {
      // the list is a convenience: leave it as it was
    }
  }

  // ---- the document -----------------------------------------------------------------

  /** how many documents were set so far: a read that another document overtook is dropped */
  private documents = 0

  setDocument(d: { text: string; name: string; path: string | null; unsaved: boolean; example?: string }): void {
    this.documents++
    this.text = d.text
    this.baseline = d.text
    this.name = d.name
    this.path = d.path
    this.unsaved = d.unsaved
    this.example = d.example ?? ''
    this.importedLog = null
    // a zoom into the previous layout means nothing in this one
    this.mapZoom = null
    this.editor?.load(d.text)
  }

  /** Called by the editor on every change. */
  edited(text: string): void {
    this.text = text
  }

  /**
   * Before the document is replaced: nothing to lose, or the user chose Save (and it
   * saved) or Don't Save. False when cancelled.
   */
  async guard(verb: string): Promise<boolean> {
    if (!this.dirty) return true
    const choice = await this.confirm({
      title: 'Unsaved changes',
      message: `Save the changes to ${this.name} before ${verb}?`,
      detail: this.unsaved ? 'This scenario has never been saved.' : "Your changes are lost if you don't save them.",
      buttons: [
        { id: 'save', label: this.path ? 'Save' : 'Save As…', kind: 'primary' },
        { id: 'discard', label: "Don't Save", kind: 'danger' },
        { id: 'cancel', label: 'Cancel' }
      ]
    })
    if (choice === 'save') return this.save()
    return choice === 'discard'
  }

  /** the example being read, so that asking for it again waits for that read instead of a second one */
  private exampleLoad: { name: string; done: Promise<boolean> } | null = null
  private exampleSeq = 0

  async loadExample(name: string): Promise<boolean> {
    if (this.exampleLoad?.name === name) return this.exampleLoad.done
    const seq = ++this.exampleSeq
    const opened = this.documents
    const read = async (): Promise<boolean> => {
      try {
        const text = await this.api.readExample(name)
        // a later request (another example, or any document opened meanwhile: a drop while
        // the first example is still read at start-up) wins; this answer is dropped
        if (seq !== this.exampleSeq || this.documents !== opened) return false
        this.setDocument({ text, name, path: null, unsaved: false, example: name })
        this.failure = ''
        return true
      } catch (e) {
        this.notify('error', `Could not read example ${name}`, message(e))
        return false
      } finally {
        if (this.exampleLoad === entry) this.exampleLoad = null
      }
    }
    const entry = { name, done: read() }
    this.exampleLoad = entry
    return entry.done
  }

  /** New from example: a picker, or the example named. False when nothing changed. */
  async newFromExample(name?: string): Promise<boolean> {
    let pick: string | null | undefined = name
    if (!pick) {
      pick = await this.pick({
        title: 'New from Example',
        placeholder: 'Choose an example scenario',
        items: this.examples.map((e) => ({ id: e.name, label: e.title, detail: e.name }))
      })
    }
    if (!pick) return false
    // the example open and unchanged: nothing to do (a reload landing after the next edit would undo it)
    if (pick === this.example && !this.dirty && !this.exampleLoad) return true
    if (!(await this.guard('opening an example'))) return false
    return this.loadExample(pick)
  }

  async open(): Promise<void> {
    if (!(await this.guard('opening another file'))) return
    if (this.info?.dialogs === 'native') {
      let path: string | null
      try {
        path = await this.api.chooseOpenPath()
      } catch (e) {
        this.notify('error', 'Could not show the Open dialog', message(e))
        return
      }
      if (path) {
        const err = await this.openPath(path)
        if (err) this.notify('error', 'Could not open the file', err)
      }
      return
    }
    await this.pathDialog('open', this.startDir(), '', (p) => this.openPath(p))
  }

  /** Open a file by path (already guarded). An error message, or null when it opened. */
  async openPath(path: string): Promise<string | null> {
    let file
    try {
      file = await this.api.openFile(path)
    } catch (e) {
      void this.refreshRecent()
      return message(e)
    }
    this.rememberDir(file.path)
    void this.refreshRecent()
    if (file.exportName) {
      // the scenario inside an exported image: a new document until it is saved as one
      this.setDocument({ text: file.text, name: file.name, path: null, unsaved: true })
      this.notify('info', `Opened the scenario embedded in ${file.exportName}`, `Save it to keep it as ${file.name}`)
      return null
    }
    // by content, as a drop: a `.json` capture (lsmem -J) is imported, not edited
    if (SCENARIO_FILE.test(file.name) && openKind(file.name, file.text).kind === 'scenario') {
      this.setDocument({ text: file.text, name: file.name, path: file.path, unsaved: false })
      this.notify('info', `Opened ${file.name}`)
      return null
    }
    // anything else is read as a boot log or a capture and imported as a new scenario
    const r = await this.importText(file.text, file.name, false)
    return r
  }

  async openRecent(path: string): Promise<void> {
    if (!(await this.guard('opening another file'))) return
    const err = await this.openPath(path)
    if (err) this.notify('error', 'Could not open the recent file', err)
  }

  async pickRecent(): Promise<void> {
    await this.refreshRecent()
    const id = await this.pick({
      title: 'Open Recent',
      placeholder: 'Choose a recently opened file',
      items: this.recent.map((r) => ({ id: r.path, label: r.name, detail: r.exists ? r.dir : `${r.dir} (missing)` }))
    })
    if (id) await this.openRecent(id)
  }

  async clearRecent(): Promise<void> {
    try {
      this.recent = await this.api.clearRecentFiles()
    } catch (e) {
      this.notify('error', 'Could not clear the recent files', message(e))
    }
  }

  /** Save to the document's file, or Save As when it has none. True when it saved. */
  async save(): Promise<boolean> {
    if (!this.path) return this.saveAs()
    return (await this.saveTo(this.path)) === null
  }

  async saveAs(): Promise<boolean> {
    const suggested = SCENARIO_FILE.test(this.name) ? this.name : `${this.name.replace(/\.[^.]*$/, '')}.yaml`
    if (this.info?.dialogs === 'native') {
      let path: string | null
      try {
        path = await this.api.chooseSavePath(suggested)
      } catch (e) {
        this.notify('error', 'Could not show the Save dialog', message(e))
        return false
      }
      if (!path) return false
      const err = await this.saveTo(path)
      if (err) this.notify('error', 'Could not save', err)
      return err === null
    }
    let saved = false
    await this.pathDialog('save', this.startDir(), suggested, async (p) => {
      const err = await this.saveTo(p)
      saved = err === null
      return err
    })
    return saved
  }

  /** Write the current text to `path` (formatted first when the preference says so); an error message or null. */
  async saveTo(path: string): Promise<string | null> {
    // the formatter runs in Monaco's worker over the whole text: above 1 MiB a save
    // would wait on it, so large (generated) scenarios are saved as they are
    if (this.prefs.formatOnSave && this.editor && this.text.length <= FORMAT_ON_SAVE_MAX_CHARS) {
      try {
        await this.editor.format()
      } catch (e) {
        // a formatter failure never blocks a save: the text is saved as typed
        this.notify('info', 'Saved without formatting', message(e))
      }
    }
    const text = this.text
    try {
      const saved = await this.api.saveFile(path, text)
      this.path = saved.path
      this.name = saved.name
      this.baseline = text
      this.unsaved = false
      this.example = ''
      this.rememberDir(saved.path)
      void this.refreshRecent()
      this.notify('success', `Saved ${saved.name}`, formatSize(saved.bytes))
      return null
    } catch (e) {
      const m = message(e)
      if (!this.dialog) this.notify('error', `Could not save ${path}`, m)
      return m
    }
  }

  /** The view shown when it is one the renderers draw (SVG/PNG export), else null. */
  get drawnView(): ExportView | null {
    return drawnView(this.view)
  }

  /**
   * File › Export: the main side analyses the editor's text and writes the file (PNG and
   * PDF are rendered there). SVG/PNG export the view shown; PDF every view.
   */
  async exportAs(format: ExportFormat): Promise<boolean> {
    const view = this.drawnView ?? 'map'
    const base = this.name.replace(/\.[^.]*$/, '') || 'scenario'
    const suggested = format === 'svg' || format === 'png' ? `${base}-${view}.${format}` : `${base}.${format}`
    const request: ExportRequest = { format, view, theme: this.theme, scale: this.mapScale, zoom: this.mapZoom ? { ...this.mapZoom } : null }
    const source = this.text
    const write = async (path: string): Promise<string | null> => {
      try {
        const saved = await this.api.exportReport(path, source, this.name, request)
        this.rememberDir(saved.path)
        this.notify('success', `Exported ${saved.name}`, formatSize(saved.bytes))
        return null
      } catch (e) {
        return message(e)
      }
    }
    if (this.info?.dialogs === 'native') {
      let path: string | null
      try {
        path = await this.api.chooseExportPath(suggested, format)
      } catch (e) {
        this.notify('error', 'Could not show the Export dialog', message(e))
        return false
      }
      if (!path) return false
      const err = await write(path)
      if (err) this.notify('error', 'Could not export', err)
      return err === null
    }
    let done = false
    const what = format === 'pdf' ? 'All Views as PDF' : format === 'svg' || format === 'png' ? `${viewSpec(view).title} as ${format.toUpperCase()}` : `Report as ${FORMAT_NAMES[format]}`
    await this.pathDialog(
      'save',
      this.startDir(),
      suggested,
      async (p) => {
        const err = await write(exportExtension(format).test(p) ? p : `${p}.${format}`)
        done = err === null
        return err
      },
      { title: `Export ${what}`, action: 'Export' }
    )
    return done
  }

  /** Back to the file on disk (re-read), or to the example/import. Undoable in the editor. */
  async revert(): Promise<void> {
    if (this.path) {
      try {
        const file = await this.api.openFile(this.path)
        this.baseline = file.text
        this.text = file.text
        this.editor?.replaceAll(file.text)
        this.notify('info', `Reverted ${file.name} to the file on disk`)
      } catch (e) {
        this.notify('error', `Could not revert ${this.name}`, message(e))
      }
      return
    }
    this.text = this.baseline
    this.editor?.replaceAll(this.baseline)
    this.notify('info', `Reverted ${this.name}`)
  }

  // ---- import -------------------------------------------------------------------------

  showImport(): void {
    this.openDialog({ kind: 'import' })
  }

  /**
   * A boot log or a capture (/proc/iomem, lsmem, memblock debugfs, …: the main side tells
   * them apart by content) → a new unsaved scenario. With `guard`, asks about unsaved
   * changes first. An error message (the text could not be read), or null.
   */
  async importText(text: string, fileName: string, guard = true): Promise<string | null> {
    const capture = detectCapture(text)
    const what = fileName || (capture ? `the pasted ${CAPTURE_TITLES[capture]}` : 'the pasted log')
    if (text.length > MAX_LOG_BYTES) return `${what} is ${formatSize(text.length)}; boot logs and captures up to ${formatSize(MAX_LOG_BYTES)} can be imported`
    let r
    try {
      r = await this.api.importLog(text, fileName)
    } catch (e) {
      return message(e)
    }
    if (!r.ok) {
      const first = r.diagnostics[0]
      return first ? `${first.line ? `line ${first.line}: ` : ''}${first.message}` : `${capture ? 'the capture' : 'the log'} could not be read`
    }
    if (guard && !(await this.guard(capture ? 'importing a capture' : 'importing a boot log'))) return null
    this.setDocument({ text: r.yaml, name: r.name, path: null, unsaved: true })
    if (capture) {
      // a capture has no kernel lines to compare: the layout it describes is what to see
      this.view = 'map'
      this.notify(
        'success',
        `Imported ${what}${fileName ? ` (${CAPTURE_TITLES[capture]})` : ''} as a new scenario`,
        r.warnings.length ? `Not in the capture:\n${r.warnings.join('\n')}` : 'Save it to keep it.'
      )
      return null
    }
    this.importedLog = { text, name: fileName || 'pasted.log' }
    this.view = 'bootlog'
    this.notify('success', `Imported ${what} as a new scenario`, r.warnings.length ? r.warnings.join('\n') : 'Save it to keep it.')
    return null
  }

  /**
   * A file dropped on the window, told apart by content as the CLI does (open-kind.ts): a
   * scenario opens; a capture or a boot log is imported as a new scenario; an exported
   * SVG/PNG opens the scenario it carries. Its size is checked before it is read, and its
   * bytes are decoded as the CLI decodes a file (UTF-16 with a BOM reads).
   */
  async dropFile(file: File): Promise<void> {
    const image = EXPORT_FILE.test(file.name)
    // a name that says log reads up to the import limit; any other text up to the scenario one
    const log = LOG_FILE.test(file.name)
    const limit = image ? MAX_EXPORT_BYTES : log ? MAX_LOG_BYTES : MAX_SOURCE_BYTES
    const tooLarge = (size: number): void =>
      this.notify('error', `${file.name} is too large`, `It is ${formatSize(size)}; ${image ? 'exported images' : log ? 'boot logs' : 'scenarios'} up to ${formatSize(limit)} can be opened.`)
    if (file.size > limit) return tooLarge(file.size)
    if (image) return this.dropExport(file)
    const read = await readTextFile(file, limit)
    if (!read.ok) {
      if (read.tooLarge) return tooLarge(read.size)
      this.openDialog({ kind: 'problem', title: `Could not read ${file.name}`, message: `${file.name} ${read.error}`, diagnostics: [] })
      return
    }
    const text = read.text
    const k = openKind(file.name, text)
    if (k.kind === 'scenario') {
      if (!(await this.guard('opening the dropped file'))) return
      // the browser does not reveal where the file lives: Save asks for a place; a name
      // that is no scenario file name becomes one (`notes` → `notes.yaml`)
      const name = SCENARIO_FILE.test(file.name) ? file.name : `${file.name.replace(/\.[^.]*$/, '') || 'scenario'}.yaml`
      this.setDocument({ text, name, path: null, unsaved: !SCENARIO_FILE.test(file.name) })
      this.notify('info', `Opened ${file.name}`, 'Dropped files have no location here: Save asks where to put it.')
      return
    }
    if (!(await this.guard(k.kind === 'capture' ? 'importing the dropped capture' : 'importing the dropped log'))) return
    const err = await this.importText(text, file.name, false)
    if (err) this.openDialog({ kind: 'problem', title: `Could not import ${file.name}`, message: err, diagnostics: [] })
  }

  /** An exported SVG/PNG dropped on the window: its embedded scenario becomes a new document. */
  private async dropExport(file: File): Promise<void> {
    let source: { text: string; fileName: string } | null
    try {
      source = await embeddedScenario(file, file.name)
    } catch (e) {
      this.openDialog({ kind: 'problem', title: `Could not read the scenario in ${file.name}`, message: message(e), diagnostics: [] })
      return
    }
    if (!source) {
      this.openDialog({
        kind: 'problem',
        title: `${file.name} carries no scenario`,
        message: "Only images exported by memmap-workbench (File › Export, or the CLI's export) can be opened.",
        diagnostics: []
      })
      return
    }
    if (!(await this.guard('opening the dropped image'))) return
    const name = embeddedFileName(source.fileName)
    this.setDocument({ text: source.text, name, path: null, unsaved: true })
    this.notify('info', `Opened the scenario embedded in ${file.name}`, `Save it to keep it as ${name}`)
  }

  // ---- edit -------------------------------------------------------------------------

  async paste(): Promise<void> {
    try {
      const text = await navigator.clipboard.readText()
      this.editor?.insert(text)
    } catch {
      this.notify('info', `Paste with ${this.mac ? '⌘V' : 'Ctrl+V'}`, 'The clipboard can only be read from the keyboard here.')
    }
  }

  trimWhitespace(): void {
    const next = this.text.replace(/[ \t]+$/gm, '')
    if (next !== this.text) this.editor?.replaceAll(next)
  }

  // ---- the guided tour ----------------------------------------------------------------

  /** Help › Guided Tour: over an example (the first, unless one is open unchanged). */
  async startTour(): Promise<void> {
    if (this.dialog) this.closeDialog()
    if ((!this.example || this.dirty) && this.examples.length > 0) {
      if (!(await this.guard('starting the tour'))) return
      if (!(await this.loadExample(this.examples[0].name))) return
    }
    this.tourAt(0)
  }

  /** Show step `i` of the tour, and its view. */
  tourAt(i: number): void {
    const step = TOUR[Math.max(0, Math.min(TOUR.length - 1, i))]
    this.tourStep = TOUR.indexOf(step)
    if (step.view) this.view = step.view
  }

  endTour(): void {
    this.tourStep = null
  }

  // ---- preferences ----------------------------------------------------------------------

  async setPrefs(patch: Partial<Preferences>): Promise<void> {
    this.prefs = { ...this.prefs, ...patch }
    try {
      this.prefs = await this.api.setPreferences(patch)
    } catch (e) {
      this.notify('error', 'Could not save the preference', message(e))
    }
  }

  setTheme(theme: ThemePreference): Promise<void> {
    return this.setPrefs({ theme })
  }

  // ---- dialogs and notifications ----------------------------------------------------------

  openDialog(d: Dialog): void {
    this.menuOpen = false
    this.dialog = d
  }

  closeDialog(): void {
    const d = this.dialog
    this.dialog = null
    if (d?.kind === 'confirm') d.resolve('cancel')
    else if (d?.kind === 'pick') d.resolve(null)
    else if (d?.kind === 'path') d.resolve()
    queueMicrotask(() => {
      if (!this.dialog) this.editor?.focus()
    })
  }

  confirm(d: { title: string; message: string; detail?: string; buttons: ConfirmButton[] }): Promise<string> {
    return new Promise((resolve) => {
      this.openDialog({
        kind: 'confirm',
        ...d,
        resolve: (id) => {
          this.dialog = null
          resolve(id)
        }
      })
    })
  }

  pick(d: { title: string; placeholder: string; items: PickItem[] }): Promise<string | null> {
    return new Promise((resolve) => {
      this.openDialog({
        kind: 'pick',
        ...d,
        resolve: (id) => {
          this.dialog = null
          resolve(id)
        }
      })
    })
  }

  private pathDialog(mode: 'open' | 'save', dir: string, name: string, accept: (path: string) => Promise<string | null>, labels: { title?: string; action?: string } = {}): Promise<void> {
    return new Promise((resolve) => {
      this.openDialog({
        kind: 'path',
        mode,
        dir,
        name,
        ...labels,
        accept: async (p) => {
          const err = await accept(p)
          if (err === null) {
            this.dialog = null
            resolve()
          }
          return err
        },
        resolve: () => {
          this.dialog = null
          resolve()
        }
      })
    })
  }

  private startDir(): string {
    const sep = this.info?.separator ?? '/'
    if (this.path) return this.path.slice(0, this.path.lastIndexOf(sep)) || sep
    return this.lastDir ?? this.info?.workspace ?? sep
  }

  private rememberDir(path: string): void {
    const sep = this.info?.separator ?? '/'
    this.lastDir = path.slice(0, path.lastIndexOf(sep)) || sep
  }

  notify(kind: Toast['kind'], msg: string, detail?: string): void {
    const id = ++this.toastId
    this.toasts = [...this.toasts.slice(-3), { id, kind, message: msg, detail }]
    setTimeout(() => this.dismiss(id), kind === 'error' ? 9000 : 3500)
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id)
  }
}

const FORMAT_NAMES: Record<'json' | 'csv' | 'md', string> = { json: 'JSON', csv: 'CSV', md: 'Markdown' }

/** Format on save skips documents longer than this (characters). */
export const FORMAT_ON_SAVE_MAX_CHARS = 1024 * 1024
