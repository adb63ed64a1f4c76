import { createHash } from 'node:crypto';
import { UserError } from '@runway/errors';
import type { RegistryClient } from './registry-client';

/** The media type of a DSSE envelope stored as a blob (what cosign and in-toto tools read). */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** OCI 1.1's empty config: an artifact manifest that is not an image carries it. */
const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * The tag an attestation of the image `digest` is stored under in the image's own repository:
 * `sha256-<hex>.att`, the referrers tag scheme cosign uses, which every Registry v2 serves (the
 * OCI 1.1 referrers API is not needed).
 */
export function attestationTag(digest: string): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  if (!hex) throw new Error(`not an image digest: ${digest}`);
  return `sha256-${hex}.att`;
}

/**
 * Attaches a signed DSSE envelope to the image `digest` in repository `path`: uploads the envelope
 * and an empty config as blobs and stores an OCI manifest (artifact type DSSE, `subject` = the
 * image, so OCI 1.1 registries list it as a referrer too) under `attestationTag(digest)`. The
 * manifest is deterministic, so attaching the same envelope again stores the same bytes.
 * @returns the attestation's tag and manifest digest.
 * @throws UserError when the image is not in the repository.
 */
export async function attachAttestation(
  registry: RegistryClient, path: string, digest: string, envelope: Uint8Array, predicateType: string,
): Promise<{ tag: string; digest: string }> {
  const tag = attestationTag(digest);
  const image = await registry.getManifest(path, digest);
  if (!image) throw new UserError(`${registry.host}/${path}@${digest} is not in the registry, so its provenance cannot be attached`, { hint: 'publish the image again' });
  const [configDigest, envelopeDigest] = [await registry.pushBlob(path, EMPTY_CONFIG.bytes), await registry.pushBlob(path, envelope)];
  const body = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: DSSE_MEDIA_TYPE,
    config: { mediaType: EMPTY_CONFIG.mediaType, digest: configDigest, size: EMPTY_CONFIG.bytes.length },
    layers: [{ mediaType: DSSE_MEDIA_TYPE, digest: envelopeDigest, size: envelope.length, annotations: { predicateType } }],
    subject: { mediaType: image.mediaType, digest, size: image.body.length },
  }));
  const manifest = { digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, mediaType: OCI_MANIFEST, body };
  await registry.putManifest(path, tag, manifest);
  return { tag, digest: manifest.digest };
}
