// A stand-in for batch-worker.ts in batch.spec: the real worker, except that opening an
// input whose file name (not its folder's) holds `hang` never returns, as an engine stuck
// in a loop on that input would (the real worker has already said it is on it).
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { basename } from 'node:path'

const openSync = fs.openSync
fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
  if (basename(String(path)).includes('hang')) for (;;);
  return (openSync as (...a: unknown[]) => number)(path, ...rest)
}) as typeof fs.openSync
syncBuiltinESMExports()
await import('../src/main/cli/batch-worker.ts')
