import { describe, expect, it } from 'vitest';
import type { FixtureFile } from '@runway/test-utils';
import { nxWorkspace } from '@runway/test-utils';

const script = { content: '#!/bin/sh\nexit 0\n', mode: 0o755 };
function runtime(folder: string, manifest: string, scripts = ['setup.sh', 'setup-ubuntu-amd64.sh']): Record<string, FixtureFile> {
  return Object.fromEntries([[`runtimes/${folder}/manifest.yaml`, manifest], ...scripts.map((s) => [`runtimes/${folder}/${s}`, script])]);
}
const manifest = (name: string, version = '1.0.0', platforms = '[ubuntu-amd64]') => `name: ${name}\nversion: ${version}\ndescription: test\nplatforms: ${platforms}\n`;

describe('nx run-many -t validate', () => {
  it('reports every problem of every project in one run and exits 1', async () => {
    const ws = await nxWorkspace({
      ...runtime('good', manifest('good')),
      ...runtime('upper', manifest('Python-3.11-ML')),
      ...runtime('short', manifest('short', '1.0')),
      ...runtime('vee', manifest('vee', 'v1.0.0')),
      ...runtime('beta', manifest('beta', '1.0.0-beta')),
      ...runtime('zero', manifest('zero', '01.2.3')),
      ...runtime('noscript', manifest('noscript', '1.0.0', '[ubuntu-amd64, ubuntu-arm64]')),
      ...runtime('broken', 'name: broken\nversion: 1.0.0\nplatforms: [ubuntu-amd64\n  oops: : :\n'),
    });
    const run = await ws.nx(['run-many', '-t', 'validate']);
    const out = String(run.all);
    expect(run.exitCode).toBe(1);
    expect(out).toMatch(/runtimes\/upper\/manifest\.yaml:1:7 +error +\[name-format\]/);
    expect(out).toMatch(/runtimes\/short\/manifest\.yaml:2:\d+ +error +\[version-format\] +version "1\.0" has 2 parts/);
    expect(out).toMatch(/\[version-format\] +version "v1\.0\.0" has a "v" prefix/);
    expect(out).toMatch(/\[version-format\] +version "1\.0\.0-beta" has a pre-release or build suffix/);
    expect(out).toMatch(/\[version-format\] +version "01\.2\.3" has a leading zero/);
    expect(out).toMatch(/runtimes\/noscript\/setup-ubuntu-arm64\.sh +error +\[platform-script-present\]/);
    expect(out).toMatch(/runtimes\/broken\/manifest\.yaml:\d+:\d+ +error +\[yaml-syntax\] +malformed YAML/);
    expect(out).toContain('fix:');
    expect(out).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
    for (const failed of ['upper', 'short', 'vee', 'beta', 'zero', 'noscript', 'broken']) expect(out).toContain(`- ${failed}:validate`);
    expect(out).not.toContain('- good:validate');
  });

  it('passes with a warning when only the folder and the name differ', async () => {
    const ws = await nxWorkspace(runtime('python-copy', manifest('python-3.11-ml')));
    const run = await ws.nx(['run-many', '-t', 'validate']);
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toMatch(/warning +\[name-matches-folder\] +name "python-3\.11-ml" differs from its folder "python-copy"/);
  });
});
