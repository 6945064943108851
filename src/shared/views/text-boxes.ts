// The texts of a drawing as boxes in drawing px, read back from the SVG string the views
// render (every <text> they write carries x, y, font-size and, where not the default,
// text-anchor, font-weight and the monospace face). The view specs use it to check a
// layout at any width: no two texts overlap and none runs past the drawing's edges.

import { boxesMeet, MONO, textBox, textWidth, tokenBreaks, unesc, type TextBox } from './svg.ts'

export interface DrawnText extends TextBox {
  text: string
  size: number
}

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)
  return m ? unesc(m[1]) : null
}

/** Every non-empty <text> of `svg` with its box (tspans measured with their own weight). */
export function textBoxes(svg: string): DrawnText[] {
  const out: DrawnText[] = []
  const monoFamily = MONO.replace(/'/g, '&apos;')
  for (const m of svg.matchAll(/<text\b([^>]*?)(?:\/>|>([\s\S]*?)<\/text>)/g)) {
    const a = m[1]
    const x = Number(attr(a, 'x'))
    const y = Number(attr(a, 'y'))
    const size = Number(attr(a, 'font-size') ?? 12)
    const bold = attr(a, 'font-weight') === 'bold'
    const mono = a.includes(`font-family="${monoFamily}"`)
    const anchor = (attr(a, 'text-anchor') ?? 'start') as 'start' | 'middle' | 'end'
    const body = (m[2] ?? '').replace(/<title>[\s\S]*?<\/title>/g, '')
    // runs of text: a <tspan> with its own weight, or plain character data
    let w = 0
    let s = ''
    for (const r of body.matchAll(/<tspan\b([^>]*)>([\s\S]*?)<\/tspan>|([^<]+)/g)) {
      const run = unesc(r[2] ?? r[3] ?? '')
      const b = r[1] !== undefined ? attr(r[1], 'font-weight') === 'bold' || bold : bold
      w += textWidth(run, size, { mono, bold: b })
      s += run
    }
    if (!s.trim()) continue
    const box = textBox(x, y, s, size, { anchor, mono, bold })
    // the measured width (tspans of another weight) at the anchor's place
    const left = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x
    out.push({ ...box, x: left, w, text: s, size })
  }
  return out
}

/** What is wrong with a drawing's texts: pairs that overlap, texts past its edges. */
export function layoutProblems(svg: string, tolerance = 0.5): string[] {
  const width = Number(/<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0)
  const height = Number(/<svg\b[^>]*?\sheight="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0)
  const boxes = textBoxes(svg)
  const out: string[] = []
  const shrink = (b: TextBox): TextBox => ({ x: b.x + tolerance, y: b.y + tolerance, w: b.w - 2 * tolerance, h: b.h - 2 * tolerance })
  const f = (v: number): string => v.toFixed(1)
  for (const b of boxes) {
    if (b.x < -tolerance || b.x + b.w > width + tolerance) out.push(`"${b.text}" runs past the drawing's width (x ${f(b.x)}–${f(b.x + b.w)} of ${width})`)
    if (b.y < -tolerance || b.y + b.h > height + tolerance) out.push(`"${b.text}" runs past the drawing's height (y ${f(b.y)}–${f(b.y + b.h)} of ${height})`)
  }
  // sweep by x: only boxes whose x ranges meet are compared
  const sorted = [...boxes].sort((a, b) => a.x - b.x)
  for (let i = 0; i < sorted.length; i++) {
    const a = shrink(sorted[i])
    for (let k = i + 1; k < sorted.length && sorted[k].x + tolerance < a.x + a.w; k++)
      if (boxesMeet(a, shrink(sorted[k]))) out.push(`"${sorted[i].text}" overlaps "${sorted[k].text}" (at ${f(sorted[k].x)}, ${f(sorted[k].y)})`)
  }
  return out
}

/**
 * The places where `lines` (the wrap of `text`) break a token: a break that is neither at
 * a space nor at a token boundary (after `_ / , ( - = :`…, before `0x` or `[`).
 */
export function midWordBreaks(text: string, lines: string[]): string[] {
  const out: string[] = []
  let rest = text.replace(/\s+/g, ' ').trim()
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (!rest.startsWith(l)) throw new Error(`line ${JSON.stringify(l)} is not the text's next part ${JSON.stringify(rest.slice(0, 40))}`)
    rest = rest.slice(l.length)
    if (i === lines.length - 1 || rest.startsWith(' ')) {
      rest = rest.trimStart()
      continue
    }
    // a token broken across lines: the break must be one of its boundaries
    const tokenStart = l.lastIndexOf(' ') + 1
    const token = l.slice(tokenStart) + rest.split(' ')[0]
    if (!tokenBreaks(token).includes(l.length - tokenStart)) out.push(`${l.slice(tokenStart)}|${rest.split(' ')[0]}`)
  }
  return out
}
