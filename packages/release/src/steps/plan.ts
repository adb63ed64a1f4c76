import { sbomFileName } from '@runway/sbom';
import { formatPlan, planRelease, registrySectionFor } from '../plan-release';
import type { Step } from '../step';

/** Reads what the target holds (read-only) and decides the plan; refuses changed content under a published version. */
export const planStep: Step = {
  name: 'planning release',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const { manifest, tag, assets } = ctx.facts as Required<typeof ctx.facts>;
    const state = await ctx.target.inspect(tag, assets.map((a) => a.name));
    ctx.facts.state = state;
    ctx.facts.plan = planRelease({
      manifest, projectRoot: ctx.options.projectRoot, tag, target: ctx.target.kind, assets, state,
      downloadUrl: ctx.target.downloadUrl(tag, assets[0].name),
      sbomUrl: ctx.target.downloadUrl(tag, sbomFileName(manifest.name, manifest.version)),
      actions: ctx.target.describeActions({ tag, section: registrySectionFor(manifest.kind), name: manifest.name, version: manifest.version, assets, state }),
      now: ctx.now(),
    });
    ctx.logger.info(formatPlan(ctx.facts.plan));
  },
};
