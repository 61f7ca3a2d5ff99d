import { type Clock, systemClock } from './clock';
import { OperationTimeout, type VirtsealError } from './errors';

export interface WaitOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** First delay between polls. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of the delay between polls. Default 5,000 ms. */
  readonly maxDelayMs?: number;
  /** Growth factor of the delay. Default 1.6. */
  readonly factor?: number;
  readonly clock?: Clock;
  /** What is being waited for, for the timeout message. */
  readonly what: string;
  /** Build the error thrown on timeout; defaults to OperationTimeout. */
  readonly onTimeout?: (elapsedMs: number) => VirtsealError;
}

/**
 * Poll `probe` with exponential backoff until it returns a value other than `undefined`, or time runs out.
 * No fixed sleeps: the first poll happens at once.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  let delay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const factor = options.factor ?? 1.6;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const elapsed = clock.now() - start;
    const left = options.timeoutMs - elapsed;
    if (left <= 0) {
      throw (
        options.onTimeout?.(elapsed) ??
        new OperationTimeout(`timed out after ${Math.round(elapsed / 1000)} s waiting for ${options.what}`)
      );
    }
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(maxDelay, delay * factor);
  }
}
