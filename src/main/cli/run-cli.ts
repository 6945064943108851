// The CLI run in-process for specs: what it printed to stdout and stderr, and its exit code.
import { join } from 'node:path'
import { run } from './main.ts'

/** The repository root, for fixtures and examples. */
export const root = join(import.meta.dirname, '../../..')

export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await run(args, { out: (s) => void (out += s + '\n'), err: (s) => void (err += s + '\n') })
  return { code, out, err }
}
