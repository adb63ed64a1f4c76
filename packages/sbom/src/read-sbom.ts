/** What an SBOM says it describes. */
export interface SbomSubject {
  name: string;
  version: string;
  /** SHA-256 hex of the package, from `metadata.component.hashes`. */
  sha256: string;
}

/**
 * Pure: reads back the subject of an SBOM text (a CycloneDX JSON document with
 * `metadata.component` carrying a SHA-256), or says why it cannot.
 */
export function readSbomSubject(text: string): { subject: SbomSubject } | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON (${(err as Error).message})` };
  }
  const bom = doc as { bomFormat?: unknown; metadata?: { component?: { name?: unknown; version?: unknown; hashes?: unknown } } };
  if (bom?.bomFormat !== 'CycloneDX') return { problem: 'not a CycloneDX document (bomFormat is not "CycloneDX")' };
  const component = bom.metadata?.component;
  if (typeof component?.name !== 'string' || typeof component.version !== 'string') return { problem: 'metadata.component has no name and version' };
  const hashes = Array.isArray(component.hashes) ? component.hashes as Array<{ alg?: unknown; content?: unknown }> : [];
  const sha256 = hashes.find((h) => h.alg === 'SHA-256' && typeof h.content === 'string')?.content as string | undefined;
  if (!sha256) return { problem: 'metadata.component has no SHA-256 hash' };
  return { subject: { name: component.name, version: component.version, sha256 } };
}
