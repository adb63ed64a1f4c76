import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import type { RegistryEntry } from '@runway/registry';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball, openDownload } from '@runway/safe-archive';
import { readSbomSubject } from '@runway/sbom';
import type { ReleaseContext, Step } from '../step';

/** An SBOM lists one line per packed file; far beyond this it is not ours. */
const MAX_SBOM_BYTES = 64 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 30_000;

/**
 * Downloads the package from the URL the registry publishes and unpacks it with the consumer's
 * safe extractor, checking sha256 and size in the same pass: what users will install is proven
 * installable. Then downloads the SBOM from `sbom_url` and checks it names the same package
 * sha256. Skipped for a version found already released: it was verified when it was
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
    const result = await extractTarball(openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS }), url, {
      dest, topLevel: ctx.facts.manifest!.name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
      expected: { checksum: entry.checksum, size: entry.size },
    });
    ctx.logger.info(`verified ${url}: ${result.checksum}, ${result.size} bytes, ${result.items.length} entries unpacked`);
    // An entry published before SBOMs existed keeps its original fields (entries are immutable).
    if (entry.sbom_url === undefined) ctx.logger.info(`${ctx.facts.tag} has no sbom_url in the registry; SBOM not verified`);
    else await verifySbom(ctx, entry, entry.sbom_url);
  },
};

/** Downloads the SBOM and refuses one that does not parse or names another package. */
async function verifySbom(ctx: ReleaseContext, entry: RegistryEntry, sbomUrl: string): Promise<void> {
  const url = ctx.target.resolveDownload(sbomUrl);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of openDownload(url, { idleTimeoutMs: IDLE_TIMEOUT_MS })) {
    size += chunk.length;
    if (size > MAX_SBOM_BYTES) throw new UserError(`the SBOM at ${url} is over ${MAX_SBOM_BYTES} bytes`, { hint: 're-run the release; if it persists, the asset was replaced by something else' });
    chunks.push(chunk);
  }
  const read = readSbomSubject(Buffer.concat(chunks).toString('utf8'));
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
