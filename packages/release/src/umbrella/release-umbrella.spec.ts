import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { checkIndex, formatPrivateKey, INTOTO_PAYLOAD_TYPE, parseEnvelopeLines, parseProvenance, signingKeyFromKeyObject, SUMS_NAMESPACE, verifyEnvelope, verifySshsig } from '@runway/trust';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { commitAll, git, gitWorkspace, payloadFiles, runtimeFiles } from '../testing/fixtures';
import { treeHash } from '@runway/test-utils';
import { releaseUmbrella, type UmbrellaOptions } from './release-umbrella';

const projects = [{ root: 'payloads/web' }, { root: 'runtimes/alpha' }, { root: 'runtimes/beta' }];

async function workspace() {
  return gitWorkspace({ ...runtimeFiles('alpha', '1.0.0'), ...runtimeFiles('beta', '2.1.0'), ...payloadFiles('web', '0.3.0') }, { origin: true });
}

function options(root: string, overrides: Partial<UmbrellaOptions> = {}): UmbrellaOptions & { logger: ReturnType<typeof memoryLogger> } {
  return {
    workspaceRoot: root, projects, trigger: umbrellaTrigger(undefined, 'v3.0.0'), overridableTags: DEFAULT_OVERRIDABLE_TAGS, dryRun: false,
    target: { kind: 'directory', dir: join(root, 'dist', 'registry') }, env: {}, renderer: 'silent',
    // These specs are about the umbrella's mechanics; the policy gates have their own spec.
    policy: normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } }),
    ...overrides,
    logger: memoryLogger(),
  };
}

