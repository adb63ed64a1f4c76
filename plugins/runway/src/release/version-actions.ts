import { join } from 'node:path';
import type { ProjectGraph, Tree } from '@nx/devkit';
import { describeVersionProblem, isValidVersion } from '@runway/manifest';
import { VersionActions } from 'nx/release';
import { readManifestVersion, setManifestVersion } from '@runway/release';

const MANIFEST = 'manifest.yaml';

/**
 * Nx Release version actions for Runway projects: the version lives in the `version:` line of
 * `<projectRoot>/manifest.yaml`. Reading and writing go through the Nx `Tree` only (so
 * `--dry-run` shows the diff and writes nothing); the rest of the file is left byte-for-byte.
 *
 * Runway versions are strict `MAJOR.MINOR.PATCH`, so a bump that would produce a prerelease or
 * build suffix (`nx release prerelease`, `--preid`) is refused here instead of failing later in
 * `validate`.
 */
export default class RunwayVersionActions extends VersionActions {
  validManifestFilenames = [MANIFEST];

  /** Reads the version from the project's manifest.yaml (`currentVersionResolver: "disk"`). */
  async readCurrentVersionFromSourceManifest(tree: Tree): Promise<{ currentVersion: string; manifestPath: string } | null> {
    const manifestPath = join(this.projectGraphNode.data.root, MANIFEST);
    const text = tree.read(manifestPath, 'utf-8');
    if (text === null) return null;
    return { currentVersion: readManifestVersion(text, manifestPath), manifestPath };
  }

  /** Runway has no package registry to ask: the registry.json is written by `release`, after versioning. */
  async readCurrentVersionFromRegistry(): Promise<null> {
    return null;
  }

  /** `extends` edges are build-time layering, not version constraints: nothing to update. */
  async readCurrentVersionOfDependency(_tree: Tree, _graph: ProjectGraph, _dependency: string): Promise<{ currentVersion: null; dependencyCollection: null }> {
    return { currentVersion: null, dependencyCollection: null };
  }

  async calculateNewVersion(
    currentVersion: string | null,
    newVersionInput: string,
    newVersionInputReason: string,
    newVersionInputReasonData: Record<string, unknown>,
    preid: string,
  ): Promise<{ newVersion: string; logText: string }> {
    const result = await super.calculateNewVersion(currentVersion, newVersionInput, newVersionInputReason, newVersionInputReasonData, preid);
    if (!isValidVersion(result.newVersion)) {
      throw new Error(
        `${this.projectGraphNode.name}: new version "${result.newVersion}" ${describeVersionProblem(result.newVersion)}; `
        + 'Runway versions are strict MAJOR.MINOR.PATCH. Use "nx release patch|minor|major -p <name>" or an explicit X.Y.Z.',
      );
    }
    return result;
  }

  /** Rewrites the `version:` value of every manifest Nx asked us to update. */
  async updateProjectVersion(tree: Tree, newVersion: string): Promise<string[]> {
    const logs: string[] = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const text = tree.read(manifestPath, 'utf-8');
      if (text === null) continue;
      tree.write(manifestPath, setManifestVersion(text, newVersion, manifestPath));
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(): Promise<string[]> {
    return [];
  }
}
