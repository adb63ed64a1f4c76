import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { decideReleaseForRef, projectReleaseTag } from './project-release-tag';

const project = { name: 'python-3.11', version: '1.2.0', manifestPath: 'runtimes/python-3.11/manifest.yaml' };

function skipReason(ref: string): string {
  const decision = decideReleaseForRef(ref, project);
  expect(decision.release).toBe(false);
  return decision.release === false ? decision.reason : '';
}

describe('decideReleaseForRef', () => {
  it('tags a release as <name>@<version>', () => expect(projectReleaseTag('node-20', '1.0.0')).toBe('node-20@1.0.0'));

  it.each([undefined, '', 'refs/heads/main', 'refs/heads/feature/x', 'refs/heads/releases/1', 'refs/heads/releases/a/b/c'])(
    'releases on a manual run or an ordinary branch (%s)', (ref) => expect(decideReleaseForRef(ref, project)).toEqual({ release: true }));

  it('releases when the tag matches the manifest', () =>
    expect(decideReleaseForRef('refs/tags/python-3.11@1.2.0', project)).toEqual({ release: true }));

  it.each(['v0.1-test', 'v0.10-daily', 'v1.2.0-rc.1', 'v1.2.3', 'v01.2', 'v1.2.3+build.5'])(
    'leaves umbrella tag %s to the root release target, without parsing it as SemVer', (tag) =>
      expect(skipReason(`refs/tags/${tag}`)).toBe(`umbrella tag ${tag}: released by the root project's release target (nx run runway:release)`));

  it('leaves releases/<a>/<b> branches to the root release target', () =>
    expect(skipReason('refs/heads/releases/beta/snapshot-api'))
      .toBe("umbrella branch releases/beta/snapshot-api: released by the root project's release target (nx run runway:release)"));

  it.each([
    ['refs/tags/node-20@1.0.0', 'tag node-20@1.0.0 releases another project'],
    ['refs/tags/docs-2026', 'tag docs-2026 is not a release tag (<name>@X.Y.Z or v…)'],
  ])('skips %s with a reason', (ref, reason) => expect(skipReason(ref)).toBe(reason));

  it('refuses a malformed project tag with the expected form', () =>
    expect(() => decideReleaseForRef('refs/tags/python-3.11@1.2', project)).toThrow('invalid git ref "refs/tags/python-3.11@1.2"'));

  it('refuses a tag naming another version, with both values and the fix', () => {
    const err = (() => { try { decideReleaseForRef('refs/tags/python-3.11@1.3.0', project); } catch (e) { return e; } })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('version mismatch: tag python-3.11@1.3.0 says 1.3.0, runtimes/python-3.11/manifest.yaml says 1.2.0');
    expect(err.hint).toContain('version: 1.3.0');
  });
});
