// The preload against a stand-in for `electron`: it exposes `api` with exactly one
// function per contract operation, each invoking its own channel with the arguments as
// given, and nothing else of ipcRenderer.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { API_METHODS, WIRE_JSON } from '../shared/api.ts'

const seen = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  answer: undefined as unknown
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void seen.exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      seen.invoked.push(args)
      return seen.answer
    }
  }
}))

type Api = Record<string, (...a: unknown[]) => Promise<unknown>>

beforeAll(async () => {
  await import('./index.ts')
})

describe('preload: window.api', () => {
  it('is the only thing exposed, with one function per operation', () => {
    expect([...seen.exposed.keys()]).toEqual(['api'])
    const api = seen.exposed.get('api') as Api
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort())
    for (const m of API_METHODS) expect(typeof api[m], m).toBe('function')
  })

  it('each function invokes its own channel with its arguments, and returns the answer', async () => {
    const api = seen.exposed.get('api') as Api
    seen.answer = { ok: true }
    for (const m of API_METHODS) {
      seen.invoked.length = 0
      const args = ['a', 'b', 'c', { d: 1 }].slice(0, api[m].length)
      expect(await api[m](...args), m).toEqual({ ok: true })
      expect(seen.invoked, m).toEqual([[`api:${m}`, ...args]])
    }
  })

  it('the engine’s answers (analyze, bootlog, importLog), sent as UTF-8 JSON bytes, arrive parsed', async () => {
    const api = seen.exposed.get('api') as Api
    const value = { ok: true, report: { name: 'ü' } }
    seen.answer = { [WIRE_JSON]: new TextEncoder().encode(JSON.stringify(value)) }
    expect(await api.analyze('kernel: "6.1"', 'a.yaml')).toEqual(value)
    expect(await api.bootlog('kernel: "6.1"', 'a.yaml')).toEqual(value)
    expect(await api.importLog('[    0.000000] Linux version 6.1.0', 'boot.log')).toEqual(value)
  })
})
