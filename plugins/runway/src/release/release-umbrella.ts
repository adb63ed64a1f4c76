import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatError, UserError } from '@runway/errors';
import { headSha } from '@runway/git';
import type { Logger } from '@runway/log';
import { releaseProject, type ReleaseOutcome, type ReleaseTarget } from '@runway/release';
import { decideUmbrellaPublication, isOverridableTag, type UmbrellaTrigger } from '@runway/release-policy';
import type { GitHubApi } from '@runway/publisher-github';
import { setManifestVersion } from './manifest-version';
import { renderUmbrellaBody, umbrellaDocument } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';

/** A project the umbrella covers: every runtime and payload is released under it. */
export interface UmbrellaProject {
  root: string;
}

export interface UmbrellaOptions {
  workspaceRoot: string;
  projects: readonly UmbrellaProject[];
  trigger: UmbrellaTrigger;
  /** Glob patterns of umbrella tags that are replaced instead of refused. */
  overridableTags: readonly string[];
  dryRun: boolean;
  /** Where the packages go (same resolution as the per-project `release` target). */
  target: ReleaseTarget;
  umbrella: UmbrellaTarget;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Injected GitHub adapter for the package releases (tests). */
  github?: GitHubApi;
}

export type UmbrellaResult =
  | { status: 'nothing-to-do'; reason: string }
  | { status: 'planned' | 'released'; tag: string; outcomes: ReleaseOutcome[]; location?: string };

/**
 * The root project's release (KM's top-level `make release`, Joblet's bulk `v*` release):
 * 1. decide from the trigger; not an umbrella ref → nothing to do (so `nx run-many -t release`
 *    does not release everything twice);
 * 2. read the umbrella target and decide replace-vs-refuse (refusals happen before any change);
 * 3. bulk `vX.Y.Z`: set every manifest's version to X.Y.Z in the working tree;
 * 4. plan every project's release (dry run): a `<name>@X.Y.Z` already published with other
 *    content refuses the whole umbrella, listing every such project;
 * 5. release every project, one after the other (they share registry.json);
 * 6. publish the umbrella release listing every package.
 * With `dryRun` it stops after 4, prints the umbrella plan and restores the manifests.
 */
export async function releaseUmbrella(options: UmbrellaOptions): Promise<UmbrellaResult> {
  const { trigger, logger, workspaceRoot } = options;
  if (trigger.kind === 'none') return { status: 'nothing-to-do', reason: trigger.reason };

  const head = await headSha(workspaceRoot);
  const replaceable = trigger.kind === 'snapshot' && trigger.rolling ? true : isOverridableTag(trigger.tag, options.overridableTags);
  const state = await options.umbrella.inspect(trigger.tag);
  const publication = decideUmbrellaPublication({ tag: trigger.tag, replaceable, head, ...state });

  const restore = trigger.kind === 'bulk' ? await setVersions(workspaceRoot, options.projects, trigger.version) : async () => {};
  let keepChanges = false;
  try {
    const release = (projectRoot: string, dryRun: boolean) => releaseProject({
      workspaceRoot, projectRoot, target: options.target, dryRun, env: options.env, logger, github: options.github,
      // The umbrella ref is not any project's tag; the manifests (possibly just rewritten) rule.
      ref: undefined,
    });
    const planned = await planAll(options.projects, (root) => release(root, true), trigger.tag);
    const doc = umbrellaDocument(trigger.tag, head, planned);
    logger.info(`umbrella ${trigger.tag} (${replaceable ? 'replaceable' : 'immutable'}): tag ${publication.tag}, release ${publication.release}`
      + `${trigger.kind === 'bulk' ? `, every manifest set to ${trigger.version}` : ''}\n${renderUmbrellaBody(doc)}`);
    if (options.dryRun) return { status: 'planned', tag: trigger.tag, outcomes: planned };

    keepChanges = true;
    const outcomes: ReleaseOutcome[] = [];
    for (const p of options.projects) outcomes.push(await release(p.root, false));
    const location = await options.umbrella.publish(publication, umbrellaDocument(trigger.tag, head, outcomes), { prerelease: trigger.kind !== 'bulk' });
    logger.info(`umbrella ${trigger.tag} published: ${location}`);
    return { status: 'released', tag: trigger.tag, outcomes, location };
  } finally {
    if (!keepChanges) await restore();
  }
}

/** Plans every project (dry run) and refuses once, listing every project that cannot be released. */
async function planAll(projects: readonly UmbrellaProject[], plan: (root: string) => Promise<ReleaseOutcome>, tag: string): Promise<ReleaseOutcome[]> {
  const outcomes: ReleaseOutcome[] = [];
  const refusals: string[] = [];
  for (const p of projects) {
    try {
      outcomes.push(await plan(p.root));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      refusals.push(`  ${p.root}: ${formatError(err).replace(/^error: /, '').replace(/\n/g, '\n    ')}`);
    }
  }
  if (refusals.length > 0) {
    throw new UserError(`umbrella ${tag} refused before changing anything: ${refusals.length} project(s) cannot be released\n${refusals.join('\n')}`, {
      hint: 'a published <name>@<version> is immutable: bump the umbrella version (a new v tag) or fix the projects above',
    });
  }
  return outcomes;
}

/**
 * Sets `version:` of every project's manifest to `version` (temp file + rename each) and returns
 * a function that puts the original texts back.
 */
async function setVersions(workspaceRoot: string, projects: readonly UmbrellaProject[], version: string): Promise<() => Promise<void>> {
  const originals = new Map<string, string>();
  const write = async (file: string, text: string) => {
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  };
  const restore = async () => {
    for (const [file, text] of originals) await write(file, text);
  };
  try {
    for (const p of projects) {
      const file = join(workspaceRoot, p.root, 'manifest.yaml');
      const text = await readFile(file, 'utf8');
      const updated = setManifestVersion(text, version, `${p.root}/manifest.yaml`);
      originals.set(file, text);
      await write(file, updated);
    }
  } catch (err) {
    await restore();
    throw err;
  }
  return restore;
}
