import { basename, join } from 'node:path';
import { buildPackage, sha256File } from '@runway/pack';
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
 */
export const buildStep: Step = {
  name: 'building package',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const { name, version } = ctx.facts.manifest!;
    const { workspaceRoot, projectRoot, env } = ctx.options;
    const built = await buildPackage({
      projectDir: join(workspaceRoot, projectRoot), name, version, outDir: ctx.workDir, sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    });
    ctx.facts.assets = [await describe(built.path), await describe(built.sha256File)];
  },
};
