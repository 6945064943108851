// Shared by the view specs (views, fixes, splitter): the two window sizes issue 11 asks
// for, an example opened and analysed, and the page's errors collected.
import { expect, type Page } from '@playwright/test'

export const SIZES = [
  { width: 1280, height: 800 },
  { width: 1600, height: 1000 }
]

/** console errors and uncaught page errors while a test runs (a Svelte each_key_duplicate is one) */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  return errors
}

/** Pick an example from the picker and wait until it is open and analysed. */
export async function openExample(page: Page, name: string): Promise<void> {
  await expect(page.locator('body[data-editor-ready="1"]')).toBeAttached({ timeout: 20_000 })
  await page.getByTestId('example-picker').selectOption(name)
  await expect(page.locator('.doc-tab')).toContainText(name)
  await expect(page.getByTestId('status')).toHaveText('up to date')
}
