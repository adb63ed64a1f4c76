import { describe, expect, it } from 'vitest';
import { checkInstallTarget, installFolder, parseInstallFolder } from './install-paths';

describe('installFolder: name@version → folder', () => {
  it.each([
    ['python-3.11', '1.3.1', 'python-3.11-1.3.1'],
    ['py', '1.0.0-rc.1', 'py-1.0.0-rc.1'],
    // These two spell the same Joblet folder "py-1.0.0-1.0.0": the plain version keeps it, the
    // prerelease (which could be read either way) moves to the unambiguous "@" form.
    ['py-1.0.0', '1.0.0', 'py-1.0.0-1.0.0'],
    ['py', '1.0.0-1.0.0', 'py@1.0.0-1.0.0'],
    ['a-1', '0.0.0-x', 'a-1-0.0.0-x'],
    ['a', '1.0.0-2.0.0-rc', 'a@1.0.0-2.0.0-rc'],
  ])('%s@%s → %s', (name, version, folder) => {
    expect(installFolder(name, version)).toBe(folder);
    expect(parseInstallFolder(folder)).toEqual({ name, version });
  });

  it('never maps two name/version pairs to one folder', () => {
    const names = ['py', 'py-1', 'py-1.0', 'py-1.0.0', 'py-1.0.0-1', 'py-1.0.0-1.0.0', 'py-1.0.0-rc', 'py-rc', 'py-rc.1', 'py-0.0.0', '1', '1.0.0'];
    const versions = ['1.0.0', '0.0.0', '1.0.0-1', '1.0.0-1.0.0', '1.0.0-rc', '1.0.0-rc.1', '0.0.0-1.0.0-1.0.0', '1.0.0-0.0.0-rc', '1.0.0-py-1.0.0', '1.0.0-x-1.0.0'];
    const seen = new Map<string, string>();
    for (const name of names) {
      for (const version of versions) {
        const folder = installFolder(name, version);
        expect(seen.get(folder), `${name}@${version} and ${seen.get(folder)} share ${folder}`).toBeUndefined();
        seen.set(folder, `${name}@${version}`);
        expect(parseInstallFolder(folder)).toEqual({ name, version });
      }
    }
  });

  it.each(['.staging-py@1.0.0-x', '.lock-py', 'py', 'py-', 'py-1.0', 'py@', 'py-1.0.0-1.0.0x@', 'Py-1.0.0', 'py@1.0.0@1.0.0'])(
    '%s is no install folder', (folder) => expect(parseInstallFolder(folder)).toBeUndefined());
});

describe('checkInstallTarget', () => {
  it.each([
    ['../py', '1.0.0', /not a valid runtime name/],
    ['py', '../../etc', /not a valid runtime version/],
    ['n'.repeat(129), '1.0.0', /^"n{80}…" is not a valid runtime name/],
    ['py', `1.0.0-${'a'.repeat(59)}`, /not a valid runtime version/],
    ['py', '1.0.0+build', /not a valid runtime version/],
    ['py\x1b[2J', '1.0.0', /^"py\\x1b\[2J" is not a valid runtime name/],
    [`${'\x1b'.repeat(5000)}`, '1.0.0', /^"(\\x1b){80}…" is not a valid runtime name/],
  ])('refuses %j@%j', (name, version, message) => expect(() => checkInstallTarget(name, version)).toThrowError(message));
});
