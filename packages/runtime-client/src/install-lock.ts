import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '@runway/errors';

export interface LockOptions {
  /** Give up after this long (default 10 minutes: a setup script may take a while). */
  timeoutMs?: number;
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

/** A lock is stale when its owner on this host is gone, or when it has no owner file after a minute (crash right after mkdir). */
async function isStale(lock: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(join(lock, 'owner.json'), 'utf8')) as { pid: number; host: string };
    return owner.host === hostname() && !isAlive(owner.pid);
  } catch {
    const info = await stat(lock).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 60_000;
  }
}

/**
 * Runs `fn` holding the per-runtime lock `<dir>/.lock-<name>` (an atomic `mkdir`), so two installs
 * or removals of one runtime never interleave. Waits for a live holder; takes over a stale one.
 */
export async function withInstallLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = join(dir, `.lock-${name}`);
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  let waited = false;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lock)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(`another runway process holds ${lock}`, { hint: 'wait for it to finish; if none is running, remove that folder' });
    }
    if (!waited) opts.onWait?.();
    waited = true;
    await delay(50 + Math.random() * 100);
  }
  try {
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
