import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { withInstallLock } from './install-lock';

describe('withInstallLock', () => {
  it('serialises holders of one name and lets other names through', async () => {
    const dir = await testdir();
    const events: string[] = [];
    const hold = (name: string, id: string) => withInstallLock(dir, name, async () => {
      events.push(`${id} in`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${id} out`);
    });
    await Promise.all([hold('py', 'a'), hold('py', 'b'), hold('node', 'c')]);
    const a = events.indexOf('a in');
    const b = events.indexOf('b in');
    const [first, second] = a < b ? ['a', 'b'] : ['b', 'a'];
    expect(events.indexOf(`${first} out`)).toBeLessThan(events.indexOf(`${second} in`));
    expect(events.indexOf('c in')).toBeLessThan(events.indexOf(`${first} out`));
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = await testdir();
    const finished = execa('true');
    const pid = finished.pid!;
    await finished;
    await writeFile(join(dir, '.lock-py.lock'), `${pid} ${hostname()}`);
    await expect(withInstallLock(dir, 'py', async () => 'ran', { timeoutMs: 2000 })).resolves.toBe('ran');
  });

  it('waits for a live holder and gives up with a clear error', async () => {
    const dir = await testdir();
    await writeFile(join(dir, '.lock-py.lock'), `${process.pid} ${hostname()}`);
    await expect(withInstallLock(dir, 'py', async () => 'ran', { timeoutMs: 300 })).rejects.toThrowError(/another runway process holds .*\.lock-py/);
  });
});
