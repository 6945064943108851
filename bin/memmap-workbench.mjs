#!/usr/bin/env node
// The memmap-workbench CLI: plain Node, no Electron. It runs the compiled build in
// dist/cli (scripts/build-cli.mjs, made by `npm ci`), and rebuilds it first when a source
// is newer than the build, so the CLI always runs the same code as the tests and the app.
import { cliIsFresh } from '../scripts/cli-fresh.mjs'

// a reader that goes away (`| head`) ends the run quietly, as other tools do
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e
    process.exit(process.exitCode ?? 0)
  })

const root = new URL('../', import.meta.url)
if (!cliIsFresh(root)) await (await import('../scripts/build-cli.mjs')).buildCli()
const { run } = await import(new URL('dist/cli/main.mjs', root).href)
process.exitCode = await run(process.argv.slice(2))
