// The splitter between the editor and the views (issue 11): a drag changes the views
// pane's width and the width survives a reload; it is a focusable separator that the
// arrow keys move; Enter returns to the default layout. At 1280×800 and 1600×1000.
import { expect, test } from './fixtures.ts'
import { MIN_VIEWS_PX, STORAGE_KEY } from '../src/renderer/src/lib/splitter.ts'
import { VIEWS } from '../src/renderer/src/lib/views.ts'
import { openExample, SIZES } from './views-helpers.ts'

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('drag the splitter: the views widen, and stay so after a reload', async ({ appPage: page }) => {
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      // a fresh start: no width kept from an earlier test
      await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear())
      await page.reload()
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })

      const views = page.locator('section.results')
      const editor = page.locator('section.editor-column')
      const splitter = page.getByRole('separator', { name: 'Resize the editor and the views' })
      await expect(splitter).toBeVisible()
      await expect(splitter).toHaveAttribute('aria-orientation', 'vertical')
      const before = (await views.boundingBox())!.width
      const s = (await splitter.boundingBox())!
      const x = s.x + s.width / 2
      const y = s.y + s.height / 2
      await page.mouse.move(x, y)
      await page.mouse.down()
      for (let i = 1; i <= 10; i++) await page.mouse.move(x - 20 * i, y)
      await page.mouse.up()
      // the pointer moved 200 px left: the views pane is 200 px wider, the editor narrower
      await expect.poll(async () => Math.round((await views.boundingBox())!.width - before)).toBeGreaterThanOrEqual(195)
      const dragged = (await views.boundingBox())!.width
      expect(dragged - before).toBeLessThanOrEqual(205)
      expect((await editor.boundingBox())!.width).toBeLessThan(size.width - before - 150)
      await page.screenshot({ path: test.info().outputPath(`splitter-${size.width}.png`) })

      await page.reload()
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(Math.round(dragged))

      // the keyboard: ArrowLeft widens by 16 px, Shift+ArrowRight narrows by 64 px
      await splitter.focus()
      await page.keyboard.press('ArrowLeft')
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(Math.round(dragged) + 16)
      await page.keyboard.press('Shift+ArrowRight')
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(Math.round(dragged) + 16 - 64)
      const valuenow = Number(await splitter.getAttribute('aria-valuenow'))
      expect(valuenow).toBeGreaterThan(0)
      expect(valuenow).toBeLessThan(100)

      // Enter: back to the default layout, kept across a reload too
      await page.keyboard.press('Enter')
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(Math.round(before))
      await page.reload()
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(Math.round(before))
    })

    test('the splitter never squeezes either side away', async ({ appPage: page }) => {
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      const views = page.locator('section.results')
      const editor = page.locator('section.editor-column')
      const splitter = page.getByTestId('splitter')
      await splitter.focus()
      await page.keyboard.press('Home')
      // the views at their widest leave the editor 320 px
      await expect.poll(async () => Math.round((await editor.boundingBox())!.width)).toBeGreaterThanOrEqual(319)
      await page.keyboard.press('End')
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(MIN_VIEWS_PX)
      await page.keyboard.press('Enter')
    })

    test('at the narrowest views pane the splitter allows, no view scrolls sideways', async ({ appPage: page }) => {
      await openExample(page, 'arm64-uefi-server.yaml')
      const views = page.locator('section.results')
      // drag the splitter as far right as it goes (past the window's edge)
      const s = (await page.getByTestId('splitter').boundingBox())!
      await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2)
      await page.mouse.down()
      for (let x = s.x; x <= size.width; x += 60) await page.mouse.move(x, s.y + s.height / 2)
      await page.mouse.move(size.width - 1, s.y + s.height / 2)
      await page.mouse.up()
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(MIN_VIEWS_PX)
      await expectNoSidewaysScroll(page)
      await page.screenshot({ path: test.info().outputPath(`narrowest-views-${size.width}.png`) })

      // a width kept by an earlier session under the minimum (360 was the old one) comes back clamped
      await page.evaluate(([k]) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(k, '360'), [STORAGE_KEY])
      await page.reload()
      await openExample(page, 'x86-4node-server.yaml')
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(MIN_VIEWS_PX)
      await expectNoSidewaysScroll(page)
      await page.getByTestId('splitter').focus()
      await page.keyboard.press('Enter')
    })

    test('a narrower window keeps the views pane wide enough to re-flow', async ({ appPage: page }) => {
      await openExample(page, 'arm64-uefi-server.yaml')
      // the default layout (46 %) at a window just wide enough for editor and views side by side
      await page.setViewportSize({ width: 1000, height: size.height })
      await expect.poll(async () => Math.round((await page.locator('section.results').boundingBox())!.width)).toBeGreaterThanOrEqual(MIN_VIEWS_PX)
      await expectNoSidewaysScroll(page)
    })
  })
}

type Box = { scrollWidth: number; clientWidth: number }

/** Every view, shown in turn: neither its panel nor its drawing is wider than it shows. */
async function expectNoSidewaysScroll(page: import('@playwright/test').Page): Promise<void> {
  for (const v of VIEWS) {
    await page.getByTestId(`view-tab-${v.id}`).click()
    const panel = page.getByTestId(`view-${v.id}`)
    await expect(panel).toBeVisible()
    if (v.panel === 'map' || v.panel === 'drawing') await expect(page.getByTestId(`drawing-${v.id}`).locator('svg').first()).toBeVisible()
    // the drawing is laid out for the pane once its width is known
    await expect
      .poll(
        async () =>
          panel.evaluate((el) => {
            const wide = (e: Box): boolean => e.scrollWidth > e.clientWidth + 1
            const drawing = (el as unknown as { querySelector(s: string): Box | null }).querySelector('[data-testid^="drawing-"]')
            return { panel: wide(el as unknown as Box), drawing: drawing ? wide(drawing) : false }
          }),
        { message: `${v.id} scrolls sideways` }
      )
      .toEqual({ panel: false, drawing: false })
  }
}
