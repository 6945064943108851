import { describe, expect, it } from 'vitest'
import { EXPORT_VIEWS } from '../../../shared/api.ts'
import { COMMANDS, MENUS } from './commands.ts'
import { drawnView, minLayout, VIEWS, viewCommand } from './views.ts'

describe('the views registry', () => {
  it('gives every view one command, a distinct Alt+digit shortcut and a place in the View menu', () => {
    const view = MENUS.find((m) => m.id === 'view')!
    const keys = new Set<string>()
    for (const v of VIEWS) {
      const c = (COMMANDS as readonly { id: string; keys?: string }[]).find((x) => x.id === viewCommand(v.id))
      expect(c, v.id).toBeDefined()
      expect(c!.keys).toMatch(/^Alt\+\d$/)
      keys.add(c!.keys!)
      expect(view.items).toContainEqual({ command: viewCommand(v.id) })
    }
    expect(keys.size).toBe(VIEWS.length)
  })
  it('the drawn views are exactly those File › Export draws, each with its narrowest layout', () => {
    expect(VIEWS.map((v) => drawnView(v.id)).filter((x) => x !== null)).toEqual([...EXPORT_VIEWS])
    // a 1280-px window's views pane (~590 px, text at 11 px on screen) lays out at ~500-530
    for (const v of VIEWS) if (drawnView(v.id)) expect(minLayout(v.id), v.id).toBeLessThanOrEqual(540)
  })
})
