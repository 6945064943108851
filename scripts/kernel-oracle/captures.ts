/**
 * Real captures of what a machine says about its memory, for the importers' specs: a few
 * generated layouts booted under QEMU on Debian's kernels, each kept as the raw files the
 * kernel printed (the oracle initramfs's state sections, initramfs.ts), plus util-linux
 * lsmem run on the host over the recorded /sys/devices/system/memory and, where a debug
 * vmlinux is at hand, crash's `kmem -n` over a QEMU dump of the running guest.
 *
 *   node --import tsx scripts/kernel-oracle/captures.ts [--seed 1010] [--versions 6.1,6.12,7.3]
 *     [--kmem-versions 6.1,6.12,7.3] [--out tests/fixtures/captures] [--only 6.1/x86_64-1,…]
 *
 * Writes <out>/<version>/<arch>-<n>/:
 *   iomem                 /proc/iomem
 *   firmware-memmap.txt   `grep . *\/*` in /sys/firmware/memmap (x86 only)
 *   memblock-memory, memblock-reserved   debugfs memblock (where the kernel keeps it)
 *   zoneinfo              the whole /proc/zoneinfo
 *   memory-sysfs.txt      the grep listing lsmem's input is rebuilt from
 *   lsmem.json, lsmem.txt `lsmem --sysroot … -J` and `-o RANGE,SIZE,STATE,BLOCK,NODE,ZONES`
 *   kmem-n.txt            crash `kmem -n` (x86_64, --kmem-versions only)
 *   dmesg                 the kernel's log as `dmesg` printed it
 *   boot.json             kernel, QEMU command, layout, the md5 the guest printed for each
 *                         file, and the truth per node/zone from the zoneinfo file
 * Every QEMU runs under `flock /tmp/qemu.lock` (one boot at a time across users).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { buildInitramfs } from './initramfs.ts'
import { describeLayout, generateVariants, qemuCommand } from './layouts.ts'
import type { Arch, Variant } from './layouts.ts'
import { consoleProblems } from './log-check.ts'
import { firstNodeEntries, parseMemorySysfs, writeMemorySysfs } from './memory-sysfs.ts'
import { INITRAMFS, loadKernels, REPO_ROOT, versionsOption } from './record.ts'
import type { Manifest } from './setup.ts'
import { bootPart, parseState, stateSections, StateError } from './state.ts'
import type { DebArch } from './versions.ts'
import { parseZoneinfo } from './zoneinfo.ts'
import type { ZoneTruth } from './zoneinfo.ts'

const QEMU_LOCK = '/tmp/qemu.lock'
const LOCKED = 'mw-capture: qemu.lock taken'
const MAX_ATTEMPTS = 3
const CACHE = join(REPO_ROOT, '.oracle-cache')

/** Section name in the console → file name in the fixture folder. */
export const CAPTURE_FILES: readonly (readonly [section: string, file: string])[] = [
  ['iomem', 'iomem'],
  ['firmware-memmap', 'firmware-memmap.txt'],
  ['memblock-memory', 'memblock-memory'],
  ['memblock-reserved', 'memblock-reserved'],
  ['zoneinfo-full', 'zoneinfo'],
  ['memory-sysfs', 'memory-sysfs.txt'],
  ['dmesg', 'dmesg']
]

/** What a capture folder's boot.json holds. */
export interface CaptureJson {
  /** <arch>-<n>, the folder's name */
  id: string
  /** what the layout was picked for */
  pick: string
  variant: string
  seed: number
  generator: { movableRate: number; kaslrRate: number }
  /** kernel line (versions.ts) */
  kernel: string
  /** uname -r */
  release: string
  kernelPackage: string
  busybox: string
  /** QEMU's argv; ran in the kernel's directory (bare -kernel/-initrd), under flock */
  cmd: string[]
  commandLine: string
  /** from QEMU's start (the lock taken) to its exit, the dump included */
  seconds: number
  layout: ReturnType<typeof describeLayout>
  /** file → the md5 the guest printed for that section (md5 of the file's bytes) */
  md5: Record<string, string>
  /** per node and zone, from the `zoneinfo` file (mm/vmstat.c zoneinfo_show_print()) */
  truth: ZoneTruth[]
  lsmem: { tool: string; ranOn: string; commands: string[][]; multiNode: LsmemRun['multiNode'] }
  /**
   * crash's kmem -n over a dump of this boot; stderr: what crash said besides (warnings);
   * stdoutNotKmem: crash's own lines on stdout around kmem -n's tables (kmemTables())
   */
  kmem?: { tool: string; vmlinuxPackage: string; dump: string; command: string; stderr?: string; stdoutNotKmem?: string[] } | { failed: string }
}

