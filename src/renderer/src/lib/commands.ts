// The one command registry: the menu bar, the command palette and the keyboard
// shortcuts all read it, so a command's title, shortcut and enabled state can never
// differ between them. Plain TypeScript (no DOM types needed): `enabled()`/`checked()`
// read the app's runes state, so a template that calls them re-renders on change.

import { VIEW_COMMANDS } from './views.ts'

export interface Command {
  /** `file.save` */
  id: string
  /** palette group and menu: `File`, `Edit`, `View`, `Theme`, `Help` */
  category: string
  /** as the palette shows it after the category: `Save As…` */
  title: string
  /** shorter label inside a menu, when it differs (theme radio items) */
  menuTitle?: string
  /** `Mod+Shift+S`: Mod is ⌘ on macOS and Ctrl elsewhere */
  keys?: string
  /** the browser reserves some shortcuts (Ctrl+N opens a window): the key there */
  browserKeys?: string
  /**
   * The key belongs to the focused editor or to the browser (undo, copy, find): it is
   * shown in menus and the palette but never intercepted here.
   */
  nativeKey?: boolean
  /** radio/checkbox state for the menu */
  checked?: () => boolean
  enabled?: () => boolean
  run: () => void | Promise<void>
}

/** What a command is (title, shortcut); what it does comes from the app (`CommandHandlers`). */
export type CommandSpec = Omit<Command, 'run' | 'enabled' | 'checked'>

/**
 * Every command of the workbench, in palette order when nothing is typed. No shortcut
 * here is one of Monaco's own (Ctrl+I suggests, Ctrl+Shift+O outlines, Ctrl+K starts a
 * chord): e2e/keyboard.spec.ts asks the editor for its keybindings and compares.
 */
export const COMMANDS = [
  { id: 'file.new', category: 'File', title: 'New from Example…', keys: 'Mod+N', browserKeys: 'Mod+Alt+N' },
  { id: 'file.open', category: 'File', title: 'Open…', keys: 'Mod+O' },
  { id: 'file.openRecent', category: 'File', title: 'Open Recent…', keys: 'Mod+Alt+O' },
  { id: 'file.import', category: 'File', title: 'Import Boot Log…', keys: 'Mod+Alt+I' },
  { id: 'file.save', category: 'File', title: 'Save', keys: 'Mod+S' },
  { id: 'file.saveAs', category: 'File', title: 'Save As…', keys: 'Mod+Shift+S' },
  { id: 'file.revert', category: 'File', title: 'Revert File' },
  { id: 'file.exportSvg', category: 'File', title: 'Export View as SVG…', menuTitle: 'View as SVG…' },
  { id: 'file.exportPng', category: 'File', title: 'Export View as PNG…', menuTitle: 'View as PNG…', keys: 'Mod+E' },
  { id: 'file.exportPdf', category: 'File', title: 'Export All Views as PDF…', menuTitle: 'All Views as PDF…' },
  { id: 'file.exportJson', category: 'File', title: 'Export Report as JSON…', menuTitle: 'Report as JSON…' },
  { id: 'file.exportCsv', category: 'File', title: 'Export Report as CSV…', menuTitle: 'Report as CSV…' },
  { id: 'file.exportMd', category: 'File', title: 'Export Report as Markdown…', menuTitle: 'Report as Markdown…' },
  { id: 'file.clearRecent', category: 'File', title: 'Clear Recently Opened' },
  { id: 'edit.undo', category: 'Edit', title: 'Undo', keys: 'Mod+Z', nativeKey: true },
  { id: 'edit.redo', category: 'Edit', title: 'Redo', keys: 'Mod+Shift+Z', nativeKey: true },
  { id: 'edit.cut', category: 'Edit', title: 'Cut', keys: 'Mod+X', nativeKey: true },
  { id: 'edit.copy', category: 'Edit', title: 'Copy', keys: 'Mod+C', nativeKey: true },
  { id: 'edit.paste', category: 'Edit', title: 'Paste', keys: 'Mod+V', nativeKey: true },
  { id: 'edit.selectAll', category: 'Edit', title: 'Select All', keys: 'Mod+A', nativeKey: true },
  { id: 'edit.find', category: 'Edit', title: 'Find', keys: 'Mod+F', nativeKey: true },
  { id: 'edit.replace', category: 'Edit', title: 'Replace', keys: 'Mod+H', nativeKey: true },
  { id: 'edit.gotoLine', category: 'Edit', title: 'Go to Line…', keys: 'Mod+G', nativeKey: true },
  { id: 'edit.toggleComment', category: 'Edit', title: 'Toggle Line Comment', keys: 'Mod+/', nativeKey: true },
  { id: 'edit.formatDocument', category: 'Edit', title: 'Format Document', keys: 'Shift+Alt+F', nativeKey: true },
  { id: 'edit.formatOnSave', category: 'Edit', title: 'Format on Save' },
  { id: 'edit.format', category: 'Edit', title: 'Trim Trailing Whitespace' },
  { id: 'view.palette', category: 'View', title: 'Command Palette…', keys: 'Mod+Shift+P' },
  // one per view, from the views' registry (lib/views.ts)
  ...VIEW_COMMANDS,
  { id: 'view.focusEditor', category: 'View', title: 'Focus Editor', keys: 'Alt+0' },
  { id: 'view.lookup', category: 'View', title: 'Find pfn / Address…', keys: 'Mod+Alt+L' },
  { id: 'view.wordWrap', category: 'View', title: 'Word Wrap', keys: 'Alt+Z' },
  { id: 'theme.system', category: 'Theme', title: 'Follow OS' },
  { id: 'theme.light', category: 'Theme', title: 'Light' },
  { id: 'theme.dark', category: 'Theme', title: 'Dark' },
  { id: 'theme.toggle', category: 'Theme', title: 'Toggle Light/Dark', keys: 'Mod+Alt+T' },
  { id: 'help.docs', category: 'Help', title: 'Documentation' },
  { id: 'help.tour', category: 'Help', title: 'Guided Tour' },
  { id: 'help.shortcuts', category: 'Help', title: 'Keyboard Shortcuts', keys: 'Mod+Alt+K' },
  { id: 'help.about', category: 'Help', title: 'About memmap-workbench' }
] as const satisfies readonly CommandSpec[]

