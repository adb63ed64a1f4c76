import { describe, expect, it } from 'vitest';
import { compareSemver, formatSemver, parseSemver } from './semver';

describe('parseSemver', () => {
  it.each(['1.2.3', '0.0.0', '10.20.30', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-0.3.7', '1.0.0-x.7.z.92', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85', '1.0.0-x-y'])(
    'accepts %s', (v) => expect(parseSemver(v)).toBeDefined());
  it.each(['1.2', '1', '01.2.3', '1.02.3', '1.2.03', '1.2.3.4', 'v1.2.3', '1.2.3-', '1.2.3+', '1.2.3-01', '1.2.3-a..b', '1.2.3-a_b', '', ' 1.2.3'])(
    'rejects %j', (v) => expect(parseSemver(v)).toBeUndefined());
  it('drops build metadata when formatting', () => {
    expect(formatSemver(parseSemver('1.2.3-rc.1+build.7')!)).toBe('1.2.3-rc.1');
  });
});

describe('compareSemver', () => {
  // The precedence example of semver.org §11, in ascending order.
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.9.0', '1.10.0', '2.0.0'];
  it('orders the semver.org precedence example', () => {
    const shuffled = [...ordered].reverse();
    expect(shuffled.map((v) => parseSemver(v)!).sort(compareSemver).map(formatSemver)).toEqual(ordered);
  });
  it('ignores build metadata', () => {
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
  });
});