// ---------------------------------------------------------------------------
// The layouts: a fixed seed, the first generated variant that fits each pick

interface Pick {
  arch: Arch
  name: string
  test: (v: Variant) => boolean
}

const movable = (v: Variant): boolean => /\b(movablecore|kernelcore)=/.test(v.layout.append)
const memNodes = (v: Variant): number => v.layout.numa.filter((n) => n.sizeMiB > 0).length
/** pc boots are ~4x faster than q35 under TCG; a small guest keeps the dump small */
const cheap = (v: Variant): boolean => v.layout.machine !== 'q35' && v.layout.memMiB <= 4096

export const PICKS: readonly Pick[] = [
  {
    arch: 'x86_64',
    name: 'NUMA, 2+ nodes with memory, reserved ranges',
    test: (v) => memNodes(v) >= 2 && !v.layout.memorylessNodes.length && !v.layout.mem && v.layout.reserved.length + v.layout.acpiData.length > 0
  },
  { arch: 'x86_64', name: 'exactmap holes with reserved/ACPI data, no NUMA', test: (v) => !!v.layout.exactmap && !v.layout.numa.length && v.layout.reserved.length + v.layout.acpiData.length > 0 },
  // movablecore=: a small kernelcore= (s1010-001: kernelcore=53M of 768M) leaves the kernel
  // too little to boot (OOM panic in event_trace_init() on 6.1 and 6.12)
  { arch: 'x86_64', name: 'ZONE_MOVABLE (movablecore=), QEMU e820', test: (v) => /\bmovablecore=/.test(v.layout.append) && !v.layout.exactmap },
  { arch: 'x86_64', name: 'memoryless node', test: (v) => v.layout.memorylessNodes.length > 0 },
  // with NUMA the SRAT misses the flash at 64 MiB: the kernel fakes one node (README)
  { arch: 'arm64', name: 'UEFI (NOMAP runtime regions), QEMU NUMA 2+ nodes faked into one', test: (v) => v.layout.firmware === 'uefi' && memNodes(v) >= 2 && !v.layout.mem },
  { arch: 'arm64', name: 'ZONE_MOVABLE, device tree', test: (v) => v.layout.firmware === 'dt' && movable(v) },
  { arch: 'arm64', name: 'device tree, NUMA 2+ nodes', test: (v) => v.layout.firmware === 'dt' && memNodes(v) >= 2 && !v.layout.mem }
]

export const GENERATOR = { movableRate: 0.35, kaslrRate: 0 }

export function pickVariants(seed: number): { id: string; pick: string; variant: Variant }[] {
  const all = generateVariants(seed, 60, 40, { ...GENERATOR, state: true })
  const used = new Set<string>()
  const count: Record<string, number> = {}
  return PICKS.map((p) => {
    const v = all.find((x) => x.arch === p.arch && !used.has(x.id) && cheap(x) && p.test(x))
    if (!v) throw new Error(`seed ${seed}: no ${p.arch} variant for "${p.name}"`)
    used.add(v.id)
    count[p.arch] = (count[p.arch] ?? 0) + 1
    return { id: `${p.arch}-${count[p.arch]}`, pick: p.name, variant: v }
  })
}

// ---------------------------------------------------------------------------
// Booting (under the shared QEMU lock), optionally holding the guest for a dump

const debArch = (arch: Arch): DebArch => (arch === 'x86_64' ? 'amd64' : 'arm64')

interface Run {
  log: string
  seconds: number
  timedOut: boolean
  stderr: string
  dumpError?: string
}

