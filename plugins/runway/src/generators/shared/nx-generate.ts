import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { REPO_ROOT, type NxWorkspace } from '@runway/test-utils';

/**
 * Test helper: runs `nx g <args> --no-interactive` in a throwaway workspace. `ws.nx` appends
 * `--outputStyle=static`, which `nx g` rejects as an unknown generator option. Never throws.
 */
export function nxGenerate(ws: NxWorkspace, args: string[]): Promise<Result> {
  return execa(join(REPO_ROOT, 'node_modules/.bin/nx'), ['g', ...args, '--no-interactive'], {
    cwd: ws.dir, env: ws.env, reject: false, all: true,
  });
}
