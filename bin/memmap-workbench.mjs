#!/usr/bin/env node
// The memmap-workbench CLI: plain Node, no Electron. tsx (a runtime dependency) loads
// the engine's TypeScript sources directly, so the CLI always runs the same code as
// the tests and the app.
import { register } from 'tsx/esm/api'
import { fileURLToPath } from 'node:url'

// a reader that goes away (`| head`) ends the run quietly, as other tools do
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e
    process.exit(process.exitCode ?? 0)
  })

register()
const main = new URL('../src/main/cli/main.ts', import.meta.url)
const { run } = await import(fileURLToPath(main))
process.exitCode = await run(process.argv.slice(2))
