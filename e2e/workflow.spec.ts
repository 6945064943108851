// The editing workflow in the browser host: examples, edit, dirty marker and title,
// Save As into a temp workspace and reopen, revert, unsaved-changes prompt, import of a
// recorded dmesg (dialog, drop, oversized paste), menus, command palette, theme.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { dropFile, editorText, menu, typeAtEnd } from './helpers.ts'

const LOG = join(import.meta.dirname, '..', 'tests', 'fixtures', 'qemu-boots', 'x86_64-s7-000.log')

const TITLE = ' — memmap-workbench'

async function newFromExample(page: Page, name: string): Promise<void> {
  await menu(page, 'file', 'file.new')
  const pick = page.getByTestId('quick-pick')
  await expect(pick).toBeVisible()
  await pick.locator(`[data-id="${name}"]`).click()
  await expect(pick).toBeHidden()
  await expect(page).toHaveTitle(name + TITLE)
}

test('open an example, edit, dirty marker and title, Save As, reopen, revert', async ({ workbench: page, workspaceHost }) => {
  await newFromExample(page, 'x86-laptop.yaml')
  await expect(page).toHaveTitle('x86-laptop.yaml' + TITLE)
  await expect(page.getByTestId('dirty')).toHaveCount(0)
  await expect(page.getByTestId('bootlog')).toContainText('Zone ranges:')
  const original = await editorText(page)

  // edit: the dirty marker appears in the window and the document title
  await typeAtEnd(page, '\n# edited in e2e')
  await expect(page.getByTestId('dirty')).toBeVisible()
  await expect(page).toHaveTitle('• x86-laptop.yaml' + TITLE)

  // Save (Ctrl+S) has no file yet: it asks where, confined to the workspace
  mkdirSync(join(workspaceHost.workspace, 'saved'))
  await page.keyboard.press('ControlOrMeta+s')
  const dialog = page.getByTestId('path-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(workspaceHost.workspace)
  // a path outside the workspace is refused with a message, and nothing is written
  await page.getByTestId('path-input').fill('/tmp/../etc/outside.yaml')
  await page.getByTestId('path-accept').click()
  await expect(page.getByTestId('path-error')).toContainText('outside the workspace')
  const target = join(workspaceHost.workspace, 'saved', 'laptop.yaml')
  await page.getByTestId('path-input').fill(target)
  await page.getByTestId('path-accept').click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveTitle('laptop.yaml' + TITLE)
  await expect(page.getByTestId('dirty')).toHaveCount(0)
  const onDisk = readFileSync(target, 'utf8')
  expect(onDisk).toContain('# edited in e2e')
  expect(onDisk).toBe(await editorText(page))

  // another example, then File › Open… brings the saved file back (round trip)
  await newFromExample(page, 'arm64-dt-board.yaml')
  await expect(page).toHaveTitle('arm64-dt-board.yaml' + TITLE)
  await menu(page, 'file', 'file.open')
  await expect(dialog).toBeVisible()
  await page.getByTestId('path-input').fill(join(workspaceHost.workspace, 'saved') + '/')
  await expect(page.getByTestId('path-listing')).toContainText('laptop.yaml')
  await page.getByTestId('path-listing').getByText('laptop.yaml').dblclick()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveTitle('laptop.yaml' + TITLE)
  expect(await editorText(page)).toBe(onDisk)
  expect(onDisk).not.toBe(original)

  // the recent-files menu lists it
  await page.getByTestId('menu-file').click()
  await page.getByTestId('menu-recent').hover()
  await expect(page.getByTestId('recent-item').first()).toContainText('laptop.yaml')
  await page.keyboard.press('Escape')

  // edit, then Revert File returns to the file on disk
  await typeAtEnd(page, '\nname2: oops')
  await expect(page.getByTestId('dirty')).toBeVisible()
  await menu(page, 'file', 'file.revert')
  await expect(page.getByTestId('dirty')).toHaveCount(0)
  expect(await editorText(page)).toBe(onDisk)
  await expect(page).toHaveTitle('laptop.yaml' + TITLE)
})

test('unsaved changes are not lost without a prompt', async ({ workbench: page }) => {
  await newFromExample(page, 'x86-laptop.yaml')
  await typeAtEnd(page, '\n# keep me')
  const edited = await editorText(page)
  const picker = page.getByTestId('example-picker')

  await picker.selectOption('arm64-dt-board.yaml')
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toBeVisible()
  await expect(confirm).toContainText('Save the changes to x86-laptop.yaml')
  await page.getByTestId('confirm-cancel').click()
  await expect(confirm).toBeHidden()
  expect(await editorText(page)).toBe(edited)
  await expect(page).toHaveTitle('• x86-laptop.yaml' + TITLE)
  await expect(picker).toHaveValue('x86-laptop.yaml')

  await picker.selectOption('arm64-dt-board.yaml')
  await page.getByTestId('confirm-discard').click()
  await expect(page).toHaveTitle('arm64-dt-board.yaml' + TITLE)
  expect(await editorText(page)).not.toContain('# keep me')
})

test('undo and redo from the Edit menu; menus show shortcuts', async ({ workbench: page }) => {
  await newFromExample(page, 'x86-laptop.yaml')
  const before = await editorText(page)
  await page.locator('.monaco-editor .view-lines').first().click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type('#undoMe') // one word: one undo step
  await expect(page.getByTestId('dirty')).toBeVisible()
  await page.getByTestId('menu-edit').click()
  await expect(page.locator('[data-command="edit.undo"]')).toContainText(/Ctrl\+Z|⌘Z/)
  await page.locator('[data-command="edit.undo"]').click()
  await expect.poll(() => editorText(page)).toBe(before)
  await expect(page.getByTestId('dirty')).toHaveCount(0)
  await menu(page, 'edit', 'edit.redo')
  await expect.poll(() => editorText(page)).toContain('#undoMe')
  await page.getByTestId('menu-file').click()
  await expect(page.locator('[data-command="file.save"]')).toContainText(/Ctrl\+S|⌘S/)
  await expect(page.locator('[data-command="file.saveAs"]')).toContainText(/Ctrl\+Shift\+S|⇧⌘S/)
  await page.keyboard.press('Escape')
})

test('import a recorded dmesg: its boot log is the log’s own lines', async ({ workbench: page }) => {
  const log = readFileSync(LOG, 'utf8')
  await page.keyboard.press('ControlOrMeta+Alt+i')
  const dialog = page.getByTestId('import-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('import-text').fill(log)
  await page.getByTestId('import-accept').click()
  await expect(dialog).toBeHidden()

  // a new, unsaved scenario
  await expect(page).toHaveTitle('• boot-6.1.176-x86_64.yaml' + TITLE)
  await expect(page.getByTestId('view-tab-bootlog')).toHaveAttribute('aria-selected', 'true')
  expect(await editorText(page)).toContain('kind: e820')
  await expect(page.getByTestId('status')).toHaveText('up to date')

  // the host's reading of the log itself: the predicted lines equal the log's own
  const fromLog = await page.evaluate(async (text) => {
    const api = (globalThis as unknown as { api: { bootlog(s: string, f: string): Promise<{ ok: boolean; report: { lines: string[]; diff?: { equal: boolean } } }> } }).api
    return (await api.bootlog(text, 'x86_64-s7-000.log')).report
  }, log)
  expect(fromLog.diff?.equal).toBe(true)
  await expect(page.getByTestId('bootlog')).toHaveText(fromLog.lines.join('\n'))
  await page.screenshot({ path: test.info().outputPath('imported.png') })
})

test('a 100 MB paste into Import gets a clear error at once', async ({ workbench: page }) => {
  await menu(page, 'file', 'file.import')
  await expect(page.getByTestId('import-dialog')).toBeVisible()
  const ms = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { dispatchEvent(e: unknown): boolean } } }).document
    const g = globalThis as unknown as { DataTransfer: new () => { setData(t: string, d: string): void }; ClipboardEvent: new (t: string, i: unknown) => unknown }
    const big = 'x'.repeat(100 * 1000 * 1000)
    const dt = new g.DataTransfer()
    dt.setData('text/plain', big)
    const t0 = performance.now()
    doc.querySelector('[data-testid=import-text]').dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
    return performance.now() - t0
  })
  expect(ms).toBeLessThan(5000)
  await expect(page.getByTestId('import-error')).toContainText('too large to import')
  await expect(page.getByTestId('import-error')).toContainText('MB')
  await expect(page.getByTestId('import-text')).toHaveValue('')
})

