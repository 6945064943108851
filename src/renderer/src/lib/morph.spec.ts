// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import uefi from '../../../../resources/examples/arm64-uefi-server.yaml?raw'
import server from '../../../../resources/examples/x86-4node-server.yaml?raw'
import laptop from '../../../../resources/examples/x86-laptop.yaml?raw'
import { analyzeSource } from '../../../shared/engine/index.ts'
import { renderView } from '../../../shared/views/index.ts'
import { morphHtml } from './morph.ts'

function report(text: string) {
  const r = analyzeSource(text, 'scenario.yaml')
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '))
  return r.report
}

/** A tree as text with attributes sorted (morphing may reorder them; order has no meaning). */
function canonical(n: Node): string {
  if (n.nodeType !== 1) return `${n.nodeName}:${n.nodeValue ?? ''}`
  const e = n as Element
  const attrs = [...e.attributes].map((a) => `${a.namespaceURI ?? ''}|${a.name}=${a.value}`).sort()
  return `<${e.namespaceURI} ${e.nodeName} ${attrs.join(' ')}>${[...e.childNodes].map(canonical).join('')}</>`
}

/** The markup as a fresh parse gives it: what morphing must end in. */
function parsed(markup: string): string {
  const d = document.createElement('div')
  d.innerHTML = markup
  return canonical(d)
}

describe('morphHtml: a drawing updated in place', () => {
  it('ends in exactly the new drawing, keeping the nodes that did not change', () => {
    const text = uefi
    const before = renderView('nomap', report(text))
    const after = renderView('nomap', report(text.replace(/^name: .*$/m, 'name: renamed server')))
    const host = document.createElement('div')
    host.innerHTML = before
    const background = host.querySelector('[data-kind="background"]')
    const changes = morphHtml(host, after)
    expect(canonical(host)).toBe(parsed(after))
    // the same element object: it was kept, not re-created
    expect(host.querySelector('[data-kind="background"]')).toBe(background)
    // a rename touches the titles and headings, not hundreds of nodes
    expect(changes).toBeGreaterThan(0)
    expect(changes).toBeLessThan(10)
  })

  it('any pair of views and layouts: the result is the new markup', () => {
    const a = report(laptop)
    const b = report(server)
    const host = document.createElement('div')
    for (const [x, y] of [
      [renderView('map', a), renderView('map', b)],
      [renderView('sections', b), renderView('sections', a)],
      [renderView('costs', a), renderView('nomap', b)],
      [renderView('map', b, { scale: 'log' }), renderView('map', b)]
    ]) {
      host.innerHTML = x
      morphHtml(host, y)
      expect(canonical(host)).toBe(parsed(y))
    }
  })

  it('adds, removes and replaces children, and syncs attributes both ways', () => {
    const host = document.createElement('div')
    host.innerHTML = '<svg><g a="1" b="2"><text>x</text></g><rect/><circle/></svg>'
    const g = host.querySelector('g')
    const n = morphHtml(host, '<svg><g b="3" c="4"><text>y</text><text>z</text></g><line/></svg>')
    expect(host.innerHTML).toBe('<svg><g b="3" c="4"><text>y</text><text>z</text></g><line></line></svg>')
    expect(host.querySelector('g')).toBe(g)
    // g's attributes, one text, one added text, rect→line, circle removed
    expect(n).toBe(5)
    expect(morphHtml(host, host.innerHTML)).toBe(0)
    expect(morphHtml(host, '')).toBe(1)
    expect(host.innerHTML).toBe('')
  })
})
