import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { hostPlatform } from '@runway/runtime-client';
import { nxWorkspace, testdir, tgzBytes, type FixtureFile, type NxWorkspace, type RunResult } from '@runway/test-utils';
import { allowedSignersLine, nextIndexFiles, TRUST_FILES } from '@runway/trust';
import { runway } from '../runtime/testing/cli';
import { releaseKey, type ReleaseKey } from '../runtime/testing/signed-registry';

/** No GitHub settings: the release goes to the workspace's directory registry, dist/registry. */
const NO_GITHUB = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, GITHUB_REF: undefined, RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined, RUNWAY_SIGNING_KEY: undefined, CI: 'true' };

/** A runtime installable on this host (its only platform is the host's). */
function runtime(name: string, version: string, platform: string): Record<string, FixtureFile> {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name}"\nplatforms:\n  - ${platform}\n`,
    [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho ${name}\n`, mode: 0o755 },
    [`runtimes/${name}/setup-${platform}.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** A real Nx workspace with `files`, `origin` a bare repository with `main` pushed. */
async function workspace(files: Record<string, FixtureFile>): Promise<NxWorkspace> {
  const ws = await nxWorkspace(files);
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await ws.git(['remote', 'add', 'origin', origin]);
  await ws.git(['push', '-q', '-u', 'origin', 'main']);
  return ws;
}

/** Adds and pushes `files` as a new commit. */
async function commitFiles(ws: NxWorkspace, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) await writeFile(join(ws.dir, path), content);
  await ws.git(['add', '-A']);
  await ws.git(['commit', '-qm', 'change']);
  await ws.git(['push', '-q', 'origin', 'main']);
}

