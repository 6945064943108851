import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runInNewContext } from 'node:vm'
import { DEFAULT_PAGE_CSP, metaCsp, parseArgs, startBrowserHost } from './browser-host.ts'
import { callDeadlineMs, EngineWorker } from './engine-client.ts'
import { pathologicalLog, recordedBoot } from '../../tests/pathological.ts'

const PAGE_CSP = metaCsp(readFileSync(join(import.meta.dirname, '..', 'renderer', 'index.html'), 'utf8'))

let dir: string
let host: Awaited<ReturnType<typeof startBrowserHost>>

async function call(method: string, ...args: unknown[]): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  const res = await fetch(host.url + '__api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-host-'))
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(
    join(dir, 'renderer', 'index.html'),
    `<html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}" /></head><body><script type="module" src="./x.js"></script></body></html>`
  )
  writeFileSync(join(dir, 'renderer', 'x.js'), 'export {}\n')
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

/** One raw HTTP request (fetch would add or forbid headers such as Origin and Sec-Fetch-Site). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolveRes, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolveRes({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff'
}

describe('browser host: headers on every response', () => {
  it("the page's CSP is the meta tag's, and the default is the same text", () => {
    expect(PAGE_CSP).toBeTruthy()
    expect(DEFAULT_PAGE_CSP).toBe(PAGE_CSP)
  })

  it("CSP with frame-ancestors 'none', no framing, COOP, CORP, no referrer, nosniff", async () => {
    const port = new URL(host.url).port
    const responses = [
      await raw(host.url, 'GET', '/'),
      await raw(host.url, 'GET', '/x.js'),
      await raw(host.url, 'GET', '/__browser-host.js'),
      await raw(host.url, 'GET', '/missing.js'),
      await raw(host.url, 'HEAD', '/'),
      await raw(host.url, 'POST', '/__api/hostInfo', {}, '[]'),
      await raw(host.url, 'POST', '/__api/openFile', {}, '["/etc/passwd"]'),
      await raw(host.url, 'POST', '/__api/hostInfo', { origin: 'http://evil.example' }, '[]'),
      await raw(host.url, 'GET', '/', { host: `evil.example:${port}` })
    ]
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 200, 200, 403, 403, 421])
    for (const r of responses) {
      expect(r.headers['content-security-policy']).toBe(`${PAGE_CSP}; frame-ancestors 'none'`)
      expect(r.headers).toMatchObject(SECURITY_HEADERS)
    }
  })
})

describe('browser host: only its own origin may change state', () => {
  const saved = (): boolean => {
    try {
      readFileSync(join(host.workspace, 'csrf.yaml'))
      return true
    } catch {
      return false
    }
  }

  it('refuses a foreign Origin with 403 before any service runs', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1', 'https://127.0.0.1:' + new URL(host.url).port]) {
      const r = await raw(host.url, 'POST', '/__api/saveFile', { origin }, JSON.stringify(['csrf.yaml', 'pwned\n']))
      expect(r.status, origin).toBe(403)
      expect(JSON.parse(r.text).error).toMatch(/refused/)
      expect(saved()).toBe(false)
    }
  })

  it('without Origin, refuses Sec-Fetch-Site cross-site and same-site', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const r = await raw(host.url, 'POST', '/__api/saveFile', { 'sec-fetch-site': site }, JSON.stringify(['csrf.yaml', 'pwned\n']))
      expect(r.status, site).toBe(403)
      expect(saved()).toBe(false)
    }
  })

  it('answers its own origin (both names), same-origin fetches and clients that send neither', async () => {
    const port = new URL(host.url).port
    const cases: Record<string, string>[] = [{ origin: `http://127.0.0.1:${port}` }, { origin: `http://localhost:${port}`, host: `localhost:${port}` }, { 'sec-fetch-site': 'same-origin' }, {}]
    for (const headers of cases) {
      const r = await raw(host.url, 'POST', '/__api/hostInfo', headers, '[]')
      expect(r.status, JSON.stringify(headers)).toBe(200)
    }
  })
})

describe('browser host: client mistakes are 4xx', () => {
  it('a path outside the workspace is 403, a missing file 404, a directory 400, a binary file 415', async () => {
    for (const p of [join(dir, 'secret.yaml'), '../secret.yaml', '/etc/passwd', '.hidden.yaml']) {
      expect((await call('openFile', p)).status, p).toBe(403)
    }
    expect((await call('saveFile', '../evil.yaml', 'x')).status).toBe(403)
    expect((await call('listDirectory', '/')).status).toBe(403)
    expect((await call('openFile', 'nope.yaml')).status).toBe(404)
    expect((await call('saveFile', 'no-dir/a.yaml', 'x')).status).toBe(404)
    expect((await call('listDirectory', 'nope')).status).toBe(404)
    expect((await call('openFile', 'sub')).status).toBe(400)
    writeFileSync(join(host.workspace, 'bin.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]))
    expect((await call('openFile', 'bin.log')).status).toBe(415)
    expect((await call('readExample', 'no-such-example.yaml')).status).toBe(404)
  })

  it('opens UTF-16 files with a BOM; one without is 415 with the reason', async () => {
    writeFileSync(join(host.workspace, 'wide.yaml'), Buffer.from('\uFEFFkernel: "6.1"\n', 'utf16le'))
    writeFileSync(join(host.workspace, 'narrow.log'), Buffer.from('Linux version 6.1.0\n', 'utf16le'))
    const ok = await call('openFile', 'wide.yaml')
    expect(ok.status).toBe(200)
    expect((ok.body.result as { text: string }).text).toBe('kernel: "6.1"\n')
    const bad = await call('openFile', 'narrow.log')
    expect(bad.status).toBe(415)
    expect(bad.body.error).toMatch(/looks like UTF-16 without a byte-order mark/)
  })

  it('malformed JSON, a body that is not an array and invalid arguments are 400', async () => {
    for (const body of ['{', '[1,', '', '{"a":1}', 'null']) {
      const r = await raw(host.url, 'POST', '/__api/hostInfo', {}, body)
      expect(r.status, body).toBe(400)
      expect(JSON.parse(r.text).error).toBeTruthy()
    }
    for (const [m, args] of [
      ['openFile', [42]],
      ['saveFile', ['a.yaml']],
      ['analyze', [{}, 'a.yaml']],
      ['setPreferences', ['dark']],
      ['exportReport', ['a.svg', 'x', 'a.yaml', { format: 'exe' }]]
    ] as const) {
      expect((await call(m, ...args)).status, m).toBe(400)
    }
  })
})

describe('browser host: bounded requests and slow senders', () => {
  let small: Awaited<ReturnType<typeof startBrowserHost>>
  beforeAll(async () => {
    small = await startBrowserHost({
      port: 0,
      root: join(dir, 'renderer'),
      workspace: join(dir, 'ws'),
      dataDir: null,
      maxBodyBytes: 1000,
      maxBytesInFlight: 1500,
      maxConcurrentRequests: 2,
      headersTimeoutMs: 400,
      requestTimeoutMs: 600
    })
  })
  afterAll(() => small.close())

  /** A socket that sent `head` and some of its body and then waits; resolves with what the server answered by close. */
  function stalled(head: string, part = ''): { answered: Promise<string>; ready: Promise<void>; end: () => void } {
    const { port } = new URL(small.url)
    const sock = connect(Number(port), '127.0.0.1')
    let text = ''
    sock.on('data', (c: Buffer) => (text += c.toString('latin1')))
    const answered = new Promise<string>((r) => sock.on('close', () => r(text)))
    sock.on('error', () => undefined)
    const ready = new Promise<void>((r) => sock.once('connect', () => sock.write(head + part, () => setTimeout(r, 50))))
    return { answered, ready, end: () => sock.destroy() }
  }
  const post = (bytes: number): string => `POST /__api/saveFile HTTP/1.1\r\nHost: ${new URL(small.url).host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`

  it('a body over the limit is 413', async () => {
    const r = await raw(small.url, 'POST', '/__api/saveFile', {}, JSON.stringify(['big.yaml', 'x'.repeat(2000)]))
    expect(r.status).toBe(413)
  })

  it('requests beyond the concurrent limit are 503, and served again once those end', async () => {
    const a = stalled(post(100), '["a')
    const b = stalled(post(100), '["b')
    await Promise.all([a.ready, b.ready])
    const r = await raw(small.url, 'POST', '/__api/hostInfo', {}, '[]')
    expect(r.status).toBe(503)
    expect(r.headers['retry-after']).toBe('1')
    a.end()
    b.end()
    await Promise.all([a.answered, b.answered])
    await new Promise((r) => setTimeout(r, 50))
    expect((await raw(small.url, 'POST', '/__api/hostInfo', {}, '[]')).status).toBe(200)
  })

  it('body bytes in flight over all requests are bounded: 503', async () => {
    const a = stalled(post(900), '["a.yaml","' + 'x'.repeat(790))
    await a.ready
    const r = await raw(small.url, 'POST', '/__api/saveFile', {}, JSON.stringify(['b.yaml', 'y'.repeat(880)]))
    expect(r.status).toBe(503)
    a.end()
    await a.answered
    await new Promise((r) => setTimeout(r, 50))
    expect((await raw(small.url, 'POST', '/__api/saveFile', {}, JSON.stringify(['b.yaml', 'y'.repeat(880)]))).status).toBe(200)
  })

  it('a sender that stalls in its headers or its body is cut off with 408', async () => {
    const t0 = Date.now()
    const headers = stalled(`POST /__api/hostInfo HTTP/1.1\r\nHost: ${new URL(small.url).host}\r\n`)
    const body = stalled(post(100), '["a')
    const [h, b] = await Promise.all([headers.answered, body.answered])
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(h).toMatch(/^HTTP\/1\.1 408/)
    expect(b).toMatch(/^HTTP\/1\.1 408/)
  }, 10_000)
})

