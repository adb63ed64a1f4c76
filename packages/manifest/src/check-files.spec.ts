import { describe, expect, it } from 'vitest';
import { checkProjectFiles } from './check-files';
import type { Manifest, ProjectFile } from './types';

const runtime: Manifest = {
  kind: 'runtime', name: 'x', version: '1.0.0', description: '', platforms: ['ubuntu-amd64', 'ubuntu-arm64'], packages: [], aliases: [], dockerfile: 'Dockerfile',
};

/** A file as git tracks it and as it is on disk, the two agreeing. */
const both = (name: string, executable = true): ProjectFile => ({ name, tracked: { executable }, disk: { executable, ignored: false } });
const manifestFile = both('manifest.yaml', false);

describe('checkProjectFiles', () => {
  it('passes when git tracks the manifest, setup.sh and an executable script per platform', () => {
    const files = [manifestFile, both('setup.sh'), both('setup-ubuntu-amd64.sh'), both('setup-ubuntu-arm64.sh')];
    expect(checkProjectFiles(runtime, files, 'runtimes/x')).toEqual([]);
  });

  it('reports a missing setup.sh, a missing platform script and a non-executable one', () => {
    const issues = checkProjectFiles(runtime, [manifestFile, both('setup-ubuntu-amd64.sh', false)], 'runtimes/x');
    expect(issues.map((i) => [i.rule, i.file, i.message, i.fix])).toEqual([
      ['setup-present', 'runtimes/x/setup.sh', 'setup.sh is missing', expect.stringContaining('add runtimes/x/setup.sh')],
      ['platform-script-executable', 'runtimes/x/setup-ubuntu-amd64.sh', 'setup-ubuntu-amd64.sh is not executable',
        'git add --chmod=+x runtimes/x/setup-ubuntu-amd64.sh (and chmod +x runtimes/x/setup-ubuntu-amd64.sh for your working tree), then commit'],
      ['platform-script-present', 'runtimes/x/setup-ubuntu-arm64.sh', 'platform "ubuntu-arm64" is listed but setup-ubuntu-arm64.sh is missing', expect.any(String)],
    ]);
  });

  it('judges git\'s entries, what a package holds, and names the difference when the disk disagrees', () => {
    const files: ProjectFile[] = [
      manifestFile,
      { name: 'setup.sh', disk: { executable: true, ignored: false } }, // on disk, never added
      { name: 'setup-ubuntu-amd64.sh', tracked: { executable: false }, disk: { executable: true, ignored: false } }, // chmod +x, not added
      { name: 'setup-ubuntu-arm64.sh', tracked: { executable: true }, disk: { executable: false, ignored: false } }, // chmod -x, not added: still packed 0755
    ];
    expect(checkProjectFiles(runtime, files, 'runtimes/x').map((i) => [i.rule, i.message, i.fix])).toEqual([
      ['setup-present', 'setup.sh is not tracked by git, so a package would not contain it', 'git add runtimes/x/setup.sh, then commit'],
      ['platform-script-executable', 'setup-ubuntu-amd64.sh is not executable in git (only on disk), and a package takes git\'s mode',
        'git add --chmod=+x runtimes/x/setup-ubuntu-amd64.sh, then commit'],
    ]);
  });

  it('tells how to add an ignored file, and requires the manifest itself to be tracked', () => {
    const files: ProjectFile[] = [
      { name: 'manifest.yaml', disk: { executable: false, ignored: false } },
      { name: 'setup.sh', disk: { executable: true, ignored: true } },
      both('setup-ubuntu-amd64.sh'), both('setup-ubuntu-arm64.sh'),
    ];
    expect(checkProjectFiles(runtime, files, 'runtimes/x').map((i) => [i.rule, i.message, i.fix])).toEqual([
      ['manifest-tracked', 'manifest.yaml is not tracked by git, so a package would not contain it', 'git add runtimes/x/manifest.yaml, then commit'],
      ['setup-present', 'setup.sh is ignored by git (.gitignore), so a package would not contain it', 'git add -f runtimes/x/setup.sh, or stop ignoring it in .gitignore, then commit'],
    ]);
  });

  it('says once that a project nothing of which is tracked needs "git add" (a new project)', () => {
    const untracked = ['manifest.yaml', 'setup.sh', 'setup-ubuntu-amd64.sh'].map((name): ProjectFile => ({ name, disk: { executable: true, ignored: false } }));
    expect(checkProjectFiles(runtime, untracked, 'runtimes/x').map((i) => [i.rule, i.file, i.message, i.fix])).toEqual([
      ['manifest-tracked', 'runtimes/x', 'git tracks none of the files in runtimes/x, so its package would be empty', 'git add runtimes/x, then commit'],
    ]);
  });

  it('requires a payload Dockerfile that git tracks', () => {
    const payload = { ...runtime, kind: 'payload' as const, platforms: [] };
    expect(checkProjectFiles(payload, [manifestFile], 'payloads/x').map((i) => i.rule)).toEqual(['dockerfile-present']);
    expect(checkProjectFiles(payload, [manifestFile, { name: 'Dockerfile', disk: { executable: false, ignored: false } }], 'payloads/x').map((i) => i.message))
      .toEqual(['Dockerfile is not tracked by git, so a package would not contain it']);
    expect(checkProjectFiles(payload, [manifestFile, both('Dockerfile', false)], 'payloads/x')).toEqual([]);
  });
});
