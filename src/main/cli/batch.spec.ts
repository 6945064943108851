// `memmap-workbench batch`: records for folders, files and globs, CSV that a CSV reader
// loads, --diff verdicts on a recorded boot, --resume, Ctrl-C, exit codes. Expected
// values come from the recorded kernel output (the log's own `Memory:` total and the
// `nr_memmap_boot_pages` the kernel counted), never from the engine.
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync as mkdtempRaw, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from './main.ts'
import { batchCommand, batchV8Flags } from './batch.ts'

const root = join(import.meta.dirname, '../../..')
const made: string[] = []
/** A temporary folder, removed after the specs. */
const mkdtempSync = (prefix: string): string => {
  const d = mkdtempRaw(prefix)
  made.push(d)
  return d
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true })
})
const LAPTOP = join(root, 'resources/examples/x86-laptop.yaml')
// a Debian 6.12 boot recorded under QEMU (tests/fixtures/kernel-versions, scripts/kernel-oracle)
const BOOT = join(root, 'tests/fixtures/kernel-versions/6.12/x86_64-s401-000')

async function inProcess(...args: string[]) {
  let out = ''
  let err = ''
  const code = await run(['batch', ...args], { out: (s) => void (out += s + '\n'), err: (s) => void (err += s + '\n') })
  return { code, out, err }
}
const bin = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/memmap-workbench.mjs'), 'batch', ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const jsonl = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
const byFile = (recs: Record<string, unknown>[]) => Object.fromEntries(recs.map((r) => [String(r.file), r]))

