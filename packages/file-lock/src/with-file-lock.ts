import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { TransientError } from '@runway/errors';

export interface FileLockOptions {
  /** A lock held from another host (or without an owner line) older than this is abandoned (default 60 s). */
  staleMs?: number;
  /** Give up waiting after this long (default 120 s). */
  timeoutMs?: number;
  /** Called once when the lock is busy and the caller starts waiting (e.g. to tell the user). */
  onWait?: () => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock file's owner is gone: a dead pid on this host, or (owner unknown or elsewhere) older than `staleMs`. */
async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const [pid, host] = text.split(' ');
    // On this host the owner's pid answers for certain; age is the fallback for another host
    // sharing the directory, or a lock whose owner line was never written.
    if (host === hostname() && /^\d+$/.test(pid)) return !isAlive(Number(pid));
    return Date.now() - info.mtimeMs > staleMs;
  } catch (err) {
    // Released between our attempt and this look: not stale, just retry.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Runs `fn` while holding `<path>.lock`, an `O_EXCL` lock file carrying `<pid> <host>`. A lock left
 * behind by a killed process is detected (dead pid on this host, or older than `staleMs` when the
 * owner is on another host) and
 * broken by renaming it away, which only one waiter can win.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid} ${hostname()}`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath, staleMs)) {
        const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
        await rename(lockPath, aside).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
        await rm(aside, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new TransientError(`another runway process holds the lock ${lockPath}`, {
          hint: 'wait for it to finish and re-run; if no runway process is running, delete the lock file',
        });
      }
      if (attempt === 0) options.onWait?.();
      await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** Math.min(attempt, 4), 400) + Math.random() * 25));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
