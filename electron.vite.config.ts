// electron-vite build (see /work/shared/docs/toolchain.md): main with three entries
// (the Electron main, the plain-Node browser host and the engine worker), a CommonJS preload for the
// sandbox, and the Svelte + Monaco renderer.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const monacoEsm = resolve('node_modules/monaco-editor/esm/vs')

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'browser-host': resolve('src/main/browser-host.ts'),
          // the engine on a worker thread (src/main/engine-client.ts loads it by this name)
          'engine-worker': resolve('src/main/engine-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    plugins: [svelte()],
    build: { minify: process.env.MINIFY === '1' },
    resolve: {
      // monaco-yaml's monaco-worker-manager still imports the pre-0.56 path
      // monaco-editor/esm/vs/editor/editor.worker.js, which the exports map no longer allows.
      alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}/$1` }]
    }
  }
})
