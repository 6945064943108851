// The generator reproduces every recorded fixture from its seed: the QEMU command in each
// fixture's json is what generateBatch() builds today (movable variants from rate 1).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { generateBatch, qemuCommand } from './layouts.ts'

const dir = join(import.meta.dirname, '../../tests/fixtures/kernel-boots')

it('regenerates the QEMU command of every recorded boot', () => {
  const fixtures = readdirSync(dir)
    .filter((f) => /-s\d+-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string; seed: number; cmd: string[] })
  expect(fixtures.length).toBeGreaterThanOrEqual(150)
  const bySeed = new Map<number, typeof fixtures>()
  for (const f of fixtures) bySeed.set(f.seed, [...(bySeed.get(f.seed) ?? []), f])
  for (const [seed, list] of bySeed) {
    const x86 = list.filter((f) => f.id.startsWith('x86_64')).length
    const arm = list.filter((f) => f.id.startsWith('arm64')).length
    const movable = list.some((f) => f.cmd.some((a) => /kernelcore=|movablecore=/.test(a))) ? 1 : 0
    const variants = new Map(generateBatch(seed, x86, arm, movable).map((v) => [v.id, v]))
    for (const f of list) {
      const v = variants.get(f.id)
      expect(v, f.id).toBeDefined()
      const kernel = f.cmd[f.cmd.indexOf('-kernel') + 1]
      expect(qemuCommand(v!, kernel), f.id).toEqual(f.cmd)
    }
  }
})

it('regenerates the QEMU command of every boot on every kernel line (tests/fixtures/kernel-versions)', async () => {
  const { generateVariants } = await import('./layouts.ts')
  const root = join(import.meta.dirname, '../../tests/fixtures/kernel-versions')
  let n = 0
  for (const version of readdirSync(root)) {
    const list = readdirSync(join(root, version))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(root, version, f), 'utf8')) as { id: string; seed: number; cmd: string[]; generator: { movableRate: number; kaslrRate: number } })
    const bySeed = new Map<number, typeof list>()
    for (const f of list) bySeed.set(f.seed, [...(bySeed.get(f.seed) ?? []), f])
    for (const [seed, fs] of bySeed) {
      const x86 = Math.max(...fs.filter((f) => f.id.startsWith('x86_64')).map((f) => Number(f.id.slice(-3)) + 1), 0)
      const arm = Math.max(...fs.filter((f) => f.id.startsWith('arm64')).map((f) => Number(f.id.slice(-3)) + 1), 0)
      const s390x = Math.max(...fs.filter((f) => f.id.startsWith('s390x')).map((f) => Number(f.id.slice(-3)) + 1), 0)
      const variants = new Map(generateVariants(seed, x86, arm, { ...fs[0].generator, state: true, countS390x: s390x }).map((v) => [v.id, v]))
      for (const f of fs) {
        const v = variants.get(f.id)
        expect(v, f.id).toBeDefined()
        const kernel = f.cmd[f.cmd.indexOf('-kernel') + 1]
        expect(qemuCommand(v!, kernel, f.cmd[f.cmd.indexOf('-initrd') + 1]), `${version}/${f.id}`).toEqual(f.cmd)
        n++
      }
    }
  }
  expect(n).toBeGreaterThanOrEqual(240)
})
