// Answers of pure functions kept per argument value. Much of the memmap model depends on
// the kernel version, the architecture and the page and struct page sizes alone, and a
// fleet's inputs name few of each: `batch` over 656 recorded logs computed the same
// MAX_FOLIO_ORDER, HVO pools and struct page checks hundreds of times.

/** JSON of plain data (strings tagged `s`, BigInts `n`, so never alike); a Map or a function is refused. */
function keyOf(args: unknown[]): string {
  return JSON.stringify(args, (_k, v: unknown) => {
    if (typeof v === 'string') return `s${v}`
    if (typeof v === 'bigint') return `n${v}`
    if (typeof v === 'function' || v instanceof Map || v instanceof Set) throw new Error('keptPer: arguments must be plain data')
    return v
  })
}

/** Freeze a value and everything it holds (plain objects and arrays). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const x of Object.values(v)) deepFreeze(x)
  }
  return v
}

/**
 * `f`, answered once per value of its arguments (plain data, compared as JSON): the answer
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
      r = deepFreeze(f(...args))
      kept.set(key, r)
    }
    return r
  }
}
