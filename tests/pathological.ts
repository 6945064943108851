// Inputs that keep the engine busy, for the specs of the engine's deadline and of a
// superseded or aborted call (src/main/engine-client.spec.ts, browser-host.spec.ts,
// electron-main.spec.ts). The engine is linear, so "slow" means large: each input is a
// real recorded boot made expensive in one place.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const MIB = 1024 * 1024
/** The recorded boot every input here is made from (QEMU, x86-64, 6.1): answered in milliseconds. */
export const recordedBoot = (): string => readFileSync(join(import.meta.dirname, 'fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
const boot = (): string[] => recordedBoot().split('\n')

/**
 * A boot log whose firmware map has `ranges` more BIOS-e820 entries (1.5·10^5: 11 MiB,
 * 1–2 s of the engine's time, most of it modelling the map). A valid log: left alone, it
 * is answered.
 */
export function pathologicalLog(ranges = 150_000): string {
  const lines = boot()
  let last = lines.length - 1
  while (last > 0 && !lines[last].includes('BIOS-e820:')) last--
  const extra: string[] = []
  let at = 2 ** 36
  for (let i = 0; i < ranges; i++) {
    const len = 0x200000 + (i % 7) * 0x1000
    const hex = (n: number): string => n.toString(16).padStart(16, '0')
    extra.push(`[    0.000000] BIOS-e820: [mem 0x${hex(at)}-0x${hex(at + len - 1)}] ${i % 3 ? 'usable' : 'reserved'}`)
    at += len + 0x1000
  }
  return [...lines.slice(0, last + 1), ...extra, ...lines.slice(last + 1)].join('\n')
}

/**
 * The first lines of a boot log, then at `line` one line of 32 MiB (× scale) of
 * unterminated escape sequences: the lines before it take microseconds, it takes seconds
 * (≥ 99% of the parse, on any machine and however busy; about 2 s at scale 1 in a built
 * worker here).
 */
export function slowLineLog(line = 12, scale = 1): { text: string; line: number } {
  const slow = '\x1b]0;'.repeat(4 * scale * MIB) + '\x1b['.repeat(4 * scale * MIB) + '9'.repeat(8 * scale * MIB)
  return { text: [...boot().slice(0, line - 1), slow].join('\n'), line }
}
