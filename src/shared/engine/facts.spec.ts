// The table of kernel facts: boundaries (since/until, stable backports and reverts), the
// labels views print and the drgn-style citations, checked on rows whose history is known.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cite, FACTS, factHolds, factVersions, holds, versionsBefore, versionsOf, type KernelFact } from './facts.ts'
import { parseKernelVersion } from './version.ts'

const v = (s: string) => parseKernelVersion(s)!

describe('holds(): since, until, backports, reverts', () => {
  it('MAX_ORDER is inclusive from v6.4 (23baf831a32c)', () => {
    expect(holds('max-order-inclusive', v('6.3'))).toBe(false)
    expect(holds('max-order-inclusive', v('6.4-rc1'))).toBe(true)
    expect(holds('max-order-inclusive', v('7.3'))).toBe(true)
  })
  it('the MAX_PAGE_ORDER rename is v6.8-rc1-3-g5e0a760b4441: not in 6.8-rc1', () => {
    expect(holds('max-page-order-renamed', v('6.8-rc1'))).toBe(false)
    expect(holds('max-page-order-renamed', v('6.8-rc2'))).toBe(true)
  })
  it('arm64 HVO: 5.19 until 6.3, dropped again by 6.1.16 and 6.2.3 (060a2c92d1b6)', () => {
    expect(['5.18', '5.19', '6.1.15', '6.1.16', '6.2', '6.2.2', '6.2.3', '6.3'].map((s) => holds('hvo-arm64', v(s)))).toEqual([false, true, true, false, true, true, false, false])
  })
  it('s390 HVO until 6.18-rc4, and not in 6.12.58+ or 6.6.117+', () => {
    expect(['6.1', '6.2', '6.6.116', '6.6.117', '6.12.57', '6.12.58', '6.17', '6.18-rc3', '6.18-rc4'].map((s) => holds('hvo-s390', v(s)))).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      true,
      false
    ])
  })
  it('a stable backport holds inside its branch only: 3770e52fd4ec in 6.1.13 and 6.2', () => {
    expect(['6.1.12', '6.1.13', '6.1.150', '6.2-rc8', '6.2'].map((s) => holds('mm-zero-struct-page-96', v(s)))).toEqual([false, true, true, false, true])
  })
  it('MAX_STRUCT_PAGE_SIZE 128: 6.1.0–6.1.11 and 6.2-rc1..rc7', () => {
    expect(['6.0', '6.1', '6.1.11', '6.1.12', '6.2-rc7', '6.2-rc8', '6.2'].map((s) => holds('pfn-max-struct-page-128', v(s)))).toEqual([false, true, true, false, true, false, false])
  })
  it('arm64 pfn_valid() = memblock_is_memory(): 5.14 to 5.15.35', () => {
    expect(['5.13', '5.14', '5.15.35', '5.15.36', '5.16'].map((s) => holds('arm64-pfn-valid-memblock-memory', v(s)))).toEqual([false, true, true, false, false])
  })
  it('an ad-hoc fact follows the same rules', () => {
    const f: KernelFact = { what: 'x', since: '5.10-rc1', until: '6.0-rc1', backports: ['5.4.200'], reverts: ['5.15.100'] }
    expect(['5.4.199', '5.4.200', '5.9', '5.10', '5.15.99', '5.15.100', '6.0'].map((s) => factHolds(f, v(s)))).toEqual([false, true, false, true, true, false, false])
  })
})

describe('labels and citations', () => {
  it('versionsOf(): ≥ since, ranges with until, backports and reverts', () => {
    expect(versionsOf('max-order-inclusive')).toBe('≥ 6.4')
    expect(versionsOf('hvo-arm64')).toBe('5.19–6.2 (not 6.1.16+, 6.2.3+)')
    expect(versionsOf('mm-zero-struct-page-96')).toBe('≥ 6.2, 6.1.13+')
    expect(versionsOf('arm64-pfn-valid-memblock-memory')).toBe('5.14–5.15 (not 5.15.36+)')
  })
  it('versionsBefore(): the era before a fact, across a major version', () => {
    expect(versionsBefore('max-order-inclusive')).toBe('≤ 6.3')
    expect(versionsBefore('x86-5level-paging')).toBe('≤ 4.13')
    expect(factVersions({ what: 'x', since: '2.6', until: '5.0-rc1' })).toBe('≤ 4.20')
  })
  it('a fact without a commit says so, in the label and in the citation', () => {
    expect(versionsOf('riscv-thp-pud')).toMatch(/\(inferred\)$/)
    expect(cite('riscv-thp-pud')).toMatch(/^no commit pinned: /)
  })
  it('cite() reads like drgn: commit id ("subject") (in release)', () => {
    expect(cite('max-order-inclusive')).toBe('commit 23baf831a32c ("mm, treewide: redefine MAX_ORDER sanely") (in v6.4)')
  })
  it('every row is well formed: parseable versions, 12-hex commit ids, a reason where no commit', () => {
    for (const [id, f] of Object.entries(FACTS) as [string, KernelFact][]) {
      expect(parseKernelVersion(f.since), `${id} since`).not.toBeNull()
      if (f.until) expect(parseKernelVersion(f.until), `${id} until`).not.toBeNull()
      for (const b of [...(f.backports ?? []), ...(f.reverts ?? [])]) expect(parseKernelVersion(b), `${id} ${b}`).not.toBeNull()
      if (f.commit) expect(f.commit.id, id).toMatch(/^[0-9a-f]{12}$/)
      else expect(f.inferred, `${id} has neither a commit nor a reason`).toBeTruthy()
    }
  })
})

describe('the README lists the facts no commit pins', () => {
  it('one row per commit-less fact, and the count of facts', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### Kernel facts not pinned to a commit'))
    const listed = [...section.slice(0, section.indexOf('\n## ')).matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]).sort()
    const unpinned = (Object.entries(FACTS) as [string, KernelFact][])
      .filter(([, f]) => !f.commit)
      .map(([id]) => id)
      .sort()
    expect(listed).toEqual(unpinned)
    expect(section).toContain(`holds ${Object.keys(FACTS).length} facts`)
  })
})
