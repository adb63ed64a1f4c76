import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { addEntry, deprecateEntry, emptyRegistry } from './edit-registry';
import { resolveVersion } from './resolve-version';
import { serializeRegistry } from './serialize-registry';
import type { Registry, RegistryEntry } from './types';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-02-01T12:30:00.123Z');

function anEntry(version: string, extra: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    version,
    description: 'test runtime',
    download_url: `releases/download/py@${version}/py-${version}.tar.gz`,
    checksum: `sha256:${version.replace(/\D/g, '').padEnd(64, 'a')}`,
    size: 100,
    platforms: ['ubuntu-amd64', 'debian-amd64'],
    ...extra,
  };
}

function withVersions(...versions: Array<string | RegistryEntry>): Registry {
  return versions.reduce<Registry>((r, v) => addEntry(r, 'py', typeof v === 'string' ? anEntry(v) : v, T0).registry, emptyRegistry(T0));
}

describe('addEntry', () => {
  it('is idempotent: merge(merge(r, e), e) deep-equals merge(r, e)', () => {
    const once = addEntry(emptyRegistry(T0), 'py', anEntry('1.0.0'), T1);
    const twice = addEntry(once.registry, 'py', anEntry('1.0.0'), new Date('2030-01-01T00:00:00Z'));
    expect(once.outcome).toBe('added');
    expect(twice.outcome).toBe('unchanged');
    expect(twice.registry).toEqual(once.registry);
    expect(serializeRegistry(twice.registry)).toBe(serializeRegistry(once.registry));
  });

  it('accepts an optional sbom_url (relative or absolute) and refuses an empty one', () => {
    expect(addEntry(emptyRegistry(T0), 'py', anEntry('1.0.0', { sbom_url: 'releases/download/py@1.0.0/py-1.0.0.cdx.json' }), T1).outcome).toBe('added');
    expect(addEntry(emptyRegistry(T0), 'py', anEntry('1.0.0', { sbom_url: 'https://example.com/py-1.0.0.cdx.json' }), T1).outcome).toBe('added');
    expect(() => addEntry(emptyRegistry(T0), 'py', anEntry('1.0.0', { sbom_url: '' }), T1)).toThrow(/sbom_url/);
  });

  it('never mutates its argument and stamps updated_at on a change', () => {
    const before = emptyRegistry(T0);
    const frozen = structuredClone(before);
    const { registry } = addEntry(before, 'py', anEntry('1.0.0'), T1);
    expect(before).toEqual(frozen);
    expect(registry.updated_at).toBe('2025-02-01T12:30:00Z');
  });

  it('refuses the same version with another checksum, naming both checksums', () => {
    const r = withVersions('1.0.0');
    const other = anEntry('1.0.0', { checksum: `sha256:${'b'.repeat(64)}` });
    expect(() => addEntry(r, 'py', other, T1)).toThrowError(UserError);
    try {
      addEntry(r, 'py', other, T1);
    } catch (err) {
      expect((err as UserError).message).toContain(anEntry('1.0.0').checksum);
      expect((err as UserError).message).toContain(`sha256:${'b'.repeat(64)}`);
      expect((err as UserError).hint).toMatch(/bump "version"/);
    }
  });

  it.each([
    ['a bad name', 'Py', anEntry('1.0.0'), /not a valid runtime name/],
    ['a bad checksum', 'py', anEntry('1.0.0', { checksum: 'md5:abc' }), /checksum must be "sha256:"/],
    ['a bad version', 'py', anEntry('v1.0'), /not a semantic version/],
  ])('refuses %s', (_label, name, entry, message) => {
    expect(() => addEntry(emptyRegistry(T0), name, entry, T1)).toThrowError(message);
  });
});