/** RFC 4180, written here independently of the implementation: quoted fields, "" for ", CRLF or LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  expect(quoted, 'an unterminated quoted field').toBe(false)
  expect(field === '' && row.length === 0, 'the last record ends with a line break').toBe(true)
  return rows
}

/** What the recorded kernel said: present pages from `Memory: …K/NK available` (mem_init_print_info(), mm/mm_init.c: physpages << (PAGE_SHIFT - 10)), memmap pages from /proc/vmstat. */
function recorded(base: string) {
  const log = readFileSync(`${base}.log`, 'utf8')
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { release: string; layout: { arch: string } }
  const totalK = Number(/Memory: \d+K\/(\d+)K available/.exec(log)![1])
  // nr_memmap_boot_pages: sparse_init_nid() adds PAGES_PER_SECTION * sizeof(struct page) / PAGE_SIZE per present section (mm/sparse.c, v6.11+)
  const memmapPages = Number(/^nr_memmap_boot_pages (\d+)$/m.exec(log)![1])
  return { presentPages: totalK / 4, memmapBytes: memmapPages * 4096, kernel: meta.release, arch: meta.layout.arch }
}

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
  copyFileSync(LAPTOP, join(d, 'laptop.yaml'))
  mkdirSync(join(d, 'logs/nested'), { recursive: true })
  copyFileSync(`${BOOT}.log`, join(d, 'logs/nested/boot.log'))
  writeFileSync(join(d, 'broken.yaml'), 'kernel: "6.1"\narch: x86_64\nfirmware: [\n')
  writeFileSync(join(d, '.hidden.yaml'), 'not: read\n')
  writeFileSync(join(d, 'image.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]))
  return d
}

describe('batch: records', () => {
  it('a folder: one record per scenario, log and broken file; hidden and binary files skipped and counted', async () => {
    const d = folder()
    const r = await inProcess(d, '--jobs', '2')
    expect(r.code).toBe(1) // the broken file's error record
    const recs = jsonl(r.out)
    expect(recs.map((x) => x.file).sort()).toEqual([join(d, 'broken.yaml'), join(d, 'laptop.yaml'), join(d, 'logs/nested/boot.log')])
    for (const x of recs) expect(Object.keys(x)).toEqual(['file', 'kind', 'kernel', 'arch', 'presentPages', 'memmapBytes', 'failingChecks', 'error'])
    const f = byFile(recs)
    const k = recorded(BOOT)
    expect(f[join(d, 'logs/nested/boot.log')]).toEqual({
      file: join(d, 'logs/nested/boot.log'),
      kind: 'log',
      kernel: k.kernel,
      arch: k.arch,
      presentPages: k.presentPages,
      memmapBytes: k.memmapBytes,
      failingChecks: '',
      error: null
    })
    expect(f[join(d, 'laptop.yaml')]).toMatchObject({ kind: 'scenario', kernel: '6.1', arch: 'x86_64', failingChecks: '', error: null })
    const broken = f[join(d, 'broken.yaml')]
    expect(broken).toMatchObject({ kind: null, kernel: null, presentPages: null, failingChecks: '' })
    expect(broken.error).toMatch(new RegExp(`^${join(d, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `))
    expect(r.err).toMatch(/batch: 3 records .*: 2 ok, 0 with failing checks, 1 errors; skipped 1 hidden, 1 binary/)
  })
  it('an input named by two PATHs runs once', async () => {
    const d = folder()
    const r = await inProcess(join(d, 'laptop.yaml'), d, `${d}/*.yaml`)
    expect(
      jsonl(r.out)
        .map((x) => x.file)
        .sort()
    ).toEqual([join(d, 'broken.yaml'), join(d, 'laptop.yaml'), join(d, 'logs/nested/boot.log')])
    expect(r.err).toMatch(/skipped .*3 repeated/)
  })
  it('a quoted glob is expanded by the command: ** over folders, * within one', async () => {
    const d = folder()
    const r = await inProcess(`${d}/**/*.log`)
    expect(jsonl(r.out).map((x) => x.file)).toEqual([join(d, 'logs/nested/boot.log')])
    expect(
      jsonl((await inProcess(`${d}/*.yaml`)).out)
        .map((x) => x.file)
        .sort()
    ).toEqual([join(d, 'broken.yaml'), join(d, 'laptop.yaml')])
    expect(jsonl((await inProcess(`${d}/logs/*.log`)).out)).toEqual([])
  })
  it("a folder of one machine's captures is one input (read as analyze DIR reads it); captures of two machines side by side are two", async () => {
    // captures recorded by the kernel oracle's initramfs (tests/fixtures/captures): iomem,
    // firmware memmap, kmem -n, lsmem, zoneinfo, dmesg; present pages as that kernel's
    // /proc/zoneinfo counted them (boot.json truth)
    const CAP = join(root, 'tests/fixtures/captures')
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
    for (const [from, to] of [
      ['6.12/x86_64-1', 'm1'],
      ['7.3/arm64-2', 'm2']
    ]) {
      mkdirSync(join(d, 'fleet', to), { recursive: true })
      for (const f of readdirSync(join(CAP, from))) copyFileSync(join(CAP, from, f), join(d, 'fleet', to, f))
    }
    // two hosts' /proc/iomem in one folder: two inputs, not one machine
    mkdirSync(join(d, 'hosts'))
    copyFileSync(join(CAP, '6.12/x86_64-1/iomem'), join(d, 'hosts/host1.iomem'))
    copyFileSync(join(CAP, '6.12/x86_64-2/iomem'), join(d, 'hosts/host2.iomem'))
    const named = join(CAP, '6.12/x86_64-1')
    const r = await inProcess(join(d, 'fleet'), join(d, 'hosts'), named, '--jobs', '2')
    const recs = jsonl(r.out)
    expect(recs.map((x) => x.file).sort()).toEqual([join(d, 'fleet/m1'), join(d, 'fleet/m2'), join(d, 'hosts/host1.iomem'), join(d, 'hosts/host2.iomem'), named].sort())
    const f = byFile(recs)
    const truth = (dir: string) => {
      const b = JSON.parse(readFileSync(join(CAP, dir, 'boot.json'), 'utf8')) as { release: string; truth: { present: number }[] }
      return { kernel: b.release, presentPages: b.truth.reduce((a, z) => a + z.present, 0) }
    }
    for (const [file, dir, arch] of [
      [join(d, 'fleet/m1'), '6.12/x86_64-1', 'x86_64'],
      [join(d, 'fleet/m2'), '7.3/arm64-2', 'arm64'],
      [named, '6.12/x86_64-1', 'x86_64']
    ])
      expect(f[file]).toMatchObject({ kind: 'bundle', arch, ...truth(dir), error: null })
    expect(f[join(d, 'hosts/host1.iomem')]).toMatchObject({ kind: 'iomem', arch: 'x86_64', presentPages: truth('6.12/x86_64-1').presentPages })
    expect(f[join(d, 'hosts/host2.iomem')]).toMatchObject({ kind: 'iomem', arch: 'x86_64', presentPages: truth('6.12/x86_64-2').presentPages })
  })
  it('a failing check is listed by id and makes the exit status 1 (arm64 4.14 without NUMA: no HOLES_IN_ZONE, 6d526ee26ccd)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
    const src = readFileSync(join(root, 'resources/examples/arm64-uefi-server.yaml'), 'utf8').replace(/^kernel: "[^"]+"$/m, 'kernel: "4.14"\nconfig: { numa: false }')
    writeFileSync(join(d, 'old.yaml'), src)
    const r = await inProcess(join(d, 'old.yaml'))
    expect(r.code).toBe(1)
    expect(String(jsonl(r.out)[0].failingChecks).split(';')).toContain('nomap.walkers')
  })
})