export type CommandId = (typeof COMMANDS)[number]['id']

export type CommandHandlers = Record<CommandId, Pick<Command, 'run' | 'enabled' | 'checked'>>

export type MenuEntry = { command: string } | { separator: true } | { header: string } | { submenu: 'recent'; title: string }

export interface Menu {
  id: string
  title: string
  /** Alt+<mnemonic> opens it */
  mnemonic: string
  items: MenuEntry[]
}

/** The menu bar: every command id here is registered by the app (checked by a test). */
export const MENUS: Menu[] = [
  {
    id: 'file',
    title: 'File',
    mnemonic: 'f',
    items: [
      { command: 'file.new' },
      { command: 'file.open' },
      { submenu: 'recent', title: 'Open Recent' },
      { separator: true },
      { command: 'file.import' },
      { separator: true },
      { command: 'file.save' },
      { command: 'file.saveAs' },
      { command: 'file.revert' },
      { separator: true },
      { header: 'Export' },
      { command: 'file.exportSvg' },
      { command: 'file.exportPng' },
      { command: 'file.exportPdf' },
      { command: 'file.exportJson' },
      { command: 'file.exportCsv' },
      { command: 'file.exportMd' }
    ]
  },
  {
    id: 'edit',
    title: 'Edit',
    mnemonic: 'e',
    items: [
      { command: 'edit.undo' },
      { command: 'edit.redo' },
      { separator: true },
      { command: 'edit.cut' },
      { command: 'edit.copy' },
      { command: 'edit.paste' },
      { command: 'edit.selectAll' },
      { separator: true },
      { command: 'edit.find' },
      { command: 'edit.replace' },
      { command: 'edit.gotoLine' },
      { command: 'edit.toggleComment' },
      { separator: true },
      { command: 'edit.formatDocument' },
      { command: 'edit.formatOnSave' },
      { command: 'edit.format' }
    ]
  },
  {
    id: 'view',
    title: 'View',
    mnemonic: 'v',
    items: [
      { command: 'view.palette' },
      { command: 'view.lookup' },
      { separator: true },
      ...VIEW_COMMANDS.map((c) => ({ command: c.id })),
      { separator: true },
      { header: 'Theme' },
      { command: 'theme.system' },
      { command: 'theme.light' },
      { command: 'theme.dark' },
      { separator: true },
      { command: 'view.wordWrap' }
    ]
  },
  {
    id: 'help',
    title: 'Help',
    mnemonic: 'h',
    items: [{ command: 'help.docs' }, { command: 'help.tour' }, { separator: true }, { command: 'help.shortcuts' }, { separator: true }, { command: 'help.about' }]
  }
]

