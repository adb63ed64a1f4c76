import { describe, expect, it } from 'vitest';
import { assertLockFits, compareInstalled, debFileName, describeDifference, lockProblems, parseDpkgQuery } from './check-lock';
import type { DebianLock, EnvironmentDefinition, LockedPackage } from './types';

const pkg = (name: string, version: string, architecture = 'amd64'): LockedPackage => ({ name, version, architecture, sha256: '0'.repeat(64), size: 1 });
const lock: DebianLock = {
  version: 1, kind: 'debian-lock', suite: 'bookworm', request: ['nodejs'],
  sources: [{ uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main'] }],
  platforms: { 'debian-amd64': { architecture: 'amd64', snapshot: {}, packages: [pkg('nodejs', '18.20.4+dfsg-1~deb12u3'), pkg('libc6', '2.36-9+deb12u14')] } },
};
const definition: EnvironmentDefinition = { name: 'node-18', version: '1.0.0', description: '', platforms: ['debian-amd64', 'debian-arm64'], suite: 'bookworm', packages: ['nodejs'], environment: {}, mounts: [] };

describe('lock against manifest', () => {
  it.each([
    [definition, 'debian-amd64', []],
    [{ ...definition, suite: 'trixie' }, 'debian-amd64', ['the lock is for suite "bookworm" but the manifest asks for "trixie"']],
    [{ ...definition, packages: ['nodejs', 'npm'] }, 'debian-amd64', ['the manifest added npm']],
    [{ ...definition, packages: [] }, 'debian-amd64', ['the manifest removed nodejs']],
    [definition, 'debian-arm64', ['the lock has no debian-arm64 entry (it has debian-amd64)']],
  ] as const)('%#: %j', (def, platform, problems) => {
    expect(lockProblems(lock, def as EnvironmentDefinition, platform)).toEqual(problems);
  });

  it('throws a UserError naming the lock and the refresh command', () => {
    expect(() => assertLockFits(lock, { ...definition, packages: ['npm'] }, 'debian-amd64', 'runtimes/node-18/debian.lock.json'))
      .toThrow(/runtimes\/node-18\/debian\.lock\.json is out of date with node-18's manifest: the manifest added npm; the manifest removed nodejs/);
    expect(() => assertLockFits(lock, definition, 'debian-amd64', 'x')).not.toThrow();
  });
});

describe('installed against locked', () => {
  const query = 'ii \tnodejs\t18.20.4+dfsg-1~deb12u3\tamd64\nii \tlibc6\t2.36-9+deb12u14\tamd64\n';

  it('parses dpkg-query output', () => {
    expect(parseDpkgQuery(`${query}rc \told\t1\tamd64\n\n`)).toEqual([
      { status: 'ii', name: 'nodejs', version: '18.20.4+dfsg-1~deb12u3', architecture: 'amd64' },
      { status: 'ii', name: 'libc6', version: '2.36-9+deb12u14', architecture: 'amd64' },
      { status: 'rc', name: 'old', version: '1', architecture: 'amd64' },
    ]);
  });

  it('finds nothing when the environment is exactly the lock (removed packages do not count)', () => {
    const diff = compareInstalled(lock.platforms['debian-amd64'].packages, parseDpkgQuery(`${query}rc \told\t1\tamd64\n`));
    expect(diff).toEqual({ missing: [], changed: [], unexpected: [] });
    expect(describeDifference(diff)).toBe('');
  });

  it('names missing, changed and unexpected packages', () => {
    const diff = compareInstalled(lock.platforms['debian-amd64'].packages, parseDpkgQuery('ii \tlibc6\t2.36-9+deb12u15\tamd64\niU \tnodejs\t18.20.4+dfsg-1~deb12u3\tamd64\nii \tnpm\t9.2.0\tall\n'));
    expect(describeDifference(diff)).toBe('nodejs=18.20.4+dfsg-1~deb12u3 was not installed; libc6 is 2.36-9+deb12u15 (amd64), locked 2.36-9+deb12u14 (amd64); npm=9.2.0 is installed but not locked');
  });

  it.each([
    [pkg('bsdutils', '1:2.38.1-5+deb12u3'), 'bsdutils_1%3a2.38.1-5+deb12u3_amd64.deb'],
    [pkg('tzdata', '2025b-0+deb12u2', 'all'), 'tzdata_2025b-0+deb12u2_all.deb'],
    [pkg('libstdc++6', '12.2.0-14+deb12u1'), 'libstdc++6_12.2.0-14+deb12u1_amd64.deb'],
  ])('names the .deb of %j like apt does', (p, name) => {
    expect(debFileName(p)).toBe(name);
  });
});
