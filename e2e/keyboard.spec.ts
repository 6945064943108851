// The keyboard (issue 11): the view tabs follow the arrow keys (the ARIA tabs pattern),
// a drawing is one Tab stop whose elements the arrow keys walk through with their
// details read out, and no app shortcut takes a key Monaco binds.
import { expect, test } from './fixtures.ts'
import { COMMANDS } from '../src/renderer/src/lib/commands.ts'
import { VIEWS } from '../src/renderer/src/lib/views.ts'
import { openExample, SIZES, watchErrors } from './views-helpers.ts'

/** Monaco's user-settings form of a shortcut of ours: Mod+Shift+O → ctrl+shift+o */
function monacoLabel(keys: string): string {
  return keys
    .split('+')
    .map((k) => (k === 'Mod' ? 'ctrl' : k.toLowerCase()))
    .sort((a, b) => ['ctrl', 'shift', 'alt'].indexOf(a) - ['ctrl', 'shift', 'alt'].indexOf(b))
    .join('+')
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('the view tabs: one Tab stop, ←/→ wrap, Home/End, the focus follows the selection', async ({ appPage: page }) => {
      await openExample(page, 'x86-laptop.yaml')
      const tab = (id: string) => page.getByTestId(`view-tab-${id}`)
      await tab('map').click()
      await expect(page.locator('[role=tab][tabindex="0"]')).toHaveCount(1)
      await expect(page.locator('[role=tab][tabindex="-1"]')).toHaveCount(VIEWS.length - 1)
      for (const next of VIEWS.slice(1)) {
        await page.keyboard.press('ArrowRight')
        await expect(tab(next.id)).toHaveAttribute('aria-selected', 'true')
        await expect(tab(next.id)).toBeFocused()
        await expect(page.getByTestId(`view-${next.id}`)).toBeVisible()
      }
      await page.keyboard.press('ArrowRight')
      await expect(tab('map')).toBeFocused()
      await expect(tab('map')).toHaveAttribute('aria-selected', 'true')
      await page.keyboard.press('ArrowLeft')
      await expect(tab(VIEWS[VIEWS.length - 1].id)).toHaveAttribute('aria-selected', 'true')
      await page.keyboard.press('Home')
      await expect(tab('map')).toBeFocused()
      await page.keyboard.press('End')
      await expect(tab(VIEWS[VIEWS.length - 1].id)).toBeFocused()
      // Tab leaves the tab list for the panel of the selected view
      await page.keyboard.press('Home')
      await page.keyboard.press('Tab')
      await expect(page.getByTestId('view-map')).toBeFocused()
    })

    test('a drawing is reachable: Tab reaches its elements, arrows walk them, details are read out', async ({ appPage: page }) => {
      const errors = watchErrors(page)
      await openExample(page, 'x86-4node-server.yaml')
      for (const view of ['map', 'sections', 'nomap', 'costs'] as const) {
        await page.getByTestId(`view-tab-${view}`).click()
        const drawing = page.getByTestId(`drawing-${view}`)
        await expect(drawing.locator('svg')).toBeVisible()
        // the drawing is one stop: one element holds tabindex 0, the others -1
        await expect(drawing.locator('[tabindex="0"]')).toHaveCount(1)
        expect(await drawing.locator('[tabindex="-1"]').count(), view).toBeGreaterThan(3)
        // from the tab, Tab on until the focus is inside the drawing
        await page.getByTestId(`view-tab-${view}`).focus()
        let inside = false
        for (let i = 0; i < 40 && !inside; i++) {
          await page.keyboard.press('Tab')
          inside = await drawing.evaluate((d) => d.contains((globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement as never))
        }
        expect(inside, `${view}: Tab reaches the drawing`).toBe(true)
        const focused = drawing.locator(':focus')
        const first = await focused.getAttribute('aria-label')
        expect(first, view).toBeTruthy()
        // the detail strip shows the focused element's details
        await expect(page.getByTestId(`hover-${view}`)).toContainText(first!.split('; ')[0])
        await page.keyboard.press('ArrowRight')
        const second = await drawing.locator(':focus').getAttribute('aria-label')
        expect(second, view).toBeTruthy()
        await expect(drawing.locator('[tabindex="0"]')).toHaveCount(1)
        await page.keyboard.press('End')
        const count = await drawing.locator('[tabindex]').count()
        const lastIndex = await drawing.evaluate((d) => {
          const all = [...(d as unknown as { querySelectorAll(s: string): unknown[] }).querySelectorAll('[tabindex]')]
          return all.indexOf((globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)
        })
        expect(lastIndex, view).toBe(count - 1)
        // the root <svg> is a group, so its elements are not hidden inside one image
        await expect(drawing.locator('svg').first()).not.toHaveAttribute('role', 'img')
      }
      // Enter on a check card shows its detail, as a click does
      await page.getByTestId('view-tab-sections').click()
      const card = page.getByTestId('drawing-sections').locator('[data-kind="check"]').first()
      const id = await card.getAttribute('data-id')
      await card.focus()
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('check-detail')).toHaveAttribute('data-id', id!)
      expect(errors).toEqual([])
    })

    test("no shortcut of the app is one of Monaco's keybindings", async ({ appPage: page }) => {
      await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
      const monaco: string[] = await page.evaluate(() => {
        type Kb = { resolvedKeybinding?: { getUserSettingsLabel(): string | null } }
        const ed = (globalThis as unknown as { __editor: { _standaloneKeybindingService: { getKeybindings(): Kb[] } } }).__editor
        return ed._standaloneKeybindingService.getKeybindings().map((k) => k.resolvedKeybinding?.getUserSettingsLabel() ?? '')
      })
      expect(monaco.length).toBeGreaterThan(100)
      // a chord's first key counts too (Ctrl+K starts Monaco's chords)
      const taken = new Set(monaco.map((k) => k.split(' ')[0]))
      expect(taken).toContain('ctrl+shift+o')
      const ours = (COMMANDS as readonly { id: string; keys?: string; browserKeys?: string; nativeKey?: boolean }[]).filter((c) => c.keys && !c.nativeKey)
      const clashes = ours.flatMap((c) =>
        [c.keys!, c.browserKeys]
          .filter((k): k is string => !!k)
          .filter((k) => taken.has(monacoLabel(k)))
          .map((k) => `${c.id} ${k}`)
      )
      expect(clashes).toEqual([])
      // and in the editor, Ctrl+I is Monaco's (suggest), not Import Boot Log
      await page.locator('.monaco-editor .view-lines').first().click()
      await page.keyboard.press('Control+i')
      await expect(page.getByTestId('import-dialog')).toHaveCount(0)
    })
  })
}
