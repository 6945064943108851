// Kernel versions: parse `6.1.0-50-amd64`, `5.15.0-rc6-00857-g…`, `6.18.0-rc7`, `7.1`.

export interface KernelVersion {
  major: number
  minor: number
  patch: number
  /** release candidate number, or null for a release */
  rc: number | null
  /** the original text */
  text: string
}

/** Parse the leading `X.Y[.Z][-rcN]` of a kernel release string. Null when absent. */
export function parseKernelVersion(text: string): KernelVersion | null {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:[.-]?(?:rc)(\d+))?/i.exec(text)
  if (!m) return null
  const rcMatch = /-rc(\d+)/i.exec(text)
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] ? Number(m[3]) : 0,
    rc: m[4] ? Number(m[4]) : rcMatch ? Number(rcMatch[1]) : null,
    text: text.trim()
  }
}

/**
 * A number that orders versions: x.y-rcN < x.y (= x.y.0) < x.y.z < x.(y+1)-rc1.
 * Stable patch levels above 899 are capped (none exists).
 */
export function versionKey(v: Pick<KernelVersion, 'major' | 'minor' | 'patch' | 'rc'>): number {
  const within = v.rc !== null && v.patch === 0 ? Math.min(v.rc, 99) : 100 + Math.min(v.patch, 899)
  return v.major * 1_000_000 + v.minor * 1_000 + within
}

const literalKeys = new Map<string, number>()

/** Compare `v` with "X.Y[.Z][-rcN]": negative when v is older. */
export function cmpVersion(v: KernelVersion, other: string): number {
  // the facts table compares against the same few hundred literals for every input:
  // each is parsed once (the cache is cleared if something else ever fills it)
  let k = literalKeys.get(other)
  if (k === undefined) {
    const o = parseKernelVersion(other)
    if (!o) throw new Error(`bad version literal ${other}`)
    k = versionKey(o)
    if (literalKeys.size >= 4096) literalKeys.clear()
    literalKeys.set(other, k)
  }
  return versionKey(v) - k
}

export function atLeast(v: KernelVersion, other: string): boolean {
  return cmpVersion(v, other) >= 0
}

export function formatVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}${v.patch ? '.' + v.patch : ''}${v.rc !== null ? '-rc' + v.rc : ''}`
}
