// Monaco 0.57 (tree-shaken entry points) with YAML highlighting and monaco-yaml's
// schema validation, hover and completion for scenario files, and Monaco's JSON language
// service with the same schema for scenarios kept as JSON. Loaded lazily by
// Editor.svelte: it is most of the renderer's weight.
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/register.all'
import 'monaco-editor/languages/definitions/yaml/register'
import { jsonDefaults } from 'monaco-editor/languages/features/json/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import JsonWorker from 'monaco-editor/language/json/json.worker?worker'
import YamlWorker from 'monaco-yaml/yaml.worker?worker'
import { configureMonacoYaml } from 'monaco-yaml'
import type { Diagnostic } from '../../../shared/engine/report.ts'
import type { ScenarioLanguage } from './language.ts'
import { scenarioJsonSchema } from '../../../shared/scenario/scenario.ts'

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'yaml' ? new YamlWorker() : label === 'json' ? new JsonWorker() : new EditorWorker())
}

// monaco-yaml 5.5.1 calls createWebWorker({ moduleId, label, createData }), the form
// monaco removed in 0.55; newer monaco wants { worker }. Wrap the old form the way
// monaco's own JSON mode does: start the worker, post 'ignore', then the create data.
type LegacyWorkerOptions = { moduleId?: string; label?: string; createData?: unknown; worker?: unknown }
const createWebWorker = monaco.editor.createWebWorker
const monacoForYaml = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker(opts: LegacyWorkerOptions) {
      if (opts.worker) return createWebWorker(opts as never)
      const worker = Promise.resolve(self.MonacoEnvironment!.getWorker!(opts.moduleId ?? '', opts.label ?? 'yaml')).then((w) => {
        w.postMessage('ignore')
        w.postMessage(opts.createData)
        return w
      })
      return createWebWorker({ ...opts, worker } as never)
    }
  }
}

// The model lives where the repository keeps its examples, so that the examples'
// modeline `# yaml-language-server: $schema=../schema/scenario.schema.json` resolves to
// the schema registered below (inline: no schema request ever leaves the page).
const MODEL_URI = monaco.Uri.parse('file:///resources/examples/scenario.yaml')
const SCHEMA_URI = 'file:///resources/schema/scenario.schema.json'

configureMonacoYaml(monacoForYaml as never, {
  enableSchemaRequest: false,
  hover: true,
  completion: true,
  validate: true,
  // Edit › Format Document and format on save; 120 columns keep the one-line
  // `{ start: …, end: …, type: … }` ranges of the examples as they are
  format: { enable: true, printWidth: 120, bracketSpacing: true },
  schemas: [{ fileMatch: ['**/scenario.yaml'], uri: SCHEMA_URI, schema: scenarioJsonSchema() as never }]
})

// a scenario in JSON: the model switches language (ScenarioEditor.setLanguage), keeping its URI
jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  enableSchemaRequest: false,
  schemaValidation: 'error',
  schemas: [{ fileMatch: ['**/scenario.yaml'], uri: SCHEMA_URI, schema: scenarioJsonSchema() as never }]
})

const ENGINE_OWNER = 'memmap-engine'

/** The app's theme (light/dark, resolved from the preference and the OS) → Monaco's. */
export function setEditorTheme(theme: 'light' | 'dark'): void {
  monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs')
}

function severity(s: Diagnostic['severity']): monaco.MarkerSeverity {
  return s === 'error' ? monaco.MarkerSeverity.Error : s === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info
}

export interface EditorEvents {
  onChange(text: string): void
  onCursor(line: number, column: number, selected: number): void
  /** after every edit, undo or redo: what Undo/Redo can do now */
  onHistory(canUndo: boolean, canRedo: boolean): void
}

export interface EditorOptions {
  theme: 'light' | 'dark'
  wordWrap: boolean
}

export interface ScenarioEditor {
  /** A new document: replaces the text and starts a fresh undo history. */
  load(text: string): void
  /** YAML or JSON highlighting, validation, hover and completion (the text stays as it is). */
  setLanguage(language: ScenarioLanguage): void
  /** Replace the whole text as one undoable edit (Revert can be undone). */
  replaceAll(text: string): void
  /** Run a Monaco action or command (`undo`, `actions.find`, …) in the editor. */
  run(id: string): void
  /** Insert text at the selection (Paste from the menu). */
  insert(text: string): void
  setDiagnostics(diagnostics: Diagnostic[]): void
  setWordWrap(on: boolean): void
  /** Format the document (one undoable edit); resolves when the edit is applied. */
  format(): Promise<void>
  reveal(line: number, column: number): void
  /**
   * Select whole lines (each span from its first character to its end), the first span
   * the primary selection, revealed in the middle of the editor; the focus stays where it is.
   */
  selectLines(spans: readonly { startLine: number; endLine: number }[]): void
  focus(): void
  hasFocus(): boolean
  dispose(): void
}

