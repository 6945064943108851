// The process a compiled `memmap-workbench batch` runs in (dist/cli/batch-process.mjs),
// started by launchBatchProcess() with V8's flags for it (batchV8Flags()) on its command
// line: `node FLAGS batch-process.mjs ARGS` runs `batch ARGS` on this process's own
// stdout and stderr, as bin/memmap-workbench.mjs runs the other commands.

import { batchCommand } from './batch.ts'
import { safeOutput } from './escape.ts'

// a reader that goes away (`| head`) ends the run quietly, as other tools do
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e
    process.exit(process.exitCode ?? 0)
  })

const io = safeOutput({ out: (s: string) => void process.stdout.write(s + '\n'), err: (s: string) => void process.stderr.write(s + '\n') })
process.exitCode = await batchCommand(process.argv.slice(2), io, { tty: !!process.stderr.isTTY })
