// What the specs do to the page again and again: read the editor through its test hook,
// type at the end, run a menu command, drop a file on the window. (The e2e tsconfig has
// no DOM types: page-side code names the few globals it uses.)
import type { Page } from '@playwright/test'

/** The editor's text (the page's `?test` hook, window.__editor). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { __editor: { getValue(): string } }).__editor.getValue())
}

/** Click into the editor and type at the end of the document, key by key. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type(text)
}

/** A command from the menu bar: File, Edit, View or Help, then the item. */
export async function menu(page: Page, top: string, command: string): Promise<void> {
  await page.getByTestId(`menu-${top}`).click()
  await page.locator(`[data-command="${command}"]`).click()
}

/** Drop a file on the window as the OS would: a DataTransfer holding one File. */
export async function dropFile(page: Page, name: string, content: string | Buffer): Promise<void> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  await page.evaluate(
    ({ name, b64 }) => {
      const g = globalThis as unknown as {
        atob(s: string): string
        DataTransfer: new () => { items: { add(f: unknown): void } }
        File: new (parts: Uint8Array[], name: string) => unknown
        DragEvent: new (t: string, i: unknown) => unknown
        dispatchEvent(e: unknown): boolean
      }
      const raw = g.atob(b64)
      const data = new Uint8Array(raw.length)
      for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i)
      const dt = new g.DataTransfer()
      dt.items.add(new g.File([data], name))
      g.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
      g.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    },
    { name, b64: bytes.toString('base64') }
  )
}

/**
 * Hold the browser host's answer to the start-up example's read (`readExample`) until the
 * returned function is called: what the page does before its first document lands.
 */
export async function holdExampleRead(page: Page): Promise<() => void> {
  let release = (): void => {}
  const held = new Promise<void>((r) => (release = r))
  await page.route('**/__api/readExample', async (route) => {
    await held
    await route.continue()
  })
  return release
}
