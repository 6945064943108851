// A file dropped on the window is told apart by content, as the CLI tells its input: a
// `.json` scenario opens in the editor; a `.json` lsmem capture (lsmem -J) is imported as
// a new scenario; a UTF-16 file with a byte-order mark (as Windows editors and PowerShell
// write it) reads as its text, not as mojibake; UTF-16 without a mark is named.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { expect, test } from './fixtures.ts'
import { dropFile, editorText, holdExampleRead, menu } from './helpers.ts'

const TITLE = ' — memmap-workbench'
const root = join(import.meta.dirname, '..')
const LAPTOP = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
// lsmem -J of a QEMU x86_64 guest (Linux 7.3): blocks 0-11 (0-0x5fffffff) and 32-39 (4-5 GiB)
const LSMEM_JSON = readFileSync(join(root, 'tests/fixtures/captures/7.3/x86_64-2/lsmem.json'))

function utf16le(text: string, bom = true): Buffer {
  const body = Buffer.from(text, 'utf16le')
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body
}

test('a dropped .json scenario opens as a scenario, in JSON mode', async ({ workbench: page }) => {
  const json = JSON.stringify(parse(LAPTOP), null, 2)
  await dropFile(page, 'laptop.json', json)
  await expect(page).toHaveTitle('laptop.json' + TITLE)
  await expect(page.getByTestId('language')).toHaveText('JSON')
  // the editor takes the dropped document once it is read: poll, as the title and language above are
  await expect.poll(() => editorText(page)).toBe(json)
  await expect(page.getByTestId('status')).toHaveText('up to date')
  // the laptop's e820 usable ranges less the first page: 4,095,760 pages
  await expect(page.getByTestId('present-pages')).toHaveText('4,095,760')
})

// At start-up the first example is read from the host; a file dropped before that answer
// comes stays open: the late example does not replace it (the answer is held here until
// the drop has been opened, then let through and given time to land).
test('a file dropped while the start-up example is still being read stays open', async ({ page, workspaceHost }) => {
  const release = await holdExampleRead(page)
  await page.goto(workspaceHost.url + '?test')
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
  const json = JSON.stringify(parse(LAPTOP), null, 2)
  await dropFile(page, 'laptop.json', json)
  await expect(page).toHaveTitle('laptop.json' + TITLE)
  await expect.poll(() => editorText(page)).toBe(json)
  const answered = page.waitForResponse('**/__api/readExample')
  release()
  await answered
  // the renderer reads the answer's body and applies it within a few tasks
  await page.waitForTimeout(500)
  await expect(page).toHaveTitle('laptop.json' + TITLE)
  expect(await editorText(page)).toBe(json)
  await expect(page.getByTestId('present-pages')).toHaveText('4,095,760')
})

test('a dropped .json lsmem capture is imported as a new scenario, not opened as one', async ({ workbench: page }) => {
  await dropFile(page, 'lsmem.json', LSMEM_JSON)
  await expect(page).toHaveTitle('• lsmem.yaml' + TITLE)
  await expect(page.getByTestId('language')).toHaveText('YAML')
  const text = await editorText(page)
  expect(text).toContain('Imported from lsmem.json (lsmem)')
  expect(text).not.toContain('"memory"')
  await expect(page.getByTestId('toast').filter({ hasText: 'Imported lsmem.json (lsmem) as a new scenario' })).toBeVisible()
  // the capture's layout, not a boot log: the map is shown
  await expect(page.getByTestId('view-tab-map')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  // 1.5 GiB + 1 GiB of blocks, x86_64 assumed: page 0 and the legacy hole 0xa0000-0xfffff
  // (96 pages) are not RAM: 393,216 − 1 − 96 + 262,144 = 655,263 pages; 12 + 8 sections of 128 MiB
  await expect(page.getByTestId('present-pages')).toHaveText('655,263')
  await expect(page.getByTestId('present-sections')).toHaveText('20')
})

test('a dropped UTF-16 LE file with a BOM reads as its text; without a BOM it is named', async ({ workbench: page }) => {
  await dropFile(page, 'laptop-utf16.yaml', utf16le(LAPTOP))
  await expect(page).toHaveTitle('laptop-utf16.yaml' + TITLE)
  await expect.poll(() => editorText(page)).toBe(LAPTOP)
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.getByTestId('present-pages')).toHaveText('4,095,760')

  // a UTF-16 capture goes through the import path too
  await dropFile(page, 'lsmem-utf16.json', utf16le(LSMEM_JSON.toString('utf8')))
  await expect(page).toHaveTitle('• lsmem-utf16.yaml' + TITLE)
  await expect(page.getByTestId('present-pages')).toHaveText('655,263')

  // without a mark the bytes are not guessed at: the problem says why
  await dropFile(page, 'plain-utf16.yaml', utf16le(LAPTOP, false))
  const problem = page.getByTestId('problem-dialog')
  await expect(problem).toBeVisible()
  await expect(problem).toContainText('Could not read plain-utf16.yaml')
  await expect(problem).toContainText('UTF-16 without a byte-order mark (little-endian)')
})

