import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { createRegistryClient, dockerTestSettings } from '@runway/publisher-docker';
import { publishRunenvImage } from '../image/publish-runenv-image';
import { git, gitWorkspace } from '../testing/fixtures';
import { validateRelease } from './validate-release';

const docker = dockerTestSettings();

/**
 * A payload image published for real (`publishRunenvImage`: build, smoke, push, digest check) to
 * the test registry under a fresh prefix for `web@0.1.0`, then validated from the registry alone:
 * the local copies are removed first, so the image really is pulled, by digest.
 */
describe.runIf(docker)('release validate of payload images (real Docker engine and registry)', { timeout: 300_000 }, () => {
  const s = docker!;

  it('resolves the tag to its digest, pulls the image by digest and runs its smoke command without network; a missing image fails', async () => {
    const prefix = `${s.registry}/v${randomBytes(4).toString('hex')}`;
    const { root } = await gitWorkspace({
      'payloads/web/manifest.yaml': 'name: web\nversion: 0.1.0\ndescription: "web test payload"\naliases: [runenv-web-alias]\nsmoke: [sh, -c, "cat /etc/web.conf; wget -q -T 2 -O- http://1.1.1.1/ >/dev/null 2>&1 && echo NETWORK || echo no-network"]\n',
      'payloads/web/Dockerfile': `FROM ${s.baseImage}\nCOPY web.conf /etc/web.conf\n`,
      'payloads/web/web.conf': 'web=validated\n',
    });
    await git(root, ['tag', 'web@0.1.0']);
    const sha = await git(root, ['rev-parse', 'HEAD']);
    const published = await publishRunenvImage({
      workspaceRoot: root, projectRoot: 'payloads/web', options: { registry: prefix, published: [] }, logger: memoryLogger(), now: new Date(),
      env: { ...s.env, GITHUB_REF: 'refs/tags/web@0.1.0', GITHUB_SHA: sha }, renderer: 'silent',
    });
    expect(published.status).toBe('published');
    const digest = published.status === 'published' ? published.result.digest! : '';
    const repository = `${prefix}/runenv-web`;
    const local = (await execa('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env: s.env })).stdout.split('\n').filter((r) => r.startsWith(`${prefix}/`));
    await execa('docker', ['rmi', '-f', ...local], { env: s.env });

    const logger = memoryLogger();
    const result = await validateRelease({
      workspaceRoot: root, tag: 'web@0.1.0', target: { kind: 'directory', dir: join(root, 'dist', 'registry') }, pinnedKeys: [], noRecord: true,
      imageRegistry: prefix, setup: { env: {}, stdout: process.stderr, stderr: process.stderr }, env: s.env, logger,
    });
    expect(result.passed, result.report).toBe(true);
    expect(result.record).toEqual({ tag: 'web@0.1.0', commit: sha, passed: true, images: { [repository]: digest, [`${prefix}/runenv-web-alias`]: digest }, assets: {} });
    expect(result.checks[0]).toMatchObject({ name: 'web', kind: 'payload', installed: `${repository}@${digest}`, outputTail: 'web=validated\nno-network' });
    // Pulled back by digest: the daemon holds exactly those bytes again.
    expect((await execa('docker', ['image', 'inspect', '--format', '{{index .RepoDigests 0}}', `${repository}@${digest}`], { env: s.env })).stdout).toBe(`${repository}@${digest}`);
    expect(await createRegistryClient({ host: s.registry }).manifestDigest(repository.slice(s.registry.length + 1), '0.1.0')).toBe(digest);

    // A tag whose image was never published fails, naming it; an image-only tag cannot carry a record.
    await git(root, ['tag', 'web@0.2.0']);
    const missing = await validateRelease({
      workspaceRoot: root, tag: 'web@0.2.0', target: { kind: 'directory', dir: join(root, 'dist', 'registry') }, pinnedKeys: [], noRecord: true,
      imageRegistry: prefix, setup: { env: {}, stdout: process.stderr, stderr: process.stderr }, env: s.env, logger: memoryLogger(),
    });
    expect(missing.passed).toBe(false);
    expect(missing.report).toContain(`reason: no image ${repository}:0.2.0, ${prefix}/runenv-web-alias:0.2.0 in the registry`);
    await expect(validateRelease({
      workspaceRoot: root, tag: 'web@0.1.0', target: { kind: 'directory', dir: join(root, 'dist', 'registry') }, pinnedKeys: [], noRecord: false,
      imageRegistry: prefix, setup: { env: {}, stdout: process.stderr, stderr: process.stderr }, env: s.env, logger: memoryLogger(),
    })).rejects.toThrow('web@0.1.0 has no published release to carry VERIFICATION.json');
    await execa('docker', ['rmi', '-f', `${repository}@${digest}`], { env: s.env, reject: false });
  });
});
