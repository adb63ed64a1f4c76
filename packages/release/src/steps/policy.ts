import { enforceReleasePolicy } from '../policy/policy-gates';
import { readReleasePolicy } from '../policy/policy-config';
import type { ReleaseContext } from '../release-context';
import type { Step } from '../step';

/**
 * The release policy for one project's release, before anything is built or published: the
 * changelog gate when the configuration applies it to projects (`policy.changelog.scope`
 * `projects` or `both`), read at the release commit, and the signature of `<name>@<version>` when
 * the tag exists already or the policy requires a signed project tag.
 */
export const policyStep: Step<ReleaseContext> = {
  name: 'checking release policy',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned,
  async run(ctx) {
    const { workspaceRoot, projectRoot } = ctx.options;
    const manifest = ctx.facts.manifest!;
    const source = ctx.facts.source!;
    await enforceReleasePolicy({
      workspaceRoot,
      policy: ctx.options.policy ?? await readReleasePolicy(workspaceRoot),
      tag: ctx.facts.tag!,
      version: manifest.version,
      releaseCommit: source.commit,
      taggedCommit: source.commit,
      release: { kind: 'project', name: manifest.name, projectRoot },
      logger: ctx.logger,
    });
  },
};
