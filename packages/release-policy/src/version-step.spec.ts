import { describe, expect, it } from 'vitest';
import { classifyVersionStep, previousStable } from './version-step';

describe('classifyVersionStep', () => {
  it.each<[string | undefined, string, string, string, boolean, boolean]>([
    // previous, next, kind, core, breaking, needsUpgradeNotes
    [undefined, '1.0.0', 'initial', 'initial', false, false],
    [undefined, '0.1.0', 'initial', 'initial', false, false],
    [undefined, '1.0.0-rc.1', 'prerelease', 'initial', false, false],
    ['1.2.3', '1.2.4', 'patch', 'patch', false, false],
    ['1.2.3', '1.3.0', 'minor', 'minor', false, true],
    ['1.9.0', '1.10.0', 'minor', 'minor', false, true],
    ['1.2.3', '2.0.0', 'major', 'major', true, true],
    ['0.2.0', '0.2.1', 'patch', 'patch', false, false],
    // pre-1.0: a MINOR step may break and needs upgrade notes
    ['0.2.0', '0.3.0', 'minor', 'minor', true, true],
    ['0.9.3', '1.0.0', 'major', 'major', true, true],
    // prereleases keep the step of their core
    ['1.2.0', '1.3.0-rc.1', 'prerelease', 'minor', false, true],
    ['1.2.0', '2.0.0-beta.2', 'prerelease', 'major', true, true],
    ['0.3.0', '0.4.0-rc.1', 'prerelease', 'minor', true, true],
    ['1.2.0', '1.2.1-rc.1', 'prerelease', 'patch', false, false],
    ['v1.2.3', 'v1.3.0', 'minor', 'minor', false, true],
  ])('%s → %s is %s (core %s, breaking %s, notes %s)', (previous, next, kind, core, breaking, needsUpgradeNotes) => {
    expect(classifyVersionStep(previous, next)).toMatchObject({ kind, core, breaking, needsUpgradeNotes, next: next.replace(/^v/, '') });
  });

  it('refuses a step backwards, a prerelease previous and invalid versions', () => {
    expect(() => classifyVersionStep('1.3.0', '1.2.1')).toThrow('version 1.2.1 does not come after 1.3.0');
    expect(() => classifyVersionStep('1.3.0', '1.3.0')).toThrow('does not come after');
    expect(() => classifyVersionStep('2.0.0', '2.0.0-rc.1')).toThrow('does not come after');
    expect(() => classifyVersionStep('1.3.0-rc.1', '1.3.0')).toThrow('previous version 1.3.0-rc.1 is a prerelease');
    expect(() => classifyVersionStep(undefined, '1.2')).toThrow('version "1.2" has 2 numeric parts');
    expect(() => classifyVersionStep('01.0.0', '1.2.0')).toThrow('previous version "01.0.0" has a leading zero');
  });
});

describe('previousStable', () => {
  it.each<[string[], string, string | undefined]>([
    [[], '1.0.0', undefined],
    [['1.0.0', '1.1.0', '1.2.0'], '1.3.0', '1.2.0'],
    // a hotfix from a branch compares with its own line, not with the newest release
    [['1.2.0', '1.3.0'], '1.2.1', '1.2.0'],
    [['v1.9.0', 'v1.10.0'], '1.11.0', '1.10.0'],
    // prereleases, junk and the version itself do not count
    [['1.2.0', '1.3.0-rc.1', 'v0.1-test', 'edge', '1.3.0'], '1.3.0', '1.2.0'],
    [['1.2.0'], '1.3.0-rc.2', '1.2.0'],
  ])('%j before %s → %s', (published, next, expected) => expect(previousStable(published, next)).toBe(expected));
});
