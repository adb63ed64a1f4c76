import { UserError } from '@runway/errors';
import { INTOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './dsse';
import type { SigningKey } from './private-key';
import { buildProvenance, type ProvenanceInput } from './provenance';
import { serializeSha256Sums } from './sha256sums';
import { INDEX_NAMESPACE, signSshsig, SUMS_NAMESPACE } from './sshsig';

/** The files published next to a release's assets, and next to `registry.json`. */
export const TRUST_FILES = {
  /** `sha256sum` format over every asset of the release. */
  sums: 'SHA256SUMS',
  /** SSHSIG of `SHA256SUMS`, namespace `file` (what `ssh-keygen -Y sign` writes as `SHA256SUMS.sig`). */
  sumsSignature: 'SHA256SUMS.sig',
  /** in-toto bundle: one DSSE envelope per line, holding the SLSA provenance statement. */
  provenance: 'provenance.intoto.jsonl',
  /** SSHSIG of the exact bytes of `registry.json`, namespace `runway-registry`, next to it. */
  indexSignature: 'registry.json.sig',
} as const;

/** A file to publish: its name in the release and its bytes. */
export interface TrustFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * The trust files of one release, from what it built: `SHA256SUMS` over `provenance.assets` always;
 * with a `key`, also `SHA256SUMS.sig` and `provenance.intoto.jsonl` (without a key nothing is
 * signed and the caller says so). Deterministic (Ed25519 signatures are too), so a re-run of the
 * release produces byte-identical files and keeps the published ones. Pure: the caller writes or
 * uploads the files, and lists their names in a dry run.
 */
export function releaseTrustFiles(input: { provenance: ProvenanceInput; key?: SigningKey }): TrustFile[] {
  const reserved = new Set<string>(Object.values(TRUST_FILES));
  const clash = input.provenance.assets.find((a) => reserved.has(a.name));
  if (clash) throw new UserError(`release asset "${clash.name}" has the name of a trust file Runway writes`, { hint: 'rename the asset' });
  const sums = Buffer.from(serializeSha256Sums(input.provenance.assets));
  if (!input.key) return [{ name: TRUST_FILES.sums, bytes: sums }];
  const statement = buildProvenance(input.provenance);
  return [
    { name: TRUST_FILES.sums, bytes: sums },
    { name: TRUST_FILES.sumsSignature, bytes: Buffer.from(signSshsig(sums, input.key, SUMS_NAMESPACE)) },
    { name: TRUST_FILES.provenance, bytes: Buffer.from(`${serializeEnvelope(signEnvelope(INTOTO_PAYLOAD_TYPE, statement, input.key))}\n`) },
  ];
}

/** The text of `registry.json.sig` for the exact bytes of a `registry.json` about to be published. */
export function signIndex(bytes: Uint8Array, key: SigningKey): string {
  return signSshsig(bytes, key, INDEX_NAMESPACE);
}

/**
 * The URL of a file published next to a package: its `download_url` with the last path segment
 * replaced (absolute URLs and registry-relative paths alike). The client fetches the release's
 * `provenance.intoto.jsonl` from here.
 */
export function releaseFileUrl(downloadUrl: string, name: string): string {
  const path = downloadUrl.replace(/[?#].*$/s, '');
  const slash = path.lastIndexOf('/');
  return slash < 0 ? name : `${path.slice(0, slash + 1)}${name}`;
}
