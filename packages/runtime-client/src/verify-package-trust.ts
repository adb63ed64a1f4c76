import type { RetryOptions } from '@runway/errors';
import { deadlineAfter, withRetryBefore } from '@runway/safe-archive';
import { checkPackageTrust, refusalError, releaseFileUrl, TRUST_FILES, type PublicKey } from '@runway/trust';
import type { InstallReceipt, ReceiptTrust } from './install-receipt';
import { fetchTrustFile, MAX_PROVENANCE_FILE_BYTES } from './trust-files';

/** Default deadline for fetching a provenance file, retries included. */
const PROVENANCE_DEADLINE_MS = 60_000;

/** The hex digest of a registry checksum `sha256:<hex>`, or undefined when it is not one. */
function sha256Hex(checksum: unknown): string | undefined {
  return typeof checksum === 'string' ? /^sha256:([0-9a-f]{64})$/i.exec(checksum)?.[1] : undefined;
}

export interface ProvenanceRequest {
  /** `name@version`, for messages. */
  label: string;
  /** The package's resolved download URL: the provenance is `provenance.intoto.jsonl` next to it. */
  url: string;
  /** The package's entry in an index verified against `pinnedKeys`. */
  entry: { checksum: string; size: number };
  pinnedKeys: readonly PublicKey[];
  timeoutMs: number;
  deadlineMs?: number;
  retry?: RetryOptions;
}

/**
 * Fetches the release's provenance (`provenance.intoto.jsonl` next to the package; bounded, with a
 * deadline) and checks that a pinned key signed it and that it names the sha256 the verified index
 * lists for the package (`checkPackageTrust`). Run before the download, so a refused package costs
 * no download; the download then refuses, before anything is renamed into place, any bytes whose
 * sha256 or size differ from the entry's, so what is installed is what the provenance names, and
 * the package is never read twice. Returns what the receipt keeps; a refusal is a `UserError`
 * saying what failed and why.
 */
export async function verifyPackageProvenance(req: ProvenanceRequest): Promise<ReceiptTrust['provenance']> {
  const url = releaseFileUrl(req.url, TRUST_FILES.provenance);
  const deadline = deadlineAfter(req.deadlineMs ?? PROVENANCE_DEADLINE_MS);
  const limit = { maxBytes: MAX_PROVENANCE_FILE_BYTES, what: 'the provenance' };
  const file = await withRetryBefore(deadline, () => fetchTrustFile(url, { limit, timeoutMs: req.timeoutMs, deadline }), req.retry);
  const checked = checkPackageTrust({
    packageSha256: sha256Hex(req.entry.checksum) ?? '', size: req.entry.size, entry: req.entry, provenanceEnvelope: file ?? undefined, pinnedKeys: req.pinnedKeys,
  });
  if (!checked.ok) throw refusalError(checked, req.label);
  // A passing check had a provenance file to pass on.
  return { key_id: checked.keyId, subject: checked.subject, file: file as string };
}

/**
 * Checks offline, against `pinnedKeys`, the provenance an install recorded: a pinned key signed it
 * and it names the sha256 of the package the folder was installed from. The problem, one line, or
 * undefined when it holds. An install made without a key recorded nothing to check: that is a
 * problem too, since the user asked for the key's word.
 */
export function recordedProvenanceProblem(receipt: InstallReceipt, pinnedKeys: readonly PublicKey[]): string | undefined {
  const file = receipt.trust?.provenance?.file;
  if (receipt.trust === undefined) return 'installed without a pinned key: no verified provenance was recorded (remove and install it again with the key pinned)';
  const hex = sha256Hex(receipt.checksum);
  if (typeof file !== 'string' || hex === undefined || typeof receipt.size !== 'number') return 'the install receipt\'s provenance record is malformed';
  const checked = checkPackageTrust({
    packageSha256: hex, size: receipt.size, entry: { checksum: receipt.checksum, size: receipt.size }, provenanceEnvelope: file, pinnedKeys,
  });
  return checked.ok ? undefined : `provenance: ${checked.message}`;
}