describe('deprecateEntry', () => {
  it('marks instead of deleting, and repeating it changes nothing', () => {
    const r = withVersions('1.0.0', '1.1.0');
    const d = deprecateEntry(r, 'py', '1.1.0', { reason: 'broken pip', use: '1.0.0' }, T1);
    expect(d.runtimes.py['1.1.0'].deprecated).toEqual({ reason: 'broken pip', use: '1.0.0', at: '2025-02-01T12:30:00Z' });
    expect(Object.keys(d.runtimes.py)).toEqual(['1.0.0', '1.1.0']);
    expect(deprecateEntry(d, 'py', '1.1.0', { reason: 'broken pip', use: '1.0.0' }, new Date())).toBe(d);
    expect(resolveVersion(d, 'py', 'latest', {}).version).toBe('1.0.0');
  });

  it('refuses unknown versions and replacements, listing what exists', () => {
    const r = withVersions('1.0.0');
    expect(() => deprecateEntry(r, 'py', '2.0.0', {}, T1)).toThrowError(/py@2.0.0 is not in the registry/);
    expect(() => deprecateEntry(r, 'py', '1.0.0', { use: '9.9.9' }, T1)).toThrowError(/not another published version/);
  });

  it('marks a payload entry in the payloads section, leaving runtimes alone', () => {
    const r = withVersions('1.0.0');
    const payloads = { web: { '1.0.0': r.runtimes.py['1.0.0'], '1.1.0': { ...r.runtimes.py['1.0.0'], version: '1.1.0' } } };
    const d = deprecateEntry({ ...r, payloads }, 'web', '1.1.0', { reason: 'bad image', use: '1.0.0' }, T1, 'payloads');
    expect(d.payloads!.web['1.1.0'].deprecated).toEqual({ reason: 'bad image', use: '1.0.0', at: '2025-02-01T12:30:00Z' });
    expect(d.runtimes).toEqual(r.runtimes);
    expect(() => deprecateEntry(d, 'web', '1.1.0', {}, T1)).toThrowError(/runtime "web" is not in the registry/);
  });
});

describe('resolveVersion', () => {
  it('orders 1.10.0 above 1.9.0', () => {
    expect(resolveVersion(withVersions('1.9.0', '1.10.0', '1.2.0'), 'py', 'latest', {}).version).toBe('1.10.0');
  });

  it('never picks a prerelease or a deprecated version as latest', () => {
    const r = withVersions('1.0.0', '2.0.0-rc.1', anEntry('1.5.0', { deprecated: true }));
    expect(resolveVersion(r, 'py', 'latest', {}).version).toBe('1.0.0');
    expect(resolveVersion(r, 'py', '2.0.0-rc.1', {}).version).toBe('2.0.0-rc.1');
  });

  it('filters by platform', () => {
    const r = withVersions('1.0.0', anEntry('1.1.0', { platforms: ['rhel-amd64'] }));
    expect(resolveVersion(r, 'py', 'latest', { platform: 'debian-amd64' }).version).toBe('1.0.0');
    expect(resolveVersion(r, 'py', 'latest', { platform: 'rhel-amd64' }).version).toBe('1.1.0');
    expect(() => resolveVersion(r, 'py', 'latest', { platform: 'amzn-arm64' })).toThrowError(/py has no version for amzn-arm64; its versions support debian-amd64 \(1\.0\.0\), rhel-amd64 \(1\.1\.0\)/);
    expect(() => resolveVersion(r, 'py', '1.1.0', { platform: 'debian-amd64' })).toThrowError(/does not support debian-amd64/);
  });

  it('lists the available versions when nothing matches', () => {
    const r = withVersions('1.9.0', '1.10.0');
    try {
      resolveVersion(r, 'py', '3.0.0', {});
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).hint).toBe('available versions: 1.9.0, 1.10.0');
    }
    expect(() => resolveVersion(r, 'node', 'latest', {})).toThrowError(/runtime "node" is not in the registry/);
  });
});

describe('serializeRegistry', () => {
  it('sorts names and versions in semver order, keeps extras (golden file)', async () => {
    let r = withVersions('1.10.0', '1.9.0', anEntry('1.2.0', { published_at: '2025-01-01T00:00:00Z', sbom_url: 'x.cdx.json' }));
    r = addEntry(r, 'aaa', anEntry('0.1.0'), T0).registry;
    r = deprecateEntry({ ...r, _comment: 'AUTO-GENERATED' }, 'py', '1.9.0', { reason: 'CVE', use: '1.10.0' }, T1);
    const text = serializeRegistry(r);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"1.9.0"')).toBeLessThan(text.indexOf('"1.10.0"'));
    await expect(text).toMatchFileSnapshot('__golden__/registry.json');
  });
});
