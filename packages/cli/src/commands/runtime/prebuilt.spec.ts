import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { addEntry, emptyRegistry, type RegistryEntry } from '@runway/registry';
import { writeRegistry } from '@runway/registry-file';
import { hostPlatform } from '@runway/runtime-client';
import { testdir, tgzBytes } from '@runway/test-utils';
import { runway } from './testing/cli';
import { prebuiltPackage } from './testing/prebuilt-package';
import { serveDir } from './testing/serve-dir';
import { releaseKey, SignedRegistry } from './testing/signed-registry';

const hasBwrap = execaSync('bwrap', ['--version'], { reject: false }).exitCode === 0;
if (!hasBwrap && !process.env.CI) {
  console.warn('\n*** bubblewrap is not installed: SKIPPING the prebuilt install + exec specs (apt-get install -y bubblewrap) ***\n');
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const TAG = 'demo@1.0.0';
const SOURCE_FILE = 'demo-1.0.0.tar.gz';
/** A script that must never run: it would leave `setup-ran` in the test's HOME. */
const NEVER_RUN = 'echo ran > "$HOME/setup-ran"\n';

/**
 * A directory registry listing demo@1.0.0 for `platform`: the source package (scripts only) and,
 * for the same platform, the prebuilt environment `demo-1.0.0-<platform>.tar.gz` (a real runnable
 * tree). Both contain a setup script that must never run on a prebuilt install.
 */
async function directoryRegistry(platform: string, prebuilt: Buffer) {
  const dir = await testdir();
  const folder = join(dir, 'releases', 'download', TAG);
  await mkdir(folder, { recursive: true });
  const source = tgzBytes([{ path: 'demo/', type: '5' }, ...['setup.sh', `setup-${platform}.sh`].map((f) => ({ path: `demo/${f}`, content: NEVER_RUN, mode: 0o755 }))]);
  const prebuiltFile = `demo-1.0.0-${platform}.tar.gz`;
  await writeFile(join(folder, SOURCE_FILE), source);
  await writeFile(join(folder, prebuiltFile), prebuilt);
  const entry: RegistryEntry = {
    version: '1.0.0', description: 'demo', download_url: `releases/download/${TAG}/${SOURCE_FILE}`, checksum: sha256(source), size: source.length, platforms: [platform],
    prebuilt: { [platform]: { download_url: `releases/download/${TAG}/${prebuiltFile}`, checksum: sha256(prebuilt), size: prebuilt.length } },
  };
  await writeRegistry(join(dir, 'registry.json'), addEntry(emptyRegistry(new Date(0)), 'demo', entry, new Date(0)).registry);
  return { dir, source, prebuiltFile };
}

// Under a truthy CI a missing bwrap is not skipped: exec then fails with the install hint.
describe.skipIf(!hasBwrap && !process.env.CI)('runway runtime install of a prebuilt environment, then exec in it (real bubblewrap)', () => {
  let platform: string;
  let prebuilt: Buffer;
  beforeAll(async () => {
    platform = await hostPlatform();
    prebuilt = await prebuiltPackage('demo', '1.0.0', { 'setup.sh': NEVER_RUN, [`setup-${platform}.sh`]: NEVER_RUN });
  });

  it('installs the host platform\'s prebuilt environment over HTTP (nothing executed), --source takes the source package, and exec runs in it as a job', async () => {
    const reg = await directoryRegistry(platform, prebuilt);
    const served = await serveDir(reg.dir);
    const home = await testdir();
    const dir = join(home, 'rt');

    const info = await runway(['runtime', 'info', 'demo@1.0.0', '--registry', `${served.url}/`], home);
    expect(info.stdout).toContain(`prebuilt:  ${platform}`);

    // --setup is asked for, but a prebuilt environment has nothing to set up: no script of it runs.
    const install = await runway(['runtime', 'install', 'demo', '--registry', `${served.url}/`, '--dir', dir, '--setup', '--json'], home);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(JSON.parse(install.stdout)).toMatchObject({ version: '1.0.0', outcome: 'installed', artifact: { kind: 'prebuilt', platform }, checksum: sha256(prebuilt) });
    expect(install.stderr).toContain(`the prebuilt environment for ${platform} needs no setup`);
    expect(existsSync(join(home, 'setup-ran'))).toBe(false);
    expect(served.hits).toContain(`/releases/download/${TAG}/${reg.prebuiltFile}`);
    expect(served.hits).not.toContain(`/releases/download/${TAG}/${SOURCE_FILE}`);
    const installed = join(dir, 'demo-1.0.0');
    expect((await readdir(installed)).sort()).toEqual(['.runway-install.json', 'isolated', 'runtime.yml', 'setup.sh', `setup-${platform}.sh`].sort());
    const receipt = JSON.parse(await readFile(join(installed, '.runway-install.json'), 'utf8'));
    expect(receipt).toMatchObject({ name: 'demo', version: '1.0.0', checksum: sha256(prebuilt), size: prebuilt.length, setup: null, artifact: { kind: 'prebuilt', platform } });

    // --source forces the source package (into another folder: one version installs once per folder).
    const sourceDir = join(home, 'src');
    const source = await runway(['runtime', 'install', 'demo@1.0.0', '--source', '--registry', `${served.url}/`, '--dir', sourceDir], home);
    expect(source.stdout).toBe(`installed demo@1.0.0 into ${join(sourceDir, 'demo-1.0.0')}`);
    expect((await readdir(join(sourceDir, 'demo-1.0.0'))).sort()).toEqual(['.runway-install.json', 'setup.sh', `setup-${platform}.sh`].sort());
    expect(JSON.parse(await readFile(join(sourceDir, 'demo-1.0.0', '.runway-install.json'), 'utf8'))).toMatchObject({ checksum: sha256(reg.source), artifact: { kind: 'source', platform } });
    // Over the prebuilt install, the source package is refused rather than mixed in.
    const mixed = await runway(['runtime', 'install', 'demo@1.0.0', '--source', '--registry', `${served.url}/`, '--dir', dir], home);
    expect([mixed.exitCode, mixed.stderr]).toEqual([1, expect.stringContaining(`already installed at ${installed} from its prebuilt environment for ${platform}, not its source package`)]);

    // Exit code and output pass through.
    const run = await runway(['runtime', 'exec', 'demo', '--dir', dir, '--', 'bash', '-c', 'echo out; echo err >&2; exit 7'], home);
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([7, 'out', 'err']);
    const ok = await runway(['runtime', 'exec', 'demo@1.0.0', '--dir', dir, '--', 'bash', '-c', 'echo "$PATH $HOME"'], home);
    expect([ok.exitCode, ok.stdout, ok.stderr]).toEqual([0, '/usr/bin:/bin /tmp', '']);

    // Only the runtime's mounts: the host's files (its HOME, the registry, /work) are not there; writes to the runtime are refused.
    const probe = await runway(['runtime', 'exec', 'demo', '--dir', dir, '--', 'bash', '-c',
      `ls /; ls ${home} ${reg.dir} 2>&1; type sort 2>&1; echo x > /usr/bin/new; echo x > /bin/new; echo x > /new; echo kept > /tmp/t && cat /tmp/t`], home);
    expect(probe.exitCode).toBe(0);
    expect(probe.stdout.split('\n').slice(0, 8).sort()).toEqual(['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'tmp', 'usr'].sort());
    expect(probe.stdout).toContain(`ls: cannot access '${home}': No such file or directory`);
    expect(probe.stdout).toContain(`ls: cannot access '${reg.dir}': No such file or directory`);
    expect(probe.stdout).toMatch(/sort: not found/);
    expect(probe.stdout.endsWith('kept')).toBe(true);
    for (const path of ['/usr/bin/new', '/bin/new', '/new']) expect(probe.stderr).toContain(`${path}: Read-only file system`);
    // The runtime is exactly as installed, and nothing of any setup script ever ran.
    const verify = await runway(['runtime', 'verify', 'demo@1.0.0', '--dir', dir, '--registry', `${served.url}/`, '--json'], home);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, problems: [] });
    expect(existsSync(join(home, 'setup-ran'))).toBe(false);

    // A source package installed without setup has no runtime.yml: a clear error with the fix.
    const noEnv = await runway(['runtime', 'exec', 'demo', '--dir', sourceDir, '--', 'bash', '-c', 'true'], home);
    expect(noEnv.exitCode).toBe(1);
    expect(noEnv.stderr).toContain(`demo@1.0.0 at ${join(sourceDir, 'demo-1.0.0')} has no runtime.yml: it was installed from its source package without running its setup`);
    const missing = await runway(['runtime', 'exec', 'other', '--dir', dir, '--', 'true'], home);
    expect([missing.exitCode, missing.stderr]).toEqual([1, expect.stringContaining(`other is not installed in ${dir}`)]);
    const notThatVersion = await runway(['runtime', 'exec', 'demo@2.0.0', '--dir', dir, '--', 'true'], home);
    expect([notThatVersion.exitCode, notThatVersion.stderr]).toEqual([1, expect.stringMatching(/demo@2\.0\.0 is not installed .*\n {2}fix: installed versions: 1\.0\.0/)]);
    const noBwrap = await runway(['runtime', 'exec', 'demo', '--dir', dir, '--', 'true'], home, { env: { RUNWAY_BWRAP: join(home, 'no-bwrap') } });
    expect([noBwrap.exitCode, noBwrap.stderr]).toEqual([1, expect.stringContaining('apt-get install bubblewrap')]);
    expect(noBwrap.stderr).not.toContain('internal error');

    // remove works on a prebuilt install like on any other.
    expect((await runway(['runtime', 'remove', 'demo@1.0.0', '--dir', dir], home)).exitCode).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('with a pinned key, accepts the prebuilt environment when the signed provenance names its sha256, and refuses it when not', async () => {
    const a = await releaseKey('release-a');
    const reg = await SignedRegistry.create(a.key);
    const published = await reg.publish('demo', '1.0.0', { 'setup.sh': NEVER_RUN }, [platform]);
    const prebuiltFile = `demo-1.0.0-${platform}.tar.gz`;
    await writeFile(join(published.folder, prebuiltFile), prebuilt);
    reg.registry.runtimes.demo['1.0.0'].prebuilt = { [platform]: { download_url: `releases/download/${TAG}/${prebuiltFile}`, checksum: sha256(prebuilt), size: prebuilt.length } };
    const assets = [{ name: published.file, sha256: sha256(published.bytes).slice(7) }, { name: prebuiltFile, sha256: sha256(prebuilt).slice(7) }];

    // Provenance naming only the source package: the prebuilt environment is refused before its download.
    await reg.writeTrustFiles(published.folder, TAG, 'demo', '1.0.0', assets.slice(0, 1));
    await reg.writeIndex();
    const served = await serveDir(reg.dir);
    const home = await testdir();
    const refused = await runway(['runtime', 'install', 'demo', '--registry', `${served.url}/`, '--key', a.publicKeyFile], home);
    expect(refused.stderr).toMatch(/demo@1\.0\.0: .*does not name this package/);
    expect(refused.exitCode).toBe(1);
    expect(await readdir(join(home, 'runtimes')).catch(() => [])).toEqual([]);
    expect(served.hits).not.toContain(`/releases/download/${TAG}/${prebuiltFile}`);

    // Provenance naming it: installed, and the receipt keeps the provenance that names the prebuilt sha256.
    await reg.writeTrustFiles(published.folder, TAG, 'demo', '1.0.0', assets);
    await reg.writeIndex();
    const accepted = await runway(['runtime', 'install', 'demo', '--registry', `${served.url}/`, '--key', a.publicKeyFile, '--json'], home);
    expect(accepted.stderr).toBe('');
    expect(JSON.parse(accepted.stdout)).toMatchObject({ outcome: 'installed', artifact: { kind: 'prebuilt', platform }, verified: { key_id: a.key.publicKey.keyId } });
    const receipt = JSON.parse(await readFile(join(home, 'runtimes', 'demo-1.0.0', '.runway-install.json'), 'utf8'));
    expect(receipt).toMatchObject({ checksum: sha256(prebuilt), artifact: { kind: 'prebuilt', platform }, trust: { provenance: { key_id: a.key.publicKey.keyId, subject: prebuiltFile } } });
    const verify = await runway(['runtime', 'verify', 'demo@1.0.0', '--key', a.publicKeyFile], home);
    expect([verify.exitCode, verify.stdout]).toEqual([0, expect.stringContaining('its package is the one the signed provenance names')]);
    const run = await runway(['runtime', 'exec', 'demo', '--', 'bash', '-c', 'echo signed'], home);
    expect([run.exitCode, run.stdout]).toEqual([0, 'signed']);
  });
});
