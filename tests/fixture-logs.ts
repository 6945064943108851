// The recorded boot logs under tests/fixtures, for specs that read them all.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const fixtures = join(import.meta.dirname, 'fixtures')

/** Every `.log` under tests/fixtures, in the order the walk finds them. */
export function recordedLogs(): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (e.name.endsWith('.log')) out.push(join(d, e.name))
    }
  }
  walk(fixtures)
  return out
}
