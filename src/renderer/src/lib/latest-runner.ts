// Re-analysis while the user types: the engine runs for the newest text only. At most one
// call is in flight; texts that arrive meanwhile replace each other and only the newest
// runs next, so a slow (large) scenario never builds a queue of stale analyses behind it.
// A result is delivered only when no newer text arrived while it was computed; the last
// delivered result stays on screen until then ("an edit never loses the last good result").

export interface LatestRunnerEvents<I, R> {
  /** a call for `input` starts */
  start(input: I): void
  /** the newest input's result */
  result(result: R, input: I): void
  /** the newest input's call failed */
  error(error: unknown, input: I): void
  /** nothing in flight and nothing waiting */
  idle(): void
}

export class LatestRunner<I, R> {
  private running = false
  private waiting: { input: I } | null = null

  constructor(
    private readonly job: (input: I) => Promise<R>,
    private readonly on: LatestRunnerEvents<I, R>
  ) {}

  /** true from the first start until idle */
  get busy(): boolean {
    return this.running
  }

  submit(input: I): void {
    this.waiting = { input }
    if (!this.running) void this.pump()
  }

  private async pump(): Promise<void> {
    this.running = true
    while (this.waiting) {
      const { input } = this.waiting
      this.waiting = null
      this.on.start(input)
      try {
        const r = await this.job(input)
        if (!this.waiting) this.on.result(r, input)
      } catch (e) {
        if (!this.waiting) this.on.error(e, input)
      }
    }
    this.running = false
    this.on.idle()
  }
}
