// Sections & memmap pages through every present section (issue 11): the drawing lays out
// one page of 16 rows at a time (virtualised: never all sections), and the pager reaches
// the last section of the 4-node server's 16 365.
import { expect, test } from './fixtures.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('Sections & memmap: first, next, last and a typed section; 16 rows drawn at a time', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      // the totals of this example (the status may still be the previous example's a moment)
      const present = async (): Promise<number> => Number(((await page.getByTestId('present-sections').textContent()) ?? '').replace(/\D/g, ''))
      await expect.poll(present).toBeGreaterThan(1000)
      const total = await present()
      await page.getByTestId('view-tab-sections').click()
      const view = page.getByTestId('view-sections')
      const rows = view.locator('[data-kind="section-row"]')
      const pageText = page.getByTestId('sections-page')
      await expect(pageText).toHaveText(`1–16 of ${total.toLocaleString('en-US')}`)
      await expect(rows).toHaveCount(16)
      await expect(rows.first()).toHaveAttribute('data-index', '0')

      await page.getByTestId('sections-next').click()
      await expect(pageText).toHaveText(`17–32 of ${total.toLocaleString('en-US')}`)
      await expect(rows.first()).toHaveAttribute('data-index', '16')
      await expect(rows).toHaveCount(16)

      await page.getByTestId('sections-last').click()
      await expect(pageText).toHaveText(`${(total - 15).toLocaleString('en-US')}–${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`)
      await expect(rows.last()).toHaveAttribute('data-index', String(total - 1))
      await expect(rows).toHaveCount(16)
      await expect(page.getByTestId('sections-next')).toBeDisabled()

      await page.getByTestId('sections-jump').fill('1000')
      await page.getByTestId('sections-jump').press('Enter')
      await expect(rows.first()).toHaveAttribute('data-index', '999')
      await page.getByTestId('sections-prev').click()
      await expect(rows.first()).toHaveAttribute('data-index', '983')
      await page.getByTestId('sections-first').click()
      await expect(rows.first()).toHaveAttribute('data-index', '0')
      await expect(page.getByTestId('sections-prev')).toBeDisabled()
      // the last row of a page is reachable from the keyboard: PageDown on the view brings it in.
      // A PageDown scrolls smoothly: the row is looked at once it has stopped moving (read in
      // mid-scroll, it looked out of view, and one PageDown more took it past the pane's top)
      await view.focus()
      const top = (): Promise<number> => rows.last().evaluate((r) => (r as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top)
      const settled = async (): Promise<void> => {
        let last = NaN
        await expect.poll(async () => last === (last = await top()), { intervals: [100] }).toBe(true)
      }
      // in: inside the window and the box of every element around it that clips (the
      // pane's scroller ends above the status bar)
      const shown = (): Promise<boolean> =>
        rows.last().evaluate((r) => {
          type Box = { top: number; bottom: number }
          type El = { getBoundingClientRect(): Box; parentElement: El | null }
          const g = globalThis as unknown as { innerHeight: number; getComputedStyle(e: El): { overflowY: string } }
          const b = (r as unknown as El).getBoundingClientRect()
          if (b.top < 0 || b.bottom > g.innerHeight) return false
          for (let p = (r as unknown as El).parentElement; p; p = p.parentElement) {
            if (g.getComputedStyle(p).overflowY === 'visible') continue
            const c = p.getBoundingClientRect()
            if (b.top < c.top || b.bottom > c.bottom) return false
          }
          return true
        })
      for (let i = 0; i < 12; i++) {
        await settled()
        if (await shown()) break
        await page.keyboard.press('PageDown')
      }
      await expect(rows.last()).toBeInViewport()
      expect(errors).toEqual([])
    })
  })
}
