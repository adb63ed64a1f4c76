import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { FixtureFile } from '@runway/test-utils';
import { nxWorkspace, REPO_ROOT } from '@runway/test-utils';

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

  it('shows the folder/name warning with the default command, from cache too and in the terminal UI', async () => {
    const ws = await nxWorkspace(runtime('python-copy', manifest('python-3.11-ml')));
    const warning = /warning +\[name-matches-folder\] +name "python-3\.11-ml" differs from its folder "python-copy"\n +fix: rename the folder/;
    // Exactly what a user types: no --outputStyle, so Nx hides the output of tasks that succeed.
    const plain = () => execa(join(REPO_ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'validate'], { cwd: ws.dir, env: ws.env, all: true, reject: false });
    for (const attempt of ['ran', 'from cache']) {
      const run = await plain();
      expect(run.exitCode, run.all).toBe(0);
      expect(run.all, attempt).toMatch(/Output of 1 successful task was not shown/);
      expect(run.all, attempt).toMatch(/Runway: validation passed with 1 warning:/);
      expect(run.all, attempt).toMatch(warning);
    }
    expect((await plain()).all).toMatch(/\[local cache\]|read the output from the cache/);

    // On a terminal Nx runs its full-screen UI, which the summary has to outlive.
    const tty = await execa('script', ['-qfec', `stty cols 160 rows 40; ${join(REPO_ROOT, 'node_modules/.bin/nx')} run-many -t validate --skip-nx-cache`, '/dev/null'], {
      cwd: ws.dir, env: { ...ws.env, NX_TUI: undefined, TERM: 'xterm-256color' }, all: true, reject: false, timeout: 300_000,
    });
    const screen = stripVTControlCharacters(String(tty.all)).replace(/\r/g, '');
    expect(tty.exitCode, screen).toBe(0);
    const afterUi = screen.slice(screen.lastIndexOf('Successfully ran target validate'));
    expect(afterUi, screen).toMatch(warning);
  }, 900_000);

  it('judges the mode git records: chmod -x committed through git fails validate, not answered from cache', async () => {
    const ws = await nxWorkspace(runtime('good', manifest('good')));
    const first = await ws.nx(['run', 'good:validate']);
    expect(first.exitCode, first.all).toBe(0);
    expect((await ws.nx(['run', 'good:validate'])).all).toMatch(/good:validate +\[(local cache|existing outputs)/);

    await chmod(join(ws.dir, 'runtimes/good/setup-ubuntu-amd64.sh'), 0o644);
    await ws.git(['add', 'runtimes/good/setup-ubuntu-amd64.sh']);
    const after = await ws.nx(['run', 'good:validate']);
    expect(after.exitCode, after.all).toBe(1);
    expect(after.all).not.toMatch(/good:validate +\[(local cache|existing outputs)/);
    expect(after.all).toMatch(/runtimes\/good\/setup-ubuntu-amd64\.sh +error +\[platform-script-executable\] +setup-ubuntu-amd64\.sh is not executable\n +fix: git add --chmod=\+x runtimes\/good\/setup-ubuntu-amd64\.sh/);

    // Executable again on disk, but git still records 0644, and that is what a package holds.
    await chmod(join(ws.dir, 'runtimes/good/setup-ubuntu-amd64.sh'), 0o755);
    const diskOnly = await ws.nx(['run', 'good:validate']);
    expect(diskOnly.exitCode, diskOnly.all).toBe(1);
    expect(diskOnly.all).toMatch(/is not executable in git \(only on disk\)/);
    await ws.git(['add', 'runtimes/good/setup-ubuntu-amd64.sh']);
    expect((await ws.nx(['run', 'good:validate'])).exitCode).toBe(0);
  }, 900_000);
});