describe('browser host: start-up', () => {
  it('removes temp files of killed saves from the workspace and the data directory', async () => {
    // a pid that no longer runs: a child that has exited
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const ws = join(dir, 'ws2')
    const data = join(dir, 'data2')
    mkdirSync(ws)
    mkdirSync(data)
    const stale = [join(ws, `.a.yaml.${dead}.0123456789ab.tmp`), join(data, `.preferences.json.${dead}.ba9876543210.tmp`)]
    for (const f of stale) writeFileSync(f, 'partial')
    writeFileSync(join(ws, '.keep.tmp'), 'not ours')
    const h = await startBrowserHost({ port: 0, root: join(dir, 'renderer'), workspace: ws, dataDir: data })
    try {
      expect((await h.swept).sort()).toEqual(stale.sort())
      for (const f of stale) expect(existsSync(f)).toBe(false)
      expect(existsSync(join(ws, '.keep.tmp'))).toBe(true)
    } finally {
      await h.close()
    }
  })
})

describe('browser host: an analysis the page gave up on is cancelled in the engine', () => {
  let h: Awaited<ReturnType<typeof startBrowserHost>>
  let engine: EngineWorker
  const post = (method: string, args: unknown[], signal?: AbortSignal): Promise<Response> =>
    fetch(h.url + '__api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args), signal })
  /** until the engine runs exactly one call (the pathological one has been read and reached it) */
  const engineBusy = async (): Promise<void> => {
    for (let t0 = Date.now(); engine.pending !== 1; await new Promise((r) => setTimeout(r, 20))) if (Date.now() - t0 > 20_000) throw new Error('the call never reached the engine')
  }
  beforeAll(async () => {
    engine = new EngineWorker()
    h = await startBrowserHost({ port: 0, root: join(dir, 'renderer'), workspace: join(dir, 'ws'), dataDir: null, engine })
    // the host's warm-up, and one real answer: the worker is up
    expect((await post('bootlog', [recordedBoot(), 'warm.log'])).status).toBe(200)
  })
  afterAll(async () => {
    await h.close()
    await engine.close()
  })

  // a request whose connection closed: a bootlog, and a lookup and an export, which run on
  // the engine's worker too: each is cancelled there, and the worker is free at once
  for (const [method, args, written] of [
    ['bootlog', (log: string) => [log, 'doc.log'], null],
    ['lookup', (log: string) => [log, 'doc.log', ['0x1000', 'pfn 0x100']], null],
    ['exportReport', (log: string) => ['given-up.svg', log, 'doc.log', { format: 'svg', view: 'map', theme: 'dark', scale: 'log', zoom: null }], 'given-up.svg']
  ] as const)
    it(`an aborted ${method} (its connection closed) frees the worker: the next analysis answers before the deadline would have fired${written ? '; nothing is written' : ''}`, async () => {
      const before = engine.cancelled
      const ac = new AbortController()
      const log = pathologicalLog()
      const old = post(method, args(log), ac.signal).then(
        () => 'answered',
        (e: unknown) => (e as Error).name
      )
      await engineBusy()
      const t0 = Date.now()
      ac.abort()
      expect(await old).toBe('AbortError')
      const next = await post('bootlog', [recordedBoot(), 'doc.log'])
      expect(next.status).toBe(200)
      expect(((await next.json()) as { result: { ok: boolean } }).result.ok).toBe(true)
      // well before the deadline the log's call ran to (27 s); a fresh worker from sources starts in seconds
      expect(Date.now() - t0).toBeLessThan(callDeadlineMs(log.length) / 2)
      expect(engine.cancelled - before).toBe(1)
      if (written) expect(existsSync(join(dir, 'ws', written))).toBe(false)
    })

  it("the page's window.api: a newer analysis of the same document aborts the older fetch, and the host cancels its engine call", async () => {
    const shim = await (await fetch(h.url + '__browser-host.js')).text()
    const window: { api?: Record<string, (...a: unknown[]) => Promise<unknown>> } = {}
    runInNewContext(shim, { window, AbortController, fetch: (url: string, init: RequestInit) => fetch(new URL(url, h.url), init) })
    const api = window.api!
    const before = engine.cancelled
    const log = pathologicalLog()
    const old = api.analyze(log, 'doc.log').then(
      () => 'answered',
      (e: unknown) => (e as Error).message
    )
    await engineBusy()
    const t0 = Date.now()
    // another document's analysis is not a newer one of this document
    const other = api.analyze(recordedBoot(), 'other.log')
    const newer = (await api.analyze(recordedBoot(), 'doc.log')) as { ok: boolean }
    expect(await old).toBe('analyze: superseded by a newer call')
    expect(newer.ok).toBe(true)
    expect(((await other) as { ok: boolean }).ok).toBe(true)
    expect(Date.now() - t0).toBeLessThan(callDeadlineMs(log.length) / 2)
    expect(engine.cancelled - before).toBe(1)
  })
})
