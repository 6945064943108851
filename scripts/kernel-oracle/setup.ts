/**
 * Prepare the real-kernel oracle: QEMU and UEFI firmware from the machine's apt, and
 * for every kernel line of versions.ts and both arches, Debian's kernel (vmlinuz +
 * config) and busybox-static, fetched with `apt-get download` through a private apt
 * configuration this script writes itself (the machine's sources are never touched, no
 * foreign dpkg architecture is added).
 *
 *   node --import tsx scripts/kernel-oracle/setup.ts [--versions 6.1,7.3] [--arches s390x]
 *   ORACLE_APT_UPDATE=1 …   refresh the private package lists first
 *
 * Writes .oracle-cache/kernels.json (read by record.ts) and keeps each Kconfig in
 * scripts/kernel-oracle/kernels/ so tests can see what the kernels were built with.
 * Idempotent: a kernel already unpacked at the candidate version is not fetched again.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { basePackageFor, DEB_ARCHES, DEFAULT_DEB_ARCHES, kernelLine, ORACLE_KERNELS, oracleSuites, packagePattern, packagePrefix } from './versions.ts'
import type { DebArch, OracleKernelLine } from './versions.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '..', '..')
const CACHE = join(ROOT, '.oracle-cache')
export const MANIFEST = join(CACHE, 'kernels.json')
const HOST_PACKAGES: Record<DebArch, string[]> = { amd64: ['qemu-system-x86'], arm64: ['qemu-system-arm', 'qemu-efi-aarch64'], s390x: ['qemu-system-misc'] }

export interface KernelFiles {
  package: string
  version: string
  /** uname -r of the image, from its file name */
  release: string
  vmlinuz: string
  config: string
}

export interface Manifest {
  /** kernel line id → Debian arch → files */
  kernels: Record<string, Partial<Record<DebArch, KernelFiles>>>
  busybox: Partial<Record<DebArch, { package: string; version: string; path: string }>>
}

const log = (s: string): void => void process.stderr.write(`setup: ${s}\n`)

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
}

function installed(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.trim() === 'install ok installed'
}

function installHostPackages(arches: readonly DebArch[]): void {
  const missing = arches.flatMap((a) => HOST_PACKAGES[a]).filter((p) => !installed(p))
  if (!missing.length) return
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(' ')}; run this script as root`)
  log(`installing ${missing.join(' ')}`)
  sh('apt-get', ['-o', 'DPkg::Lock::Timeout=900', 'update'])
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=900', 'install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
}

/** apt options for a private configuration that sees `arch` packages of every oracle suite. */
function aptOptions(arch: DebArch): string[] {
  const dir = join(CACHE, 'apt', arch)
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true })
  mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true })
  const sources = oracleSuites()
    .map((s) => `deb http://deb.debian.org/debian ${s} main\n`)
    .join('')
  const list = join(dir, 'sources.list')
  if (!existsSync(list) || readFileSync(list, 'utf8') !== sources) writeFileSync(list, sources)
  return [
    `-oDir::Etc::SourceList=${list}`,
    '-oDir::Etc::SourceParts=/dev/null',
    `-oDir::State::Lists=${join(dir, 'lists')}`,
    `-oDir::Cache=${join(dir, 'cache')}`,
    `-oAPT::Architecture=${arch}`,
    `-oAPT::Architectures=${arch}`,
    // root may download into a root-owned cache without the _apt sandbox user
    '-oAPT::Sandbox::User=root'
  ]
}

const updated = new Set<DebArch>()
function ensureLists(arch: DebArch, force: boolean): void {
  if (updated.has(arch)) return
  const lists = join(CACHE, 'apt', arch, 'lists')
  const have = existsSync(lists) && readdirSync(lists).some((f) => f.endsWith('_Packages'))
  if (!have || force) {
    log(`apt-get update (${arch} lists: ${oracleSuites().join(', ')})`)
    sh('apt-get', [...aptOptions(arch), 'update'])
  }
  updated.add(arch)
}

/** Versions apt knows for a package, newest first. */
function versionsOf(pkg: string, arch: DebArch): string[] {
  const out = sh('apt-cache', [...aptOptions(arch), 'madison', pkg])
  const versions = out
    .split('\n')
    .map((l) => l.split('|')[1]?.trim())
    .filter((v): v is string => !!v)
  return [...new Set(versions)].sort((a, b) => (spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? -1 : 1))
}

