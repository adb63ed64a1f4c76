import { setTimeout as delay } from 'node:timers/promises';
import { TransientError } from '@runway/errors';

export interface RetryOptions {
  /** Total tries including the first (default 3). */
  attempts?: number;
  /** First backoff; doubles each retry (default 300 ms). */
  baseDelayMs?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (err: TransientError, attempt: number) => void;
}

/** Runs `fn`, retrying only `TransientError`s with exponential backoff; everything else fails fast. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= attempts) throw err;
      options.onRetry?.(err, attempt);
      await delay((options.baseDelayMs ?? 300) * 2 ** (attempt - 1));
    }
  }
}
