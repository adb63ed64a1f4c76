import { join } from 'node:path';
import { Listr } from 'listr2';
import { UserError } from '@runway/errors';
import { runGit } from '@runway/git';
import type { Logger } from '@runway/log';
import { readManifest } from '@runway/project-files';
import {
  createDockerApi, createRegistryClient, imagePublishSteps, readDockerConfig, resolveRegistryCredentials,
  type PublishResult, type RegistryClient,
} from '@runway/publisher-docker';
import { planImagePublish, type ImagePublishPlan } from '@runway/release-policy';
import type { PublishRunenvImageExecutorSchema } from './schema';

export interface PublishRunenvImageInput {
  workspaceRoot: string;
  projectRoot: string;
  options: PublishRunenvImageExecutorSchema;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  now: Date;
}

export type PublishRunenvImageOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'planned'; plan: ImagePublishPlan }
  | { status: 'published'; plan: ImagePublishPlan; result: PublishResult };

/**
 * Publishes one payload's runenv images: reads the manifest, the ref/SHA/event (GITHUB_* or git)
 * and the published versions (git tags), plans with `planImagePublish`, then prints the plan
 * (dry run) or carries it out step by step with listr2. A runtime has no image: skipped.
 */
export async function publishRunenvImage(input: PublishRunenvImageInput): Promise<PublishRunenvImageOutcome> {
  const { workspaceRoot, projectRoot, options, env, logger } = input;
  const { manifest, errors } = await readManifest(workspaceRoot, projectRoot);
  if (!manifest) throw new UserError(`${projectRoot}/manifest.yaml is invalid: ${errors.map((e) => e.message).join('; ')}`, { hint: `run nx run <project>:validate for details` });
  if (manifest.kind !== 'payload') return { status: 'skipped', reason: `${manifest.name} is a runtime: it has no Dockerfile and no runenv image` };

  const registry = options.registry ?? env.RUNWAY_IMAGE_REGISTRY;
  if (!registry) {
    throw new UserError('no image registry configured', { hint: 'set RUNWAY_IMAGE_REGISTRY (e.g. ghcr.io/acme) or the executor option "registry"' });
  }
  const git = (args: string[]) => runGit(workspaceRoot, args);
  // The git reads are independent: run together, they take as long as the slowest, not the sum.
  const [ref, sha, published, source] = await Promise.all([
    env.GITHUB_REF || git(['rev-parse', '--symbolic-full-name', 'HEAD']),
    env.GITHUB_SHA || git(['rev-parse', 'HEAD']),
    options.published ?? git(['tag', '--list']).then((out) => out.split('\n').filter(Boolean)),
    sourceUrl(env, git),
  ]);
  const plan = planImagePublish({
    ref, sha, published,
    event: env.GITHUB_EVENT_NAME || 'push',
    date: input.now,
    defaultBranch: options.defaultBranch ?? 'main',
    km: options.km === true,
    registry,
    sourceUrl: source,
    payload: manifest,
  });
  if (plan.skip) return { status: 'skipped', reason: plan.skip };
  if (options.dryRun) {
    logger.info(describePlan(plan));
    return { status: 'planned', plan };
  }

  const dockerConfig = await readDockerConfig(env);
  const credentials = (host: string) => resolveRegistryCredentials(host, env, dockerConfig);
  const clients = new Map<string, RegistryClient>();
  const { steps, result } = imagePublishSteps(plan, join(workspaceRoot, projectRoot), {
    docker: createDockerApi(env),
    credentials,
    registry: (host) => clients.get(host) ?? clients.set(host, createRegistryClient({ host, credentials: credentials(host) })).get(host)!,
    onOutput: (line) => logger.info(`  ${line}`),
  });
  const plain = env.CI === 'true' || !process.stdout.isTTY;
  await new Listr(steps.map((s) => ({ title: s.title, task: () => s.run() })), {
    renderer: plain ? 'simple' : 'default',
    exitOnError: true,
    // Errors reach the caller as thrown, not also printed by listr, so each is reported once.
    collectErrors: false,
    rendererOptions: { collapseErrors: false },
  }).run();
  logger.info(plan.refs.map((ref) => `${ref}@${result.digest}`).join('\n'));
  return { status: 'published', plan, result };
}

/** The plan as `--dry-run` prints it: every ref and label, nothing hidden. */
export function describePlan(plan: ImagePublishPlan): string {
  return [
    `would build ${plan.project} from ${plan.dockerfile} and push:`,
    ...plan.refs.map((r) => `  ${r}`),
    'with labels:',
    ...Object.entries(plan.labels).map(([k, v]) => `  ${k}=${v}`),
  ].join('\n');
}

/** `org.opencontainers.image.source`: the GitHub repository in CI, else the origin remote if any. */
async function sourceUrl(env: NodeJS.ProcessEnv, git: (args: string[]) => Promise<string>): Promise<string | undefined> {
  if (env.GITHUB_REPOSITORY) return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`;
  const url = await git(['remote', 'get-url', 'origin']).catch(() => '');
  // A local path or a URL with credentials is no public source: leave the label out.
  return /^https:\/\/[^@]+$/.test(url) ? url.replace(/\.git$/, '') : undefined;
}
