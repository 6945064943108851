// Failing checks point at the scenario line that causes them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { analyzeSource } from '../index.ts'

const laptop = readFileSync(join(import.meta.dirname, '../../../../resources/examples/x86-laptop.yaml'), 'utf8')

it('a KMSAN struct page marks the struct page options and each huge page size', () => {
  const text = laptop + 'memmap:\n  structPage: { kmsan: true }\n'
  const r = analyzeSource(text, 'laptop.yaml')
  expect(r.ok).toBe(true)
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning')
  const lines = text.split('\n')
  const hvo2m = warnings.find((d) => d.message.startsWith('check hvo.eligibility.2M fails'))!
  expect(lines[hvo2m.line! - 1]).toMatch(/- size: 2M/)
  const pow2 = warnings.find((d) => d.message.startsWith('check struct-page.pow2 fails'))!
  expect(lines[pow2.line! - 1]).toMatch(/structPage/)
  expect(pow2.message).toMatch(/is_power_of_2/)
})

it('a passing scenario gets no check warnings, and logs never do', () => {
  expect(analyzeSource(laptop, 'laptop.yaml').diagnostics).toEqual([])
  const log = readFileSync(join(import.meta.dirname, '../../../../tests/fixtures/qemu-boots/x86_64-s7-000.log'), 'utf8')
  expect(analyzeSource(log, 'boot.log').diagnostics.every((d) => !d.message.startsWith('check '))).toBe(true)
})
