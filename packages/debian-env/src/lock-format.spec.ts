import { describe, expect, it } from 'vitest';
import { parseLock, serializeLock } from './lock-format';
import type { DebianLock, LockedPackage } from './types';

const pkg = (name: string, version = '1.0-1', architecture = 'amd64'): LockedPackage => ({ name, version, architecture, sha256: 'a'.repeat(64), size: 1234 });

/** A lock builder: a valid lock, with whatever the test changes. */
function aLock(overrides: Partial<DebianLock> = {}): DebianLock {
  return {
    version: 1, kind: 'debian-lock', suite: 'bookworm', request: ['python3'],
    sources: [{ uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main'] }],
    platforms: {
      'debian-amd64': { architecture: 'amd64', snapshot: { bookworm: '2026-07-11T10:16:37Z' }, packages: [pkg('python3', '3.11.2-1+b1'), pkg('libc6', '2.36-9+deb12u14'), pkg('tzdata', '2025b-0+deb12u2', 'all'), pkg('bsdutils', '1:2.38.1-5+deb12u3')] },
    },
    ...overrides,
  };
}

describe('lock format', () => {
  it('writes the canonical form: fixed key order, sorted packages, one package per line', () => {
    const text = serializeLock(aLock());
    expect(text).toMatchInlineSnapshot(`
      "{
        "version": 1,
        "kind": "debian-lock",
        "suite": "bookworm",
        "request": ["python3"],
        "sources": [
          {"uri": "http://deb.debian.org/debian", "suite": "bookworm", "components": ["main"]}
        ],
        "platforms": {
          "debian-amd64": {
            "architecture": "amd64",
            "snapshot": {"bookworm": "2026-07-11T10:16:37Z"},
            "packages": [
              {"name": "bsdutils", "version": "1:2.38.1-5+deb12u3", "architecture": "amd64", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "size": 1234},
              {"name": "libc6", "version": "2.36-9+deb12u14", "architecture": "amd64", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "size": 1234},
              {"name": "python3", "version": "3.11.2-1+b1", "architecture": "amd64", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "size": 1234},
              {"name": "tzdata", "version": "2025b-0+deb12u2", "architecture": "all", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "size": 1234}
            ]
          }
        }
      }
      "
    `);
  });

  it('round-trips, and serializing the parsed text gives the same bytes', () => {
    const text = serializeLock(aLock());
    const parsed = parseLock(text);
    expect(serializeLock(parsed)).toBe(text);
    expect(parsed.platforms['debian-amd64'].packages.map((p) => p.name)).toEqual(['bsdutils', 'libc6', 'python3', 'tzdata']);
  });

  it('sorts platforms and requests, whatever order they came in', () => {
    const lock = aLock({ request: ['b1', 'a1'] });
    lock.platforms = { 'debian-arm64': { ...lock.platforms['debian-amd64'], architecture: 'arm64', packages: [pkg('x1', '1', 'arm64')] }, ...lock.platforms };
    const text = serializeLock(lock);
    expect(text.indexOf('"debian-amd64"')).toBeLessThan(text.indexOf('"debian-arm64"'));
    expect(text).toContain('"request": ["a1", "b1"]');
  });

  const mutate = (change: (doc: any) => void) => {
    const doc = JSON.parse(serializeLock(aLock()));
    change(doc);
    return JSON.stringify(doc);
  };
  it.each([
    ['not json', () => '{', 'not valid JSON'],
    ['another kind', () => mutate((d) => { d.kind = 'npm-lock'; }), '"kind" must be "debian-lock"'],
    ['a newer version', () => mutate((d) => { d.version = 2; }), 'reads version 1 only'],
    ['no version', () => mutate((d) => { delete d.version; }), '"version" is undefined'],
    ['a bad suite', () => mutate((d) => { d.suite = 'Bookworm!'; }), '"suite"'],
    ['an unknown platform', () => mutate((d) => { d.platforms['windows-amd64'] = d.platforms['debian-amd64']; }), 'not a Debian platform'],
    ['a prototype key as platform', () => '{"version":1,"kind":"debian-lock","suite":"bookworm","request":[],"sources":[{"uri":"http://x","suite":"bookworm","components":["main"]}],"platforms":{"__proto__":{}}}', 'not a Debian platform'],
    ['a short sha256', () => mutate((d) => { d.platforms['debian-amd64'].packages[0].sha256 = 'abc'; }), 'sha256 of bsdutils must be 64'],
    ['an uppercase sha256', () => mutate((d) => { d.platforms['debian-amd64'].packages[0].sha256 = 'A'.repeat(64); }), 'sha256 of bsdutils'],
    ['a package of another architecture', () => mutate((d) => { d.platforms['debian-amd64'].packages[0].architecture = 'arm64'; }), 'is arm64, but the platform is amd64'],
    ['a package twice', () => mutate((d) => { d.platforms['debian-amd64'].packages.push(d.platforms['debian-amd64'].packages[0]); }), 'lists bsdutils twice'],
    ['a bad version', () => mutate((d) => { d.platforms['debian-amd64'].packages[1].version = 'latest'; }), 'version of libc6 must be a Debian version'],
    ['a zero size', () => mutate((d) => { d.platforms['debian-amd64'].packages[1].size = 0; }), 'size of libc6 must be a positive'],
    ['no packages', () => mutate((d) => { d.platforms['debian-amd64'].packages = []; }), 'must be a non-empty list'],
    ['no sources', () => mutate((d) => { d.sources = []; }), '"sources" must be a non-empty list'],
    ['a source without components', () => mutate((d) => { d.sources[0].components = []; }), 'components'],
    ['a bad snapshot date', () => mutate((d) => { d.platforms['debian-amd64'].snapshot.bookworm = 'yesterday'; }), 'must be a date'],
  ])('refuses %s, naming the field and how to regenerate', (_, text, message) => {
    const fn = () => parseLock(text(), 'runtimes/x/debian.lock.json');
    expect(fn).toThrow(message);
    expect(fn).toThrow(/^runtimes\/x\/debian\.lock\.json: /);
    try {
      fn();
    } catch (err) {
      expect((err as { hint?: string }).hint).toContain('debian-env.js lock');
    }
  });
});
