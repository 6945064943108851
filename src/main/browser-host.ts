// The browser host: serves the built renderer (out/renderer) to an ordinary browser and
// answers the IPC contract over HTTP, for machines without an Electron binary.
//
//   node out/main/browser-host.js [--port 5174] [--workspace DIR] [--data-dir DIR]
//                                                     (--port 0 picks a free port)
//
// Plain Node (node:http only), never Electron. It listens on 127.0.0.1 only. index.html
// gets `<script src="./__browser-host.js">` before its first script; that shim defines
// `window.api` with one function per operation, each a `POST /__api/<method>` carrying
// the JSON array of arguments and answered with `{result}` or 4xx/5xx `{error}`.
// A newer analysis of the same document aborts the page's older fetch (the shim keeps
// one AbortController per method and file name); a request whose connection closes
// before its answer has its engine call cancelled, so the worker is free at once.
//
// Files: a browser has no OS file dialog that yields a path, so Open and Save As show the
// app's own path dialog, and every path the page names is confined to one workspace
// directory: the user's home, or --workspace DIR (src/main/files.ts, Workspace). Recent
// files and preferences are kept in --data-dir, default $XDG_CONFIG_HOME/memmap-workbench
// (~/.config/memmap-workbench).
//
// Trust: every response carries the page's CSP (read from its meta tag) plus
// frame-ancestors 'none', X-Frame-Options DENY, COOP/CORP same-origin, no referrer and
// nosniff. A request that can change state (anything but GET/HEAD) from another origin —
// its Origin is not this host's, or it has none and Sec-Fetch-Site says it is not
// same-origin — is refused with 403 before its body is read. Concurrent API calls, body
// bytes in flight and the time a sender may take are bounded (503, 413, 408). A client's
// mistake (a path outside the workspace, a missing file, bad arguments, malformed JSON) is
// a 4xx with the reason; 500 is left for the host's own faults.

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { API_ARGUMENTS, API_METHODS } from '../shared/api.ts'
import type { EngineWorker } from './engine-client.ts'
import { RequestError, Workspace } from './files.ts'
import { defaultDataDir, sweepStaleSaves } from './recent.ts'
import { callService, createServices, isApiMethod, JsonText, SUPERSEDED_METHODS } from './services.ts'

/** Request bodies above this are refused with 413 (the contract's own limit is 100 MB of source). */
export const MAX_BODY_BYTES = 110 * 1024 * 1024
/** API calls served at once; more are answered 503 (the page makes a handful at a time). */
export const MAX_CONCURRENT_REQUESTS = 16
/** Request body bytes held by all requests together; beyond, 503. */
export const MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024
/** A sender must complete its headers within this... */
export const HEADERS_TIMEOUT_MS = 10_000
/** ...and its whole request (headers and body) within this; otherwise 408 and the connection closes. */
export const REQUEST_TIMEOUT_MS = 60_000

/**
 * The page's policy when its index.html carries no CSP meta tag; the same text as the
 * meta tag of src/renderer/index.html (a spec keeps them equal).
 */
export const DEFAULT_PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"

/** The content of the page's `<meta http-equiv="Content-Security-Policy">`, or null. */
export function metaCsp(html: string): string | null {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0]
    if (!/http-equiv\s*=\s*["']?content-security-policy["'\s>]/i.test(tag)) continue
    const c = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag)
    if (c) return (c[1] ?? c[2]).trim()
  }
  return null
}

/** The headers every response carries: the page's CSP (plus frame-ancestors, which a meta tag cannot set) and the rest. */
export function securityHeaders(pageCsp: string): Record<string, string> {
  const csp = pageCsp.replace(/;\s*$/, '')
  return {
    'content-security-policy': /\bframe-ancestors\b/.test(csp) ? csp : `${csp}; frame-ancestors 'none'`,
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff'
  }
}

/**
 * The HTTP status for an error a service threw: a RequestError's own (4xx), a file-system
 * error the caller's path caused (404, 403, 400), otherwise 500.
 */
