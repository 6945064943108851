// Text in the drawings is legible and zoom is smooth (issue 11): at the default zoom the
// smallest text of every drawn view is at least 11 px on screen, measured in the page
// (the computed font size × the drawing's scale, getBoundingClientRect against the
// viewBox), and the drawing is laid out for the pane: it re-flows to the pane's width,
// so nothing scrolls sideways (at 1280×800 with the default splitter too); Ctrl+wheel
// zooms in small steps about the pointer and never past an edge; fit width shows the
// whole width.
import { expect, test } from './fixtures.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

type El = {
  getBoundingClientRect(): { left: number; top: number; width: number; height: number }
  querySelectorAll(s: string): El[]
  textContent: string | null
  viewBox: { baseVal: { width: number } }
}

/** the smallest on-screen font size (px) of the drawn texts of a view's SVG */
async function smallestText(page: import('@playwright/test').Page, view: string): Promise<{ px: number; text: string; count: number }> {
  return page
    .getByTestId(`drawing-${view}`)
    .locator('svg')
    .first()
    .evaluate((root) => {
      const svg = root as unknown as El
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
      const cs = (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string; display: string; visibility: string } }).getComputedStyle
      let px = Infinity
      let text = ''
      let count = 0
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent?.trim()) continue
        const st = cs(t)
        if (st.display === 'none' || st.visibility === 'hidden') continue
        count++
        const size = parseFloat(st.fontSize) * scale
        if (size < px) {
          px = size
          text = t.textContent
        }
      }
      return { px, text, count }
    })
}

/**
 * The drawn texts (as the browser laid them out) that overlap another or run past the
 * drawing's right edge: what the renderers' specs check with estimated metrics, here
 * with the page's own fonts. `slack` (px) forgives touching ink.
 */
