// Answers of pure functions kept per argument value. Much of the memmap model depends on
// the kernel version, the architecture and the page and struct page sizes alone, and a
// fleet's inputs name few of each: `batch` over 656 recorded logs computed the same
// MAX_FOLIO_ORDER, HVO pools and struct page checks hundreds of times.

/**
 * Every answer keptPer() gave, by identity: frozen, so its identity stands for its value
 * (an answer passed on to another kept function is keyed by a few characters, not its
 * figures).
 */
const answerIds = new WeakMap<object, string>()
let answers = 0

/**
 * A key for plain data: strings after their length, BigInts marked `n`, a kept answer by its id,
 * other objects by their own keys (the engine's field names) in order; a Map, a Set, a
 * function or a class instance is refused (its value would not show). By hand:
 * JSON.stringify() with a replacer cost more than most answers kept here.
 */
function keyOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      // its length, then the string: unambiguous wherever it stands, without quoting
      return `${v.length}'${v}`
    case 'number':
    case 'boolean':
      return String(v)
    case 'bigint':
      return `${v}n`
    case 'undefined':
      return 'u'
    case 'object': {
      if (v === null) return 'null'
      const id = answerIds.get(v)
      if (id !== undefined) return id
      let s: string
      if (Array.isArray(v)) {
        s = '['
        for (let i = 0; i < v.length; i++) s += keyOf(v[i]) + ','
        return s + ']'
      }
      const proto = Object.getPrototypeOf(v) as unknown
      if (proto !== Object.prototype && proto !== null) throw new Error('keptPer: arguments must be plain data')
      s = '{'
      // for…in: a plain object's own keys (nothing enumerable is inherited from
      // Object.prototype or null), in Object.keys() order, with no array made for them
      for (const k in v) s += `${k}:${keyOf((v as Record<string, unknown>)[k])},`
      return s + '}'
    }
    default:
      throw new Error('keptPer: arguments must be plain data')
  }
}

/**
 * `v` frozen, with everything it holds, and shared: keptPer() keys it by identity, as it
 * does its own answers (a kernel version object that selectProfile() gives every input
 * naming that kernel).
 */
export function sharedValue<T extends object>(v: T): T {
  if (!answerIds.has(v)) answerIds.set(deepFreeze(v), `#${++answers}`)
  return v
}

/**
 * Freeze a value and everything it holds (plain objects and arrays). An object frozen
 * already is still walked (Object.freeze() is shallow: what it holds may not be); a shared
 * value is deep-frozen by sharedValue(), and what `seen` holds was walked in this call.
 */
export function deepFreeze<T>(v: T, seen = new Set<object>()): T {
  if (typeof v !== 'object' || v === null || answerIds.has(v) || seen.has(v)) return v
  seen.add(v)
  Object.freeze(v)
  for (const x of Object.values(v)) deepFreeze(x, seen)
  return v
}

/**
 * `f`, answered once per value of its arguments (plain data, compared by keyOf()): the answer
 * is deep-frozen and shared, so a caller that changed it would throw rather than change
 * another's. At most `size` answers are kept, then all are dropped.
 */
export function keptPer<A extends unknown[], R>(f: (...args: A) => R, size = 1024): (...args: A) => R {
  const kept = new Map<string, R>()
  return (...args: A): R => {
    const key = keyOf(args)
    let r = kept.get(key)
    if (r === undefined) {
      if (kept.size >= size) kept.clear()
      r = f(...args)
      if (typeof r === 'object' && r !== null) sharedValue(r)
      kept.set(key, r)
    }
    return r
  }
}
