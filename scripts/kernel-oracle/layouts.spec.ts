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
