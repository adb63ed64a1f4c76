import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, type FixtureFile, type RunResult } from '@runway/test-utils';
import { nxRelease } from './nx-release-workspace';

const files: Record<string, FixtureFile> = {
  'runtimes/alpha/manifest.yaml': 'name: alpha\nversion: 1.0.0\ndescription: "alpha"\nplatforms:\n  - ubuntu-amd64\n',
  'runtimes/alpha/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/alpha/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
};

const NO_GITHUB = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, GITHUB_REF: undefined, RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined, CI: 'true' };

/** A user or environment mistake: exit 1, the message, and neither a stack trace nor "internal error". */
function expectUserError(run: RunResult, message: RegExp | string): void {
  expect(run.exitCode, run.all).toBe(1);
  if (typeof message === 'string') expect(run.all).toContain(message);
  else expect(run.all).toMatch(message);
  expect(run.all).not.toMatch(/\n\s+at |internal error|This is a bug/);
}

describe('release mistakes through the real executors: clear errors, exit 1, no stack trace', () => {
  it('a registry folder below a file (option and environment), and GitHub without an origin remote', async () => {
    const ws = await nxWorkspace(files);
    await mkdir(join(ws.dir, 'dist'));
    await writeFile(join(ws.dir, 'dist', 'file'), 'not a folder\n');

    expectUserError(await ws.nx(['run', 'alpha:release', '--registryDir=dist/file/registry'], NO_GITHUB),
      /cannot read .*dist\/file\/registry\/registry\.json: a part of the path is a file, not a folder \(ENOTDIR\)/);
    expectUserError(await ws.nx(['run', 'alpha:release'], { ...NO_GITHUB, RUNWAY_REGISTRY_DIR: join(ws.dir, 'dist', 'file', 'elsewhere') }),
      /cannot read .*dist\/file\/elsewhere\/registry\.json: a part of the path is a file/);

    const github = await ws.nx(['run', 'alpha:release'], {
      ...NO_GITHUB, GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_TOKEN: 'ghs_noOriginToken123456', GITHUB_API_URL: 'http://127.0.0.1:9/api/v3',
    });
    expectUserError(github, 'the GitHub target needs a git remote "origin" for acme/runtimes');
    expect(github.all).toContain('git remote add origin');
    expect(github.all).not.toContain('ghs_noOriginToken123456');
  }, 300_000);

  it('listr2 failure lines pass the redactor: a secret from the environment never reaches the output', async () => {
    const ws = await nxWorkspace(files);
    const secret = 'ghp_releaseRedactionSecret0123';
    await mkdir(join(ws.dir, 'dist', secret), { recursive: true });
    await writeFile(join(ws.dir, 'dist', secret, 'file'), 'x\n');
    // A GITHUB_TOKEN alone does not switch to GitHub: the directory target fails with the path, which
    // holds the secret (given through the environment: Nx echoes its command line itself).
    const env = { ...NO_GITHUB, GITHUB_TOKEN: secret, RUNWAY_REGISTRY_DIR: `dist/${secret}/file/registry` };
    // `nx release publish` runs the single-task executor, which shows listr2's progress lines.
    const published = await nxRelease(ws, ['publish', '-p', 'alpha'], env);
    const publish = { exitCode: published.exitCode, all: String(published.all) };
    expect(publish.exitCode, publish.all).not.toBe(0);
    // The signing step reads the registry first (an unsigned successor of a signed index is refused).
    expect(publish.all).toMatch(/✖ signing release \[FAILED: cannot read .*dist\/\*\*\*\/file\/registry\/registry\.json/);
    expect(publish.all).toMatch(/error: cannot read .*dist\/\*\*\*\/file\/registry\/registry\.json/);
    expect(publish.all).not.toContain(secret);
    expect(publish.all).not.toMatch(/\n\s+at |internal error/);
    // The batch entry (`nx run`, `run-many`) reports the same failure, redacted too.
    const run = await ws.nx(['run', 'alpha:release'], env);
    expectUserError(run, /error: cannot read .*dist\/\*\*\*\/file\/registry\/registry\.json: a part of the path is a file/);
    expect(run.all).not.toContain(secret);
  }, 300_000);
});
