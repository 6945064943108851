#!/usr/bin/env node
// `npm start`: build with electron-vite, then run the app in Electron when a binary is
// installed, otherwise serve it to a browser with the Node browser host
// (http://127.0.0.1:${PORT:-5174}/). Never `require('electron')`: without a binary that
// starts a download that fails on machines with no network access to GitHub.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sandboxArgs } from './sandbox.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)

function findElectronBinary() {
  const override = process.env.ELECTRON_EXEC_PATH
  if (override) return existsSync(override) ? override : null
  const dir = join(root, 'node_modules', 'electron')
  const pathTxt = join(dir, 'path.txt')
  if (!existsSync(pathTxt)) return null
  const exe = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

function run(child) {
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
}

if (!process.argv.includes('--no-build')) {
  const built = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) {
    console.error('memmap-workbench: electron-vite build failed')
    process.exit(built.status ?? 1)
  }
}

const electron = findElectronBinary()
if (electron) {
  // --no-sandbox only as root (scripts/sandbox.mjs says why)
  const args = ['.', ...sandboxArgs()]
  console.log(`memmap-workbench: starting Electron (${electron})`)
  run(spawn(electron, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_RENDERER_URL: '' } }))
} else {
  const port = process.env.PORT || '5174'
  console.log('memmap-workbench: no Electron binary installed (node_modules/electron/dist); serving the app to a browser instead')
  run(spawn(process.execPath, [join(root, 'out', 'main', 'browser-host.js'), '--port', port], { cwd: root, stdio: 'inherit' }))
}