test('dropping a dmesg on the window opens it as a new unsaved scenario', async ({ workbench: page }) => {
  const log = readFileSync(LOG, 'utf8')
  await dropFile(page, 'dropped-boot.log', log)
  await expect(page).toHaveTitle('• dropped-boot.yaml' + TITLE)
  await expect(page.getByTestId('bootlog')).toContainText('Early memory node ranges')
})

test('the command palette opens with Ctrl+Shift+P, filters fuzzily and runs a command', async ({ workbench: page }) => {
  await page.locator('.monaco-editor .view-lines').first().click()
  await page.keyboard.press('ControlOrMeta+Shift+P')
  const palette = page.getByTestId('palette')
  await expect(palette).toBeVisible()
  // every command is listed, with its shortcut
  await expect(palette.locator('[data-id="file.save"]')).toContainText(/Ctrl\+S|⌘S/)
  await expect(palette.locator('[data-id="theme.dark"]')).toBeAttached()
  await page.keyboard.type('vwbtlg')
  await expect(palette.locator('[role=option]').first()).toHaveAttribute('data-id', 'view.bootlog')
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(page.getByTestId('view-tab-bootlog')).toHaveAttribute('aria-selected', 'true')
  await expect(page.locator('#view-bootlog')).toBeVisible()
})

