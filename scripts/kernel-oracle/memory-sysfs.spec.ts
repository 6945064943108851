// parseMemorySysfs() / writeMemorySysfs() on the `memory-sysfs` listing as a recorded
// 6.1 x86_64 boot printed it (tests/fixtures/captures), and on broken input.
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { firstNodeEntries, parseMemorySysfs, writeMemorySysfs } from './memory-sysfs.ts'

// blocks 8 and 9 of a two-node boot; memory9 straddles the nodes (node 1 starts at 0x49400000)
const LISTING = `block_size_bytes:8000000
memory8/state:online
memory9/state:online
memory8/phys_index:00000008
memory9/phys_index:00000009
memory8/phys_device:0
memory9/phys_device:0
memory8/removable:1
memory9/removable:1
memory8/valid_zones:Movable
memory9/valid_zones:none
memory8/node0
memory9/node0
memory9/node1
`

it('reads the files back and rebuilds the tree lsmem reads', () => {
  const s = parseMemorySysfs(LISTING)
  expect(s.blockSizeBytes).toBe('8000000')
  expect(s.blocks.get(9)).toEqual({ state: 'online', phys_index: '00000009', phys_device: '0', removable: '1', valid_zones: 'none' })
  expect(s.nodes.get(9)).toEqual([0, 1])
  const root = mkdtempSync(join(tmpdir(), 'mw-sysfs-spec-'))
  try {
    writeMemorySysfs(s, root)
    const mem = join(root, 'sys/devices/system/memory')
    expect(readFileSync(join(mem, 'block_size_bytes'), 'utf8')).toBe('8000000\n')
    expect(readFileSync(join(mem, 'memory8/valid_zones'), 'utf8')).toBe('Movable\n')
    expect(readlinkSync(join(mem, 'memory9/node1'))).toBe('../../node/node1')
    expect(firstNodeEntries(s, root).get(9)).toBeTypeOf('number')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

it('says where a broken listing breaks', () => {
  expect(() => parseMemorySysfs(LISTING.replace('block_size_bytes:8000000', 'block_size_bytes:0x8000000'), 'ms')).toThrow('ms:1:18: error: block_size_bytes is hex')
  expect(() => parseMemorySysfs(LISTING.replace('memory8/state:online', 'memory8/online:1'), 'ms')).toThrow('ms:2:9: error: unexpected attribute "online"')
  expect(() => parseMemorySysfs(LISTING.replace('memory8/node0', 'memory8 node0'), 'ms')).toThrow('ms:12:1: error: expected `path:contents`')
  expect(() => parseMemorySysfs('memory8/state:online\n', 'ms')).toThrow('ms:1:1: error: no `block_size_bytes:` line')
})
