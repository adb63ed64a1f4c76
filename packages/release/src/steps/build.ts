import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildPackage, formatChecksumLine, parseSourceDateEpoch } from '@runway/pack';
import { sbomFileName, sbomFor, serializeSbom } from '@runway/sbom';
import type { Step } from '../step';
import type { LocalAsset, ReleaseContext } from '../release-context';

/** An asset written from `content`: hashed from memory, not read back (publishing re-hashes every copy). */
function describe(path: string, content: string): LocalAsset {
  return { name: basename(path), path, sha256: createHash('sha256').update(content).digest('hex'), size: Buffer.byteLength(content) };
}

/**
 * Packs the project as it is in the release commit into the run's scratch directory, always.
 * Never the working tree, and never a package found in `dist/`: a tarball of the same version
 * built from other content would be published as current. Packing is deterministic, so the result
 * is byte-identical to the `build` target's output for that commit.
 *
 * The CycloneDX SBOM is written next to it from the files hashed while packing. It is a pure
 * function of the package (its manifest is inside), so it is as reproducible as the tarball.
 */
export const buildStep: Step<ReleaseContext> = {
  name: 'building package',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const manifest = ctx.facts.manifest!;
    const { name, version } = manifest;
    const { workspaceRoot, projectRoot, env } = ctx.options;
    const built = await buildPackage({
      projectDir: join(workspaceRoot, projectRoot), name, version, outDir: ctx.workDir, sourceDateEpoch: env.SOURCE_DATE_EPOCH, hashFiles: true,
      source: { commit: ctx.facts.source!.commit },
    });
    const sbomPath = join(ctx.workDir, sbomFileName(name, version));
    const sbom = sbomFor({
      manifest,
      package: { fileName: built.fileName, sha256: built.sha256, size: built.size },
      files: built.files!,
      // Only a real SOURCE_DATE_EPOCH dates the SBOM; the packer's fixed default mtime is no date.
      sourceDateEpoch: env.SOURCE_DATE_EPOCH?.trim() ? parseSourceDateEpoch(env.SOURCE_DATE_EPOCH) : undefined,
    });
    const sbomText = serializeSbom(sbom);
    await writeFile(sbomPath, sbomText);
    // The packer hashed and counted the tarball bytes as it wrote them.
    ctx.facts.assets = [
      { name: built.fileName, path: built.path, sha256: built.sha256, size: built.size },
      describe(built.sha256File, formatChecksumLine(built.sha256, built.fileName)),
      describe(sbomPath, sbomText),
    ];
  },
};
