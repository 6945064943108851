import { describe, expect, it } from 'vitest'
import { embeddedFileName } from './api.ts'

describe('api: the name an export’s scenario opens under', () => {
  it('keeps a plain scenario file name and replaces anything else with scenario.yaml', () => {
    expect(embeddedFileName('x86-laptop.yaml')).toBe('x86-laptop.yaml')
    expect(embeddedFileName('layout.JSON')).toBe('layout.JSON')
    for (const bad of ['../../etc/passwd.yaml', 'dir/a.yaml', 'boot.log', '', 'a\u0007.yaml', 'x'.repeat(300) + '.yaml']) expect(embeddedFileName(bad), bad).toBe('scenario.yaml')
  })
})
