import { expect, test } from './fixtures.ts'
import { editorText, holdExampleRead } from './helpers.ts'
import type { Page } from '@playwright/test'

async function editorReady(page: Page): Promise<void> {
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
}

async function firstExample(page: Page): Promise<string> {
  const picker = page.getByTestId('example-picker')
  const options = picker.locator('option:not([value=""])')
  await expect(options.first()).toBeAttached()
  const first = await options.first().getAttribute('value')
  expect(first, 'resources/examples has at least one scenario').toBeTruthy()
  await picker.selectOption(first!)
  // the example arrives asynchronously: wait until it is the open document and analysed,
  // or a later edit could be overwritten by it
  await expect(page.locator('.doc-tab')).toContainText(first!)
  await expect(page.getByTestId('status')).toHaveText('up to date')
  return first!
}

test('loads, picks the first example and predicts the boot log', async ({ appPage: page }) => {
  await editorReady(page)
  await firstExample(page)
  await expect(page.getByTestId('bootlog')).toContainText('Zone ranges:')
  // thousands separated: every example has more than 999 KiB
  await expect(page.getByTestId('total-kib')).toHaveText(/^\d{1,3}(,\d{3})+$/)
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await page.screenshot({ path: test.info().outputPath('app.png') })
})

// The status bar says "up to date" only for a result of the newest text: not while the
// start-up example is still being read (nothing analysed yet). A test, or a user, who
// waits for "up to date" would otherwise act before the app's own first analysis.
test('before the start-up example is analysed the status is not "up to date"', async ({ page, workspaceHost }) => {
  const release = await holdExampleRead(page)
  await page.goto(workspaceHost.url + '?test')
  await editorReady(page)
  await expect(page.getByTestId('status')).toHaveText('not analysed yet')
  release()
  await expect(page.getByTestId('status')).toHaveText('up to date', { timeout: 20_000 })
  await expect(page.getByTestId('bootlog')).toContainText('Zone ranges:')
})

test('a bad scenario shows a located diagnostic and keeps the last boot log', async ({ appPage: page }) => {
  await editorReady(page)
  await firstExample(page)
  const bootlog = page.getByTestId('bootlog')
  await expect(bootlog).toContainText('Zone ranges:')
  const before = await bootlog.textContent()

  await page.evaluate(() => {
    // runs in the page; the e2e tsconfig has no DOM types
    const editor = (globalThis as { __editor?: { getModel(): { setValue(text: string): void } } }).__editor
    if (!editor) throw new Error('window.__editor is not exposed (expected with ?test)')
    editor.getModel().setValue('kernel: [')
  })

  const diagnostics = page.getByTestId('diagnostics')
  await expect(diagnostics.locator('li.error').first()).toContainText(/\d+:\d+/)
  await expect(page.getByTestId('status')).toContainText('showing the last good result')
  await expect(bootlog).toHaveText(before ?? '')
  await expect(bootlog).toContainText('Zone ranges:')
  // the engine's diagnostic is also a Monaco marker (squiggle)
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeAttached()
  await page.screenshot({ path: test.info().outputPath('invalid.png') })
})

test('the physical map shows memblock regions', async ({ appPage: page }) => {
  await editorReady(page)
  await firstExample(page)
  const regions = page.getByTestId('svg-view-map').locator('svg g[data-kind="region"]')
  await expect(regions.first()).toBeAttached()
  expect(await regions.count()).toBeGreaterThanOrEqual(1)
  const box = await regions.first().boundingBox()
  expect(box?.width ?? 0).toBeGreaterThan(0)
  // and as a table, one row per region with its range
  const rows = page.getByTestId('region-table').locator('tbody tr:not(.spacer)')
  await expect(rows).toHaveCount(await regions.count())
  await expect(rows.first().locator('td').first()).toHaveText(/^0x0+$/)
})

