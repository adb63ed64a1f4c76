import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TransientError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { withFileLock } from './with-file-lock';

describe('withFileLock', () => {
  it('breaks a lock left by a dead process', async () => {
    const dir = await testdir();
    const path = join(dir, 'registry.json');
    // pid 2^22+1 is above Linux's pid_max default, so no live process has it.
    await writeFile(`${path}.lock`, `4194305 ${hostname()}`);
    expect(await withFileLock(path, async () => 'ran', { timeoutMs: 2_000 })).toBe('ran');
  });

  it('serialises concurrent holders', async () => {
    const dir = await testdir();
    const path = join(dir, 'registry.json');
    let inside = 0;
    let overlap = false;
    await Promise.all(Array.from({ length: 8 }, () => withFileLock(path, async () => {
      inside++;
      overlap ||= inside > 1;
      await new Promise((r) => setTimeout(r, 5));
      inside--;
    })));
    expect(overlap).toBe(false);
  });

  it('waits for a live holder, tells the caller once, and gives up with a clear error', async () => {
    const dir = await testdir();
    const path = join(dir, 'registry.json');
    await writeFile(`${path}.lock`, `${process.pid} ${hostname()}`);
    let waits = 0;
    const attempt = withFileLock(path, async () => 'ran', { timeoutMs: 300, onWait: () => waits++ });
    await expect(attempt).rejects.toThrow(TransientError);
    await expect(attempt).rejects.toThrow(/another runway process holds the lock .*registry\.json\.lock/);
    expect(waits).toBe(1);
  });

  it('releases the lock when the work fails', async () => {
    const dir = await testdir();
    const path = join(dir, 'x');
    await expect(withFileLock(path, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await withFileLock(path, async () => 'again', { timeoutMs: 500 })).toBe('again');
  });
});
