// Help › Guided Tour: a few cards over the example, one per view of the registry
// (lib/views.ts) between a first card on the editor and a last one on where to go next.
import { VIEWS, type ViewId } from './views.ts'

export interface TourStep {
  title: string
  text: string
  /** the view the step shows (null: the editor) */
  view: ViewId | null
}

export const TOUR: TourStep[] = [
  {
    title: 'The scenario',
    text: 'On the left is a machine as YAML: its firmware memory map, nodes, kernel version and configuration. Edit it and every view follows as you type; the Problems list under the editor points to any line the engine cannot read.',
    view: null
  },
  ...VIEWS.map((v) => ({ title: v.title, text: v.tour, view: v.id })),
  {
    title: 'Where next',
    text: 'Every command is in the menus and the command palette (Ctrl+Shift+P). File › Export writes a view as SVG or PNG, all views as PDF, or the report as JSON, CSV or Markdown. Help › Documentation lists the views and the kernel functions the engine models.',
    view: null
  }
]
