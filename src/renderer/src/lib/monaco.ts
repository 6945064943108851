// Monaco 0.57 (tree-shaken entry points) with YAML highlighting and monaco-yaml's
// schema validation, hover and completion for scenario files. Loaded lazily by
// Editor.svelte: it is most of the renderer's weight.
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/register.all'
import 'monaco-editor/languages/definitions/yaml/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import YamlWorker from 'monaco-yaml/yaml.worker?worker'
import { configureMonacoYaml } from 'monaco-yaml'
import type { Diagnostic } from '../../../shared/engine/report.ts'
import { scenarioJsonSchema } from '../../../shared/scenario/scenario.ts'

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'yaml' ? new YamlWorker() : new EditorWorker())
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
  format: { enable: false },
  schemas: [{ fileMatch: ['**/scenario.yaml'], uri: SCHEMA_URI, schema: scenarioJsonSchema() as never }]
})

const ENGINE_OWNER = 'memmap-engine'
const dark = window.matchMedia('(prefers-color-scheme: dark)')
const theme = (): string => (dark.matches ? 'vs-dark' : 'vs')
dark.addEventListener('change', () => monaco.editor.setTheme(theme()))

function severity(s: Diagnostic['severity']): monaco.MarkerSeverity {
  return s === 'error' ? monaco.MarkerSeverity.Error : s === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info
}

export interface ScenarioEditor {
  setValue(text: string): void
  setDiagnostics(diagnostics: Diagnostic[]): void
  reveal(line: number, column: number): void
  dispose(): void
}

export function createScenarioEditor(host: HTMLElement, text: string, onChange: (text: string) => void): ScenarioEditor {
  monaco.editor.getModel(MODEL_URI)?.dispose()
  const model = monaco.editor.createModel(text, 'yaml', MODEL_URI)
  const editor = monaco.editor.create(host, {
    model,
    theme: theme(),
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
  const sub = model.onDidChangeContent(() => onChange(model.getValue()))
  if (import.meta.env.DEV || new URLSearchParams(location.search).has('test')) window.__editor = editor

  return {
    setValue(next) {
      if (model.getValue() !== next) {
        model.setValue(next)
        editor.setScrollPosition({ scrollTop: 0 })
      }
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
    reveal(line, column) {
      editor.revealLineInCenterIfOutsideViewport(line)
      editor.setPosition({ lineNumber: line, column })
      editor.focus()
    },
    dispose() {
      sub.dispose()
      editor.dispose()
      model.dispose()
      if (window.__editor === editor) window.__editor = undefined
    }
  }
}
