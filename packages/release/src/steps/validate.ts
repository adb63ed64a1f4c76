import { UserError } from '@runway/errors';
import { formatIssues } from '@runway/manifest';
import { decideReleaseForRef, projectReleaseTag } from '@runway/release-policy';
import type { Step } from '../step';
import type { ReleaseContext } from '../release-context';
import { validateProjectAt } from '../source/project-at-commit';

/**
 * Fails on an invalid project (runtime or payload) as committed, or a tag naming another
 * version; records the manifest and the tag.
 */
export const validateStep: Step<ReleaseContext> = {
  name: 'validating project',
  mutates: false,
  async run(ctx) {
    const { workspaceRoot, projectRoot, ref } = ctx.options;
    const { manifest, errors, warnings } = await validateProjectAt(workspaceRoot, ctx.facts.source!.commit, projectRoot);
    if (warnings.length) ctx.logger.warn(formatIssues(warnings));
    if (!manifest || errors.length) {
      throw new UserError(`${projectRoot} is not valid, so it cannot be released:\n${formatIssues(errors)}`, {
        hint: 'fix the problems above (nx run <project>:validate shows them too), commit, and release again',
      });
    }
    ctx.facts.manifest = manifest;
    ctx.facts.tag = projectReleaseTag(manifest.name, manifest.version);
    const decision = decideReleaseForRef(ref, { ...manifest, manifestPath: `${projectRoot}/manifest.yaml` });
    if (!decision.release) ctx.facts.notConcerned = decision.reason;
  },
};
