import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { availablePlatforms } from '@runway/debian-env';
import { testdir } from '@runway/test-utils';
import { DEBIAN_BUILDER_ENV, gitEntriesEnv, gitEntriesEnvValues, preTasksExecution } from './task-env';

const record = (mode: string, oid: string, path: string) => `${mode} ${oid} 0\t${path}`;
const listing = (...records: string[]) => `${records.join('\0')}\0`;
const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

describe('gitEntriesEnv', () => {
  it('names a portable variable per project folder, keeping similar folder names apart', () => {
    expect(gitEntriesEnv('runtimes/python-3.11')).toMatch(/^RUNWAY_GIT_runtimes_python_3_11_[0-9a-f]{8}$/);
    expect(gitEntriesEnv('runtimes/python_3.11')).not.toBe(gitEntriesEnv('runtimes/python-3.11'));
  });
});

describe('gitEntriesEnvValues', () => {
  const base = [record('100755', a, 'runtimes/x/setup.sh'), record('100644', b, 'runtimes/x/lib/a.txt'), record('100644', a, 'payloads/web/Dockerfile')];
  const values = gitEntriesEnvValues(listing(record('100644', a, 'README.md'), ...base, record('100644', b, 'packages/pack/src/x.ts')));

  it('gives one digest per runtime and payload folder, and none for anything else', () => {
    expect(Object.keys(values).sort()).toEqual([gitEntriesEnv('payloads/web'), gitEntriesEnv('runtimes/x')].sort());
    expect(values[gitEntriesEnv('runtimes/x')]).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a mode', [record('100644', a, 'runtimes/x/setup.sh'), ...base.slice(1)]],
    ['a staged blob', [record('100755', b, 'runtimes/x/setup.sh'), ...base.slice(1)]],
    ['a tracked file more', [...base, record('100644', a, 'runtimes/x/new.txt')]],
    ['a tracked file less', base.slice(1)],
  ])('changes the project\'s digest, and only its, for %s', (_, records) => {
    const changed = gitEntriesEnvValues(listing(...records));
    expect(changed[gitEntriesEnv('runtimes/x')]).not.toBe(values[gitEntriesEnv('runtimes/x')]);
    expect(changed[gitEntriesEnv('payloads/web')]).toBe(values[gitEntriesEnv('payloads/web')]);
  });

  it('sets nothing for an empty listing (no repository)', () => {
    expect(gitEntriesEnvValues('')).toEqual({});
  });
});

describe('preTasksExecution', () => {
  it('sets the Debian builder of this machine: the platforms it can build and the mmdebstrap version', async () => {
    const previous = process.env[DEBIAN_BUILDER_ENV];
    try {
      await preTasksExecution({}, { workspaceRoot: await testdir(), nxJsonConfiguration: {} } as Parameters<typeof preTasksExecution>[1]);
      const platforms = await availablePlatforms();
      const mmdebstrap = await execa('mmdebstrap', ['--version'], { reject: false });
      const version = mmdebstrap.failed ? 'none' : mmdebstrap.stdout.trim().split(/\s+/).pop();
      const bwrap = await execa('bwrap', ['--version'], { reject: false });
      expect(process.env[DEBIAN_BUILDER_ENV]).toBe(`platforms ${platforms.join(',') || 'none'}; mmdebstrap ${version}${bwrap.failed ? '; no bwrap' : ''}`);
    } finally {
      if (previous === undefined) delete process.env[DEBIAN_BUILDER_ENV];
      else process.env[DEBIAN_BUILDER_ENV] = previous;
    }
  });
});