describe('batch --diff', () => {
  it('a recorded boot is exact; an edited copy is a mismatch in the kind of the edited line', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
    const log = readFileSync(`${BOOT}.log`, 'utf8')
    const line = 'On node 0, zone DMA: 97 pages in unavailable ranges'
    expect(log).toContain(line)
    writeFileSync(join(d, 'edited.log'), log.replace(line, line.replace('97', '98')))
    const r = await inProcess('--diff', `${BOOT}.log`, join(d, 'edited.log'), LAPTOP)
    expect(r.code).toBe(1)
    const f = byFile(jsonl(r.out))
    expect(f[`${BOOT}.log`]).toMatchObject({ diff: 'exact', diffKinds: '', error: null })
    expect(f[join(d, 'edited.log')]).toMatchObject({ diff: 'mismatch', diffKinds: 'holes', error: null })
    expect(f[LAPTOP]).toMatchObject({ kind: 'scenario', diff: null, diffKinds: '' })
    expect(Object.keys(f[LAPTOP])).toEqual(['file', 'kind', 'kernel', 'arch', 'presentPages', 'memmapBytes', 'failingChecks', 'diff', 'diffKinds', 'error'])
    expect(r.err).toMatch(/1 exact, 1 mismatched/)
  })
})

describe('batch --format csv', () => {
  it('a header, RFC 4180 quoting (commas, quotes and line breaks in fields), lists joined with ;', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
    const odd = join(d, 'a, "quoted"\nname.yaml')
    writeFileSync(odd, 'kernel: "6.1"\narch: x86_64\nfirmware: { kind: e820, map: [ { start: 0, end: 1M, type: "us,able" } ] }\n')
    const edited = join(d, 'edited.log')
    writeFileSync(edited, readFileSync(`${BOOT}.log`, 'utf8').replace('zone DMA: 97 pages', 'zone DMA: 98 pages').replace('Memory: 461812K/523256K', 'Memory: 461812K/523260K'))
    const out = join(d, 'out.csv')
    const r = await inProcess(odd, edited, '--diff', '-o', out)
    expect(r.out).toBe('')
    const rows = parseCsv(readFileSync(out, 'utf8'))
    expect(rows[0]).toEqual(['file', 'kind', 'kernel', 'arch', 'presentPages', 'memmapBytes', 'failingChecks', 'diff', 'diffKinds', 'error'])
    expect(rows.length).toBe(3)
    const byName = Object.fromEntries(rows.slice(1).map((row) => [row[0], row]))
    expect(byName[odd][9]).toMatch(/^.*a, "quoted"\nname\.yaml:\d+:\d+: error: /)
    expect(byName[edited].slice(1, 4)).toEqual(['log', recorded(BOOT).kernel, recorded(BOOT).arch])
    expect(byName[edited][7]).toBe('mismatch')
    expect(byName[edited][8]).toBe('holes;memory')
    // python's csv module reads it too, when there is a python
    const py = spawnSync('python3', ['-c', 'import csv,sys; rows=list(csv.DictReader(open(sys.argv[1], newline=""))); print(len(rows), sorted(r["diffKinds"] for r in rows))', out], {
      encoding: 'utf8'
    })
    if (py.status === 0) expect(py.stdout.trim()).toBe("2 ['', 'holes;memory']")
  })
})

