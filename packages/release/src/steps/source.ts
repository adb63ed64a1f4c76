import type { Step } from '../step';
import type { ReleaseContext } from '../release-context';
import { sourceFromWorkingTree } from '../source/working-tree';

/**
 * Decides the commit released: the one the caller checked (a batch or an umbrella), or `HEAD`
 * after refusing a dirty working tree (a dry run warns). Read-only.
 */
export const sourceStep: Step<ReleaseContext> = {
  name: 'checking working tree',
  mutates: false,
  async run(ctx) {
    const { options } = ctx;
    ctx.facts.source = options.source ?? await sourceFromWorkingTree(options.workspaceRoot, { dryRun: options.dryRun, logger: ctx.logger, target: options.target });
  },
};
