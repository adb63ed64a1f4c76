import { describe, expect, it } from 'vitest';
import { inferProject } from './infer-targets';
import { normalizeOptions } from './options';
import { summarizeManifests } from './summarize-manifests';
import { gitEntriesEnv } from './task-env';

describe('summarizeManifests', () => {
  it('names projects after the manifest and keeps valid extends edges', () => {
    expect(summarizeManifests([
      ['runtimes/python-3.11/manifest.yaml', 'name: python-3.11\nversion: 1.0.0\n'],
      ['runtimes/ml/manifest.yaml', 'name: python-3.11-ml\nextends: python-3.11\n'],
      ['payloads/python/manifest.yaml', 'name: python\n'],
    ])).toEqual([
      { kind: 'runtime', projectName: 'python-3.11', root: 'runtimes/python-3.11' },
      { kind: 'runtime', projectName: 'python-3.11-ml', root: 'runtimes/ml', extends: 'python-3.11' },
      { kind: 'payload', projectName: 'python', root: 'payloads/python' },
    ]);
  });

  it('falls back to the folder name for broken, invalid or duplicate names, and drops dangling edges', () => {
    expect(summarizeManifests([
      ['runtimes/a/manifest.yaml', 'name: [unclosed\n'],
      ['runtimes/b/manifest.yaml', 'name: Bad_Name\nextends: missing\n'],
      ['runtimes/dup/manifest.yaml', 'name: dup\n'],
      ['runtimes/dup-copy/manifest.yaml', 'name: dup\n'],
    ]).map((s) => [s.projectName, s.extends])).toEqual([['a', undefined], ['b', undefined], ['dup', undefined], ['dup-copy', undefined]]);
  });

  it('keeps a payload\'s runtime edge only to a runtime that exists', () => {
    expect(summarizeManifests([
      ['runtimes/python-3.11/manifest.yaml', 'name: python-3.11\n'],
      ['payloads/python/manifest.yaml', 'name: python\nruntime: python-3.11  # the image\'s root filesystem\n'],
      ['payloads/node/manifest.yaml', 'name: node\nruntime: node-18\n'],
      ['payloads/other/manifest.yaml', 'name: other\nruntime: python\n'],
      ['runtimes/rt/manifest.yaml', 'name: rt\nruntime: python-3.11\n'],
    ]).map((s) => [s.projectName, s.runtime])).toEqual([
      ['python-3.11', undefined], ['python', 'python-3.11'], ['node', undefined], ['other', undefined], ['rt', undefined],
    ]);
  });

  it.each([
    ['name: x\nextends: base\n', 'x', 'base'],
    ['name: "x"   # quoted\r\nextends: \'base\'\n', 'x', 'base'],
    ['{ name: x, extends: base }\n', 'x', 'base'],
    ['---\nname: x\n', 'x', undefined],
    ['name: &a x\nextends: *a\n', 'x', undefined],
    ['name: x\nname: y\n', 'f', undefined],
    ['name: >\n  x\n', 'f', undefined], // folded scalar keeps a newline: not a valid name
    ['name:\n  nested: x\n', 'f', undefined],
    ['description: |\n  name: y\nname: x\n', 'x', undefined],
  ])('reads name and extends like YAML does: %j', (text, name, ext) => {
    const [summary] = summarizeManifests([['runtimes/f/manifest.yaml', text], ['runtimes/base/manifest.yaml', 'name: base\n']]);
    expect([summary.projectName, summary.extends]).toEqual([name, ext]);
  });
});

describe('inferProject', () => {
  it('adds the Debian builder, sandbox and SBOM code and the build host\'s builder to the build inputs of a runtime with a debian: section only', () => {
    const manifest = (debian: string) => `name: x\nversion: 1.0.0\ndescription: x\nplatforms: [debian-amd64]\n${debian}`;
    const [plain, prebuilt, quoted] = summarizeManifests([
      ['runtimes/a/manifest.yaml', manifest('# debian: not a key\n')],
      ['runtimes/b/manifest.yaml', manifest('debian:\n  suite: bookworm\n  packages: [busybox]\n')],
      ['runtimes/c/manifest.yaml', `{"name": "c", "debian": {"suite": "bookworm"}}`],
    ]);
    expect([plain.prebuilt, prebuilt.prebuilt, quoted.prebuilt]).toEqual([undefined, true, true]);
    const inputsOf = (summary: typeof plain) => inferProject(summary, normalizeOptions({})).targets!.build.inputs!;
    const environment = [
      '{workspaceRoot}/packages/debian-env/src/**/*.ts', '!{workspaceRoot}/packages/debian-env/src/**/*.spec.ts', '!{workspaceRoot}/packages/debian-env/src/testing/**/*',
      '{workspaceRoot}/packages/sandbox/src/**/*.ts', '{workspaceRoot}/packages/sbom/src/**/*.ts', { env: 'RUNWAY_DEBIAN_BUILDER' },
    ];
    for (const input of environment) {
      expect(inputsOf(prebuilt)).toContainEqual(input);
      expect(inputsOf(plain)).not.toContainEqual(input);
    }
    // The lock and the manifest are project files, hashed like every other one.
    expect(inputsOf(prebuilt)).toContain('{projectRoot}/**/*');
    expect(inferProject(prebuilt, normalizeOptions({})).targets!.build.outputs).toEqual(['{workspaceRoot}/dist/runtimes/b']);
  });

  it('gives every project the same targets with exact build inputs and outputs', () => {
    const project = inferProject({ kind: 'runtime', projectName: 'x', root: 'runtimes/x', extends: 'base' }, normalizeOptions({}));
    expect(Object.keys(project.targets!)).toEqual(['validate', 'build', 'release', 'nx-release-publish', 'publish-runenv-image']);
    expect(project.implicitDependencies).toEqual(['base']);
    const build = project.targets!.build;
    expect(build.outputs).toEqual(['{workspaceRoot}/dist/runtimes/x']);
    expect(build.inputs).toContainEqual({ env: 'SOURCE_DATE_EPOCH' });
    expect(build.inputs).toContain('{workspaceRoot}/packages/pack/src/**/*.ts');
    expect(build.inputs).toContain('!{workspaceRoot}/packages/pack/src/**/*.spec.ts');
    // git's modes and tracked set, and the zlib and tar that encode the bytes: nothing else records them.
    expect(build.inputs).toContainEqual({ env: gitEntriesEnv('runtimes/x') });
    expect(build.inputs).toContainEqual({ env: 'RUNWAY_ENCODERS' });
    expect(project.targets!.validate.inputs).toContainEqual({ env: gitEntriesEnv('runtimes/x') });
    expect(project.targets!.release.cache).toBe(false);
    expect(inferProject({ kind: 'payload', projectName: 'p', root: 'payloads/p' }, normalizeOptions({ distDir: 'out/' })).targets!.build.outputs)
      .toEqual(['{workspaceRoot}/out/payloads/p']);
  });
});
