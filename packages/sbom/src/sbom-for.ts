import type { Manifest } from '@runway/manifest';
import { packageComponent } from './package-component';
import { serialNumberFor } from './serial-number';
import type { CycloneDxBom, CycloneDxComponent } from './types';

/** A file with its SHA-256 and size: the package itself, or one file inside it. */
export interface HashedFile {
  sha256: string;
  size: number;
}

/** Everything an SBOM is made from; plain data only. */
export interface SbomInput {
  manifest: Pick<Manifest, 'kind' | 'name' | 'version' | 'description' | 'packages'>;
  /** The released package, e.g. `python-3.11-1.4.0.tar.gz`. */
  package: HashedFile & { fileName: string };
  /** Every regular file in the package, path as in the archive (`<name>/setup.sh`). */
  files: ReadonlyArray<HashedFile & { path: string }>;
  /**
   * `SOURCE_DATE_EPOCH` in seconds, when the build had one: it becomes `metadata.timestamp`.
   * Without it the SBOM has no timestamp, since a wall-clock time would make every re-run differ.
   */
  sourceDateEpoch?: number;
}

/** Pure: the SBOM's file name for a package version, `<name>-<version>.cdx.json`. */
export function sbomFileName(name: string, version: string): string {
  return `${name}-${version}.cdx.json`;
}

/**
 * Pure: the CycloneDX 1.5 SBOM of one released package. `metadata.component` is the runtime or
 * payload with the package's SHA-256; `components` are the manifest's pinned packages (purls when
 * recognisable, see {@link packageComponent}) and then every packed file with its SHA-256.
 *
 * Both kinds are typed `application`: the artifact is a tarball of setup scripts (runtime) or of a
 * Dockerfile and its build context (payload). CycloneDX's `container` means a container image,
 * which the payload's runenv image is, but that image is a separate artifact with its own digest.
 * The kind is kept in the `runway:kind` property.
 *
 * Deterministic: no wall-clock time, no random serial number, files sorted by path, tool without
 * a version. The same package gives the same bytes (through {@link serializeSbom}), which is what
 * lets a re-run keep the published SBOM as identical.
 */
export function sbomFor(input: SbomInput): CycloneDxBom {
  const { manifest, package: pkg, sourceDateEpoch } = input;
  const rootRef = `pkg:generic/${encodeURIComponent(manifest.name)}@${encodeURIComponent(manifest.version)}`;
  const packages = uniqueByRef(manifest.packages.map(packageComponent));
  const files = [...input.files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))).map((file): CycloneDxComponent => ({
    type: 'file',
    'bom-ref': `runway:file:${file.path}`,
    name: file.path,
    hashes: [{ alg: 'SHA-256', content: file.sha256 }],
    properties: [{ name: 'runway:size', value: String(file.size) }],
  }));
  return {
    ...bomHeader({
      'bom-ref': rootRef, name: manifest.name, version: manifest.version, description: manifest.description, sha256: pkg.sha256, purl: rootRef,
      properties: [
        { name: 'runway:kind', value: manifest.kind },
        { name: 'runway:package', value: pkg.fileName },
        { name: 'runway:size', value: String(pkg.size) },
      ],
    }, sourceDateEpoch),
    components: [...packages, ...files],
    ...(packages.length > 0 && { dependencies: [{ ref: rootRef, dependsOn: packages.map((p) => p['bom-ref']) }] }),
  };
}

/** What `metadata.component` says about the artifact an SBOM describes. */
export interface BomSubject {
  'bom-ref': string;
  name: string;
  version: string;
  description: string;
  /** SHA-256 hex of the artifact (a tarball). */
  sha256: string;
  purl: string;
  properties: CycloneDxComponent['properties'];
}

/**
 * Pure: the fields every Runway SBOM starts with, in the order they are written: format, a
 * serial number named by the artifact's sha256, the optional `SOURCE_DATE_EPOCH` timestamp, the
 * tool without a version, and the artifact as an `application`.
 */
export function bomHeader(subject: BomSubject, sourceDateEpoch?: number): Omit<CycloneDxBom, 'components' | 'dependencies'> {
  const { sha256, ...named } = subject;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: serialNumberFor(sha256),
    version: 1,
    metadata: {
      ...(sourceDateEpoch !== undefined && { timestamp: new Date(sourceDateEpoch * 1000).toISOString().replace(/\.000Z$/, 'Z') }),
      // No tool version: upgrading Runway must not change the SBOM of an unchanged package.
      tools: { components: [{ type: 'application', name: 'runway' }] },
      component: {
        type: 'application', 'bom-ref': named['bom-ref'], name: named.name, version: named.version, description: named.description,
        hashes: [{ alg: 'SHA-256', content: sha256 }], purl: named.purl, properties: named.properties,
      },
    },
  };
}

/** Pure: the SBOM file's text: fields in the order `sbomFor` builds them, 2-space indent, final newline. */
export function serializeSbom(bom: CycloneDxBom): string {
  return `${JSON.stringify(bom, null, 2)}\n`;
}

/** A manifest listing one package twice must not produce duplicate bom-refs (an invalid BOM). */
function uniqueByRef(components: CycloneDxComponent[]): CycloneDxComponent[] {
  const seen = new Set<string>();
  return components.filter((c) => !seen.has(c['bom-ref']) && seen.add(c['bom-ref']));
}