describe('batch --resume', () => {
  it('skips the inputs already in -o FILE, drops a record cut short, appends the rest', async () => {
    const d = folder()
    const out = join(d, 'out.jsonl')
    const first = await inProcess(join(d, 'laptop.yaml'), '-o', out)
    expect(first.code).toBe(0)
    // a crash left half a record behind: it is dropped, and its input runs again
    writeFileSync(out, readFileSync(out, 'utf8') + '{"file":"' + join(d, 'logs/nested/boot.log'))
    const r = await inProcess(d, '-o', out, '--resume')
    const recs = jsonl(readFileSync(out, 'utf8'))
    expect(recs.map((x) => x.file).sort()).toEqual([join(d, 'broken.yaml'), join(d, 'laptop.yaml'), join(d, 'logs/nested/boot.log')])
    expect(r.err).toMatch(/2 records .*1 already in .*out\.jsonl \(of 1 records there\)/)
    // nothing left: a third run writes nothing, and the output is not read as an input
    const again = await inProcess(d, '-o', out, '--resume')
    expect(jsonl(readFileSync(out, 'utf8')).length).toBe(3)
    expect(again.err).toMatch(/0 records .*3 already in/)
  })
  it('refuses to resume with other columns (2)', async () => {
    const d = folder()
    const out = join(d, 'out.jsonl')
    await inProcess(join(d, 'laptop.yaml'), '-o', out)
    const r = await inProcess(d, '-o', out, '--resume', '--diff')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/resume with the options of the first run/)
  })
})

describe('batch exit codes', () => {
  it('0 when every record is ok', async () => {
    const r = await inProcess(LAPTOP, `${BOOT}.log`, '--diff')
    expect([r.code, jsonl(r.out).length]).toEqual([0, 2])
  })
  it('2 for a wrong command: a bad option, no inputs matched, an unwritable -o', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-'))
    for (const args of [
      [LAPTOP, '--jobs', '0'],
      [LAPTOP, '--format', 'xml'],
      [LAPTOP, '--bogus'],
      [],
      [`${d}/*.log`],
      [LAPTOP, '-o', join(d, 'no/such/dir/out.jsonl')],
      [LAPTOP, '-o', d],
      [LAPTOP, '--resume']
    ]) {
      const r = await inProcess(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.out, args.join(' ')).toBe('')
    }
    expect((await inProcess(`${d}/*.log`)).err).toMatch(/matched no file[^]*no inputs matched/)
  })
  it('a missing file named on the command line is an error record, not the end of the run (1)', async () => {
    const r = await inProcess('/nonexistent/x.log', LAPTOP)
    expect(r.code).toBe(1)
    expect(byFile(jsonl(r.out))['/nonexistent/x.log'].error).toBe('/nonexistent/x.log:1:1: error: no such file')
  })
})

/**
 * `count` copies of the laptop scenario in a new folder, `odd` among them after the first
 * `at`, run by batch on one worker running the stand-in `module` (tests/) with `args`
 */
