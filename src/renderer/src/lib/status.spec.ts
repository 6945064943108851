import { describe, expect, it } from 'vitest'
import { analysisStatus, type AnalysisState } from './status.ts'

const done: AnalysisState = { busy: false, pending: false, analysed: true, engineFailure: '', valid: true, errorCount: 0, report: {} }

describe('the status bar says "up to date" only for the newest text', () => {
  it('is up to date once the newest text is analysed and valid', () => {
    expect(analysisStatus(done)).toBe('up to date')
  })
  it('is not up to date before the first answer (the start-up example still on its way)', () => {
    expect(analysisStatus({ ...done, analysed: false, report: null })).toBe('not analysed yet')
  })
  it('is working while a text waits out the debounce or runs', () => {
    expect(analysisStatus({ ...done, pending: true })).toBe('working…')
    expect(analysisStatus({ ...done, busy: true })).toBe('working…')
  })
  it('counts errors, and says the last good result is shown only when there is one', () => {
    expect(analysisStatus({ ...done, valid: false, errorCount: 1 })).toBe('1 error: showing the last good result')
    expect(analysisStatus({ ...done, valid: false, errorCount: 3, report: null })).toBe('3 errors')
  })
  it('names an engine failure', () => {
    expect(analysisStatus({ ...done, engineFailure: 'boom' })).toBe('the engine failed: showing the last good result')
    expect(analysisStatus({ ...done, engineFailure: 'boom', report: null })).toBe('the engine failed')
  })
})
