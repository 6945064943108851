// The one registry of the workbench's views: the tabs, the View menu's commands and
// their shortcuts, File › Export's "view shown" and the guided tour all read it, so a
// view is added (or renamed) here and nowhere else.
import { EXPORT_VIEWS, type ExportView } from '../../../shared/api.ts'
import { VIEW_TITLES } from '../../../shared/views/index.ts'
import { MIN_WIDTH as COSTS_MIN } from '../../../shared/views/costs.ts'
import { MIN_WIDTH as MAP_MIN } from '../../../shared/views/map.ts'
import { MIN_WIDTH as NOMAP_MIN } from '../../../shared/views/nomap.ts'
import { MIN_WIDTH as SECTIONS_MIN } from '../../../shared/views/sections.ts'
import { MIN_FONT_PX } from '../../../shared/views/svg.ts'

export interface ViewSpec {
  id: string
  /** the tab's title (a drawn view's is the PDF page title too) */
  title: string
  /** the tab's title where the full ones do not fit the tab strip (the full one is the tooltip) */
  short: string
  /** the View menu's and the palette's title */
  commandTitle: string
  /** its shortcut (Alt+digit: Monaco binds none of them) */
  keys: string
  /**
   * what shows it: a drawing of src/shared/views (exported as SVG/PNG), the map's drawing
   * with its region table, or a panel of its own
   */
  panel: 'map' | 'drawing' | 'bootlog' | 'compare'
  /** one sentence for the guided tour */
  tour: string
  /**
   * a drawing: the narrowest width (drawing px) the app asks its renderer for, the
   * renderer's own MIN_WIDTH: down to it each drawing re-flows (columns stack, tables
   * wrap, legends take rows of their own) with no label colliding (each view's spec
   * checks); only a pane narrower than this scrolls sideways.
   */
  minLayout?: number
}

export const VIEWS = [
  {
    id: 'map',
    title: VIEW_TITLES.map,
    short: 'Map',
    commandTitle: 'Physical Map',
    keys: 'Alt+1',
    panel: 'map',
    minLayout: MAP_MIN,
    tour: 'The machine as the kernel sees it: memblock regions (NOMAP hatched), nodes, zones and the section grid along the address axis. Type a range such as 0-4G or double-click a bar to zoom; the table under it lists every region.'
  },
  {
    id: 'sections',
    title: VIEW_TITLES.sections,
    short: 'Sections',
    commandTitle: 'Sections & memmap',
    keys: 'Alt+2',
    panel: 'drawing',
    minLayout: SECTIONS_MIN,
    tour: 'Every present sparsemem section with its pfn range, where its struct pages live in the vmemmap and which PMDs back them; page through all sections. The checks below it say which alignment rules hold; click one for its values and kernel references.'
  },
  {
    id: 'nomap',
    title: VIEW_TITLES.nomap,
    short: 'NOMAP',
    commandTitle: 'NOMAP & holes',
    keys: 'Alt+3',
    panel: 'drawing',
    minLayout: NOMAP_MIN,
    tour: "The layout's holes and NOMAP ranges against the four kernel policies: whether pfn_valid() holds, whether a struct page exists and is initialised, and whether zones stay contiguous."
  },
  {
    id: 'costs',
    title: VIEW_TITLES.costs,
    short: 'Costs',
    commandTitle: 'Costs',
    keys: 'Alt+4',
    panel: 'drawing',
    minLayout: COSTS_MIN,
    tour: 'What the memmap costs: struct page arrays by struct page size, the savings of HugeTLB vmemmap optimisation (HVO), KMSAN metadata and persistent-memory page maps. Hover a bar for its formula.'
  },
  {
    id: 'bootlog',
    title: 'Boot log',
    short: 'Boot log',
    commandTitle: 'Boot Log',
    keys: 'Alt+5',
    panel: 'bootlog',
    tour: 'The lines this layout makes the kernel print at boot. Paste or open a real dmesg to see which of its kernel lines match the prediction.'
  },
  {
    id: 'compare',
    title: 'Compare',
    short: 'Compare',
    commandTitle: 'Compare',
    keys: 'Alt+6',
    panel: 'compare',
    tour: 'This layout under another kernel version, with KMSAN, or against another example: what changes in every total, figure, check and boot-log line.'
  }
] as const satisfies readonly ViewSpec[]

export type ViewId = (typeof VIEWS)[number]['id']
export type ViewCommandId = `view.${ViewId}`

export function viewCommand(id: ViewId): ViewCommandId {
  return `view.${id}`
}

/** The View menu's and the palette's entries, one per view, in tab order. */
export const VIEW_COMMANDS = VIEWS.map((v) => ({ id: viewCommand(v.id), category: 'View' as const, title: v.commandTitle, keys: v.keys }))

export function viewSpec(id: ViewId): (typeof VIEWS)[number] {
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0]
}

/** The narrowest width a drawn view is laid out for (drawing px). */
export function minLayout(id: string): number {
  return (VIEWS as readonly ViewSpec[]).find((v) => v.id === id)?.minLayout ?? 640
}

/** A view drawn by src/shared/views (File › Export as SVG/PNG), or null. */
export function drawnView(id: ViewId): ExportView | null {
  return (EXPORT_VIEWS as readonly string[]).includes(id) ? (id as ExportView) : null
}

/** At the default zoom ('legible') a drawing's smallest text is this big on screen (px). */
export const LEGIBLE_PX = 11
/**
 * What the views pane takes around a drawing (px): the view's padding (2 × 12), its
 * vertical scrollbar and the drawing box's own (10 each, app.css), the box's 2 px slack.
 */
export const DRAWING_CHROME_PX = 46

/**
 * The narrowest views pane (px) in which every drawing still re-flows for the pane at the
 * legible zoom: its narrowest layout (minLayout) scaled to legible text, with the
 * chrome. The splitter keeps the pane at least this wide, so no view scrolls sideways.
 */
export const MIN_VIEWS_PANE_PX = Math.ceil((Math.max(...(VIEWS as readonly ViewSpec[]).map((v) => v.minLayout ?? 0)) * LEGIBLE_PX) / MIN_FONT_PX) + DRAWING_CHROME_PX
