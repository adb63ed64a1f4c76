import { describe, expect, it } from 'vitest';
import { parseManifest } from '@runway/manifest';
import { defaultSources, sourceLine } from './apt-sources';
import { debCacheDir } from './deb-cache-dir';
import { definitionFromManifest, hasEnvironment } from './environment-definition';
import { environmentFileName, environmentLockFileName } from './artifact-names';
import { parseArgs } from './main';

const manifest = (extra: string, platforms = '[debian-amd64, debian-arm64, ubuntu-amd64]') => parseManifest(`name: node-18\nversion: 1.0.0\ndescription: Node\nplatforms: ${platforms}\n${extra}`, { file: 'm', kind: 'runtime', folderName: 'node-18' }).manifest!;

describe('environment definition', () => {
  it('comes from the manifest: prebuilt platforms, suite, packages, environment, mounts, smoke', () => {
    expect(definitionFromManifest(manifest('smoke: node -e 1\ndebian:\n  suite: bookworm\n  packages: [nodejs]\n  environment: { NODE_ENV: production }\n'))).toEqual({
      name: 'node-18', version: '1.0.0', description: 'Node', platforms: ['debian-amd64', 'debian-arm64'], suite: 'bookworm',
      packages: ['nodejs'], environment: { NODE_ENV: 'production' }, mounts: [], smoke: ['/bin/sh', '-c', 'node -e 1'],
    });
  });

  it('is refused, with an example, for a manifest without a debian section', () => {
    const plain = manifest('');
    expect(hasEnvironment(plain)).toBe(false);
    expect(() => definitionFromManifest(plain, 'runtimes/node-18/manifest.yaml')).toThrow(/runtimes\/node-18\/manifest\.yaml has no "debian:" section/);
  });

  it('exists only when a debian platform is listed', () => {
    expect(hasEnvironment(manifest('debian:\n  suite: bookworm\n  packages: [nodejs]\n', '[ubuntu-amd64]'))).toBe(false);
    expect(hasEnvironment(manifest('debian:\n  suite: bookworm\n  packages: [nodejs]\n'))).toBe(true);
  });
});

describe('small pure helpers', () => {
  it('sources: the release, -updates and -security archives', () => {
    expect(defaultSources('bookworm').map(sourceLine)).toEqual([
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
    ]);
  });

  it.each([
    [{ RUNWAY_DEB_CACHE: '/c' }, '/c'],
    [{ XDG_CACHE_HOME: '/x' }, '/x/runway/debian'],
    [{ XDG_CACHE_HOME: '' }, '/home/u/.cache/runway/debian'],
    [{}, '/home/u/.cache/runway/debian'],
  ])('deb cache dir for %j is %s', (env, dir) => {
    expect(debCacheDir(env, '/home/u')).toBe(dir);
  });

  it('artifact names', () => {
    expect(environmentFileName('node-18', '1.0.0', 'debian-amd64')).toBe('node-18-1.0.0-debian-amd64.tar.gz');
    expect(environmentLockFileName('node-18', '1.0.0', 'debian-amd64')).toBe('node-18-1.0.0-debian-amd64.lock.json');
  });

  it('command line flags', () => {
    expect(parseArgs(['runtimes/x', '--platform', 'debian-amd64', '--platform=debian-arm64', '--out', 'd'])).toEqual({
      positional: ['runtimes/x'], flags: { platform: ['debian-amd64', 'debian-arm64'], out: ['d'] },
    });
    expect(() => parseArgs(['--out'])).toThrow('--out needs a value');
  });
});
