// e2e: the `browser` project drives the built renderer in Debian Chromium through the
// Node browser host; the `electron` project runs the same spec in Electron and skips
// itself when no Electron binary is installed (see e2e/fixtures.ts).
import { defineConfig } from '@playwright/test'
import { existsSync } from 'node:fs'
import type { Target } from './e2e/fixtures.ts'
import { sandboxArgs } from './scripts/sandbox.mjs'

const port = Number(process.env.E2E_PORT ?? 5183)
const host = `node out/main/browser-host.js --port ${port}`
// Build first when there is no build yet (npm test builds before it runs this).
const command = existsSync('out/main/browser-host.js') && existsSync('out/renderer/index.html') ? host : `npx electron-vite build && ${host}`

export default defineConfig<{ target: Target }>({
  testDir: 'e2e',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // --no-sandbox only as root (scripts/sandbox.mjs says why)
      args: [...sandboxArgs(), '--disable-gpu', '--no-first-run', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    }
  },
  projects: [
    { name: 'browser', use: { target: 'browser', browserName: 'chromium' } },
    { name: 'electron', use: { target: 'electron' } }
  ],
  webServer: {
    command,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe'
  }
})
