import { describe, expect, it } from 'vitest';
import { planRetag } from './retag-plan';

describe('planRetag', () => {
  it.each<[string, string, string[], string[] | undefined, string[], string[]]>([
    ['newest release withdrawn', '1.0.0', ['1.0.0', '1.1.0'], undefined, ['1.0', '1', 'latest'], ['1.1.0']],
    ['every newer version withdrawn by default', '1.2.0', ['1.2.0', '1.2.1', '1.3.0'], undefined, ['1.2', '1', 'latest'], ['1.2.1', '1.3.0']],
    ['explicit withdraw keeps the newer patch line', '1.2.1', ['1.2.0', '1.2.1', '1.3.0'], ['1.3.0'], ['1.2', '1', 'latest'], ['1.3.0']],
    ['pre-1.0 has no X', '0.1.0', ['0.1.0', '0.2.0'], undefined, ['0.1', 'latest'], ['0.2.0']],
    ['explicit withdraw keeps a newer major', '1.2.0', ['1.2.0', '1.3.0', '2.0.0'], ['1.3.0'], ['1.2', '1'], ['1.3.0']],
    ['nothing to withdraw when already the newest', '2.0.0', ['1.0.0', '2.0.0'], undefined, ['2.0', '2', 'latest'], []],
    ['v-prefixed published tags and junk', '1.0.0', ['v1.0.0', 'v1.1.0', 'edge', 'sha-0123456', 'latest'], undefined, ['1.0', '1', 'latest'], ['1.1.0']],
  ])('%s', (_t, version, published, withdraw, tags, withdrawn) => {
    expect(planRetag(version, published, withdraw)).toEqual({ version, tags, withdrawn });
  });

  it('refuses an unpublished or prerelease target', () => {
    expect(() => planRetag('1.0.1', ['1.0.0'])).toThrow(/1.0.1 is not published/);
    expect(() => planRetag('1.0.0-rc.1', ['1.0.0-rc.1'])).toThrow(/not a stable version/);
    expect(() => planRetag('1.0.0', ['1.0.0'], ['1.0.0'])).toThrow(/while withdrawing it/);
  });
});
