// A hyperscale scenario in the app: 64 TiB over 16 nodes from 8192 firmware ranges,
// half a million 128 MiB sections, a ~0.5 MB YAML document. The main side analyses it on
// the engine's worker thread; the renderer shows a busy state at once, keeps the previous
// result until the new one arrives, stays editable meanwhile, and draws the answer
// without a DOM node per section or per region.
import type { Page } from '@playwright/test'
import { stringify } from 'yaml'
import { hyperscale } from '../bench/hyperscale.ts'
import { LARGE_SOURCE_CHARS } from '../src/shared/api.ts'
import { analyzeSource } from '../src/shared/engine/index.ts'
import { grouped } from '../src/shared/engine/units.ts'
import { expect, test } from './fixtures.ts'
import { editorText } from './helpers.ts'

const large = stringify(hyperscale(64, 16, 8192))
// what the engine answers for it, computed here by the same code the app runs
const expected = (() => {
  const r = analyzeSource(large, 'scenario.yaml')
  if (!r.ok) throw new Error('the generated scenario does not analyse')
  return r.report
})()

function domNodes(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('*').length)
}

/** what the status line and the present-sections card said, at each change of either */
interface Seen {
  status: string
  present: string | null
  busy: boolean
}

/** Record, in the page, every change of the status line, the present-sections card and the busy indicator. */
function recordChanges(page: Page): Promise<void> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { body: unknown; querySelector(s: string): { textContent: string | null } | null } }).document
    const seen: Seen[] = []
    const w = globalThis as unknown as { __seen: Seen[]; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void } }
    w.__seen = seen
    const snap = (): void => {
      const s: Seen = {
        status: (doc.querySelector('[data-testid="status"]')?.textContent ?? '').trim(),
        present: doc.querySelector('[data-testid="present-sections"]')?.textContent ?? null,
        busy: doc.querySelector('[data-testid="busy-indicator"]') !== null
      }
      const last = seen[seen.length - 1]
      if (!last || last.status !== s.status || last.present !== s.present || last.busy !== s.busy) seen.push(s)
    }
    snap()
    new w.MutationObserver(snap).observe(doc.body, { subtree: true, childList: true, characterData: true })
  })
}

test('a hyperscale scenario: busy at once, editable meanwhile, then drawn without a node per section', async ({ appPage: page, target }) => {
  expect(large.length).toBeGreaterThan(LARGE_SOURCE_CHARS)
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
  await expect(page.getByTestId('status')).toHaveText('up to date')
  const before = await page.getByTestId('present-sections').textContent()
  await recordChanges(page)

  // The engine answers this document in a fraction of a second on a quiet machine, faster
  // than the checks below can look. In the browser the host's answer to the paste is held
  // until the edit below has been typed, so "meanwhile" holds however fast the engine is.
  // (Electron's IPC cannot be held: there the recorded changes below carry the checks.)
  const hold = target === 'browser'
  let release = (): void => {}
  const held = new Promise<void>((r) => (release = r))
  let holding = hold
  if (hold) {
    await page.route('**/__api/analyze', async (route) => {
      if (holding && (route.request().postData() ?? '').length > LARGE_SOURCE_CHARS) {
        holding = false
        await held
      }
      // the paste's request was aborted when the edit superseded it: nothing to continue
      await route.continue().catch(() => {})
    })
  }

  const busy = page.getByTestId('busy-indicator')
  try {
    // a paste of the whole document (the test hook sets it the way a paste does)
    await page.evaluate((text) => (globalThis as unknown as { __editor: { setValue(t: string): void } }).__editor.setValue(text), large)
    if (hold) {
      await expect(busy).toBeVisible()
      await expect(busy).toContainText(/Analysing .* of scenario/)
      await expect(page.getByTestId('status')).toHaveText('working…')
      // the previous result stays on screen meanwhile
      await expect(page.getByTestId('present-sections')).toHaveText(before!)
    }

    // the editor takes keystrokes while the engine works; the result is for the latest text
    await page.locator('.monaco-editor .view-lines').first().click()
    await page.keyboard.press('ControlOrMeta+Home')
    await page.keyboard.type('# typed while busy\n')
    if (hold) expect(holding, 'the paste was analysed by the host').toBe(false)
  } finally {
    release()
  }
  await expect(busy).toBeHidden({ timeout: 45_000 })
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.locator('.failure')).toHaveCount(0)
  expect(expected.sections.presentSections).toBeGreaterThan(200_000)
  await expect(page.getByTestId('present-sections')).toHaveText(grouped(expected.sections.presentSections))
  await expect(page.getByTestId('nodes')).toHaveText('16')
  expect((await editorText(page)).startsWith('# typed while busy\n')).toBe(true)

  // from the paste on, the busy indicator showed with the previous result on screen, and
  // the card never showed anything but the previous figure or the new one
  const seen = await page.evaluate(() => (globalThis as unknown as { __seen: Seen[] }).__seen)
  expect(seen.some((s) => s.busy && s.status === 'working…' && s.present === before)).toBe(true)
  const shown = [...new Set(seen.map((s) => s.present))]
  expect(
    shown.every((p) => p === before || p === grouped(expected.sections.presentSections)),
    JSON.stringify(shown)
  ).toBe(true)

  // the map and its region table: thousands of regions, a few dozen rows in the DOM
  const map = page.getByTestId('svg-view-map').locator('svg[data-view="map"]')
  await expect(map).toBeVisible()
  const table = page.getByTestId('region-table')
  const regions = expected.memblock.memory.length
  expect(regions).toBeGreaterThan(4000)
  await expect(page.locator('.map-panel h3')).toContainText(`${regions} regions`)
  expect(await table.locator('tbody tr:not(.spacer)').count()).toBeLessThan(100)
  // scrolled to the end, the last region is there
  await table.evaluate((el: { scrollTop: number; scrollHeight: number }) => (el.scrollTop = el.scrollHeight))
  await expect(table.locator(`tbody tr[aria-rowindex="${regions + 1}"]`)).toBeVisible()
  expect(await domNodes(page)).toBeLessThan(10_000)

  // every view draws it, none with a node per section
  for (const view of ['sections', 'nomap', 'costs', 'bootlog'] as const) {
    await page.getByTestId(`view-tab-${view}`).click()
    if (view === 'bootlog') await expect(page.getByTestId('bootlog')).toContainText('Early memory node ranges')
    else await expect(page.getByTestId(`svg-view-${view}`).locator(`svg[data-view="${view}"]`)).toBeVisible()
    expect(await domNodes(page), view).toBeLessThan(10_000)
  }
})
