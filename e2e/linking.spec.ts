// From a figure to its source and back (issue 11): a click (or Enter) on a region,
// node, zone or section selects the scenario line it comes from; the entry under the
// editor's cursor is marked in the drawing; "Find pfn / address" answers which node,
// zone, section, memblock region and memmap address hold it. At 1280×800 and 1600×1000.
//
// Expected lines are read off the examples by hand: resources/examples/x86-laptop.yaml
// has firmware.map[0] on line 10, so map[i] is on line 10 + i.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { menu } from './helpers.ts'
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
// a recorded QEMU boot of Debian's 6.1 (x86_64): the engine predicts it exactly
const LOG = join(import.meta.dirname, '../tests/fixtures/qemu-boots/x86_64-s7-000.log')

/** Click the predicted boot-log line `i` (0-based): the lines are 18 px apart, 8 px from the top. */
async function clickLogLine(page: Page, i: number): Promise<void> {
  const pre = page.getByTestId('bootlog')
  await pre.evaluate((el, i) => ((el as unknown as { parentElement: { parentElement: { scrollTop: number } } }).parentElement.parentElement.scrollTop = Math.max(0, i * 18 - 40)), i)
  await pre.click({ position: { x: 60, y: 8 + i * 18 + 9 } })
}

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

    test('Boot log: a predicted line goes to the scenario lines it comes from, by click or Enter', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      await page.getByTestId('view-tab-bootlog').click()
      const lines = (await page.getByTestId('bootlog').textContent())!.split('\n')
      // a zone's span: ZONE_DMA32's limits come from the arch preset (`arch: x86_64`, line 6)
      const dma32 = lines.findIndex((l) => l.startsWith('  DMA32    [mem '))
      await clickLogLine(page, dma32)
      await expect.poll(() => selectedLine(page)).toEqual({ line: 6, text: 'arch: x86_64' })
      await expect(page.getByTestId('bootlog-said')).toContainText(`line ${dma32 + 1}: line 6 (arch)`)
      // node 2's memblock range: the firmware entry over it (map[11], line 21), then node 2's entry (line 30)
      const node2 = lines.findIndex((l) => l.startsWith('  node   2: [mem 0x0000010000000000'))
      await clickLogLine(page, node2)
      await expect.poll(() => selectedLine(page)).toEqual({ line: 21, text: '- { start: 1024G, end: 1536G, type: usable }' })
      await expect(page.getByTestId('bootlog-said')).toContainText('line 21 (firmware.map[11]); also line 30')
      await expect(page.getByTestId('bootlog-active-line')).toBeVisible()
      // "Initmem setup node 3": node 3's entry (`- id: 3`, line 32)
      await clickLogLine(
        page,
        lines.findIndex((l) => l.startsWith('Initmem setup node 3'))
      )
      await expect.poll(() => selectedLine(page)).toEqual({ line: 32, text: '- id: 3' })

      // the keyboard: focus the lines, End to the last (HugeTLB's 2 MiB page), Enter: its pool (`- size: 2M`, line 39)
      await page.getByTestId('bootlog').focus()
      await page.keyboard.press('End')
      await expect(page.getByTestId('bootlog-said')).toContainText(`line ${lines.length} of ${lines.length}: HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page`)
      await page.keyboard.press('Enter')
      await expect.poll(() => selectedLine(page)).toEqual({ line: 39, text: '- size: 2M' })
      // ↑ then Enter: the 1 GiB pool (`- size: 1G`, line 37)
      await page.keyboard.press('ArrowUp')
      await page.keyboard.press('Enter')
      await expect.poll(() => selectedLine(page)).toEqual({ line: 37, text: '- size: 1G' })
      // a line that names nothing of the scenario says so
      await clickLogLine(
        page,
        lines.findIndex((l) => l.startsWith('x86/mm: Memory block size'))
      )
      await expect(page.getByTestId('bootlog-said')).toContainText('names no zone, node, range or page size')
      await page.screenshot({ path: test.info().outputPath(`bootlog-click-through-${size.width}.png`) })
      expect(errors).toEqual([])
    })

    test('Boot log: a row of the diff against a real log goes to the scenario lines it compares', async ({ workbench: page }) => {
      const errors = watchErrors(page)
      // the recorded log with one line changed: "-" the log's, "+" the prediction's
      const log = readFileSync(LOG, 'utf8').replace('On node 0, zone DMA: 97 pages in unavailable ranges', 'On node 0, zone DMA: 98 pages in unavailable ranges')
      await menu(page, 'file', 'file.import')
      await page.getByTestId('import-text').fill(log)
      await page.getByTestId('import-accept').click()
      await expect(page.getByTestId('bootlog-compare-summary')).toContainText('differing lines')
      const diff = page.getByTestId('bootlog-diff')
      // the "-" row: the holes of node 0's ZONE_DMA, from the imported scenario's firmware entries
      await diff.locator('.opdel').click()
      await expect(page.getByTestId('bootlog-diff-said')).toContainText(/^line \d+ \(firmware\.map\[\d+\]\).* — the \d* ?holes? in node 0's zone DMA/)
      const picked = await selectedLine(page)
      expect(picked.text).toMatch(/^- \{ start: /)
      // the keyboard: the rows are one Tab stop; Home to the first (a zone's span), Enter: the arch line
      await diff.locator('[tabindex="0"]').focus()
      await page.keyboard.press('Home')
      await expect(diff.locator('[data-line="0"]')).toBeFocused()
      const first = (await diff.locator('[data-line="0"]').textContent())!
      await page.keyboard.press('Enter')
      if (/^\s*\S?\s*Zone ranges:/.test(first) || /\[mem /.test(first)) await expect.poll(async () => (await selectedLine(page)).text).toMatch(/^arch: |^- \{ start: /)
      await expect(page.getByTestId('bootlog-diff-said')).not.toHaveText('')
      await page.screenshot({ path: test.info().outputPath(`bootlog-diff-click-through-${size.width}.png`) })
      expect(errors).toEqual([])
    })

    test("Compare: a line only one side prints goes to the scenario lines it derives from; another example's does not", async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      await page.getByTestId('view-tab-compare').click()
      await page.getByTestId('compare-kernel').fill('5.10')
      await page.getByTestId('compare-run').click()
      const lines = page.getByTestId('compare-bootlog')
      await expect(lines).toContainText('totalpages')
      // A (6.8): node 0's ZONE_DMA32 hole [0x6f000000, 0x7a000000) lies under map[3..5] (lines 13–15)
      await lines.getByText('A On node 0, zone DMA32: 12288 pages in unavailable ranges').click()
      await expect.poll(() => selectedLine(page)).toEqual({ line: 13, text: '- { start: 0x6f000000, end: 0x78000000, type: reserved }' })
      await expect(page.getByTestId('compare-said')).toContainText("A: line 13 (firmware.map[3]); also lines 14, 15 — the hole in node 0's zone DMA32")
      // B (5.10, this layout): "On node 2 totalpages" is node 2's entry (line 30); by the keyboard
      const node2 = lines.getByText('B On node 2 totalpages:')
      await node2.focus()
      await page.keyboard.press('Enter')
      await expect.poll(() => selectedLine(page)).toEqual({ line: 30, text: '- id: 2' })
      await expect(page.getByTestId('compare-said')).toContainText('B (this layout): lines 30–31 (numa.nodes[2])')
      // ↓ moves to the next line: "Normal zone: … used for memmap" is ZONE_NORMAL, from the arch (line 6)
      await page.keyboard.press('ArrowDown')
      await expect(lines.getByText('B   Normal zone: 2097152 pages used for memmap').nth(1)).toBeFocused()
      await page.keyboard.press('Enter')
      await expect.poll(() => selectedLine(page)).toEqual({ line: 6, text: 'arch: x86_64' })
      await page.screenshot({ path: test.info().outputPath(`compare-click-through-${size.width}.png`) })

      // against another example, B's lines are that file's: none is selected
      await page.getByTestId('compare-mode').selectOption('example')
      await page.getByTestId('compare-example').selectOption('x86-laptop.yaml')
      await page.getByTestId('compare-run').click()
      // the new result is shown (its sides name the example)
      await expect(page.getByTestId('compare-view').locator('.sides')).toContainText('B: x86 laptop, 16 GiB')
      const before = await selectedLine(page)
      await lines.locator('.add').first().click()
      await expect(page.getByTestId('compare-said')).toContainText('B is the example x86-laptop.yaml')
      expect(await selectedLine(page)).toEqual(before)

      // an edit makes the comparison stale: its lines select nothing until it is re-run
      await page.evaluate(() => {
        const e = (globalThis as unknown as { __editor: Ed }).__editor
        e.setValue(e.getValue().replace('name: 4-node x86 server, 2 TiB', 'name: 4-node x86 server'))
      })
      await expect(page.getByTestId('compare-stale')).toBeVisible()
      await lines.locator('.del').first().click()
      await expect(page.getByTestId('compare-said')).toContainText('re-run it')
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
