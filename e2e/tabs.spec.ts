// The views' tab strip (issue 11): at 1280×800 and 1600×1000 no tab label is clipped or
// ends in "…", and every tab is on screen without scrolling the strip. Where the full
// titles do not fit (a narrow views pane), every tab shows its short title and keeps the
// full one as its tooltip and accessible name; as the pane widens the full titles return.
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { openExample, SIZES } from './views-helpers.ts'

const FULL = ['Physical map', 'Sections & memmap', 'NOMAP & holes', 'Costs', 'Boot log', 'Compare']
const SHORT = ['Map', 'Sections', 'NOMAP', 'Costs', 'Boot log', 'Compare']

/** Every tab shown whole: its text inside its box, its box inside the strip, the strip not scrolled. */
async function tabsWhole(page: Page): Promise<string[]> {
  const strip = page.getByTestId('views')
  const s = (await strip.boundingBox())!
  expect(await strip.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1)
  const tabs = strip.getByRole('tab')
  await expect(tabs).toHaveCount(FULL.length)
  const texts: string[] = []
  for (let i = 0; i < FULL.length; i++) {
    const tab: Locator = tabs.nth(i)
    const text = (await tab.textContent())!.trim()
    texts.push(text)
    expect(text).not.toMatch(/…|\.\.\.$/)
    expect(await tab.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth <= el.clientWidth + 1), text).toBe(true)
    const b = (await tab.boundingBox())!
    expect(b.x, text).toBeGreaterThanOrEqual(s.x - 1)
    expect(b.x + b.width, text).toBeLessThanOrEqual(s.x + s.width + 1)
    // the full title is the tooltip and the accessible name whatever the tab shows
    await expect(tab).toHaveAttribute('title', new RegExp(`^${FULL[i]} \\(Alt\\+${i + 1}\\)$`))
    await expect(tab).toHaveAccessibleName(FULL[i])
  }
  return texts
}

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('every tab label is whole and on screen; a narrow pane shows the short titles', async ({ appPage: page }) => {
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      // the default layout (no width kept from an earlier test)
      await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear())
      await page.reload()
      await openExample(page, 'x86-4node-server.yaml')
      // the Compare tab, selected, in its bolder weight
      await page.getByTestId('view-tab-compare').click()
      const texts = await tabsWhole(page)
      expect([FULL, SHORT]).toContainEqual(texts)
      await page.screenshot({ path: test.info().outputPath(`tabs-${size.width}.png`) })

      // the splitter dragged right, the views pane narrow: the short titles, still whole
      const splitter = page.getByRole('separator', { name: 'Resize the editor and the views' })
      const b = (await splitter.boundingBox())!
      const views = page.locator('section.results')
      const x = b.x + b.width / 2
      const y = b.y + b.height / 2
      await page.mouse.move(x, y)
      await page.mouse.down()
      const target = size.width - 480
      for (let i = 1; i <= 10; i++) await page.mouse.move(x + ((target - x) * i) / 10, y)
      await page.mouse.up()
      await expect.poll(async () => (await views.boundingBox())!.width).toBeLessThan(560)
      await expect.poll(() => tabsWhole(page)).toEqual(SHORT)

      // and wide again: the full titles
      const b2 = (await splitter.boundingBox())!
      await page.mouse.move(b2.x + b2.width / 2, y)
      await page.mouse.down()
      for (let i = 1; i <= 10; i++) await page.mouse.move(b2.x + b2.width / 2 - 60 * i, y)
      await page.mouse.up()
      await expect.poll(async () => (await views.boundingBox())!.width).toBeGreaterThan(800)
      await expect.poll(() => tabsWhole(page)).toEqual(FULL)
      await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear())
    })
  })
}
