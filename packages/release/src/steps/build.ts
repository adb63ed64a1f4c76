import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildPackage, sha256File } from '@runway/pack';
import type { LocalAsset, ReleaseContext, Step } from '../step';

/** Where the `build` target leaves a runtime's package (see the plugin's inferred build target). */
export function builtPackagePath(workspaceRoot: string, name: string, version: string): string {
  return join(workspaceRoot, 'dist', 'runtimes', name, `${name}-${version}.tar.gz`);
}

async function describe(path: string): Promise<LocalAsset> {
  return { name: basename(path), path, ...(await sha256File(path)) };
}

/** The built package and its `.sha256`, when both exist and agree; undefined otherwise. */
async function reuseBuilt(path: string): Promise<LocalAsset[] | undefined> {
  try {
    const [pkg, line] = await Promise.all([describe(path), readFile(`${path}.sha256`, 'utf8')]);
    if (line.split(/\s+/)[0] !== pkg.sha256) return undefined;
    return [pkg, await describe(`${path}.sha256`)];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reuses the package of the `build` target (which `release` depends on, so Nx keeps it current),
 * or packs one into the run's scratch directory: the release never writes into `dist/runtimes`.
 */
export const buildStep: Step = {
  name: 'building package',
  mutates: false,
  skip: (ctx: ReleaseContext) => ctx.facts.notConcerned,
  async run(ctx) {
    const { name, version } = ctx.facts.manifest!;
    const { workspaceRoot, projectRoot, env } = ctx.options;
    const reused = await reuseBuilt(builtPackagePath(workspaceRoot, name, version));
    if (reused) {
      ctx.facts.assets = reused;
      ctx.logger.info(`${name}: using the built ${reused[0].name} (sha256:${reused[0].sha256})`);
      return;
    }
    const built = await buildPackage({
      projectDir: join(workspaceRoot, projectRoot), name, version, outDir: ctx.workDir, sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    });
    ctx.facts.assets = [await describe(built.path), await describe(built.sha256File)];
  },
};
