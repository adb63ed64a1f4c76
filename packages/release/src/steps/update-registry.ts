import { SkipStep, type Step } from '../step';
import { nothingToDo } from './publish-assets';

/** Adds the entry to registry.json, only after the assets are in place (never points at a missing file). */
export const updateRegistryStep: Step = {
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
