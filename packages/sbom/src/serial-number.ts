import { createHash } from 'node:crypto';

/** UUID namespace of Runway SBOM serial numbers (a fixed random v4 UUID; never change it). */
const SBOM_NAMESPACE = 'c0a1f6e2-5b7d-4e38-9a0c-2f4b8d61e7a5';

/**
 * Pure: `urn:uuid:<v5 UUID>` named by the package's sha256 (RFC 4122 name-based, SHA-1). The same
 * package always gets the same serial number, so a rebuilt SBOM is byte-identical; CycloneDX 1.5's
 * schema accepts UUID versions 1-5 only, which rules out a v8 made straight from the sha256.
 */
export function serialNumberFor(packageSha256: string): string {
  const namespace = Buffer.from(SBOM_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(packageSha256).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
