import { generateKeyPairSync } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { checkIndex, formatPrivateKey, parseSha256Sums, signingKeyFromKeyObject, SUMS_NAMESPACE, verifySshsig } from '@runway/trust';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { git, gitWorkspace, payloadFiles, runtimeFiles } from '../testing/fixtures';
import { treeHash } from '@runway/test-utils';
import { releaseUmbrella, type UmbrellaOptions } from './release-umbrella';

const projects = [{ root: 'payloads/web' }, { root: 'runtimes/alpha' }];

function options(root: string, env: NodeJS.ProcessEnv, overrides: Partial<UmbrellaOptions> = {}): UmbrellaOptions & { logger: ReturnType<typeof memoryLogger> } {
  return {
    workspaceRoot: root, projects, trigger: umbrellaTrigger('refs/tags/v3.0.0-rc.1'), overridableTags: DEFAULT_OVERRIDABLE_TAGS, dryRun: false,
    target: { kind: 'directory', dir: join(root, 'dist', 'registry') }, env, renderer: 'silent',
    policy: normalizeReleasePolicy({ changelog: { scope: 'none' } }),
    ...overrides,
    logger: memoryLogger(),
  };
}

describe('an RC umbrella vX.Y.Z-rc.N into a directory', () => {
  it('publishes every project at X.Y.Z as assets of the one RC folder, with a signed RC registry and one SHA256SUMS; burns no version', async () => {
    const { root } = await gitWorkspace({ ...runtimeFiles('alpha', '2.0.0'), ...payloadFiles('web', '0.3.0') }, { origin: true });
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    const env = { RUNWAY_SIGNING_KEY: formatPrivateKey(key) };
    const head = await git(root, ['rev-parse', 'HEAD']);

    const before = await treeHash(root);
    const dry = options(root, env, { dryRun: true });
    expect(await releaseUmbrella(dry)).toMatchObject({ status: 'planned', tag: 'v3.0.0-rc.1' });
    expect(await treeHash(root)).toBe(before);
    expect(dry.logger.lines.join('\n')).toContain('no <name>@3.0.0 tag, no entry in the main registry');

    const result = await releaseUmbrella(options(root, env));
    if (result.status !== 'released') throw new Error(`unexpected ${result.status}`);
    expect(result.commit).toBe(head);
    expect(await git(root, ['rev-parse', `${result.releaseCommit}^`])).toBe(head);
    const registryDir = join(root, 'dist/registry');
    const folder = join(registryDir, 'releases/download/v3.0.0-rc.1');
    expect((await readdir(folder)).sort()).toEqual([
      'SHA256SUMS', 'SHA256SUMS.sig', 'alpha-3.0.0.cdx.json', 'alpha-3.0.0.tar.gz', 'alpha-3.0.0.tar.gz.sha256',
      'provenance.intoto.jsonl', 'registry.json', 'registry.json.sig', 'umbrella.json',
      'web-3.0.0.cdx.json', 'web-3.0.0.tar.gz', 'web-3.0.0.tar.gz.sha256',
    ]);
    // Nothing stable: no project tag, no main registry, no per-project folder.
    expect(await git(root, ['tag', '--list'])).toBe('');
    await expect(access(join(registryDir, 'registry.json'))).rejects.toThrow();
    expect((await readdir(join(registryDir, 'releases/download'))).filter((n) => !n.startsWith('.'))).toEqual(['v3.0.0-rc.1']);

    const read = (name: string) => readFile(join(folder, name));
    const sums = await read('SHA256SUMS');
    expect(verifySshsig({ message: sums, signature: await read('SHA256SUMS.sig'), pinnedKeys: [key.publicKey], namespace: SUMS_NAMESPACE }).ok).toBe(true);
    const listed = parseSha256Sums(sums.toString('utf8')).map((s) => s.name).sort();
    expect(listed).toEqual(['alpha-3.0.0.cdx.json', 'alpha-3.0.0.tar.gz', 'alpha-3.0.0.tar.gz.sha256', 'registry.json', 'umbrella.json', 'web-3.0.0.cdx.json', 'web-3.0.0.tar.gz', 'web-3.0.0.tar.gz.sha256']);

    const index = checkIndex({ bytes: await read('registry.json'), signature: (await read('registry.json.sig')).toString('utf8'), pinnedKeys: [key.publicKey], now: new Date() });
    if (!index.ok) throw new Error(index.message);
    const rcRegistry = index.document as { runtimes: Record<string, Record<string, { download_url: string; sbom_url: string; checksum: string }>>; payloads: Record<string, unknown> };
    const alpha = rcRegistry.runtimes.alpha['3.0.0'];
    // URLs relative to the RC registry file: it sits next to the packages.
    expect(alpha).toMatchObject({ download_url: 'alpha-3.0.0.tar.gz', sbom_url: 'alpha-3.0.0.cdx.json' });
    const line = parseSha256Sums(sums.toString('utf8')).find((s) => s.name === 'alpha-3.0.0.tar.gz')!;
    expect(alpha.checksum).toBe(`sha256:${line.sha256}`);
    expect(Object.keys(rcRegistry.payloads)).toEqual(['web']);
    expect(JSON.parse((await read('umbrella.json')).toString('utf8'))).toMatchObject({ tag: 'v3.0.0-rc.1', commit: head, release_commit: result.releaseCommit });

    // An RC is never rebuilt: a re-run keeps every byte that may have been validated.
    const snapshot = await treeHash(registryDir);
    expect(await releaseUmbrella(options(root, env))).toMatchObject({ status: 'nothing-to-do', reason: expect.stringContaining('never rebuilt') });
    expect(await treeHash(registryDir)).toBe(snapshot);
  });
});
