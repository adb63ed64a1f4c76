import type { ReleaseContext } from '../release-context';
import { SkipStep, type Step } from '../step';
import { nothingToDo } from './publish-assets';

/**
 * Points `<name>@<version>` at the built commit before any release exists: pushed to `origin` on
 * GitHub, a local tag for a directory registry. Planning already refused a tag at another commit;
 * a tag another run pushed meanwhile is accepted only at this commit. A release already published
 * keeps the tag it was published with.
 */
export const tagStep: Step<ReleaseContext> = {
  name: 'tagging commit',
  mutates: true,
  skip: (ctx) => nothingToDo(ctx) ?? (ctx.facts.state?.published ? `${ctx.facts.tag} is already published; its tag was placed then` : undefined),
  async run(ctx) {
    const outcome = await ctx.target.tagCommit(ctx.facts.tag!, ctx.facts.source!, ctx.logger);
    if (outcome === 'unchanged') throw new SkipStep(`${ctx.facts.tag} already names ${ctx.facts.source!.commit.slice(0, 12)}`);
  },
};
