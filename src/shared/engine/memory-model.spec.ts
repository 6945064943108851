// FLATMEM or SPARSEMEM from a log (memory-model.ts), on the kernel's rules: arch/x86/Kconfig
// (ARCH_FLATMEM_ENABLE: X86_32 && !NUMA; ARCH_SPARSEMEM_DEFAULT: X86_64 || (NUMA && X86_32)),
// arch/riscv/Kconfig (ARCH_FLATMEM_ENABLE def_bool !NUMA), and the hole passes a FLATMEM
// kernel skipped before 5.15 (facts.ts 'flatmem-hole-init'). Real boots from
// tests/fixtures/real-dmesg: c133 (5.12) prints the per-zone hole lines, c134 (5.13-rc6)
// and c135 (5.4.210) none, c136 (6.4-rc3) one per hole and no section tail.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../scenario/parse.ts'
import { parseLog } from './dmesg.ts'
import { loggedMemoryModel } from './memory-model.ts'
import { ModelError, runModel } from './model.ts'
import { analyzeSource } from './index.ts'
import { parseKernelVersion } from './version.ts'

const v = (s: string) => parseKernelVersion(s)!
const holeAt = (line: number) => ({ kind: 'holes' as const, line })
const initmemAt = (line: number) => ({ kind: 'initmem' as const, line })

describe('loggedMemoryModel()', () => {
  it('a NUMA kernel is SPARSEMEM on 32-bit x86 and riscv, whatever the version', () => {
    for (const arch of ['x86', 'riscv64'] as const)
      for (const k of ['5.4', '6.1']) expect(loggedMemoryModel(arch, v(k), [], 40)).toEqual({ memoryModel: 'sparsemem', used: { what: 'a NUMA kernel: SPARSEMEM', line: 40 }, warning: null })
  })
  it('32-bit x86 before 5.15: a hole message is SPARSEMEM; none after Initmem setup is FLATMEM', () => {
    expect(loggedMemoryModel('x86', v('5.13'), [initmemAt(30), holeAt(36)], 0)).toMatchObject({ memoryModel: 'sparsemem', used: { line: 36 }, warning: null })
    expect(loggedMemoryModel('x86', v('5.14'), [initmemAt(30)], 0)).toMatchObject({ memoryModel: null, used: { what: 'no hole message before 5.15: FLATMEM', line: 30 }, warning: null })
  })
  it('32-bit x86 from 5.15, or a log cut before the node setup: FLATMEM assumed, and said', () => {
    for (const [k, lines] of [
      ['5.15', [initmemAt(30), holeAt(36)]],
      ['6.4', [initmemAt(30)]],
      ['5.10', []],
      ['4.14', [initmemAt(30)]]
    ] as const) {
      const r = loggedMemoryModel('x86', v(k), [...lines], 0)
      expect(r.memoryModel, k).toBeNull()
      expect(r.warning, k).toMatch(/FLATMEM assumed/)
    }
  })
  it('riscv without NUMA and every other architecture: the preset decides, silently', () => {
    expect(loggedMemoryModel('riscv64', v('6.1'), [holeAt(3)], 0)).toEqual({ memoryModel: null, used: null, warning: null })
    expect(loggedMemoryModel('arm64', v('5.13'), [holeAt(3)], 9)).toEqual({ memoryModel: null, used: null, warning: null })
  })
})

