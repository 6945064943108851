// One spec, two targets: the `browser` project runs the built renderer in Debian
// Chromium against the Node browser host; the `electron` project launches the app when
// an Electron binary exists and is skipped (not failed) when it does not.
//
// `workbench` is a page served by a browser host of its own, started for the test with
// a fresh temp workspace (--workspace) and data dir (--data-dir): file workflows write
// there and nowhere else, and every test starts with no recent files or preferences.
import { test as base, expect, _electron, type Page } from '@playwright/test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startHostProcess } from '../scripts/host-process.ts'
import { sandboxArgs } from '../scripts/sandbox.mjs'

export type Target = 'electron' | 'browser'

/** The Electron executable, found without `require('electron')` (that would start a download). */
export function findElectronBinary(): string | null {
  const override = process.env.ELECTRON_EXEC_PATH
  if (override) return existsSync(override) ? override : null
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathTxt = join(dir, 'path.txt')
    if (!existsSync(pathTxt)) return null
    const exe = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
    return existsSync(exe) ? exe : null
  } catch {
    return null
  }
}

export interface WorkspaceHost {
  url: string
  /** canonical path of the temp workspace */
  workspace: string
  dataDir: string
}

export const test = base.extend<{ target: Target; appPage: Page; workspaceHost: WorkspaceHost; workbench: Page }>({
  target: ['browser', { option: true }],
  appPage: async ({ target, page }, use, testInfo) => {
    if (target === 'browser') {
      // `?test` makes the renderer expose window.__editor.
      await page.goto('/?test')
      await use(page)
      return
    }
    const exe = findElectronBinary()
    testInfo.skip(!exe, 'no Electron binary (node_modules/electron/dist missing); the browser project covers the renderer')
    // --no-sandbox only as root (scripts/sandbox.mjs says why)
    const args = ['.', ...sandboxArgs()]
    // Always pass executablePath: without it Playwright requires electron/index.js, which downloads.
    const app = await _electron.launch({
      executablePath: exe!,
      args,
      env: { ...process.env, ELECTRON_RENDERER_URL: '', MEMMAP_WORKBENCH_TEST: '1' } as Record<string, string>
    })
    try {
      await use(await app.firstWindow())
    } finally {
      await app.close()
    }
  },
  workspaceHost: async ({ target }, use, testInfo) => {
    testInfo.skip(target !== 'browser', 'Electron opens and saves through the OS dialogs; the browser host covers the file workflow')
    const root = mkdtempSync(join(tmpdir(), 'mw-e2e-'))
    const workspace = join(root, 'workspace')
    const dataDir = join(root, 'data')
    mkdirSync(workspace)
    const { url, child } = await startHostProcess({ workspace, dataDir })
    try {
      await use({ url, workspace: realpathSync(workspace), dataDir })
    } finally {
      child.kill('SIGTERM')
      rmSync(root, { recursive: true, force: true })
    }
  },
  workbench: async ({ page, workspaceHost }, use) => {
    await page.goto(workspaceHost.url + '?test')
    await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
    await use(page)
  }
})

export { expect }