export function errorStatus(e: unknown): number {
  if (e instanceof RequestError && e.status >= 400 && e.status < 500) return e.status
  const code = (e as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return 404
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 403
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP' || code === 'EINVAL') return 400
  if (code === 'EEXIST') return 409
  if (code === 'EFBIG') return 413
  if (code === 'ENOSPC' || code === 'EDQUOT') return 507
  return 500
}

const SHIM_PATH = '/__browser-host.js'
const API_PREFIX = '/__api/'

const SHIM = `// memmap-workbench browser host: window.api over HTTP (see src/main/browser-host.ts)
(function () {
  'use strict';
  // a newer analysis of the same document (method and file name, as supersedeKey() in
  // services.ts) aborts the older one's fetch: its connection closes and the host cancels
  // its engine call, so the worker is free for the newer one (one AbortController per key)
  const SUPERSEDED = ${JSON.stringify(SUPERSEDED_METHODS)};
  const newest = new Map();
  async function call(method, args) {
    const key = SUPERSEDED.includes(method) && typeof args[1] === 'string' ? method + ':' + args[1] : null;
    const ac = new AbortController();
    if (key !== null) {
      const older = newest.get(key);
      if (older) older.abort();
      newest.set(key, ac);
    }
    let res;
    try {
      res = await fetch('./__api/' + method, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
        signal: ac.signal
      });
    } catch (e) {
      if (ac.signal.aborted) throw new Error(method + ': superseded by a newer call');
      throw e;
    } finally {
      if (key !== null && newest.get(key) === ac) newest.delete(key);
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok || body === null || typeof body !== 'object') {
      throw new Error((body && body.error) || ('api:' + method + ' failed with HTTP ' + res.status));
    }
    return body.result;
  }
  const api = {};
  for (const m of ${JSON.stringify(API_METHODS)}) api[m] = (...args) => call(m, args);
  Object.defineProperty(window, 'api', { value: Object.freeze(api), enumerable: true });
})();
`

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

export interface HostOptions {
  port: number
  /** the built renderer; default: ../renderer next to this file (out/renderer) */
  root?: string
  /** the directory every file path is confined to; default: the user's home */
  workspace?: string
  /** recent files and preferences; default: $XDG_CONFIG_HOME/memmap-workbench; null: in memory */
  dataDir?: string | null
  /** limits (tests lower them); defaults: the constants above */
  maxBodyBytes?: number
  maxConcurrentRequests?: number
  maxBytesInFlight?: number
  headersTimeoutMs?: number
  requestTimeoutMs?: number
  /** the engine's worker (tests watch it); default: one of the host's own */
  engine?: EngineWorker
}

export const USAGE = `usage: node out/main/browser-host.js [--port N] [--root DIR] [--workspace DIR] [--data-dir DIR]
  --port N          listen on 127.0.0.1:N (default 5174; 0 picks a free port)
  --root DIR        the built renderer (default: out/renderer)
  --workspace DIR   Open and Save are confined to DIR (default: your home directory)
  --data-dir DIR    where recent files and preferences are kept
                    (default: $XDG_CONFIG_HOME/memmap-workbench or ~/.config/memmap-workbench)
`

export function parseArgs(argv: string[]): HostOptions {
  let port = Number(process.env.PORT ?? 5174)
  let root: string | undefined
  let workspace: string | undefined
  let dataDir: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--port' || a.startsWith('--port=')) port = Number(value())
    else if (a === '--root' || a.startsWith('--root=')) root = resolve(value())
    else if (a === '--workspace' || a.startsWith('--workspace=')) workspace = resolve(value())
    else if (a === '--data-dir' || a.startsWith('--data-dir=')) dataDir = resolve(value())
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE)
      process.exit(0)
    } else throw new Error(`unknown argument ${a}`)
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port ${port}`)
  return { port, root, workspace, dataDir }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra })
  res.end(body)
}

const JSON_TYPE = 'application/json; charset=utf-8'

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  send(res, status, JSON_TYPE, JSON.stringify(value), extra)
}

/** `{"result":<json>}` around bytes that are already JSON: one copy, no decoding or re-encoding. */
function sendJsonBytes(res: ServerResponse, json: Uint8Array): void {
  send(res, 200, JSON_TYPE, Buffer.concat([Buffer.from('{"result":'), json, Buffer.from('}')]))
}

/** The body limits one host enforces: per request, and over all requests being read. */
interface BodyLimits {
  maxBodyBytes: number
  maxBytesInFlight: number
  /** bytes held by every request now (read so far and not yet released) */
  inFlight: { bytes: number }
}

/**
 * Reads the body up to `maxBodyBytes` (413) while all requests together hold at most
 * `maxBytesInFlight` (503); null when it was refused (the answer already sent). The bytes
 * count as in flight until the response closes.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<string | null> {
  return new Promise((resolveBody, reject) => {
    let held = 0
    res.once('close', () => {
      limits.inFlight.bytes -= held
      held = 0
    })
    const refuse = (status: number, error: string): void => {
      done = true
      chunks.length = 0
      sendJson(res, status, { error }, { connection: 'close', ...(status === 503 ? { 'retry-after': '1' } : {}) })
      req.resume()
      resolveBody(null)
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limits.maxBodyBytes) return refuse(413, `request body is larger than ${limits.maxBodyBytes} bytes`)
    if (declared > 0 && limits.inFlight.bytes + declared > limits.maxBytesInFlight) return refuse(503, 'the host is busy reading other requests: try again')
    req.on('data', (c: Buffer) => {
      if (done) return
      size += c.length
      if (size > limits.maxBodyBytes) return refuse(413, `request body is larger than ${limits.maxBodyBytes} bytes`)
      if (limits.inFlight.bytes + c.length > limits.maxBytesInFlight) return refuse(503, 'the host is busy reading other requests: try again')
      limits.inFlight.bytes += c.length
      held += c.length
      chunks.push(c)
    })
    req.on('end', () => {
      if (!done) {
        done = true
        resolveBody(Buffer.concat(chunks).toString('utf8'))
      }
    })
    const fail = (e: Error): void => {
      if (!done) {
        done = true
        chunks.length = 0
        reject(e)
      }
    }
    req.on('error', fail)
    req.on('close', () => fail(new Error('the request was closed before its body was complete')))
  })
}

export async function startBrowserHost(opts: HostOptions): Promise<{ url: string; workspace: string; dataDir: string | null; close: () => Promise<void>; swept: Promise<string[]> }> {
  const root = opts.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
  const indexFile = join(root, 'index.html')
  if (!existsSync(indexFile)) {
    throw new Error(`${indexFile} does not exist: run \`npx electron-vite build\` (or \`npm run build\`) first`)
  }
  let workspace: Workspace
  try {
    workspace = await Workspace.open(opts.workspace ?? homedir())
  } catch (e) {
    throw new Error(`workspace ${opts.workspace ?? homedir()}: ${(e as Error).message}`, { cause: e })
  }
  const dataDir = opts.dataDir === undefined ? defaultDataDir() : opts.dataDir
  const services = createServices({ host: 'browser', workspace, dataDir, warmEngine: true, engine: opts.engine })
  // temp files of saves killed mid-write (in the background: start-up does not wait)
  const swept = sweepStaleSaves(dataDir, [workspace.root]).catch(() => [])
  const headers = securityHeaders(metaCsp(readFileSync(indexFile, 'utf8')) ?? DEFAULT_PAGE_CSP)
  const limits: BodyLimits = {
    maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
    maxBytesInFlight: opts.maxBytesInFlight ?? MAX_BYTES_IN_FLIGHT,
    inFlight: { bytes: 0 }
  }
  const maxConcurrent = opts.maxConcurrentRequests ?? MAX_CONCURRENT_REQUESTS
  let activeRequests = 0
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout)

  const indexHtml = (): string => {
    const html = readFileSync(indexFile, 'utf8')
    const tag = `<script src=".${SHIM_PATH}"></script>`
    const at = html.indexOf('<script')
    return at >= 0 ? html.slice(0, at) + tag + '\n    ' + html.slice(at) : html.replace('</head>', `${tag}\n</head>`)
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' })
    if (!isApiMethod(method)) return sendJson(res, 404, { error: `unknown API method ${JSON.stringify(method)}` })
    // A JSON content type is not a CORS "simple" request: other origins' pages cannot post here without a preflight we never answer.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { error: 'send application/json' })
    const body = await readBody(req, res, limits)
    if (body === null) return
    let args: unknown
    try {
      args = JSON.parse(body)
    } catch {
      return sendJson(res, 400, { error: `${method}: the request body is not JSON` })
    }
    if (!Array.isArray(args)) return sendJson(res, 400, { error: `${method}: the request body must be a JSON array of arguments` })
    const bad = API_ARGUMENTS[method](args)
    if (bad) return sendJson(res, 400, { error: bad })
    // the page gave up on this call (its fetch was aborted: a newer analysis of the same
    // document, or the page went away): the connection closes before the answer, and the
    // engine call is cancelled, so the worker is free for the next one at once
    const gone = new AbortController()
    res.once('close', () => {
      if (!res.writableEnded) gone.abort()
    })
    let result: unknown
    try {
      result = await callService(services, method, args, { signal: gone.signal })
    } catch (e) {
      return sendJson(res, errorStatus(e), { error: e instanceof Error ? e.message : String(e) })
    }
    // an engine answer arrives as UTF-8 JSON from the worker: written as it is
    if (result instanceof JsonText) return sendJsonBytes(res, result.bytes)
    sendJson(res, 200, { result })
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed')
    if (pathname === '/' || pathname === '/index.html') {
      return send(res, 200, TYPES['.html'], req.method === 'HEAD' ? '' : indexHtml())
    }
    if (pathname === SHIM_PATH) return send(res, 200, TYPES['.js'], SHIM)
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad path')
    }
    if (rel.includes('\0')) return send(res, 400, 'text/plain; charset=utf-8', 'bad path')
    const file = resolve(root, '.' + rel)
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden')
    let st
    try {
      st = statSync(file)
    } catch {
      return send(res, 404, 'text/plain; charset=utf-8', 'not found')
    }
    if (!st.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found')
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-cache'
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file).pipe(res)
  }

  let allowedHosts = new Set<string>()
  let ownOrigins = new Set<string>()

  /** Why a request that can change state is refused as coming from another origin, or null. */
  function foreignOrigin(req: IncomingMessage): string | null {
    const origin = req.headers.origin
    if (origin !== undefined) return ownOrigins.has(origin.toLowerCase()) ? null : `requests from ${JSON.stringify(origin)} are refused: this host answers only its own page`
    // no Origin: a browser that says where the request comes from must say same-origin (or none: typed by the user)
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} request is refused: this host answers only its own page`
    return null
  }

  const server = createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))) }, (req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
    // Only our own names: a DNS-rebound foreign name pointing at 127.0.0.1 gets nothing.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return send(res, 421, 'text/plain; charset=utf-8', 'unknown host')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const foreign = foreignOrigin(req)
      if (foreign) {
        req.resume()
        return sendJson(res, 403, { error: foreign }, { connection: 'close' })
      }
    }
    let pathname: string
    try {
      pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request')
    }
    if (pathname.startsWith(API_PREFIX)) {
      if (activeRequests >= maxConcurrent) {
        req.resume()
        return sendJson(res, 503, { error: `the host is serving ${activeRequests} requests: try again` }, { 'retry-after': '1', connection: 'close' })
      }
      activeRequests++
      res.once('close', () => activeRequests--)
      handleApi(req, res, pathname.slice(API_PREFIX.length)).catch((e: unknown) => {
        if (res.writableEnded || res.destroyed) return
        if (!res.headersSent) sendJson(res, errorStatus(e), { error: e instanceof Error ? e.message : String(e) })
        else res.destroy()
      })
      return
    }
    serveStatic(req, res, pathname)
  })

  return new Promise((resolveStart, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
      ownOrigins = new Set([...allowedHosts].map((h) => `http://${h}`))
      resolveStart({
        swept,
        url: `http://127.0.0.1:${port}/`,
        workspace: workspace.root,
        dataDir,
        close: () => new Promise<void>((r) => server.close(() => r()))
      })
    })
  })
}

async function main(): Promise<void> {
  let opts: HostOptions
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`memmap-workbench: ${(e as Error).message}\n`)
    process.exit(2)
  }
  try {
    const host = await startBrowserHost(opts)
    process.stdout.write(`memmap-workbench: ${host.url}\n`)
    process.stdout.write(`memmap-workbench: workspace ${host.workspace}; recent files and preferences in ${host.dataDir ?? '(memory)'}\n`)
    const stop = (): void => {
      void host.close().then(() => process.exit(0))
      setTimeout(() => process.exit(0), 1000).unref()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  } catch (e) {
    process.stderr.write(`memmap-workbench: ${(e as Error).message}\n`)
    process.exit(1)
  }
}

// Run only as the entry point (`node out/main/browser-host.js`), not when imported.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
