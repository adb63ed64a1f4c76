import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '@runway/registry';
import { artifactFor, chooseInstall } from './choose-artifact';
import { platformsFrom } from './host-platform';

const sum = (c: string) => `sha256:${c.repeat(64)}`;
/** A version whose source package lists `platforms` and which has prebuilt environments for `prebuilt`. */
function entry(version: string, platforms: string[], prebuilt: string[] = [], extra: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    version, description: '', download_url: `src-${version}.tar.gz`, checksum: sum('a'), size: 1, platforms,
    ...(prebuilt.length > 0 && { prebuilt: Object.fromEntries(prebuilt.map((p) => [p, { download_url: `py-${version}-${p}.tar.gz`, checksum: sum('b'), size: 2 }])) }),
    ...extra,
  };
}
const versions = (...entries: RegistryEntry[]) => Object.fromEntries(entries.map((e) => [e.version, e]));

const DEBIAN_12_AMD64 = platformsFrom('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n', 'x64');
const UBUNTU_AMD64 = platformsFrom('NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n', 'x64');

describe('artifactFor (which file a machine installs of one version)', () => {
  const both = entry('1.0.0', ['debian-amd64', 'ubuntu-amd64', 'ubuntu-arm64'], ['debian-amd64', 'debian-arm64']);
  it.each([
    ['Debian 12 amd64: its prebuilt environment', DEBIAN_12_AMD64, false, { kind: 'prebuilt', platform: 'debian-amd64', download_url: 'py-1.0.0-debian-amd64.tar.gz' }],
    ['Debian 12 amd64 with --source: the source package', DEBIAN_12_AMD64, true, { kind: 'source', platform: 'debian-amd64', download_url: 'src-1.0.0.tar.gz' }],
    ['Ubuntu amd64 (ID before ID_LIKE): its own source package', UBUNTU_AMD64, false, { kind: 'source', platform: 'ubuntu-amd64' }],
    ['--platform debian-arm64: that prebuilt environment', ['debian-arm64'], false, { kind: 'prebuilt', platform: 'debian-arm64' }],
    ['--platform debian-arm64 --source: nothing (the source package does not list it)', ['debian-arm64'], true, undefined],
    ['an unknown platform: nothing', ['fedora-amd64'], false, undefined],
  ])('%s', (_, platforms, sourceOnly, expected) => {
    const got = artifactFor(both, 'py', { platforms, sourceOnly });
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(expected);
  });

  it('takes a prebuilt environment even when the source package does not list the platform', () => {
    expect(artifactFor(entry('1.0.0', ['ubuntu-amd64'], ['debian-amd64']), 'py', { platforms: DEBIAN_12_AMD64 })).toMatchObject({ kind: 'prebuilt', checksum: sum('b'), size: 2 });
  });

  it.each([
    ['a checksum that is not sha256', { download_url: 'x', checksum: 'md5:00', size: 1 }],
    ['a negative size', { download_url: 'x', checksum: sum('b'), size: -1 }],
    ['no download_url', { checksum: sum('b'), size: 1 }],
    ['not an object', 'x'],
  ])('refuses a malformed prebuilt artifact (%s) instead of quietly taking the source package', (_, artifact) => {
    const bad = entry('1.0.0', ['debian-amd64'], [], { prebuilt: { 'debian-amd64': artifact } as never });
    expect(() => artifactFor(bad, 'py', { platforms: DEBIAN_12_AMD64 })).toThrowError(/py@1\.0\.0 lists a malformed prebuilt artifact for debian-amd64/);
  });

  it('never reads prototype keys as platforms', () => {
    expect(artifactFor(entry('1.0.0', [], ['debian-amd64']), 'py', { platforms: ['constructor', '__proto__'] })).toBeUndefined();
  });
});

