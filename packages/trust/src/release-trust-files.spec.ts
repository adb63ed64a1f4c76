import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { parseEnvelopeLines, verifyEnvelope, INTOTO_PAYLOAD_TYPE } from './dsse';
import { parseProvenance } from './provenance';
import { allowedSignersLine, formatPublicKey } from './public-key';
import { releaseFileUrl, releaseTrustFiles, TRUST_FILES } from './release-trust-files';
import { parseSha256Sums } from './sha256sums';
import { INDEX_NAMESPACE, SUMS_NAMESPACE, verifySshsig } from './sshsig';
import { aProvenanceInput, sha256Of } from './testing/provenance-input';
import { newKey, tool } from './testing/tools';

describe('releaseTrustFiles', () => {
  const files = { 'python-3.11-1.4.0.tar.gz': 'package', 'python-3.11-1.4.0.tar.gz.sha256': 'checksum', 'python-3.11-1.4.0-debian-bookworm-amd64.tar.gz': 'prebuilt' };

  it('writes SHA256SUMS, its signature and the provenance, checkable with the documented standard-tool commands', async () => {
    const key = newKey('runway-release');
    const trust = releaseTrustFiles({ provenance: aProvenanceInput(), key });
    expect(trust.map((f) => f.name)).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'provenance.intoto.jsonl']);
    const dir = await testdir(files);
    for (const f of trust) await writeFile(join(dir, f.name), f.bytes);
    await writeFile(join(dir, 'runway-release.pub'), formatPublicKey(key.publicKey));

    // The README's commands, verbatim apart from the folder.
    const allowed = await tool('sh', ['-c', 'echo "runway-release $(cat runway-release.pub)" > allowed_signers'], { cwd: dir });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    const verified = await tool('sh', ['-c', 'ssh-keygen -Y verify -f allowed_signers -I runway-release -n file -s SHA256SUMS.sig < SHA256SUMS && sha256sum -c SHA256SUMS'], { cwd: dir });
    expect(verified.exitCode, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('Good "file" signature for runway-release');
    expect(verified.stdout).toContain('python-3.11-1.4.0.tar.gz: OK');

    await writeFile(join(dir, 'python-3.11-1.4.0.tar.gz'), 'swapped');
    const swapped = await tool('sh', ['-c', 'ssh-keygen -Y verify -f allowed_signers -I runway-release -n file -s SHA256SUMS.sig < SHA256SUMS && sha256sum -c SHA256SUMS'], { cwd: dir });
    expect(swapped.exitCode).not.toBe(0);
    expect(swapped.stdout).toContain('python-3.11-1.4.0.tar.gz: FAILED');
  });

  it('lists exactly the assets, and signs them in the file namespace with the same key as the provenance', () => {
    const key = newKey();
    const [sums, signature, provenance] = releaseTrustFiles({ provenance: aProvenanceInput(), key });
    expect(parseSha256Sums(sums.bytes).map((s) => s.sha256).sort()).toEqual(Object.values(files).map(sha256Of).sort());
    expect(verifySshsig({ message: sums.bytes, signature: signature.bytes, pinnedKeys: [key.publicKey], namespace: SUMS_NAMESPACE }).ok).toBe(true);
    expect(verifySshsig({ message: sums.bytes, signature: signature.bytes, pinnedKeys: [key.publicKey], namespace: INDEX_NAMESPACE }).ok).toBe(false);
    const [envelope] = parseEnvelopeLines(provenance.bytes);
    const check = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] });
    expect(check.ok && parseProvenance(check.payload).subjects.map((s) => s.name).sort()).toEqual(Object.keys(files).sort());
  });

  it('gives byte-identical files on a re-run, so published assets stay identical', () => {
    const key = newKey();
    expect(releaseTrustFiles({ provenance: aProvenanceInput(), key })).toEqual(releaseTrustFiles({ provenance: aProvenanceInput(), key }));
  });

  it('writes only SHA256SUMS without a key', () => {
    expect(releaseTrustFiles({ provenance: aProvenanceInput() }).map((f) => f.name)).toEqual([TRUST_FILES.sums]);
  });

  it('refuses an asset named like a trust file', () => {
    expect(() => releaseTrustFiles({ provenance: aProvenanceInput({ assets: [{ name: 'SHA256SUMS', sha256: sha256Of('x') }] }) })).toThrow(/has the name of a trust file/);
  });

  it('gives an allowed_signers line that ssh-keygen reads with the namespace restriction', async () => {
    const key = newKey();
    const [sums, signature] = releaseTrustFiles({ provenance: aProvenanceInput(), key });
    const dir = await testdir({ allowed_signers: allowedSignersLine('runway-release', key.publicKey, [SUMS_NAMESPACE, INDEX_NAMESPACE]), 'SHA256SUMS.sig': Buffer.from(signature.bytes) });
    const r = await tool('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', 'runway-release', '-n', 'file', '-s', 'SHA256SUMS.sig'], { cwd: dir, input: sums.bytes });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('releaseFileUrl', () => {
  it.each([
    ['https://github.com/acme/runtimes/releases/download/python-3.11@1.4.0/python-3.11-1.4.0.tar.gz', 'https://github.com/acme/runtimes/releases/download/python-3.11@1.4.0/provenance.intoto.jsonl'],
    ['releases/download/python-3.11@1.4.0/python-3.11-1.4.0.tar.gz', 'releases/download/python-3.11@1.4.0/provenance.intoto.jsonl'],
    ['https://cdn.test/r/x.tar.gz?token=1#frag', 'https://cdn.test/r/provenance.intoto.jsonl'],
    ['x.tar.gz', 'provenance.intoto.jsonl'],
  ])('%s', (url, expected) => expect(releaseFileUrl(url, TRUST_FILES.provenance)).toBe(expected));
});
