import { describe, expect, it } from 'vitest';
import { computeImageTags } from './image-tags';
import { decideLatest, movingTagTargets } from './latest-decision';

describe('decideLatest', () => {
  it.each<[string, string, string[], string[], string[]]>([
    // name, version, published, deprecated, moving tags
    ['first release', '1.0.0', [], [], ['1.0', '1', 'latest']],
    ['first pre-1.0 release has no X', '0.1.0', [], [], ['0.1', 'latest']],
    ['newer patch', '1.2.4', ['1.2.3', '1.1.0'], [], ['1.2', '1', 'latest']],
    ['newer minor', '1.3.0', ['1.2.3'], [], ['1.3', '1', 'latest']],
    ['new major', '2.0.0', ['1.9.9'], [], ['2.0', '2', 'latest']],
    ['1.10 sorts above 1.9', '1.10.0', ['1.9.0'], [], ['1.10', '1', 'latest']],
    // hotfix backports never move anything backwards
    ['hotfix patch of an older minor', '1.2.4', ['1.2.3', '1.3.0'], [], ['1.2']],
    ['hotfix that is not even the highest of its minor', '1.2.4', ['1.2.5', '1.3.0'], [], []],
    ['hotfix of the previous major keeps X of its major', '1.4.1', ['1.4.0', '2.0.0'], [], ['1.4', '1']],
    ['pre-1.0 hotfix after 1.0', '0.9.1', ['0.9.0', '1.0.0'], [], ['0.9']],
    ['pre-1.0 hotfix of an older minor', '0.2.5', ['0.2.4', '0.3.0'], [], ['0.2']],
    // deprecated versions do not hold names: a fix released after a deprecated newer one takes them
    ['patch after a deprecated newer minor', '1.2.4', ['1.2.3', '1.3.0'], ['1.3.0'], ['1.2', '1', 'latest']],
    ['deprecated version itself takes nothing', '1.3.0', ['1.2.0', '1.3.0'], ['1.3.0'], []],
    // prereleases take nothing; prereleases in the set do not count
    ['rc', '1.3.0-rc.1', ['1.2.0'], [], []],
    ['stable above a published rc', '1.3.0', ['1.3.0-rc.1', '1.3.0-rc.2', '1.2.0'], [], ['1.3', '1', 'latest']],
    // idempotent: deciding again with itself published gives the same answer
    ['re-decide the newest', '1.3.0', ['1.2.0', '1.3.0'], [], ['1.3', '1', 'latest']],
    ['re-decide an older one', '1.2.0', ['1.2.0', '1.3.0'], [], ['1.2']],
    ['v-prefixed and junk entries', '1.1.0', ['v1.0.0', 'edge', 'sha-0123456', 'v0.1-test', 'latest'], [], ['1.1', '1', 'latest']],
  ])('%s: %s over %j (deprecated %j) → %j', (_name, version, published, deprecated, movingTags) => {
    const decision = decideLatest({ version, published, deprecated });
    expect(decision.movingTags).toEqual(movingTags);
    expect(decision.latest).toBe(movingTags.includes('latest'));
    expect(decision.minorAlias).toBe(movingTags.find((t) => t.includes('.')));
    expect(decision.majorAlias).toBe(movingTags.find((t) => /^\d+$/.test(t)));
  });

  it('agrees with the image tag function for stable tags (one rule, not two)', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    for (const [version, published] of [['1.2.4', ['1.3.0', '1.2.3']], ['2.0.0', ['1.0.0']], ['0.3.1', ['0.2.0']]] as const) {
      const imageTags = computeImageTags({ ref: `refs/tags/v${version}`, sha, date: new Date(0), published: published.map((p) => `v${p}`) });
      expect(imageTags.slice(1, -1)).toEqual(decideLatest({ version, published }).movingTags);
    }
  });

  it('refuses an invalid version', () => {
    expect(() => decideLatest({ version: '1.2', published: [] })).toThrow('version "1.2" has 2 numeric parts');
  });
});

describe('movingTagTargets', () => {
  it.each<[string, string[], string[], Record<string, string>]>([
    ['empty', [], [], {}],
    ['one line', ['1.0.0', '1.0.1', '1.1.0'], [], { '1.0': '1.0.1', '1.1': '1.1.0', 1: '1.1.0', latest: '1.1.0' }],
    ['two majors', ['1.4.0', '2.0.0', '1.4.1'], [], { '1.4': '1.4.1', 1: '1.4.1', '2.0': '2.0.0', 2: '2.0.0', latest: '2.0.0' }],
    ['pre-1.0', ['0.1.0', '0.2.0'], [], { '0.1': '0.1.0', '0.2': '0.2.0', latest: '0.2.0' }],
    ['deprecating the newest moves its names back', ['1.2.0', '1.3.0'], ['1.3.0'], { '1.2': '1.2.0', 1: '1.2.0', latest: '1.2.0' }],
    ['prereleases and duplicates ignored', ['1.0.0', 'v1.0.0', '1.1.0-rc.1'], [], { '1.0': '1.0.0', 1: '1.0.0', latest: '1.0.0' }],
  ])('%s', (_name, published, deprecated, expected) => expect(movingTagTargets(published, deprecated)).toEqual(expected));
});
