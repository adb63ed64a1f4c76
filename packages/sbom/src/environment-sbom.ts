import type { Manifest } from '@runway/manifest';
import { bomHeader, type HashedFile } from './sbom-for';
import type { CycloneDxBom, CycloneDxComponent } from './types';

/** Everything the SBOM of a prebuilt environment is made from; plain data only. */
export interface EnvironmentSbomInput {
  manifest: Pick<Manifest, 'name' | 'version' | 'description'>;
  /** The prebuilt platform, e.g. `debian-amd64`. */
  platform: string;
  /** The environment package, `<name>-<version>-<platform>.tar.gz`. */
  package: HashedFile & { fileName: string };
  /**
   * What went into the environment, one `library` per system package with its purl (for Debian:
   * `lockComponents(lock, platform)` of `@runway/debian-env`, from the lock the build installed).
   */
  components: readonly CycloneDxComponent[];
  /** `SOURCE_DATE_EPOCH` in seconds, when the build had one: it becomes `metadata.timestamp`. */
  sourceDateEpoch?: number;
}

/** Pure: the SBOM file name of a prebuilt environment, `<name>-<version>-<platform>.cdx.json`. */
export function environmentSbomFileName(name: string, version: string, platform: string): string {
  return `${name}-${version}-${platform}.cdx.json`;
}

/**
 * Pure: the CycloneDX 1.5 SBOM of one prebuilt environment package. `metadata.component` is the
 * environment with the tarball's SHA-256 (so `readSbomSubject` checks it like a package's SBOM)
 * and purl `pkg:generic/<name>@<version>?platform=<platform>`; `components` are the packages
 * installed in it, in the order given (the lock's), all direct dependencies of the environment.
 * Files are not listed: an environment holds thousands, and each comes from one listed package
 * whose `.deb` sha256 the component carries. As deterministic as {@link sbomFor}.
 */
export function environmentSbomFor(input: EnvironmentSbomInput): CycloneDxBom {
  const { manifest, platform, package: pkg } = input;
  const rootRef = `pkg:generic/${encodeURIComponent(manifest.name)}@${encodeURIComponent(manifest.version)}?platform=${encodeURIComponent(platform)}`;
  const refs = new Set<string>();
  for (const component of input.components) {
    if (refs.has(component['bom-ref'])) throw new TypeError(`two components share the bom-ref ${component['bom-ref']}`);
    refs.add(component['bom-ref']);
  }
  return {
    ...bomHeader({
      'bom-ref': rootRef, name: manifest.name, version: manifest.version, description: manifest.description, sha256: pkg.sha256, purl: rootRef,
      properties: [
        { name: 'runway:kind', value: 'environment' },
        { name: 'runway:platform', value: platform },
        { name: 'runway:package', value: pkg.fileName },
        { name: 'runway:size', value: String(pkg.size) },
      ],
    }, input.sourceDateEpoch),
    components: [...input.components],
    ...(refs.size > 0 && { dependencies: [{ ref: rootRef, dependsOn: [...refs] }] }),
  };
}
