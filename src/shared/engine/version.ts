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

/**
 * The largest value each part may have: VERSION and PATCHLEVEL are bytes of
 * LINUX_VERSION_CODE; SUBLEVEL passed 255 on long-term branches (4.9.337) and gets four
 * digits; no -rc went past 2 digits. A larger part is no kernel (and `6.1.999999999999999999`
 * would read as 6.1.1000000000000000000): the version is not read.
 */
export const VERSION_PART_MAX = { major: 255, minor: 255, patch: 9999, rc: 99 } as const

/** Parse the leading `X.Y[.Z][-rcN]` of a kernel release string. Null when absent or out of range. */
export function parseKernelVersion(text: string): KernelVersion | null {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:[.-]?(?:rc)(\d+))?/i.exec(text)
  if (!m) return null
  const rcMatch = /-rc(\d+)/i.exec(text)
  const part = (digits: string | undefined, max: number): number | null => {
    if (digits === undefined) return null
    // leading zeros aside, more digits than the bound has: out of range without Number()'s rounding
    const d = digits.replace(/^0+(?=\d)/, '')
    if (d.length > String(max).length) return NaN
    const n = Number(d)
    return n <= max ? n : NaN
  }
  const major = part(m[1], VERSION_PART_MAX.major)
  const minor = part(m[2], VERSION_PART_MAX.minor)
  const patch = part(m[3], VERSION_PART_MAX.patch) ?? 0
  const rc = part(m[4] ?? rcMatch?.[1], VERSION_PART_MAX.rc)
  if (major === null || minor === null || Number.isNaN(major) || Number.isNaN(minor) || Number.isNaN(patch) || (rc !== null && Number.isNaN(rc))) return null
  return { major, minor, patch, rc, text: text.trim() }
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
