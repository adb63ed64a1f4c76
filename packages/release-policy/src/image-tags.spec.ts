import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { computeImageTags, needsPublishedVersions } from './image-tags';
import { publishedFromGitTags } from './published-from-git-tags';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const date = new Date('2026-03-04T23:59:59Z');
const tagsFor = (ref: string, published: string[] = [], extra: { event?: string; km?: boolean } = {}) =>
  computeImageTags({ ref, sha: SHA, date, published, ...extra });

describe('computeImageTags', () => {
  it.each<[string, string, string[], string[]]>([
    // SPEC §7: default-branch push
    ['default branch push', 'refs/heads/main', [], ['edge', 'nightly-2026-03-04', 'sha-0123456']],
    ['default branch, short ref', 'main', [], ['edge', 'nightly-2026-03-04', 'sha-0123456']],
    ['default branch ignores published versions', 'refs/heads/main', ['v9.9.9'], ['edge', 'nightly-2026-03-04', 'sha-0123456']],
    ['other branch: nothing', 'refs/heads/feature/x', [], []],
    ['release branch is not the default', 'refs/heads/releases/v1/hotfix', [], []],
    // stable tags, first release
    ['first stable 1.0.0', 'refs/tags/v1.0.0', [], ['1.0.0', '1.0', '1', 'latest', 'sha-0123456']],
    ['stable with itself published', 'refs/tags/v1.2.3', ['v1.2.3'], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['newer patch', 'refs/tags/v1.2.4', ['v1.2.3', 'v1.1.0'], ['1.2.4', '1.2', '1', 'latest', 'sha-0123456']],
    ['newer minor', 'refs/tags/v1.3.0', ['v1.2.3'], ['1.3.0', '1.3', '1', 'latest', 'sha-0123456']],
    ['new major', 'refs/tags/v2.0.0', ['v1.9.9'], ['2.0.0', '2.0', '2', 'latest', 'sha-0123456']],
    ['10 sorts above 9', 'refs/tags/v1.10.0', ['v1.9.0'], ['1.10.0', '1.10', '1', 'latest', 'sha-0123456']],
    // backports: a lower version never takes a higher one's rolling tags
    ['backport patch after newer minor', 'refs/tags/v1.2.3', ['v1.3.0', 'v1.2.2'], ['1.2.3', '1.2', 'sha-0123456']],
    ['backport, not highest of its minor', 'refs/tags/v1.2.3', ['v1.2.4', 'v1.3.0'], ['1.2.3', 'sha-0123456']],
    ['old major patch after a new major', 'refs/tags/v1.4.1', ['v1.4.0', 'v2.0.0'], ['1.4.1', '1.4', '1', 'sha-0123456']],
    ['old major, older minor', 'refs/tags/v1.3.5', ['v1.4.0', 'v2.0.0'], ['1.3.5', '1.3', 'sha-0123456']],
    ['re-run of an old version', 'refs/tags/v1.0.0', ['v1.0.0', 'v1.0.1'], ['1.0.0', 'sha-0123456']],
    // pre-1.0: no X alias
    ['v0.x first', 'refs/tags/v0.1.0', [], ['0.1.0', '0.1', 'latest', 'sha-0123456']],
    ['v0.x newer minor', 'refs/tags/v0.3.1', ['v0.2.0', 'v0.3.0'], ['0.3.1', '0.3', 'latest', 'sha-0123456']],
    ['v0.x backport', 'refs/tags/v0.2.5', ['v0.3.0'], ['0.2.5', '0.2', 'sha-0123456']],
    ['v0.x after 1.0', 'refs/tags/v0.9.1', ['v1.0.0', 'v0.9.0'], ['0.9.1', '0.9', 'sha-0123456']],
    // prereleases never take rolling tags
    ['rc', 'refs/tags/v1.3.0-rc.1', ['v1.2.0'], ['1.3.0-rc.1', 'sha-0123456']],
    ['rc of the first release', 'refs/tags/v1.0.0-rc.2', [], ['1.0.0-rc.2', 'sha-0123456']],
    ['beta', 'refs/tags/v2.0.0-beta', ['v1.0.0'], ['2.0.0-beta', 'sha-0123456']],
    ['alpha.1', 'refs/tags/v0.4.0-alpha.1', [], ['0.4.0-alpha.1', 'sha-0123456']],
    ['published prereleases are ignored', 'refs/tags/v1.3.0', ['v1.3.0-rc.1', 'v2.0.0-rc.1'], ['1.3.0', '1.3', '1', 'latest', 'sha-0123456']],
    // build metadata dropped
    ['build metadata', 'refs/tags/v1.2.3+build.5', [], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['prerelease with build', 'refs/tags/v1.2.3-rc.1+exp.sha.5114f85', [], ['1.2.3-rc.1', 'sha-0123456']],
    ['published build metadata ignored in ordering', 'refs/tags/v1.2.3', ['v1.2.3+old'], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    // published list forms: tags, bare versions, junk
    ['bare published versions', 'refs/tags/v1.2.3', ['1.3.0'], ['1.2.3', '1.2', 'sha-0123456']],
    ['unparsable published tags ignored', 'refs/tags/v1.0.0', ['v0.1-test', 'nightly', 'v01.0.0'], ['1.0.0', '1.0', '1', 'latest', 'sha-0123456']],
    ['other project tags do not count for v tags', 'refs/tags/v1.0.0', ['python@2.0.0'], ['1.0.0', '1.0', '1', 'latest', 'sha-0123456']],
    ['short tag ref', 'v1.2.3', [], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    // runtime / project tags
    ['project tag', 'refs/tags/python@1.2.3', [], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['project tag backport', 'refs/tags/python@1.2.3', ['python@1.3.0'], ['1.2.3', '1.2', 'sha-0123456']],
    ['project tag ignores other projects', 'refs/tags/python@1.2.3', ['node@5.0.0', 'v9.0.0'], ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['project tag with dotted name', 'refs/tags/python-3.11@0.2.0', ['python-3.11@0.1.0'], ['0.2.0', '0.2', 'latest', 'sha-0123456']],
    ['project tag prerelease', 'refs/tags/node@2.0.0-rc.1', ['node@1.0.0'], ['2.0.0-rc.1', 'sha-0123456']],
  ])('%s: %s with %j', (_title, ref, published, expected) => {
    expect(tagsFor(ref, published)).toEqual(expected);
  });

  it.each([
    ['refs/heads/main'], ['refs/tags/v1.2.3'], ['refs/tags/python@1.0.0'], ['refs/heads/feature'],
  ])('KM mode gives latest and the full SHA for %s', (ref) => {
    expect(tagsFor(ref, ['v9.0.0'], { km: true })).toEqual(['latest', SHA]);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['refs/tags/v1.2', /needs MAJOR.MINOR.PATCH/],
    ['v1.2', /needs MAJOR.MINOR.PATCH/],
    ['refs/tags/v01.2.3', /leading zero/],
    ['refs/tags/v1.02.3', /leading zero/],
    ['refs/tags/1.2.3.4', /start with "v"/],
    ['refs/tags/v1.2.3.4', /exactly MAJOR.MINOR.PATCH/],
    ['refs/tags/v1.2.3-', /empty pre-release/],
    ['refs/tags/v1.2.3-rc..1', /empty pre-release/],
    ['refs/tags/v1.2.3+', /empty build/],
    ['refs/tags/v1.2.3-rc.01', /leading zero/],
    ['refs/tags/vx.y.z', /not a number/],
    ['refs/tags/Python@1.0.0', /not a valid project name/],
    ['refs/tags/python@1.0', /needs MAJOR.MINOR.PATCH/],
    ['refs/pull/12/merge', /only branches/],
    ['refs/heads/', /branch name is empty/],
  ])('refuses invalid ref %j', (ref, message) => {
    let error: unknown;
    try { tagsFor(ref); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).message).toContain(`"${ref}"`);
  });

  it('uses the UTC date for nightly tags', () => {
    expect(computeImageTags({ ref: 'refs/heads/main', sha: SHA, date: new Date('2026-03-04T23:30:00-05:00') })).toContain('nightly-2026-03-05');
  });

  it('honours another default branch', () => {
    expect(computeImageTags({ ref: 'refs/heads/trunk', sha: SHA, date, defaultBranch: 'trunk' })[0]).toBe('edge');
    expect(computeImageTags({ ref: 'refs/heads/main', sha: SHA, date, defaultBranch: 'trunk' })).toEqual([]);
  });

  it.each([['abc'], ['0123456789abcdef0123456789abcdef0123456g'], ['']])('refuses SHA %j', (sha) => {
    expect(() => computeImageTags({ ref: 'refs/heads/main', sha, date })).toThrow(/invalid commit SHA/);
  });

  it('refuses events that must not publish and a tag event on a branch', () => {
    expect(() => computeImageTags({ ref: 'refs/heads/main', sha: SHA, date, event: 'pull_request' })).toThrow(/does not publish/);
    expect(() => computeImageTags({ ref: 'refs/heads/main', sha: SHA, date, event: 'tag' })).toThrow(/is a branch/);
    expect(computeImageTags({ ref: 'refs/tags/v1.0.0', sha: SHA, date, event: 'workflow_dispatch', published: [] })).toContain('latest');
  });

  it('refuses the moving tags of a stable version when the published versions are unknown, and only then', () => {
    expect(() => computeImageTags({ ref: 'refs/tags/v1.2.3', sha: SHA, date })).toThrow(/cannot decide the moving tags \(X.Y, X, latest\) of v1.2.3: the versions already published are unknown/);
    expect(() => computeImageTags({ ref: 'refs/tags/python@1.2.3', sha: SHA, date })).toThrow(UserError);
    expect(computeImageTags({ ref: 'refs/tags/v1.2.3', sha: SHA, date, published: [] })).toContain('latest');
    expect(computeImageTags({ ref: 'refs/tags/v1.3.0-rc.1', sha: SHA, date })).toEqual(['1.3.0-rc.1', 'sha-0123456']);
    expect(computeImageTags({ ref: 'refs/tags/v1.2.3', sha: SHA, date, km: true })).toEqual(['latest', SHA]);
  });
});

describe('needsPublishedVersions', () => {
  it.each<[string, boolean, boolean]>([
    ['refs/tags/v1.2.3', false, true],
    ['refs/tags/python@1.2.3+build', false, true],
    ['refs/tags/v1.2.3-rc.1', false, false],
    ['refs/heads/main', false, false],
    ['refs/tags/v1.2.3', true, false],
  ])('%s (km %s) → %s', (ref, km, expected) => expect(needsPublishedVersions({ ref, km })).toBe(expected));
});

describe('publishedFromGitTags', () => {
  it('trusts a full clone holding the tag being published', () => {
    expect(publishedFromGitTags('v1.2.3', { shallow: false, tags: ['v1.2.3', 'v1.3.0'] })).toEqual(['v1.2.3', 'v1.3.0']);
  });
  it.each<[string, { shallow: boolean; tags: string[] }, RegExp]>([
    ['shallow', { shallow: true, tags: ['v1.2.3', 'v1.3.0'] }, /this clone is shallow/],
    ['tagless', { shallow: false, tags: [] }, /no tags at all/],
    ['stale', { shallow: false, tags: ['v1.0.0'] }, /does not have the tag v1.2.3 itself/],
  ])('refuses a %s clone with the fix', (_kind, facts, why) => {
    expect(() => publishedFromGitTags('v1.2.3', facts)).toThrow(why);
    try { publishedFromGitTags('v1.2.3', facts); } catch (e) { expect((e as UserError).hint).toMatch(/git fetch --tags --unshallow.*--published/); }
  });
});
