import { describe, expect, it } from 'vitest'
import { COMMANDS, CommandRegistry, MENUS, formatKeys, fuzzyMatch, matches, type CommandHandlers, type KeyLike } from './commands.ts'

const key = (k: Partial<KeyLike> & { code: string }): KeyLike => ({ key: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...k })

function registry(mac = false, browser = false, log: string[] = []): CommandRegistry {
  const r = new CommandRegistry(mac, browser)
  const handlers = Object.fromEntries(COMMANDS.map((c) => [c.id, { run: () => void log.push(c.id), enabled: () => c.id !== 'file.revert' }])) as CommandHandlers
  r.registerAll(COMMANDS, handlers)
  return r
}

describe('command registry', () => {
  it('every menu entry names a registered command, and no two commands share a shortcut', () => {
    const ids = new Set(COMMANDS.map((c) => c.id))
    for (const m of MENUS) for (const e of m.items) if ('command' in e) expect(ids, e.command).toContain(e.command)
    for (const browser of [false, true]) {
      const r = registry(false, browser)
      const seen = new Map<string, string>()
      for (const c of r.all()) {
        const k = r.keysOf(c)
        if (!k) continue
        const f = formatKeys(k, false)
        expect(seen.get(f), `${c.id} and ${seen.get(f)} share ${f}`).toBeUndefined()
        seen.set(f, c.id)
      }
    }
  })

  it('matches shortcuts by platform, from the physical key', () => {
    expect(matches(key({ code: 'KeyS', key: 's', ctrlKey: true }), 'Mod+S', false)).toBe(true)
    expect(matches(key({ code: 'KeyS', key: 's', metaKey: true }), 'Mod+S', true)).toBe(true)
    expect(matches(key({ code: 'KeyS', key: 's', ctrlKey: true }), 'Mod+S', true)).toBe(false)
    expect(matches(key({ code: 'KeyS', key: 'S', ctrlKey: true, shiftKey: true }), 'Mod+S', false)).toBe(false)
    expect(matches(key({ code: 'KeyP', key: 'P', ctrlKey: true, shiftKey: true }), 'Mod+Shift+P', false)).toBe(true)
    expect(matches(key({ code: 'KeyZ', key: 'Ω', altKey: true }), 'Alt+Z', true)).toBe(true)
    expect(matches(key({ code: 'Digit1', key: '¡', altKey: true }), 'Alt+1', true)).toBe(true)
  })

  it('formats shortcuts for menus', () => {
    expect(formatKeys('Mod+Shift+S', false)).toBe('Ctrl+Shift+S')
    expect(formatKeys('Mod+Shift+S', true)).toBe('⇧⌘S')
    expect(formatKeys('Alt+1', false)).toBe('Alt+1')
    expect(formatKeys('Mod+/', false)).toBe('Ctrl+/')
  })

  it('runs the bound command; a disabled one swallows its key; native keys pass through; modals block', () => {
    const log: string[] = []
    const r = registry(false, false, log)
    expect(r.handleKey(key({ code: 'KeyS', key: 's', ctrlKey: true }), { modal: false })).toBe(true)
    expect(log).toEqual(['file.save'])
    expect(r.handleKey(key({ code: 'KeyZ', key: 'z', ctrlKey: true }), { modal: false })).toBe(false)
    expect(r.handleKey(key({ code: 'KeyS', key: 's', ctrlKey: true }), { modal: true })).toBe(false)
    expect(r.handleKey(key({ code: 'KeyQ', key: 'q', ctrlKey: true }), { modal: false })).toBe(false)
    expect(log).toEqual(['file.save'])
  })

  it('uses the browser variant of a reserved shortcut in the browser host', () => {
    const log: string[] = []
    registry(false, true, log).handleKey(key({ code: 'KeyN', key: 'n', ctrlKey: true, altKey: true }), { modal: false })
    registry(false, false, log).handleKey(key({ code: 'KeyN', key: 'n', ctrlKey: true }), { modal: false })
    expect(log).toEqual(['file.new', 'file.new'])
    expect(registry(false, true).shortcut('file.new')).toBe('Ctrl+Alt+N')
  })

  it('refuses a command registered twice or without a handler', () => {
    const r = new CommandRegistry(false, false)
    r.register({ id: 'a', category: 'X', title: 'A', run: () => {} })
    expect(() => r.register({ id: 'a', category: 'X', title: 'A', run: () => {} })).toThrow(/twice/)
    expect(() => new CommandRegistry(false, false).registerAll(COMMANDS, {} as CommandHandlers)).toThrow(/no handler/)
  })
})

describe('fuzzy filter', () => {
  it('matches subsequences, case-insensitive, and ranks word starts first', () => {
    expect(fuzzyMatch('sas', 'File: Save As…')?.positions).toEqual([6, 7, 12])
    expect(fuzzyMatch('xyz', 'File: Save')).toBeNull()
    const r = registry()
    expect(r.search('save as')[0].command.id).toBe('file.saveAs')
    expect(r.search('imp')[0].command.id).toBe('file.import')
    expect(r.search('dark')[0].command.id).toBe('theme.dark')
    expect(r.search('cmdpal')[0]?.command.id).toBe('view.palette')
    expect(r.search('').length).toBe(COMMANDS.length)
  })
})
