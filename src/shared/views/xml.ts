// A small XML well-formedness checker (no DOM): balanced and properly nested tags, quoted
// and unique attributes, entity references that exist, no raw `<` or `&` in text, one
// root element. Enough to prove the views' output parses everywhere (browser, resvg,
// svg-to-pdfkit); not a validating parser.

const NAME = /^[A-Za-z_][\w.:-]*$/

/** null when `xml` is well-formed; otherwise the first problem with its offset. */
export function checkWellFormed(xml: string): string | null {
  const stack: string[] = []
  let roots = 0
  let i = 0
  const fail = (msg: string): string => `${msg} at offset ${i}`
  const checkText = (t: string): string | null => {
    if (t.includes('<')) return 'raw < in text'
    const amp = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(t)
    if (amp) return 'unescaped & in text'
    if (t.includes(']]>')) return ']]> in text'
    return null
  }
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>')
    if (end < 0) return 'unterminated XML declaration'
    i = end + 2
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const chunk = xml.slice(i, lt < 0 ? xml.length : lt)
    if (chunk.trim()) {
      if (!stack.length) return fail('text outside the root element')
      const e = checkText(chunk)
      if (e) return fail(e)
    }
    if (lt < 0) break
    i = lt
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4)
      if (end < 0) return fail('unterminated comment')
      if (xml.slice(i + 4, end).includes('--')) return fail('-- inside a comment')
      i = end + 3
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (!stack.length) return fail('CDATA outside the root element')
      const end = xml.indexOf(']]>', i + 9)
      if (end < 0) return fail('unterminated CDATA section')
      i = end + 3
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i)
      if (end < 0) return fail('unterminated processing instruction')
      i = end + 2
    } else if (xml.startsWith('<!', i)) {
      return fail('DOCTYPE or declaration not supported')
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i)
      if (end < 0) return fail('unterminated end tag')
      const name = xml.slice(i + 2, end).trim()
      const open = stack.pop()
      if (open !== name) return fail(`</${name}> closes <${open ?? 'nothing'}>`)
      i = end + 1
    } else {
      // start tag: name, attributes (quoted values without raw <), optional /
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 200))
      if (!m) return fail('bad tag name')
      const name = m[1]
      let j = i + m[0].length
      const seen = new Set<string>()
      let selfClosing = false
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(j, j + 1000))![0].length
        j += ws
        if (xml.startsWith('/>', j)) {
          selfClosing = true
          j += 2
          break
        }
        if (xml[j] === '>') {
          j += 1
          break
        }
        if (!ws) return fail(`attributes of <${name}> need white space between them`)
        const am = /^([^\s=/>]+)\s*=\s*(["'])/.exec(xml.slice(j, j + 300))
        if (!am || !NAME.test(am[1])) return fail(`bad attribute in <${name}>`)
        if (seen.has(am[1])) return fail(`duplicate attribute ${am[1]} in <${name}>`)
        seen.add(am[1])
        const q = am[2]
        const vs = j + am[0].length
        const ve = xml.indexOf(q, vs)
        if (ve < 0) return fail(`unterminated attribute ${am[1]}`)
        const val = xml.slice(vs, ve)
        const e = checkText(val)
        if (e) return fail(`${e} (attribute ${am[1]} of <${name}>)`)
        j = ve + 1
      }
      if (!stack.length) {
        roots++
        if (roots > 1) return fail('more than one root element')
      }
      if (!selfClosing) stack.push(name)
      i = j
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`
  if (!roots) return 'no root element'
  return null
}