async function withStandIn(count: number, odd: string, at: number, module: string, ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mw-batch-stand-in-'))
  const names = Array.from({ length: count }, (_, i) => `${String(i + 1).padStart(2, '0')}.yaml`)
  names.splice(at, 0, odd)
  for (const n of names) copyFileSync(LAPTOP, join(dir, n))
  let out = ''
  let err = ''
  const code = await batchCommand([dir, '--jobs', '1', ...args], { out: (s) => void (out += s + '\n'), err: (s) => void (err += s + '\n') }, { workerModule: join(root, 'tests', module) })
  return { dir, names, code, out, err }
}

describe('batch when a worker dies', () => {
  it('its inputs in flight get an error record each, a new worker runs the rest, the run ends (1)', async () => {
    // 60 scenarios and one input the stand-in worker dies on (exit code 3, tests/batch-worker-crash.ts)
    const { dir, names, code, out, err } = await withStandIn(60, '05-crash.yaml', 5, 'batch-worker-crash.ts')
    expect(code, err).toBe(1)
    const recs = jsonl(out)
    // every input once, whatever became of its worker
    expect(recs.map((r) => String(r.file).slice(dir.length + 1)).sort()).toEqual([...names].sort())
    const errors = recs.filter((r) => r.error !== null)
    expect(byFile(recs)[join(dir, '05-crash.yaml')].error).toBe(`${join(dir, '05-crash.yaml')}:1:1: error: internal error: the worker stopped (exit code 3)`)
    // lost with it: what was in flight (at most DEPTH = 32 inputs per worker), never more
    expect(errors.length).toBeGreaterThanOrEqual(1)
    expect(errors.length).toBeLessThanOrEqual(32)
    for (const r of errors) expect(String(r.error)).toMatch(/: error: internal error: the worker stopped \(exit code 3\)$/)
    // the inputs after them ran on a new worker
    expect(recs.filter((r) => r.error === null && r.presentPages !== null).length).toBe(names.length - errors.length)
    expect(err).toMatch(new RegExp(`batch: ${names.length} records in .*: ${names.length - errors.length} ok, 0 with failing checks, ${errors.length} errors`))
  }, 60_000)
})

describe('batch when the engine is stuck on an input (--timeout)', () => {
  it('that input is an error record after the timeout, the inputs its worker held run on a new one, the run ends (1)', async () => {
    // 40 scenarios and one input the stand-in worker never finishes (tests/batch-worker-hang.ts)
    const t0 = performance.now()
    const { dir, names, code, out, err } = await withStandIn(40, '03-hang.yaml', 3, 'batch-worker-hang.ts', '--timeout', '1')
    expect(code, err).toBe(1)
    const recs = jsonl(out)
    // every input once; only the stuck one is an error, the others (its chunk's too) ran
    expect(recs.map((r) => String(r.file).slice(dir.length + 1)).sort()).toEqual([...names].sort())
    const hung = join(dir, '03-hang.yaml')
    expect(byFile(recs)[hung].error).toBe(`${hung}:1:1: error: the engine was still on this input after 1 s, and was stopped (--timeout)`)
    expect(recs.filter((r) => r.error === null && r.presentPages !== null).length).toBe(names.length - 1)
    expect(err).toMatch(new RegExp(`batch: ${names.length} records in .*: ${names.length - 1} ok, 0 with failing checks, 1 errors`))
    // stopped after about the timeout (a watchdog tick is a quarter of it), not at the end of time
    expect(performance.now() - t0).toBeLessThan(30_000)
  }, 60_000)

  it('--timeout takes whole seconds, 0 for none', async () => {
    for (const bad of ['-1', '1.5', 'x']) {
      const r = await inProcess(LAPTOP, '--timeout', bad)
      expect(r.code).toBe(2)
      expect(r.err).toMatch(/--timeout needs a whole number of seconds \(0: none\)/)
    }
    const r = await inProcess(LAPTOP, '--timeout', '0')
    expect(r.code, r.err).toBe(0)
  })
})

