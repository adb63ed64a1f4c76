import { describe, expect, it } from 'vitest';
import { checkChangelogGate, mentionsVersion, type ChangelogGateInput } from './changelog-gate';

const REPO = 'https://github.com/acme/rt';
const changelog = (section: string, links = `[1.3.0]: ${REPO}/compare/v1.2.0...v1.3.0\n`) =>
  `# Changelog\n\n## [Unreleased]\n\n${section}\n## [1.2.0] - 2024-01-01\n\n- older\n\n[Unreleased]: ${REPO}/compare/v1.3.0...HEAD\n${links}[1.2.0]: ${REPO}/releases/tag/v1.2.0\n`;
const GOOD_SECTION = '## [1.3.0] - 2024-05-01\n\n### Added\n- arm64 builds\n';
const UPGRADING = '# Upgrading\n\n## 1.3.0\n\nSet RUNWAY_X before upgrading.\n';

const gate = (over: Partial<ChangelogGateInput> & { text?: string; upgradingText?: string | undefined } = {}) =>
  checkChangelogGate({
    version: '1.3.0',
    previousVersion: '1.2.0',
    changelog: { path: 'CHANGELOG.md', text: 'text' in over ? over.text : changelog(GOOD_SECTION) },
    upgrading: { path: 'docs/upgrading.md', text: 'upgradingText' in over ? over.upgradingText : UPGRADING },
    ...over,
  });

