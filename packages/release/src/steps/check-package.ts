import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball, UnsafeArchiveError } from '@runway/safe-archive';
import type { Step } from '../step';
import type { LocalAsset, ReleaseContext } from '../release-context';

/**
 * Unpacks the fresh package and each fresh prebuilt environment with the client's own safe
 * extractor (checking sha256 and size in the same pass), before anything is published: an
 * artifact users could not install is refused here, while nothing has changed yet. Runs on every
 * release, also one found already released, so a version published broken by an older Runway is
 * reported instead of passed as "done".
 */
export const checkPackageStep: Step<ReleaseContext> = {
  name: 'unpacking package',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const [pkg] = ctx.facts.assets!;
    ctx.facts.unpacked = await unpackWithClient(ctx, pkg, 'package');
    for (const env of ctx.facts.environments ?? []) await unpackWithClient(ctx, env.tarball, `${env.platform} environment`);
  },
};

/** Unpacks one tarball into a scratch folder as the client would; returns the entries unpacked. */
async function unpackWithClient(ctx: ReleaseContext, asset: LocalAsset, what: string): Promise<number> {
  const dest = await mkdtemp(join(ctx.workDir, 'unpack-'));
  try {
    const stream = createReadStream(asset.path) as AsyncIterable<Uint8Array>;
    const result = await extractTarball(stream, asset.path, {
      dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
      expected: { checksum: `sha256:${asset.sha256}`, size: asset.size },
    });
    ctx.logger.info(`unpacked ${asset.name} with the client's extractor: ${result.entries} entries`);
    return result.entries;
  } catch (err) {
    if (!(err instanceof UnsafeArchiveError)) throw err;
    throw new UserError(`the ${what} of ${ctx.options.projectRoot} cannot be installed by the client, so nothing was published: ${err.message}`, {
      hint: what === 'package'
        ? `fix the files it names in ${ctx.options.projectRoot} (links must stay inside the project), commit, and release again`
        : 'the environment holds a file the client refuses; fix "debian.packages" in manifest.yaml (then refresh the lock and bump the version), or report it as a debian-env bug',
      cause: err,
    });
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}
