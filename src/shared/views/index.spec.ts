import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSource } from '../engine/index.ts'
import type { AnalysisReport } from '../engine/report.ts'
import { extractEmbeddedSource, renderView, VIEW_IDS, type ViewId } from './index.ts'
import { esc, MIN_FONT_PX, textWidth, wrap } from './svg.ts'
import { exampleReports } from '../../../tests/view-reports.ts'
import { MIN_WIDTH as COSTS_MIN } from './costs.ts'
import { MIN_WIDTH as MAP_MIN } from './map.ts'
import { MIN_WIDTH as NOMAP_MIN } from './nomap.ts'
import { MIN_WIDTH as SECTIONS_MIN } from './sections.ts'
import { checkWellFormed } from './xml.ts'

const root = join(import.meta.dirname, '../../..')
const EXAMPLES = ['x86-laptop.yaml', 'x86-4node-server.yaml', 'arm64-uefi-server.yaml', 'arm64-dt-board.yaml']
const reports = new Map<string, { report: AnalysisReport; text: string }>()
for (const name of EXAMPLES) {
  const text = readFileSync(join(root, 'resources/examples', name), 'utf8')
  const r = analyzeSource(text, name)
  if (!r.ok) throw new Error(name)
  reports.set(name, { report: r.report, text })
}
const laptop = reports.get('x86-laptop.yaml')!

