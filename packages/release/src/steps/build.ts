import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildPackage, parseSourceDateEpoch, sha256File } from '@runway/pack';
import { sbomFileName, sbomFor, serializeSbom } from '@runway/sbom';
import type { LocalAsset, Step } from '../step';

async function describe(path: string): Promise<LocalAsset> {
  return { name: basename(path), path, ...(await sha256File(path)) };
}

/**
 * Packs the project into the run's scratch directory, always. A package found in `dist/` cannot
 * be trusted to match the sources: a tarball of the same version built from other content (a bulk
 * release that rewrote versions, a checkout switch) would be published as current. Packing is
 * deterministic, so the result is byte-identical to an up-to-date `build` target output, and the
 * release never writes into `dist/runtimes` or `dist/payloads`.
 *
 * The CycloneDX SBOM is written next to it from the files hashed while packing. It is a pure
 * function of the package (its manifest is inside), so it is as reproducible as the tarball.
 */
export const buildStep: Step = {
  name: 'building package',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const manifest = ctx.facts.manifest!;
    const { name, version } = manifest;
    const { workspaceRoot, projectRoot, env } = ctx.options;
    const built = await buildPackage({
      projectDir: join(workspaceRoot, projectRoot), name, version, outDir: ctx.workDir, sourceDateEpoch: env.SOURCE_DATE_EPOCH, hashFiles: true,
    });
    const sbomPath = join(ctx.workDir, sbomFileName(name, version));
    const sbom = sbomFor({
      manifest,
      package: { fileName: built.fileName, sha256: built.sha256, size: built.size },
      files: built.files!,
      // Only a real SOURCE_DATE_EPOCH dates the SBOM; the packer's fixed default mtime is no date.
      sourceDateEpoch: env.SOURCE_DATE_EPOCH?.trim() ? parseSourceDateEpoch(env.SOURCE_DATE_EPOCH) : undefined,
    });
    await writeFile(sbomPath, serializeSbom(sbom));
    ctx.facts.assets = [await describe(built.path), await describe(built.sha256File), await describe(sbomPath)];
  },
};
