// The renderer's side of WIRE_JSON (src/shared/api.ts): an answer the main process sent
// as UTF-8 JSON bytes is decoded and parsed here, in the renderer's process.
import { WIRE_JSON } from '../shared/api.ts'

/** The value of an IPC answer: parsed from its JSON bytes when it came as them. */
export function fromWire<T>(v: unknown): T {
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 1) {
    const bytes = (v as Record<string, unknown>)[WIRE_JSON]
    if (bytes instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(bytes)) as T
  }
  return v as T
}
