// File › Export in the browser host: the view's Export PNG…/SVG… buttons and the File menu
// ask for a path in the workspace, the main side renders and writes the file, and the
// files are what they claim to be: a PNG/SVG of the view shown with the editor's scenario
// embedded (so it reopens), a PDF with one page per view, a CSV with its header.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { extractEmbeddedSource } from '../src/shared/views/index.ts'
import { extractPngSource } from '../src/main/render.ts'
import { expect, test } from './fixtures.ts'
import { dropFile, editorText, menu, typeAtEnd } from './helpers.ts'

async function exportTo(page: Page, title: RegExp, path: string): Promise<void> {
  const dialog = page.getByTestId('path-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(title)
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-accept').click()
  await expect(dialog).toBeHidden()
}

test('export the view shown as PNG and SVG, every view as PDF, the report as CSV; the PNG reopens as its scenario', async ({ workbench: page, workspaceHost }) => {
  const ws = workspaceHost.workspace
  await menu(page, 'file', 'file.new')
  await page.getByTestId('quick-pick').locator('[data-id="x86-4node-server.yaml"]').click()
  await expect(page).toHaveTitle(/^x86-4node-server\.yaml/)
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.getByTestId('svg-view-map').locator('svg[data-view="map"]')).toBeVisible()
  const source = await editorText(page)

  // the map on a log axis, exported as PNG from the view's button
  await page.getByTestId('map-scale').selectOption('log')
  await page.getByTestId('export-png-map').click()
  await exportTo(page, /Export Physical map as PNG/, join(ws, 'server-map.png'))
  await expect(page.getByText('Exported server-map.png')).toBeVisible()
  const png = readFileSync(join(ws, 'server-map.png'))
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  expect(png.readUInt32BE(16)).toBe(2400) // 1200 px drawn at 2 px per px
  expect(extractPngSource(png)).toEqual({ text: source, fileName: 'x86-4node-server.yaml' })
  // the same drawing as SVG from the File menu keeps the map's log axis
  await menu(page, 'file', 'file.exportSvg')
  await exportTo(page, /Export Physical map as SVG/, join(ws, 'server-map.svg'))
  expect(readFileSync(join(ws, 'server-map.svg'), 'utf8')).toContain(' · log scale')

  // the Sections view as SVG: the name gets its extension when typed without one
  await page.getByTestId('view-tab-sections').click()
  await page.getByTestId('export-svg-sections').click()
  await exportTo(page, /Export Sections & memmap as SVG/, join(ws, 'sections'))
  const svg = readFileSync(join(ws, 'sections.svg'), 'utf8')
  expect(svg).toContain('data-view="sections"')
  expect(extractEmbeddedSource(svg)?.text).toBe(source)

  // every view as a PDF, from the File menu
  await menu(page, 'file', 'file.exportPdf')
  await exportTo(page, /Export All Views as PDF/, join(ws, 'server.pdf'))
  const pdf = readFileSync(join(ws, 'server.pdf'))
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length).toBe(4)

  // the report as CSV from the command palette
  await page.keyboard.press('ControlOrMeta+Shift+P')
  await page.keyboard.type('export csv')
  await page.keyboard.press('Enter')
  await exportTo(page, /Export Report as CSV/, join(ws, 'server.csv'))
  const csv = readFileSync(join(ws, 'server.csv'), 'utf8')
  expect(csv.split('\r\n')[0]).toBe('table,name,start,end,nid,zone,value,unit,detail')
  expect(csv).toMatch(/^node,/m)

  // the exported PNG reopens as the scenario it carries: a new, unsaved document
  await menu(page, 'file', 'file.new')
  await page.getByTestId('quick-pick').locator('[data-id="x86-laptop.yaml"]').click()
  await expect(page).toHaveTitle(/^x86-laptop\.yaml/)
  await expect.poll(() => editorText(page)).not.toBe(source)
  await menu(page, 'file', 'file.open')
  await exportTo(page, /Open/, join(ws, 'server-map.png'))
  await expect(page.getByText('Opened the scenario embedded in server-map.png')).toBeVisible()
  await expect.poll(() => editorText(page)).toBe(source)
  await expect(page).toHaveTitle(/x86-4node-server\.yaml/)
  await expect(page.getByTestId('dirty')).toBeVisible()
})