export function createScenarioEditor(host: HTMLElement, text: string, options: EditorOptions, events: EditorEvents): ScenarioEditor {
  monaco.editor.getModel(MODEL_URI)?.dispose()
  const model = monaco.editor.createModel(text, 'yaml', MODEL_URI)
  setEditorTheme(options.theme)
  const editor = monaco.editor.create(host, {
    model,
    theme: options.theme === 'dark' ? 'vs-dark' : 'vs',
    wordWrap: options.wordWrap ? 'on' : 'off',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    tabSize: 2,
    insertSpaces: true,
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
    renderLineHighlight: 'line',
    'semanticHighlighting.enabled': false
  })
  const history = (): void => events.onHistory(model.canUndo(), model.canRedo())
  const subs = [
    model.onDidChangeContent(() => {
      events.onChange(model.getValue())
      history()
    }),
    editor.onDidChangeCursorSelection((e) => {
      const sel = e.selection
      events.onCursor(sel.positionLineNumber, sel.positionColumn, model.getValueLengthInRange(sel))
    })
  ]
  if (import.meta.env.DEV || new URLSearchParams(location.search).has('test')) window.__editor = editor

  return {
    load(next) {
      model.setValue(next) // a new document: fresh undo history, even for the same text
      editor.setScrollPosition({ scrollTop: 0 })
      editor.setPosition({ lineNumber: 1, column: 1 })
      history()
    },
    replaceAll(next) {
      if (model.getValue() === next) return
      model.pushStackElement()
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: next }], () => null)
      model.pushStackElement()
    },
    run(id) {
      editor.focus()
      const action = editor.getAction(id)
      if (action) void action.run()
      else editor.trigger('workbench', id, null)
    },
    insert(text) {
      editor.focus()
      editor.trigger('workbench', 'type', { text })
    },
    async format() {
      await editor.getAction('editor.action.formatDocument')?.run()
    },
    setLanguage(language) {
      if (model.getLanguageId() !== language) monaco.editor.setModelLanguage(model, language)
    },
    setWordWrap(on) {
      editor.updateOptions({ wordWrap: on ? 'on' : 'off' })
    },
    focus() {
      editor.focus()
    },
    hasFocus() {
      return editor.hasTextFocus()
    },
    setDiagnostics(diagnostics) {
      const lines = model.getLineCount()
      monaco.editor.setModelMarkers(
        model,
        ENGINE_OWNER,
        diagnostics.map((d) => {
          const line = Math.min(Math.max(d.line ?? 1, 1), lines)
          const col = Math.max(d.column ?? 1, 1)
          const end = model.getLineMaxColumn(line)
          return {
            severity: severity(d.severity),
            message: d.message,
            source: 'memmap-workbench',
            startLineNumber: line,
            startColumn: Math.min(col, end),
            endLineNumber: line,
            endColumn: col < end ? end : end + 1
          }
        })
      )
    },
    selectLines(spans) {
      const lines = model.getLineCount()
      const sel = spans.map((s) => {
        const a = Math.min(Math.max(s.startLine, 1), lines)
        const b = Math.min(Math.max(s.endLine, a), lines)
        // anchored at the end, the cursor at the entry's start (so the views mark that entry)
        return new monaco.Selection(b, model.getLineMaxColumn(b), a, model.getLineFirstNonWhitespaceColumn(a) || 1)
      })
      if (!sel.length) return
      editor.setSelections(sel)
      editor.revealRangeInCenterIfOutsideViewport(sel[0])
    },
    reveal(line, column) {
      editor.revealLineInCenterIfOutsideViewport(line)
      editor.setPosition({ lineNumber: line, column })
      editor.focus()
    },
    dispose() {
      for (const s of subs) s.dispose()
      editor.dispose()
      model.dispose()
      if (window.__editor === editor) window.__editor = undefined
    }
  }
}
