import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { splitImageRepository, type ImagePublishPlan } from '@runway/release-policy';
import type { DockerApi, DockerEvent, RegistryCredentials } from './docker-api';
import type { RegistryClient } from './registry-client';
import { DaemonStreamError } from './stream-events';
import { dockerfileWithLabels, packBuildContext } from './build-context';

/** One unit of work with a present-participle title, run in order by the caller (listr2). */
export interface PublishStep {
  title: string;
  run(): Promise<void>;
}

export interface PublishImageDeps {
  docker: DockerApi;
  /** The registry client for a host (one per host; carries its credentials). */
  registry(host: string): RegistryClient;
  credentials(host: string): RegistryCredentials | undefined;
  /** Build and push output lines, for logs. */
  onOutput?: (line: string) => void;
}

/** What the steps do beyond the plan. */
export interface PublishImageOptions {
  /**
   * An argv run in a fresh container of the built image before anything is pushed (the payload's
   * `smoke:`); a non-zero exit fails the publish with the command's output, and nothing is pushed.
   */
  smoke?: string[];
}

/** What a finished publish produced: one image id and the one digest every ref resolves to. */
export interface PublishResult {
  imageId?: string;
  digest?: string;
  refs: string[];
}

/**
 * The ordered steps that carry out a publish plan, and the result they fill in:
 * 1. checking daemon and registry access (all at once): credentials are tried before a long build is wasted;
 * 2. building the image once, with every `repository:tag` of the plan; the labels ride in the
 *    streamed context as one LABEL line appended to the Dockerfile (no copy of the folder);
 * 3. when a smoke command is given, running it in the new image: an image that does not start is never pushed;
 * 4. pushing each ref on its own: pushing a whole repository would also push stale local tags;
 * 5. verifying through the registry API (all refs at once) that every ref resolves to the pushed digest.
 */
export function imagePublishSteps(
  plan: ImagePublishPlan, contextDir: string, deps: PublishImageDeps, options: PublishImageOptions = {},
): { steps: PublishStep[]; result: PublishResult } {
  const result: PublishResult = { refs: plan.refs };
  const hosts = [...new Set(plan.repositories.map((r) => splitImageRepository(r).host))];
  const output = (e: DockerEvent) => {
    const line = (e.stream ?? (e.status ? `${e.id ? `${e.id}: ` : ''}${e.status}` : '')).trimEnd();
    if (line) deps.onOutput?.(line);
  };

  const steps: PublishStep[] = [
    {
      title: `checking access to ${hosts.join(', ')}`,
      run: async () => {
        await Promise.all([deps.docker.ping(), ...hosts.map((host) => deps.registry(host).ping())]);
      },
    },
    {
      title: `building ${plan.repositories[0]} from ${plan.dockerfile}`,
      run: async () => {
        try {
          const dockerfile = dockerfileWithLabels(await readDockerfile(contextDir, plan.dockerfile), plan.labels);
          const context = await packBuildContext(contextDir, { [plan.dockerfile]: dockerfile });
          result.imageId = await deps.docker.buildImage(context, { dockerfile: plan.dockerfile, tags: plan.refs, labels: {}, onEvent: output });
        } catch (err) {
          if (err instanceof DaemonStreamError) {
            throw new UserError(`building the runenv image of ${plan.project} failed: ${err.message}`, {
              hint: `fix ${plan.dockerfile} in the payload folder; the build output above shows the failing step`, cause: err,
            });
          }
          throw err;
        }
      },
    },
    ...(options.smoke ? [smokeStep(plan, options.smoke, deps, result)] : []),
    ...plan.refs.map((ref): PublishStep => ({
      title: `pushing ${ref}`,
      run: async () => {
        const at = ref.lastIndexOf(':');
        const repository = ref.slice(0, at);
        const host = splitImageRepository(repository).host;
        const credentials = deps.credentials(host);
        let digest: string;
        try {
          digest = await deps.docker.pushImage(repository, ref.slice(at + 1), credentials, output);
        } catch (err) {
          throw pushError(err, ref, host, credentials);
        }
        if (result.digest && result.digest !== digest) {
          throw new Error(`${ref} was pushed as ${digest} but earlier tags as ${result.digest}: the tags do not share one image`);
        }
        result.digest = digest;
      },
    })),
    {
      title: `verifying that ${plan.refs.length} tag(s) resolve to one digest`,
      run: async () => {
        const digests = await Promise.all(plan.refs.map((ref) => {
          const at = ref.lastIndexOf(':');
          const { host, path } = splitImageRepository(ref.slice(0, at));
          return deps.registry(host).manifestDigest(path, ref.slice(at + 1));
        }));
        const mismatches = plan.refs.flatMap((ref, i) => (digests[i] === result.digest ? [] : [`${ref} → ${digests[i] ?? 'missing'}`]));
        if (mismatches.length) {
          throw new Error(`after the push, these tags do not resolve to ${result.digest}: ${mismatches.join(', ')}`);
        }
      },
    },
  ];
  return { steps, result };
}

/** Runs the smoke command in the image just built (by its id: the tags may move under us). */
function smokeStep(plan: ImagePublishPlan, command: string[], deps: PublishImageDeps, result: PublishResult): PublishStep {
  const shown = command.join(' ');
  return {
    title: `running the smoke command in ${plan.refs[0]}: ${shown}`,
    run: async () => {
      const run = await deps.docker.runContainer(result.imageId ?? plan.refs[0], command);
      for (const line of run.output.split('\n')) if (line.trim()) deps.onOutput?.(line.trimEnd());
      if (run.exitCode !== 0) {
        throw new UserError(`the runenv image of ${plan.project} failed its smoke command (exit ${run.exitCode}): ${shown}\n${run.output.trimEnd()}`, {
          hint: 'nothing was pushed; fix the Dockerfile (or the runtime it is built from) so the command succeeds, or correct "smoke" in manifest.yaml',
        });
      }
    },
  };
}

/** The payload's Dockerfile; a missing one is the user's to fix, named with its path. */
async function readDockerfile(contextDir: string, dockerfile: string): Promise<string> {
  try {
    return await readFile(join(contextDir, dockerfile), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new UserError(`${join(contextDir, dockerfile)} does not exist`, {
      hint: 'add the Dockerfile to the payload folder, or set "dockerfile" in its manifest.yaml to the right path', cause: err,
    });
  }
}

/** Turns a daemon push failure into a message naming the registry and what to change. */
function pushError(err: unknown, ref: string, host: string, credentials: RegistryCredentials | undefined): Error {
  const message = (err as Error).message ?? String(err);
  if (/unauthorized|authentication required|denied|no basic auth credentials|401/i.test(message)) {
    return new UserError(`registry ${host} refused the push of ${ref}: ${message}`, {
      hint: credentials
        ? `check the credentials from ${credentials.source} for ${host} (RUNWAY_IMAGE_REGISTRY_USER / RUNWAY_IMAGE_REGISTRY_PASSWORD)`
        : `set RUNWAY_IMAGE_REGISTRY_USER and RUNWAY_IMAGE_REGISTRY_PASSWORD for ${host}, or run docker login ${host}`,
      cause: err,
    });
  }
  return err instanceof DaemonStreamError ? new Error(`pushing ${ref} failed: ${message}`, { cause: err }) : (err as Error);
}
