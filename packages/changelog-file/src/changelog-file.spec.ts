import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { normalizeChangelogGateConfig } from '@runway/changelog';
import { testdir } from '@runway/test-utils';
import { checkChangelogGateAt, releaseChangelogFile } from './changelog-file';

const env = { PATH: process.env.PATH, HOME: '/nonexistent', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
const GOOD = '## [Unreleased]\n\n## [1.0.1] - 2024-05-01\n\n- fix\n\n[1.0.1]: https://github.com/acme/rt/compare/v1.0.0...v1.0.1\n';
const PENDING = '## [Unreleased]\n\n- fix\n\n[Unreleased]: https://github.com/acme/rt/compare/v1.0.0...HEAD\n';

async function committed(files: Record<string, string>): Promise<{ dir: string; head: string }> {
  const dir = await testdir(files);
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'c']]) await execa('git', args, { cwd: dir, env });
  return { dir, head: (await execa('git', ['rev-parse', 'HEAD'], { cwd: dir, env })).stdout };
}

describe('checkChangelogGateAt', () => {
  it('reads the files of the release commit, not the working tree', async () => {
    const { dir, head } = await committed({ 'CHANGELOG.md': GOOD });
    await writeFile(join(dir, 'CHANGELOG.md'), PENDING);
    const input = { root: dir, version: '1.0.1', previousVersion: '1.0.0', release: { kind: 'umbrella' } as const };
    expect(await checkChangelogGateAt({ ...input, rev: head })).toEqual([]);
    expect((await checkChangelogGateAt(input))?.map((p) => p.message)).toEqual(['CHANGELOG.md has no "## [1.0.1] - YYYY-MM-DD" section', 'CHANGELOG.md has no compare link for 1.0.1']);
  });

  it('answers undefined for a release the configuration does not gate, and reads project files when it does', async () => {
    const { dir, head } = await committed({ 'runtimes/py/CHANGELOG.md': GOOD.replaceAll('v1.0', 'py@1.0') });
    const release = { kind: 'project', name: 'py', projectRoot: 'runtimes/py' } as const;
    expect(await checkChangelogGateAt({ root: dir, rev: head, version: '1.0.1', previousVersion: '1.0.0', release })).toBeUndefined();
    const config = normalizeChangelogGateConfig({ scope: 'projects' });
    expect(await checkChangelogGateAt({ root: dir, rev: head, version: '1.0.1', previousVersion: '1.0.0', release, config })).toEqual([]);
  });

  it('maps an unknown commit to a user error', async () => {
    const { dir } = await committed({ 'CHANGELOG.md': GOOD });
    await expect(checkChangelogGateAt({ root: dir, rev: 'f'.repeat(40), version: '1.0.1', release: { kind: 'umbrella' } })).rejects.toThrow(/cannot read CHANGELOG.md at f{40}/);
  });
});

describe('releaseChangelogFile', () => {
  it('writes the released changelog atomically, leaving no temporary file', async () => {
    const dir = await testdir({ 'CHANGELOG.md': PENDING });
    const result = await releaseChangelogFile(join(dir, 'CHANGELOG.md'), '1.0.1', { date: '2024-05-01' });
    expect(result).toMatchObject({ changed: true, written: true, before: PENDING, notes: '- fix' });
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(result.text);
    expect(await readdir(dir)).toEqual(['CHANGELOG.md']);
  });

  it('changes nothing in a dry run or when refused', async () => {
    const dir = await testdir({ 'CHANGELOG.md': PENDING });
    const path = join(dir, 'CHANGELOG.md');
    expect(await releaseChangelogFile(path, '1.0.1', { date: '2024-05-01', dryRun: true })).toMatchObject({ changed: true, written: false });
    await expect(releaseChangelogFile(path, '1.0.1-rc.1', { date: '2024-05-01' })).rejects.toThrow('is not a stable version');
    expect(await readFile(path, 'utf8')).toBe(PENDING);
  });

  it('says how to start when the file is missing', async () => {
    const dir = await testdir();
    await expect(releaseChangelogFile(join(dir, 'CHANGELOG.md'), '1.0.0', { date: '2024-05-01' })).rejects.toThrow(/CHANGELOG.md does not exist/);
  });
});
