import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import type { RegistryEntry } from '@runway/registry';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, deadlineAfter, extractTarball, openDownload, withRetryBefore, type Deadline } from '@runway/safe-archive';
import { readSbomSubject } from '@runway/sbom';
import type { ReleaseContext } from '../release-context';
import type { Step } from '../step';
import { nothingToDo } from './publish-assets';

/** An SBOM lists one line per packed file; far beyond this it is not ours. */
const MAX_SBOM_BYTES = 64 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 30_000;
/** A CDN may take a moment to serve a just-published asset: a few retries of transient failures. */
const DOWNLOAD_ATTEMPTS = 4;

/** The whole budget of one download and its retries: a minute plus a second per 32 KiB. */
function deadlineFor(size: number): Deadline {
  return deadlineAfter(60_000 + Math.ceil(size / 32_768) * 1000);
}

/**
 * Downloads the package from the public URL its registry entry will name and unpacks it with the
 * client's safe extractor, checking sha256 and size in the same pass: the published download
 * serves exactly the package. Then downloads the SBOM and checks it names the same package. Runs
 * after publishing and before the registry entry is written, so the entry itself is the durable
 * record of this check: a version found already released (entry present, stored bytes identical
 * to this build, which was just unpacked) is not downloaded again.
 */
export const verifyStep: Step<ReleaseContext> = {
  name: 'verifying download',
  mutates: false,
  skip(ctx) {
    const done = nothingToDo(ctx);
    if (done) return ctx.facts.plan?.status === 'already-released'
      ? `${done}; its registry entry was written only after its download was verified, and its stored files hash identical to this build`
      : done;
    if (!ctx.facts.state?.published && ctx.options.dryRun) return 'dry run: nothing was published to download';
    return undefined;
  },
  async run(ctx) {
    const entry = ctx.facts.plan!.entry;
    const url = ctx.target.resolveDownload(entry.download_url);
    const deadline = deadlineFor(entry.size);
    const result = await withRetryBefore(deadline, async () => {
      const dest = await mkdtemp(join(ctx.workDir, 'verify-'));
      try {
        return await extractTarball(openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS, deadline }), url, {
          dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
          expected: { checksum: entry.checksum, size: entry.size },
        });
      } finally {
        await rm(dest, { recursive: true, force: true });
      }
    }, { attempts: DOWNLOAD_ATTEMPTS, onRetry: (err) => ctx.logger.warn(`${err.message}; retrying`) });
    ctx.logger.info(`verified ${url}: ${result.checksum}, ${result.size} bytes, ${result.items.length} entries unpacked`);
    // An entry published before SBOMs existed keeps its original fields (entries are immutable).
    if (entry.sbom_url === undefined) ctx.logger.info(`${ctx.facts.tag} has no sbom_url in the registry; SBOM not verified`);
    else await verifySbom(ctx, entry, entry.sbom_url);
    ctx.facts.verified = true;
  },
};

/** Downloads the SBOM and refuses one that does not parse or names another package. */
async function verifySbom(ctx: ReleaseContext, entry: RegistryEntry, sbomUrl: string): Promise<void> {
  const url = ctx.target.resolveDownload(sbomUrl);
  const deadline = deadlineAfter(120_000);
  const text = await withRetryBefore(deadline, async () => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS, deadline })) {
      size += chunk.length;
      if (size > MAX_SBOM_BYTES) throw new UserError(`the SBOM at ${url} is over ${MAX_SBOM_BYTES} bytes`, { hint: 're-run the release; if it persists, the asset was replaced by something else' });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }, { attempts: DOWNLOAD_ATTEMPTS, onRetry: (err) => ctx.logger.warn(`${err.message}; retrying`) });
  const read = readSbomSubject(text);
  const { name, version } = ctx.facts.manifest!;
  const problem = 'problem' in read ? read.problem
    : `sha256:${read.subject.sha256}` !== entry.checksum ? `it describes sha256:${read.subject.sha256}, the registry entry has ${entry.checksum}`
      : read.subject.name !== name || read.subject.version !== version ? `it describes ${read.subject.name}@${read.subject.version}`
        : undefined;
  if (problem) {
    throw new UserError(`the SBOM published for ${name}@${version} at ${url} does not describe the package: ${problem}`, {
      hint: 're-run the release; if it persists, the SBOM asset was replaced by a file of another build',
    });
  }
  ctx.logger.info(`verified ${url}: CycloneDX SBOM of ${name}@${version}, ${entry.checksum}`);
}
