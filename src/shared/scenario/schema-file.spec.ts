// resources/schema/scenario.schema.json is what editors (VS Code via the
// `# yaml-language-server: $schema=` modeline) read: it must equal the generated schema.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { scenarioJsonSchema } from './scenario.ts'

it('the committed JSON Schema is the one the scenario definition generates (regenerate: memmap-workbench schema)', () => {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/schema/scenario.schema.json'), 'utf8'))
  expect(file).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())))
})

it('every example scenario validates', async () => {
  const { readdirSync } = await import('node:fs')
  const { parseScenario } = await import('./parse.ts')
  const dir = join(import.meta.dirname, '../../../resources/examples')
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
  expect(files.length).toBeGreaterThanOrEqual(4)
  for (const f of files) {
    const r = parseScenario(readFileSync(join(dir, f), 'utf8'))
    expect(
      r.diagnostics.filter((d) => d.severity === 'error'),
      f
    ).toEqual([])
  }
})
