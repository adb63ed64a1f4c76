import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { formatIssues } from '@runway/manifest';
import { validateProject } from '@runway/project-files';
import { decideReleaseForRef, projectReleaseTag } from '@runway/release-policy';
import type { Step } from '../step';

/**
 * Fails on an invalid project (runtime or payload) or a tag naming another version; records the
 * manifest and the tag.
 */
export const validateStep: Step = {
  name: 'validating project',
  mutates: false,
  async run(ctx) {
    const { workspaceRoot, projectRoot, ref } = ctx.options;
    const { manifest, errors, warnings } = await validateProject(workspaceRoot, projectRoot);
    if (warnings.length) ctx.logger.warn(formatIssues(warnings));
    if (!manifest || errors.length) {
      throw new UserError(`${projectRoot} is not valid, so it cannot be released:\n${formatIssues(errors)}`, {
        hint: 'fix the problems above (nx run <project>:validate shows them too)',
      });
    }
    ctx.facts.manifest = manifest;
    ctx.facts.tag = projectReleaseTag(manifest.name, manifest.version);
    const decision = decideReleaseForRef(ref, { ...manifest, manifestPath: join(projectRoot, 'manifest.yaml') });
    if (!decision.release) ctx.facts.notConcerned = decision.reason;
  },
};
