import { describe, expect, it } from 'vitest';
import { DEFAULT_TAG_SIGNING_POLICY, isSignatureRequired, normalizeTagSigningPolicy } from './tag-signing-policy';

describe('tag signing policy', () => {
  it.each<[string, boolean, boolean]>([
    // tag, required by default, required when everything is required
    ['v1.2.3', true, true],
    ['refs/tags/v0.4.0', true, true],
    ['v1.3.0-rc.1', false, true],
    ['python-3.11@1.2.0', false, true],
    ['python-3.11@1.2.0-rc.1', false, true],
    ['v0.1-test', false, false],
    ['nightly-daily', false, false],
  ])('%s: required by default %s, under an all-required policy %s', (tag, byDefault, strict) => {
    expect(isSignatureRequired(tag)).toBe(byDefault);
    expect(isSignatureRequired(tag, normalizeTagSigningPolicy({ prerelease: 'required', project: 'required' }))).toBe(strict);
  });

  it('defaults and refuses unknown values', () => {
    expect(normalizeTagSigningPolicy()).toEqual(DEFAULT_TAG_SIGNING_POLICY);
    expect(normalizeTagSigningPolicy({ stable: 'optional' }).stable).toBe('optional');
    expect(() => normalizeTagSigningPolicy({ prerelease: 'always' as never })).toThrow('signed tag setting prerelease "always" is not "required" or "optional"');
  });
});