describe('chooseInstall (the version and artifact install takes)', () => {
  it('latest is the highest stable version this machine can install: prebuilt for Debian, even when a newer one is source-only for Ubuntu', () => {
    const v = versions(entry('1.0.0', ['ubuntu-amd64'], ['debian-amd64']), entry('1.1.0', ['ubuntu-amd64']), entry('1.2.0-rc.1', ['ubuntu-amd64'], ['debian-amd64']));
    expect(chooseInstall('py', v, 'latest', { platforms: DEBIAN_12_AMD64 })).toMatchObject({ entry: { version: '1.0.0' }, artifact: { kind: 'prebuilt', platform: 'debian-amd64' } });
    expect(chooseInstall('py', v, 'latest', { platforms: UBUNTU_AMD64 })).toMatchObject({ entry: { version: '1.1.0' }, artifact: { kind: 'source', platform: 'ubuntu-amd64' } });
  });

  it('on a Debian host, only suggests versions that install there (the issue-8 leftover)', () => {
    // 1.0.0 lists debian-amd64 but is deprecated; 2.0.0 is stable but Ubuntu-only; 2.1.0-rc.1 has a Debian prebuilt.
    const v = versions(entry('1.0.0', ['debian-amd64'], [], { deprecated: true }), entry('2.0.0', ['ubuntu-amd64']), entry('2.1.0-rc.1', ['ubuntu-amd64'], ['debian-amd64']));
    const refusal = (() => { try { chooseInstall('python-3.11', v, 'latest', { platforms: DEBIAN_12_AMD64 }); } catch (err) { return err as Error & { hint: string }; } })();
    expect(refusal?.message).toBe('python-3.11 has no stable, non-deprecated version for debian-amd64');
    expect(refusal?.hint).toBe('pick one explicitly with python-3.11@<version>; versions that install on debian-amd64: 1.0.0 (deprecated), 2.1.0-rc.1');
    // Every version it names installs on this host; the one it leaves out does not.
    expect(chooseInstall('python-3.11', v, '1.0.0', { platforms: DEBIAN_12_AMD64 }).artifact).toMatchObject({ kind: 'source', platform: 'debian-amd64' });
    expect(chooseInstall('python-3.11', v, '2.1.0-rc.1', { platforms: DEBIAN_12_AMD64 }).artifact).toMatchObject({ kind: 'prebuilt', platform: 'debian-amd64' });
    expect(() => chooseInstall('python-3.11', v, '2.0.0', { platforms: DEBIAN_12_AMD64 })).toThrowError(expect.objectContaining({
      message: 'python-3.11@2.0.0 cannot be installed on debian-amd64: its source package supports ubuntu-amd64',
      hint: 'to install it anyway, name a supported platform: --platform ubuntu-amd64',
    }));
  });

  it('with no version for this machine, lists what exists (prebuilt marked) and the --platform that works', () => {
    const v = versions(entry('1.0.0', ['ubuntu-amd64'], ['debian-arm64']));
    expect(() => chooseInstall('py', v, 'latest', { platforms: DEBIAN_12_AMD64 })).toThrowError(
      expect.objectContaining({ message: 'py has no version for debian-amd64; its versions support debian-arm64 prebuilt (1.0.0), ubuntu-amd64 (1.0.0)', hint: 'to install it anyway, name a supported platform: --platform debian-arm64' }),
    );
  });

  it('--source on a host with only a prebuilt environment says to drop --source', () => {
    const v = versions(entry('1.0.0', ['ubuntu-amd64'], ['debian-amd64']));
    expect(() => chooseInstall('py', v, 'latest', { platforms: DEBIAN_12_AMD64, sourceOnly: true })).toThrowError(
      expect.objectContaining({ message: 'py has no version for debian-amd64 as a source package; its versions support ubuntu-amd64 (1.0.0)', hint: 'drop --source: a prebuilt environment exists for this platform' }),
    );
    expect(() => chooseInstall('py', v, '1.0.0', { platforms: DEBIAN_12_AMD64, sourceOnly: true })).toThrowError(expect.objectContaining({ hint: 'drop --source: a prebuilt environment exists for this platform' }));
  });

  it('an unknown exact version lists the versions', () => {
    expect(() => chooseInstall('py', versions(entry('1.0.0', ['debian-amd64'])), '9.9.9', { platforms: DEBIAN_12_AMD64 })).toThrowError(expect.objectContaining({ message: 'py@9.9.9 is not in the registry', hint: 'available versions: 1.0.0' }));
  });
});
