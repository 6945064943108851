// One number format in the app (issue 11), at 1280×800 and 1600×1000: the totals cards
// print their figures with thousands separators, their sizes in binary units, and carry
// the formula and the kernel function on hover; Compare prints sizes in binary units with
// the exact bytes on hover and an order of −1 as "none" with why. The figures are worked
// out from the examples' firmware maps.
import { expect, test } from './fixtures.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('totals cards: separators, binary units, formula and kernel function on hover', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      // the 4-node server: 133,648,283 + 2 × 134,217,728 + 134,152,192 present pages
      await openExample(page, 'x86-4node-server.yaml')
      const card = (id: string) => page.getByTestId(`total-card-${id}`)
      await expect(page.getByTestId('present-pages')).toHaveText('536,235,931')
      // × 4 KiB: 2,144,943,724 KiB (the kernel's figure, under the card's) = 1.998 TiB
      await expect(page.getByTestId('total-kib')).toHaveText('2,144,943,724')
      await expect(card('memory-total').locator('.v')).toHaveText('1.998TiB')
      await expect(card('memory-total').locator('.s')).toHaveText('2,144,943,724 KiB')
      await expect(page.getByTestId('nodes')).toHaveText('4')
      await expect(card('present-pages')).toHaveAttribute('title', /calculate_node_totalpages\(\)/)
      await expect(card('present-pages')).toHaveAttribute('title', /133,648,283 \(node 0\) \+ 134,217,728 \(node 1\)/)
      await expect(card('memory-total')).toHaveAttribute('title', /mem_init_print_info\(\)/)
      await expect(card('memory-total')).toHaveAttribute('title', /= 1\.998 TiB \(2,196,422,373,376 bytes\)/)
      await expect(card('nodes')).toHaveAttribute('title', /free_area_init_node\(\)/)
      await expect(card('present-sections')).toHaveAttribute('title', /memblocks_present\(\)/)
      // every card: a figure with separators that is shown whole (not clipped by its card)
      for (const id of ['present-pages', 'memory-total', 'nodes', 'present-sections']) {
        const v = card(id).locator('.v')
        await expect(v).toHaveText(id === 'memory-total' ? /^\d+(\.\d+)?[KMGTP]iB$/ : /^\d{1,3}(,\d{3})*$/)
        const whole = (el: { scrollWidth: number; clientWidth: number }): boolean => el.scrollWidth <= el.clientWidth + 1
        expect(await v.evaluate(whole), id).toBe(true)
        expect(await card(id).locator('.s').evaluate(whole), `${id} sub`).toBe(true)
        // one line each: the cards keep the height they had (the views below keep theirs)
        expect((await card(id).locator('.s').boundingBox())!.height, `${id} sub`).toBeLessThan(20)
      }
      await page.screenshot({ path: test.info().outputPath(`totals-${size.width}.png`) })
      expect(errors).toEqual([])
    })

    test('Compare: binary units with the exact bytes on hover, an order of −1 is "none" and says why', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-laptop.yaml')
      await page.getByTestId('view-tab-compare').click()
      await page.getByTestId('compare-mode').selectOption('kmsan')
      await page.getByTestId('compare-run').click()
      const totals = page.getByTestId('compare-totals')
      // 126 present sections × 32,768 struct pages × 64 bytes, and × 80 with KMSAN
      const memmap = totals.locator('tr', { hasText: 'memmap (struct page arrays)' })
      await expect(memmap.locator('td')).toHaveText(['memmap (struct page arrays)', '252 MiB', '315 MiB', '+63 MiB'])
      await expect(memmap.locator('td').nth(1)).toHaveAttribute('title', /264,241,152 bytes = 252 MiB/)
      await expect(memmap.locator('td').nth(3)).toHaveAttribute('title', /B − A = \+66,060,288 bytes/)
      await expect(memmap.locator('td').first()).toHaveAttribute('title', /sparse_init_nid\(\)/)
      await expect(totals.locator('tr', { hasText: 'present pages' }).locator('td').nth(1)).toHaveText('4,095,760 pages')
      // a 1 GiB-aligned vmemmap holds 2^24 struct pages of 64 bytes; none of 80 (2^30 is no multiple of 80)
      const order = page.getByTestId('compare-figures').locator('tr[data-figure="folio.max-aligned-order"] td')
      await expect(order.nth(1)).toHaveText('24')
      await expect(order.nth(2)).toHaveText('none')
      await expect(order.nth(2)).toHaveAttribute('title', /order is −1, no order qualifies \(not even order 0\)/)
      // no raw figure anywhere in the result: no "-1", no unseparated five-digit number
      const cells = await page.locator('[data-testid="compare-view"] td.num').allTextContents()
      expect(cells.length).toBeGreaterThan(20)
      for (const c of cells) expect(c, c).not.toMatch(/^-1$|\d{5}|\(/)
      // both tables fit the pane: the B − A column is on screen
      for (const t of ['compare-totals', 'compare-figures'])
        expect(await page.getByTestId(t).evaluate((el: { scrollWidth: number; parentElement: { clientWidth: number } }) => el.scrollWidth <= el.parentElement.clientWidth + 1), t).toBe(true)
      // a rounded size in a cell, every byte on hover: 4,095 freed vmemmap pages of 4 KiB per 1 GiB page
      const freed = page.getByTestId('compare-figures').locator('tr[data-figure="hvo.page.1G.freed-bytes"] td')
      await expect(freed).toHaveText([/hvo\.page\.1G\.freed-bytes/, '15.996 MiB', '0 bytes', '−15.996 MiB'])
      await expect(freed.nth(1)).toHaveAttribute('title', /16,773,120 bytes = 15\.996 MiB/)
      await page.screenshot({ path: test.info().outputPath(`compare-${size.width}.png`) })
      expect(errors).toEqual([])
    })
  })
}
