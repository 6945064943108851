// A file opened or dropped on the window is told apart by content exactly as the CLI tells
// its input (inputKind()): the page's copy of the rule must not drift from the engine's.
import { describe, expect, it } from 'vitest'
import laptop from '../../../../resources/examples/x86-laptop.yaml?raw'
import dmesg from '../../../../tests/fixtures/captures/7.3/x86_64-2/dmesg?raw'
import firmwareMemmap from '../../../../tests/fixtures/captures/7.3/x86_64-2/firmware-memmap.txt?raw'
import iomem from '../../../../tests/fixtures/captures/7.3/x86_64-2/iomem?raw'
import kmemN from '../../../../tests/fixtures/captures/7.3/x86_64-2/kmem-n.txt?raw'
import lsmemJson from '../../../../tests/fixtures/captures/7.3/x86_64-2/lsmem.json?raw'
import lsmemTxt from '../../../../tests/fixtures/captures/7.3/x86_64-2/lsmem.txt?raw'
import memorySysfs from '../../../../tests/fixtures/captures/7.3/x86_64-2/memory-sysfs.txt?raw'
import zoneinfo from '../../../../tests/fixtures/captures/7.3/x86_64-2/zoneinfo?raw'
import { inputKind } from '../../../shared/engine/index.ts'
import { openKind } from './open-kind.ts'

// captures of one QEMU machine (x86_64-2, Linux 7.3)
const CAPTURES: Record<string, string> = {
  'lsmem.json': lsmemJson,
  'lsmem.txt': lsmemTxt,
  iomem,
  'firmware-memmap.txt': firmwareMemmap,
  'kmem-n.txt': kmemN,
  zoneinfo,
  dmesg,
  'memory-sysfs.txt': memorySysfs
}
const read = (p: string): string => CAPTURES[p.split('/').pop()!]
const captures = 'x86_64-2'
const laptopJson = JSON.stringify({ name: 'laptop as JSON', kernel: '6.1', arch: 'x86_64', firmware: { kind: 'e820', map: [{ start: 0, end: 0x9f000, type: 'usable' }] } }, null, 2)

describe('openKind()', () => {
  it('a .json lsmem capture is a capture, a .json scenario a scenario', () => {
    expect(openKind('lsmem.json', read(`${captures}/lsmem.json`))).toEqual({ kind: 'capture', capture: 'lsmem', title: 'lsmem' })
    expect(openKind('laptop.json', laptopJson)).toEqual({ kind: 'scenario' })
  })
  it('captures by content whatever their name; logs by name or content; YAML is always a scenario', () => {
    expect(openKind('iomem', read(`${captures}/iomem`))).toMatchObject({ kind: 'capture', capture: 'iomem', title: '/proc/iomem' })
    expect(openKind('memmap.txt', read(`${captures}/firmware-memmap.txt`))).toMatchObject({ kind: 'capture', capture: 'firmware-memmap' })
    expect(openKind('kmem-n.txt', read(`${captures}/kmem-n.txt`))).toMatchObject({ kind: 'capture', capture: 'kmem-n' })
    expect(openKind('zoneinfo', read(`${captures}/zoneinfo`))).toMatchObject({ kind: 'capture', capture: 'zoneinfo' })
    expect(openKind('dmesg', read(`${captures}/dmesg`))).toEqual({ kind: 'log' })
    expect(openKind('boot.log', 'anything')).toEqual({ kind: 'log' })
    expect(openKind('notes', laptop)).toEqual({ kind: 'scenario' })
    // a .yaml file is a scenario even when its text looks like a capture (the editor shows why it does not parse)
    expect(openKind('odd.yaml', read(`${captures}/lsmem.json`))).toEqual({ kind: 'scenario' })
  })
  it('agrees with the CLI (inputKind()) on every capture, log and scenario, under every name', () => {
    const texts = [
      ...['lsmem.json', 'lsmem.txt', 'iomem', 'firmware-memmap.txt', 'kmem-n.txt', 'zoneinfo', 'dmesg', 'memory-sysfs.txt'].map((f) => read(`${captures}/${f}`)),
      laptop,
      laptopJson,
      'not a scenario, not a log'
    ]
    let n = 0
    for (const text of texts)
      for (const name of ['x.yaml', 'x.yml', 'x.json', 'x.log', 'x.txt', 'x.dmesg', 'x', 'X.JSON']) {
        const mine = openKind(name, text)
        expect(mine.kind === 'capture' ? mine.capture : mine.kind, `${name}: ${text.slice(0, 40)}`).toBe(inputKind(name, text))
        n++
      }
    expect(n).toBe(88)
  })
})