describe('views: standalone, accessible, well-formed SVG', () => {
  for (const name of EXAMPLES)
    for (const view of VIEW_IDS)
      it(`${view} of ${name}`, () => {
        for (const theme of ['light', 'dark'] as const) {
          const svg = renderView(view, reports.get(name)!.report, { theme })
          expect(checkWellFormed(svg), `${view} ${theme}`).toBeNull()
          expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
          expect(svg).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"[^>]*role="img" aria-labelledby="mmw-\w+-title mmw-\w+-desc"/)
          expect(svg).toMatch(new RegExp(`<title id="mmw-${view}-title">[^<]+</title><desc id="mmw-${view}-desc">[^<]+</desc>`))
          // exported SVG relies on no CSS: the root names the sans face every text inherits
          // (presentation attributes), monospace text names its own; no <style>
          expect(svg).toMatch(/<svg [^>]*font-family="&apos;DejaVu Sans&apos;, [^"]*sans-serif"/)
          const texts = svg.match(/<text\b[^>]*>/g) ?? []
          expect(texts.length).toBeGreaterThan(10)
          for (const t of texts) if (/font-family="/.test(t)) expect(t).toMatch(/font-family="&apos;DejaVu Sans Mono&apos;, [^"]*monospace"/)
          expect(svg).not.toMatch(/<style|class="/)
          // every hoverable group carries its details as a <title> first child
          for (const m of svg.matchAll(/<g ([^>]*data-kind="([\w-]+)"[^>]*)>(.{0,7})/g)) expect(m[3], `${view} ${m[2]}`).toBe('<title>')
          expect(svg).toContain(`data-theme="${theme}"`)
        }
      })

  it('the width option scales the layout', () => {
    for (const view of VIEW_IDS) expect(renderView(view, laptop.report, { width: 1600 })).toMatch(/<svg [^>]*width="1600"/)
  })

  it('text from the scenario is escaped', () => {
    const evil = { ...laptop.report, name: `<script>alert("x")</script> & 'co' ]]>` }
    for (const view of VIEW_IDS) {
      const svg = renderView(view, evil)
      expect(checkWellFormed(svg)).toBeNull()
      expect(svg).not.toContain('<script>')
      expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;')
    }
    expect(() => renderView('nope' as ViewId, laptop.report)).toThrow(RangeError)
  })
})

describe('scenario embedding', () => {
  it('round-trips the scenario through <metadata>', () => {
    for (const view of VIEW_IDS) {
      const svg = renderView(view, laptop.report, { source: { text: laptop.text, fileName: 'x86-laptop.yaml' } })
      expect(svg).toMatch(/<metadata><mmw:scenario xmlns:mmw="https:\/\/memmap-workbench.invalid\/ns" file-name="x86-laptop.yaml"><!\[CDATA\[# yaml-language-server/)
      expect(extractEmbeddedSource(svg)).toEqual({ text: laptop.text, fileName: 'x86-laptop.yaml' })
    }
    expect(extractEmbeddedSource(renderView('map', laptop.report))).toBeNull()
  })

  it('survives ]]>, markup, quotes in the name, CRLF and characters XML cannot carry', () => {
    const cases = [
      { text: 'name: "a ]]> b ]]]]> c"\n# <tag> & ünïcödé § – ≤ 🙂\n', fileName: 'we"ird <name> & co.yaml' },
      { text: 'kernel: "6.1"\r\narch: x86_64\r\n', fileName: 'crlf.yaml' },
      { text: 'bell \u0007 and nul \u0000 and lone \ud800 surrogate', fileName: 'ctl.yaml' },
      { text: '', fileName: 'empty.yaml' }
    ]
    for (const c of cases) {
      const svg = renderView('costs', laptop.report, { source: c })
      expect(checkWellFormed(svg), c.fileName).toBeNull()
      const back = extractEmbeddedSource(svg)!
      expect(back.fileName).toBe(c.fileName)
      expect(back.text).toBe(c.text)
    }
  })
})

describe('helpers', () => {
  it('checkWellFormed rejects what parsers reject', () => {
    expect(checkWellFormed('<a><b></a></b>')).toMatch(/closes/)
    expect(checkWellFormed('<a>x & y</a>')).toMatch(/unescaped &/)
    expect(checkWellFormed('<a x="1" x="2"/>')).toMatch(/duplicate/)
    expect(checkWellFormed('<a x=1/>')).toMatch(/bad attribute/)
    expect(checkWellFormed('<a/><b/>')).toMatch(/more than one root/)
    expect(checkWellFormed('<a><![CDATA[ <&> ]]></a>')).toBeNull()
    expect(checkWellFormed('<a>')).toMatch(/unclosed/)
    expect(checkWellFormed('<a t="x<y"/>')).toMatch(/raw </)
  })
  it('no drawing draws text under MIN_FONT_PX (the app sizes its narrowest views pane by it)', () => {
    const min: Record<ViewId, number> = { map: MAP_MIN, sections: SECTIONS_MIN, nomap: NOMAP_MIN, costs: COSTS_MIN }
    for (const [name, r] of exampleReports())
      for (const view of VIEW_IDS)
        for (const width of [min[view], 1200]) {
          const sizes = [...renderView(view, r, { width }).matchAll(/font-size="(\d+(?:\.\d+)?)"/g)].map((m) => Number(m[1]))
          expect(Math.min(...sizes), `${view} of ${name} at ${width}`).toBeGreaterThanOrEqual(MIN_FONT_PX)
        }
  })

  it('escaping and text layout', () => {
    expect(esc(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;')
    expect(textWidth('iiii', 10)).toBeLessThan(textWidth('MMMM', 10))
    const lines = wrap('the quick brown fox jumps over the lazy dog', 80, 11)
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(textWidth(l, 11)).toBeLessThanOrEqual(80)
  })
})

describe('views of a report without a memmap analysis (e.g. one read from a boot log)', () => {
  const bare: AnalysisReport = { ...laptop.report, memmap: null }
  const messages: Partial<Record<ViewId, string>> = {
    sections: 'This report has no memmap analysis (analyze with the memmap model to see section placement).',
    nomap: 'This report has no memmap analysis.',
    costs: 'This report has no memmap analysis.'
  }
  for (const [view, message] of Object.entries(messages) as [ViewId, string][])
    it(`${view} says so in a well-formed document`, () => {
      const svg = renderView(view, bare, { theme: 'dark', source: { fileName: 'x86-laptop.yaml', text: laptop.text } })
      expect(checkWellFormed(svg)).toBeNull()
      expect(svg).toContain(`>${esc(message)}</text>`)
      expect(svg).toContain('data-theme="dark"')
      expect(extractEmbeddedSource(svg)?.text).toBe(laptop.text)
    })
})
