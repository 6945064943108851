// Every view reaches its end (issue 11): at 1280×800 and 1600×1000, each view of the
// 4-node server example scrolls by keyboard (End once the view has focus), by wheel, and
// has a scrollbar when its content is taller than the pane; the last element of each
// (the region table, the last check's kernel references, the zone-contiguity table, the
// last drawing text, the last boot-log line, the last Compare row) ends up on screen.
// And Compare: the ≤ 5.13 prediction with two equal lines shows, the button stays
// enabled, an edit marks the result stale, errors are shown in the view.
import { expect, test } from './fixtures.ts'
import { typeAtEnd } from './helpers.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'
import type { Locator, Page } from '@playwright/test'

/** The element's bottom edge is inside the visible part of `panel` (and of the window). */
async function bottomShown(el: Locator, panel: Locator): Promise<boolean> {
  const [e, p] = await Promise.all([el.boundingBox(), panel.boundingBox()])
  if (!e || !p) return false
  const viewport = el.page().viewportSize()!
  const bottom = e.y + e.height
  return bottom <= p.y + p.height + 1 && bottom <= viewport.height + 1 && e.y >= p.y - 1
}

/** how far the panel can scroll (0: everything fits) */
const overflow = (panel: Locator): Promise<number> => panel.evaluate((el: { scrollHeight: number; clientHeight: number }) => el.scrollHeight - el.clientHeight)

/**
 * The view scrolls to its end by the End key (the view focused) and by the wheel, and
 * `last` is then fully on screen; a view taller than its pane shows a scrollbar
 * (overflow auto). `scroller`: the element that scrolls when the view's content
 * scrolls inside (the boot log's lines), else the panel itself.
 */
/**
 * A drawing wider than its pane (its text kept legible) scrolls sideways inside its box:
 * a sideways wheel over it brings an element at its right edge into sight.
 */
async function revealSideways(page: Page, el: Locator): Promise<void> {
  const box = el.locator('xpath=ancestor::*[starts-with(@data-testid, "drawing-")]')
  if ((await box.count()) === 0) return
  const extra = await box.evaluate((b: { scrollWidth: number; clientWidth: number }) => b.scrollWidth - b.clientWidth)
  if (extra <= 0) return
  const r = (await el.boundingBox())!
  const b = (await box.boundingBox())!
  await page.mouse.move(b.x + b.width / 2, Math.max(b.y + 5, Math.min(r.y + r.height / 2, b.y + b.height - 5)))
  for (let i = 0; i < 10 && (await el.boundingBox())!.x + (await el.boundingBox())!.width > b.x + b.width + 1; i++) await page.mouse.wheel(400, 0)
}

