import { join } from 'node:path';
import { withFileLock } from '@runway/file-lock';

export interface LockOptions {
  /** Give up after this long (default 10 minutes: a setup script may take a while). */
  timeoutMs?: number;
  onWait?: () => void;
}

/**
 * Runs `fn` holding the per-runtime lock `<dir>/.lock-<name>.lock`, so two installs or removals
 * of one runtime never interleave. A live holder is waited for (a setup script may run for
 * minutes); a holder that died is taken over at once.
 */
export function withInstallLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  return withFileLock(join(dir, `.lock-${name}`), fn, { timeoutMs: opts.timeoutMs ?? 10 * 60_000, onWait: opts.onWait });
}