describe('releaseUmbrella into a directory', () => {
  it('a bulk vX.Y.Z dry run changes nothing: no file, no ref, no manifest, whatever it plans', async () => {
    const { root } = await workspace();
    const before = await treeHash(root);
    const opts = options(root, { dryRun: true });
    const result = await releaseUmbrella(opts);
    expect(result).toMatchObject({ status: 'planned', tag: 'v3.0.0' });
    expect(await treeHash(root)).toBe(before);
    const log = opts.logger.lines.join('\n');
    expect(log).toMatch(/release commit [0-9a-f]{12}: [0-9a-f]{12} with 3 manifest\(s\) set to 3\.0\.0/);
    expect(log).toMatch(/\| alpha \| 3\.0\.0 \| `[0-9a-f]{64}` \|/);
  });

  it('releases every project from one deterministic release commit; the working tree is never rewritten', async () => {
    const { root } = await workspace();
    const head = await git(root, ['rev-parse', 'HEAD']);
    const manifest = await readFile(join(root, 'runtimes/alpha/manifest.yaml'), 'utf8');
    const planned = await releaseUmbrella(options(root, { dryRun: true }));
    const result = await releaseUmbrella(options(root));
    if (result.status !== 'released' || planned.status !== 'planned') throw new Error(`unexpected ${result.status}`);
    // The dry run planned the very commit the release then built from.
    expect(result.releaseCommit).toBe(planned.releaseCommit);
    expect(result.commit).toBe(head);
    expect(await git(root, ['rev-parse', `${result.releaseCommit}^`])).toBe(head);
    expect(await readFile(join(root, 'runtimes/alpha/manifest.yaml'), 'utf8')).toBe(manifest);
    expect(await git(root, ['status', '--porcelain'])).toBe('');
    for (const tag of ['alpha@3.0.0', 'beta@3.0.0', 'web@3.0.0']) expect(await git(root, ['rev-parse', `${tag}^{commit}`])).toBe(result.releaseCommit);
    expect(result.outcomes.map((o) => [o.tag, o.status, o.commit])).toEqual([
      ['web@3.0.0', 'released', result.releaseCommit], ['alpha@3.0.0', 'released', result.releaseCommit], ['beta@3.0.0', 'released', result.releaseCommit],
    ]);
    const umbrella = JSON.parse(await readFile(join(root, 'dist/registry/releases/download/v3.0.0/umbrella.json'), 'utf8'));
    expect(umbrella).toMatchObject({ tag: 'v3.0.0', commit: head, release_commit: result.releaseCommit });
    const again = await releaseUmbrella(options(root));
    expect(again).toMatchObject({ status: 'released', releaseCommit: result.releaseCommit });
    expect(again.status === 'released' && again.outcomes.every((o) => o.status === 'already-released')).toBe(true);
  });

  it('signs the umbrella\'s own assets and every package, and the registry once per entry; a re-run keeps them byte-identical', async () => {
    const { root } = await gitWorkspace({ ...runtimeFiles('alpha', '3.0.0'), ...runtimeFiles('beta', '3.0.0') });
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    const signed = { projects: [{ root: 'runtimes/alpha' }, { root: 'runtimes/beta' }], env: { RUNWAY_SIGNING_KEY: formatPrivateKey(key) } };
    const dry = options(root, { ...signed, dryRun: true });
    await releaseUmbrella(dry);
    expect(dry.logger.lines.join('\n')).toContain(`would sign v3.0.0: SHA256SUMS, SHA256SUMS.sig, provenance.intoto.jsonl over 1 asset(s) with key ${key.publicKey.keyId}`);
    expect((await releaseUmbrella(options(root, signed))).status).toBe('released');
    const folder = join(root, 'dist/registry/releases/download/v3.0.0');
    const read = (name: string) => readFile(join(folder, name));
    expect((await readdir(folder)).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'provenance.intoto.jsonl', 'umbrella.json']);
    expect(verifySshsig({ message: await read('SHA256SUMS'), signature: await read('SHA256SUMS.sig'), pinnedKeys: [key.publicKey], namespace: SUMS_NAMESPACE }).ok).toBe(true);
    const [envelope] = parseEnvelopeLines(await read('provenance.intoto.jsonl'));
    const checked = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] });
    if (!checked.ok) throw new Error(checked.message);
    expect(parseProvenance(checked.payload)).toMatchObject({
      tag: 'v3.0.0', subjects: [{ name: 'umbrella.json' }],
      projects: [{ name: 'alpha', kind: 'runtime', version: '3.0.0', path: 'runtimes/alpha' }, { name: 'beta', kind: 'runtime', version: '3.0.0', path: 'runtimes/beta' }],
    });
    for (const tag of ['alpha@3.0.0', 'beta@3.0.0']) expect(await readdir(join(root, 'dist/registry/releases/download', tag))).toContain('SHA256SUMS.sig');
    const registry = join(root, 'dist/registry');
    const bytes = await readFile(join(registry, 'registry.json'));
    expect(checkIndex({ bytes, signature: await readFile(join(registry, 'registry.json.sig'), 'utf8'), pinnedKeys: [key.publicKey], now: new Date() })).toMatchObject({ ok: true, serial: 2 });
    const sums = await read('SHA256SUMS.sig');
    expect((await releaseUmbrella(options(root, signed))).status).toBe('released');
    expect(await read('SHA256SUMS.sig')).toEqual(sums);
    expect(await readFile(join(registry, 'registry.json'))).toEqual(bytes);
  });

  it('releases the tagged commit itself when every manifest already says X.Y.Z', async () => {
    const { root } = await gitWorkspace({ ...runtimeFiles('alpha', '3.0.0'), ...runtimeFiles('beta', '3.0.0') });
    const head = await git(root, ['rev-parse', 'HEAD']);
    const result = await releaseUmbrella(options(root, { projects: [{ root: 'runtimes/alpha' }, { root: 'runtimes/beta' }] }));
    expect(result).toMatchObject({ status: 'released', commit: head, releaseCommit: head });
  });

  it('refuses a dirty tree before anything, and a dry run of it warns', async () => {
    const { root } = await workspace();
    await writeFile(join(root, 'runtimes/alpha/setup.sh'), '#!/bin/sh\necho edited\n');
    await expect(releaseUmbrella(options(root))).rejects.toThrow(/uncommitted change\(s\)/);
    const dry = options(root, { dryRun: true });
    expect((await releaseUmbrella(dry)).status).toBe('planned');
    expect(dry.logger.lines.join('\n')).toContain('warning: ');
    await git(root, ['checkout', '--', '.']);
    await expect(releaseUmbrella(options(root, { trigger: umbrellaTrigger('refs/tags/py@1.0.0') }))).resolves.toMatchObject({ status: 'nothing-to-do' });
  });

  it('names a tab-indented manifest with its position (a user error, no stack)', async () => {
    const { root } = await workspace();
    await writeFile(join(root, 'runtimes/beta/manifest.yaml'), 'name: beta\nversion: 2.1.0\nplatforms:\n\t- ubuntu-amd64\n');
    await commitAll(root);
    const err = await releaseUmbrella(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^runtimes\/beta\/manifest\.yaml:\d+:\d+: malformed YAML/);
  });
});
