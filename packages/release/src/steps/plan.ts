import { UserError } from '@runway/errors';
import { sbomFileName } from '@runway/sbom';
import { formatPlan, planRelease, registrySectionFor, type PlanInput } from '../plan-release';
import type { Step } from '../step';
import type { ReleaseContext, ReleaseFacts } from '../release-context';

/**
 * The preflight against the target, read-only: reads what it holds, decides the plan, refuses
 * changed content under a published version, and, when something will be published, refuses a
 * tag at another commit or a commit that is not on the remote (a dry run warns about those two).
 * After this step every check that can fail has run; only then does anything change.
 */
export const planStep: Step<ReleaseContext> = {
  name: 'planning release',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const { manifest, tag, assets, source } = ctx.facts as Required<typeof ctx.facts>;
    const state = await ctx.target.inspect(tag, assets.map((a) => a.name));
    ctx.facts.state = state;
    const section = registrySectionFor(manifest.kind);
    ctx.facts.plan = planRelease({
      manifest, projectRoot: ctx.options.projectRoot, tag, target: ctx.target.kind, assets, state, commit: source.commit,
      ...entryUrls(ctx.facts, (file) => ctx.target.downloadUrl(tag, file)),
      actions: ctx.target.describeActions({ tag, source, section, name: manifest.name, version: manifest.version, assets, state }),
      now: ctx.now(),
    });
    ctx.logger.info(formatPlan(ctx.facts.plan));
    if (ctx.facts.plan.status !== 'release' || state.published) return;
    try {
      await ctx.target.checkSource(tag, source, ctx.logger);
    } catch (err) {
      // A dry run shows the whole plan (e.g. before pushing) and names what a real run would refuse.
      if (!ctx.options.dryRun || !(err instanceof UserError)) throw err;
      ctx.logger.warn(`a real release would refuse this: ${err.message}${err.hint ? ` (fix: ${err.hint})` : ''}`);
    }
  },
};

/**
 * The URLs of a release's registry entry (package, SBOM, each prebuilt environment's files), given
 * how a file's URL is formed: the target's release of the tag, or an RC release's own files.
 */
export function entryUrls(facts: ReleaseFacts, url: (file: string) => string): Pick<PlanInput, 'downloadUrl' | 'sbomUrl' | 'prebuilt'> {
  const { manifest, assets, environments } = facts as Required<ReleaseFacts>;
  return {
    downloadUrl: url(assets[0].name),
    sbomUrl: url(sbomFileName(manifest.name, manifest.version)),
    ...(environments?.length && { prebuilt: Object.fromEntries(environments.map((e) => [e.platform, {
      download_url: url(e.tarball.name), checksum: `sha256:${e.tarball.sha256}`, size: e.tarball.size,
      lock_url: url(e.lock.name), sbom_url: url(e.sbom.name),
    }])) }),
  };
}
