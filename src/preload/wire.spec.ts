import { describe, expect, it } from 'vitest'
import { WIRE_JSON } from '../shared/api.ts'
import { fromWire } from './wire.ts'

describe('wire: an engine answer crosses IPC as UTF-8 JSON bytes', () => {
  it('what the main side sends for a JsonText comes out as the value it encoded', () => {
    const value = { ok: true, report: { name: 'µ-server ✓', sections: [1, 2, 3] } }
    // the worker's encoding (engine-worker.ts): TextEncoder over JSON.stringify
    const bytes = new TextEncoder().encode(JSON.stringify(value))
    expect(fromWire({ [WIRE_JSON]: bytes })).toEqual(value)
    // Electron delivers a Buffer-like Uint8Array view: any offset works
    const shifted = new Uint8Array(bytes.length + 3)
    shifted.set(bytes, 3)
    expect(fromWire({ [WIRE_JSON]: shifted.subarray(3) })).toEqual(value)
  })
  it('any other answer passes through untouched', () => {
    for (const v of [null, 'text', 3, { ok: true }, { [WIRE_JSON]: 'not bytes' }, { [WIRE_JSON]: new Uint8Array(), other: 1 }]) expect(fromWire(v)).toBe(v)
  })
})
