// The workbench's views as standalone SVG: one module per view, each with a view-model
// function (what is drawn, as plain data — the specs test these) and a renderer (string
// output, no DOM). The app shows the same SVG the CLI exports as SVG, PNG or PDF.

import type { AnalysisReport } from '../engine/report.ts'
import { costsModel, renderCosts } from './costs.ts'
import { mapModel, renderMap } from './map.ts'
import { nomapModel, renderNomap } from './nomap.ts'
import { renderSections, sectionsModel } from './sections.ts'

export type ViewId = 'map' | 'sections' | 'nomap' | 'costs'

export const VIEW_IDS: readonly ViewId[] = ['map', 'sections', 'nomap', 'costs']

/** What each view is called (app tabs, PDF page titles). */
export const VIEW_TITLES: Record<ViewId, string> = {
  map: 'Physical map',
  sections: 'Sections & memmap',
  nomap: 'NOMAP & holes',
  costs: 'Costs'
}

export interface ViewOptions {
  theme?: 'light' | 'dark'
  /** px; default 1200 */
  width?: number
  /** map: address axis scale */
  scale?: 'linear' | 'log'
  /** map: address range to show, bytes, half-open */
  zoom?: { start: number; end: number }
  /** sections: present-section indexes; nomap: policy-table rows */
  window?: { start: number; count: number }
  /** the scenario, embedded in the SVG's <metadata> so an export can be reopened */
  source?: { text: string; fileName: string }
}

export function renderView(view: ViewId, report: AnalysisReport, opts: ViewOptions = {}): string {
  switch (view) {
    case 'map':
      return renderMap(report, opts)
    case 'sections':
      return renderSections(report, opts)
    case 'nomap':
      return renderNomap(report, opts)
    case 'costs':
      return renderCosts(report, opts)
    default:
      throw new RangeError(`unknown view ${String(view)}`)
  }
}

export function isViewId(v: string): v is ViewId {
  return (VIEW_IDS as readonly string[]).includes(v)
}

export { extractEmbeddedSource, type EmbeddedSource } from './svg.ts'
export { checkWellFormed } from './xml.ts'
export { mapModel, sectionsModel, nomapModel, costsModel, renderMap, renderSections, renderNomap, renderCosts }
export type { MapModel } from './map.ts'
export type { SectionsModel } from './sections.ts'
export type { NomapModel } from './nomap.ts'
export type { CostsModel } from './costs.ts'
