import { describe, expect, it } from 'vitest';
import { checkChangelogGate } from './changelog-gate';
import { releaseChangelog } from './release-changelog';

const BEFORE = `# Changelog

All notable changes are documented here, in the Keep a Changelog format.

## [Unreleased]

### Added
- prebuilt environments for arm64

### Fixed
- setup.sh on Alpine


## [1.1.0] - 2024-03-01

### Added
- python-3.12

## [1.0.0] - 2024-01-10

- first release

[Unreleased]: https://github.com/acme/rt/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/rt/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/acme/rt/releases/tag/v1.0.0
`;

const AFTER = `# Changelog

All notable changes are documented here, in the Keep a Changelog format.

## [Unreleased]

## [1.2.0] - 2024-05-01

### Added
- prebuilt environments for arm64

### Fixed
- setup.sh on Alpine

## [1.1.0] - 2024-03-01

### Added
- python-3.12

## [1.0.0] - 2024-01-10

- first release

[Unreleased]: https://github.com/acme/rt/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/rt/compare/v1.1.0...v1.2.0
[1.1.0]: https://github.com/acme/rt/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/acme/rt/releases/tag/v1.0.0
`;

describe('releaseChangelog', () => {
  it('moves Unreleased into the new section and writes the compare links (golden)', () => {
    const result = releaseChangelog(BEFORE, '1.2.0', { date: '2024-05-01' });
    expect(result.text).toBe(AFTER);
    expect(result.changed).toBe(true);
    expect(result.notes).toBe('### Added\n- prebuilt environments for arm64\n\n### Fixed\n- setup.sh on Alpine');
  });

  it('produces a changelog that passes the gate', () => {
    const { text } = releaseChangelog(BEFORE, '1.2.0', { date: '2024-05-01' });
    expect(checkChangelogGate({ version: '1.2.0', previousVersion: '1.1.0', changelog: { path: 'CHANGELOG.md', text }, upgrading: { path: 'docs/upgrading.md', text: '## 1.2.0\n' } })).toEqual([]);
  });

  it('is idempotent: a second run changes nothing', () => {
    const once = releaseChangelog(BEFORE, '1.2.0', { date: '2024-05-01' });
    const twice = releaseChangelog(once.text, '1.2.0', { date: '2024-05-01' });
    expect(twice).toEqual({ text: AFTER, changed: false, notes: once.notes });
  });

  it('repairs missing links of an already released section without touching anything else', () => {
    const withoutLinks = AFTER.replace(/\[Unreleased\]:.*\n\[1\.2\.0\]:.*\n/, '');
    const result = releaseChangelog(withoutLinks, '1.2.0', { date: '2024-05-01' });
    expect(result).toMatchObject({ text: AFTER, changed: true });
  });

  it('writes the first release: a tag link and an Unreleased link, creating the link block', () => {
    const first = '# Changelog\n\n## [Unreleased]\n\n- everything\n';
    const result = releaseChangelog(first, 'v1.0.0', { date: '2024-05-01', repoUrl: 'https://github.com/acme/rt.git' });
    expect(result.text).toBe([
      '# Changelog', '', '## [Unreleased]', '', '## [1.0.0] - 2024-05-01', '', '- everything', '',
      '[Unreleased]: https://github.com/acme/rt/compare/v1.0.0...HEAD',
      '[1.0.0]: https://github.com/acme/rt/releases/tag/v1.0.0', '',
    ].join('\n'));
  });

  it('links a hotfix to its own line and keeps Unreleased comparing from the highest version', () => {
    const text = AFTER.replace('## [Unreleased]\n', '## [Unreleased]\n\n### Fixed\n- a crash\n');
    const result = releaseChangelog(text, '1.1.1', { date: '2024-05-02' });
    expect(result.text).toContain('## [Unreleased]\n\n## [1.1.1] - 2024-05-02\n\n### Fixed\n- a crash\n\n## [1.2.0] - 2024-05-01');
    expect(result.text).toContain('[Unreleased]: https://github.com/acme/rt/compare/v1.2.0...HEAD\n[1.1.1]: https://github.com/acme/rt/compare/v1.1.0...v1.1.1\n[1.2.0]:');
  });

  it('uses the tag prefix of a project, an explicit previous version and keeps CRLF', () => {
    const text = '## [Unreleased]\r\n- fix\r\n\r\n## [1.0.0] - 2024-01-01\r\n- first\r\n';
    const result = releaseChangelog(text, '1.0.1', { date: '2024-05-01', tagPrefix: 'python-3.11@', previousVersion: '1.0.0', repoUrl: 'https://git.example/acme/rt/' });
    expect(result.text).toBe('## [Unreleased]\r\n\r\n## [1.0.1] - 2024-05-01\r\n\r\n- fix\r\n\r\n## [1.0.0] - 2024-01-01\r\n- first\r\n\r\n'
      + '[Unreleased]: https://git.example/acme/rt/compare/python-3.11@1.0.1...HEAD\r\n'
      + '[1.0.1]: https://git.example/acme/rt/compare/python-3.11@1.0.0...python-3.11@1.0.1\r\n');
  });

  it.each<[string, string, string, { date?: string; repoUrl?: string }, string]>([
    ['empty Unreleased', AFTER, '1.3.0', {}, '"## [Unreleased]" (line 5) is empty: nothing to release as 1.3.0'],
    ['Unreleased with only empty subsections', BEFORE.replace(/### Added\n- prebuilt[^\n]*\n\n### Fixed\n- setup[^\n]*\n/, '### Added\n\n### Fixed\n'), '1.2.0', {}, 'is empty: nothing to release'],
    ['no Unreleased section', '# Changelog\n\n## [1.0.0] - 2024-01-01\n- x\n', '1.1.0', {}, 'the changelog has no "## [Unreleased]" section'],
    ['version already released while Unreleased has entries', BEFORE, '1.1.0', {}, '1.1.0 is already released in the changelog (line 14) and "## [Unreleased]" has new entries'],
    ['already released on another date', AFTER, '1.2.0', { date: '2024-06-01' }, '1.2.0 is already in the changelog dated 2024-05-01 (line 7), not 2024-06-01'],
    ['prerelease', BEFORE, '1.2.0-rc.1', {}, '"1.2.0-rc.1" is not a stable version'],
    ['bad date', BEFORE, '1.2.0', { date: '2024-5-1' }, 'release date "2024-5-1" is not a valid YYYY-MM-DD date'],
    ['no repository URL anywhere', '## [Unreleased]\n- x\n', '1.0.0', {}, 'cannot tell the repository URL'],
    ['repository URL that is not http', '## [Unreleased]\n- x\n', '1.0.0', { repoUrl: 'git@github.com:acme/rt' }, 'is not an http(s) URL'],
    ['duplicate sections', '## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n- a\n## [1.0.0] - 2024-01-01\n- b\n', '1.0.0', {}, 'the changelog has 2 sections for 1.0.0 (lines 3, 5)'],
  ])('refuses: %s', (_name, text, version, options, message) => {
    expect(() => releaseChangelog(text, version, { date: '2024-05-01', ...options })).toThrow(message);
  });
});
