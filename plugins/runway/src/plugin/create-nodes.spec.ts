import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

  it('makes a payload built from a runtime depend on it: affected by its changes, image after its build', async () => {
    const ws = await nxWorkspace({
      ...runtime('python-3.11'), ...runtime('node-18'),
      'payloads/python/manifest.yaml': 'name: python\nversion: 1.0.0\nruntime: python-3.11\n',
      'payloads/python/Dockerfile': 'FROM scratch\nCOPY runtime/ /\n',
      'payloads/plain/manifest.yaml': 'name: plain\nversion: 1.0.0\n',
      'payloads/plain/Dockerfile': 'FROM scratch\n',
    });
    const shown = await ws.nx(['show', 'project', 'python', '--json']);
    expect(shown.exitCode, shown.all).toBe(0);
    const project = JSON.parse(String(shown.stdout));
    expect(project.implicitDependencies).toEqual(['python-3.11']);
    expect(project.targets['publish-runenv-image'].dependsOn).toEqual(['validate', { projects: ['python-3.11'], target: 'build' }]);
    expect(project.targets.validate.inputs).toContain('{workspaceRoot}/runtimes/python-3.11/manifest.yaml');
    expect(project.targets['publish-runenv-image'].options).toEqual({ environmentDir: 'dist/runtimes/python-3.11' });

    const affected = async () => {
      const run = await ws.nx(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']);
      expect(run.exitCode, run.all).toBe(0);
      return (JSON.parse(String(run.stdout)) as string[]).sort();
    };
    await writeFile(join(ws.dir, 'runtimes/python-3.11/setup-ubuntu-amd64.sh'), '#!/bin/sh\necho changed\n');
    await ws.git(['commit', '-qam', 'change the runtime']);
    expect(await affected()).toEqual(['python', 'python-3.11']);
    await writeFile(join(ws.dir, 'runtimes/node-18/setup.sh'), '#!/bin/sh\necho changed\n');
    await ws.git(['commit', '-qam', 'change another runtime']);
    expect(await affected()).toEqual(['node-18']);

    // The graph puts the runtime's build before the image: nx plans it as a dependency of the target.
    const graphFile = join(ws.dir, 'graph.json');
    const graph = await ws.nx(['graph', '--targets=publish-runenv-image', '--projects=python', `--file=${graphFile}`]);
    expect(graph.exitCode, graph.all).toBe(0);
    const tasks = JSON.parse(await readFile(graphFile, 'utf8')).tasks as { dependencies: Record<string, Array<{ id: string }>> };
    expect(tasks.dependencies['python:publish-runenv-image'].map((d) => d.id).sort()).toEqual(['python-3.11:build', 'python:validate']);
  });
});
