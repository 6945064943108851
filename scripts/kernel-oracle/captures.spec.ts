// The capture tree (tests/fixtures/captures, written by captures.ts) is well formed: every
// file is byte for byte what the guest printed (the md5 /init printed with each section),
// boot.json's truth is what the zoneinfo file says, and the files agree with each other
// and with what else the same kernel said (its `Memory:` line, crash's kmem -n, lsmem).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { pickVariants } from './captures.ts'
import type { CaptureJson } from './captures.ts'
import { qemuCommand } from './layouts.ts'
import { INITRAMFS } from './record.ts'
import { parseMemorySysfs } from './memory-sysfs.ts'
import { parseZoneinfo } from './zoneinfo.ts'

const root = join(import.meta.dirname, '../../tests/fixtures/captures')
const PAGE = 4096 // Debian's amd64 and arm64 kernels (CONFIG_ARM64_4K_PAGES)

const boots = existsSync(root) ? readdirSync(root).flatMap((version) => readdirSync(join(root, version)).map((id) => ({ version, id, dir: join(root, version, id) }))) : []
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'latin1')
const json = (dir: string): CaptureJson => JSON.parse(read(dir, 'boot.json')) as CaptureJson

it('has captures for two kernel lines or more, x86_64 and arm64, with kmem -n on two x86_64 boots', () => {
  const versions = new Set(boots.map((b) => b.version))
  expect(versions.size).toBeGreaterThanOrEqual(2)
  for (const v of versions) {
    expect(boots.filter((b) => b.version === v && b.id.startsWith('x86_64-')).length, v).toBeGreaterThanOrEqual(4)
    expect(boots.filter((b) => b.version === v && b.id.startsWith('arm64-')).length, v).toBeGreaterThanOrEqual(3)
  }
  expect(boots.filter((b) => existsSync(join(b.dir, 'kmem-n.txt'))).length).toBeGreaterThanOrEqual(2)
})

