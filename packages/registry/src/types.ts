/** How a version is marked as withdrawn: `true`, or details (why, what to use instead, when). */
export type Deprecation = { reason?: string; use?: string; at?: string } | boolean;

/** One published, immutable version of a runtime. Unknown extra fields are kept on rewrite. */
export interface RegistryEntry {
  version: string;
  description: string;
  download_url: string;
  /** `sha256:<64 hex>` of the .tar.gz file. */
  checksum: string;
  size: number;
  platforms: string[];
  published_at?: string;
  deprecated?: Deprecation;
  /** Where the package's CycloneDX SBOM is, like `download_url` (absolute, or relative to the registry file). */
  sbom_url?: string;
  /**
   * Prebuilt environments of this version, by platform (`debian-amd64`, …): a client on that
   * platform unpacks one instead of running the source package's setup. Clients that know only
   * the Joblet fields ignore it.
   */
  prebuilt?: Record<string, PrebuiltArtifact>;
  [extra: string]: unknown;
}

/** One platform's prebuilt environment package (`<name>-<version>-<platform>.tar.gz`). */
export interface PrebuiltArtifact {
  /** Like `download_url`: absolute, or relative to the registry file. */
  download_url: string;
  /** `sha256:<64 hex>` of the .tar.gz file. */
  checksum: string;
  size: number;
  /** The lock of exactly what went in (`<name>-<version>-<platform>.lock.json`), like `download_url`. */
  lock_url?: string;
  /** The environment's CycloneDX SBOM (its Debian packages as purls), like `download_url`. */
  sbom_url?: string;
}

/** The `registry.json` document (format version "1", nested form). Unknown top-level fields are kept. */
export interface Registry {
  version: '1';
  updated_at: string;
  runtimes: Record<string, Record<string, RegistryEntry>>;
  /** Payload name → (version → entry); absent until the first payload release. */
  payloads?: Record<string, Record<string, RegistryEntry>>;
  [extra: string]: unknown;
}

/** A problem with one part of a registry; the rest of the registry stays usable. */
export interface RegistryProblem {
  runtime?: string;
  version?: string;
  /** JSON pointer-like location, e.g. `runtimes.python-3.11.1.3.1.checksum`. */
  path: string;
  message: string;
}