describe('batch from the compiled CLI (dist/cli, its process and worker entries)', () => {
  it('answers like the sources', async () => {
    const d = folder()
    const a = bin(d, '--diff')
    const b = await inProcess(d, '--diff')
    expect(a.code).toBe(b.code)
    expect(a.out.split('\n').sort()).toEqual(b.out.split('\n').sort())
    expect(existsSync(join(root, 'dist/cli/batch-worker.mjs'))).toBe(true)
    expect(existsSync(join(root, 'dist/cli/batch-process.mjs'))).toBe(true)
    // the process's and worker's sources count for freshness: a change to them rebuilds dist/cli
    const manifest = JSON.parse(readFileSync(join(root, 'dist/cli/manifest.json'), 'utf8')) as { inputs: string[] }
    expect(manifest.inputs).toEqual(expect.arrayContaining(['src/main/cli/batch-process.ts', 'src/main/cli/batch-worker.ts', 'src/main/cli/batch-record.ts', 'src/main/cli/batch.ts']))
    expect(bin('--help')).toMatchObject({ code: 0, err: '' })
  })
  it('one worker reads inputs of every size in turn: each record is that of its file read alone', () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-sizes-'))
    const boot = readFileSync(`${BOOT}.log`, 'utf8')
    // larger than the buffer a worker keeps (4 MiB): the boot, then state dumps
    writeFileSync(join(d, '1-large.log'), boot + `[ 9.000000] ${'x'.repeat(100)}\n`.repeat(50_000))
    writeFileSync(join(d, '2-boot.log'), boot)
    copyFileSync(LAPTOP, join(d, '3-laptop.yaml'))
    // a prefix of the boot, cut before its zones: shorter than what the buffer held before
    writeFileSync(join(d, '4-cut.log'), boot.slice(0, boot.indexOf('Zone ranges:')))
    writeFileSync(join(d, '5-boot-again.log'), boot)
    const together = bin(d, '--jobs', '1', '--diff')
    const alone = readdirSync(d)
      .sort()
      .flatMap((f) => jsonl(bin(join(d, f), '--jobs', '1', '--diff').out))
    expect(jsonl(together.out)).toEqual(alone)
    expect(alone.map((r) => [r.diff, r.error === null])).toEqual([
      ['exact', true],
      ['exact', true],
      [null, true],
      ['mismatch', true],
      ['exact', true]
    ])
  }, 60_000)
  it('Ctrl-C: exit 130, every written record whole; --resume then finishes the rest', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-int-'))
    // many inputs: links to the recorded boots, each a path of its own
    const logs = ['6.1', '6.12', '7.2', '7.3'].flatMap((v) => ['x86_64-s401-000', 'x86_64-s401-001', 'arm64-s401-000'].map((b) => join(root, 'tests/fixtures/kernel-versions', v, `${b}.log`)))
    const n = 600
    for (let i = 0; i < n; i++) symlinkSync(logs[i % logs.length], join(d, `in-${String(i).padStart(4, '0')}.log`))
    const out = join(d, 'out.jsonl')
    const child = spawn(process.execPath, [join(root, 'bin/memmap-workbench.mjs'), 'batch', d, '--jobs', '1', '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (b: Buffer) => (err += b))
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 3) {
          clearInterval(poll)
          child.kill('SIGINT')
        }
      }, 20)
      child.on('close', (c) => (clearInterval(poll), resolve(c)))
    })
    expect(code).toBe(130)
    const text = readFileSync(out, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    const partial = jsonl(text)
    expect(partial.length).toBeGreaterThan(2)
    expect(partial.length).toBeLessThan(n)
    expect(err).toMatch(/interrupted: \d+ finished records written; run again with --resume/)
    const rest = bin(d, '--jobs', '2', '-o', out, '--resume')
    expect(rest.code).toBe(0)
    const all = jsonl(readFileSync(out, 'utf8'))
    expect(all.length).toBe(n)
    expect(new Set(all.map((x) => x.file)).size).toBe(n)
    expect(rest.err).toMatch(new RegExp(`${partial.length} already in`))
  }, 120_000)
})

