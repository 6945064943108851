// From a figure to its source and back (issue 11): a click (or Enter) on a region,
// node, zone or section selects the scenario line it comes from; the entry under the
// editor's cursor is marked in the drawing; "Find pfn / address" answers which node,
// zone, section, memblock region and memmap address hold it. At 1280×800 and 1600×1000.
//
// Expected lines are read off the examples by hand: resources/examples/x86-laptop.yaml
// has firmware.map[0] on line 10, so map[i] is on line 10 + i.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

type Ed = {
  getSelection(): { startLineNumber: number; endLineNumber: number } | null
  getModel(): { getLineContent(n: number): string }
  getValue(): string
  setValue(t: string): void
  setPosition(p: { lineNumber: number; column: number }): void
  focus(): void
}
/** The text of the editor's (primary) selection's first line, trimmed, and its line number. */
function selectedLine(page: Page): Promise<{ line: number; text: string }> {
  return page.evaluate(() => {
    const e = (globalThis as unknown as { __editor: Ed }).__editor
    const s = e.getSelection()
    return s ? { line: s.startLineNumber, text: e.getModel().getLineContent(s.startLineNumber).trim() } : { line: 0, text: '' }
  })
}

const MAP15 = '- { start: 0x0100000000, last: 0x042e2fffff, type: usable }'

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('a click on a figure element selects the scenario line it comes from', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-laptop.yaml')
      await page.getByTestId('view-tab-map').click()
      const map = page.getByTestId('drawing-map')
      // the RAM above 4 GiB: memblock.memory [0x100000000, 0x42e300000) from map[15]
      await map.locator('[data-kind="region"][data-start="0x100000000"]').click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 25, text: MAP15 })
      await expect(page.getByTestId('hover-map')).toContainText('line 25 (firmware.map[15])')
      // the region table under the drawing: a region's start goes to its line too
      // (memblock.memory[1] = [0x100000, 0x9d00000) from map[2], line 12)
      await page.getByTestId('region-table').getByRole('button', { name: '0x000100000' }).click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 12, text: '- { start: 0x0000100000, last: 0x0009cfffff, type: usable }' })
      await expect(page.getByTestId('region-table-said')).toContainText('line 12 (firmware.map[2])')

      // a zone's limits come from the arch preset: ZONE_NORMAL → `arch: x86_64` (line 6)
      await map.locator('[data-kind="zone"][data-zone="Normal"]').first().click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 6, text: 'arch: x86_64' })

      // the keyboard: Enter on a section of Sections & memmap does what a click does.
      // Section 0 ([0, 128 MiB)) holds usable map[0] (line 10) and map[2]; map[0] first
      await page.getByTestId('view-tab-sections').click()
      const row = page.getByTestId('drawing-sections').locator('[data-kind="section-row"][data-section="0"]')
      await row.focus()
      await page.keyboard.press('Enter')
      await expect.poll(() => selectedLine(page)).toEqual({ line: 10, text: '- { start: 0x0000000000, last: 0x000009efff, type: usable }' })
      await page.screenshot({ path: test.info().outputPath(`click-through-${size.width}.png`) })
      expect(errors).toEqual([])
    })

    test('a node selects its numa entry; with errors in the text, no line is selected', async ({ appPage: page }) => {
      await openExample(page, 'x86-4node-server.yaml')
      await page.getByTestId('view-tab-map').click()
      const map = page.getByTestId('drawing-map')
      // node 2 is numa.nodes[2]: `- id: 2` on line 30
      await map.locator('[data-kind="node"][data-nid="2"]').click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 30, text: '- id: 2' })
      // break the text: the views keep the last good result, and a click selects nothing
      await page.evaluate(() => {
        const e = (globalThis as unknown as { __editor: Ed }).__editor
        e.setValue(e.getValue().replace('arch: x86_64', 'arch: x86_65'))
        e.setPosition({ lineNumber: 1, column: 1 })
      })
      await expect(page.getByTestId('status')).toContainText('error')
      await map.locator('[data-kind="node"][data-nid="1"]').click()
      await expect(page.getByTestId('hover-map')).toContainText('last good result')
      expect((await selectedLine(page)).line).toBe(1)
    })

    test('the cursor on a firmware entry marks the elements over its range', async ({ appPage: page }) => {
      await openExample(page, 'x86-laptop.yaml')
      await page.getByTestId('view-tab-map').click()
      const map = page.getByTestId('drawing-map')
      await expect(map.locator('.linked')).toHaveCount(0)
      // click into map[15]'s line in the editor
      await page.locator('.monaco-editor .view-line', { hasText: 'start: 0x0100000000' }).click()
      const region = map.locator('[data-kind="region"][data-start="0x100000000"]')
      await expect(region).toHaveClass(/\blinked\b/)
      // the node over it is marked too; the low RAM below 1 MiB is not
      await expect(map.locator('[data-kind="node"].linked')).toHaveCount(1)
      await expect(map.locator('[data-kind="region"][data-start="0x1000"]')).not.toHaveClass(/\blinked\b/)
      // every marked element overlaps [0x100000000, 0x42e300000)
      const starts = await map
        .locator('[data-kind="region"].linked, [data-kind="reserved"].linked, [data-kind="hole"].linked')
        .evaluateAll((els) =>
          els.map((e) => [
            parseInt((e as unknown as { getAttribute(n: string): string }).getAttribute('data-start'), 16),
            parseInt((e as unknown as { getAttribute(n: string): string }).getAttribute('data-end'), 16)
          ])
        )
      expect(starts.length).toBeGreaterThan(0)
      for (const [s, e] of starts) expect(s < 0x42e300000 && e > 0x100000000, `${s.toString(16)}-${e.toString(16)}`).toBe(true)
      await page.screenshot({ path: test.info().outputPath(`cursor-marks-${size.width}.png`) })
      // the cursor on `arch:` (no range): nothing marked
      await page.locator('.monaco-editor .view-line', { hasText: 'arch: x86_64' }).click()
      await expect(map.locator('.linked')).toHaveCount(0)
    })

    test('find pfn / address: node, zone, section, memblock region and memmap address', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-laptop.yaml')
      // without KASLR the vmemmap base is fixed: 0xffffea0000000000 (x86_64 4-level,
      // Documentation/arch/x86/x86_64/mm.rst)
      await page.evaluate(() => {
        const e = (globalThis as unknown as { __editor: Ed }).__editor
        e.setValue(e.getValue() + 'memmap:\n  kaslr: false\n')
      })
      await expect(page.getByTestId('status')).toHaveText('up to date')
      await page.getByTestId('view-tab-map').click()
      await page.locator('.monaco-editor .view-lines').first().click()
      // Ctrl+Alt+L (View › Find pfn / Address) reaches the box from the editor
      await page.keyboard.press('Control+Alt+l')
      const input = page.getByTestId('lookup-input')
      await expect(input).toBeFocused()
      await input.fill('pfn:0x100000')
      await input.press('Enter')
      // pfn 0x100000 = 4 GiB: node 0 (no numa: one node), ZONE_NORMAL (from 4 GiB on x86_64),
      // section 0x100000 >> 15 = 32, memblock.memory's sixth region (usable map[15]),
      // struct page at vmemmap_base + 0x100000 × 64 = 0xffffea0004000000
      await expect(page.getByTestId('lookup-head')).toHaveText('0x0000000100000000 = pfn 0x100000 (1,048,576)')
      await expect(page.getByTestId('lookup-node')).toContainText('0, spanning pfn [0x1-')
      await expect(page.getByTestId('lookup-zone')).toContainText('Normal of node 0, spanning pfn [0x100000-')
      await expect(page.getByTestId('lookup-section')).toHaveText('32, pfn [0x100000-0x107fff]: present, online, early, node 0')
      await expect(page.getByTestId('lookup-memory')).toHaveText('[5] [mem 0x0000000100000000-0x000000042e2fffff] node 0')
      await expect(page.getByTestId('lookup-struct-page')).toContainText('0xffffea0004000000')
      // the views mark the page: the region holding 4 GiB
      const map = page.getByTestId('drawing-map')
      await expect(map.locator('[data-kind="region"][data-start="0x100000000"]')).toHaveClass(/\blinked\b/)
      await page.screenshot({ path: test.info().outputPath(`lookup-${size.width}.png`) })
      // the firmware row goes to its line
      await page.getByTestId('lookup-firmware').getByRole('button').click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 25, text: MAP15 })
      await expect(page.getByTestId('lookup-said')).toContainText('line 25 (firmware.map[15])')
      // Esc closes the answer
      await input.focus()
      await page.keyboard.press('Escape')
      await expect(page.getByTestId('lookup-answer')).toHaveCount(0)
      expect(errors).toEqual([])
    })

    test('find pfn / address: a bad query shows its error in the box', async ({ appPage: page }) => {
      await openExample(page, 'x86-laptop.yaml')
      const input = page.getByTestId('lookup-input')
      await input.fill('0xZZ')
      await page.getByTestId('lookup-go').click()
      await expect(page.getByTestId('lookup-error')).toContainText('an address is hex (0x…) or decimal')
      await expect(input).toHaveAttribute('aria-invalid', 'true')
      await input.fill('pfn:4G')
      await input.press('Enter')
      await expect(page.getByTestId('lookup-error')).toContainText('a pfn is hex (0x…) or decimal, without a suffix')
      // a good query replaces the error
      await input.fill('4G')
      await input.press('Enter')
      await expect(page.getByTestId('lookup-error')).toHaveCount(0)
      await expect(page.getByTestId('lookup-section')).toContainText('32,')
    })
  })
}
