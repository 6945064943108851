// Updating a drawing in place: the views are SVG strings from the shared renderers, and
// an edit usually changes a few numbers and labels of a drawing of hundreds of elements.
// Replacing the whole subtree ({@html}) makes the browser restyle and re-lay out every
// text element and drops the hover state; morphing the live tree into the new one keeps
// every node that is still the same and touches only what differs. Children are matched
// by position (the renderers emit a stable order), so an inserted row shifts the rest,
// which is still correct, only less of a saving.

function sameKind(a: Node, b: Node): boolean {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName && (a.nodeType !== 1 || (a as Element).namespaceURI === (b as Element).namespaceURI)
}

function syncAttributes(target: Element, source: Element): void {
  for (const a of [...target.attributes]) if (!source.hasAttributeNS(a.namespaceURI, a.localName)) target.removeAttributeNode(a)
  for (const a of source.attributes) if (target.getAttributeNS(a.namespaceURI, a.localName) !== a.value) target.setAttributeNS(a.namespaceURI, a.name, a.value)
}

/**
 * Make `target`'s children equal to `source`'s. Nodes of `source` may be moved into
 * `target` (source is a throw-away parse). Returns how many nodes were replaced, added
 * or removed and how many texts or attribute sets changed, for tests.
 */
export function morphChildren(target: Node, source: Node): number {
  let changes = 0
  let t = target.firstChild
  let s = source.firstChild
  while (s) {
    const nextS = s.nextSibling
    if (!t) {
      target.appendChild(s)
      changes++
    } else {
      const nextT = t.nextSibling
      if (!sameKind(t, s)) {
        target.replaceChild(s, t)
        changes++
      } else if (t.isEqualNode(s)) {
        // unchanged subtree: one native comparison, nothing to walk
      } else if (t.nodeType === 1) {
        if (!sameAttributes(t as Element, s as Element)) {
          syncAttributes(t as Element, s as Element)
          changes++
        }
        changes += morphChildren(t, s)
      } else if (t.nodeValue !== s.nodeValue) {
        t.nodeValue = s.nodeValue
        changes++
      }
      t = nextT
    }
    s = nextS
  }
  while (t) {
    const next = t.nextSibling
    target.removeChild(t)
    changes++
    t = next
  }
  return changes
}

function sameAttributes(a: Element, b: Element): boolean {
  const n = b.attributes.length
  if (a.attributes.length !== n) return false
  for (let i = 0; i < n; i++) {
    const x = b.attributes[i]
    if (a.getAttributeNS(x.namespaceURI, x.localName) !== x.value) return false
  }
  return true
}

/**
 * Show `markup` in `host`: parsed as HTML (as {@html} would) in a detached document, then
 * morphed into what is there. DOMParser parses a drawing about twice as fast as a
 * <template>'s innerHTML in Chromium; the nodes that move are adopted on insertion.
 */
export function morphHtml(host: Element, markup: string): number {
  const body = new DOMParser().parseFromString(`<!doctype html><body>${markup}`, 'text/html').body
  return morphChildren(host, body)
}
