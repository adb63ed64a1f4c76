import { generateKeyPairSync } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { attestationTag, createRegistryClient, dockerTestSettings, DSSE_MEDIA_TYPE } from '@runway/publisher-docker';
import {
  formatPrivateKey, INTOTO_PAYLOAD_TYPE, parseEnvelopeLines, parseProvenance, signingKeyFromKeyObject, verifyEnvelope,
} from '@runway/trust';
import { git, gitWorkspace, payloadFiles } from '../testing/fixtures';
import { publishRunenvImage } from './publish-runenv-image';

const docker = dockerTestSettings();

describe.runIf(docker)('the signed provenance of a released runenv image (real Docker engine and registry)', () => {
  const s = docker!;

  it('is attached to the pushed digest in the image and its alias, names them as subjects, and verifies with the release key only; both repositories carry the same envelope', async () => {
    const files = payloadFiles('demo', '1.0.0');
    files['payloads/demo/manifest.yaml'] = 'name: demo\nversion: 1.0.0\ndescription: "demo test payload"\naliases: [runenv-demo-alias]\n';
    const { root } = await gitWorkspace(files);
    const sha = await git(root, ['rev-parse', 'HEAD']);
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    const other = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'someone-else');
    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const publish = (dryRun = false) => {
      const logger = memoryLogger();
      return {
        logger,
        run: publishRunenvImage({
          workspaceRoot: root, projectRoot: 'payloads/demo', logger, now: new Date(), renderer: 'silent',
          options: { dryRun, published: ['demo@1.0.0'] },
          env: { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/tags/demo@1.0.0', GITHUB_SHA: sha, RUNWAY_SIGNING_KEY: formatPrivateKey(key) },
        }),
      };
    };

    const dry = publish(true);
    await expect(dry.run).resolves.toMatchObject({ status: 'planned' });
    expect(dry.logger.lines.join('\n')).toContain(`would attach a provenance signed with key ${key.publicKey.keyId} to the image of demo@1.0.0`);

    const real = publish();
    const outcome = await real.run;
    expect(outcome.status).toBe('published');
    const digest = outcome.status === 'published' ? outcome.result.digest! : '';
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const registry = createRegistryClient({ host: s.registry });
    const repositories = ['runenv-demo', 'runenv-demo-alias'].map((n) => `${prefix}/${n}`);
    const envelopes: string[] = [];
    for (const repository of repositories) {
      const path = repository.slice(s.registry.length + 1);
      expect(await registry.manifestDigest(path, '1.0.0')).toBe(digest);
      const attached = await registry.getManifest(path, attestationTag(digest));
      expect(attached, `${repository}:${attestationTag(digest)}`).toBeDefined();
      const manifest = JSON.parse(attached!.body.toString('utf8'));
      expect(manifest).toMatchObject({ artifactType: DSSE_MEDIA_TYPE, subject: { digest }, layers: [{ mediaType: DSSE_MEDIA_TYPE }] });
      const blob = await fetch(`http://${s.registry}/v2/${path}/blobs/${manifest.layers[0].digest}`);
      expect(blob.status).toBe(200);
      envelopes.push(await blob.text());
    }
    expect(envelopes[1]).toBe(envelopes[0]);

    const [envelope] = parseEnvelopeLines(envelopes[0]);
    expect(verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [other.publicKey] }).ok).toBe(false);
    const check = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] });
    expect(check.ok).toBe(true);
    const provenance = parseProvenance(check.ok ? check.payload : '');
    expect(provenance.subjects).toEqual(repositories.map((name) => ({ name, sha256: digest.slice('sha256:'.length) })).sort((a, b) => a.name.localeCompare(b.name)));
    expect(provenance).toMatchObject({ tag: 'demo@1.0.0', source: { commit: sha, ref: 'refs/tags/demo@1.0.0' }, projects: [{ name: 'demo', kind: 'payload', version: '1.0.0', path: 'payloads/demo' }] });
    expect(real.logger.lines.join('\n')).toContain(`attached the signed provenance of ${repositories[0]}@${digest} as ${repositories[0]}:${attestationTag(digest)}`);
  }, 300_000);

  it('a branch push gets no provenance, and a release tag is refused before building without the required key or with a statement that cannot be written', async () => {
    const files = { ...payloadFiles('demo', '1.0.0'), 'nx.json': JSON.stringify({ plugins: [{ plugin: '@runway/nx-plugin', options: { signing: 'required' } }] }) };
    const { root } = await gitWorkspace(files);
    const sha = await git(root, ['rev-parse', 'HEAD']);
    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const publish = (ref: string) => publishRunenvImage({
      workspaceRoot: root, projectRoot: 'payloads/demo', logger: memoryLogger(), now: new Date(), renderer: 'silent',
      options: { published: ['demo@1.0.0'] }, env: { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: ref, GITHUB_SHA: sha },
    });
    await expect(publish('refs/tags/demo@1.0.0')).rejects.toThrow(/the image provenance of demo@1\.0\.0 must be signed/);
    const registry = createRegistryClient({ host: s.registry });
    expect(await registry.listTags(`${prefix.slice(s.registry.length + 1)}/runenv-demo`)).toEqual([]);
    // With a key, a statement that could not be written (a builder id that is no URI) is refused before the build, not after the push.
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    await expect(publishRunenvImage({
      workspaceRoot: root, projectRoot: 'payloads/demo', logger: memoryLogger(), now: new Date(), renderer: 'silent', options: { published: ['demo@1.0.0'] },
      env: { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/tags/demo@1.0.0', GITHUB_SHA: sha, RUNWAY_SIGNING_KEY: formatPrivateKey(key),
        GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'not a server', GITHUB_WORKFLOW_REF: 'acme/rt/.github/workflows/release.yml@refs/tags/demo@1.0.0' },
    })).rejects.toThrow(/cannot write the provenance of demo@1\.0\.0: builder id "not a server\/acme[^"]*" is not a URI/);
    expect(await registry.listTags(`${prefix.slice(s.registry.length + 1)}/runenv-demo`)).toEqual([]);

    await expect(publish('refs/heads/main')).resolves.toMatchObject({ status: 'published' });
    expect((await registry.listTags(`${prefix.slice(s.registry.length + 1)}/runenv-demo`)).filter((t) => t.endsWith('.att'))).toEqual([]);
  }, 300_000);
});
