import { describe, expect, it } from 'vitest';
import { readManifestVersion, setManifestVersion } from './manifest-version';

describe('setManifestVersion', () => {
  it.each([
    ['name: a\nversion: 1.0.0\n', 'name: a\nversion: 1.0.1\n'],
    ['name: a\nversion: "1.0.0" # quoted\n', 'name: a\nversion: "1.0.1" # quoted\n'],
    ["# head\nversion: '1.0.0'\n\nplatforms:\n  - ubuntu-amd64 # x\n", "# head\nversion: '1.0.1'\n\nplatforms:\n  - ubuntu-amd64 # x\n"],
    ['name: a\nversion:   1.0.0   \ndescription: "version: 1.0.0"\n', 'name: a\nversion:   1.0.1   \ndescription: "version: 1.0.0"\n'],
  ])('changes only the version value in %j', (before, after) => {
    expect(setManifestVersion(before, '1.0.1')).toBe(after);
    expect(readManifestVersion(after)).toBe('1.0.1');
  });

  it('names the file and position of malformed YAML', () => {
    expect(() => setManifestVersion('name: a\nversion: [1\n', '1.0.1', 'runtimes/a/manifest.yaml')).toThrow(/^runtimes\/a\/manifest\.yaml:\d+:\d+: malformed YAML/);
  });

  it('refuses a manifest without a version scalar', () => {
    expect(() => readManifestVersion('name: a\n', 'm.yaml')).toThrow('m.yaml: no top-level "version:" scalar');
  });
});
