// ESLint (flat config): typescript-eslint and eslint-plugin-svelte's recommended rules,
// and the boundaries tests/architecture.spec.ts also checks, as lint errors where they
// are written: raw IPC objects only in the Electron entry and the preload, `electron`
// nowhere else, the engine and the scenario model free of Node, Electron and the DOM's
// modules (they run in the CLI, the worker and the renderer alike), the renderer free of
// Node. File size and complexity are warnings, to be seen, not to block.
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import ts from 'typescript-eslint'

const IPC = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'raw IPC lives in src/main/index.ts and src/preload/index.ts only; use the contract in src/shared/api.ts'
}
const ELECTRON = { name: 'electron', message: 'only the Electron entry (src/main/index.ts) and the preload import electron' }

export default ts.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'fuzz-out/', 'tests/fixtures/', 'resources/schema/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'max-lines': ['warn', { max: 800, skipBlankLines: true, skipComments: true }],
      complexity: ['warn', 30],
      // logs, terminals and YAML are read and escaped byte by byte on purpose (ESC, NUL, C1)
      'no-control-regex': 'off',
      'no-restricted-imports': ['error', { paths: [ELECTRON] }]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] }, globals: { ...globals.browser } }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON], patterns: [{ group: ['node:*'], message: 'the renderer has no Node: reach the host through lib/host.ts' }] }] }
  },
  {
    files: ['src/shared/**'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'the engine is pure TypeScript: no Node modules (it runs in the renderer too)' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared depends on nothing outside src/shared' }
          ]
        }
      ]
    }
  },
  { files: ['src/main/index.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['src/preload/**'], rules: { 'no-restricted-imports': ['error', { paths: [{ ...IPC, importNames: ['ipcMain'] }] }] } },
  { files: ['src/main/**'], ignores: ['src/main/index.ts'], rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON, IPC] }] } }
)