/** The parts of a KeyboardEvent the registry looks at. */
export interface KeyLike {
  key: string
  code: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

interface Chord {
  ctrl: boolean
  meta: boolean
  shift: boolean
  alt: boolean
  /** lower-case key name: `s`, `1`, `/`, `f1`, `enter` */
  key: string
}

/** `Mod+Shift+S` → the chord for this platform. */
export function parseKeys(keys: string, mac: boolean): Chord {
  const parts = keys.split('+')
  const key = parts.pop()!.toLowerCase()
  const c: Chord = { ctrl: false, meta: false, shift: false, alt: false, key }
  for (const p of parts) {
    const m = p.toLowerCase()
    if (m === 'mod') c[mac ? 'meta' : 'ctrl'] = true
    else if (m === 'ctrl') c.ctrl = true
    else if (m === 'meta' || m === 'cmd') c.meta = true
    else if (m === 'shift') c.shift = true
    else if (m === 'alt' || m === 'option') c.alt = true
    else throw new Error(`unknown modifier ${p} in ${keys}`)
  }
  return c
}

/**
 * The key an event names, independent of layout-dependent characters that Alt or Shift
 * produce (Alt+Z is `Ω` on a Mac, Shift+1 is `!`): letters and digits come from `code`.
 */
export function eventKey(e: KeyLike): string {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3).toLowerCase()
  if (/^Digit\d$/.test(e.code)) return e.code.slice(5)
  if (e.code === 'Slash') return '/'
  if (e.code === 'Equal') return '='
  if (e.code === 'Minus') return '-'
  return e.key.toLowerCase()
}

export function matches(e: KeyLike, keys: string, mac: boolean): boolean {
  const c = parseKeys(keys, mac)
  return e.ctrlKey === c.ctrl && e.metaKey === c.meta && e.shiftKey === c.shift && e.altKey === c.alt && eventKey(e) === c.key
}

const MAC_SYMBOLS: Record<string, string> = { ctrl: '⌃', alt: '⌥', shift: '⇧', meta: '⌘' }

/** `Mod+Shift+S` → `Ctrl+Shift+S`, or `⇧⌘S` on a Mac. */
export function formatKeys(keys: string, mac: boolean): string {
  const c = parseKeys(keys, mac)
  const name = c.key.length === 1 ? c.key.toUpperCase() : c.key.replace(/^f(\d+)$/, 'F$1').replace(/^\w/, (s) => s.toUpperCase())
  if (mac) return (c.ctrl ? MAC_SYMBOLS.ctrl : '') + (c.alt ? MAC_SYMBOLS.alt : '') + (c.shift ? MAC_SYMBOLS.shift : '') + (c.meta ? MAC_SYMBOLS.meta : '') + name
  return [c.ctrl && 'Ctrl', c.meta && 'Meta', c.alt && 'Alt', c.shift && 'Shift', name].filter(Boolean).join('+')
}

export interface FuzzyMatch {
  score: number
  /** indices of the matched characters in the text, for highlighting */
  positions: number[]
}

