import type { ReleaseContext, Step } from '../step';

/** Why the publishing steps have nothing to do, shared by every step after planning. */
export function nothingToDo(ctx: ReleaseContext): string | undefined {
  if (ctx.facts.notConcerned) return ctx.facts.notConcerned;
  if (ctx.facts.plan?.status === 'already-released') return `${ctx.facts.tag} is already released with identical content`;
  return undefined;
}

/** Puts the package, its `.sha256` and its SBOM under the tag (a draft release on GitHub). */
export const publishAssetsStep: Step = {
  name: 'publishing assets',
  mutates: true,
  skip: nothingToDo,
  async run(ctx) {
    await ctx.target.publishAssets(ctx.facts.tag!, ctx.facts.assets!, ctx.logger);
  },
};
