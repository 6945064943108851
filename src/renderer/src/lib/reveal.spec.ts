import { describe, expect, it } from 'vitest'
import { revealSentence } from './reveal.ts'

describe('revealSentence()', () => {
  it('names the lines selected and why', () => {
    expect(revealSentence({ paths: [['firmware', 'map', 3]], why: 'the firmware entry' }, 'line 12 (firmware.map[3])')).toBe('line 12 (firmware.map[3]) — the firmware entry')
  })

  it('says why no line is selected', () => {
    expect(revealSentence({ paths: [], why: 'this scenario has no hole' }, '')).toBe('No scenario line: this scenario has no hole.')
  })

  it('says nothing when there is nothing to say (not "No scenario line: .")', () => {
    // a figure element without provenance (provenanceOf()'s none), from a view or a log line alike
    expect(revealSentence({ paths: [], why: '' }, '')).toBe('')
  })

  it('says so when the lines are not in the text', () => {
    expect(revealSentence({ paths: [['nodes', 1]], why: 'the node' }, '')).toBe('The scenario lines were not found.')
  })
})
