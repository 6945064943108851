// Help › Documentation: the README's own tables, read at build time (Vite's ?raw), so
// the app shows what the README says and the two cannot drift apart: the views table
// of "The workbench" and the engine's modules with the kernel functions they model.

export interface DocTable {
  head: string[]
  rows: string[][]
}

/** A pipe table whose header row starts with these cells (case-insensitive), or null. */
export function tableAfter(markdown: string, firstCells: string[]): DocTable | null {
  const lines = markdown.split(/\r?\n/)
  const cells = (l: string): string[] =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'))
  const want = firstCells.map((c) => c.toLowerCase())
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i].trim().startsWith('|')) continue
    const head = cells(lines[i])
    if (!want.every((w, j) => head[j]?.toLowerCase() === w)) continue
    if (!/^\s*\|?\s*:?-{3,}/.test(lines[i + 1])) continue
    const rows: string[][] = []
    for (let j = i + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) rows.push(cells(lines[j]))
    return { head, rows }
  }
  return null
}

/** A cell's text as plain runs and `code` runs (rendered as text: nothing is HTML). */
export function inlineRuns(cell: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = []
  const re = /`([^`]+)`/g
  let at = 0
  for (let m = re.exec(cell); m; m = re.exec(cell)) {
    if (m.index > at) out.push({ code: false, text: cell.slice(at, m.index) })
    out.push({ code: true, text: m[1] })
    at = m.index + m[0].length
  }
  if (at < cell.length) out.push({ code: false, text: cell.slice(at) })
  return out.map((r) => (r.code ? r : { code: false, text: r.text.replace(/\*\*([^*]+)\*\*/g, '$1') }))
}
