import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { hostPlatform } from '@runway/runtime-client';
import { testdir } from '@runway/test-utils';
import { allowedSignersLine, TRUST_FILES } from '@runway/trust';
import { runway } from './testing/cli';
import { serveDir } from './testing/serve-dir';
import { releaseKey, SignedRegistry, type ReleaseKey } from './testing/signed-registry';

type Run = Awaited<ReturnType<typeof runway>>;

/** The state file of a test's HOME (the client's default state folder). */
const stateFile = (home: string) => join(home, '.local', 'state', 'runway', 'trust-state.json');
/** What is in the runtimes folder: nothing at all after a refusal (no install, no staging, no lock). */
const installed = async (home: string) => readdir(join(home, 'runtimes')).catch(() => [] as string[]);

/** The base64 body of a private key file: no output may contain any line of it. */
async function privateKeyLines(key: ReleaseKey): Promise<string[]> {
  return (await readFile(key.privateKeyFile, 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
}

function expectNoSecrets(runs: Run[], secrets: string[]): void {
  for (const run of runs) for (const line of secrets) expect(`${run.stdout}\n${run.stderr}`).not.toContain(line);
}

/** Asserts a refusal: exit 1, the reason in stderr, nothing installed, the trust state as it was. */
async function expectRefused(run: Run, home: string, message: RegExp, stateBefore: string | undefined): Promise<void> {
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toContain('internal error');
  expect(run.exitCode).toBe(1);
  expect(await installed(home)).toEqual([]);
  expect(existsSync(stateFile(home)) ? await readFile(stateFile(home), 'utf8') : undefined).toBe(stateBefore);
}

/** Key A, and a registry it signs whose serial 4 lists demo@1.0.0 and whose current serial 5 adds demo@1.1.0. */
async function twoIndexes() {
  const platform = await hostPlatform();
  const a = await releaseKey('release-a');
  const reg = await SignedRegistry.create(a.key);
  await reg.publish('demo', '1.0.0', { 'bin/demo': 'v1' }, [platform]);
  const four = await reg.writeIndex({ serial: 4 });
  await reg.publish('demo', '1.1.0', { 'bin/demo': 'v1.1' }, [platform]);
  await reg.writeIndex({ serial: 5 });
  return { a, reg, four };
}

describe('runway runtime with a pinned key, against a signed directory registry', () => {
  it('installs, records the provenance, and verify re-checks it offline; the index also verifies with ssh-keygen -Y verify', async () => {
    const platform = await hostPlatform();
    const a = await releaseKey('release-a');
    const reg = await SignedRegistry.create(a.key);
    await reg.publish('demo', '1.0.0', { 'bin/demo': 'v1' }, [platform]);
    const index = await reg.writeIndex({ serial: 5 });
    const home = await testdir();

    const list = await runway(['runtime', 'list', '--registry', reg.dir, '--key', a.publicKeyFile, '--json'], home);
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'demo', versions: ['1.0.0'], latest: '1.0.0' }]);
    const install = await runway(['runtime', 'install', 'demo', '--registry', reg.dir, '--key', a.publicKeyLine, '--json'], home);
    expect(install.stderr).toBe('');
    expect(install.exitCode).toBe(0);
    expect(JSON.parse(install.stdout)).toMatchObject({ version: '1.0.0', outcome: 'installed', verified: { key_id: a.key.publicKey.keyId, index_serial: 5 } });
    expect(await installed(home)).toEqual(['demo-1.0.0']);

    const receipt = JSON.parse(await readFile(join(home, 'runtimes', 'demo-1.0.0', '.runway-install.json'), 'utf8'));
    expect(receipt).toMatchObject({ registry: join(reg.dir, 'registry.json'), trust: { index: { serial: 5, key_id: a.key.publicKey.keyId }, provenance: { key_id: a.key.publicKey.keyId, subject: 'demo-1.0.0.tar.gz' } } });
    expect(receipt.trust.provenance.file).toBe(await readFile(join(reg.dir, 'releases', 'download', 'demo@1.0.0', TRUST_FILES.provenance), 'utf8'));
    expect(JSON.parse(await readFile(stateFile(home), 'utf8')).registries[join(reg.dir, 'registry.json')]).toMatchObject({ serial: 5, key_id: a.key.publicKey.keyId });

    // Offline: the recorded provenance is checked against the pinned key; the registry may be gone.
    await rm(reg.dir, { recursive: true });
    const verify = await runway(['runtime', 'verify', 'demo@1.0.0', '--key', a.publicKeyFile], home);
    expect(verify.stdout).toBe(`demo@1.0.0 at ${join(home, 'runtimes', 'demo-1.0.0')}: ok (3 entries match the install receipt; its package is the one the signed provenance names)`);
    const other = await releaseKey('other');
    const wrong = await runway(['runtime', 'verify', 'demo@1.0.0', '--key', other.publicKeyFile], home);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('provenance: provenance.intoto.jsonl: the envelope is signed by');
    expect(wrong.stderr).toContain('not by a pinned key');

    // The standard tool verifies the same signature over the same bytes.
    const signers = await testdir({ allowed_signers: `${allowedSignersLine('runway-release', a.key.publicKey)}\n`, 'registry.json.sig': index.signature! });
    const tool = await execa('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', 'runway-release', '-n', 'runway-registry', '-s', 'registry.json.sig'], {
      cwd: signers, input: index.bytes, reject: false, env: { PATH: process.env.PATH, HOME: signers }, extendEnv: false,
    });
    expect(tool.stdout).toContain('Good "runway-registry" signature for runway-release with ED25519 key');
    expect(tool.exitCode).toBe(0);
    expectNoSecrets([list, install, verify, wrong], await privateKeyLines(a));
  });

  it('refuses every tampering before anything is installed or remembered', async () => {
    const platform = await hostPlatform();
    const a = await releaseKey('release-a');
    const b = await releaseKey('release-b');
    const outputs: Run[] = [];
    /** A fresh registry with demo@1.0.0 and other@1.0.0, signed by A at serial 5; `tamper` changes it; then an install with A pinned. */
    async function attempt(tamper: (reg: SignedRegistry) => Promise<void>, key: ReleaseKey = a) {
      const reg = await SignedRegistry.create(a.key);
      await reg.publish('demo', '1.0.0', { 'bin/demo': 'v1' }, [platform]);
      await reg.publish('other', '1.0.0', { 'bin/other': 'o1' }, [platform]);
      await reg.writeIndex({ serial: 5 });
      await tamper(reg);
      const home = await testdir();
      const run = await runway(['runtime', 'install', 'demo@1.0.0', '--registry', reg.dir, '--key', key.publicKeyFile], home);
      outputs.push(run);
      return { run, home };
    }
    const demoFolder = (reg: SignedRegistry) => join(reg.dir, 'releases', 'download', 'demo@1.0.0');
    const cases: Array<[string, (reg: SignedRegistry) => Promise<void>, RegExp, ReleaseKey?]> = [
      ['a swapped package whose checksum and size were swapped in the index too', async (reg) => {
        const evil = await readFile(join(reg.dir, 'releases', 'download', 'other@1.0.0', 'other-1.0.0.tar.gz'));
        await writeFile(join(demoFolder(reg), 'demo-1.0.0.tar.gz'), evil);
        const text = await readFile(join(reg.dir, 'registry.json'), 'utf8');
        const doc = JSON.parse(text);
        Object.assign(doc.runtimes.demo['1.0.0'], { checksum: doc.runtimes.other['1.0.0'].checksum, size: doc.runtimes.other['1.0.0'].size });
        await writeFile(join(reg.dir, 'registry.json'), JSON.stringify(doc, null, 2));
      }, /error: registry .*: registry\.json\.sig: the signature by SHA256:\S+ does not match the signed bytes/],
      ['a tampered index', async (reg) => {
        await writeFile(join(reg.dir, 'registry.json'), (await readFile(join(reg.dir, 'registry.json'), 'utf8')).replace('"demo 1.0.0"', '"demo 1.0.0 (now with extras)"'));
      }, /registry\.json\.sig: the signature by SHA256:\S+ does not match the signed bytes \(they or the signature were changed\)\n {2}fix: /],
      ['an expired index', async (reg) => void (await reg.writeIndex({ serial: 6, expires: '2024-01-01T00:00:00Z' })),
        /registry\.json expired at 2024-01-01T00:00:00Z \(serial 6\)/],
      ['an index signed by another key', async (reg) => void (await reg.writeIndex({ serial: 6, signWith: b.key })),
        /registry\.json\.sig: the signature was made by key SHA256:\S+, which is not pinned\n {2}fix: it is signed by a key you have not pinned/],
      ['a missing index signature', async (reg) => void (await reg.writeIndex({ serial: 6, signWith: null })),
        /registry\.json has no signature \(registry\.json\.sig\), but a key is pinned for this registry/],
      ['an index signature for other bytes', async (reg) => {
        await copyFile(join(reg.dir, 'registry.json.sig'), join(reg.dir, 'kept.sig'));
        await reg.writeIndex({ serial: 6 });
        await copyFile(join(reg.dir, 'kept.sig'), join(reg.dir, 'registry.json.sig'));
      }, /does not match the signed bytes/],
      ['the provenance of another package', async (reg) => {
        await copyFile(join(reg.dir, 'releases', 'download', 'other@1.0.0', TRUST_FILES.provenance), join(demoFolder(reg), TRUST_FILES.provenance));
      }, /error: demo@1\.0\.0: the signed provenance of other@1\.0\.0 does not name this package \(sha256 [0-9a-f]{64}\)/],
      ['a missing provenance', async (reg) => rm(join(demoFolder(reg), TRUST_FILES.provenance)),
        /error: demo@1\.0\.0: the release publishes no provenance \(provenance\.intoto\.jsonl\), but a key is pinned for this registry/],
      ['a provenance signed by a key not pinned', async (reg) => {
        await reg.writeTrustFiles(demoFolder(reg), 'demo@1.0.0', 'demo', '1.0.0', [{ name: 'demo-1.0.0.tar.gz', sha256: reg.registry.runtimes.demo['1.0.0'].checksum.slice(7) }], b.key);
      }, /error: demo@1\.0\.0: provenance\.intoto\.jsonl: the envelope is signed by "SHA256:\S+", not by a pinned key/],
      ['a pinned key that signed nothing here', async () => undefined, /which is not pinned/, b],
    ];
    for (const [what, tamper, message, key] of cases) {
      const { run, home } = await attempt(tamper, key);
      await expectRefused(run, home, message, undefined).catch((err: Error) => {
        throw new Error(`${what}: ${err.message}`);
      });
    }
    expectNoSecrets(outputs, [...(await privateKeyLines(a)), ...(await privateKeyLines(b))]);
  });

  it('refuses a replayed older index once a newer one was seen, and verify --registry too', async () => {
    const { a, reg, four: old } = await twoIndexes();
    const home = await testdir();
    const first = await runway(['runtime', 'install', 'demo@1.1.0', '--registry', reg.dir, '--key', a.publicKeyFile], home);
    expect(first.exitCode).toBe(0);
    const state = await readFile(stateFile(home), 'utf8');
    expect(JSON.parse(state).registries[join(reg.dir, 'registry.json')].serial).toBe(5);

    // An attacker (or a stale mirror) serves the validly signed serial 4 again.
    await writeFile(join(reg.dir, 'registry.json'), old.bytes);
    await writeFile(join(reg.dir, 'registry.json.sig'), old.signature!);
    const replay = await runway(['runtime', 'install', 'demo@1.0.0', '--registry', reg.dir, '--key', a.publicKeyFile], home);
    expect(replay.stderr).toMatch(/registry\.json has serial 4, older than serial 5 already seen from this registry \(an old index is being replayed\)/);
    expect(replay.exitCode).toBe(1);
    expect(await installed(home)).toEqual(['demo-1.1.0']);
    expect(await readFile(stateFile(home), 'utf8')).toBe(state);
    const verify = await runway(['runtime', 'verify', 'demo@1.1.0', '--registry', reg.dir, '--key', a.publicKeyFile], home);
    expect(verify.stderr).toContain('older than serial 5');
    expect(verify.exitCode).toBe(1);
    // The same serial again is fine (the index fetched twice).
    await reg.writeIndex({ serial: 5 });
    expect((await runway(['runtime', 'verify', 'demo@1.1.0', '--registry', reg.dir, '--key', a.publicKeyFile], home)).exitCode).toBe(0);

    // A state file that cannot be read is an error, never a fresh start.
    await writeFile(stateFile(home), '{ "version": 1, "registries": ');
    const broken = await runway(['runtime', 'list', '--registry', reg.dir, '--key', a.publicKeyFile], home);
    expect(broken.stderr).toMatch(/error: .*trust-state\.json: not JSON\n {2}fix: restore the file from a backup/);
    expect(broken.exitCode).toBe(1);
    expect((await runway(['runtime', 'list', '--registry', reg.dir], home)).exitCode).toBe(0); // no key: no state read
  });

  it('accepts an index signed by either of two pinned keys (rotation), from --key or the config file, and refuses a third', async () => {
    const platform = await hostPlatform();
    const [a, b, c] = await Promise.all([releaseKey('current'), releaseKey('next'), releaseKey('stranger')]);
    const reg = await SignedRegistry.create(a.key);
    await reg.publish('demo', '1.0.0', { 'bin/demo': 'v1' }, [platform]);
    await reg.writeIndex();
    const home = await testdir();
    const both = ['--key', a.publicKeyFile, '--key', b.publicKeyLine];
    const byA = await runway(['runtime', 'install', 'demo@1.0.0', '--registry', reg.dir, ...both], home);
    expect(byA.stdout).toBe(`installed demo@1.0.0 into ${join(home, 'runtimes', 'demo-1.0.0')} (verified: signed by ${a.key.publicKey.keyId})`);

    // The publisher rotates: the next release and the index are signed by B.
    await reg.publish('demo', '1.1.0', { 'bin/demo': 'v1.1' }, [platform], b.key);
    await reg.writeIndex({ signWith: b.key });
    const byB = await runway(['runtime', 'install', 'demo@1.1.0', '--registry', reg.dir, ...both], home);
    expect(byB.stdout).toBe(`installed demo@1.1.0 into ${join(home, 'runtimes', 'demo-1.1.0')} (verified: signed by ${b.key.publicKey.keyId})`);
    expect(byB.exitCode).toBe(0);

    // The same two keys from the config file's keys: (a file relative to it, and a line), for --registry naming the same folder too.
    await copyFile(a.publicKeyFile, join(home, 'current.pub'));
    await writeFile(join(home, 'registries.yaml'), `registries:\n  - source: ${reg.dir}\n    keys:\n      - current.pub\n      - ${b.publicKeyLine}\n`);
    const fromConfig = await runway(['runtime', 'info', 'demo@1.1.0', '--json'], home);
    expect(fromConfig.stderr).toBe('');
    expect(JSON.parse(fromConfig.stdout).version).toBe('1.1.0');
    expect((await runway(['runtime', 'verify', 'demo@1.0.0'], home)).stdout).toContain('its package is the one the signed provenance names');

    await reg.publish('demo', '1.2.0', { 'bin/demo': 'v1.2' }, [platform], c.key);
    await reg.writeIndex({ signWith: c.key });
    for (const run of [
      await runway(['runtime', 'install', 'demo@1.2.0', '--registry', reg.dir, ...both], home),
      await runway(['runtime', 'install', 'demo@1.2.0', '--registry', reg.dir], home),
    ]) {
      expect(run.stderr).toMatch(/registry\.json\.sig: the signature was made by key SHA256:\S+, which is not pinned/);
      expect(run.exitCode).toBe(1);
    }
    expect(await installed(home)).toEqual(['demo-1.0.0', 'demo-1.1.0']);
  });

  it('says in one line on stderr that a registry is unsigned, or signed but not verified, and keeps --json clean', async () => {
    const platform = await hostPlatform();
    const a = await releaseKey('release-a');
    const reg = await SignedRegistry.create(a.key);
    await reg.publish('demo', '1.0.0', { 'bin/demo': 'v1' }, [platform]);
    await reg.writeIndex();
    const home = await testdir();
    const signed = await runway(['runtime', 'list', '--registry', reg.dir, '--json'], home);
    expect(signed.stderr).toBe(`warning: registry ${reg.dir} is signed but no key is pinned: not verified (pin the publisher's public key with --key, or keys: in ${join(home, 'registries.yaml')})`);
    expect(JSON.parse(signed.stdout)).toHaveLength(1);
    await rm(join(reg.dir, 'registry.json.sig'));
    const unsigned = await runway(['runtime', 'install', 'demo', '--registry', reg.dir, '--json'], home);
    expect(unsigned.stderr).toBe(`warning: registry ${reg.dir} is unsigned: its packages are checked against the checksums it lists, but nothing proves who published it`);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ outcome: 'installed' });
    expect(JSON.parse(unsigned.stdout).verified).toBeUndefined();
    expect(existsSync(stateFile(home))).toBe(false);

    // Installed without a key: verify with one cannot vouch for it.
    const verify = await runway(['runtime', 'verify', 'demo@1.0.0', '--key', a.publicKeyFile], home);
    expect(verify.stderr).toContain('installed without a pinned key: no verified provenance was recorded');
    expect(verify.exitCode).toBe(1);
    // A private key given as --key is refused without being echoed.
    const secret = await runway(['runtime', 'list', '--registry', reg.dir, '--key', a.privateKeyFile], home);
    expect(secret.exitCode).toBe(1);
    expectNoSecrets([signed, unsigned, verify, secret], await privateKeyLines(a));
  });
});

