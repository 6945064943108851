#!/usr/bin/env node
// `npm test`: every suite, then one closing line `N passed, N failed` summing them all,
// so a run that executed nothing is visible. Suites: typecheck (engine, node, web), lint,
// format, build (electron-vite), unit + oracle fixtures + fuzz (vitest), e2e (Playwright, browser host).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..')
const bin = (n) => join(root, 'node_modules/.bin', n)
let passed = 0
let failed = 0
const summary = []
/** the tests that failed, by suite, named again under the summary: a CI log's tail says which */
const failures = []

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now()
  process.stdout.write(`\n=== ${name}: ${[cmd, ...args].join(' ')}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...opts.env } })
  const ok = r.status === 0
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  return ok
}

/** the first line of a failure message, without colour codes */
function firstLine(message = '') {
  return (
    message
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .find((l) => l.trim()) ?? ''
  )
}

/** `file:line [project] › title` of each Playwright test whose outcome was unexpected */
function failedSpecs(suites) {
  const out = []
  const walk = (s) => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests ?? []) if (t.status === 'unexpected') out.push(`${spec.file}:${spec.line} [${t.projectName}] › ${spec.title}\n    ${firstLine(t.results?.at(-1)?.error?.message)}`)
    for (const c of s.suites ?? []) walk(c)
  }
  for (const s of suites) walk(s)
  return out
}

function countOne(ok) {
  if (ok) passed++
  else failed++
}

// 1. typecheck: the engine without DOM or Node types, the Node side, the renderer
countOne(step('typecheck engine', bin('tsc'), ['-p', 'tsconfig.engine.json', '--noEmit']))
countOne(step('typecheck node', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']))
if (existsSync(join(root, 'src/renderer'))) countOne(step('typecheck web', bin('svelte-check'), ['--tsconfig', './tsconfig.web.json', '--threshold', 'error']))

// lint (ESLint: the boundaries as rules) and format (Prettier), as habits, not afterthoughts
countOne(step('lint (eslint)', bin('eslint'), ['.']))
countOne(step('format (prettier --check)', bin('prettier'), ['--check', '.']))

// 2. the app builds (before the unit suite: tests/packaging.spec.ts checks the built layout)
const buildOk = step('build (electron-vite)', bin('electron-vite'), ['build'])
countOne(buildOk)

// 3. unit tests, the real-kernel oracle fixtures, the bounded fuzz run
mkdirSync(join(root, 'test-results'), { recursive: true })
const vitestJson = join(root, 'test-results/vitest.json')
rmSync(vitestJson, { force: true })
const unitOk = step('unit + oracle (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])
if (existsSync(vitestJson)) {
  const j = JSON.parse(readFileSync(vitestJson, 'utf8'))
  passed += j.numPassedTests
  failed += j.numFailedTests
  const listed = failures.length
  for (const file of j.testResults ?? []) {
    const name = relative(root, file.name)
    for (const t of file.assertionResults ?? []) if (t.status === 'failed') failures.push(`vitest: ${name} › ${t.fullName}\n    ${firstLine(t.failureMessages?.[0])}`)
    // a file that failed outside its tests (it did not load, a hook threw)
    if (file.status === 'failed' && file.message) failures.push(`vitest: ${name}\n    ${firstLine(file.message)}`)
  }
  if (!unitOk && j.numFailedTests === 0) {
    failed++
    if (failures.length === listed) failures.push('vitest: exited with an error and no failed test (an unhandled error: see its output above)')
  }
} else failed++

// 4. e2e in Debian Chromium through the browser host (Electron project skips without a binary)
if (buildOk && existsSync(join(root, 'playwright.config.ts'))) {
  step('ensure chromium', 'bash', ['scripts/ensure-chromium.sh'])
  const e2eJson = join(root, 'test-results/e2e.json')
  rmSync(e2eJson, { force: true })
  const e2eOk = step('e2e (playwright)', bin('playwright'), ['test'], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson } })
  if (existsSync(e2eJson)) {
    const report = JSON.parse(readFileSync(e2eJson, 'utf8'))
    const s = report.stats ?? {}
    passed += (s.expected ?? 0) + (s.flaky ?? 0)
    failed += s.unexpected ?? 0
    for (const t of failedSpecs(report.suites ?? [])) failures.push(`e2e: ${t}`)
    if (!e2eOk && !(s.unexpected > 0)) failed++
  } else failed++
}

console.log('\n' + summary.join('\n'))
if (failures.length) console.log('\nfailed:\n' + failures.map((f) => `  ${f}`).join('\n'))
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