test('theme: follow OS, light, dark — the page and Monaco switch, and the choice persists', async ({ workbench: page }) => {
  const theme = (): Promise<string | undefined> =>
    page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme)
  const editor = page.locator('.monaco-editor').first()

  await menu(page, 'view', 'theme.light')
  await expect.poll(theme).toBe('light')
  await expect(editor).toHaveClass(/\bvs\b/)
  await page.keyboard.press('ControlOrMeta+Shift+P')
  await expect(page.getByTestId('palette')).toBeVisible()
  await page.waitForTimeout(250) // the fade-in
  await page.screenshot({ path: test.info().outputPath('light-palette.png') })
  await page.keyboard.press('Escape')

  await menu(page, 'view', 'theme.dark')
  await expect.poll(theme).toBe('dark')
  await expect(editor).toHaveClass(/\bvs-dark\b/)
  await page.getByTestId('menu-view').click()
  await expect(page.locator('[data-command="theme.dark"]')).toHaveAttribute('aria-checked', 'true')
  await page.keyboard.press('Escape')
  await page.keyboard.press('ControlOrMeta+Shift+P')
  await page.keyboard.type('theme')
  await page.waitForTimeout(250)
  await page.screenshot({ path: test.info().outputPath('dark-palette.png') })
  await page.keyboard.press('Escape')

  // kept by the host: a reload starts dark
  await page.reload()
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
  await expect.poll(theme).toBe('dark')
  await expect(editor).toHaveClass(/\bvs-dark\b/)

  // Follow OS: the emulated OS scheme decides
  await page.emulateMedia({ colorScheme: 'light' })
  await menu(page, 'view', 'theme.system')
  await expect.poll(theme).toBe('light')
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(theme).toBe('dark')
  await expect(editor).toHaveClass(/\bvs-dark\b/)
})