/** A QMP exchange: one command, its `return` (events in between are skipped). */
function qmpSession(socket: string): { send: (execute: string, args?: object) => Promise<unknown>; close: () => void } {
  const conn = connect(socket)
  let buf = ''
  const waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = []
  conn.on('data', (chunk) => {
    buf += chunk.toString('utf8')
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim()
      buf = buf.slice(nl + 1)
      if (!line) continue
      const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc: string }; event?: string }
      if (msg.QMP || msg.event) continue
      else if (msg.error) waiting.shift()?.reject(new Error(msg.error.desc))
      else if ('return' in msg) waiting.shift()?.resolve(msg.return)
    }
  })
  conn.on('error', (e) => {
    for (const w of waiting.splice(0)) w.reject(e)
  })
  return {
    send: (execute, args) =>
      new Promise((res, rej) => {
        waiting.push({ resolve: res, reject: rej })
        conn.write(`${JSON.stringify(args ? { execute, arguments: args } : { execute })}\n`)
      }),
    close: () => conn.destroy()
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Process groups of running QEMUs: a held guest sleeps for ever, so none may outlive us. */
const running = new Set<number>()
const killGroup = (pid: number): void => {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // gone already
  }
}
function installInterruptHandler(): void {
  process.on('exit', () => running.forEach(killGroup))
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      running.forEach(killGroup)
      process.exit(130)
    })
  }
}

/**
 * Boot once under `flock QEMU_LOCK`. With dumpTo, the guest holds after `MW-STATE DONE`
 * (mw_hold), QMP `dump-guest-memory` writes an ELF vmcore there, then QMP `quit`.
 */
async function boot(cmd: string[], cwd: string, logPath: string, timeoutSeconds: number, dumpTo?: string): Promise<Run> {
  const qmp = dumpTo ? join(tmpdir(), `mw-qmp-${process.pid}-${Date.now()}.sock`) : undefined
  const argv = [...cmd, ...(qmp ? ['-qmp', `unix:${qmp},server=on,wait=off`] : [])]
  const started = Date.now()
  const out = openSync(logPath, 'w')
  // the shell says on stderr when flock has the lock, then becomes QEMU
  const child = spawn('flock', [QEMU_LOCK, 'sh', '-c', `echo ${LOCKED} >&2; exec "$@"`, 'sh', ...argv], { cwd, detached: true, stdio: ['ignore', out, 'pipe'] })
  closeSync(out)
  let stderr = ''
  let lockedAt = 0
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 65536) stderr += c.toString('utf8')
    if (!lockedAt && stderr.includes(LOCKED)) {
      lockedAt = Date.now()
      stderr = stderr.replace(`${LOCKED}\n`, '')
    }
  })
  if (child.pid) running.add(child.pid)
  let exited = false
  const done = new Promise<void>((r) =>
    child.on('close', () => {
      exited = true
      if (child.pid) running.delete(child.pid)
      r()
    })
  )
  let timedOut = false
  let dumpError: string | undefined
  const kill = (): void => {
    if (child.pid) killGroup(child.pid)
  }
  // the lock wait is not boot time: the timeout starts once the lock is taken; an hour
  // without it is given up
  while (!exited) {
    await sleep(500)
    if (lockedAt && Date.now() - lockedAt > timeoutSeconds * 1000) {
      timedOut = true
      kill()
      break
    }
    if (!lockedAt && Date.now() - started > 3600_000) {
      timedOut = true
      kill()
      break
    }
    if (qmp && dumpTo && readFileSync(logPath, 'latin1').includes('MW-STATE DONE')) {
      const s = qmpSession(qmp)
      try {
        await s.send('qmp_capabilities')
        rmSync(dumpTo, { force: true })
        // synchronous without `detach`: returns when the whole ELF file is written
        await s.send('dump-guest-memory', { paging: false, protocol: `file:${dumpTo}` })
        await s.send('quit').catch(() => undefined)
      } catch (e) {
        dumpError = `QMP: ${e instanceof Error ? e.message : String(e)}`
        kill()
      } finally {
        s.close()
      }
      break
    }
  }
  // a QEMU that did not take `quit` is not waited for long
  await Promise.race([done, sleep(30_000)])
  if (!exited) kill()
  await done
  if (qmp) rmSync(qmp, { force: true })
  return { log: readFileSync(logPath, 'latin1'), seconds: (Date.now() - (lockedAt || started)) / 1000, timedOut, stderr, dumpError }
}

// ---------------------------------------------------------------------------
// lsmem on the host over the recorded sysfs