describe("batch's V8 flags", () => {
  it('single-threaded everywhere; the interrupt budget and its ticks on V8 11 (Node 20), where they were measured, and on no V8 that lacks them', () => {
    expect(batchV8Flags('11.3.226.16-node.15')).toEqual(['--single-threaded', '--interrupt-budget=4194304', '--ticks-before-optimization=1', '--heap-growing-percent=50'])
    // V8 12+ tiers up by invocation counts: no --interrupt-budget, no ticks of it
    expect(batchV8Flags('12.4.254.21-node.33')).toEqual(['--single-threaded', '--heap-growing-percent=50'])
    expect(batchV8Flags('13.6.233.10-node.28')).toEqual(['--single-threaded', '--heap-growing-percent=50'])
    // every flag set for the V8 running here is one it knows
    const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout
    for (const f of batchV8Flags(process.versions.v8)) expect(known).toContain(`  ${f.split('=')[0]} (`)
  })
})

// The compiled batch runs in a process of its own, started with batchV8Flags() (read by V8
// before it makes a heap): it must get the signals its launcher gets, once, and end as it does.
describe.runIf(process.platform === 'linux')('the process a compiled batch runs in', () => {
  /** 600 inputs (links to recorded boots) and a running `bin batch` over them, its own process group. */
  const started = (args: string[] = []) => {
    const d = mkdtempSync(join(tmpdir(), 'mmw-batch-proc-'))
    const logs = ['6.1', '6.12', '7.3'].flatMap((v) => ['x86_64-s401-000', 'arm64-s401-000'].map((b) => join(root, 'tests/fixtures/kernel-versions', v, `${b}.log`)))
    for (let i = 0; i < 600; i++) symlinkSync(logs[i % logs.length], join(d, `in-${String(i).padStart(4, '0')}.log`))
    const out = join(d, 'out.jsonl')
    const child = spawn(process.execPath, [join(root, 'bin/memmap-workbench.mjs'), 'batch', d, '--jobs', '1', '-o', out, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let err = ''
    child.stderr.on('data', (b: Buffer) => (err += b))
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })))
    /** once a few records are written */
    const running = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 3) {
          clearInterval(poll)
          resolve()
        }
      }, 20)
      void ended.then(() => clearInterval(poll))
    })
    return { d, out, child, running, ended, err: () => err }
  }
  /** The processes whose command line names `d`, with their arguments. */
  const processesOf = (d: string): { pid: number; argv: string[] }[] =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .flatMap((pid) => {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)
          return argv.includes(d) ? [{ pid: Number(pid), argv }] : []
        } catch {
          return [] // gone meanwhile
        }
      })

  it("is started with batchV8Flags(); a SIGTERM to its launcher ends both, and the launcher's end says SIGTERM", async () => {
    const r = started()
    await r.running
    const procs = processesOf(r.d)
    const worker = procs.find((p) => p.argv.some((a) => a.endsWith('batch-process.mjs')))
    expect(worker, JSON.stringify(procs)).toBeDefined()
    expect(worker!.argv.slice(1, 1 + batchV8Flags(process.versions.v8).length)).toEqual(batchV8Flags(process.versions.v8))
    r.child.kill('SIGTERM')
    expect(await r.ended).toEqual({ code: null, signal: 'SIGTERM' })
    expect(existsSync(`/proc/${worker!.pid}`)).toBe(false)
  }, 120_000)

  it("a terminal's Ctrl-C (SIGINT to the process group: launcher and batch process both) is one interrupt: exit 130, the summary written", async () => {
    const r = started()
    await r.running
    process.kill(-r.child.pid!, 'SIGINT')
    expect(await r.ended).toEqual({ code: 130, signal: null })
    // a second Ctrl-C would have ended it at once, without these lines
    expect(r.err()).toMatch(/batch: \d+ records in .* s CPU\)/)
    expect(r.err()).toMatch(/interrupted: \d+ finished records written; run again with --resume/)
    const text = readFileSync(r.out, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    expect(jsonl(text).length).toBeLessThan(600)
  }, 120_000)
})