test('Import: a chosen UTF-16 LE lsmem.json and a pasted /proc/iomem become scenarios of their layouts', async ({ workbench: page }) => {
  const dialog = page.getByTestId('import-dialog')
  await page.keyboard.press('ControlOrMeta+Alt+i')
  await expect(dialog).toBeVisible()
  // Choose File: the bytes decoded (UTF-16 with a BOM), the capture told apart by content
  await dialog.locator('input[type=file]').setInputFiles({ name: 'lsmem.json', mimeType: 'application/json', buffer: utf16le(LSMEM_JSON.toString('utf8')) })
  await expect(page.getByTestId('import-held')).toContainText('lsmem.json')
  await page.getByTestId('import-accept').click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveTitle('• lsmem.yaml' + TITLE)
  await expect(page.getByTestId('view-tab-map')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('present-pages')).toHaveText('655,263')

  // a pasted /proc/iomem of the same machine: its System RAM ranges, the capture named in the toast
  const iomem = readFileSync(join(root, 'tests/fixtures/captures/7.3/x86_64-2/iomem'), 'utf8')
  await page.keyboard.press('ControlOrMeta+Alt+i')
  await expect(dialog).toBeVisible()
  await page.getByTestId('import-text').fill(iomem)
  await page.getByTestId('import-accept').click()
  // the imported lsmem.yaml is unsaved: asked about first
  await expect(page.getByTestId('confirm-dialog')).toBeVisible()
  await page.getByTestId('confirm-discard').click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveTitle('• iomem.yaml' + TITLE)
  await expect(page.getByTestId('toast').filter({ hasText: 'Imported the pasted /proc/iomem as a new scenario' })).toBeVisible()
  await expect(page.getByTestId('status')).toHaveText('up to date')
})

test('File › Open of a .json lsmem capture imports it; of a .json scenario opens it', async ({ workbench: page, workspaceHost }) => {
  const capture = join(workspaceHost.workspace, 'lsmem.json')
  writeFileSync(capture, LSMEM_JSON)
  await menu(page, 'file', 'file.open')
  await page.getByTestId('path-input').fill(capture)
  await page.keyboard.press('Enter')
  await expect(page).toHaveTitle('• lsmem.yaml' + TITLE)
  await expect(page.getByTestId('present-pages')).toHaveText('655,263')

  const scenario = join(workspaceHost.workspace, 'laptop.json')
  writeFileSync(scenario, JSON.stringify(parse(LAPTOP), null, 2))
  await menu(page, 'file', 'file.open')
  await page.getByTestId('confirm-discard').click()
  await page.getByTestId('path-input').fill(scenario)
  await page.keyboard.press('Enter')
  await expect(page).toHaveTitle('laptop.json' + TITLE)
  await expect(page.getByTestId('language')).toHaveText('JSON')
  await expect(page.getByTestId('present-pages')).toHaveText('4,095,760')
})
