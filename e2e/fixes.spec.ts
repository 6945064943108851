// Issue 11's small wrongs, at 1280×800 and 1600×1000: About names the package version;
// the path beside the tab after Save As reads as the path (not `tmp/ws/file.yaml/`);
// Import Boot Log shows the comparison it promises, with a legend saying which side is
// which; Ctrl+K in the editor is Monaco's chord, not the shortcuts dialog.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './fixtures.ts'
import { editorText, menu } from './helpers.ts'
import { openExample, SIZES } from './views-helpers.ts'

const PKG = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string }
// a recorded QEMU boot of Debian's 6.1 (x86_64): the engine holds it exact
const LOG = join(import.meta.dirname, '../tests/fixtures/qemu-boots/x86_64-s7-000.log')

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('About names the package version', async ({ appPage: page }) => {
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      await menu(page, 'help', 'help.about')
      const about = page.getByTestId('about-dialog')
      await expect(about).toBeVisible()
      expect(PKG.version).not.toBe('0.0.0')
      await expect(about.locator('dd').first()).toHaveText(PKG.version)
      await page.screenshot({ path: test.info().outputPath(`about-${size.width}.png`) })
    })

    test('after Save As the path beside the tab reads left to right, "/" first', async ({ workbench: page, workspaceHost }) => {
      await openExample(page, 'x86-laptop.yaml')
      mkdirSync(join(workspaceHost.workspace, 'ws'))
      const target = join(workspaceHost.workspace, 'ws', 'file.yaml')
      await menu(page, 'file', 'file.saveAs')
      await page.getByTestId('path-input').fill(target)
      await page.getByTestId('path-accept').click()
      await expect(page.getByTestId('path-dialog')).toBeHidden()
      const shown = page.locator('.doc-path.path')
      await expect(shown).toHaveText(target)
      // where each character is drawn: the leading "/" must be the leftmost, the last
      // character of the file name the rightmost (a bidi-reordered path ends in "/")
      const xs = await shown.evaluate((el: unknown) => {
        const g = globalThis as unknown as {
          document: {
            createTreeWalker(r: unknown, w: number): { nextNode(): { data: string } | null }
            createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getBoundingClientRect(): { left: number } }
          }
        }
        const walker = g.document.createTreeWalker(el, 4)
        const node = walker.nextNode()!
        const at = (i: number): number => {
          const r = g.document.createRange()
          r.setStart(node, i)
          r.setEnd(node, i + 1)
          return r.getBoundingClientRect().left
        }
        return { first: at(0), second: at(1), last: at(node.data.length - 1), text: node.data }
      })
      expect(xs.text).toBe(target)
      expect(xs.first).toBeLessThan(xs.second)
      expect(xs.first).toBeLessThan(xs.last)
      await page.screenshot({ path: test.info().outputPath(`saved-path-${size.width}.png`) })
    })

    test('Import Boot Log shows the log compared with the prediction, with a legend', async ({ workbench: page }) => {
      const log = readFileSync(LOG, 'utf8')
      // one kernel line changed (the recorded boot printed 97 pages for this hole): the
      // log's line is one only the log has ("-"), the predicted one only predicted ("+")
      const changed = log.replace('On node 0, zone DMA: 97 pages in unavailable ranges', 'On node 0, zone DMA: 98 pages in unavailable ranges')
      expect(changed).not.toBe(log)
      await menu(page, 'file', 'file.import')
      await page.getByTestId('import-text').fill(changed)
      await page.getByTestId('import-accept').click()
      await expect(page.getByTestId('import-dialog')).toBeHidden()
      await expect(page.getByTestId('view-tab-bootlog')).toHaveAttribute('aria-selected', 'true')
      await expect(page.getByTestId('bootlog-compare-summary')).toContainText('differing lines')
      const legend = page.getByTestId('bootlog-diff-legend')
      await expect(legend).toContainText('- only in the log')
      await expect(legend).toContainText('+ only predicted')
      const diff = page.getByTestId('bootlog-diff')
      await expect(diff.locator('.opdel')).toHaveText(['- On node 0, zone DMA: 98 pages in unavailable ranges\n'])
      await expect(diff.locator('.opadd')).toHaveText(['+ On node 0, zone DMA: 97 pages in unavailable ranges\n'])
      await page.screenshot({ path: test.info().outputPath(`imported-${size.width}.png`) })

      // the recorded log as it is: exact
      await menu(page, 'file', 'file.import')
      await page.getByTestId('import-text').fill(log)
      await page.getByTestId('import-accept').click()
      // the import before is unsaved: the guard asks first
      await page.getByTestId('confirm-discard').click()
      await expect(page.getByTestId('bootlog-compare-summary')).toContainText(/^exact: all \d+ kernel lines predicted \(Linux 6\.1/)
    })

    test("Ctrl+K in the editor is Monaco's chord; the shortcuts are on Ctrl+Alt+K", async ({ appPage: page }) => {
      await openExample(page, 'x86-laptop.yaml')
      const lines = (await editorText(page)).split('\n')
      const n = lines.findIndex((l) => l.startsWith('kernel:')) + 1
      expect(n).toBeGreaterThan(0)
      await page.evaluate((line) => {
        const e = (globalThis as unknown as { __editor: { setPosition(p: { lineNumber: number; column: number }): void; focus(): void } }).__editor
        e.setPosition({ lineNumber: line, column: 1 })
        e.focus()
      }, n)
      // Ctrl+K Ctrl+C: Monaco's "Add Line Comment"
      await page.keyboard.press('Control+k')
      await page.keyboard.press('Control+c')
      await expect.poll(async () => (await editorText(page)).split('\n')[n - 1]).toMatch(/^#\s*kernel:/)
      await expect(page.getByTestId('shortcuts-dialog')).toHaveCount(0)
      await page.keyboard.press('Control+Alt+k')
      await expect(page.getByTestId('shortcuts-dialog')).toBeVisible()
      await expect(page.getByTestId('shortcuts-dialog')).toContainText('Keyboard Shortcuts')
    })
  })
}
