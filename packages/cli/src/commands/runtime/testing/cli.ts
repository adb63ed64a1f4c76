import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@runway/test-utils';

const RUNWAY = join(REPO_ROOT, 'node_modules', '.bin', 'runway');

/** Runs the real CLI binary with a private HOME, cache, config, state and runtimes folder under `home`. */
export async function runway(args: string[], home: string, extra: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa(RUNWAY, args, {
    reject: false,
    cwd: extra.cwd,
    env: { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml'), RUNWAY_RUNTIMES_DIR: join(home, 'runtimes'), CI: '1', PATH: process.env.PATH, ...extra.env },
    extendEnv: false,
  });
}