/**
 * Subsequence match, case-insensitive. Higher scores for matches at word starts and for
 * consecutive runs, lower for gaps; null when some query character is missing.
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.toLowerCase().replace(/\s+/g, '')
  if (!q) return { score: 0, positions: [] }
  const t = text.toLowerCase()
  // try each start of the first character; keep the best greedy match
  let best: FuzzyMatch | null = null
  for (let start = t.indexOf(q[0]); start >= 0; start = t.indexOf(q[0], start + 1)) {
    const positions: number[] = []
    let score = 0
    let ti = start
    let prev = -2
    for (const ch of q) {
      while (ti < t.length && t[ti] !== ch) ti++
      if (ti >= t.length) return best
      const wordStart = ti === 0 || /[\s:./_-]/.test(t[ti - 1]) || (text[ti] !== t[ti] && text[ti - 1] === t[ti - 1])
      score += 1 + (wordStart ? 8 : 0) + (ti === prev + 1 ? 5 : 0) - Math.min(3, Math.max(0, ti - prev - 1)) * 0.5
      positions.push(ti)
      prev = ti
      ti++
    }
    score -= start * 0.05 + t.length * 0.01
    if (!best || score > best.score) best = { score, positions }
  }
  return best
}

export interface KeyContext {
  /** a modal dialog or the palette is open: only its own keys apply */
  modal: boolean
}

export class CommandRegistry {
  private commands = new Map<string, Command>()

  constructor(
    readonly mac: boolean,
    readonly browser: boolean
  ) {}

  /** Every spec with its handler (the type demands a handler for each id). */
  registerAll(specs: readonly CommandSpec[], handlers: CommandHandlers): void {
    for (const spec of specs) {
      const h = (handlers as Record<string, Pick<Command, 'run' | 'enabled' | 'checked'>>)[spec.id]
      if (!h) throw new Error(`command ${spec.id} has no handler`)
      this.register({ ...spec, ...h })
    }
  }

  register(...cmds: Command[]): void {
    for (const c of cmds) {
      if (this.commands.has(c.id)) throw new Error(`command ${c.id} is registered twice`)
      this.commands.set(c.id, c)
    }
  }

  get(id: string): Command | undefined {
    return this.commands.get(id)
  }

  all(): Command[] {
    return [...this.commands.values()]
  }

  /** The shortcut in effect on this host (browser hosts avoid reserved keys). */
  keysOf(c: Command): string | undefined {
    return (this.browser && c.browserKeys) || c.keys
  }

  shortcut(id: string): string {
    const c = this.commands.get(id)
    const k = c && this.keysOf(c)
    return k ? formatKeys(k, this.mac) : ''
  }

  label(c: Command): string {
    return `${c.category}: ${c.title}`
  }

  isEnabled(id: string): boolean {
    const c = this.commands.get(id)
    return !!c && (c.enabled ? c.enabled() : true)
  }

  async run(id: string): Promise<boolean> {
    const c = this.commands.get(id)
    if (!c || !this.isEnabled(id)) return false
    await c.run()
    return true
  }

  /** The command a key event triggers, or null. */
  commandFor(e: KeyLike): Command | null {
    for (const c of this.commands.values()) {
      const k = this.keysOf(c)
      if (k && !c.nativeKey && matches(e, k, this.mac)) return c
    }
    return null
  }

  /**
   * Run the command bound to this key, if any. Returns true when the event was used
   * (the caller then calls preventDefault/stopPropagation).
   */
  handleKey(e: KeyLike, ctx: KeyContext): boolean {
    if (ctx.modal) return false
    const c = this.commandFor(e)
    if (!c) return false
    if (c.enabled && !c.enabled()) return true // swallow: e.g. Ctrl+S while nothing to save must not open the browser's dialog
    void c.run()
    return true
  }

  /** The palette's rows for a query, best first; every command when the query is empty. */
  search(query: string): { command: Command; label: string; match: FuzzyMatch }[] {
    const rows: { command: Command; label: string; match: FuzzyMatch }[] = []
    for (const c of this.commands.values()) {
      const label = this.label(c)
      const m = fuzzyMatch(query, label)
      if (m) rows.push({ command: c, label, match: m })
    }
    if (query.trim()) rows.sort((a, b) => b.match.score - a.match.score)
    return rows
  }
}