export const LSMEM_COLUMNS = 'RANGE,SIZE,STATE,BLOCK,NODE,ZONES'

export function lsmemVersion(): string {
  return execFileSync('lsmem', ['--version'], { encoding: 'utf8' }).trim()
}

export interface LsmemRun {
  json: string
  text: string
  commands: string[][]
  /** blocks linked under several nodes: the one lsmem names (the first readdir entry) */
  multiNode: Record<string, { nodes: number[]; lsmemShows: number }>
}

/**
 * util-linux lsmem over the capture rebuilt as SYSROOT/sys/devices/system/memory, on
 * tmpfs (/dev/shm) where it exists: there the readdir order of a block's nodeN links is
 * the reverse of their creation, so lsmem shows a multi-node block's lowest node. The
 * guest's sysfs (kernfs, ordered by name hash) may list another one first.
 */
export function runLsmem(memorySysfsText: string): LsmemRun {
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mw-lsmem-'))
  try {
    const sysfs = parseMemorySysfs(memorySysfsText)
    writeMemorySysfs(sysfs, root)
    const first = firstNodeEntries(sysfs, root)
    const multiNode: LsmemRun['multiNode'] = {}
    for (const [id, node] of first) multiNode[`memory${id}`] = { nodes: sysfs.nodes.get(id)!, lsmemShows: node }
    const commands = [
      ['lsmem', '--sysroot', root, '-J'],
      ['lsmem', '--sysroot', root, '-o', LSMEM_COLUMNS]
    ]
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' }
    const [json, text] = commands.map((c) => execFileSync(c[0], c.slice(1), { encoding: 'utf8', env }))
    return { json, text, commands: commands.map((c) => c.map((a) => (a === root ? 'SYSROOT' : a))), multiNode }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

function lsmemJson(r: LsmemRun): CaptureJson['lsmem'] {
  return { tool: lsmemVersion(), ranOn: 'the host, over memory-sysfs.txt rebuilt as SYSROOT/sys/devices/system/memory', commands: r.commands, multiNode: r.multiNode }
}

/** lsmem.json, lsmem.txt and boot.json's `lsmem` again for captures already on disk (no boot). */
export function relsmem(dir: string): void {
  const r = runLsmem(readFileSync(join(dir, 'memory-sysfs.txt'), 'latin1'))
  writeFileSync(join(dir, 'lsmem.json'), r.json)
  writeFileSync(join(dir, 'lsmem.txt'), r.text)
  const json = JSON.parse(readFileSync(join(dir, 'boot.json'), 'utf8')) as CaptureJson
  json.lsmem = lsmemJson(r)
  writeFileSync(join(dir, 'boot.json'), `${JSON.stringify(json, null, 1)}\n`)
}

// ---------------------------------------------------------------------------
// crash kmem -n: the debug vmlinux from Debian's -dbg package

/** apt options for the oracle's private amd64 configuration (the one setup.ts writes). */
function aptOptions(arch: DebArch): string[] {
  const dir = join(CACHE, 'apt', arch)
  const list = join(dir, 'sources.list')
  if (!existsSync(list)) throw new Error(`${list} missing: run setup.ts first`)
  return [
    `-oDir::Etc::SourceList=${list}`,
    '-oDir::Etc::SourceParts=/dev/null',
    `-oDir::State::Lists=${join(dir, 'lists')}`,
    `-oDir::Cache=${join(dir, 'cache')}`,
    `-oAPT::Architecture=${arch}`,
    `-oAPT::Architectures=${arch}`,
    '-oAPT::Sandbox::User=root'
  ]
}

/**
 * The debug vmlinux matching a kernel package: `linux-image-<release>-dbg` (6.x naming)
 * or `linux-image-<line>-<arch>-dbg` (7.x), same version; only the vmlinux is unpacked.
 */
export function debugVmlinux(m: Manifest, version: string): { path: string; pkg: string } {
  const k = m.kernels[version]!.amd64!
  const candidates = [`linux-image-${k.release}-dbg`, `linux-image-${k.release.replace(/^(\d+\.\d+)-.*?-(amd64)$/, '$1-$2')}-dbg`]
  const out = join(CACHE, 'dbg', version, `vmlinux-${k.release}`)
  // the package it came from, beside it
  if (existsSync(out) && existsSync(`${out}.pkg`)) return { path: out, pkg: readFileSync(`${out}.pkg`, 'utf8').trim() }
  for (const pkg of candidates) {
    const spec = `${pkg}=${k.version}`
    const known = spawnSync('apt-cache', [...aptOptions('amd64'), 'show', spec], { encoding: 'utf8' })
    if (known.status !== 0) continue
    const debs = join(CACHE, 'debs')
    mkdirSync(debs, { recursive: true })
    const find = (): string | undefined => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('_amd64.deb'))
    if (!find()) execFileSync('apt-get', [...aptOptions('amd64'), 'download', spec], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] })
    const deb = join(debs, find()!)
    const tmp = mkdtempSync(join(CACHE, 'dbg-'))
    try {
      // only the kernel image's debug file, not the modules' (GBs)
      execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards '*/vmlinux*'`, 'sh', deb, tmp])
      const stack = [tmp]
      let found: string | undefined
      while (stack.length && !found) {
        const d = stack.pop()!
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) stack.push(join(d, e.name))
          // the image's debug file itself, not the lib/modules/<release>/vmlinux symlink to it
          else if (e.isFile() && /^vmlinux/.test(e.name)) found = join(d, e.name)
        }
      }
      if (!found) throw new Error(`${spec}: no vmlinux in the package`)
      mkdirSync(dirname(out), { recursive: true })
      execFileSync('mv', [found, out])
      writeFileSync(`${out}.pkg`, `${spec}\n`)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
    return { path: out, pkg: spec }
  }
  throw new Error(`no debug package for ${k.package}=${k.version} (tried ${candidates.join(', ')})`)
}

/**
 * kmem -n's own tables out of a crash session's stdout: what crash printed before the
 * first `NODE  SIZE  PGLIST_DATA` header (its start-up warnings: 6.12 `bt: invalid size
 * request…`, 7.3 `WARNING: SLAB: cannot determine how compound pages are linked`) and a
 * trailing `kmem: …` error with its `FILE: … LINE: … FUNCTION: …` line (7.3 stops before
 * the memory block table: `invalid structure member offset: bus_type_p`) are returned
 * apart, to be kept in boot.json.
 */
export function kmemTables(stdout: string): { tables: string; dropped: string[] } {
  const lines = stdout.split('\n')
  const start = lines.findIndex((l) => /^NODE +SIZE +PGLIST_DATA/.test(l))
  if (start < 0) return { tables: stdout, dropped: [] }
  let end = lines.length
  const err = lines.findIndex((l, i) => i > start && /^kmem: /.test(l))
  if (err >= 0) end = err
  const dropped = [...lines.slice(0, start), ...lines.slice(end)].filter((l) => l.trim() !== '')
  return { tables: `${lines.slice(start, end).join('\n').replace(/\n*$/, '')}\n`, dropped }
}

export function crashVersion(): string {
  const r = spawnSync('crash', ['--version'], { encoding: 'utf8' })
  return /crash \S+/.exec(r.stdout)?.[0] ?? 'crash (unknown version)'
}

/**
 * crash -s VMLINUX VMCORE with `kmem -n` on stdin; its stdout is the capture. crash 8.0.2
 * (bookworm) aborts on 6.12 while it sets up the slab caches (`malloc(): unsorted double
 * linked list corrupted`); `--no_kmem_cache` skips that set-up, which kmem -n does not
 * need, so a failed first try is run again with it. Returns the flags that worked and
 * what crash said on stderr.
 */
function kmemN(vmlinux: string, vmcore: string): { out: string; flags: string[]; stderr: string; error?: string } {
  const tries = [['-s'], ['-s', '--no_kmem_cache']]
  let error = ''
  for (const flags of tries) {
    const r = spawnSync('crash', [...flags, vmlinux, vmcore], { input: 'kmem -n\nquit\n', encoding: 'utf8', maxBuffer: 256 << 20, timeout: 600_000 })
    if (r.status === 0 && /NR\s+SECTION\s+CODED_MEM_MAP/.test(r.stdout)) return { out: r.stdout, flags, stderr: r.stderr.trim() }
    const how = r.signal ? `signal ${r.signal}` : `exit ${r.status}`
    error += `${error ? '; then ' : ''}crash ${flags.join(' ')}: ${how}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`
  }
  return { out: '', flags: [], stderr: '', error }
}

// ---------------------------------------------------------------------------
// One capture

const md5 = (s: string): string => createHash('md5').update(s, 'latin1').digest('hex')

interface CaptureOptions {
  out: string
  timeoutSeconds: number
  kmemVersions: string[]
}

async function capture(m: Manifest, version: string, c: ReturnType<typeof pickVariants>[number], seed: number, o: CaptureOptions): Promise<string> {
  const { variant } = c
  const kernel = m.kernels[version]![debArch(variant.arch)]!
  const bb = m.busybox[debArch(variant.arch)]!
  const withKmem = variant.arch === 'x86_64' && o.kmemVersions.includes(version)
  const commandLine = withKmem ? `${variant.layout.append} mw_hold` : variant.layout.append
  const v: Variant = { ...variant, layout: { ...variant.layout, append: commandLine } }
  const cmd = qemuCommand(v, basename(kernel.vmlinuz), INITRAMFS)
  const dir = join(o.out, version, c.id)
  const work = mkdtempSync(join(tmpdir(), 'mw-capture-'))
  const vmcore = join(work, 'vmcore')
  try {
    let run: Run | undefined
    let sections: Map<string, string> | undefined
    let why = ''
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      run = await boot(cmd, dirname(kernel.vmlinuz), join(work, 'console.log'), o.timeoutSeconds, withKmem ? vmcore : undefined)
      const echoed = v.layout.firmware === 'uefi' ? `${commandLine} initrd=initrd` : commandLine
      const problems = consoleProblems(bootPart(run.log), echoed)
      try {
        parseState(run.log)
        sections = stateSections(run.log)
      } catch (e) {
        if (!(e instanceof StateError)) throw e
        problems.push(`state: ${e.message}`)
      }
      if (run.timedOut) problems.push('timed out')
      if (!problems.length && sections) break
      why = `${problems.slice(0, 3).join('; ')}${run.stderr ? ` (qemu: ${run.stderr.trim().split('\n')[0]})` : ''}`
      sections = undefined
      if (run.timedOut) break
    }
    if (!sections || !run) {
      // the last console, for a look at what went wrong
      const kept = join(tmpdir(), 'mw-capture-failed', `${version}-${c.id}.log`)
      mkdirSync(dirname(kept), { recursive: true })
      writeFileSync(kept, run?.log ?? '', 'latin1')
      return `FAILED ${version}/${c.id} (${variant.id}): ${why}; console in ${kept}`
    }

    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const sums: Record<string, string> = {}
    for (const [section, file] of CAPTURE_FILES) {
      const body = sections.get(section)
      // an empty firmware-memmap (no /sys/firmware/memmap entries) is no capture
      if (body === undefined || (section === 'firmware-memmap' && body === '')) continue
      writeFileSync(join(dir, file), Buffer.from(body, 'latin1'))
      sums[file] = md5(body)
    }
    const truth = parseZoneinfo(sections.get('zoneinfo-full')!, join(dir, 'zoneinfo'))
    // the same numbers through the oracle's own short zoneinfo section
    const short = parseState(run.log).zoneinfo
    for (const z of short) {
      const t = truth.find((x) => x.node === z.node && x.zone === z.zone)
      if (!t || t.spanned !== z.spanned || t.present !== z.present || t.startPfn !== z.startPfn) {
        throw new Error(`${version}/${c.id}: zoneinfo-full and zoneinfo disagree on node ${z.node} ${z.zone}`)
      }
    }
    const lsmem = runLsmem(sections.get('memory-sysfs')!)
    writeFileSync(join(dir, 'lsmem.json'), lsmem.json)
    writeFileSync(join(dir, 'lsmem.txt'), lsmem.text)

    let kmem: CaptureJson['kmem']
    if (withKmem) {
      if (run.dumpError || !existsSync(vmcore)) kmem = { failed: run.dumpError ?? 'no vmcore written' }
      else {
        try {
          const dbg = debugVmlinux(m, version)
          const k = kmemN(dbg.path, vmcore)
          if (k.error) kmem = { failed: k.error }
          else {
            const t = kmemTables(k.out)
            writeFileSync(join(dir, 'kmem-n.txt'), t.tables)
            kmem = {
              tool: crashVersion(),
              vmlinuxPackage: dbg.pkg,
              dump: 'QMP dump-guest-memory paging=false (ELF) of the guest held after MW-STATE DONE',
              command: `crash ${k.flags.join(' ')} vmlinux vmcore <<< "kmem -n"`,
              ...(k.stderr ? { stderr: k.stderr } : {}),
              ...(t.dropped.length ? { stdoutNotKmem: t.dropped } : {})
            }
          }
        } catch (e) {
          kmem = { failed: e instanceof Error ? e.message : String(e) }
        }
      }
    }

    const json: CaptureJson = {
      id: c.id,
      pick: c.pick,
      variant: variant.id,
      seed,
      generator: GENERATOR,
      kernel: version,
      release: kernel.release,
      kernelPackage: `${kernel.package}=${kernel.version}`,
      busybox: `${bb.package}=${bb.version}`,
      cmd: withKmem ? [...cmd, '-qmp', 'unix:QMP_SOCKET,server=on,wait=off'] : cmd,
      commandLine,
      seconds: Math.round(run.seconds * 10) / 10,
      layout: describeLayout(v.layout),
      md5: sums,
      truth,
      lsmem: lsmemJson(lsmem),
      ...(kmem ? { kmem } : {})
    }
    writeFileSync(join(dir, 'boot.json'), `${JSON.stringify(json, null, 1)}\n`)
    const kmemNote = kmem ? ('failed' in kmem ? `; kmem -n FAILED: ${kmem.failed}` : '; kmem -n ok') : ''
    return `ok ${version}/${c.id} (${variant.id}, ${c.pick}) ${run.seconds.toFixed(1)}s${kmemNote}`
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------
// CLI

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1010' },
      versions: { type: 'string', default: '6.1,6.12,7.3' },
      'kmem-versions': { type: 'string', default: '6.1,6.12,7.3' },
      out: { type: 'string', default: join(REPO_ROOT, 'tests', 'fixtures', 'captures') },
      only: { type: 'string' },
      timeout: { type: 'string', default: '180' },
      relsmem: { type: 'boolean' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) {
    console.log('usage: captures.ts [--seed 1010] [--versions 6.1,6.12,7.3] [--kmem-versions 6.1,6.12,7.3] [--out DIR] [--only VERSION/ID,…] [--timeout 180]')
    console.log("       captures.ts --relsmem [--out DIR]   run lsmem again over every capture's memory-sysfs.txt")
    return
  }
  if (values.relsmem) {
    const out = resolve(values.out!)
    for (const version of readdirSync(out)) {
      for (const id of readdirSync(join(out, version))) {
        relsmem(join(out, version, id))
        console.log(`lsmem ${version}/${id}`)
      }
    }
    return
  }
  const seed = Number(values.seed)
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed wants a non-negative integer, got ${values.seed}`)
  const versions = versionsOption(values.versions)
  const kmemVersions = values['kmem-versions'] ? versionsOption(values['kmem-versions']) : []
  const m = loadKernels(versions)
  // the same initramfs record.ts places beside each kernel
  for (const arch of ['amd64', 'arm64'] as const) {
    const bytes = buildInitramfs(readFileSync(m.busybox[arch]!.path))
    for (const v of versions) {
      const at = join(dirname(m.kernels[v]![arch]!.vmlinuz), INITRAMFS)
      if (!existsSync(at) || !readFileSync(at).equals(bytes)) writeFileSync(at, bytes)
    }
  }
  installInterruptHandler()
  const picks = pickVariants(seed)
  const only = values.only ? new Set(values.only.split(',')) : undefined
  const o: CaptureOptions = { out: resolve(values.out!), timeoutSeconds: Number(values.timeout), kmemVersions }
  let failed = 0
  for (const version of versions) {
    for (const c of picks) {
      if (only && !only.has(`${version}/${c.id}`)) continue
      const line = await capture(m, version, c, seed, o)
      if (line.startsWith('FAILED')) failed++
      console.log(line)
    }
  }
  console.log(`captures in ${relative(process.cwd(), o.out) || '.'}; ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`captures: error: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(2)
  })
}