/** Every line of the private key file, armor lines aside: none may appear in any output. */
async function secretLines(key: ReleaseKey): Promise<string[]> {
  return (await readFile(key.privateKeyFile, 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
}

function expectNoSecret(outputs: Array<RunResult | { stdout: string; stderr: string }>, lines: string[]): void {
  for (const out of outputs) for (const line of lines) expect(`${out.stdout}\n${out.stderr}`).not.toContain(line);
}

/** A standard tool with an empty HOME, as on a fresh machine. */
function tool(command: string, args: string[], cwd: string, input?: Buffer) {
  return execa(command, args, { cwd, reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: cwd, LC_ALL: 'C' }, ...(input ? { input } : { stdin: 'ignore' as const }) });
}

/** `ssh-keygen -Y verify` of `<file>.sig` over `<file>` in `dir` with `key` as the only allowed signer. */
async function sshVerify(dir: string, file: string, namespace: string, key: ReleaseKey) {
  const signers = await testdir({ allowed_signers: `${allowedSignersLine('runway-release', key.key.publicKey)}\n` });
  return tool('ssh-keygen', ['-Y', 'verify', '-f', join(signers, 'allowed_signers'), '-I', 'runway-release', '-n', namespace, '-s', join(dir, `${file}.sig`)], dir, await readFile(join(dir, file)));
}

const installed = async (home: string) => readdir(join(home, 'runtimes')).catch(() => [] as string[]);

describe('a signed release into a directory registry (real nx, real keys, ssh-keygen, sha256sum, the client)', { timeout: 480_000 }, () => {
  it('signs the release and the index so standard tools and the pinned client accept them; the key never reaches any output', async () => {
    const platform = await hostPlatform();
    const key = await releaseKey('runway-release');
    const ws = await workspace(runtime('alpha', '1.0.0', platform));
    const signed = { ...NO_GITHUB, RUNWAY_SIGNING_KEY: await readFile(key.privateKeyFile, 'utf8') };
    const registry = join(ws.dir, 'dist', 'registry');
    const folder = join(registry, 'releases', 'download', 'alpha@1.0.0');

    // A dry run names what would be signed and the key's fingerprint, and writes nothing.
    const dry = await ws.nx(['run', 'alpha:release', '--dry-run'], signed);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.all).toContain(`would sign alpha@1.0.0: SHA256SUMS, SHA256SUMS.sig, provenance.intoto.jsonl over 3 asset(s) with key ${key.key.publicKey.keyId}`);
    expect(dry.all).toMatch(/SHA256SUMS\.sig {2}\d+ bytes {2}sha256:[0-9a-f]{64}/);
    await expect(readdir(registry)).rejects.toThrow(/ENOENT/);

    const first = await ws.nx(['run', 'alpha:release'], signed);
    expect(first.exitCode, first.all).toBe(0);
    expect((await readdir(folder)).sort()).toEqual([
      'SHA256SUMS', 'SHA256SUMS.sig', 'alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'provenance.intoto.jsonl', 'release.json',
    ]);
    // The documented checks, with the real tools: the signature of SHA256SUMS, then every asset.
    const sums = await sshVerify(folder, 'SHA256SUMS', 'file', key);
    expect(sums.stdout, sums.stderr).toContain('Good "file" signature for runway-release with ED25519 key');
    const check = await tool('sha256sum', ['-c', 'SHA256SUMS'], folder);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout.split('\n').sort()).toEqual(['alpha-1.0.0.cdx.json: OK', 'alpha-1.0.0.tar.gz.sha256: OK', 'alpha-1.0.0.tar.gz: OK']);
    const index = await sshVerify(registry, 'registry.json', 'runway-registry', key);
    expect(index.stdout, index.stderr).toContain('Good "runway-registry" signature for runway-release');
    const doc = JSON.parse(await readFile(join(registry, 'registry.json'), 'utf8'));
    expect(doc.serial).toBe(1);
    expect(Date.parse(doc.expires) - Date.now()).toBeGreaterThan(89 * 24 * 3600 * 1000);
    // The provenance names the origin, the exact commit, the tag and the project.
    const envelope = JSON.parse(await readFile(join(folder, TRUST_FILES.provenance), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const origin = (await ws.git(['remote', 'get-url', 'origin'])).stdout;
    expect(statement.predicate.buildDefinition.resolvedDependencies[0]).toEqual({ uri: `git+file://${origin}`, digest: { gitCommit: head } });
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ tag: 'alpha@1.0.0', ref: 'refs/tags/alpha@1.0.0', projects: [{ name: 'alpha', kind: 'runtime', version: '1.0.0', path: 'runtimes/alpha' }] });
    expect(envelope.signatures[0].keyid).toBe(key.key.publicKey.keyId);

    // The client, with the key pinned, installs it.
    const home = await testdir();
    const install = await runway(['runtime', 'install', 'alpha', '--registry', registry, '--key', key.publicKeyFile, '--json'], home);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(JSON.parse(install.stdout)).toMatchObject({ version: '1.0.0', outcome: 'installed', verified: { key_id: key.key.publicKey.keyId, index_serial: 1 } });

    // A re-run changes nothing: the same bytes, the same signatures, the same serial.
    const before = await Promise.all(['registry.json', 'registry.json.sig'].map((f) => readFile(join(registry, f))));
    const sig = await readFile(join(folder, 'SHA256SUMS.sig'));
    const again = await ws.nx(['run', 'alpha:release'], signed);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toContain('already-released');
    expect(await Promise.all(['registry.json', 'registry.json.sig'].map((f) => readFile(join(registry, f))))).toEqual(before);
    expect(await readFile(join(folder, 'SHA256SUMS.sig'))).toEqual(sig);

    // The key, given as a path this time, never appears either; nor in a failure.
    const failed = await ws.nx(['run', 'alpha:release'], { ...signed, RUNWAY_SIGNING_KEY: `${(await readFile(key.privateKeyFile, 'utf8')).slice(0, 200)}\n` });
    expect(failed.exitCode).toBe(1);
    expect(failed.all).toContain('RUNWAY_SIGNING_KEY is an incomplete OpenSSH private key');
    expectNoSecret([dry, first, again, failed, install], await secretLines(key));
  });

  it('refuses every tampering of the published directory, and leaves nothing installed', async () => {
    const platform = await hostPlatform();
    const key = await releaseKey('runway-release');
    const other = await releaseKey('someone-else');
    const ws = await workspace({ ...runtime('alpha', '1.0.0', platform), ...runtime('beta', '2.0.0', platform) });
    const signed = { ...NO_GITHUB, RUNWAY_SIGNING_KEY: key.privateKeyFile };
    const registry = join(ws.dir, 'dist', 'registry');
    const alpha = await ws.nx(['run', 'alpha:release'], signed);
    expect(alpha.exitCode, alpha.all).toBe(0);
    const serialOne = await Promise.all(['registry.json', 'registry.json.sig'].map((f) => readFile(join(registry, f))));
    const beta = await ws.nx(['run', 'beta:release'], signed);
    expect(beta.exitCode, beta.all).toBe(0);
    expect(JSON.parse(await readFile(join(registry, 'registry.json'), 'utf8')).serial).toBe(2);

    const outputs: Awaited<ReturnType<typeof runway>>[] = [];
    /** A copy of the published registry, tampered, then `install alpha` with `pin` pinned in a fresh HOME (or `home`). */
    async function attempt(tamper: (dir: string) => Promise<void>, options: { pin?: ReleaseKey; home?: string } = {}) {
      const dir = await testdir();
      await cp(registry, dir, { recursive: true });
      await tamper(dir);
      const home = options.home ?? await testdir();
      const run = await runway(['runtime', 'install', 'alpha@1.0.0', '--registry', dir, '--key', (options.pin ?? key).publicKeyFile], home);
      outputs.push(run);
      return { run, home, dir };
    }
    const expectRefused = async ({ run, home }: { run: Awaited<ReturnType<typeof runway>>; home: string }, message: RegExp) => {
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('internal error');
      expect(run.exitCode).toBe(1);
      expect(await installed(home)).toEqual([]);
    };
    const alphaFolder = (dir: string) => join(dir, 'releases', 'download', 'alpha@1.0.0');
    const editIndex = async (dir: string, edit: (doc: Record<string, any>) => void) => {
      const doc = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
      edit(doc);
      await writeFile(join(dir, 'registry.json'), `${JSON.stringify(doc, null, 2)}\n`);
    };

    // The package swapped for beta's, with its checksum and size updated in registry.json.
    await expectRefused(await attempt(async (dir) => {
      await cp(join(dir, 'releases', 'download', 'beta@2.0.0', 'beta-2.0.0.tar.gz'), join(alphaFolder(dir), 'alpha-1.0.0.tar.gz'));
      await editIndex(dir, (doc) => Object.assign(doc.runtimes.alpha['1.0.0'], { checksum: doc.runtimes.beta['2.0.0'].checksum, size: doc.runtimes.beta['2.0.0'].size }));
    }), /registry\.json\.sig: the signature by SHA256:\S+ does not match the signed bytes/);
    // The package swapped alone (a well-formed alpha package of other content): the signed index names the real checksum.
    await expectRefused(await attempt(async (dir) => {
      await writeFile(join(alphaFolder(dir), 'alpha-1.0.0.tar.gz'), tgzBytes([{ path: 'alpha/', type: '5' }, { path: 'alpha/setup.sh', content: '#!/bin/sh\necho evil\n', mode: 0o755 }]));
    }), /size mismatch|checksum mismatch/i);
    // The index edited (a description), the signature left as it was.
    await expectRefused(await attempt((dir) => editIndex(dir, (doc) => { doc.runtimes.alpha['1.0.0'].description = 'alpha, now with extras'; })),
      /registry\.json\.sig: the signature by SHA256:\S+ does not match the signed bytes/);
    // The signature removed.
    await expectRefused(await attempt((dir) => rm(join(dir, 'registry.json.sig'))), /registry\.json has no signature \(registry\.json\.sig\), but a key is pinned/);
    // A wrong key pinned.
    await expectRefused(await attempt(async () => {}, { pin: other }), /registry\.json\.sig: the signature was made by key SHA256:\S+, which is not pinned/);
    // Expired: an index the publisher signed long ago and never re-signed.
    await expectRefused(await attempt(async (dir) => {
      const doc = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
      const stale = nextIndexFiles({ next: doc, previous: { ...doc, serial: 2 }, key: key.key, now: new Date('2025-01-01T00:00:00Z') });
      await writeFile(join(dir, 'registry.json'), stale.registry);
      await writeFile(join(dir, 'registry.json.sig'), stale.signature!);
    }), /registry\.json expired at 2025-04-01T00:00:00Z \(serial 3\)/);
    // The provenance of another release put in alpha's folder.
    await expectRefused(await attempt(async (dir) => {
      await cp(join(dir, 'releases', 'download', 'beta@2.0.0', TRUST_FILES.provenance), join(alphaFolder(dir), TRUST_FILES.provenance));
    }), /provenance.*(does not name|not name)/);
    // The provenance removed.
    await expectRefused(await attempt((dir) => rm(join(alphaFolder(dir), TRUST_FILES.provenance))), /provenance/);
    // An older index replayed to a client that saw serial 2: refused as a rollback.
    const home = await testdir();
    const seen = await runway(['runtime', 'install', 'beta@2.0.0', '--registry', registry, '--key', key.publicKeyFile], home);
    expect(seen.exitCode, seen.stderr).toBe(0);
    await writeFile(join(registry, 'registry.json'), serialOne[0]);
    await writeFile(join(registry, 'registry.json.sig'), serialOne[1]);
    const rollback = await runway(['runtime', 'install', 'alpha@1.0.0', '--registry', registry, '--key', key.publicKeyFile], home);
    outputs.push(seen, rollback);
    expect(rollback.stderr).toMatch(/registry\.json has serial 1, older than serial 2 already seen from this registry/);
    expect(rollback.exitCode).toBe(1);
    expect(await installed(home)).toEqual(['beta-2.0.0']);
    expectNoSecret(outputs, await secretLines(key));
  });

  it('signs an existing unsigned registry from then on, leaving its published entries byte-identical', async () => {
    const platform = await hostPlatform();
    const key = await releaseKey('runway-release');
    const ws = await workspace({ ...runtime('alpha', '1.0.0', platform), ...runtime('beta', '2.0.0', platform) });
    const registry = join(ws.dir, 'dist', 'registry');
    const unsigned = await ws.nx(['run', 'alpha:release'], NO_GITHUB);
    expect(unsigned.exitCode, unsigned.all).toBe(0);
    expect(unsigned.all).toContain('no signing key (RUNWAY_SIGNING_KEY is not set): alpha@1.0.0 is published unsigned, with SHA256SUMS only');
    const before = await readFile(join(registry, 'registry.json'), 'utf8');
    expect(JSON.parse(before).serial).toBeUndefined();
    await expect(readFile(join(registry, 'registry.json.sig'))).rejects.toThrow(/ENOENT/);

    const signed = await ws.nx(['run', 'beta:release'], { ...NO_GITHUB, RUNWAY_SIGNING_KEY: key.privateKeyFile });
    expect(signed.exitCode, signed.all).toBe(0);
    const after = await readFile(join(registry, 'registry.json'), 'utf8');
    const entry = (text: string) => text.slice(text.indexOf('"alpha": {'), text.indexOf('\n    }', text.indexOf('"alpha": {')));
    expect(entry(after)).toBe(entry(before));
    expect(JSON.parse(after).runtimes.alpha).toEqual(JSON.parse(before).runtimes.alpha);
    expect(JSON.parse(after).serial).toBe(1);
    expect((await sshVerify(registry, 'registry.json', 'runway-registry', key)).exitCode).toBe(0);
    // With the key pinned, the version released unsigned has no provenance to check: refused; the signed one installs.
    const home = await testdir();
    const old = await runway(['runtime', 'install', 'alpha@1.0.0', '--registry', registry, '--key', key.publicKeyFile], home);
    expect(old.exitCode).toBe(1);
    expect(old.stderr).toMatch(/provenance/);
    const fresh = await runway(['runtime', 'install', 'beta@2.0.0', '--registry', registry, '--key', key.publicKeyFile], home);
    expect(fresh.exitCode, fresh.stderr).toBe(0);

    // Once signed, the registry is never written unsigned: a release without the key is refused before any change.
    await commitFiles(ws, { 'runtimes/alpha/manifest.yaml': `name: alpha\nversion: 1.1.0\ndescription: "alpha"\nplatforms:\n  - ${platform}\n` });
    const refused = await ws.nx(['run', 'alpha:release'], NO_GITHUB);
    expect(refused.exitCode).toBe(1);
    expect(refused.all).toContain('the registry is signed, but RUNWAY_SIGNING_KEY is not set');
    expect(await readFile(join(registry, 'registry.json'), 'utf8')).toBe(after);
    expect((await ws.git(['tag', '--list', 'alpha@1.1.0'])).stdout).toBe('');
  });

  it('with signing required in nx.json, refuses a release without a key before anything changes', async () => {
    const platform = await hostPlatform();
    const ws = await workspace(runtime('alpha', '1.0.0', platform));
    const nxJson = JSON.parse(await readFile(join(ws.dir, 'nx.json'), 'utf8'));
    nxJson.plugins = nxJson.plugins.map((p: { plugin: string; options?: object }) => (p.plugin === '@runway/nx-plugin' ? { ...p, options: { ...p.options, signing: 'required' } } : p));
    await commitFiles(ws, { 'nx.json': `${JSON.stringify(nxJson, null, 2)}\n` });
    const dry = await ws.nx(['run', 'alpha:release', '--dry-run'], NO_GITHUB);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.all).toContain('a real release would refuse this: alpha@1.0.0 must be signed');
    const run = await ws.nx(['run', 'alpha:release'], NO_GITHUB);
    expect(run.exitCode).toBe(1);
    expect(run.all).toContain('alpha@1.0.0 must be signed (nx.json: @runway/nx-plugin option "signing": "required"), but RUNWAY_SIGNING_KEY is not set');
    expect(run.all).not.toMatch(/\n\s+at /);
    await expect(readdir(join(ws.dir, 'dist', 'registry'))).rejects.toThrow(/ENOENT/);
    expect((await ws.git(['tag', '--list'])).stdout).toBe('');
  });
});
