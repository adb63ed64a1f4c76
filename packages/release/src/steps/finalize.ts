import { SkipStep, type Step } from '../step';
import { nothingToDo } from './publish-assets';

/** Makes the release visible (GitHub draft → published), only once the registry has its entry. */
export const finalizeStep: Step = {
  name: 'publishing release',
  mutates: true,
  skip: (ctx) => nothingToDo(ctx) ?? (ctx.target.finalize ? undefined : `the ${ctx.target.kind} target has no draft state`),
  async run(ctx) {
    const outcome = await ctx.target.finalize!(ctx.facts.tag!, ctx.logger);
    if (outcome === 'unchanged') throw new SkipStep(`release ${ctx.facts.tag} is already published`);
  },
};
