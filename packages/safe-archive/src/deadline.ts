import { TransientError, withRetry, type RetryOptions } from '@runway/errors';

/**
 * The moment by which a whole operation must be done: every request, redirect, body and retry of
 * it. An idle timeout alone lets a server that trickles one byte a second hold a client forever.
 */
export interface Deadline {
  /** Epoch milliseconds. */
  at: number;
  /** The budget it was made from, for messages. */
  ms: number;
}

/** A deadline `ms` from `now`. */
export function deadlineAfter(ms: number, now = Date.now()): Deadline {
  return { at: now + ms, ms };
}

/** "90 s" or "2 min": how long a deadline was, for messages. */
function duration(ms: number): string {
  return ms >= 120_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** The error for work cut off by its deadline: transient, since a later run may find a faster server. */
export function deadlineExceeded(what: string, deadline: Deadline): TransientError {
  return new TransientError(`${what} did not complete within ${duration(deadline.ms)}`);
}

/**
 * `withRetry` that stops retrying once `deadline` has passed, failing with the last error instead
 * of starting attempts that have no time left.
 */
export function withRetryBefore<T>(deadline: Deadline, fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return withRetry(fn, {
    ...options,
    onRetry: (err, attempt) => {
      if (Date.now() >= deadline.at) throw err;
      options.onRetry?.(err, attempt);
    },
  });
}