describe.each(boots)('$version/$id', ({ version, id, dir }) => {
  const j = json(dir)

  it('is the layout pickVariants() picks from its seed, booted with that QEMU command', () => {
    const pick = pickVariants(j.seed).find((p) => p.id === id)
    expect(pick?.variant.id).toBe(j.variant)
    const hold = j.commandLine.endsWith(' mw_hold')
    expect(j.commandLine).toBe(hold ? `${pick!.variant.layout.append} mw_hold` : pick!.variant.layout.append)
    const v = { ...pick!.variant, layout: { ...pick!.variant.layout, append: j.commandLine } }
    const cmd = qemuCommand(v, j.cmd[j.cmd.indexOf('-kernel') + 1], INITRAMFS)
    expect(j.cmd).toEqual(hold ? [...cmd, '-qmp', 'unix:QMP_SOCKET,server=on,wait=off'] : cmd)
  })

  it('names itself and its kernel', () => {
    expect(j.id).toBe(id)
    expect(j.kernel).toBe(version)
    expect(read(dir, 'dmesg')).toContain(`Linux version ${j.release} `)
  })

  it('holds every file exactly as the guest printed it (md5 from /init)', () => {
    const must = ['iomem', 'zoneinfo', 'memory-sysfs.txt', 'dmesg', ...(j.layout.arch === 'x86_64' ? ['firmware-memmap.txt'] : ['memblock-memory', 'memblock-reserved'])]
    for (const f of must) expect(Object.keys(j.md5), f).toContain(f)
    const own = new Set(['boot.json', 'lsmem.json', 'lsmem.txt', 'kmem-n.txt'])
    for (const f of readdirSync(dir).filter((f) => !own.has(f))) {
      expect(j.md5[f], `${f} has no md5 in boot.json`).toBeDefined()
      expect(
        createHash('md5')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
        f
      ).toBe(j.md5[f])
    }
  })

  it("boot.json's truth is the zoneinfo file's", () => {
    expect(j.truth).toEqual(parseZoneinfo(read(dir, 'zoneinfo'), join(dir, 'zoneinfo')))
    expect(j.truth.some((z) => z.present > 0)).toBe(true)
  })

  it("present pages add up to the total of the kernel's `Memory: …K/NK available` line", () => {
    // mm/mm_init.c mem_init_print_info(): physpages = get_num_physpages(), the sum of
    // node_present_pages, printed as physpages << (PAGE_SHIFT - 10)
    const m = /Memory: \d+K\/(\d+)K available/.exec(read(dir, 'dmesg'))
    expect(m).not.toBeNull()
    const present = j.truth.reduce((s, z) => s + z.present, 0)
    expect((present * PAGE) / 1024).toBe(Number(m![1]))
  })

  it('lsmem ran over the recorded blocks: its ranges cover exactly the blocks sysfs lists', () => {
    const sysfs = parseMemorySysfs(read(dir, 'memory-sysfs.txt'))
    const blockBytes = parseInt(sysfs.blockSizeBytes, 16)
    const out = JSON.parse(read(dir, 'lsmem.json')) as { memory: { range: string; state: string; block: string }[] }
    let bytes = 0
    const listed: number[] = []
    for (const r of out.memory) {
      const [a, b] = r.range.split('-').map(Number)
      bytes += b - a + 1
      const [first, last = first] = r.block.split('-').map(Number)
      // memoryN covers [N, N + 1) * block_size (drivers/base/memory.c: the block id is
      // phys_index / sections_per_block)
      expect([a, b + 1], r.range).toEqual([first * blockBytes, (last + 1) * blockBytes])
      for (let n = first; n <= last; n++) {
        listed.push(n)
        expect(sysfs.blocks.get(n)?.state, `memory${n}`).toBe(r.state)
      }
    }
    expect(listed).toEqual([...sysfs.blocks.keys()].sort((x, y) => x - y))
    expect(bytes).toBe(sysfs.blocks.size * blockBytes)
    const text = read(dir, 'lsmem.txt')
    expect(text.split('\n')[0]).toMatch(/^RANGE +SIZE +STATE +BLOCK +NODE +ZONES$/)
    expect(text).toContain('Memory block size:')
  })

  it.runIf(existsSync(join(dir, 'kmem-n.txt')))("crash's kmem -n shows the zoneinfo's zones (spanned pages, start)", () => {
    // crash memory.c dump_memory_nodes(): per node a ZONE table of NAME, SIZE
    // (zone.spanned_pages), MEM_MAP, START_PADDR, START_MAPNR
    const text = read(dir, 'kmem-n.txt')
    let node = -1
    let rows = 0
    for (const line of text.split('\n')) {
      const n = /^ {2}(\d+) +\d+ +[0-9a-f]{16} /.exec(line)
      if (n) node = Number(n[1])
      const z = /^ {2}\d +(\w+) +(\d+) +([0-9a-f]+) +([0-9a-f]+) +(\d+)$/.exec(line)
      if (!z) continue
      const t = j.truth.find((x) => x.node === node && x.zone === z[1])
      expect(t, `node ${node} ${z[1]}`).toBeDefined()
      expect(Number(z[2]), `node ${node} ${z[1]} SIZE`).toBe(t!.spanned)
      if (t!.spanned) expect(parseInt(z[4], 16), `node ${node} ${z[1]} START_PADDR`).toBe(t!.startPfn! * PAGE)
      rows++
    }
    expect(rows).toBe(j.truth.length)
    // the MEM_BLOCK table (crash 8.0.2 prints it for 6.1 only: on 7.3 it stops at
    // `invalid structure member offset: bus_type_p`, boot.json's kmem.stderr)
    const sysfs = parseMemorySysfs(read(dir, 'memory-sysfs.txt'))
    const blockBytes = parseInt(sysfs.blockSizeBytes, 16)
    let blocks = 0
    for (const line of text.split('\n')) {
      const b = /^ [0-9a-f]{16} +memory(\d+) +([0-9a-f]+) - +([0-9a-f]+) +(\d+) +(\w+) +(\d+) *$/.exec(line)
      if (!b) continue
      const id = Number(b[1])
      expect(sysfs.blocks.get(id)?.state?.toUpperCase(), `memory${id}`).toBe(b[5])
      expect(sysfs.nodes.get(id), `memory${id}`).toContain(Number(b[4]))
      expect([parseInt(b[2], 16), parseInt(b[3], 16) + 1], `memory${id}`).toEqual([id * blockBytes, (id + 1) * blockBytes])
      blocks++
    }
    if (/^ +MEM_BLOCK +NAME /m.test(text)) expect(blocks).toBe(sysfs.blocks.size)
  })
})
