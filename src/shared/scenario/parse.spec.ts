import { describe, expect, it } from 'vitest'
import { parseScenario } from './parse.ts'
import { scenarioJsonSchema } from './scenario.ts'

const ok = `kernel: "6.1"
arch: x86_64
firmware:
  kind: e820
  map:
    - { start: 0, size: 640K, type: usable }
    - { start: 1M, end: 2G, type: usable }
`

describe('scenario parsing', () => {
  it('accepts YAML and JSON, with sizes in any form', () => {
    const y = parseScenario(ok)
    expect(y.ok && y.scenario.firmware.map[1].end).toBe(2 ** 31)
    const j = parseScenario(JSON.stringify({ kernel: '6.1', arch: 'arm64', firmware: { kind: 'dt', map: [{ start: '0x40000000', size: '1G', type: 'memory' }] } }))
    expect(j.ok).toBe(true)
  })
  it('reports every error with its line and column', () => {
    const r = parseScenario(ok.replace('size: 640K', 'size: 640Q').replace('arch: x86_64', 'arch: sparc').replace('kind: e820', 'kind: e820\n  colour: blue'))
    expect(r.ok).toBe(false)
    const errs = r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)
    expect(errs).toContainEqual(expect.stringMatching(/^2:7 arch: .*sparc.* is not one of/))
    expect(errs).toContainEqual(expect.stringMatching(/^5:11 firmware\.colour: unknown field "colour"/))
    expect(errs).toContainEqual(expect.stringMatching(/^7:25 firmware\.map\[0\]\.size: "640Q" is not a size/))
  })
  it('names a key with a pasted no-break space or a zero-width space as it really is', () => {
    const r = parseScenario(ok.replace('arch: x86_64', '\u00a0arch: x86_64').replace('kind: e820', 'kind: e820\n  \u200bmap2: []'))
    const errs = r.diagnostics.map((d) => d.message)
    expect(errs).toContainEqual(expect.stringMatching(/^\\u00a0arch: unknown field "\\u00a0arch"/))
    expect(errs).toContainEqual(expect.stringMatching(/^firmware\.\\u200bmap2: unknown field "\\u200bmap2"/))
  })
  it('quotes a key that begins with a space, so the message does not start with one', () => {
    const r = parseScenario(JSON.stringify({ ' ame': 'x', kernel: '6.1', arch: 'x86_64', firmware: { kind: 'e820', map: [{ start: 0, last: 0xfffff, type: 'usable' }] } }))
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/^" ame": unknown field " ame"/))
  })
  it('refuses an empty PMEM namespace or a zero alignment (ND_MIN_NAMESPACE_SIZE)', () => {
    const pmem = (ns: string): string => `${ok}memmap:\n  pmem:\n    - ${ns}\n`
    const m = (t: string): string =>
      parseScenario(t)
        .diagnostics.map((d) => d.message)
        .join('\n')
    expect(m(pmem('{ name: ns, start: 2T, size: 0T, mode: pmem }'))).toMatch(/memmap\.pmem\[0\]\.size: 0T is below the minimum 4096/)
    expect(m(pmem('{ name: ns, start: 2T, size: 1T, mode: pmem, align: 0 }'))).toMatch(/memmap\.pmem\[0\]\.align: 0 is below the minimum 4096/)
  })
  it('says a JSON number beyond 2^53 (1e400 is Infinity) is too large, not "Infinity"', () => {
    const r = parseScenario(JSON.stringify({ kernel: '6.1', arch: 'x86_64', firmware: { kind: 'e820', map: [{ start: 0, last: 1 }] } }).replace('"last":1', '"last":1e400'))
    const m = r.diagnostics.map((d) => d.message).join('\n')
    expect(m).toMatch(/firmware\.map\[0\]\.last: the number is too large/)
    expect(m).not.toMatch(/Infinity/)
  })
  it('a mapping used as a key is an error in the scenario, not a Node warning on stderr', () => {
    const warned: unknown[] = []
    const keep = process.emitWarning
    process.emitWarning = ((w: unknown) => void warned.push(w)) as typeof process.emitWarning
    try {
      const r = parseScenario(`? [a, b]\n: 1\n${ok}`)
      expect(r.ok).toBe(false)
      expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(/unknown field "\[ a, b \]"/)
    } finally {
      process.emitWarning = keep
    }
    expect(warned).toEqual([])
  })
  it('locates malformed YAML and never throws', () => {
    const r = parseScenario('kernel: "6.1\narch: [x86')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0].line).toBeGreaterThanOrEqual(1)
    expect(parseScenario('').ok).toBe(false)
    expect(parseScenario('- just\n- a list').ok).toBe(false)
  })
  it('rejects impossible ranges with the reason', () => {
    const r = parseScenario(ok.replace('end: 2G', 'end: 512K'))
    expect(!r.ok && r.diagnostics[0].message).toMatch(/empty or reversed/)
    const both = parseScenario(ok.replace('size: 640K', 'size: 640K, end: 1M'))
    expect(!both.ok && both.diagnostics[0].message).toMatch(/only one of size, end or last/)
  })
  it('refuses a huge paste quickly with a message', () => {
    const r = parseScenario('x'.repeat(40 * 1024 * 1024))
    expect(!r.ok && r.diagnostics[0].message).toMatch(/refused/)
    const over = parseScenario('kernel: "6.1"\n' + '#'.repeat(100 * 1024 * 1024))
    expect(over.diagnostics[0]).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/larger than 100 MB are refused/) })
  })
  it('reads block style up to 100 MB; YAML beyond it only up to 32 MB, refused where the block style ends', () => {
    const big = 'kernel: "6.1"\narch: x86_64\nname: &a x\n' + '# filler\n'.repeat(4 * 1024 * 1024)
    const r = parseScenario(big)
    expect(r.diagnostics[0]).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/leaves the block style .* refused above 32 MB/) })
    const ok = parseScenario(big.replace('&a x', 'x') + 'firmware:\n  kind: e820\n  map:\n    - { start: 0, size: 1G, type: usable }\n')
    expect(ok.ok && ok.scenario.firmware.map[0].size).toBe(2 ** 30)
  })
  it('emits a JSON Schema with documentation for the editor', () => {
    const s = scenarioJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] }
    expect(s.required).toEqual(['kernel', 'arch', 'firmware'])
    expect(s.properties.kernel.description).toMatch(/version profile/)
    expect(JSON.stringify(s)).toContain('is_usable_memory')
  })
  it('every field, at every depth, has hover documentation', () => {
    type Node = { properties?: Record<string, Node>; items?: Node; oneOf?: Node[]; anyOf?: Node[]; allOf?: Node[]; description?: string; markdownDescription?: string }
    const undocumented: string[] = []
    let fields = 0
    const walk = (n: Node | undefined, path: string): void => {
      if (!n || typeof n !== 'object') return
      for (const [k, v] of Object.entries(n.properties ?? {})) {
        fields++
        if (!v.description?.trim() || !v.markdownDescription?.trim()) undocumented.push(`${path}.${k}`)
        walk(v, `${path}.${k}`)
      }
      walk(n.items, `${path}[]`)
      for (const alt of [...(n.oneOf ?? []), ...(n.anyOf ?? []), ...(n.allOf ?? [])]) walk(alt, path)
    }
    walk(scenarioJsonSchema() as Node, '')
    expect(fields).toBeGreaterThan(40)
    expect(undocumented).toEqual([])
  })
})