async function textClashes(page: import('@playwright/test').Page, view: string, slack = 1.5): Promise<string[]> {
  return page
    .getByTestId(`drawing-${view}`)
    .locator('svg')
    .first()
    .evaluate((root, slack) => {
      const svg = root as unknown as El
      const edge = svg.getBoundingClientRect()
      const boxes = Array.from(svg.querySelectorAll('text'))
        .filter((t) => t.textContent?.trim())
        .map((t) => ({ r: t.getBoundingClientRect(), s: (t.textContent ?? '').replace(/\s+/g, ' ').slice(0, 40) }))
      const out: string[] = []
      for (const b of boxes) if (b.r.left + b.r.width > edge.left + edge.width + slack) out.push(`"${b.s}" past the right edge`)
      for (let i = 0; i < boxes.length; i++)
        for (let k = i + 1; k < boxes.length; k++) {
          const a = boxes[i].r
          const b = boxes[k].r
          if (a.left + slack < b.left + b.width - slack && b.left + slack < a.left + a.width - slack && a.top + slack < b.top + b.height - slack && b.top + slack < a.top + a.height - slack)
            out.push(`"${boxes[i].s}" overlaps "${boxes[k].s}"`)
        }
      return out
    }, slack)
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    for (const example of ['x86-4node-server.yaml', 'arm64-uefi-server.yaml']) {
      test(`${example}: every drawing fits the pane's width with its smallest text ≥ 11 px at the default zoom`, async ({ appPage: page }) => {
        const errors = watchErrors(page)
        await openExample(page, example)
        for (const view of ['map', 'sections', 'nomap', 'costs']) {
          await page.getByTestId(`view-tab-${view}`).click()
          await expect(page.getByTestId(`drawing-${view}`).locator('svg')).toBeVisible()
          // the default zoom has settled (it follows the drawing's smallest font)
          await expect.poll(async () => (await smallestText(page, view)).px, { message: view }).toBeGreaterThanOrEqual(10.99)
          const m = await smallestText(page, view)
          expect(m.count, view).toBeGreaterThan(5)
          // laid out for the pane: no sideways scrolling at the default zoom
          const box = page.getByTestId(`drawing-${view}`)
          const fit = async (): Promise<{ over: number; client: number; laid: number }> =>
            box.evaluate((el) => {
              const e = el as unknown as { scrollWidth: number; clientWidth: number; querySelector(s: string): { getAttribute(n: string): string | null } | null }
              return { over: e.scrollWidth - e.clientWidth, client: e.clientWidth, laid: Number(e.querySelector(':scope > svg')?.getAttribute('width')) }
            })
          await expect.poll(async () => (await fit()).over, { message: `${view} scrolls sideways` }).toBeLessThanOrEqual(1)
          // and re-flowed, not squeezed: no text over another, none past the edge (the page's fonts)
          expect(await textClashes(page, view), view).toEqual([])
          const f = await fit()
          test.info().annotations.push({
            type: 'smallest text',
            description: `${view}: ${m.px.toFixed(2)} px ("${m.text.slice(0, 40)}"); laid out at ${f.laid} px in a ${f.client}-px pane`
          })
        }
        await page.screenshot({ path: test.info().outputPath(`legible-${example}-${size.width}.png`) })
        expect(errors).toEqual([])
      })
    }

    test('NOMAP & holes: every policy card shows its title and versions in full, none cut with "…"', async ({ appPage: page }) => {
      for (const example of ['arm64-uefi-server.yaml', 'arm64-dt-board.yaml', 'x86-4node-server.yaml']) {
        await openExample(page, example)
        await page.getByTestId('view-tab-nomap').click()
        const cards = page.getByTestId('drawing-nomap').locator('[data-kind="policy"]')
        await expect(cards.first()).toBeVisible()
        // each card: its drawn lines hold every character of the title and versions its tooltip names
        const shown = await cards.evaluateAll((els) =>
          els.map((g) => {
            const e = g as unknown as { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { textContent: string | null }[] }
            const tip = (e.querySelector('title')?.textContent ?? '').split('\n')
            return { title: tip[0], versions: tip[1].replace(/^versions: /, ''), drawn: Array.from(e.querySelectorAll('text')).map((t) => t.textContent ?? '') }
          })
        )
        expect(shown.length, example).toBeGreaterThanOrEqual(4)
        const bare = (x: string): string => x.replace(/\s+/g, '')
        for (const c of shown) {
          expect(
            c.drawn.filter((t) => t.includes('…')),
            `${example}: ${c.title}`
          ).toEqual([])
          expect(bare(c.drawn.join('')), `${example}: ${c.title}`).toContain(bare(c.title) + bare(c.versions))
        }
        expect(
          await page
            .getByTestId('drawing-nomap')
            .locator('text')
            .evaluateAll((ts) => ts.map((t) => t.textContent ?? '').filter((t) => t.includes('…')))
        ).toEqual([])
      }
      await page.screenshot({ path: test.info().outputPath(`nomap-cards-${size.width}.png`) })
    })

    test('Ctrl+wheel zooms smoothly about the pointer, within the edges; fit width shows the whole width', async ({ appPage: page }) => {
      await openExample(page, 'x86-4node-server.yaml')
      await page.getByTestId('view-tab-costs').click()
      const box = page.getByTestId('drawing-costs')
      await expect(box.locator('svg')).toBeVisible()
      const scale = async (): Promise<number> => Number(await box.getAttribute('data-scale'))
      const start = await scale()
      const b = (await box.boundingBox())!
      const at = { x: b.x + b.width * 0.3, y: b.y + Math.min(b.height, 300) * 0.5 }
      await page.mouse.move(at.x, at.y)
      // what is under the pointer, in drawing px
      const under = async (): Promise<{ x: number; y: number }> =>
        box.evaluate((el, p) => {
          const e = el as unknown as { querySelector(s: string): { getBoundingClientRect(): { left: number; top: number } }; dataset: { scale: string } }
          const r = e.querySelector('svg').getBoundingClientRect()
          const k = Number(e.dataset.scale)
          return { x: (p.x - r.left) / k, y: (p.y - r.top) / k }
        }, at)
      const before = await under()
      await page.keyboard.down('Control')
      await page.mouse.wheel(0, -100)
      await page.keyboard.up('Control')
      await expect.poll(scale).toBeGreaterThan(start)
      const one = await scale()
      // one notch is a small step, not a jump to 200 %
      expect(one / start).toBeGreaterThan(1.05)
      expect(one / start).toBeLessThan(1.35)
      const after = await under()
      expect(Math.abs(after.x - before.x)).toBeLessThan(6)
      expect(Math.abs(after.y - before.y)).toBeLessThan(6)
      // a pinch (small deltas) zooms by less still
      await page.keyboard.down('Control')
      await page.mouse.wheel(0, -10)
      await page.keyboard.up('Control')
      await expect.poll(scale).toBeGreaterThan(one)
      expect((await scale()) / one).toBeLessThan(1.05)
      // zoomed far in: the view never scrolls past the drawing's edges
      await page.keyboard.down('Control')
      for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -100)
      await page.keyboard.up('Control')
      const edges = await box.evaluate((el) => {
        const e = el as unknown as { scrollLeft: number; scrollTop: number; scrollWidth: number; scrollHeight: number; clientWidth: number; clientHeight: number }
        return { left: e.scrollLeft, top: e.scrollTop, maxLeft: e.scrollWidth - e.clientWidth, maxTop: e.scrollHeight - e.clientHeight }
      })
      expect(edges.left).toBeGreaterThanOrEqual(0)
      expect(edges.left).toBeLessThanOrEqual(edges.maxLeft + 1)
      expect(edges.top).toBeLessThanOrEqual(edges.maxTop + 1)
      expect(await scale()).toBeLessThanOrEqual(4)
      // the buttons step too; fit width shows it all, with no sideways scrolling
      await page.getByTestId('zoom-out-costs').click()
      await page.getByTestId('zoom-costs').selectOption('fit')
      await expect
        .poll(async () => box.evaluate((el) => (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth - (el as unknown as { clientWidth: number }).clientWidth))
        .toBeLessThanOrEqual(1)
    })
  })
}
