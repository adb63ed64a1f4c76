import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { addEntry, deprecateEntry, emptyRegistry, type RegistryEntry } from '@runway/registry';
import { writeRegistry } from '@runway/registry-file';
import { testdir } from '@runway/test-utils';
import { main } from '../../main';

const at = new Date('2025-01-01T00:00:00Z');
const entry = (version: string): RegistryEntry => ({
  version, description: `py ${version}`, download_url: `releases/download/py@${version}/py-${version}.tar.gz`,
  checksum: `sha256:${'a'.repeat(64)}`, size: 10, platforms: ['ubuntu-amd64'],
});

/** Runs the CLI in-process against a registry holding py 1.0.0, 1.1.0 (deprecated) and 2.0.0-rc.1. */
async function run(args: string[], withRegistry = true) {
  const dir = await testdir();
  let r = emptyRegistry(at);
  for (const v of ['1.0.0', '1.1.0', '2.0.0-rc.1']) r = addEntry(r, 'py', entry(v), at).registry;
  await writeRegistry(join(dir, 'registry.json'), deprecateEntry(r, 'py', '1.1.0', { reason: 'broken pip', use: '1.0.0' }, at));
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => { stdout += c; });
  err.on('data', (c) => { stderr += c; });
  const code = await main(withRegistry ? [...args, '--registry', dir] : args, { stdout: out, stderr: err, env: { HOME: dir, RUNWAY_CACHE_DIR: join(dir, 'cache') }, cwd: dir, interactive: false });
  return { code, stdout, stderr, dir };
}

describe('runway runtime info', () => {
  it('shows every version with deprecations, and latest skips deprecated and prereleases', async () => {
    const { code, stdout } = await run(['runtime', 'info', 'py']);
    expect(code).toBe(0);
    expect(stdout).toContain('py (latest: 1.0.0)');
    expect(stdout).toContain('1.1.0 (deprecated: broken pip; use 1.0.0)');
    expect(stdout.indexOf('1.1.0')).toBeLessThan(stdout.indexOf('2.0.0-rc.1'));
  });

  it('prints one version as JSON with its resolved download URL', async () => {
    const { code, stdout, dir } = await run(['runtime', 'info', 'py@latest', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ version: '1.0.0', resolved_url: `file://${dir}/releases/download/py@1.0.0/py-1.0.0.tar.gz` });
  });

  it('explains an unknown runtime or version', async () => {
    const unknown = await run(['runtime', 'info', 'node']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`warning: registry ${unknown.dir} is unsigned: its packages are checked against the checksums it lists, but nothing proves who published it\n`
      + 'error: runtime "node" is not in any configured registry\n  fix: available runtimes: py\n');
    const version = await run(['runtime', 'info', 'py@3.0.0']);
    expect(version.stderr).toContain('available versions: 1.0.0, 1.1.0 (deprecated), 2.0.0-rc.1');
  });

  it('refuses remove without a version, as a usage error', async () => {
    const { code, stderr } = await run(['runtime', 'remove', 'py'], false);
    expect(code).toBe(2);
    expect(stderr).toContain('"py" needs an exact version');
  });
});
