import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { checkIndex, formatPrivateKey, parseEnvelopeLines, parseProvenance, signingKeyFromKeyObject, verifyEnvelope, verifySshsig, INTOTO_PAYLOAD_TYPE, SUMS_NAMESPACE } from '@runway/trust';
import { releaseProject } from '../release-project';
import { git, runtimeFiles } from '../testing/fixtures';
import { githubFixture, type GitHubFixture } from '../testing/github-fixture';
import type { ReleaseOptions } from '../types';

function options(fx: GitHubFixture, env: NodeJS.ProcessEnv): ReleaseOptions & { logger: ReturnType<typeof memoryLogger> } {
  return { workspaceRoot: fx.root, projectRoot: 'runtimes/alpha', dryRun: false, env, renderer: 'silent', target: fx.target, github: fx.api(), logger: memoryLogger() };
}

describe('a signed release to GitHub', () => {
  it('uploads SHA256SUMS, its signature and the provenance as release assets, and commits registry.json.sig with registry.json in one commit', async () => {
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    const env = { RUNWAY_SIGNING_KEY: formatPrivateKey(key), GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.example', GITHUB_WORKFLOW_REF: 'acme/runtimes/.github/workflows/release.yml@refs/tags/alpha@1.0.0' };
    const fx = await githubFixture(runtimeFiles('alpha'));
    const built = await git(fx.root, ['rev-parse', 'HEAD']);
    const opts = options(fx, env);
    expect(await releaseProject(opts)).toMatchObject({ status: 'released' });

    const [release] = fx.server.state.releases;
    const asset = (name: string) => release.assets.find((a) => a.name === name)!.data;
    expect(release.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'provenance.intoto.jsonl']);
    expect(verifySshsig({ message: asset('SHA256SUMS'), signature: asset('SHA256SUMS.sig'), pinnedKeys: [key.publicKey], namespace: SUMS_NAMESPACE }).ok).toBe(true);
    const [envelope] = parseEnvelopeLines(asset('provenance.intoto.jsonl'));
    const checked = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] });
    if (!checked.ok) throw new Error(checked.message);
    const provenance = parseProvenance(checked.payload);
    expect(provenance).toMatchObject({
      source: { repository: `file://${fx.bare}`, commit: built, ref: 'refs/tags/alpha@1.0.0' }, tag: 'alpha@1.0.0',
      builderId: 'https://github.example/acme/runtimes/.github/workflows/release.yml@refs/tags/alpha@1.0.0',
    });
    expect(provenance.subjects.map((s) => s.name).sort()).toEqual(['alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256']);

    // The registry commit holds both files, and the signature is over exactly the committed bytes.
    const changed = (await git(fx.bare, ['show', '--name-only', '--format=', 'main'])).split('\n').sort();
    expect(changed).toEqual(['registry.json', 'registry.json.sig']);
    const bytes = Buffer.from(`${await git(fx.bare, ['cat-file', 'blob', 'main:registry.json'])}\n`);
    const signature = await git(fx.bare, ['cat-file', 'blob', 'main:registry.json.sig']);
    expect(checkIndex({ bytes, signature, pinnedKeys: [key.publicKey], now: new Date() })).toMatchObject({ ok: true, serial: 1 });
    await fx.assertConverged();

    // A re-run is a no-op: no new commit, no new asset.
    const head = await git(fx.bare, ['rev-parse', 'main']);
    expect((await releaseProject(options(fx, env))).status).toBe('already-released');
    expect(await git(fx.bare, ['rev-parse', 'main'])).toBe(head);
    fx.server.assertNoViolations();
    expect(opts.logger.lines.join('\n')).not.toContain(formatPrivateKey(key).split('\n')[1]);
  });
});
