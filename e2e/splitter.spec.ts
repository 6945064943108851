// The splitter between the editor and the views (issue 11): a drag changes the views
// pane's width and the width survives a reload; it is a focusable separator that the
// arrow keys move; Enter returns to the default layout. At 1280×800 and 1600×1000.
import { expect, test } from './fixtures.ts'
import { SIZES } from './views-helpers.ts'

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
      await expect.poll(async () => Math.round((await views.boundingBox())!.width)).toBe(360)
      await page.keyboard.press('Enter')
    })
  })
}