test('map: zoom to a typed range or a double-clicked bar; a bad range is explained; export keeps the zoom', async ({ workbench: page, workspaceHost }) => {
  const map = page.getByTestId('svg-view-map')
  await expect(map.locator('svg[data-view="map"]')).toBeVisible()
  await expect(map.locator('svg')).not.toContainText(/zoom\s*0x/)
  await page.getByTestId('map-range').fill('4G-1G')
  await page.getByTestId('map-range').press('Enter')
  await expect(page.getByTestId('map-range-error')).toContainText('above its start')
  await page.getByTestId('map-range').fill('0+1M')
  await page.getByTestId('map-range-apply').click()
  await expect(page.getByTestId('map-range-error')).toHaveCount(0)
  // the subtitle wraps in a narrow pane: its lines are <text> elements of their own, and
  // the words either side of a line break meet in textContent
  await expect(map.locator('svg')).toContainText(/zoom\s*0x0–0x100000/)
  await page.getByTestId('map-range-reset').click()
  await expect(map.locator('svg')).not.toContainText(/zoom\s*0x/)
  await expect(page.getByTestId('map-range')).toHaveValue('')
  // double-click the second memblock.memory bar: the axis spans exactly that region
  const bar = map.locator('svg g[data-kind="region"]').nth(1)
  const start = await bar.getAttribute('data-start')
  const end = await bar.getAttribute('data-end')
  await bar.dblclick()
  await expect(page.getByTestId('map-range')).toHaveValue(`${start}-${end}`)
  await expect(map.locator('svg')).toContainText(new RegExp(`zoom\\s*${start}–${end}`))
  // File › Export draws the zoomed map
  await page.getByTestId('export-svg-map').click()
  const dialog = page.getByTestId('path-dialog')
  await page.getByTestId('path-input').fill(join(workspaceHost.workspace, 'zoomed.svg'))
  await page.getByTestId('path-accept').click()
  await expect(dialog).toBeHidden()
  expect(readFileSync(join(workspaceHost.workspace, 'zoomed.svg'), 'utf8')).toContain(`zoom ${start}–${end}`)
})

test('an export outside the workspace is refused in the dialog and writes nothing', async ({ workbench: page }) => {
  await page.getByTestId('export-png-map').click()
  const dialog = page.getByTestId('path-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('path-input').fill('/tmp/../etc/outside.png')
  await page.getByTestId('path-accept').click()
  await expect(page.getByTestId('path-error')).toContainText('outside the workspace')
  await expect(dialog).toBeVisible()
  expect(existsSync('/etc/outside.png')).toBe(false)
})

test('an exported PNG or SVG dropped on the window opens the scenario inside it; an image without one says so', async ({ workbench: page }, testInfo) => {
  // exported by the CLI, as a user would share one
  const example = join(import.meta.dirname, '..', 'resources', 'examples', 'arm64-uefi-server.yaml')
  const source = readFileSync(example, 'utf8')
  const out = testInfo.outputPath('exports')
  mkdirSync(out, { recursive: true })
  for (const [view, format] of [
    ['costs', 'png'],
    ['nomap', 'svg']
  ]) {
    const r = spawnSync(process.execPath, ['bin/memmap-workbench.mjs', 'export', example, '--view', view, '--format', format, '-o', join(out, `uefi-${view}.${format}`)], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
  }
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect.poll(() => editorText(page)).not.toBe(source)

  await dropFile(page, 'uefi-costs.png', readFileSync(join(out, 'uefi-costs.png')))
  await expect(page.getByText('Opened the scenario embedded in uefi-costs.png')).toBeVisible()
  await expect.poll(() => editorText(page)).toBe(source)
  await expect(page).toHaveTitle(/^• arm64-uefi-server\.yaml/)
  await expect(page.getByTestId('dirty')).toBeVisible()
  await expect(page.getByTestId('status')).toHaveText('up to date')
  await expect(page.locator('.meta')).toContainText('arm64')

  // the opened scenario is unsaved: a second drop (the SVG) asks before replacing it
  await page.getByTestId('example-picker').selectOption('x86-laptop.yaml')
  await page.getByTestId('confirm-discard').click()
  await expect(page).toHaveTitle(/^x86-laptop\.yaml/)
  await typeAtEnd(page, '\n# mine')
  await dropFile(page, 'uefi-nomap.svg', readFileSync(join(out, 'uefi-nomap.svg')))
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toContainText('Save the changes to x86-laptop.yaml')
  await page.getByTestId('confirm-discard').click()
  await expect(page.getByText('Opened the scenario embedded in uefi-nomap.svg')).toBeVisible()
  await expect.poll(() => editorText(page)).toBe(source)

  // a PNG that was not exported by us, and a damaged one, are explained, not opened
  for (const [name, bytes] of [
    ['photo.png', readFileSync(join(import.meta.dirname, '..', 'docs', 'screenshots', 'costs.png'))],
    ['cut.png', readFileSync(join(out, 'uefi-costs.png')).subarray(0, 64)]
  ] as const) {
    await dropFile(page, name, bytes)
    const problem = page.getByTestId('problem-dialog')
    await expect(problem).toContainText(`${name} carries no scenario`)
    await page.keyboard.press('Escape')
    await expect(problem).toBeHidden()
  }
  await expect.poll(() => editorText(page)).toBe(source)
})
