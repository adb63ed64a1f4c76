import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { validateProject } from './read-project';

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
