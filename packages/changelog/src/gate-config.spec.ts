import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANGELOG_GATE, gateFilesFor, normalizeChangelogGateConfig } from './gate-config';

describe('changelog gate configuration', () => {
  it('defaults to gating umbrella releases with CHANGELOG.md and docs/upgrading.md', () => {
    const config = normalizeChangelogGateConfig();
    expect(config).toEqual(DEFAULT_CHANGELOG_GATE);
    expect(gateFilesFor(config, { kind: 'umbrella' })).toEqual({ changelog: 'CHANGELOG.md', upgrading: 'docs/upgrading.md', tagPrefix: 'v' });
    expect(gateFilesFor(config, { kind: 'project', name: 'python-3.11', projectRoot: 'runtimes/python-3.11' })).toBeUndefined();
  });

  it.each<['umbrella' | 'projects' | 'both' | 'none', boolean, boolean]>([
    ['umbrella', true, false], ['projects', false, true], ['both', true, true], ['none', false, false],
  ])('scope %s gates umbrella: %s, projects: %s', (scope, umbrella, project) => {
    const config = normalizeChangelogGateConfig({ scope });
    expect(gateFilesFor(config, { kind: 'umbrella' }) !== undefined).toBe(umbrella);
    expect(gateFilesFor(config, { kind: 'project', name: 'py', projectRoot: 'runtimes/py' }) !== undefined).toBe(project);
  });

  it('fills {projectRoot} and uses the project tag prefix', () => {
    const config = normalizeChangelogGateConfig({ scope: 'both', projects: { upgrading: 'docs/upgrading/{projectRoot}.md' } });
    expect(gateFilesFor(config, { kind: 'project', name: 'py', projectRoot: 'runtimes/py/' })).toEqual({
      changelog: 'runtimes/py/CHANGELOG.md', upgrading: 'docs/upgrading/runtimes/py.md', tagPrefix: 'py@',
    });
  });

  it.each<[object, string]>([
    [{ scope: 'all' }, 'changelog gate scope "all" is not one of umbrella, projects, both, none'],
    [{ umbrella: { changelog: '/etc/CHANGELOG.md' } }, 'umbrella.changelog "/etc/CHANGELOG.md" is not a path inside the workspace'],
    [{ projects: { upgrading: '../x.md' } }, 'projects.upgrading "../x.md" is not a path inside the workspace'],
    [{ umbrella: { upgrading: '' } }, 'umbrella.upgrading "" is not a path inside the workspace'],
  ])('refuses %j', (input, message) => expect(() => normalizeChangelogGateConfig(input as never)).toThrow(message));
});