/** The packages whose names match the line's pattern, newest first. */
function matchingPackages(line: OracleKernelLine, arch: DebArch): string[] {
  const re = packagePattern(line, arch)
  const prefix = packagePrefix(line, arch)
  const names = sh('apt-cache', [...aptOptions(arch), 'search', '--names-only', prefix])
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => re.test(n))
  if (!names.length) throw new Error(`apt knows no package matching ${re} (${line.suite}, ${arch}); try ORACLE_APT_UPDATE=1`)
  // like sort -V: 6.12.107 < 6.12.117
  names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
  return names
}

class DownloadError extends Error {}

/** Download pkg=version (once) and unpack it into dir; returns the .deb path. */
function fetchDeb(pkg: string, version: string, arch: DebArch, dir: string): void {
  const debs = join(CACHE, 'debs')
  mkdirSync(debs, { recursive: true })
  const find = (): string | undefined => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${arch}.deb`) && f.includes(version.replace(/^\d+:/, '')))
  if (!find()) {
    log(`downloading ${pkg}=${version} (${arch})`)
    try {
      sh('apt-get', [...aptOptions(arch), 'download', `${pkg}=${version}`], { cwd: debs })
    } catch {
      throw new DownloadError(`apt-get download ${pkg}=${version} failed`)
    }
  }
  const deb = find()
  if (!deb) throw new Error(`apt-get download ${pkg}=${version} left no .deb in ${debs}`)
  sh('dpkg-deb', ['-x', join(debs, deb), dir])
}

function findFile(dir: string, re: RegExp): string | undefined {
  const stack = [dir]
  while (stack.length) {
    const d = stack.pop()!
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) stack.push(p)
      else if (re.test(e.name)) return p
    }
  }
  return undefined
}

/**
 * The newest matching kernel that the mirror serves: a package the lists name may be gone
 * from the pool already (trixie's s390x 6.12.117 was a 404 while 6.12.107 was there),
 * so an older one of the same line is taken then, and said.
 */
function fetchKernel(line: OracleKernelLine, arch: DebArch, manifest: Manifest): KernelFiles {
  ensureLists(arch, process.env.ORACLE_APT_UPDATE === '1')
  const candidates = matchingPackages(line, arch)
  for (const [i, pkg] of candidates.entries()) {
    try {
      return fetchKernelPackage(line, arch, manifest, pkg)
    } catch (e) {
      if (i === candidates.length - 1 || !(e instanceof DownloadError)) throw e
      log(`${line.id} ${arch}: ${e.message}; trying ${candidates[i + 1]}`)
    }
  }
  throw new Error('unreachable')
}

function fetchKernelPackage(line: OracleKernelLine, arch: DebArch, manifest: Manifest, pkg: string): KernelFiles {
  const [version] = versionsOf(pkg, arch)
  if (!version) throw new Error(`no version of ${pkg} known to apt`)
  const dir = join(CACHE, 'kernels', line.id, arch)
  const have = manifest.kernels[line.id]?.[arch]
  if (have && have.package === pkg && have.version === version && existsSync(have.vmlinuz) && existsSync(have.config)) {
    log(`${line.id} ${arch}: ${pkg}=${version} already unpacked`)
    return have
  }
  const tmp = `${dir}.tmp`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  fetchDeb(pkg, version, arch, tmp)
  if (line.packaging === 'binary+base') {
    const base = basePackageFor(pkg)
    const baseVersion = versionsOf(base, arch).find((v) => v === version) ?? versionsOf(base, arch)[0]
    if (!baseVersion) throw new Error(`no ${base} for ${pkg}=${version}`)
    fetchDeb(base, baseVersion, arch, tmp)
  }
  // boot/vmlinuz-<release> (6.x), or usr/lib/modules/<release>/vmlinuz (7.x, where Debian
  // moved /boot); only the image and its Kconfig are kept (the modules are hundreds of MB
  // and never used: no root file system is mounted)
  const vmlinuzAt = findFile(tmp, /^vmlinu[xz](?:-.+|\.unsigned)?$/)
  const configAt = findFile(tmp, /^config(?:-.+)?$/)
  if (!vmlinuzAt || !configAt) throw new Error(`${pkg}: no vmlinuz/config in the package(s)`)
  const release = /vmlinu[xz]-(.+)$/.exec(vmlinuzAt)?.[1] ?? /modules\/([^/]+)\/vmlinu[xz](?:\.unsigned)?$/.exec(vmlinuzAt)?.[1]
  if (!release) throw new Error(`${pkg}: cannot tell the release from ${vmlinuzAt}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'boot'), { recursive: true })
  const vmlinuz = join(dir, 'boot', `vmlinuz-${release}`)
  const config = join(dir, 'boot', `config-${release}`)
  renameSync(vmlinuzAt, vmlinuz)
  renameSync(configAt, config)
  rmSync(tmp, { recursive: true, force: true })
  const kept = join(HERE, 'kernels', `config-${release}`)
  mkdirSync(dirname(kept), { recursive: true })
  copyFileSync(config, kept)
  log(`${line.id} ${arch}: ${pkg}=${version} → ${vmlinuz}`)
  return { package: pkg, version, release, vmlinuz, config }
}

