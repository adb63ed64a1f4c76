import { describe, expect, it } from 'vitest';
import { nxWorkspace } from '@runway/test-utils';

const runtime = (name: string, extra = '') => ({
  [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: 1.0.0\ndescription: test\nplatforms: [ubuntu-amd64]\n${extra}`,
  [`runtimes/${name}/setup.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

describe('createNodes in a real nx workspace', () => {
  it('infers one project per manifest with every target, and extends as a graph edge', async () => {
    const ws = await nxWorkspace({ ...runtime('base'), ...runtime('child', 'extends: base\n') });
    const shown = await ws.nx(['show', 'project', 'child', '--json']);
    expect(shown.exitCode, shown.all).toBe(0);
    const project = JSON.parse(String(shown.stdout));
    expect(Object.keys(project.targets).sort()).toEqual(['build', 'nx-release-publish', 'publish-runenv-image', 'release', 'validate']);
    expect(project.tags).toContain('kind:runtime');
    expect(project.implicitDependencies).toEqual(['base']);
  });
});