describe('runway runtime with a pinned key, over HTTP', () => {
  it('verifies the cached registry with the signature cached with it, refetches a torn pair once, and refuses a replay', async () => {
    const { a, reg, four } = await twoIndexes();
    const { url, hits } = await serveDir(reg.dir);
    const home = await testdir();
    const key = ['--registry', `${url}/`, '--key', a.publicKeyFile];

    const install = await runway(['runtime', 'install', 'demo@1.1.0', ...key, '--json'], home);
    expect(install.stderr).toBe('');
    expect(JSON.parse(install.stdout)).toMatchObject({ outcome: 'installed', verified: { index_serial: 5 } });
    expect(hits).toEqual(['/registry.json', '/registry.json.sig', `/releases/download/demo@1.1.0/${TRUST_FILES.provenance}`, '/releases/download/demo@1.1.0/demo-1.1.0.tar.gz']);

    // The server's registry changes without its signature (a publish half done): the cached pair is still used as a pair.
    await writeFile(join(reg.dir, 'registry.json'), (await readFile(join(reg.dir, 'registry.json'), 'utf8')).replace('"demo 1.1.0"', '"demo 1.1.0 changed"'));
    hits.length = 0;
    expect((await runway(['runtime', 'info', 'demo@1.1.0', ...key], home)).exitCode).toBe(0);
    expect(hits).toEqual([]);
    // Asked again, the server's torn pair is refused after one more fetch of both.
    const torn = await runway(['runtime', 'info', 'demo@1.1.0', ...key, '--refresh'], home);
    expect(torn.stderr).toMatch(/does not match the signed bytes/);
    expect(torn.exitCode).toBe(1);
    expect(hits).toEqual(['/registry.json', '/registry.json.sig', '/registry.json', '/registry.json.sig']);

    // A replay of serial 4 over HTTP is refused, cache or not.
    await writeFile(join(reg.dir, 'registry.json'), four.bytes);
    await writeFile(join(reg.dir, 'registry.json.sig'), four.signature!);
    const replay = await runway(['runtime', 'install', 'demo@1.0.0', ...key, '--refresh'], home);
    expect(replay.stderr).toMatch(/registry\.json has serial 4, older than serial 5 already seen/);
    expect(replay.exitCode).toBe(1);
    expect(await installed(home)).toEqual(['demo-1.1.0']);
  });
});
