import { TransientError } from './errors';

export interface RetryOptions {
  /** Total tries including the first (default 3). */
  attempts?: number;
  /** First backoff; doubles each retry (default 300 ms). */
  baseDelayMs?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (err: TransientError, attempt: number) => void;
  /** How to wait; injectable so tests of callers need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one retry helper: runs `fn`, retrying only `TransientError`s with exponential backoff;
 * everything else fails fast. Libraries classify failures; only this decides to try again.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= attempts) throw err;
      options.onRetry?.(err, attempt);
      await sleep((options.baseDelayMs ?? 300) * 2 ** (attempt - 1));
    }
  }
}