async function reachesEnd(page: Page, view: string, last: Locator, scroller?: Locator): Promise<void> {
  const panel = page.locator(`#view-${view}`)
  const box = scroller ?? panel
  await expect(last).toBeAttached()
  // keyboard: focus the view, Home, then End
  await panel.focus()
  await page.keyboard.press('Home')
  await page.keyboard.press('End')
  await expect.poll(() => bottomShown(last, panel), { message: `${view}: End shows the last element` }).toBe(true)
  await revealSideways(page, last)
  await expect(last).toBeInViewport()
  // wheel: back to the top by keyboard, then wheel down over the view
  await page.keyboard.press('Home')
  await expect.poll(() => box.evaluate((el: { scrollTop: number }) => el.scrollTop)).toBe(0)
  const p = (await panel.boundingBox())!
  await page.mouse.move(p.x + p.width / 2, p.y + Math.min(p.height / 2, 200))
  for (let i = 0; i < 12 && !(await bottomShown(last, panel)); i++) await page.mouse.wheel(0, 800)
  await expect.poll(() => bottomShown(last, panel), { message: `${view}: the wheel reaches the last element` }).toBe(true)
  // a scrollbar whenever the content is taller than the pane
  if ((await overflow(box)) > 0) {
    const style = await box.evaluate((el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { overflowY: string } }).getComputedStyle(el).overflowY)
    expect(['auto', 'scroll']).toContain(style)
  }
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('every view of the 4-node server scrolls to its end by keyboard and wheel', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      const shot = async (name: string): Promise<void> => void (await page.screenshot({ path: test.info().outputPath(`${name}-${size.width}.png`) }))

      await page.getByTestId('view-tab-map').click()
      await reachesEnd(page, 'map', page.getByTestId('region-table'))
      await shot('map')

      // Sections & memmap: the last check's detail (its kernel references and versions)
      await page.getByTestId('view-tab-sections').click()
      const select = page.getByTestId('check-select')
      const lastCheck = await select.locator('option').last().getAttribute('value')
      await select.selectOption(lastCheck!)
      await expect(page.getByTestId('check-detail')).toHaveAttribute('data-id', lastCheck!)
      await reachesEnd(page, 'sections', page.getByTestId('check-detail').locator('.versions'))
      // the check cards at the bottom of the drawing are reachable too
      await expect(page.getByTestId('svg-view-sections').locator('[data-kind="check"]').last()).toBeInViewport()
      await shot('sections')

      // NOMAP & holes: the summary and the zone-contiguity rows at the drawing's foot
      await page.getByTestId('view-tab-nomap').click()
      const contiguity = page.getByTestId('svg-view-nomap').locator('[data-kind="contiguity"]')
      await expect(contiguity.first()).toBeAttached()
      await reachesEnd(page, 'nomap', contiguity.last())
      const summary = page.getByTestId('svg-view-nomap').locator('[data-kind="summary"]').last()
      await revealSideways(page, summary)
      // re-flowed for a narrow pane the drawing is taller than the pane: the wheel goes back up to the summary
      const np = (await page.locator('#view-nomap').boundingBox())!
      await page.mouse.move(np.x + np.width / 2, np.y + Math.min(np.height / 2, 200))
      for (let i = 0; i < 20 && !(await bottomShown(summary, page.locator('#view-nomap'))); i++) await page.mouse.wheel(0, -250)
      await expect(summary).toBeInViewport()
      await shot('nomap')

      await page.getByTestId('view-tab-costs').click()
      await reachesEnd(page, 'costs', page.getByTestId('svg-view-costs').locator('svg text').last())
      await shot('costs')

      // Boot log: its lines scroll inside; End on the focused view goes to the last line
      await page.getByTestId('view-tab-bootlog').click()
      const log = page.locator('#view-bootlog [data-scroller]')
      await reachesEnd(page, 'bootlog', log, log)
      await expect.poll(() => log.evaluate((el: { scrollTop: number; scrollHeight: number; clientHeight: number }) => el.scrollHeight - el.clientHeight - el.scrollTop)).toBeLessThanOrEqual(1)
      await shot('bootlog')

      // Compare (under 5.10: the ≤ 5.13 prediction): the last row of the result
      await page.getByTestId('view-tab-compare').click()
      await page.getByTestId('compare-kernel').fill('5.10')
      await page.getByTestId('compare-run').click()
      await expect(page.getByTestId('compare-totals')).toBeVisible()
      await reachesEnd(page, 'compare', page.getByTestId('compare-bootlog'))
      await shot('compare')
      expect(errors).toEqual([])
    })

    test('Compare under 5.10 on the 4-node server: a result, an enabled button, a stale mark after an edit', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      await page.getByTestId('view-tab-compare').click()
      await page.getByTestId('compare-kernel').fill('5.10')
      const run = page.getByTestId('compare-run')
      await run.click()
      await expect(page.getByTestId('compare-totals')).toContainText('present pages')
      // kernels ≤ 5.13 print "On node N totalpages" and per-zone memmap lines that 6.x does not
      await expect(page.getByTestId('compare-bootlog')).toContainText('totalpages')
      await expect(run).toBeEnabled()
      await expect(page.getByTestId('compare-stale')).toHaveCount(0)

      // an edit: the result is marked stale (visible, and announced), with a Re-run
      await typeAtEnd(page, '\n# an edit after comparing')
      const stale = page.getByTestId('compare-stale')
      await expect(stale).toBeVisible()
      await expect(stale).toHaveAttribute('role', 'status')
      await expect(stale).toContainText('stale — the scenario changed')
      await page.screenshot({ path: test.info().outputPath(`compare-stale-${size.width}.png`) })
      await expect(page.getByTestId('status')).toHaveText('up to date')
      await page.getByTestId('compare-rerun').click()
      await expect(stale).toHaveCount(0)
      await expect(page.getByTestId('compare-totals')).toContainText('present pages')

      // re-run on edit: the next analysed edit compares again by itself
      await page.getByTestId('compare-auto').check()
      await typeAtEnd(page, '\n# another edit')
      await expect(page.getByTestId('status')).toHaveText('up to date')
      await expect(stale).toHaveCount(0)
      await expect(page.getByTestId('compare-totals')).toContainText('present pages')
      await expect(run).toBeEnabled()
      expect(errors).toEqual([])
    })

    test('Compare shows its errors in the view', async ({ appPage: page }) => {
      await openExample(page, 'x86-laptop.yaml')
      await page.getByTestId('view-tab-compare').click()
      await page.getByTestId('compare-kernel').fill('not-a-version')
      await page.getByTestId('compare-run').click()
      const error = page.getByTestId('compare-view').locator('.error')
      await expect(error).toBeVisible()
      await expect(error).toContainText(/\S/)
      await expect(page.getByTestId('compare-run')).toBeEnabled()
    })
  })
}
