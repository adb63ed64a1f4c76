import { describe, expect, it } from 'vitest';
import { latestVersion, type Registry, type RegistryEntry } from '@runway/registry';
import { deprecationBanner, planDeprecation, withDeprecationBanner, type DeprecationRequest, type ImageState } from './deprecation-plan';

const now = new Date('2024-06-01T10:00:00Z');
const entry = (version: string, deprecated?: RegistryEntry['deprecated']): RegistryEntry => ({
  version, description: 'd', download_url: `releases/download/x@${version}/x-${version}.tar.gz`, checksum: `sha256:${'a'.repeat(64)}`, size: 1, platforms: ['ubuntu-amd64'],
  ...(deprecated !== undefined && { deprecated }),
});
const versions = (...vs: Array<string | [string, RegistryEntry['deprecated']]>) =>
  Object.fromEntries(vs.map((v) => (typeof v === 'string' ? [v, entry(v)] : [v[0], entry(v[0], v[1])])));

const registry = (): Registry => ({
  version: '1', updated_at: '2024-01-01T00:00:00Z',
  runtimes: { 'python-3.11': versions('1.2.0', '1.2.1', '1.3.0', ['1.1.0', { reason: 'old', use: '1.2.0' }]), node: versions('1.2.0', '1.3.0') },
  payloads: { python: versions('1.2.0', '1.2.1', '1.3.0') },
});
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const image = (tags: Record<string, number>): ImageState => ({
  project: 'python', repository: 'ghcr.io/acme/runenv-python', tags: Object.fromEntries(Object.entries(tags).map(([t, n]) => [t, digest(n)])),
});
// 1.2.0 → digest 1, 1.2.1 → 2, 1.3.0 → 3; the aliases as the release put them.
const pythonImage = () => image({ '1.2.0': 1, '1.2.1': 2, '1.3.0': 3, '1.2': 2, '1.3': 3, 1: 3, latest: 3, 'sha-0123456': 3, edge: 3 });

const plan = (request: Partial<DeprecationRequest>, state: Partial<Parameters<typeof planDeprecation>[1]> = {}) =>
  planDeprecation({ target: 'python@1.3.0', use: '1.2.1', reason: 'crashes on start', ...request }, { registry: registry(), images: [pythonImage()], now, ...state });

