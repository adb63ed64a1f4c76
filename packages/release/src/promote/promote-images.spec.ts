import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { createDockerApi, createRegistryClient, dockerTestSettings, packBuildContext } from '@runway/publisher-docker';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger, VERIFICATION_FILE } from '@runway/release-policy';
import { testdir } from '@runway/test-utils';
import { formatPrivateKey, signingKeyFromKeyObject } from '@runway/trust';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { git, gitWorkspace, payloadFiles } from '../testing/fixtures';
import { releaseUmbrella } from '../umbrella/release-umbrella';
import { promoteRelease } from './promote-release';

const docker = dockerTestSettings();
const RC = 'v1.0.0-rc.1';

describe.runIf(docker)('runway promote moves the payload images to the RC\'s verified digest (real registry)', () => {
  const s = docker!;

  /** Builds a tiny image whose content names `content` and pushes it as `repository:tag`; returns its digest. */
  async function pushImage(repository: string, content: string, tag: string): Promise<string> {
    const api = createDockerApi(s.env);
    const dir = await testdir({ Dockerfile: `FROM ${s.baseImage}\nCOPY v.txt /v.txt\n`, 'v.txt': `${content}\n` });
    await api.buildImage(await packBuildContext(dir), { dockerfile: 'Dockerfile', tags: [`${repository}:${tag}`], labels: {} });
    return api.pushImage(repository, tag);
  }

  it('points 1.0.0, 1.0, 1 and latest at the validated digest by manifest copy; a moved RC tag refuses first', async () => {
    const { root } = await gitWorkspace(payloadFiles('web', '0.3.0'), { origin: true });
    const env = { RUNWAY_SIGNING_KEY: formatPrivateKey(signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release')) };
    const head = await git(root, ['rev-parse', 'HEAD']);
    await git(root, ['tag', RC, head]);
    const dir = join(root, 'dist/registry');
    const policy = normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } });
    await releaseUmbrella({
      workspaceRoot: root, projects: [{ root: 'payloads/web' }], trigger: umbrellaTrigger(`refs/tags/${RC}`), overridableTags: DEFAULT_OVERRIDABLE_TAGS,
      dryRun: false, target: { kind: 'directory', dir }, env, renderer: 'silent', logger: memoryLogger(), policy,
    });
    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const repository = `${prefix}/runenv-web`;
    const path = repository.slice(s.registry.length + 1);
    const validated = await pushImage(repository, 'validated', '1.0.0-rc.1');
    const validate = (digest: string) => writeFile(join(dir, 'releases/download', RC, VERIFICATION_FILE), JSON.stringify({ tag: RC, commit: head, passed: true, images: { [repository]: digest } }));
    await validate(validated);
    const registry = createRegistryClient({ host: s.registry });
    const images = { prefix, client: (host: string) => createRegistryClient({ host }) };
    const promote = () => promoteRelease({ workspaceRoot: root, target: { kind: 'directory', dir }, rcTag: RC, dryRun: false, env, logger: memoryLogger(), policy, images });

    // Someone pushed other bytes under the RC tag after validation: refused, nothing moved.
    const moved = await pushImage(repository, 'moved', '1.0.0-rc.1');
    expect(moved).not.toBe(validated);
    await expect(promote()).rejects.toThrow(`${repository}'s RC tag now has digest ${moved}, but ${validated} was validated`);
    expect(await registry.manifestDigest(path, '1.0.0')).toBeUndefined();
    expect(await git(root, ['tag', '--list', 'v1.0.0'])).toBe('');

    // Validated again (the moved digest): promoted, every tag at that digest, no rebuild.
    await validate(moved);
    const done = await promote();
    expect(done.plan.actions.filter((a) => a.kind === 'point-image-tag').map((a) => a.kind === 'point-image-tag' && a.tag)).toEqual(['1.0.0', '1.0', '1', 'latest']);
    for (const tag of ['1.0.0', '1.0', '1', 'latest']) expect(await registry.manifestDigest(path, tag)).toBe(moved);
    await expect(promote()).resolves.toMatchObject({ status: 'already-promoted' });
  }, 400_000);
});
