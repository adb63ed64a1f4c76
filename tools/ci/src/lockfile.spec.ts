import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@runway/test-utils';

interface LockEntry { version?: string; integrity?: string; link?: boolean; optionalDependencies?: Record<string, string> }
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const installed = Object.entries(lock.packages).filter(([path, entry]) => path.includes('node_modules/') && !entry.link);

/** Is `dep` in the lock where Node would find it from `path`: the nearest node_modules upwards? */
function resolvable(path: string, dep: string): boolean {
  for (let from = path; ; from = from.slice(0, Math.max(0, from.lastIndexOf('/node_modules/')))) {
    if (`${from ? `${from}/` : ''}node_modules/${dep}` in lock.packages) return true;
    if (from === '') return false;
  }
}

describe('package-lock.json', () => {
  it('is written by npm 7+ (lockfile v3)', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  // npm ci verifies every download against its integrity; an entry without one would install
  // unverified bytes on the platform it is for. npm records them itself: see the README.
  it('has an integrity for every package, so npm ci verifies what it installs', () => {
    expect(installed.length).toBeGreaterThan(100);
    expect(installed.filter(([, entry]) => !entry.integrity?.startsWith('sha512-') || !entry.version).map(([path]) => path)).toEqual([]);
  });

  it('lists every optional (per-platform) package, so npm ci works on every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolvable(path, dep)) missing.push(`${path || '(root)'} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
