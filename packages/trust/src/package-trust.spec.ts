import { describe, expect, it } from 'vitest';
import { INTOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './dsse';
import { checkPackageTrust } from './package-trust';
import { buildProvenance } from './provenance';
import { releaseTrustFiles, TRUST_FILES } from './release-trust-files';
import { aProvenanceInput, sha256Of } from './testing/provenance-input';
import { expectRefusal, newKey } from './testing/tools';

const key = newKey();
const input = aProvenanceInput();
const provenanceFile = releaseTrustFiles({ provenance: input, key }).find((f) => f.name === TRUST_FILES.provenance)!.bytes;
const packageSha = sha256Of('package');
const entry = { checksum: `sha256:${packageSha}`, size: 1234 };
const check = (overrides: Partial<Parameters<typeof checkPackageTrust>[0]> = {}) =>
  checkPackageTrust({ packageSha256: packageSha, size: 1234, entry, provenanceEnvelope: provenanceFile, pinnedKeys: [key.publicKey], ...overrides });

describe('checkPackageTrust', () => {
  it('accepts a package the signed provenance names, and says by which key and subject', () => {
    const result = check();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.keyId).toBe(key.publicKey.keyId);
    expect(result.subject).toBe('python-3.11-1.4.0.tar.gz');
    expect(result.provenance.source).toEqual(input.source);
  });

  it('accepts the provenance signed by the next key while both are pinned (rotation)', () => {
    const next = newKey();
    const file = releaseTrustFiles({ provenance: input, key: next }).find((f) => f.name === TRUST_FILES.provenance)!.bytes;
    const result = check({ provenanceEnvelope: file, pinnedKeys: [key.publicKey, next.publicKey] });
    expect(result.ok && result.keyId).toBe(next.publicKey.keyId);
  });

  const envelopeLine = (statement: string, signer = key, type = INTOTO_PAYLOAD_TYPE) => `${serializeEnvelope(signEnvelope(type, statement, signer))}\n`;
  const otherRelease = buildProvenance(aProvenanceInput({ tag: 'ruby-3.3@1.0.0', assets: [{ name: 'ruby-3.3-1.0.0.tar.gz', sha256: sha256Of('ruby') }] }));
  const tampered = JSON.parse(Buffer.from(provenanceFile).toString());
  tampered.payload = Buffer.from(Buffer.from(tampered.payload, 'base64').toString().replace(sha256Of('prebuilt'), sha256Of('evil'))).toString('base64');

  it.each([
    ['a package whose bytes are not the entry\'s', () => check({ packageSha256: sha256Of('evil') }), 'checksum-mismatch', /sha256 is .* but the index lists/],
    ['a package of another size', () => check({ size: 1 }), 'size-mismatch', /has 1 bytes, but the index lists 1234/],
    ['a release without provenance', () => check({ provenanceEnvelope: undefined }), 'missing-provenance', /publishes no provenance/],
    ['provenance that is not an envelope', () => check({ provenanceEnvelope: 'hello' }), 'malformed-provenance', /provenance.intoto.jsonl:1 is not a valid DSSE envelope/],
    ['provenance of another package', () => check({ provenanceEnvelope: envelopeLine(otherRelease) }), 'not-in-provenance', /provenance of ruby-3.3@1.0.0 does not name this package/],
    ['provenance signed by another key', () => check({ provenanceEnvelope: envelopeLine(buildProvenance(input), newKey()) }), 'unknown-key', /not by a pinned key/],
    ['a provenance payload changed after signing', () => check({ provenanceEnvelope: JSON.stringify(tampered) }), 'bad-signature', /no signature of the envelope verifies/],
    ['a provenance envelope of another payload type', () => check({ provenanceEnvelope: envelopeLine(buildProvenance(input), key, 'application/json') }), 'wrong-purpose', /carries "application\/json"/],
    ['a signed statement that is not provenance', () => check({ provenanceEnvelope: envelopeLine('{"_type":"https://in-toto.io/Statement/v1"}') }), 'malformed-provenance', /not a Runway provenance statement/],
  ])('refuses %s', (_what, run, reason, message) => {
    const result = run();
    expectRefusal(result, reason, message);
    expect(!result.ok && result.hint).toBeTruthy();
  });

  it('finds the envelope that names the package among several lines', () => {
    const file = `${envelopeLine(otherRelease)}${Buffer.from(provenanceFile).toString()}`;
    expect(check({ provenanceEnvelope: file }).ok).toBe(true);
  });
});
