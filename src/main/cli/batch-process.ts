// The process a compiled `memmap-workbench batch` runs in (dist/cli/batch-process.mjs),
// started by launchBatchProcess() with V8's flags for it (batchV8Flags()) on its command
// line: `node FLAGS batch-process.mjs ARGS` runs `batch ARGS` as bin/memmap-workbench.mjs
// runs every command, on this process's own stdout and stderr (the environment it is
// started with keeps it from starting another).

import { run } from './main.ts'

// a reader that goes away (`| head`) ends the run quietly, as other tools do
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e
    process.exit(process.exitCode ?? 0)
  })

process.exitCode = await run(['batch', ...process.argv.slice(2)])
