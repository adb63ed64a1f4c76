import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@runway/manifest';
import { nxWorkspace } from '@runway/test-utils';
import payloadGenerator from './generator';
import schema from './schema.json';

const manifestOf = (tree: Tree, name: string) =>
  parseManifest(tree.read(`payloads/${name}/manifest.yaml`, 'utf8')!, { file: 'manifest.yaml', kind: 'payload', folderName: name });

describe('payload generator (in a virtual tree)', () => {
  it('scaffolds a manifest, an offline Dockerfile with its context, and a README', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await payloadGenerator(tree, { name: 'ruby', aliases: 'runenv-ruby-3.3,runenv-ruby' });
    const files = tree.listChanges().map((c) => c.path).filter((p) => p.startsWith('payloads/')).sort();
    expect(files).toEqual(['payloads/ruby/Dockerfile', 'payloads/ruby/README.md', 'payloads/ruby/manifest.yaml', 'payloads/ruby/rootfs/etc/runenv-release']);
    const { manifest, errors, warnings } = manifestOf(tree, 'ruby');
    expect([errors, warnings]).toEqual([[], []]);
    expect(manifest).toMatchObject({ kind: 'payload', name: 'ruby', version: '0.1.0', aliases: ['runenv-ruby-3.3', 'runenv-ruby'], dockerfile: 'Dockerfile' });
    const dockerfile = tree.read('payloads/ruby/Dockerfile', 'utf8')!;
    expect(dockerfile).toMatch(/^FROM scratch$/m);
    expect(dockerfile).toMatch(/^COPY rootfs\/ \/$/m);
    expect(tree.read('payloads/ruby/rootfs/etc/runenv-release', 'utf8')).toBe('NAME=ruby\nVERSION=0.1.0\n');
  });

  it.each([
    [{ name: 'Ruby' }, 'invalid payload name "Ruby"'],
    [{ name: 'ruby', version: '1.0' }, 'invalid version "1.0"'],
    [{ name: 'ruby', aliases: ['Bad Alias'] }, 'alias "Bad Alias" is not a valid image name'],
  ])('refuses %o with a clear message', async (options, message) => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(payloadGenerator(tree, options)).rejects.toThrow(message);
  });

  it('never overwrites an existing payload or takes a runtime’s name', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await payloadGenerator(tree, { name: 'ruby' });
    await expect(payloadGenerator(tree, { name: 'ruby' })).rejects.toThrow('payload ruby already exists at payloads/ruby');
    tree.write('runtimes/node-20/manifest.yaml', 'name: node-20\n');
    await expect(payloadGenerator(tree, { name: 'node-20' })).rejects.toThrow('runtime node-20 already exists at runtimes/node-20');
  });

  it('documents every schema property and allows no others', () => {
    expect(schema.additionalProperties).toBe(false);
    for (const [key, prop] of Object.entries(schema.properties)) expect([key, typeof prop.description]).toEqual([key, 'string']);
  });
});

describe('payload generator (real nx)', () => {
  it('nx g payload ruby validates at once', async () => {
    const ws = await nxWorkspace({});
    const gen = await ws.nx(['g', '@runway/nx-plugin:payload', 'ruby', '--aliases=runenv-ruby-3.3', '--no-interactive']);
    expect(gen.exitCode, String(gen.all)).toBe(0);
    // A package holds what git tracks: the new project counts once it is added.
    await ws.git(['add', 'payloads/ruby']);
    const validate = await ws.nx(['run', 'ruby:validate']);
    expect(validate.exitCode, validate.all).toBe(0);
  });
});