test('a scenario saved in the workspace opens from Open Recent after a reload', async ({ workbench: page, workspaceHost }) => {
  const file = join(workspaceHost.workspace, 'mine.yaml')
  writeFileSync(file, readFileSync(join(import.meta.dirname, '..', 'resources', 'examples', 'x86-laptop.yaml'), 'utf8'))
  await menu(page, 'file', 'file.open')
  await page.getByTestId('path-input').fill(file)
  await page.keyboard.press('Enter')
  await expect(page).toHaveTitle('mine.yaml' + TITLE)
  await newFromExample(page, 'arm64-dt-board.yaml')
  await page.reload()
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
  await page.getByTestId('menu-file').click()
  await page.getByTestId('menu-recent').hover()
  await page.getByTestId('recent-item').filter({ hasText: 'mine.yaml' }).click()
  await expect(page).toHaveTitle('mine.yaml' + TITLE)
})

test('Save formats the document first (Edit › Format on Save), and saves as typed when that is off', async ({ workbench: page, workspaceHost }) => {
  await newFromExample(page, 'x86-laptop.yaml')
  const append = (text: string): Promise<void> =>
    page.evaluate((t) => {
      const ed = (globalThis as unknown as { __editor: { getModel(): { getLineCount(): number; getLineMaxColumn(l: number): number }; executeEdits(src: string, edits: unknown[]): void } }).__editor
      const m = ed.getModel()
      const line = m.getLineCount()
      const col = m.getLineMaxColumn(line)
      ed.executeEdits('e2e', [{ range: { startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col }, text: t }])
    }, text)
  await append('extra:    [a,b]\n')
  const target = join(workspaceHost.workspace, 'formatted.yaml')
  await page.keyboard.press('ControlOrMeta+s')
  await page.getByTestId('path-input').fill(target)
  await page.getByTestId('path-accept').click()
  await expect(page.getByTestId('path-dialog')).toBeHidden()
  await expect(page).toHaveTitle('formatted.yaml' + TITLE)
  const saved = readFileSync(target, 'utf8')
  expect(saved).toContain('\nextra: [a, b]\n')
  expect(saved).not.toContain('extra:    [a,b]')
  // the formatting is in the editor too, and the document is clean
  expect(await editorText(page)).toBe(saved)
  await expect(page.getByTestId('dirty')).toHaveCount(0)

  // off: Save writes exactly what is typed
  await menu(page, 'edit', 'edit.formatOnSave')
  await append('more:    1\n')
  await page.keyboard.press('ControlOrMeta+s')
  await expect(page.getByTestId('dirty')).toHaveCount(0)
  expect(readFileSync(target, 'utf8')).toContain('\nmore:    1\n')
})

