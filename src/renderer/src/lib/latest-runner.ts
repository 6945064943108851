// Re-analysis while the user types: the engine runs for the newest text only. A result is
// delivered only when no newer text arrived while it was computed; the last delivered
// result stays on screen until then ("an edit never loses the last good result").
//
// Two ways to keep stale analyses from queueing behind a slow (large) scenario:
// - by default at most one call is in flight; texts that arrive meanwhile replace each
//   other and only the newest runs next;
// - `supersedes`: the host cancels an older call when a newer one of the same document
//   starts (the browser host's shim aborts its fetch, Electron's main cancels the older
//   IPC call; the engine stops it), so the newest text starts at once instead of waiting
//   for an older analysis that can take seconds; the older call's answer (cancelled) is
//   dropped.

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

export interface LatestRunnerOptions {
  /** the job's host cancels the older call when a newer one starts: start each newest input at once */
  supersedes?: boolean
}

export class LatestRunner<I, R> {
  private running = false
  private waiting: { input: I } | null = null
  /** supersedes: calls in flight, and the number of the newest */
  private inFlight = 0
  private newest = 0

  constructor(
    private readonly job: (input: I) => Promise<R>,
    private readonly on: LatestRunnerEvents<I, R>,
    private readonly opts: LatestRunnerOptions = {}
  ) {}

  /** true from the first start until idle */
  get busy(): boolean {
    return this.running
  }

  submit(input: I): void {
    if (this.opts.supersedes) return this.startNow(input)
    this.waiting = { input }
    if (!this.running) void this.pump()
  }

  private startNow(input: I): void {
    const n = ++this.newest
    this.inFlight++
    this.running = true
    this.on.start(input)
    let call: Promise<R>
    try {
      call = this.job(input)
    } catch (e) {
      call = Promise.reject(e)
    }
    call
      .then(
        (r) => {
          if (n === this.newest) this.on.result(r, input)
        },
        (e: unknown) => {
          if (n === this.newest) this.on.error(e, input)
        }
      )
      .finally(() => {
        if (--this.inFlight > 0) return
        this.running = false
        this.on.idle()
      })
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
