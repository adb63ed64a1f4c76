import { describe, expect, it } from 'vitest';
import { parseChangelog, releaseNotes } from './parse-changelog';

const TEXT = `# Changelog

All notable changes to this project are documented here.

## [Unreleased]

### Added
- a new runtime

## [1.1.0] - 2024-05-01

### Fixed
- install on arm64

\`\`\`
## [9.9.9] - not a heading, inside a code block
\`\`\`

## [1.0.0] - 2024-03-01 [YANKED]

- first release

[Unreleased]: https://github.com/acme/rt/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/rt/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/acme/rt/releases/tag/v1.0.0
`;

describe('parseChangelog', () => {
  it('reads sections, dates, bodies and the links at the bottom', () => {
    const { changelog, problems } = parseChangelog(TEXT);
    expect(problems).toEqual([]);
    expect(changelog.unreleased).toMatchObject({ line: 5, body: '### Added\n- a new runtime' });
    expect(changelog.releases.map(({ version, date, yanked, line }) => ({ version, date, yanked, line }))).toEqual([
      { version: '1.1.0', date: '2024-05-01', yanked: false, line: 10 },
      { version: '1.0.0', date: '2024-03-01', yanked: true, line: 19 },
    ]);
    expect(changelog.releases[1].body).toBe('- first release');
    expect(changelog.links.map((l) => [l.label, l.line])).toEqual([['Unreleased', 23], ['1.1.0', 24], ['1.0.0', 25]]);
    expect(changelog.footer).toBe(22);
  });

  it('gives the release notes of a version: its section body', () => {
    expect(releaseNotes(TEXT, '1.1.0')).toBe('### Fixed\n- install on arm64\n\n```\n## [9.9.9] - not a heading, inside a code block\n```');
    expect(releaseNotes(TEXT, 'v1.0.0')).toBe('- first release');
    expect(releaseNotes(TEXT, '2.0.0')).toBeUndefined();
  });

  it.each<[string, string, number, string]>([
    ['bad version', '## [1.2] - 2024-01-01\n- x\n', 1, 'version "1.2" has 2 numeric parts'],
    ['missing date', '## [Unreleased]\n\n## [1.2.0]\n- x\n', 3, 'release 1.2.0 has no date'],
    ['impossible date', '## [1.2.0] - 2024-02-30\n- x\n', 1, 'the date "2024-02-30", which is not a valid YYYY-MM-DD date'],
    ['date in another format', '## [1.2.0] - 01/05/2024\n- x\n', 1, 'not a valid YYYY-MM-DD date'],
    ['no brackets', '## 1.2.0 - 2024-01-01\n- x\n', 1, 'has no brackets around the version'],
    ['unknown heading', '## Notes\n', 1, 'unrecognised section heading "## Notes"'],
    ['duplicate version', '## [1.0.0] - 2024-01-01\n- x\n## [1.0.0] - 2024-01-02\n- y\n', 3, 'second section for 1.0.0 (the first is on line 1)'],
    ['duplicate unreleased', '## [Unreleased]\n## [unreleased]\n', 2, 'second "## [Unreleased]" section'],
    ['duplicate link', '## [1.0.0] - 2024-01-01\n- x\n\n[1.0.0]: https://a\n[1.0.0]: https://b\n', 5, 'second link definition for [1.0.0]'],
  ])('reports a problem with its line: %s', (_name, text, line, message) => {
    const { problems } = parseChangelog(text);
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(line);
    expect(problems[0].message).toContain(message);
    expect(problems[0].fix).not.toBe('');
  });

  it('keeps CRLF line endings apart from the text', () => {
    const { changelog, problems } = parseChangelog(TEXT.replace(/\n/g, '\r\n'));
    expect(problems).toEqual([]);
    expect(changelog.eol).toBe('\r\n');
    expect(changelog.releases[0].body).toBe('### Fixed\n- install on arm64\n\n```\n## [9.9.9] - not a heading, inside a code block\n```');
  });
});
