import { describe, expect, it } from 'vitest';
import { compareSemver, describeSemverProblem, formatSemver, parseSemver } from './semver';

describe('parseSemver', () => {
  it.each(['1.2.3', '0.0.0', '10.20.30', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-0.3.7', '1.0.0-x.7.z.92', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85', '1.0.0-x-y'])(
    'accepts %s', (v) => expect(parseSemver(v)).toBeDefined());
  it.each(['1.2', '1', '01.2.3', '1.02.3', '1.2.03', '1.2.3.4', 'v1.2.3', '1.2.3-', '1.2.3+', '1.2.3-01', '1.2.3-a..b', '1.2.3-a_b', '', ' 1.2.3', '1.2.3\n', '=1.2.3', 'V1.2.3', '9007199254740992.0.0'])(
    'rejects %j', (v) => expect(parseSemver(v)).toBeUndefined());
  it('keeps pre-release identifiers as text and build metadata for display', () => {
    expect(parseSemver('1.0.0-rc.11+exp.sha.5114f85')).toEqual({ major: 1, minor: 0, patch: 0, prerelease: ['rc', '11'], build: ['exp', 'sha', '5114f85'] });
  });
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

describe('describeSemverProblem', () => {
  it.each([
    ['', 'is empty'],
    [' 1.2.3', 'surrounding whitespace'],
    ['v1.2.3', 'starts with "v"'],
    ['1.2', 'needs MAJOR.MINOR.PATCH'],
    ['1.2.3.4', 'exactly MAJOR.MINOR.PATCH'],
    ['1.x.3', 'not a number'],
    ['1.02.3', 'leading zero in MAJOR'],
    ['9007199254740992.0.0', 'too large'],
    ['1.2.3-', 'empty pre-release'],
    ['1.2.3+', 'empty build'],
    ['1.2.3-rc.01', 'numeric pre-release identifier with a leading zero'],
    ['1.2.3-a_b', 'outside [0-9A-Za-z-]'],
  ])('%j %s', (text, problem) => {
    expect(parseSemver(text)).toBeUndefined();
    expect(describeSemverProblem(text)).toContain(problem);
  });
});
