import { emptyRegistry, type RegistryEntry, type RegistrySection } from '@runway/registry';
import type { BuildInput, LocalAsset, ReleaseContext } from '../release-context';
import { newContext } from '../release-project';
import { planRelease, registrySectionFor } from '../plan-release';
import { runSteps } from '../runner';
import type { Step } from '../step';
import { preflightSteps, planStep, signStep } from '../steps';
import { entryUrls } from '../steps/plan';
import type { ReleaseOptions } from '../types';

/**
 * The preflight of one project of an RC: the commit, validation, policy, build, prebuilt
 * environments and the unpacking check, but neither the per-project signing (the RC has ONE
 * `SHA256SUMS` over all its assets) nor the plan against the main registry (an RC never touches it).
 */
const candidateSteps: readonly Step<ReleaseContext>[] = preflightSteps.filter((step) => step !== signStep && step !== planStep);

/** One project built and checked for a release candidate; nothing has been published. */
export interface PreparedCandidate {
  project: string;
  kind: 'runtime' | 'payload';
  projectRoot: string;
  section: RegistrySection;
  /** `<name>@X.Y.Z`: the tag the project gets when the RC is promoted. */
  tag: string;
  /** Its entry in the RC-scoped registry file (URLs into the RC release). */
  entry: RegistryEntry;
  /** Package, `.sha256`, SBOM, prebuilt environment files, on local disk. */
  assets: LocalAsset[];
  /** Committed files the build read beyond the packed project (provenance inputs). */
  buildInputs: BuildInput[];
  /** Removes the scratch directory holding the assets; call once. */
  dispose(): Promise<void>;
}

/**
 * Builds and checks one project for an RC (read-only): the release's own preflight minus signing
 * and planning, then the registry entry it would have, with `fileUrl` forming each file's URL in the
 * RC release.
 * @throws UserError for anything the preflight refuses.
 */
export async function prepareCandidate(options: ReleaseOptions, fileUrl: (file: string) => string): Promise<PreparedCandidate> {
  const { ctx, dispose } = await newContext(options);
  try {
    await runSteps(candidateSteps, ctx, { dryRun: options.dryRun, renderer: options.renderer ?? 'simple' });
    const { manifest, tag, assets, source } = ctx.facts as Required<ReleaseContext['facts']>;
    const now = ctx.now();
    const plan = planRelease({
      manifest, projectRoot: options.projectRoot, tag, target: ctx.target.kind, assets, commit: source.commit, now, actions: [],
      state: { registry: emptyRegistry(now), registryLocation: 'the RC registry file', published: false, assets: [] },
      ...entryUrls(ctx.facts, fileUrl),
    });
    return {
      project: manifest.name, kind: manifest.kind, projectRoot: options.projectRoot, section: registrySectionFor(manifest.kind),
      tag, entry: plan.entry, assets, buildInputs: ctx.facts.buildInputs ?? [], dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
