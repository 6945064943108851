#!/usr/bin/env node
// Screenshots of every view for the README (docs/screenshots/), taken in Debian's
// Chromium through the browser host: `node scripts/screenshots.mjs` after `npm run build`,
// at 1280×800 (the smallest window issue 11 asks to be readable); `--size 1600x1000`
// and `--out DIR` take another set elsewhere.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { sandboxArgs } from './sandbox.mjs'

const root = join(import.meta.dirname, '..')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback
}
const [width, height] = arg('--size', '1280x800').split('x').map(Number)
const out = join(root, arg('--out', 'docs/screenshots'))
mkdirSync(out, { recursive: true })
const port = 5000 + Math.floor(Math.random() * 1000)
const host = spawn(process.execPath, [join(root, 'out/main/browser-host.js'), '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
await new Promise((resolve) => host.stdout.on('data', (d) => String(d).includes('http://') && resolve()))
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...sandboxArgs(), '--disable-gpu'] })
try {
  const shots = [
    ['x86-laptop.yaml', 'map', 'light'],
    ['arm64-uefi-server.yaml', 'nomap', 'light'],
    ['x86-4node-server.yaml', 'sections', 'dark'],
    ['x86-4node-server.yaml', 'costs', 'light'],
    ['x86-laptop.yaml', 'bootlog', 'dark'],
    ['x86-laptop.yaml', 'compare', 'light']
  ]
  for (const [example, view, theme] of shots) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: theme })
    await page.goto(`http://127.0.0.1:${port}/`)
    await page.waitForSelector('body[data-editor-ready="1"]')
    await page.getByTestId('example-picker').selectOption(example)
    await page.locator('.doc-tab', { hasText: example }).waitFor()
    await page.getByTestId(`view-tab-${view}`).click()
    if (view === 'compare') {
      await page.getByTestId('compare-kernel').fill('5.4.59')
      await page.getByTestId('compare-run').click()
      await page.getByTestId('compare-totals').waitFor()
    }
    await page.waitForTimeout(800)
    await page.screenshot({ path: join(out, `${view}.png`) })
    await page.close()
    console.log(`${join(out, `${view}.png`)} (${example}, ${theme}, ${width}×${height})`)
  }
} finally {
  await browser.close()
  host.kill()
}
