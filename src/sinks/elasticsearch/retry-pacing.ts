/**
 * The pauses of the Elasticsearch sink between its attempts at a batch (docs/elasticsearch.md#failures):
 * exponential from `initial` to `max`, back to `initial` when an attempt settled documents, and `maxRetryTime`
 * without progress before it gives up. An interrupt ends a pause early.
 */

/**
 * A pause that an interrupt ends early. Its listener goes when the pause ends: left on the sink's one signal, each
 * pause of an outage added one (Node warned of a leak past 10, MaxListenersExceededWarning).
 */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    if (signal.aborted) return r();
    const onAbort = () => (clearTimeout(timer), r());
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), r()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** The pauses of one write(): make one per batch. */
export class RetryPacing {
  private delay: number;
  private failingSince: number | undefined;

  constructor(
    private readonly backoff: { initial: number; max: number },
    private readonly maxRetryTime: number,
  ) {
    this.delay = backoff.initial;
  }

  /** progress restarts the clock: max_retry_time is how long the cluster may take nothing */
  progressed(): void {
    this.failingSince = undefined;
    this.delay = this.backoff.initial;
  }

  /** ms left before the sink gives up (0 or less: give up now); the clock starts at the first failure */
  remaining(): number {
    this.failingSince ??= Date.now();
    return this.maxRetryTime - (Date.now() - this.failingSince);
  }

  /** the next pause (no longer than what `remaining` left), then a longer one next time */
  async pause(remaining: number, signal: AbortSignal): Promise<void> {
    await sleep(Math.min(this.delay, remaining), signal);
    this.delay = Math.min(this.delay * 2, this.backoff.max);
  }
}
