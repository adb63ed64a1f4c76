import { UserError } from '@runway/errors';
import type { ReleaseOutcome } from '../types';

/** File name of the umbrella manifest, in the umbrella GitHub release and in the directory registry. */
export const UMBRELLA_FILE = 'umbrella.json';
const FORMAT_VERSION = 1;

/** One package listed by an umbrella release. */
export interface UmbrellaPackage {
  name: string;
  version: string;
  /** The package's own release tag, `<name>@<version>`. */
  tag: string;
  /** `sha256:<hex>` of the tarball. */
  checksum: string;
  size: number;
  download_url: string;
}

/**
 * `umbrella.json`: which package versions an umbrella tag stands for and which commit it was made
 * from. It holds no timestamp, so re-running a release on the same commit produces the same bytes.
 */
export interface UmbrellaDocument {
  version: typeof FORMAT_VERSION;
  kind: 'runway-umbrella';
  tag: string;
  /** The commit the umbrella tag names (the one tagged `vX.Y.Z`). */
  commit: string;
  /**
   * The commit every package was built from and every `<name>@<version>` tag names: `commit`
   * itself, or for a bulk `vX.Y.Z` whose manifests said other versions, Runway's child of
   * `commit` in which every manifest says X.Y.Z.
   */
  release_commit: string;
  packages: UmbrellaPackage[];
}

/** Pure: the umbrella document from the per-project outcomes (sorted by name, stable output). */
export function umbrellaDocument(tag: string, commit: string, releaseCommit: string, outcomes: readonly ReleaseOutcome[]): UmbrellaDocument {
  const packages = outcomes
    .filter((o) => o.entry !== undefined)
    .map((o) => ({
      name: o.project, version: o.entry!.version, tag: o.tag,
      checksum: o.entry!.checksum, size: o.entry!.size, download_url: o.entry!.download_url,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { version: FORMAT_VERSION, kind: 'runway-umbrella', tag, commit, release_commit: releaseCommit, packages };
}

/** Pure: the file's bytes (2-space indent, final newline). */
export function serializeUmbrella(doc: UmbrellaDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Pure: reads an `umbrella.json`, or returns undefined for something that is not one (another
 * tool's release under the same tag): the caller then treats its origin as unknown.
 * @throws UserError for an umbrella document of a format version this Runway does not know.
 */
export function parseUmbrella(text: string): UmbrellaDocument | undefined {
  let doc: Partial<UmbrellaDocument>;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (doc?.kind !== 'runway-umbrella') return undefined;
  if (doc.version !== FORMAT_VERSION) {
    throw new UserError(`${UMBRELLA_FILE} has format version ${doc.version}; this Runway reads version ${FORMAT_VERSION}`, { hint: 'release with the Runway version that made the existing umbrella, or a newer one' });
  }
  return doc as UmbrellaDocument;
}

/** Pure: the Markdown body of the umbrella GitHub release: one row per package. */
export function renderUmbrellaBody(doc: UmbrellaDocument): string {
  const rows = doc.packages.map((p) =>
    `| ${p.name} | ${p.version} | \`${p.checksum.replace(/^sha256:/, '')}\` | [${p.tag}](${p.download_url}) |`);
  return [
    `Umbrella release ${doc.tag}: ${doc.packages.length} package(s) built from commit ${doc.release_commit}`
      + `${doc.release_commit === doc.commit ? '' : ` (the tagged commit ${doc.commit} with every manifest at the release version)`}.`,
    '',
    '| Package | Version | SHA-256 | Download |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `Each package is also released under its own tag (\`<name>@<version>\`) and listed in registry.json; ${UMBRELLA_FILE} lists them for machines.`,
    '',
  ].join('\n');
}
