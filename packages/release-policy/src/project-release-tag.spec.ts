import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { decideReleaseForRef, projectReleaseTag } from './project-release-tag';

const project = { name: 'python-3.11', version: '1.2.0', manifestPath: 'runtimes/python-3.11/manifest.yaml' };

describe('decideReleaseForRef', () => {
  it('tags a release as <name>@<version>', () => expect(projectReleaseTag('node-20', '1.0.0')).toBe('node-20@1.0.0'));

  it.each([undefined, '', 'refs/heads/main', 'refs/heads/releases/1/x'])('releases without a tag ref (%s)', (ref) =>
    expect(decideReleaseForRef(ref, project)).toEqual({ release: true }));

  it('releases when the tag matches the manifest', () =>
    expect(decideReleaseForRef('refs/tags/python-3.11@1.2.0', project)).toEqual({ release: true }));

  it.each([
    ['refs/tags/node-20@1.0.0', /another project/],
    ['refs/tags/v1.2.0', /umbrella tag/],
  ])('skips %s with a reason', (ref, reason) => {
    const decision = decideReleaseForRef(ref, project);
    expect(decision.release).toBe(false);
    expect(decision.release === false && decision.reason).toMatch(reason);
  });

  it('refuses a tag naming another version, with both values and the fix', () => {
    const err = (() => { try { decideReleaseForRef('refs/tags/python-3.11@1.3.0', project); } catch (e) { return e; } })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('version mismatch: tag python-3.11@1.3.0 says 1.3.0, runtimes/python-3.11/manifest.yaml says 1.2.0');
    expect(err.hint).toContain('version: 1.3.0');
  });
});