test('a pasted dmesg is compared line by line with the prediction', async ({ appPage: page }) => {
  const { readFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  await editorReady(page)
  await page.getByTestId('view-tab-bootlog').click()
  await page.getByTestId('bootlog-compare-toggle').click()
  const log = readFileSync(join(import.meta.dirname, '../tests/fixtures/kernel-boots/arm64-s101-003.log'), 'utf8')
  await page.getByTestId('bootlog-compare-input').fill(log)
  await page.getByTestId('bootlog-compare-run').click()
  await expect(page.getByTestId('bootlog-compare-summary')).toContainText('exact')
  await expect(page.getByTestId('bootlog-diff')).toContainText('Early memory node ranges')
  // an edited kernel line shows up as a mismatch
  await page.getByTestId('bootlog-compare-input').fill(log.replace('Early memory node ranges', 'Early memory node rangez'))
  await page.getByTestId('bootlog-compare-run').click()
  await expect(page.getByTestId('bootlog-compare-summary')).toContainText('differing lines')
  // a log opened from disk is compared at once
  await page.getByTestId('bootlog-compare-file').setInputFiles(join(import.meta.dirname, '../tests/fixtures/qemu-boots/x86_64-s7-000.log'))
  await expect(page.getByTestId('bootlog-compare-summary')).toContainText(/^exact: all \d+ kernel lines predicted \(Linux 6\.1/)
  await expect(page.getByTestId('bootlog-compare-input')).toHaveValue(/Early memory node ranges/)
})

test('compare: the same layout under another kernel shows the hole lines that differ', async ({ appPage: page }) => {
  await editorReady(page)
  await page.getByTestId('example-picker').selectOption('x86-laptop.yaml')
  await expect(page.locator('.doc-tab')).toContainText('x86-laptop.yaml')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await page.getByTestId('view-tab-compare').click()
  await page.getByTestId('compare-kernel').fill('5.4.59')
  await page.getByTestId('compare-run').click()
  await expect(page.getByTestId('compare-totals')).toContainText('present pages')
  await expect(page.getByTestId('compare-bootlog')).toContainText('Zeroed struct page in unavailable ranges')
  await page.getByTestId('compare-mode').selectOption('kmsan')
  await page.getByTestId('compare-run').click()
  await expect(page.getByTestId('compare-checks')).toContainText('struct-page.pow2')
})

test('sections: a click on a check card shows its condition, values and kernel reference', async ({ appPage: page }) => {
  await editorReady(page)
  const picker = page.getByTestId('example-picker')
  await picker.selectOption('arm64-uefi-server.yaml')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await page.getByTestId('view-tab-sections').click()
  const card = page.locator('[data-testid="svg-view-sections"] g[data-kind="check"][data-id="folio.memmap-alignment"]')
  await expect(card).toBeVisible()
  await expect(page.getByTestId('check-detail')).toHaveCount(0)
  await card.click()
  const detail = page.getByTestId('check-detail')
  await expect(detail).toHaveAttribute('data-id', 'folio.memmap-alignment')
  await expect(page.getByTestId('check-condition')).toContainText('MAX_FOLIO')
  await expect(page.getByTestId('check-refs')).toContainText('mm/sparse.c')
  // the list offers failures first and picks the same detail by keyboard
  const select = page.getByTestId('check-select')
  const firstId = await select.locator('option').nth(1).getAttribute('value')
  expect(firstId).toBe('hvo.arch')
  await select.selectOption('hvo.arch')
  await expect(detail).toHaveAttribute('data-status', 'note')
  await expect(detail).toContainText('060a2c92d1b6')
})

test('edit a range in Monaco: the totals, the map and the checks follow the engine', async ({ appPage: page }) => {
  await editorReady(page)
  const picker = page.getByTestId('example-picker')
  await picker.selectOption('x86-laptop.yaml')
  await expect(page.locator('.doc-tab')).toContainText('x86-laptop.yaml')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  const map = page.getByTestId('svg-view-map').locator('svg[data-view="map"]')
  await expect(map.locator('g[data-kind="region"][data-end="0x42e300000"]')).toBeAttached()

  // select the last usable range's end and type a lower one, key by key: 8 GiB less RAM
  await page.evaluate(() => {
    type Ed = { getModel(): { findMatches(s: string, a: boolean, b: boolean, c: boolean, d: null, e: boolean): { range: object }[] }; setSelection(r: object): void; focus(): void }
    const ed = (globalThis as unknown as { __editor: Ed }).__editor
    const [m] = ed.getModel().findMatches('0x042e2fffff', false, false, true, null, false)
    ed.setSelection(m.range)
    ed.focus()
  })
  await page.keyboard.type('0x022e2fffff', { delay: 20 })
  const text = await editorText(page)
  expect(text).toContain('last: 0x022e2fffff')
  const { analyzeSource } = await import('../src/shared/engine/index.ts')
  const r = analyzeSource(text, 'x86-laptop.yaml')
  if (!r.ok) throw new Error('the edited scenario does not analyse')
  const expected = r.report
  expect(expected.sections.presentSections).toBe(62)

  // totals and the map: the region now ends 8 GiB lower, nothing still draws the old end
  await expect(page.getByTestId('status')).toHaveText('up to date')
  const { grouped } = await import('../src/shared/engine/units.ts')
  await expect(page.getByTestId('total-kib')).toHaveText(grouped(expected.totals.memoryTotalKiB))
  await expect(page.getByTestId('present-sections')).toHaveText('62')
  await expect(map.locator('g[data-kind="region"][data-end="0x22e300000"]')).toBeAttached()
  await expect(map.locator('[data-end="0x42e300000"]')).toHaveCount(0)
  await expect(page.getByTestId('region-table')).toContainText('0x22e2fffff')

  // the checks: the memmap's PMD check now counts 62 sections, on its card and in its detail
  await page.getByTestId('view-tab-sections').click()
  // one view at a time: the map and its table are gone from sight
  await expect(page.locator('#view-map')).toBeHidden()
  await expect(page.getByTestId('map-scale')).toBeHidden()
  const card = page.locator('[data-testid="svg-view-sections"] g[data-kind="check"][data-id="vmemmap.sub-pmd"]')
  await expect(card).toContainText('sections = 62')
  await card.click()
  await expect(page.getByTestId('check-detail')).toContainText(/pmds\s*62\s*sections\s*62/)
})

test('every drawn view: hover details in the strip under it, and zoom', async ({ appPage: page }) => {
  await editorReady(page)
  await page.getByTestId('example-picker').selectOption('arm64-uefi-server.yaml')
  await expect(page.locator('.doc-tab')).toContainText('arm64-uefi-server.yaml')
  await expect(page.getByTestId('status')).toHaveText('up to date')
  for (const view of ['map', 'sections', 'nomap', 'costs'] as const) {
    await page.getByTestId(`view-tab-${view}`).click()
    const svg = page.getByTestId(`svg-view-${view}`).locator(`svg[data-view="${view}"]`)
    await expect(svg).toBeVisible()
    // a hoverable group in sight: a point the pointer would hit inside it, and its <title>
    const target = await svg.evaluate((root) => {
      type El = {
        closest(s: string): El | null
        querySelector(s: string): { textContent: string | null } | null
        getBoundingClientRect(): { left: number; top: number; width: number; height: number }
      }
      const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): El | null } }).document
      for (const shape of (root as unknown as { querySelectorAll(s: string): El[] }).querySelectorAll('g[data-kind] > rect, g[data-kind] > path, g[data-kind] > circle')) {
        const r = shape.getBoundingClientRect()
        if (r.width < 3 || r.height < 3) continue
        const x = r.left + r.width / 2
        const y = r.top + r.height / 2
        const hit = doc.elementFromPoint(x, y)?.closest('g[data-kind]')
        const title = hit?.querySelector(':scope > title')?.textContent
        if (hit && title) return { x, y, title: title.split('\n')[0] }
      }
      return null
    })
    expect(target, view).not.toBeNull()
    await page.mouse.move(target!.x, target!.y)
    await expect(page.getByTestId(`hover-${view}`), view).toContainText(target!.title)
    // zoom 200 %: the drawing is twice the width it was laid out for and scrolls inside the view
    const auto = (await svg.boundingBox())!.width
    const laidOut = Number(await svg.getAttribute('width'))
    await page.getByTestId(`zoom-${view}`).selectOption('2')
    await expect.poll(async () => (await svg.boundingBox())!.width, { message: view }).toBeCloseTo(2 * laidOut, 0)
    expect(auto).toBeLessThan(2 * laidOut)
    // fit width: the whole width in the box, no sideways scrolling
    await page.getByTestId(`zoom-${view}`).selectOption('fit')
    const box = page.getByTestId(`drawing-${view}`)
    await expect.poll(async () => (await svg.boundingBox())!.width).toBeLessThanOrEqual((await box.evaluate((b) => (b as unknown as { clientWidth: number }).clientWidth)) + 0.5)
    await page.getByTestId(`zoom-${view}`).selectOption('auto')
    await expect.poll(async () => (await svg.boundingBox())!.width).toBeCloseTo(auto, 0)
    await page.mouse.move(0, 0)
  }
})
