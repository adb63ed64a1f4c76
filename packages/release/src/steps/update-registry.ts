import type { ReleaseContext } from '../release-context';
import { SkipStep, type Step } from '../step';
import { nothingToDo } from './publish-assets';

/**
 * Adds the entry to registry.json, last: only after the published download was verified to serve
 * exactly the package, so the registry never lists a version a client cannot install. The entry
 * is therefore also the durable record that the download was verified.
 */
export const updateRegistryStep: Step<ReleaseContext> = {
  name: 'updating registry',
  mutates: true,
  skip: nothingToDo,
  async run(ctx) {
    const { manifest, plan } = ctx.facts;
    const outcome = await ctx.target.updateRegistry(plan!.section, manifest!.name, plan!.entry, ctx.logger);
    ctx.facts.published = plan!.entry;
    if (outcome === 'unchanged') throw new SkipStep(`registry already has ${ctx.facts.tag}`);
  },
};
