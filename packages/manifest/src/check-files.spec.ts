import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { checkProjectFiles } from './check-files';
import { validateProject } from './read-manifest';
import type { Manifest } from './types';

const runtime: Manifest = {
  kind: 'runtime', name: 'x', version: '1.0.0', description: '', platforms: ['ubuntu-amd64', 'ubuntu-arm64'], packages: [], aliases: [], dockerfile: 'Dockerfile',
};

describe('checkProjectFiles', () => {
  it('passes when setup.sh and an executable script per platform exist', () => {
    const files = [{ name: 'setup.sh', executable: true }, { name: 'setup-ubuntu-amd64.sh', executable: true }, { name: 'setup-ubuntu-arm64.sh', executable: true }];
    expect(checkProjectFiles(runtime, files, 'runtimes/x')).toEqual([]);
  });

  it('reports a missing setup.sh, a missing platform script and a non-executable one', () => {
    const issues = checkProjectFiles(runtime, [{ name: 'setup-ubuntu-amd64.sh', executable: false }], 'runtimes/x');
    expect(issues.map((i) => [i.rule, i.file])).toEqual([
      ['setup-present', 'runtimes/x/setup.sh'],
      ['platform-script-executable', 'runtimes/x/setup-ubuntu-amd64.sh'],
      ['platform-script-present', 'runtimes/x/setup-ubuntu-arm64.sh'],
    ]);
  });

  it('requires a payload Dockerfile', () => {
    const payload = { ...runtime, kind: 'payload' as const, platforms: [] };
    expect(checkProjectFiles(payload, [], 'payloads/x').map((i) => i.rule)).toEqual(['dockerfile-present']);
    expect(checkProjectFiles(payload, [{ name: 'Dockerfile', executable: false }], 'payloads/x')).toEqual([]);
  });
});

describe('validateProject', () => {
  it('reads the manifest and the real file modes from disk', async () => {
    const root = await testdir({
      'runtimes/x/manifest.yaml': 'name: x\nversion: 1.0.0\nplatforms: [ubuntu-amd64]\n',
      'runtimes/x/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'runtimes/x/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o644 },
    });
    const r = await validateProject(root, 'runtimes/x');
    expect(r.manifest).toBeUndefined();
    expect(r.errors.map((i) => i.rule)).toEqual(['platform-script-executable']);
  });
});
