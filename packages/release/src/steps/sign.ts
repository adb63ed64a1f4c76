import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '@runway/errors';
import { git, hasRemote } from '@runway/git';
import type { Logger } from '@runway/log';
import { parseSourceDateEpoch } from '@runway/pack';
import { SIGNING_KEY_ENV } from '@runway/signing';
import { releaseTrustFiles, type ProvenanceInput } from '@runway/trust';
import type { LocalAsset, ReleaseContext } from '../release-context';
import { requireKeyIfConfigured, type ReleaseSigning } from '../targets/release-signing';
import type { Step } from '../step';

/** `runDetails.builder.id` outside GitHub Actions (see @runway/trust BUILD_TYPE.md). */
export const LOCAL_BUILDER_ID = 'https://runway.dev/builders/local/v1';

/** What the signing of one release (a project's, or an umbrella's own assets) needs. */
export interface SignInput {
  signing: ReleaseSigning;
  /** The provenance of the release; its `assets` are what `SHA256SUMS` lists. */
  provenance: ProvenanceInput;
  /** Where the trust files are written (the run's scratch directory). */
  workDir: string;
  logger: Logger;
  dryRun: boolean;
  /** Whether the target's registry is already signed (asked only when there is no key). */
  isIndexSigned: () => Promise<boolean>;
}

/**
 * The trust files of a release as local assets: `SHA256SUMS` always, `SHA256SUMS.sig` and
 * `provenance.intoto.jsonl` with a key. Without a key: a `UserError` when the workspace requires
 * signing or the registry is already signed (its clients pin the key, and the next index could
 * not be signed), otherwise one notice line. A dry run logs what would be signed, and with which
 * key (its fingerprint), and turns those refusals into warnings.
 */
export async function signReleaseAssets(input: SignInput): Promise<LocalAsset[]> {
  const { signing, provenance, logger, dryRun } = input;
  const refuse = (err: UserError) => {
    if (!dryRun) throw err;
    logger.warn(`a real release would refuse this: ${err.message}${err.hint ? ` (fix: ${err.hint})` : ''}`);
  };
  try {
    requireKeyIfConfigured(signing, provenance.tag);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    refuse(err);
  }
  if (!signing.key && (await input.isIndexSigned())) {
    refuse(new UserError(`the registry is signed, but ${SIGNING_KEY_ENV} is not set: ${provenance.tag} would be published unsigned and the next index could not be signed`, {
      hint: `set ${SIGNING_KEY_ENV} to the release private key (or the path of its file) and release again`,
    }));
  }
  const files = releaseTrustFiles({ provenance, key: signing.key });
  const assets: LocalAsset[] = [];
  for (const file of files) {
    const path = join(input.workDir, file.name);
    await writeFile(path, file.bytes);
    assets.push({ name: file.name, path, sha256: createHash('sha256').update(file.bytes).digest('hex'), size: file.bytes.length });
  }
  const names = files.map((f) => f.name).join(', ');
  if (signing.key) {
    logger.info(`${dryRun ? 'would sign' : 'signed'} ${provenance.tag}: ${names} over ${provenance.assets.length} asset(s) with key ${signing.key.publicKey.keyId}`);
  } else {
    logger.info(`no signing key (${SIGNING_KEY_ENV} is not set): ${provenance.tag} is published unsigned, with ${names} only`);
  }
  return assets;
}

/**
 * Signs the release, after every asset is built and checked and before the plan reads the target:
 * adds `SHA256SUMS`, `SHA256SUMS.sig` and `provenance.intoto.jsonl` to the release's assets, so
 * planning, publishing, verifying and re-runs treat them like every other asset. Everything is
 * deterministic (Ed25519 signatures too, and the provenance holds no time or run id), so a re-run
 * on the same builder produces byte-identical files and keeps the published ones.
 */
export const signStep: Step<ReleaseContext> = {
  name: 'signing release',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const { manifest, tag, source, assets } = ctx.facts as Required<typeof ctx.facts>;
    const { workspaceRoot, projectRoot, env, dryRun } = ctx.options;
    // Written by the build of a prebuilt environment (its locks), when there is one.
    const inputs = ctx.facts.buildInputs;
    const provenance: ProvenanceInput = {
      assets: assets.map((a) => ({ name: a.name, sha256: a.sha256 })),
      source: { repository: await sourceRepository(workspaceRoot), commit: source.commit, ref: `refs/tags/${tag}` },
      tag,
      projects: [{ name: manifest.name, kind: manifest.kind, version: manifest.version, path: projectRoot }],
      ...(inputs?.length ? { inputs } : {}),
      ...sourceDateEpochOf(env),
      builder: { id: builderId(env) },
    };
    const trust = await signReleaseAssets({
      signing: await ctx.target.signing(), provenance, workDir: ctx.workDir, logger: ctx.logger, dryRun, isIndexSigned: () => ctx.target.isIndexSigned(),
    });
    ctx.facts.assets = [...assets, ...trust];
  },
};

/** `sourceDateEpoch` of the provenance when `SOURCE_DATE_EPOCH` is set: it shapes the packed bytes. */
export function sourceDateEpochOf(env: NodeJS.ProcessEnv): { sourceDateEpoch?: number } {
  return env.SOURCE_DATE_EPOCH?.trim() ? { sourceDateEpoch: parseSourceDateEpoch(env.SOURCE_DATE_EPOCH) } : {};
}

/**
 * The build platform: in GitHub Actions the workflow that ran (`<server>/<owner>/<repo>/.github/
 * workflows/<file>@<ref>`), elsewhere Runway's local builder. Never a run id: it would change the
 * provenance bytes between two runs of one release.
 */
export function builderId(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_SERVER_URL && env.GITHUB_WORKFLOW_REF) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_WORKFLOW_REF}`;
  return LOCAL_BUILDER_ID;
}

/** The source repository's URL, from the clone's `origin` (the clone itself when it has none). */
export async function sourceRepository(workspaceRoot: string): Promise<string> {
  if (!(await hasRemote(workspaceRoot, 'origin'))) return pathToFileURL(workspaceRoot).href;
  return repositoryUrl((await git(workspaceRoot, ['remote', 'get-url', 'origin'])).trim(), workspaceRoot);
}

/**
 * Pure: a git remote URL as the repository's public address: credentials dropped (a token in an
 * https remote must never reach a published file), scp-like and ssh remotes as https, `.git`
 * dropped from hosted ones; a local path as a `file:` URL.
 */
export function repositoryUrl(remote: string, cwd: string): string {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(remote);
  if (scp && !/^[A-Za-z]:[\\/]/.test(remote)) return `https://${scp[1]}/${scp[2].replace(/\.git$/, '')}`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(remote)) {
    const url = new URL(remote);
    url.username = '';
    url.password = '';
    if (url.protocol === 'file:') return url.href;
    if (url.protocol === 'ssh:' || url.protocol === 'git:') {
      url.port = '';
      return `https://${url.host}${url.pathname.replace(/\.git$/, '')}`;
    }
    return `${url.protocol}//${url.host}${url.pathname.replace(/\.git$/, '')}`;
  }
  return pathToFileURL(resolve(cwd, remote)).href;
}
