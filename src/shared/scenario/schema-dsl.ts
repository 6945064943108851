// A tiny schema language: one definition gives the TypeScript type (Infer<>), a
// runtime validator that reports every error with its path, and a JSON Schema
// (draft-07) for Monaco and VS Code (yaml-language-server).

import { parseSize } from '../engine/units.ts'

export interface Issue {
  path: (string | number)[]
  message: string
}

interface Base<T> {
  readonly kind: string
  readonly doc?: string
  /** validate and normalise; push issues; return the value (or undefined when invalid) */
  check(v: unknown, path: (string | number)[], issues: Issue[]): T | undefined
  jsonSchema(): Record<string, unknown>
}

export type Schema<T> = Base<T>
export type Infer<S> = S extends Schema<infer T> ? T : never

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`
  return `${typeof v} ${String(v)}`
}

function withDoc(s: Record<string, unknown>, doc?: string, extra?: Record<string, unknown>): Record<string, unknown> {
  return { ...s, ...(doc ? { description: doc, markdownDescription: doc } : {}), ...(extra ?? {}) }
}

export function str(doc?: string, opts: { pattern?: RegExp; patternHint?: string; examples?: string[] } = {}): Schema<string> {
  return {
    kind: 'string',
    doc,
    check(v, path, issues) {
      if (typeof v === 'number') v = String(v)
      if (typeof v !== 'string') {
        issues.push({ path, message: `expected text, found ${typeName(v)}` })
        return undefined
      }
      if (opts.pattern && !opts.pattern.test(v)) {
        issues.push({ path, message: `"${v}" is not ${opts.patternHint ?? 'valid here'}` })
        return undefined
      }
      return v
    },
    jsonSchema: () => withDoc({ type: 'string' }, doc, opts.examples ? { examples: opts.examples } : undefined)
  }
}

export function int(doc?: string, opts: { min?: number; max?: number } = {}): Schema<number> {
  return {
    kind: 'integer',
    doc,
    check(v, path, issues) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        issues.push({ path, message: `expected a whole number, found ${typeName(v)}` })
        return undefined
      }
      if (opts.min !== undefined && v < opts.min) {
        issues.push({ path, message: `${v} is below the minimum ${opts.min}` })
        return undefined
      }
      if (opts.max !== undefined && v > opts.max) {
        issues.push({ path, message: `${v} is above the maximum ${opts.max}` })
        return undefined
      }
      return v
    },
    jsonSchema: () => withDoc({ type: 'integer', minimum: opts.min, maximum: opts.max }, doc)
  }
}

/** A byte size or address: 4096, 0x1000, "4K", "2M", "16G", "1T". */
export function size(doc?: string, opts: { min?: number } = {}): Schema<number> {
  return {
    kind: 'size',
    doc,
    check(v, path, issues) {
      if (typeof v !== 'number' && typeof v !== 'string') {
        issues.push({ path, message: `expected a size or address (e.g. 4096, 0x1000, 4K, 2M, 16G), found ${typeName(v)}` })
        return undefined
      }
      const n = parseSize(v)
      if (n === null) {
        issues.push({
          path,
          message:
            typeof v === 'number'
              ? Number.isFinite(v)
                ? `${v} is not a whole non-negative number of bytes below 2^53`
                : 'the number is too large: a size or address is a whole number of bytes below 2^53'
              : `"${v}" is not a size or address (e.g. 4096, 0x1000, 4K, 2M, 16G)`
        })
        return undefined
      }
      if (opts.min !== undefined && n < opts.min) {
        issues.push({ path, message: `${v} is below the minimum ${opts.min}` })
        return undefined
      }
      return n
    },
    jsonSchema: () =>
      withDoc(
        {
          anyOf: [
            { type: 'integer', minimum: 0 },
            { type: 'string', pattern: '^\\s*(0[xX][0-9a-fA-F_]+|[0-9_]+(\\.[0-9]+)?)\\s*([kKmMgGtTpP](i?[bB])?)?\\s*$' }
          ]
        },
        doc
      )
  }
}

export function bool(doc?: string): Schema<boolean> {
  return {
    kind: 'boolean',
    doc,
    check(v, path, issues) {
      if (typeof v !== 'boolean') {
        issues.push({ path, message: `expected true or false, found ${typeName(v)}` })
        return undefined
      }
      return v
    },
    jsonSchema: () => withDoc({ type: 'boolean' }, doc)
  }
}

export function oneOf<const T extends string>(values: readonly T[], doc?: string, valueDocs?: Partial<Record<T, string>>): Schema<T> {
  return {
    kind: 'enum',
    doc,
    check(v, path, issues) {
      if (typeof v === 'number') v = String(v)
      if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
        issues.push({ path, message: `${typeName(v)} is not one of: ${values.join(', ')}` })
        return undefined
      }
      return v as T
    },
    jsonSchema: () => withDoc({ enum: [...values] }, doc, valueDocs ? { markdownEnumDescriptions: values.map((x) => valueDocs[x] ?? '') } : undefined)
  }
}

export function list<T>(item: Schema<T>, doc?: string, opts: { maxItems?: number } = {}): Schema<T[]> {
  return {
    kind: 'array',
    doc,
    check(v, path, issues) {
      if (!Array.isArray(v)) {
        issues.push({ path, message: `expected a list, found ${typeName(v)}` })
        return undefined
      }
      if (opts.maxItems !== undefined && v.length > opts.maxItems) {
        issues.push({ path, message: `at most ${opts.maxItems} entries are allowed, found ${v.length}` })
        return undefined
      }
      const out: T[] = []
      let ok = true
      v.forEach((x, i) => {
        const r = item.check(x, [...path, i], issues)
        if (r === undefined) ok = false
        else out.push(r)
      })
      return ok ? out : undefined
    },
    jsonSchema: () => withDoc({ type: 'array', items: item.jsonSchema(), maxItems: opts.maxItems }, doc)
  }
}

type Fields = Record<string, Schema<unknown>>
type OptionalKeys<F extends Fields, R extends keyof F> = Exclude<keyof F, R>
export type ObjType<F extends Fields, R extends keyof F> = { [K in R]: Infer<F[K]> } & { [K in OptionalKeys<F, R>]?: Infer<F[K]> }

export function obj<F extends Fields, const R extends keyof F = never>(
  fields: F,
  opts: { doc?: string; required?: readonly R[]; refine?: (v: ObjType<F, R>, issue: (key: string | null, msg: string) => void) => void } = {}
): Schema<ObjType<F, R>> {
  const required = (opts.required ?? []) as readonly string[]
  return {
    kind: 'object',
    doc: opts.doc,
    check(v, path, issues) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        issues.push({ path, message: `expected a mapping with fields ${Object.keys(fields).join(', ')}, found ${typeName(v)}` })
        return undefined
      }
      const rec = v as Record<string, unknown>
      const out: Record<string, unknown> = {}
      let ok = true
      for (const key of Object.keys(rec)) {
        if (!(key in fields)) {
          issues.push({ path: [...path, key], message: `unknown field "${visible(key)}" (expected one of: ${Object.keys(fields).join(', ')})` })
          ok = false
        }
      }
      for (const [key, s] of Object.entries(fields)) {
        if (rec[key] === undefined || rec[key] === null) {
          if (required.includes(key)) {
            issues.push({ path, message: `missing required field "${key}"` })
            ok = false
          }
          continue
        }
        const r = s.check(rec[key], [...path, key], issues)
        if (r === undefined) ok = false
        else out[key] = r
      }
      if (!ok) return undefined
      if (opts.refine) {
        let refined = true
        opts.refine(out as ObjType<F, R>, (key, message) => {
          refined = false
          issues.push({ path: key === null ? path : [...path, key], message })
        })
        if (!refined) return undefined
      }
      return out as ObjType<F, R>
    },
    jsonSchema: () =>
      withDoc(
        {
          type: 'object',
          properties: Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s.jsonSchema()])),
          required: required.length ? [...required] : undefined,
          additionalProperties: false
        },
        opts.doc
      )
  }
}

/**
 * A key or path as a message shows it: white space other than the plain space, control
 * and format characters (a no-break space pasted from a web page, a zero-width space, an
 * escape) written as \uXXXX, so "unknown field" names what is really there.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
