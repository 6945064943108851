import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseArgs, startBrowserHost } from './browser-host.ts'

let dir: string
let host: Awaited<ReturnType<typeof startBrowserHost>>

async function call(method: string, ...args: unknown[]): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  const res = await fetch(host.url + '__api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-host-'))
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(join(dir, 'renderer', 'index.html'), '<html><head></head><body><script type="module" src="./x.js"></script></body></html>')
  mkdirSync(join(dir, 'ws', 'sub'), { recursive: true })
  writeFileSync(join(dir, 'secret.yaml'), 'secret')
  host = await startBrowserHost({ port: 0, root: join(dir, 'renderer'), workspace: join(dir, 'ws'), dataDir: join(dir, 'data') })
})
afterAll(async () => {
  await host.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('browser host: files are confined to the workspace', () => {
  it('reports the workspace and the in-app dialogs', async () => {
    const r = await call('hostInfo')
    expect(r.status).toBe(200)
    expect(r.body.result).toMatchObject({ host: 'browser', dialogs: 'in-app', workspace: host.workspace, dataDir: join(dir, 'data') })
  })

  it('saves and opens inside; recent files land in the data dir', async () => {
    expect((await call('saveFile', 'sub/a.yaml', 'kernel: "6.1"\n')).status).toBe(200)
    const r = await call('openFile', join(host.workspace, 'sub', 'a.yaml'))
    expect((r.body.result as { text: string }).text).toBe('kernel: "6.1"\n')
    expect(JSON.parse(readFileSync(join(dir, 'data', 'recent-files.json'), 'utf8')).files).toEqual([join(host.workspace, 'sub', 'a.yaml')])
  })

  it('refuses paths outside, with a message', async () => {
    for (const [m, args] of [
      ['openFile', [join(dir, 'secret.yaml')]],
      ['openFile', ['../secret.yaml']],
      ['openFile', ['/etc/passwd']],
      ['saveFile', ['../evil.yaml', 'x']],
      ['saveFile', ['/tmp/evil.yaml', 'x']],
      ['listDirectory', ['..']],
      ['listDirectory', ['/']]
    ] as const) {
      const r = await call(m, ...args)
      expect(r.status, `${m} ${args[0]}`).toBeGreaterThanOrEqual(400)
      expect(r.body.error).toMatch(/outside the workspace/)
    }
    expect(readFileSync(join(dir, 'secret.yaml'), 'utf8')).toBe('secret')
  })

  it('validates arguments before any service runs', async () => {
    expect((await call('openFile')).status).toBe(400)
    expect((await call('saveFile', 'a.txt', 'x')).status).toBe(400)
    expect((await call('setPreferences', { theme: 'neon' })).status).toBe(400)
  })
})

describe('browser host arguments', () => {
  it('a large scenario is answered from the engine worker as the same JSON as in-thread', async () => {
    const { stringify } = await import('yaml')
    const { analyzeSource } = await import('../shared/engine/index.ts')
    const { hyperscale } = await import('../../bench/hyperscale.ts')
    const big = stringify(hyperscale(8, 4, 600))
    const r = await call('analyze', big, 'big.yaml')
    expect(r.status).toBe(200)
    expect(r.body.result).toEqual(JSON.parse(JSON.stringify(analyzeSource(big, 'big.yaml'))))
  })

  it('reads --workspace and --data-dir', () => {
    expect(parseArgs(['--port', '0', '--workspace', '/w', '--data-dir=/d'])).toMatchObject({ port: 0, workspace: '/w', dataDir: '/d' })
    expect(() => parseArgs(['--nope'])).toThrow(/unknown argument/)
  })
})
