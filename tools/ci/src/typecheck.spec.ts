import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@runway/test-utils';

// Code runs through swc, which strips types without checking them: this is where they are checked.
describe('typescript', () => {
  it('type-checks the whole workspace', async () => {
    const r = await execa(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: REPO_ROOT, reject: false, all: true });
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  }, 300_000);
});
