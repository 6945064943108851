// Help inside the app (issue 11): Help › Documentation shows the README's table of the
// views (each row shows its view) and the kernel functions the engine models; Help ›
// Guided Tour walks the views of the example, one card per view, in sight at both sizes.
import { expect, test } from './fixtures.ts'
import { menu } from './helpers.ts'
import { TOUR } from '../src/renderer/src/lib/tour.ts'
import { VIEWS } from '../src/renderer/src/lib/views.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('Help › Documentation: the views table and the kernel references; a row shows its view', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-laptop.yaml')
      await menu(page, 'help', 'help.docs')
      const dialog = page.getByTestId('docs-dialog')
      await expect(dialog).toBeVisible()
      const views = page.getByTestId('docs-views')
      for (const v of VIEWS) await expect(views.locator('tbody th'), v.title).toContainText([v.title])
      await expect(views).toContainText('double-click a bar')
      const kernel = page.getByTestId('docs-kernel')
      await expect(kernel).toContainText('memblock_add_range')
      await expect(kernel).toContainText('sparse_init_nid')
      await expect(kernel.locator('code').first()).toBeVisible()
      // the dialog fits the window; its content scrolls inside
      const box = (await dialog.boundingBox())!
      expect(box.y + box.height).toBeLessThanOrEqual(size.height)
      await page.getByTestId('docs-show-nomap').click()
      await expect(dialog).toHaveCount(0)
      await expect(page.getByTestId('view-tab-nomap')).toHaveAttribute('aria-selected', 'true')
      expect(errors).toEqual([])
    })

    test('Help › Guided Tour: a card per view over the example, Back/Next/arrows, Escape ends it', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      await menu(page, 'help', 'help.tour')
      const card = page.getByTestId('tour')
      await expect(card).toBeVisible()
      await expect(page.getByTestId('tour-count')).toHaveText(`Tour · 1 of ${TOUR.length}`)
      await expect(page.getByTestId('tour-title')).toHaveText(TOUR[0].title)
      for (let i = 1; i < TOUR.length; i++) {
        await page.getByTestId('tour-next').click()
        await expect(page.getByTestId('tour-title')).toHaveText(TOUR[i].title)
        const view = TOUR[i].view
        if (view) {
          await expect(page.getByTestId(`view-tab-${view}`)).toHaveAttribute('aria-selected', 'true')
          await expect(page.getByTestId(`view-${view}`)).toBeVisible()
        }
        // the card is in the window, and leaves the tabs and most of the view in sight
        const b = (await card.boundingBox())!
        expect(b.x).toBeGreaterThanOrEqual(0)
        expect(b.x + b.width).toBeLessThanOrEqual(size.width)
        expect(b.y + b.height).toBeLessThanOrEqual(size.height)
        const tabs = (await page.getByTestId('views').boundingBox())!
        expect(b.y).toBeGreaterThan(tabs.y + tabs.height)
      }
      await expect(page.getByTestId('tour-next')).toHaveText('Done')
      // the keyboard: ← goes back (focus is on the card), Escape ends the tour
      await page.keyboard.press('ArrowLeft')
      await expect(page.getByTestId('tour-title')).toHaveText(TOUR[TOUR.length - 2].title)
      await page.keyboard.press('Escape')
      await expect(card).toHaveCount(0)
      // the tour is open from the documentation too
      await menu(page, 'help', 'help.docs')
      await page.getByTestId('docs-tour').click()
      await expect(page.getByTestId('docs-dialog')).toHaveCount(0)
      await expect(page.getByTestId('tour-title')).toHaveText(TOUR[0].title)
      await page.getByTestId('tour-close').click()
      await expect(card).toHaveCount(0)
      expect(errors).toEqual([])
    })
  })
}
