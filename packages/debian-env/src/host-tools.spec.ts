import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { hookFolder, requireTool, runTool, whichTool } from './host-tools';

describe('host tools', () => {
  it('names the Debian package of a missing tool', async () => {
    await expect(requireTool('no-such-tool-runway', 'test')).rejects.toMatchObject({ name: 'UserError', hint: expect.stringContaining('apt-get install no-such-tool-runway') });
    expect(await whichTool('sh')).toMatch(/\/sh$/);
  });

  it('runs a tool with an argv array and keeps its output, whatever its exit code', async () => {
    const lines: string[] = [];
    const r = await runTool('sh', ['-c', 'echo one; echo two >&2; exit 3', 'ignored $(x)'], { onLine: (l) => lines.push(l) });
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain('one\n');
    expect(lines.sort()).toEqual(['one', 'two']);
  });

  it('makes hook folders writable for the namespace root of an unprivileged build, and leaves them alone for root', async () => {
    const dir = await testdir();
    expect((await stat(await hookFolder(join(dir, 'user'), 1000))).mode & 0o7777).toBe(0o1777);
    expect((await stat(await hookFolder(join(dir, 'root'), 0))).mode & 0o7777).not.toBe(0o1777);
  });
});
