import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { analyzeSource } from '../shared/engine/index.ts'
import { EngineWorker } from './engine-client.ts'

const root = join(import.meta.dirname, '../..')
const worker = new EngineWorker()
afterAll(() => worker.close())

describe('engine worker thread', () => {
  it('answers exactly what the engine answers in-thread', async () => {
    const text = readFileSync(join(root, 'resources/examples/x86-laptop.yaml'), 'utf8')
    const r = await worker.call<ReturnType<typeof analyzeSource>>('analyze', text, 'x86-laptop.yaml')
    expect(r).toEqual(JSON.parse(JSON.stringify(analyzeSource(text, 'x86-laptop.yaml'))))
  })
  it('runs a boot-log diff and reports bad input as diagnostics', async () => {
    const log = readFileSync(join(root, 'tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
    const r = await worker.call<{ ok: boolean; report: { diff: { equal: boolean } } }>('bootlog', log, 'boot.log')
    expect(r.ok && r.report.diff.equal).toBe(true)
    const bad = await worker.call<{ ok: boolean; diagnostics: { line: number }[] }>('analyze', 'kernel: [', 'x.yaml')
    expect(bad.ok).toBe(false)
    expect(bad.diagnostics[0].line).toBe(1)
  })
  it('rejects unknown methods instead of hanging', async () => {
    await expect(worker.call('frobnicate' as never, '', '')).rejects.toThrow(/unknown engine method/)
  })
})
