import type { ReleaseContext } from '../release-context';
import { SkipStep, type Step } from '../step';

/** Why the publishing steps have nothing to do, shared by every step after planning. */
export function nothingToDo(ctx: ReleaseContext): string | undefined {
  if (ctx.facts.notConcerned) return ctx.facts.notConcerned;
  if (ctx.facts.plan?.status === 'already-released') return `${ctx.facts.tag} is already released with identical content`;
  return undefined;
}

/**
 * Publishes the package, its `.sha256` and its SBOM under the tag, exclusively: on GitHub this
 * run's own draft (at the built commit) is filled and then published; in a directory a staged
 * folder is renamed into place. A concurrent release of other bytes that got there first makes
 * this fail with a clear message; identical bytes are success.
 */
export const publishAssetsStep: Step<ReleaseContext> = {
  name: 'publishing release',
  mutates: true,
  skip: nothingToDo,
  async run(ctx) {
    const outcome = await ctx.target.publishAssets(ctx.facts.tag!, ctx.facts.source!, ctx.facts.assets!, ctx.logger);
    if (outcome === 'unchanged') throw new SkipStep(`${ctx.facts.tag} is already published with these files`);
  },
};