describe('real 32-bit x86 boots', () => {
  const real = (id: string) => parseLog(readFileSync(join(import.meta.dirname, '../../../tests/fixtures/real-dmesg', `${id}.log`), 'utf8'))
  it('c133 (5.12) prints hole messages: SPARSEMEM, from its first one', () => {
    const p = real('c133-x86_32')
    expect(p.scenario.config?.memoryModel).toBe('sparsemem')
    expect(p.used).toContainEqual({ what: 'a hole message before 5.15: SPARSEMEM', line: 66 })
  })
  it('c134 (5.13-rc6) and c135 (5.4.210) print none: FLATMEM, from the node setup line', () => {
    for (const id of ['c134-x86_32', 'c135-x86_32']) {
      const p = real(id)
      expect(p.scenario.config?.memoryModel, id).toBeUndefined()
      expect(runModel(p.scenario).config.memoryModel, id).toBe('flatmem')
      expect(
        p.used.find((u) => u.what === 'no hole message before 5.15: FLATMEM'),
        id
      ).toBeDefined()
    }
  })
  it('c136 (6.4-rc3) cannot tell: FLATMEM assumed, with a warning', () => {
    const p = real('c136-x86_32')
    expect(runModel(p.scenario).config.memoryModel).toBe('flatmem')
    expect(p.warnings.join('\n')).toMatch(/FLATMEM assumed/)
  })
  it('a NUMA line makes the same log SPARSEMEM', () => {
    const log = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/real-dmesg/c134-x86_32.log'), 'utf8').replace('Built 1 zonelists', 'Fallback order for Node 0: 0 \nBuilt 1 zonelists')
    const p = parseLog(log)
    expect(p.scenario.config?.memoryModel).toBe('sparsemem')
    expect(p.used.find((u) => u.what === 'a NUMA kernel: SPARSEMEM')).toBeDefined()
  })
})

describe('scenarios: a NUMA kernel is SPARSEMEM where the arch ties FLATMEM to !NUMA', () => {
  const model = (arch: string, kernel: string, extra = '') => {
    const map = arch === 'x86' ? '  kind: e820\n  map:\n    - { start: 0x100000, end: 0x20000000, type: usable }\n' : '  kind: dt\n  map:\n    - { start: 0x80000000, size: 512M, type: memory }\n'
    const numa =
      arch === 'x86' ? 'numa:\n  nodes:\n    - { id: 0, ranges: [{ start: 0x100000, end: 0x20000000 }] }\n' : 'numa:\n  nodes:\n    - { id: 0, ranges: [{ start: 0x80000000, end: 0xa0000000 }] }\n'
    const p = parseScenario(`kernel: "${kernel}"\narch: ${arch}\nfirmware:\n${map}${extra === 'numa' ? numa : extra}`)
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
    return runModel(p.scenario).config.memoryModel
  }
  it('32-bit x86: FLATMEM, SPARSEMEM with nodes, as configured when it says', () => {
    expect(model('x86', '6.1')).toBe('flatmem')
    expect(model('x86', '6.1', 'numa')).toBe('sparsemem')
    expect(model('x86', '6.1', 'config:\n  memoryModel: sparsemem\n')).toBe('sparsemem')
  })
  it('riscv64 6.1 (FLATMEM defconfig): SPARSEMEM with nodes', () => {
    expect(model('riscv64', '6.1')).toBe('flatmem')
    expect(model('riscv64', '6.1', 'numa')).toBe('sparsemem')
  })
  it('FLATMEM said together with NUMA is no kernel: an error at config.memoryModel', () => {
    const src =
      'kernel: "6.1"\narch: x86\nconfig:\n  memoryModel: flatmem\nfirmware:\n  kind: e820\n  map:\n    - { start: 0x100000, end: 0x20000000, type: usable }\nnuma:\n  nodes:\n    - { id: 0, ranges: [{ start: 0x100000, end: 0x20000000 }] }\n'
    const p = parseScenario(src)
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics))
    expect(() => runModel(p.scenario)).toThrow(ModelError)
    try {
      runModel(p.scenario)
    } catch (e) {
      expect((e as ModelError).path).toEqual(['config', 'memoryModel'])
      expect((e as ModelError).message).toMatch(/no x86 kernel is FLATMEM with NUMA/)
    }
    const r = analyzeSource(src, 'i386.yaml')
    expect(r.ok).toBe(false)
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ line: 4, column: 16, path: 'config.memoryModel' })
  })
})
