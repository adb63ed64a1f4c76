import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@runway/manifest';
import { nxWorkspace, testdir } from '@runway/test-utils';
import runtimeGenerator from './generator';
import schema from './schema.json';

const manifestOf = (tree: Tree, name: string) =>
  parseManifest(tree.read(`runtimes/${name}/manifest.yaml`, 'utf8')!, { file: 'manifest.yaml', kind: 'runtime', folderName: name });
const modeOf = (tree: Tree, path: string) => tree.listChanges().find((c) => c.path === path)?.options?.mode;

describe('runtime generator (in a virtual tree)', () => {
  it('scaffolds a valid runtime with executable setup scripts', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await runtimeGenerator(tree, { name: 'foo' });
    const files = tree.listChanges().map((c) => c.path).filter((p) => p.startsWith('runtimes/')).sort();
    expect(files).toEqual([
      'runtimes/foo/README.md', 'runtimes/foo/lib/common.sh', 'runtimes/foo/lib/install.sh', 'runtimes/foo/manifest.yaml',
      'runtimes/foo/setup-ubuntu-amd64.sh', 'runtimes/foo/setup-ubuntu-arm64.sh', 'runtimes/foo/setup.sh',
    ]);
    const { manifest, errors, warnings } = manifestOf(tree, 'foo');
    expect([errors, warnings]).toEqual([[], []]);
    expect(manifest).toMatchObject({ name: 'foo', version: '1.0.0', description: 'foo runtime', platforms: ['ubuntu-amd64', 'ubuntu-arm64'] });
    for (const script of ['setup.sh', 'setup-ubuntu-amd64.sh', 'setup-ubuntu-arm64.sh']) {
      expect([script, modeOf(tree, `runtimes/foo/${script}`)]).toEqual([script, '755']);
    }
    expect(tree.read('runtimes/foo/setup-ubuntu-arm64.sh', 'utf8')).toContain('install_runtime arm64');
  });

  it('writes the options into the manifest, including quotes and extends', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await runtimeGenerator(tree, { name: 'base' });
    await runtimeGenerator(tree, {
      name: 'child', version: '2.3.4', description: 'has "quotes": and colons', platforms: 'debian-amd64,rhel-arm64', extends: 'base',
    });
    const { manifest, errors } = manifestOf(tree, 'child');
    expect(errors).toEqual([]);
    expect(manifest).toMatchObject({ version: '2.3.4', description: 'has "quotes": and colons', platforms: ['debian-amd64', 'rhel-arm64'], extends: 'base' });
    expect(tree.exists('runtimes/child/setup-rhel-arm64.sh')).toBe(true);
    expect(tree.read('runtimes/child/lib/install.sh', 'utf8')).toContain('adopt_base_runtime base');
    expect(tree.read('runtimes/base/lib/install.sh', 'utf8')).not.toContain('adopt_base_runtime');
  });

  it.each([
    [{ name: 'Foo_Bar' }, 'invalid runtime name "Foo_Bar"'],
    [{ name: 'foo', version: 'v1.0' }, 'invalid version "v1.0": it has a "v" prefix'],
    [{ name: 'foo', platforms: ['ubuntu-riscv'] }, 'unknown platform "ubuntu-riscv"'],
    [{ name: 'foo', platforms: ['ubuntu-amd64', 'ubuntu-amd64'] }, 'platform "ubuntu-amd64" is listed twice'],
    [{ name: 'foo', extends: 'nope' }, 'no runtimes/nope/manifest.yaml'],
  ])('refuses %o with a clear message', async (options, message) => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(runtimeGenerator(tree, options)).rejects.toThrow(message);
    expect(tree.exists('runtimes/foo')).toBe(false);
  });

  it('never overwrites: a second run is a clear error and leaves the files alone', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await runtimeGenerator(tree, { name: 'foo' });
    tree.write('runtimes/foo/lib/install.sh', 'edited');
    await expect(runtimeGenerator(tree, { name: 'foo' })).rejects.toThrow('runtime foo already exists at runtimes/foo');
    expect(tree.read('runtimes/foo/lib/install.sh', 'utf8')).toBe('edited');
    tree.write('payloads/bar/manifest.yaml', 'name: bar\n');
    await expect(runtimeGenerator(tree, { name: 'bar' })).rejects.toThrow('payload bar already exists at payloads/bar');
  });

  it('documents every schema property and allows no others', () => {
    expect(schema.additionalProperties).toBe(false);
    for (const [key, prop] of Object.entries(schema.properties)) expect([key, typeof prop.description]).toEqual([key, 'string']);
  });
});

describe('runtime generator (real nx)', () => {
  it('nx g runtime foo validates at once, its setup builds a working tree, and a rerun refuses', async () => {
    const ws = await nxWorkspace({});
    const gen = await ws.nx(['g', '@runway/nx-plugin:runtime', 'foo', '--no-interactive']);
    expect(gen.exitCode, String(gen.all)).toBe(0);
    for (const script of ['setup.sh', 'setup-ubuntu-amd64.sh', 'setup-ubuntu-arm64.sh']) {
      expect(statSync(join(ws.dir, 'runtimes/foo', script)).mode & 0o111).toBe(0o111);
    }
    // A package holds what git tracks: the new project counts once it is added.
    await ws.git(['add', 'runtimes/foo']);
    const validate = await ws.nx(['run', 'foo:validate']);
    expect(validate.exitCode, validate.all).toBe(0);

    // The build executor packs it straight away, setup scripts keeping their executable mode.
    const build = await ws.nx(['run', 'foo:build']);
    expect(build.exitCode, build.all).toBe(0);
    const listing = await execa('tar', ['-tvzf', join(ws.dir, 'dist/runtimes/foo/foo-1.0.0.tar.gz')]);
    expect(listing.stdout).toMatch(/^-rwxr-xr-x .* foo\/setup-ubuntu-amd64\.sh$/m);
    expect(listing.stdout).toMatch(/ foo\/lib\/common\.sh$/m);

    const again = await ws.nx(['g', '@runway/nx-plugin:runtime', 'foo', '--no-interactive']);
    expect(again.exitCode).not.toBe(0);
    expect(again.all).toContain('runtime foo already exists at runtimes/foo');

    // The scaffold's setup is real: it builds an isolated tree from host programs.
    const runtimeDir = join(await testdir(), 'foo-1.0.0');
    const setup = await execa(join(ws.dir, 'runtimes/foo/setup.sh'), [], {
      reject: false, all: true, env: { RUNTIME_DIR: runtimeDir, RUNTIME_PLATFORM: `ubuntu-${process.arch === 'x64' ? 'amd64' : 'arm64'}` },
    });
    expect(setup.exitCode, setup.all).toBe(0);
    expect(readFileSync(join(runtimeDir, 'runtime.yml'), 'utf8')).toContain('source: "isolated/usr"');
  });
});