function fetchBusybox(arch: DebArch, manifest: Manifest): NonNullable<Manifest['busybox'][DebArch]> {
  ensureLists(arch, false)
  const pkg = 'busybox-static'
  const [version] = versionsOf(pkg, arch)
  const have = manifest.busybox[arch]
  if (have && have.version === version && /\/bin\/busybox$/.test(have.path) && existsSync(have.path)) return have
  const dir = join(CACHE, 'busybox', arch)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  fetchDeb(pkg, version, arch, dir)
  const path = ['bin/busybox', 'usr/bin/busybox'].map((p) => join(dir, p)).find((p) => existsSync(p))
  if (!path) throw new Error(`${pkg} (${arch}) holds no busybox binary`)
  return { package: pkg, version, path }
}

export function readManifest(): Manifest {
  if (!existsSync(MANIFEST)) return { kernels: {}, busybox: {} }
  const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Partial<Manifest>
  return { kernels: m.kernels ?? {}, busybox: m.busybox ?? {} }
}

function writeManifest(m: Manifest): void {
  mkdirSync(CACHE, { recursive: true })
  writeFileSync(`${MANIFEST}.tmp`, `${JSON.stringify(m, null, 1)}\n`)
  renameSync(`${MANIFEST}.tmp`, MANIFEST)
}

export function setup(versionIds: readonly string[] = ORACLE_KERNELS.map((k) => k.id), arches: readonly DebArch[] = DEFAULT_DEB_ARCHES): Manifest {
  installHostPackages(arches)
  if (arches.includes('arm64') && !existsSync('/usr/share/qemu-efi-aarch64/QEMU_EFI.fd')) throw new Error('QEMU_EFI.fd missing (qemu-efi-aarch64)')
  const manifest = readManifest()
  for (const arch of arches) {
    manifest.busybox[arch] = fetchBusybox(arch, manifest)
    writeManifest(manifest)
  }
  for (const id of versionIds) {
    const line = kernelLine(id)
    for (const arch of arches) {
      manifest.kernels[id] = { ...manifest.kernels[id], [arch]: fetchKernel(line, arch, manifest) }
      writeManifest(manifest)
    }
  }
  return manifest
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { values } = parseArgs({ options: { versions: { type: 'string' }, arches: { type: 'string' } } })
    const ids = values.versions
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const arches = values.arches
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const unknown = arches?.filter((a) => !(DEB_ARCHES as readonly string[]).includes(a)) ?? []
    if (unknown.length) throw new Error(`--arches: unknown ${unknown.join(', ')}; known: ${DEB_ARCHES.join(', ')}`)
    const m = setup(ids, arches as DebArch[] | undefined)
    for (const [id, arches] of Object.entries(m.kernels)) for (const [arch, k] of Object.entries(arches)) console.log(`${id} ${arch}: ${k.vmlinuz}`)
    console.log(`manifest: ${MANIFEST}`)
  } catch (err) {
    console.error(`setup: error: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
}
