/**
 * /sys/devices/system/memory as the oracle's initramfs captures it (`memory-sysfs`
 * section): `grep .` over block_size_bytes and each memoryN's state, phys_index,
 * phys_device, removable and valid_zones (drivers/base/memory.c: block_size_bytes_show(),
 * state_show(), phys_index_show(), phys_device_show(), removable_show(),
 * valid_zones_show()), each printed as `path:contents`, then `ls -d memory*\/node*` for
 * the nodeN links (register_memory_block_under_node() in drivers/base/node.c). Parsed
 * back into the files, so the tree can be rebuilt for util-linux `lsmem --sysroot`.
 *
 * Errors name the place as `file:line:col: error: …`. One pass over the lines.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The attribute files of one memoryN directory that the capture keeps. */
export const BLOCK_FILES = ['state', 'phys_index', 'phys_device', 'removable', 'valid_zones'] as const
export type BlockFile = (typeof BLOCK_FILES)[number]

export interface MemorySysfs {
  /** block_size_bytes as the kernel printed it (hex, no 0x) */
  blockSizeBytes: string
  /** memoryN id → attribute → contents (without the newline); absent files stay absent */
  blocks: Map<number, Partial<Record<BlockFile, string>>>
  /** memoryN id → the node ids it is linked under */
  nodes: Map<number, number[]>
}

export class MemorySysfsError extends Error {}

export function parseMemorySysfs(text: string, file = 'memory-sysfs.txt'): MemorySysfs {
  const fail = (line: number, col: number, msg: string): never => {
    throw new MemorySysfsError(`${file}:${line}:${col}: error: ${msg}`)
  }
  let blockSizeBytes: string | null = null
  const blocks = new Map<number, Partial<Record<BlockFile, string>>>()
  const nodes = new Map<number, number[]>()
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const link = /^memory(\d+)\/node(\d+)$/.exec(line)
    if (link) {
      const id = Number(link[1])
      nodes.set(id, [...(nodes.get(id) ?? []), Number(link[2])])
      continue
    }
    const colon = line.indexOf(':')
    if (colon < 0) fail(i + 1, 1, `expected \`path:contents\` or \`memoryN/nodeM\`, got ${JSON.stringify(line.slice(0, 60))}`)
    const path = line.slice(0, colon)
    const value = line.slice(colon + 1)
    if (path === 'block_size_bytes') {
      if (!/^[0-9a-f]+$/.test(value)) fail(i + 1, colon + 2, `block_size_bytes is hex (block_size_bytes_show(): "%lx"), got ${JSON.stringify(value)}`)
      blockSizeBytes = value
      continue
    }
    const m = /^memory(\d+)\/(\w+)$/.exec(path)
    if (!m) fail(i + 1, 1, `unknown path ${JSON.stringify(path)}`)
    const name = m![2] as BlockFile
    if (!BLOCK_FILES.includes(name)) fail(i + 1, m![0].indexOf('/') + 2, `unexpected attribute ${JSON.stringify(name)}`)
    const id = Number(m![1])
    const block = blocks.get(id) ?? {}
    block[name] = value
    blocks.set(id, block)
  }
  if (blockSizeBytes === null) fail(1, 1, 'no `block_size_bytes:` line')
  for (const id of nodes.keys()) if (!blocks.has(id)) fail(1, 1, `memory${id} has a node link but no attributes`)
  return { blockSizeBytes: blockSizeBytes!, blocks, nodes }
}

/**
 * Write the tree under root/sys/devices/system/memory, each file with its contents and
 * a newline (sysfs_emit()), each nodeN a symlink to ../../node/nodeN as the kernel makes
 * it, with root/sys/devices/system/node/nodeN present so no link dangles. A block under
 * several nodes gets its links highest node first: on tmpfs readdir then lists them
 * lowest first (firstNodeEntries() tells what a reader of the tree will see first).
 */
export function writeMemorySysfs(s: MemorySysfs, root: string): void {
  const system = join(root, 'sys', 'devices', 'system')
  const mem = join(system, 'memory')
  mkdirSync(mem, { recursive: true })
  writeFileSync(join(mem, 'block_size_bytes'), `${s.blockSizeBytes}\n`)
  for (const [id, files] of s.blocks) {
    const dir = join(mem, `memory${id}`)
    mkdirSync(dir, { recursive: true })
    for (const name of BLOCK_FILES) if (files[name] !== undefined) writeFileSync(join(dir, name), `${files[name]}\n`)
    for (const node of [...(s.nodes.get(id) ?? [])].sort((x, y) => y - x)) {
      mkdirSync(join(system, 'node', `node${node}`), { recursive: true })
      symlinkSync(`../../node/node${node}`, join(dir, `node${node}`))
    }
  }
}

/**
 * For each block under more than one node: the node whose `nodeN` entry readdir returns
 * first in the written tree. util-linux lsmem's memory_block_get_node() takes the first
 * `node<digits>` entry, so that is the NODE it prints for the block.
 */
export function firstNodeEntries(s: MemorySysfs, root: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const [id, nodes] of s.nodes) {
    if (nodes.length < 2) continue
    const first = readdirSync(join(root, 'sys', 'devices', 'system', 'memory', `memory${id}`)).find((e) => /^node\d+$/.test(e))
    out.set(id, Number(first!.slice(4)))
  }
  return out
}
