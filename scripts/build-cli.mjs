#!/usr/bin/env node
// Compile the CLI (src/main/cli/main.ts and everything it reaches: the engine, the
// scenario model, the views) into dist/cli with esbuild, so `memmap-workbench` starts
// from JavaScript instead of compiling TypeScript at every run. `npm ci` runs it
// (the `prepare` script); bin/memmap-workbench.mjs rebuilds when a source is newer than
// the build, so the compiled CLI never runs stale code. The export command and its PDF/PNG
// libraries sit in their own chunk, loaded only by `export`.
import { build as esbuild } from 'esbuild'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '../..')
export const DIST = join(root, 'dist/cli')

/** Build into a fresh directory, then swap it in, so a concurrent run never sees half a build. */
export async function buildCli() {
  const tmp = `${DIST}.${process.pid}.tmp`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const started = Date.now()
  const r = await esbuild({
    // the batch worker and the batch process are entries of their own: batch.ts starts them
    // as dist/cli/batch-worker.mjs (a thread) and dist/cli/batch-process.mjs (a process)
    entryPoints: {
      main: join(root, 'src/main/cli/main.ts'),
      'batch-worker': join(root, 'src/main/cli/batch-worker.ts'),
      'batch-process': join(root, 'src/main/cli/batch-process.ts')
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    // native and CommonJS renderers stay in node_modules, loaded by the export chunk only
    external: ['@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    define: { __MMW_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
    metafile: true,
    logLevel: 'warning'
  })
  const inputs = [
    'package.json',
    ...Object.keys(r.metafile.inputs)
      .map((p) => relative(root, join(root, p)))
      .filter((p) => !p.startsWith('node_modules'))
  ].sort()
  // the time the sources were read: a source saved during the build counts as newer
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ builtAt: started, inputs }, null, 1))
  rmSync(DIST, { recursive: true, force: true })
  try {
    renameSync(tmp, DIST)
  } catch (e) {
    // another process swapped its build in first: theirs is as fresh as ours
    rmSync(tmp, { recursive: true, force: true })
    if (!existsSync(DIST)) throw e
  }
  return inputs
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const inputs = await buildCli()
  console.log(`dist/cli: ${inputs.length} sources compiled`)
}
