/**
 * The kernels the oracle boots: one row per kernel line, the only place that
 * names them. Adding 7.4 is one row (its Debian suite and package names).
 *
 * Debian packages the kernels two ways:
 *  - `image`: linux-image-<abi>-<flavour>-unsigned holds boot/vmlinuz-* and boot/config-*
 *    (bookworm's 6.1, trixie's 6.12);
 *  - `binary+base`: from 7.x linux-image-* is a meta package; linux-binary-unsigned-<ver>-<flavour>
 *    holds vmlinuz and linux-base-<ver>-<flavour> the config (sid, experimental).
 * `{arch}` in a pattern is the Debian flavour (amd64, arm64, s390x).
 *
 * Debian signs no s390x kernel, so s390x has no `-unsigned` packages: its images are
 * linux-image-<abi>-s390x (6.x) and linux-binary-<ver>-s390x (7.x); packagePattern()
 * and basePackageFor() drop the `-unsigned` for it. s390x is booted on request
 * (setup.ts/record.ts `--arches`), not by default.
 */

export type DebArch = 'amd64' | 'arm64' | 's390x'
export const DEB_ARCHES: readonly DebArch[] = ['amd64', 'arm64', 's390x']
/** The arches a plain `setup.ts`/`record.ts` run prepares (the committed x86_64 + arm64 batch). */
export const DEFAULT_DEB_ARCHES: readonly DebArch[] = ['amd64', 'arm64']

export interface OracleKernelLine {
  /** the kernel line, as fixtures and test names show it */
  id: string
  /** Debian suite that ships it */
  suite: string
  packaging: 'image' | 'binary+base'
  /** regular expression over package names; the newest match (sort -V) is used */
  pattern: string
}

export const ORACLE_KERNELS: readonly OracleKernelLine[] = [
  { id: '6.1', suite: 'bookworm', packaging: 'image', pattern: '^linux-image-6\\.1\\.[0-9]+-[0-9]+-{arch}-unsigned$' },
  { id: '6.12', suite: 'trixie', packaging: 'image', pattern: '^linux-image-6\\.12\\.[0-9]+\\+deb13-{arch}-unsigned$' },
  { id: '7.2', suite: 'sid', packaging: 'binary+base', pattern: '^linux-binary-unsigned-7\\.2\\.[0-9]+\\+deb14-{arch}$' },
  { id: '7.3', suite: 'experimental', packaging: 'binary+base', pattern: '^linux-binary-unsigned-7\\.3(?:\\.[0-9]+)?(?:\\+deb14)?-{arch}$' }
]

/** Suites the private apt sources list names: every kernel's, plus bookworm for busybox-static. */
export function oracleSuites(): string[] {
  return [...new Set(['bookworm', ...ORACLE_KERNELS.map((k) => k.suite)])]
}

export function kernelLine(id: string): OracleKernelLine {
  const line = ORACLE_KERNELS.find((k) => k.id === id)
  if (!line) throw new Error(`unknown oracle kernel ${id} (known: ${ORACLE_KERNELS.map((k) => k.id).join(', ')})`)
  return line
}

/** Debian ships signed and unsigned images where it signs kernels; s390x has only the one. */
const unsignedOnly = (arch: DebArch): boolean => arch !== 's390x'

export const packagePattern = (line: OracleKernelLine, arch: DebArch): RegExp => {
  const p = unsignedOnly(arch) ? line.pattern : line.pattern.replaceAll('-{arch}-unsigned', '-{arch}').replaceAll('linux-binary-unsigned-', 'linux-binary-')
  return new RegExp(p.replaceAll('{arch}', arch))
}

/** The config package that goes with a linux-binary[-unsigned]-<ver>-<arch> package. */
export const basePackageFor = (binaryPackage: string): string => binaryPackage.replace(/^linux-binary-(?:unsigned-)?/, 'linux-base-')

/** The prefix apt-cache search is asked for (packagePattern() then picks the line's package). */
export const packagePrefix = (line: OracleKernelLine, arch: DebArch): string => (line.packaging === 'image' ? '^linux-image-' : unsignedOnly(arch) ? '^linux-binary-unsigned-' : '^linux-binary-')