describe('planDeprecation', () => {
  it('marks the payload entry, adds a banner and moves latest, 1 and 1.3 back to the replacement', () => {
    const p = plan({});
    expect(p).toMatchObject({ version: '1.3.0', replacement: '1.2.1', reason: 'crashes on start', done: false });
    expect(p.entries).toEqual([{ section: 'payloads', name: 'python', version: '1.3.0', changed: true }]);
    expect(p.registry.payloads?.python['1.3.0'].deprecated).toEqual({ reason: 'crashes on start', use: '1.2.1', at: '2024-06-01T10:00:00Z' });
    expect(latestVersion(p.registry.payloads!.python)).toBe('1.2.1');
    expect(p.registry.runtimes).toEqual(registry().runtimes);
    expect(p.notes).toEqual([{ tag: 'python@1.3.0', banner: deprecationBanner({ use: 'python@1.2.1', reason: 'crashes on start' }) }]);
    // `1.3` has no other version: it falls back to the replacement; edge and sha-… are never touched.
    expect(p.imageMoves).toEqual([
      { repository: 'ghcr.io/acme/runenv-python', tag: '1.3', from: digest(3), to: digest(2), version: '1.2.1' },
      { repository: 'ghcr.io/acme/runenv-python', tag: '1', from: digest(3), to: digest(2), version: '1.2.1' },
      { repository: 'ghcr.io/acme/runenv-python', tag: 'latest', from: digest(3), to: digest(2), version: '1.2.1' },
    ]);
  });

  it('is idempotent: planning again over the result plans nothing', () => {
    const first = plan({});
    const moved = pythonImage();
    for (const m of first.imageMoves) moved.tags[m.tag] = m.to;
    const again = plan({}, { registry: first.registry, images: [moved] });
    expect(again).toMatchObject({ done: true, imageMoves: [], entries: [{ changed: false }] });
    expect(again.registry).toBe(first.registry);
  });

  it.each<[string, Partial<DeprecationRequest>, Record<string, number>, Array<[string, number]>]>([
    // name, request, image tags, expected moves (tag → digest)
    ['patch of an older line: only 1.2 moves, to the remaining 1.2.0', { target: 'python@1.2.1', use: '1.2.0' },
      { '1.2.0': 1, '1.2.1': 2, '1.3.0': 3, '1.2': 2, '1.3': 3, 1: 3, latest: 3 }, [['1.2', 1]]],
    ['aliases go where the rule puts them, even when --use names a lower version', { target: 'python@1.3.0', use: '1.2.0' },
      { '1.2.0': 1, '1.2.1': 2, '1.3.0': 3, '1.2': 2, '1.3': 3, 1: 3, latest: 3 }, [['1.3', 1], ['1', 2], ['latest', 2]]],
    ['an alias moved by hand elsewhere is left alone', { target: 'python@1.3.0', use: '1.2.1' },
      { '1.2.0': 1, '1.2.1': 2, '1.3.0': 3, '1.2': 2, '1.3': 3, 1: 1, latest: 3 }, [['1.3', 2], ['latest', 2]]],
    ['an image without the deprecated version has nothing to move', { target: 'python@1.3.0', use: '1.2.1' },
      { '1.2.0': 1, '1.2.1': 2, '1.2': 2, 1: 2, latest: 2 }, []],
  ])('%s', (_name, request, tags, expected) => {
    const p = plan(request, { images: [image(tags)] });
    expect(p.imageMoves.map((m) => [m.tag, m.to])).toEqual(expected.map(([t, n]) => [t, digest(n)]));
  });

  it('deprecates an umbrella release: every project entry, the umbrella and project notes, their images', () => {
    const p = plan({ target: 'v1.3.0', use: 'v1.2.0' }, { umbrellaProjects: ['python-3.11', 'node', 'python'] });
    expect(p.entries).toEqual([
      { section: 'runtimes', name: 'python-3.11', version: '1.3.0', changed: true },
      { section: 'runtimes', name: 'node', version: '1.3.0', changed: true },
      { section: 'payloads', name: 'python', version: '1.3.0', changed: true },
    ]);
    expect(p.notes.map((n) => n.tag)).toEqual(['v1.3.0', 'python-3.11@1.3.0', 'node@1.3.0', 'python@1.3.0']);
    expect(p.notes[0].banner).toContain('Use `v1.2.0` instead.');
    expect(p.notes[1].banner).toContain('Use `python-3.11@1.2.0` instead.');
    expect(latestVersion(p.registry.runtimes.node)).toBe('1.2.0');
    expect(p.imageMoves.map((m) => m.tag)).toEqual(['1.3', '1', 'latest']);
  });

  it('deprecates an image-only payload (no registry entry): banner and image tags', () => {
    const tool: ImageState = { project: 'tool', repository: 'r/runenv-tool', tags: { '1.2.0': digest(1), '1.3.0': digest(3), '1.3': digest(3), 1: digest(3), latest: digest(3) } };
    const p = plan({ target: 'tool@1.3.0', use: '1.2.0' }, { images: [tool] });
    expect(p).toMatchObject({ entries: [], notes: [{ tag: 'tool@1.3.0' }] });
    expect(p.registry.payloads).toEqual(registry().payloads);
    expect(p.imageMoves.map((m) => [m.tag, m.to])).toEqual([['1.3', digest(1)], ['1', digest(1)], ['latest', digest(1)]]);
  });

  it('re-deprecating with another reason updates the entry (and the banner text)', () => {
    const first = plan({});
    const second = plan({ reason: 'data loss on upgrade' }, { registry: first.registry });
    expect(second.entries[0].changed).toBe(true);
    expect(second.registry.payloads?.python['1.3.0'].deprecated).toMatchObject({ reason: 'data loss on upgrade' });
  });

  it.each<[string, Partial<DeprecationRequest>, Partial<Parameters<typeof planDeprecation>[1]>, string]>([
    ['replacement not published', { use: '1.2.5' }, {}, 'cannot point python@1.3.0 users to 1.2.5: python@1.2.5 is not published'],
    ['replacement deprecated', { target: 'python-3.11@1.3.0', use: '1.1.0' }, {}, 'python-3.11@1.1.0 is deprecated itself'],
    ['deprecating with itself', { use: 'python@1.3.0' }, {}, 'cannot deprecate python@1.3.0 in favour of itself'],
    ['target not published', { target: 'python@2.0.0' }, {}, 'python@2.0.0 is neither in the registry nor an image tag, so python@2.0.0 cannot be deprecated'],
    ['image-only payload without the replacement image', { target: 'tool@1.3.0', use: '1.2.5' }, { images: [{ project: 'tool', repository: 'r/runenv-tool', tags: { '1.3.0': digest(3) } }] }, 'r/runenv-tool:1.2.5 is not published'],
    ['replacement of another project', { use: 'node@1.2.0' }, {}, 'the replacement node@1.2.0 is not a version of python'],
    ['prerelease replacement', { use: '1.3.0-rc.1' }, {}, '"1.3.0-rc.1" is a prerelease'],
    ['malformed target', { target: '1.3.0' }, {}, '"1.3.0" is neither <name>@X.Y.Z nor vX.Y.Z'],
    ['bad version', { target: 'python@1.3' }, {}, 'version "1.3" has 2 numeric parts'],
    ['bad project name', { target: '__proto__@1.3.0' }, {}, '"__proto__" is not a project name'],
    ['empty reason', { reason: ' \n ' }, {}, 'a deprecation needs a reason'],
    ['umbrella without its project list', { target: 'v1.3.0', use: '1.2.0' }, {}, 'the projects of the umbrella release v1.3.0 are not known'],
    ['umbrella project without the replacement', { target: 'v1.3.0', use: '1.2.1' }, { umbrellaProjects: ['python', 'node'] }, 'node@1.2.1 is not published'],
  ])('refuses: %s', (_name, request, state, message) => {
    expect(() => plan(request, state)).toThrow(message);
  });
});

describe('withDeprecationBanner', () => {
  const banner = deprecationBanner({ use: 'v1.2.1', reason: 'crashes on start' });
  it('puts the banner on top and is idempotent', () => {
    const once = withDeprecationBanner('## What changed\n- x\n', banner);
    expect(once).toBe(`${banner}\n\n## What changed\n- x\n`);
    expect(once.split('\n').slice(1, 2)).toEqual(['## ⚠️ Deprecated']);
    expect(withDeprecationBanner(once, banner)).toBe(once);
    expect(withDeprecationBanner('', banner)).toBe(`${banner}\n`);
  });
  it('replaces an earlier banner', () => {
    const once = withDeprecationBanner('notes', banner);
    const other = deprecationBanner({ use: 'v1.2.0', reason: 'worse than thought' });
    expect(withDeprecationBanner(once, other)).toBe(`${other}\n\nnotes`);
  });
});
