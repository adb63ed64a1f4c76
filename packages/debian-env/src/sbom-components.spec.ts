import { describe, expect, it } from 'vitest';
import { debianPurl, lockComponents, lockPurls } from './sbom-components';
import type { DebianLock } from './types';

const lock: DebianLock = {
  version: 1, kind: 'debian-lock', suite: 'bookworm', request: ['python3-numpy'],
  sources: [{ uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main'] }],
  platforms: { 'debian-amd64': { architecture: 'amd64', snapshot: {}, packages: [
    { name: 'libstdc++6', version: '12.2.0-14+deb12u1', architecture: 'amd64', sha256: 'a'.repeat(64), size: 10 },
    { name: 'python3-numpy', version: '1:1.24.2-1+deb12u1', architecture: 'amd64', sha256: 'b'.repeat(64), size: 20 },
    { name: 'tzdata', version: '2025b-0+deb12u2', architecture: 'all', sha256: 'c'.repeat(64), size: 30 },
  ] } },
};

describe('SBOM input from the lock', () => {
  it.each([
    [{ name: 'curl', version: '7.88.1-10+deb12u14', architecture: 'amd64' }, 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u14?arch=amd64'],
    [{ name: 'libstdc++6', version: '12.2.0-14', architecture: 'arm64' }, 'pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=arm64'],
    [{ name: 'python3-numpy', version: '1:1.24.2-1+deb12u1', architecture: 'amd64' }, 'pkg:deb/debian/python3-numpy@1%3A1.24.2-1%2Bdeb12u1?arch=amd64'],
    [{ name: 'tzdata', version: '2025b-0+deb12u2', architecture: 'all' }, 'pkg:deb/debian/tzdata@2025b-0%2Bdeb12u2?arch=all'],
  ])('%j → %s', (pkg, purl) => {
    expect(debianPurl(pkg)).toBe(purl);
  });

  it('lists every package with its purl and the sha256 of its .deb', () => {
    expect(lockPurls(lock, 'debian-amd64')).toHaveLength(3);
    expect(lockComponents(lock, 'debian-amd64')[1]).toEqual({
      type: 'library', 'bom-ref': 'pkg:deb/debian/python3-numpy@1%3A1.24.2-1%2Bdeb12u1?arch=amd64', group: 'debian',
      name: 'python3-numpy', version: '1:1.24.2-1+deb12u1', purl: 'pkg:deb/debian/python3-numpy@1%3A1.24.2-1%2Bdeb12u1?arch=amd64',
      hashes: [{ alg: 'SHA-256', content: 'b'.repeat(64) }],
      properties: [{ name: 'runway:deb-size', value: '20' }, { name: 'runway:debian-suite', value: 'bookworm' }],
    });
    expect(() => lockPurls(lock, 'debian-arm64')).toThrow('no debian-arm64 entry');
  });
});
