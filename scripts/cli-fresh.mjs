// Is dist/cli built from the current sources? Cheap enough for every CLI start: one small
// JSON file and a stat per compiled source (no esbuild, no TypeScript).
import { readFileSync, statSync } from 'node:fs'

/** `root` is the repository's URL (ending in /); stale when missing, unreadable or older than a source. */
export function cliIsFresh(root) {
  try {
    const m = JSON.parse(readFileSync(new URL('dist/cli/manifest.json', root), 'utf8'))
    return m.inputs.length > 0 && m.inputs.every((p) => statSync(new URL(p, root)).mtimeMs < m.builtAt)
  } catch {
    return false
  }
}
