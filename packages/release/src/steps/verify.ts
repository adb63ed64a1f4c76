import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
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
 * serves exactly the package. Then downloads the SBOM and checks it names the same package. Each
 * prebuilt environment the entry lists is checked the same way (tarball unpacked, SBOM naming its
 * sha256), and its lock must be byte for byte the one built. Runs
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
    await verifyTarball(ctx, entry.download_url, entry.checksum, entry.size);
    // An entry published before SBOMs existed keeps its original fields (entries are immutable).
    if (entry.sbom_url === undefined) ctx.logger.info(`${ctx.facts.tag} has no sbom_url in the registry; SBOM not verified`);
    else await verifySbom(ctx, entry.checksum, entry.sbom_url);
    for (const [platform, artifact] of Object.entries(entry.prebuilt ?? {})) {
      await verifyTarball(ctx, artifact.download_url, artifact.checksum, artifact.size);
      if (artifact.sbom_url !== undefined) await verifySbom(ctx, artifact.checksum, artifact.sbom_url);
      const lock = ctx.facts.environments?.find((e) => e.platform === platform)?.lock;
      if (artifact.lock_url !== undefined && lock) await verifyBytes(ctx, artifact.lock_url, lock.sha256, lock.size);
    }
    ctx.facts.verified = true;
  },
};

/** Downloads a tarball from its public URL and unpacks it with the client's extractor, checking sha256 and size in the same pass. */
async function verifyTarball(ctx: ReleaseContext, downloadUrl: string, checksum: string, size: number): Promise<void> {
  const url = ctx.target.resolveDownload(downloadUrl);
  const deadline = deadlineFor(size);
  const result = await withRetryBefore(deadline, async () => {
    const dest = await mkdtemp(join(ctx.workDir, 'verify-'));
    try {
      return await extractTarball(openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS, deadline }), url, {
        dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
        expected: { checksum, size },
      });
    } finally {
      await rm(dest, { recursive: true, force: true });
    }
  }, { attempts: DOWNLOAD_ATTEMPTS, onRetry: (err) => ctx.logger.warn(`${err.message}; retrying`) });
  ctx.logger.info(`verified ${url}: ${result.checksum}, ${result.size} bytes, ${result.entries} entries unpacked`);
}

/** Downloads a small asset (at most `MAX_SBOM_BYTES`) from its public URL, with retries. */
async function download(ctx: ReleaseContext, url: string): Promise<Buffer> {
  const deadline = deadlineAfter(120_000);
  return withRetryBefore(deadline, async () => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS, deadline })) {
      size += chunk.length;
      if (size > MAX_SBOM_BYTES) throw new UserError(`the asset at ${url} is over ${MAX_SBOM_BYTES} bytes`, { hint: 're-run the release; if it persists, the asset was replaced by something else' });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }, { attempts: DOWNLOAD_ATTEMPTS, onRetry: (err) => ctx.logger.warn(`${err.message}; retrying`) });
}

/** Refuses a published asset whose bytes are not exactly the ones built (e.g. an environment's lock). */
async function verifyBytes(ctx: ReleaseContext, assetUrl: string, sha256: string, size: number): Promise<void> {
  const url = ctx.target.resolveDownload(assetUrl);
  const bytes = await download(ctx, url);
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== sha256 || bytes.length !== size) {
    throw new UserError(`the file published for ${ctx.facts.tag} at ${url} is not the one built: sha256:${got} (${bytes.length} bytes), built sha256:${sha256} (${size} bytes)`, {
      hint: 're-run the release; if it persists, the asset was replaced by a file of another build',
    });
  }
  ctx.logger.info(`verified ${url}: sha256:${got}`);
}

/** Downloads an SBOM and refuses one that does not parse or names another artifact than `checksum`. */
async function verifySbom(ctx: ReleaseContext, checksum: string, sbomUrl: string): Promise<void> {
  const url = ctx.target.resolveDownload(sbomUrl);
  const text = (await download(ctx, url)).toString('utf8');
  const read = readSbomSubject(text);
  const { name, version } = ctx.facts.manifest!;
  const problem = 'problem' in read ? read.problem
    : `sha256:${read.subject.sha256}` !== checksum ? `it describes sha256:${read.subject.sha256}, the registry entry has ${checksum}`
      : read.subject.name !== name || read.subject.version !== version ? `it describes ${read.subject.name}@${read.subject.version}`
        : undefined;
  if (problem) {
    throw new UserError(`the SBOM published for ${name}@${version} at ${url} does not describe the package: ${problem}`, {
      hint: 're-run the release; if it persists, the SBOM asset was replaced by a file of another build',
    });
  }
  ctx.logger.info(`verified ${url}: CycloneDX SBOM of ${name}@${version}, ${checksum}`);
}
