import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import {
  createDockerApi, createRegistryClient, readDockerConfig, resolveRegistryCredentials, type DockerApi, type RegistryClient,
} from '@runway/publisher-docker';
import type { GitHubApi } from '@runway/publisher-github';
import { VERIFICATION_FILE, type VerificationRecord } from '@runway/release-policy';
import type { InstallFromRegistryRequest } from '@runway/runtime-client';
import type { PublicKey } from '@runway/trust';
import { createTargetAdapter } from '../targets/create-target';
import type { ReleaseTarget } from '../types';
import { checkPayloadImage } from './image-check';
import { readReleaseProjects, type ProjectAtRelease } from './release-projects';
import { loadReleaseRegistry } from './release-registry';
import { checkRuntime } from './runtime-check';
import { renderReport, type ProjectCheck } from './validation-report';
import { validationScope } from './validation-scope';
import { verificationRecordOf } from './verification-record-of';
import { writeVerificationRecord } from './write-record';

/** Default limit on one smoke command: a runtime that hangs fails the validation instead of the pipeline. */
const DEFAULT_SMOKE_TIMEOUT_MS = 10 * 60_000;

export interface ValidateReleaseOptions {
  workspaceRoot: string;
  /** Same resolution as `release`: the directory registry by default, GitHub from the environment. */
  target: ReleaseTarget;
  tag: string;
  /** Keys pinned with `--key`: the registry index and packages must be signed by one of them. */
  pinnedKeys: readonly PublicKey[];
  /** Install root to use (must be empty or absent; kept afterwards); default a temporary folder, removed. */
  dir?: string;
  /** Write no `VERIFICATION.json`. */
  noRecord: boolean;
  /** How a source package's setup runs (environment without credentials, output streams). */
  setup: NonNullable<InstallFromRegistryRequest['setup']>;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Image registry prefix of the payload images; default `RUNWAY_IMAGE_REGISTRY`. */
  imageRegistry?: string;
  smokeTimeoutMs?: number;
  /** Injected adapters (tests); built from the environment otherwise. */
  github?: GitHubApi;
  docker?: DockerApi;
}

export interface ValidateReleaseResult {
  passed: boolean;
  checks: ProjectCheck[];
  record: VerificationRecord;
  /** Where the record was written; undefined with `noRecord`. */
  recordLocation?: string;
  report: string;
}

/**
 * `runway release validate <tag>`: installs every runtime of the release from the PUBLISHED
 * registry into an empty folder as a user on this host would, and runs its `smoke:` command (from
 * the manifest committed at the release commit) inside it; pulls every payload image of the
 * release by digest and runs its `smoke:` in a fresh container without network. Prints one report,
 * then (unless `noRecord`) puts the verification record on the release. A failed project is a
 * result (`passed: false`, still recorded), not an error.
 * @throws UserError for a tag that is no release tag, does not exist, or has no published release;
 *   for a registry refused by the pinned keys; for payloads without an image registry configured.
 */
export async function validateRelease(options: ValidateReleaseOptions): Promise<ValidateReleaseResult> {
  const { logger, env } = options;
  const scope = validationScope(options.tag);
  const adapter = createTargetAdapter({ ...options, projectRoot: '.', dryRun: false, github: options.github }, () => new Date());
  const { commit, releaseCommit, projects, published } = await readReleaseProjects(options.workspaceRoot, adapter, scope);
  if (!published && !options.noRecord) {
    throw new UserError(`${scope.tag} has no published release to carry ${VERIFICATION_FILE}`, { hint: 'validate its images without a record: add --no-record' });
  }
  const runtimes = projects.filter((p) => p.kind === 'runtime');
  const payloads = projects.filter((p) => p.kind === 'payload');
  const imageRegistry = options.imageRegistry ?? env.RUNWAY_IMAGE_REGISTRY;
  if (payloads.length > 0 && !imageRegistry) {
    throw new UserError(`${scope.tag} has payload images (${payloads.map((p) => p.name).join(', ')}) but no image registry is configured`, {
      hint: 'set RUNWAY_IMAGE_REGISTRY to the prefix the images were published under (e.g. ghcr.io/acme)',
    });
  }
  logger.info(`validating ${scope.tag} (${commit.slice(0, 12)}${releaseCommit === commit ? '' : `, built from ${releaseCommit.slice(0, 12)}`}): `
    + `${projects.map((p) => `${p.kind} ${p.name}`).join(', ')}`);

  const scratch = await mkdtemp(join(tmpdir(), 'runway-validate-'));
  try {
    const dir = options.dir ? await emptyInstallRoot(resolve(options.workspaceRoot, options.dir)) : join(scratch, 'runtimes');
    const checks: ProjectCheck[] = [];
    if (runtimes.length > 0) {
      const registry = await loadReleaseRegistry({
        target: options.target, adapter, scope, pinnedKeys: options.pinnedKeys, cacheDir: join(scratch, 'cache'), env, logger,
      });
      for (const p of runtimes) {
        checks.push(p.manifest ? await checkRuntime({
          registry, name: p.name, version: scope.version, manifest: p.manifest, dir, setup: options.setup,
          bwrap: env.RUNWAY_BWRAP, smokeTimeoutMs: options.smokeTimeoutMs ?? DEFAULT_SMOKE_TIMEOUT_MS, logger,
        }) : invalid(p));
      }
    }
    if (payloads.length > 0) checks.push(...(await checkImages(payloads, imageRegistry!, scope.imageTag, options)));

    const record = verificationRecordOf(scope.tag, commit, checks);
    const report = renderReport(scope.tag, commit, checks);
    if (record.passed) logger.info(report);
    else logger.error(report);
    const recordLocation = options.noRecord ? undefined : await writeVerificationRecord(options.target, record, logger, options.github);
    return { passed: record.passed, checks, record, recordLocation, report };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A project whose manifest at the release commit does not parse fails without being run. */
function invalid(p: ProjectAtRelease): ProjectCheck {
  return { name: p.name, kind: p.kind, passed: false, reason: p.problem };
}

/** The payload checks, with one Docker connection and one registry client per host. */
async function checkImages(payloads: ProjectAtRelease[], registryPrefix: string, imageTag: string, options: ValidateReleaseOptions): Promise<ProjectCheck[]> {
  const { env, logger } = options;
  const docker = options.docker ?? createDockerApi(env);
  await docker.ping();
  const config = await readDockerConfig(env);
  const credentials = (host: string) => resolveRegistryCredentials(host, env, config);
  const clients = new Map<string, RegistryClient>();
  const registry = (host: string) => clients.get(host) ?? clients.set(host, createRegistryClient({ host, credentials: credentials(host) })).get(host)!;
  const checks: ProjectCheck[] = [];
  for (const p of payloads) {
    checks.push(p.manifest ? await checkPayloadImage({
      name: p.name, manifest: p.manifest, registryPrefix, imageTag, docker, registry, credentials, onOutput: (line) => logger.info(`  ${line}`),
    }) : invalid(p));
  }
  return checks;
}

/** `--dir`: created when absent; refused when it holds anything (the install must start from nothing). */
async function emptyInstallRoot(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) {
    throw new UserError(`${dir} is not empty`, { hint: 'validation installs into an empty folder: pass a new or empty --dir, or leave it out for a temporary one' });
  }
  return dir;
}
