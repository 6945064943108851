import { describe, expect, it } from 'vitest'
import { LatestRunner } from './latest-runner.ts'

/** A job whose calls finish when the test says so. */
function controlled() {
  const calls: { input: string; finish: (r: string) => void; fail: (e: Error) => void }[] = []
  const job = (input: string): Promise<string> => new Promise((resolve, reject) => calls.push({ input, finish: resolve, fail: reject }))
  return { calls, job }
}

function recorder() {
  const log: string[] = []
  return {
    log,
    on: {
      start: (i: string) => log.push(`start ${i}`),
      result: (r: string, i: string) => log.push(`result ${r} for ${i}`),
      error: (e: unknown, i: string) => log.push(`error ${(e as Error).message} for ${i}`),
      idle: () => log.push('idle')
    }
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('LatestRunner: the engine runs for the newest text only', () => {
  it('one input: start, result, idle', async () => {
    const { calls, job } = controlled()
    const { log, on } = recorder()
    const r = new LatestRunner(job, on)
    r.submit('a')
    expect(r.busy).toBe(true)
    calls[0].finish('A')
    await tick()
    expect(log).toEqual(['start a', 'result A for a', 'idle'])
    expect(r.busy).toBe(false)
  })

  it('typing during a slow call: one call in flight, the skipped texts never run, the stale result is not shown', async () => {
    const { calls, job } = controlled()
    const { log, on } = recorder()
    const r = new LatestRunner(job, on)
    r.submit('a')
    r.submit('ab')
    r.submit('abc')
    expect(calls.map((c) => c.input)).toEqual(['a'])
    calls[0].finish('A')
    await tick()
    // 'ab' was replaced by 'abc' while 'a' ran; A is stale and is dropped
    expect(calls.map((c) => c.input)).toEqual(['a', 'abc'])
    expect(log).toEqual(['start a', 'start abc'])
    expect(r.busy).toBe(true)
    calls[1].finish('ABC')
    await tick()
    expect(log).toEqual(['start a', 'start abc', 'result ABC for abc', 'idle'])
  })

  it('a failed call is reported for the newest text only, and the runner goes on', async () => {
    const { calls, job } = controlled()
    const { log, on } = recorder()
    const r = new LatestRunner(job, on)
    r.submit('a')
    r.submit('b')
    calls[0].fail(new Error('stale failure'))
    await tick()
    calls[1].fail(new Error('worker stopped'))
    await tick()
    r.submit('c')
    calls[2].finish('C')
    await tick()
    expect(log).toEqual(['start a', 'start b', 'error worker stopped for b', 'idle', 'start c', 'result C for c', 'idle'])
  })
})

describe('LatestRunner with a host that supersedes: the newest text starts at once', () => {
  it('a newer input starts while the older call runs; the older answer (cancelled by the host) is dropped', async () => {
    const { calls, job } = controlled()
    const { log, on } = recorder()
    const r = new LatestRunner(job, on, { supersedes: true })
    r.submit('a')
    r.submit('ab')
    // not queued behind 'a': the host cancels 'a' when 'ab' arrives
    expect(calls.map((c) => c.input)).toEqual(['a', 'ab'])
    calls[0].fail(new Error('analyze: superseded by a newer call'))
    await tick()
    expect(log).toEqual(['start a', 'start ab'])
    expect(r.busy).toBe(true)
    calls[1].finish('AB')
    await tick()
    expect(log).toEqual(['start a', 'start ab', 'result AB for ab', 'idle'])
    expect(r.busy).toBe(false)
  })

  it('an older call that answers after the newest is not shown; idle only when none is in flight', async () => {
    const { calls, job } = controlled()
    const { log, on } = recorder()
    const r = new LatestRunner(job, on, { supersedes: true })
    r.submit('a')
    r.submit('ab')
    calls[1].finish('AB')
    await tick()
    expect(log).toEqual(['start a', 'start ab', 'result AB for ab'])
    calls[0].finish('A')
    await tick()
    expect(log).toEqual(['start a', 'start ab', 'result AB for ab', 'idle'])
    r.submit('abc')
    calls[2].fail(new Error('engine stopped'))
    await tick()
    expect(log.slice(-3)).toEqual(['start abc', 'error engine stopped for abc', 'idle'])
  })
})