describe('checkChangelogGate', () => {
  it('passes a MINOR release with its section, date, compare link and upgrade notes', () => {
    expect(gate()).toEqual([]);
  });

  it('passes a PATCH release without upgrade notes', () => {
    const text = changelog('## [1.2.1] - 2024-05-01\n\n- fix\n', `[1.2.1]: ${REPO}/compare/v1.2.0...v1.2.1\n`);
    expect(gate({ version: '1.2.1', text, upgradingText: undefined })).toEqual([]);
  });

  it('passes a first release (nothing to upgrade from) linking its tag', () => {
    const text = '## [Unreleased]\n\n## [1.0.0] - 2024-05-01\n\n- first\n\n[1.0.0]: https://github.com/acme/rt/releases/tag/v1.0.0\n';
    expect(gate({ version: '1.0.0', previousVersion: undefined, text, upgradingText: undefined })).toEqual([]);
  });

  it('passes a project release whose links name <name>@X.Y.Z tags', () => {
    const text = '## [Unreleased]\n\n## [1.0.1] - 2024-05-01\n\n- fix\n\n[1.0.1]: https://github.com/acme/rt/compare/python@1.0.0...python@1.0.1\n';
    expect(gate({ version: '1.0.1', previousVersion: '1.0.0', tagPrefix: 'python@', text })).toEqual([]);
  });

  it.each<[string, Partial<ChangelogGateInput> & { text?: string; upgradingText?: string | undefined }, Array<{ file: string; line?: number; message: string }>]>([
    ['missing changelog', { text: undefined }, [{ file: 'CHANGELOG.md', message: 'CHANGELOG.md does not exist; a stable release needs its changelog' }]],
    ['missing section', { text: changelog('- pending change\n') }, [
      { file: 'CHANGELOG.md', line: 3, message: 'CHANGELOG.md has no "## [1.3.0] - YYYY-MM-DD" section' },
    ]],
    ['empty section', { text: changelog('## [1.3.0] - 2024-05-01\n\n### Added\n\n') }, [
      { file: 'CHANGELOG.md', line: 5, message: 'the section for 1.3.0 in CHANGELOG.md is empty' },
    ]],
    ['bad date', { text: changelog('## [1.3.0] - 2024-13-01\n\n- x\n') }, [
      { file: 'CHANGELOG.md', line: 5, message: 'release 1.3.0 has the date "2024-13-01", which is not a valid YYYY-MM-DD date' },
    ]],
    ['missing date', { text: changelog('## [1.3.0]\n\n- x\n') }, [{ file: 'CHANGELOG.md', line: 5, message: 'release 1.3.0 has no date' }]],
    ['missing compare link', { text: changelog(GOOD_SECTION, '') }, [{ file: 'CHANGELOG.md', line: 5, message: 'CHANGELOG.md has no compare link for 1.3.0' }]],
    ['compare link to another tag', { text: changelog(GOOD_SECTION, `[1.3.0]: ${REPO}/compare/v1.2.0...v1.2.9\n`) }, [
      { file: 'CHANGELOG.md', line: 15, message: `the compare link for 1.3.0 points at "${REPO}/compare/v1.2.0...v1.2.9", not at the tag v1.3.0` },
    ]],
    ['MINOR without upgrade notes file', { upgradingText: undefined }, [
      { file: 'docs/upgrading.md', message: 'docs/upgrading.md does not exist; 1.2.0 → 1.3.0 is a MINOR step, so it needs upgrade notes' },
    ]],
    ['MINOR whose notes do not mention it', { upgradingText: '# Upgrading\n\n## 1.2.0\n\n1.3.00 and 11.3.0 and 1.3.0-rc.1 are not it\n' }, [
      { file: 'docs/upgrading.md', message: 'docs/upgrading.md does not mention 1.3.0; 1.2.0 → 1.3.0 is a MINOR step, so it needs upgrade notes' },
    ]],
    ['MAJOR whose notes do not mention it', {
      version: '2.0.0', previousVersion: '1.2.0', upgradingText: '## 1.3.0\n',
      text: changelog('## [2.0.0] - 2024-05-01\n\n- breaking\n', `[2.0.0]: ${REPO}/compare/v1.2.0...v2.0.0\n`),
    }, [{ file: 'docs/upgrading.md', message: 'docs/upgrading.md does not mention 2.0.0; 1.2.0 → 2.0.0 is a MAJOR step, so it needs upgrade notes' }]],
    ['pre-1.0 MINOR (breaking) whose notes do not mention it', {
      version: '0.4.0', previousVersion: '0.3.2', upgradingText: '## 0.3.0\n',
      text: '## [Unreleased]\n\n## [0.4.0] - 2024-05-01\n\n- x\n\n[0.4.0]: https://github.com/acme/rt/compare/v0.3.2...v0.4.0\n',
    }, [{ file: 'docs/upgrading.md', message: 'docs/upgrading.md does not mention 0.4.0; 0.3.2 → 0.4.0 is a MINOR step, which may break before 1.0, so it needs upgrade notes' }]],
    ['everything missing at once', { text: changelog('- pending\n', ''), upgradingText: '' }, [
      { file: 'CHANGELOG.md', line: 3, message: 'CHANGELOG.md has no "## [1.3.0] - YYYY-MM-DD" section' },
      { file: 'CHANGELOG.md', message: 'CHANGELOG.md has no compare link for 1.3.0' },
      { file: 'docs/upgrading.md', message: 'docs/upgrading.md does not mention 1.3.0; 1.2.0 → 1.3.0 is a MINOR step, so it needs upgrade notes' },
    ]],
  ])('refuses: %s', (_name, over, expected) => {
    const problems = gate(over);
    // toEqual treats an undefined `line` like a missing one: problems without a place match either way.
    expect(problems.map(({ file, line, message }) => ({ file, line, message }))).toEqual(expected);
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(10);
  });

  it('says how to fix a missing section: run changelog release when Unreleased has entries', () => {
    expect(gate({ text: changelog('- pending change\n') })[0].fix).toBe('run "runway changelog release 1.3.0" to move the Unreleased entries into it');
    expect(gate({ text: changelog('') })[0].fix).toContain('list the changes of 1.3.0 under "## [Unreleased]"');
  });

  it('refuses a version that is not strict SemVer', () => {
    expect(() => gate({ version: '1.3' })).toThrow('version "1.3" has 2 numeric parts');
  });
});

describe('mentionsVersion', () => {
  it.each<[string, boolean]>([
    ['## 1.3.0', true], ['Upgrading to v1.3.0:', true], ['(1.3.0).', true], ['1.3.0', true],
    ['11.3.0', false], ['1.3.01', false], ['1.3.0.1', false], ['1.3.0-rc.1', false], ['x1.3.0', false],
  ])('%s → %s', (text, expected) => expect(mentionsVersion(text, '1.3.0')).toBe(expected));
});
