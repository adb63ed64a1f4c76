import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball, openDownload } from '@runway/runtime-client';
import type { Step } from '../step';

/**
 * Downloads the package from the URL the registry publishes and unpacks it with the consumer's
 * safe extractor, checking sha256 and size in the same pass: what users will install is proven
 * installable. Skipped for a version found already released: it was verified when it was
 * published, and planning has just hashed every stored asset as identical to a fresh pack (this
 * keeps a bulk re-run of hundreds of projects cheap).
 */
export const verifyStep: Step = {
  name: 'verifying download',
  mutates: false,
  skip(ctx) {
    if (ctx.facts.notConcerned) return ctx.facts.notConcerned;
    if (ctx.facts.plan?.status === 'already-released') return `${ctx.facts.tag} was verified when it was published; its stored assets hash identical to this build`;
    if (!ctx.facts.published) return 'nothing was published in this run';
    return undefined;
  },
  async run(ctx) {
    const entry = ctx.facts.published!;
    const url = ctx.target.resolveDownload(entry.download_url);
    const dest = join(ctx.workDir, 'verify');
    await mkdir(dest, { recursive: true });
    const result = await extractTarball(openDownload(url, { idleTimeoutMs: 30_000 }), url, {
      dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
      expected: { checksum: entry.checksum, size: entry.size },
    });
    ctx.logger.info(`verified ${url}: ${result.checksum}, ${result.size} bytes, ${result.items.length} entries unpacked`);
  },
};
