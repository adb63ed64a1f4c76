import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball, UnsafeArchiveError } from '@runway/safe-archive';
import type { Step } from '../step';
import type { ReleaseContext } from '../release-context';

/**
 * Unpacks the fresh package with the client's own safe extractor (checking its sha256 and size in
 * the same pass), before anything is published: a package users could not install is refused
 * here, while nothing has changed yet. Runs on every release, also one found already released,
 * so a version published broken by an older Runway is reported instead of passed as "done".
 */
export const checkPackageStep: Step<ReleaseContext> = {
  name: 'unpacking package',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const [pkg] = ctx.facts.assets!;
    const dest = await mkdtemp(join(ctx.workDir, 'unpack-'));
    try {
      const stream = createReadStream(pkg.path) as AsyncIterable<Uint8Array>;
      const result = await extractTarball(stream, pkg.path, {
        dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
        expected: { checksum: `sha256:${pkg.sha256}`, size: pkg.size },
      });
      ctx.facts.unpacked = result.items.length;
      ctx.logger.info(`unpacked ${pkg.name} with the client's extractor: ${result.items.length} entries`);
    } catch (err) {
      if (!(err instanceof UnsafeArchiveError)) throw err;
      throw new UserError(`the package of ${ctx.options.projectRoot} cannot be installed by the client, so nothing was published: ${err.message}`, {
        hint: `fix the files it names in ${ctx.options.projectRoot} (links must stay inside the project), commit, and release again`,
        cause: err,
      });
    } finally {
      await rm(dest, { recursive: true, force: true });
    }
  },
};