test('a scenario kept as JSON opens in JSON mode: same analysis, schema markers, formatting', async ({ workbench: page, workspaceHost }) => {
  const { parse } = await import('yaml')
  const laptop = readFileSync(join(import.meta.dirname, '..', 'resources', 'examples', 'x86-laptop.yaml'), 'utf8')
  const file = join(workspaceHost.workspace, 'laptop.json')
  writeFileSync(file, JSON.stringify(parse(laptop), null, 2) + '\n')

  // the YAML example's totals, as the engine gives them (read from the page, they could
  // still be the document's before it while its analysis was about to start)
  const { analyzeSource } = await import('../src/shared/engine/index.ts')
  const { grouped } = await import('../src/shared/engine/units.ts')
  const r = analyzeSource(laptop, 'x86-laptop.yaml')
  if (!r.ok) throw new Error('the laptop example does not analyse')
  const totalKiB = grouped(r.report.totals.memoryTotalKiB)
  await newFromExample(page, 'x86-laptop.yaml')
  await expect(page.getByTestId('language')).toHaveText('YAML')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.getByTestId('total-kib')).toHaveText(totalKiB)

  await menu(page, 'file', 'file.open')
  await page.getByTestId('path-input').fill(file)
  await page.getByTestId('path-accept').click()
  await expect(page).toHaveTitle('laptop.json' + TITLE)
  await expect(page.getByTestId('language')).toHaveText('JSON')
  expect(await page.evaluate(() => (globalThis as unknown as { __editor: { getModel(): { getLanguageId(): string } } }).__editor.getModel().getLanguageId())).toBe('json')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.getByTestId('total-kib')).toHaveText(totalKiB)

  // a value the schema does not allow: a marker from the JSON language service and the engine's located error
  await page.evaluate(() => {
    type Ed = { getModel(): { findMatches(s: string, a: boolean, b: boolean, c: boolean, d: null, e: boolean): { range: object }[] }; executeEdits(src: string, e: object[]): void }
    const ed = (globalThis as unknown as { __editor: Ed }).__editor
    const [m] = ed.getModel().findMatches('"x86_64"', false, false, true, null, false)
    ed.executeEdits('e2e', [{ range: m.range, text: '"sparc64"' }])
  })
  // hovering the squiggle shows the JSON language service's schema message (its worker
  // may answer after the engine's marker is drawn: hover again until it is there)
  const squiggle = page.locator('.monaco-editor .squiggly-error').first()
  await expect(squiggle).toBeAttached()
  await expect(async () => {
    await page.mouse.move(0, 0)
    const box = (await squiggle.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await expect(page.locator('.monaco-hover', { hasText: 'Value is not accepted' })).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000 })
  await expect(page.getByTestId('diagnostics').locator('li.error').first()).toContainText(/\d+:\d+/)
  await expect(page.getByTestId('status')).toContainText('showing the last good result')

  // Format Document uses the JSON formatter: a squashed document comes back indented
  await page.evaluate(() => {
    const ed = (globalThis as unknown as { __editor: { getValue(): string; getModel(): { setValue(t: string): void } } }).__editor
    ed.getModel().setValue(JSON.stringify(JSON.parse(ed.getValue().replace('"sparc64"', '"x86_64"'))))
  })
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await menu(page, 'edit', 'edit.formatDocument')
  await expect.poll(() => editorText(page)).toContain('\n  "kernel": "6.1",\n')
  expect(JSON.parse(await editorText(page))).toEqual(parse(laptop))
})

test('schema help in the YAML editor: hover explains a field, completion offers the fields', async ({ workbench: page }) => {
  await newFromExample(page, 'x86-laptop.yaml')
  await expect(page.getByTestId('status')).toHaveText('up to date')

  // hover over the `kernel` key: its documentation, with the kernel concept behind it
  const at = await page.evaluate(() => {
    type Ed = {
      getModel(): { getLinesContent(): string[] }
      revealLine(n: number): void
      getScrolledVisiblePosition(p: object): { top: number; left: number; height: number } | null
      getDomNode(): { getBoundingClientRect(): { left: number; top: number } }
    }
    const ed = (globalThis as unknown as { __editor: Ed }).__editor
    const line =
      ed
        .getModel()
        .getLinesContent()
        .findIndex((l) => l.startsWith('kernel:')) + 1
    ed.revealLine(line)
    const p = ed.getScrolledVisiblePosition({ lineNumber: line, column: 3 })!
    const box = ed.getDomNode().getBoundingClientRect()
    return { x: box.left + p.left, y: box.top + p.top + p.height / 2 }
  })
  await page.mouse.move(at.x, at.y)
  await expect(page.locator('.monaco-hover').first()).toContainText('Selects the version profile')

  // completion on a new top-level line offers the fields the scenario does not have yet
  await page.mouse.move(0, 0)
  await page.locator('.monaco-editor .view-lines').first().click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type('\npag')
  await page.keyboard.press('Control+Space')
  const suggest = page.locator('.monaco-editor .suggest-widget')
  await expect(suggest).toBeVisible()
  await expect(suggest).toContainText('pageSize')
  await expect(suggest).toContainText('paging')
})
