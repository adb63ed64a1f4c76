import { describe, expect, it } from 'vitest';
import type { Registry, RegistryEntry } from '@runway/registry';
import { planPromotion, VERIFICATION_FILE, type PromotionAction, type PromotionFacts } from './promotion-plan';

const COMMIT = 'c'.repeat(40);
const RELEASE_COMMIT = 'd'.repeat(40);
const OLD_COMMIT = 'e'.repeat(40);
const hex = (c: string) => c.repeat(64);
const digest = (c: string) => `sha256:${hex(c)}`;
const IMAGE = 'ghcr.io/acme/runenv-python';
const assetUrl = (tag: string, file: string) => `https://github.com/acme/rt/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(file)}`;

const entry = (version: string, url: string, sha: string, extra: Partial<RegistryEntry> = {}): RegistryEntry => ({
  version, description: 'd', download_url: url, checksum: `sha256:${sha}`, size: 10, platforms: ['ubuntu-amd64'], ...extra,
});

function registry(): Registry {
  return {
    version: '1', updated_at: '2024-01-01T00:00:00Z',
    runtimes: {
      py: { '1.2.0': entry('1.2.0', assetUrl('py@1.2.0', 'py-1.2.0.tar.gz'), hex('0')) },
      node: { '1.2.0': entry('1.2.0', assetUrl('node@1.2.0', 'node-1.2.0.tar.gz'), hex('0')) },
    },
    payloads: { python: { '1.2.0': entry('1.2.0', assetUrl('python@1.2.0', 'python-1.2.0.tar.gz'), hex('0')) } },
  };
}

/** A released, validated umbrella RC v1.3.0-rc.2 with two runtimes and one image; v1.2.0 is the previous stable. */
function facts(): PromotionFacts {
  const files = { 'py-1.3.0.tar.gz': hex('a'), 'py-1.3.0.cdx.json': hex('b'), 'node-1.3.0.tar.gz': hex('c'), 'umbrella.json': hex('f') };
  return {
    rcTag: 'v1.3.0-rc.2',
    rc: {
      commit: COMMIT,
      releaseCommit: RELEASE_COMMIT,
      release: { draft: false },
      checksums: { signatureVerified: true, files: { ...files } },
      assets: [
        ...Object.entries(files).map(([name, sha256]) => ({ name, sha256, size: 10 })),
        { name: 'SHA256SUMS', sha256: hex('1'), size: 5 },
        { name: 'SHA256SUMS.sig', sha256: hex('2'), size: 5 },
        { name: 'provenance.intoto.jsonl', sha256: hex('3'), size: 5 },
      ],
      verification: { tag: 'v1.3.0-rc.2', commit: COMMIT, passed: true, images: { [IMAGE]: digest('9') }, assets: { ...files } },
      projects: [
        {
          section: 'runtimes', name: 'py', files: ['py-1.3.0.tar.gz', 'py-1.3.0.cdx.json'],
          entry: entry('1.3.0', assetUrl('v1.3.0-rc.2', 'py-1.3.0.tar.gz'), hex('a'), { sbom_url: assetUrl('v1.3.0-rc.2', 'py-1.3.0.cdx.json') }),
        },
        { section: 'runtimes', name: 'node', files: ['node-1.3.0.tar.gz'], entry: entry('1.3.0', assetUrl('v1.3.0-rc.2', 'node-1.3.0.tar.gz'), hex('c')) },
      ],
      images: [{ project: 'python', repository: IMAGE, digest: digest('9') }],
    },
    target: {
      tags: { 'v1.2.0': OLD_COMMIT, 'py@1.2.0': OLD_COMMIT, 'v1.3.0-rc.2': COMMIT },
      releases: {},
      registry: registry(),
      images: { [IMAGE]: { '1.2.0': digest('8'), '1.2': digest('8'), 1: digest('8'), latest: digest('8'), '1.3.0-rc.2': digest('9') } },
      umbrella: { published: ['1.2.0'], deprecated: [] },
      assetUrl,
    },
  };
}

const summary = (a: PromotionAction) => {
  switch (a.kind) {
    case 'create-tag': return `tag ${a.tag} → ${a.commit[0]}${a.signatureRequired ? ' (signed)' : ''}`;
    case 'publish-release': return `release ${a.tag} → ${a.commit[0]} from ${a.from}: ${a.assets.map((f) => f.name).join(', ')}${a.makeLatest ? ' (Latest)' : ''}`;
    case 'point-image-tag': return `image ${a.tag} → ${a.digest.slice(7, 8)}${a.from ? ` (was ${a.from.slice(7, 8)})` : ''}`;
    case 'add-registry-entry': return `registry ${a.name}@${a.entry.version}`;
  }
};

/** Carries out `actions` on the target side of `f`, as the executor would. */
function apply(f: PromotionFacts, actions: PromotionAction[]): PromotionFacts {
  const target = structuredClone({ ...f.target, assetUrl: undefined });
  for (const a of actions) {
    if (a.kind === 'create-tag') target.tags[a.tag] = a.commit;
    if (a.kind === 'publish-release') target.releases[a.tag] = { draft: false, assets: a.assets };
    if (a.kind === 'point-image-tag') target.images[a.repository][a.tag] = a.digest;
    if (a.kind === 'add-registry-entry') target.registry[a.section]![a.name][a.entry.version] = a.entry;
  }
  return { ...f, target: { ...target, assetUrl } };
}

describe('planPromotion', () => {
  it('plans tags, releases with the RC bytes, image tags at the verified digest and registry entries', () => {
    const plan = planPromotion(facts());
    expect(plan.kind).toBe('planned');
    if (plan.kind !== 'planned') return;
    expect(plan).toMatchObject({ rcTag: 'v1.3.0-rc.2', stableTag: 'v1.3.0', version: '1.3.0' });
    expect(plan.actions.map(summary)).toEqual([
      'tag v1.3.0 → c (signed)',
      'tag py@1.3.0 → d',
      'tag node@1.3.0 → d',
      'release py@1.3.0 → d from v1.3.0-rc.2: py-1.3.0.tar.gz, py-1.3.0.cdx.json',
      'release node@1.3.0 → d from v1.3.0-rc.2: node-1.3.0.tar.gz',
      'release v1.3.0 → c from v1.3.0-rc.2: py-1.3.0.tar.gz, py-1.3.0.cdx.json, node-1.3.0.tar.gz, umbrella.json, SHA256SUMS, SHA256SUMS.sig, provenance.intoto.jsonl (Latest)',
      'image 1.3.0 → 9',
      'image 1.3 → 9',
      'image 1 → 9 (was 8)',
      'image latest → 9 (was 8)',
      'registry py@1.3.0',
      'registry node@1.3.0',
    ]);
    const py = plan.actions.find((a) => a.kind === 'add-registry-entry' && a.name === 'py');
    expect(py).toMatchObject({ section: 'runtimes', entry: {
      version: '1.3.0', checksum: `sha256:${hex('a')}`,
      download_url: 'https://github.com/acme/rt/releases/download/py%401.3.0/py-1.3.0.tar.gz',
      sbom_url: 'https://github.com/acme/rt/releases/download/py%401.3.0/py-1.3.0.cdx.json',
    } });
    // Byte-identical: the assets to publish carry the RC's sha256, never new ones.
    const umbrella = plan.actions.find((a) => a.kind === 'publish-release' && a.tag === 'v1.3.0');
    expect(umbrella).toMatchObject({ assets: facts().rc.assets });
  });

  it('compares stable releases without their verification records: validating the stable release (which replaces the RC\'s record) keeps a re-run a no-op', () => {
    const f = facts();
    f.rc.assets.push({ name: VERIFICATION_FILE, sha256: hex('e'), size: 120 });
    const first = planPromotion(f);
    if (first.kind !== 'planned') throw new Error('expected a plan');
    const done = apply(f, first.actions);
    for (const release of Object.values(done.target.releases)) {
      release.assets = [...release.assets.filter((a) => a.name !== VERIFICATION_FILE), { name: VERIFICATION_FILE, sha256: hex('f') }];
    }
    expect(planPromotion(done)).toMatchObject({ kind: 'planned', actions: [] });
  });

  it('is idempotent: a completed promotion plans nothing, a partial one only the rest', () => {
    const first = planPromotion(facts());
    if (first.kind !== 'planned') throw new Error('expected a plan');
    expect(planPromotion(apply(facts(), first.actions))).toMatchObject({ kind: 'planned', actions: [] });
    const partial = planPromotion(apply(facts(), first.actions.slice(0, 5)));
    if (partial.kind !== 'planned') throw new Error('expected a plan');
    expect(partial.actions).toEqual(first.actions.slice(5));
  });

  it('promotes a hotfix RC without moving latest, 1 or the GitHub Latest badge backwards', () => {
    const f = facts();
    f.rcTag = 'v1.2.1-rc.1';
    f.rc.verification!.tag = 'v1.2.1-rc.1';
    f.rc.projects = [];
    f.rc.checksums!.files = { 'umbrella.json': hex('f') };
    f.rc.assets = [{ name: 'umbrella.json', sha256: hex('f'), size: 1 }];
    f.rc.verification!.assets = undefined;
    f.target.umbrella = { published: ['1.2.0', '1.3.0'], deprecated: [] };
    f.target.images[IMAGE] = { '1.2.0': digest('8'), '1.3.0': digest('7'), '1.2': digest('8'), '1.3': digest('7'), 1: digest('7'), latest: digest('7') };
    const plan = planPromotion(f);
    if (plan.kind !== 'planned') throw new Error(JSON.stringify(plan));
    expect(plan.actions.map(summary)).toEqual([
      'tag v1.2.1 → c (signed)',
      'release v1.2.1 → c from v1.2.1-rc.1: umbrella.json',
      'image 1.2.1 → 9',
      'image 1.2 → 9 (was 8)',
    ]);
  });

  it('promotes a project RC (<name>@X.Y.Z-rc.N) for its image and entry', () => {
    const f = facts();
    f.rcTag = 'python@1.3.0-rc.1';
    f.rc.releaseCommit = undefined;
    f.rc.verification!.tag = 'python@1.3.0-rc.1';
    f.rc.checksums!.files = { 'python-1.3.0.tar.gz': hex('a') };
    f.rc.verification!.assets = undefined;
    f.rc.assets = [{ name: 'python-1.3.0.tar.gz', sha256: hex('a'), size: 10 }, { name: 'SHA256SUMS', sha256: hex('1'), size: 5 }];
    f.rc.projects = [{ section: 'payloads', name: 'python', files: ['python-1.3.0.tar.gz'], entry: entry('1.3.0', assetUrl('python@1.3.0-rc.1', 'python-1.3.0.tar.gz'), hex('a')) }];
    const plan = planPromotion(f);
    if (plan.kind !== 'planned') throw new Error(JSON.stringify(plan));
    expect(plan.stableTag).toBe('python@1.3.0');
    expect(plan.actions.map(summary)).toEqual([
      'tag python@1.3.0 → c',
      'release python@1.3.0 → c from python@1.3.0-rc.1: python-1.3.0.tar.gz, SHA256SUMS (Latest)',
      'image 1.3.0 → 9', 'image 1.3 → 9', 'image 1 → 9 (was 8)', 'image latest → 9 (was 8)',
      'registry python@1.3.0',
    ]);
  });

  it('takes an image-only payload RC\'s "Latest" from its image versions (a hotfix does not take it)', () => {
    const f = facts();
    f.rcTag = 'python@1.2.1-rc.1';
    f.rc.releaseCommit = undefined;
    f.rc.verification = { ...f.rc.verification!, tag: 'python@1.2.1-rc.1', assets: undefined };
    f.rc.checksums!.files = {};
    f.rc.assets = [{ name: 'SHA256SUMS', sha256: hex('1'), size: 5 }];
    f.rc.projects = [];
    f.target.images[IMAGE] = { '1.2.0': digest('8'), '1.3.0': digest('7'), '1.2': digest('8'), '1.3': digest('7'), 1: digest('7'), latest: digest('7') };
    const plan = planPromotion(f);
    if (plan.kind !== 'planned') throw new Error(JSON.stringify(plan));
    expect(plan.actions.map(summary)).toEqual(['tag python@1.2.1 → c', 'release python@1.2.1 → c from python@1.2.1-rc.1: SHA256SUMS', 'image 1.2.1 → 9', 'image 1.2 → 9 (was 8)']);
  });

  it.each<[string, (f: PromotionFacts) => void, string[]]>([
    ['RC tag missing', (f) => { f.rc.commit = undefined; }, ['the RC tag v1.3.0-rc.2 does not exist', 'the validation record is for v1.3.0-rc.2 at cccccccccccc, not v1.3.0-rc.2 at (missing)']],
    ['RC not released', (f) => { f.rc.release = undefined; }, ['v1.3.0-rc.2 was not released']],
    ['RC release still a draft', (f) => { f.rc.release = { draft: true }; }, ['v1.3.0-rc.2 was not released (its release is still a draft)']],
    ['no SHA256SUMS', (f) => { f.rc.checksums = undefined; }, ['v1.3.0-rc.2 has no SHA256SUMS']],
    ['SHA256SUMS signature bad', (f) => { f.rc.checksums!.signatureVerified = false; }, ['the signature of v1.3.0-rc.2\'s SHA256SUMS does not verify']],
    ['not verified', (f) => { f.rc.verification = undefined; }, ['v1.3.0-rc.2 was not verified']],
    ['validation failed', (f) => { f.rc.verification!.passed = false; }, ['v1.3.0-rc.2 was not verified (its validation failed)']],
    ['validated another commit', (f) => { f.rc.verification!.commit = OLD_COMMIT; }, ['the validation record is for v1.3.0-rc.2 at eeeeeeeeeeee, not v1.3.0-rc.2 at cccccccccccc']],
    ['asset changed', (f) => { f.rc.assets[0].sha256 = hex('5'); }, [`v1.3.0-rc.2's py-1.3.0.tar.gz has sha256 ${hex('5')}, but SHA256SUMS says ${hex('a')}`]],
    ['asset missing', (f) => { f.rc.assets.splice(2, 1); }, ['v1.3.0-rc.2 lacks node-1.3.0.tar.gz, which its SHA256SUMS lists', 'v1.3.0-rc.2 lacks node-1.3.0.tar.gz of node']],
    ['asset added after release', (f) => { f.rc.assets.push({ name: 'extra.sh', sha256: hex('6'), size: 1 }, { name: 'SHA256SUMS.asc', sha256: hex('6'), size: 1 }); }, ['v1.3.0-rc.2\'s extra.sh is not listed in SHA256SUMS', 'v1.3.0-rc.2\'s SHA256SUMS.asc is not listed in SHA256SUMS']],
    ['validated other bytes', (f) => { f.rc.verification!.assets!['umbrella.json'] = hex('4'); }, [`umbrella.json was validated with sha256 ${hex('4')}, but SHA256SUMS says ${hex('f')}`]],
    ['image digest moved', (f) => { f.rc.images[0].digest = digest('5'); }, [`${IMAGE}'s RC tag now has digest ${digest('5')}, but ${digest('9')} was validated`]],
    ['image not validated', (f) => { f.rc.verification!.images = {}; }, [`${IMAGE} was not part of the validation of v1.3.0-rc.2`]],
    ['image RC tag gone', (f) => { f.rc.images[0].digest = undefined; }, [`${IMAGE}:1.3.0-rc.2 no longer exists`]],
    ['vX.Y.Z exists elsewhere', (f) => { f.target.tags['v1.3.0'] = OLD_COMMIT; }, ['v1.3.0 already exists at eeeeeeeeeeee, not at cccccccccccc']],
    ['project tag exists elsewhere', (f) => { f.target.tags['py@1.3.0'] = COMMIT; }, ['py@1.3.0 already exists at cccccccccccc, not at dddddddddddd']],
    ['stable release exists with other files', (f) => { f.target.releases['v1.3.0'] = { draft: false, assets: [{ name: 'py-1.3.0.tar.gz', sha256: hex('5') }] }; }, ['the release v1.3.0 already exists with other files']],
    ['registry has the version with another checksum', (f) => { f.target.registry.runtimes.py['1.3.0'] = entry('1.3.0', 'x', hex('5')); }, [`py@1.3.0 is already in the registry with checksum sha256:${hex('5')}`]],
    ['image X.Y.Z exists with another digest', (f) => { f.target.images[IMAGE]['1.3.0'] = digest('5'); }, [`${IMAGE}:1.3.0 already exists with digest ${digest('5')}`]],
    ['RC registry entry points elsewhere', (f) => { f.rc.projects[1].entry.download_url = 'https://elsewhere/node.tgz'; }, ['the RC\'s registry entry of node does not download one of its files from the v1.3.0-rc.2 release (https://elsewhere/node.tgz)']],
    ['RC registry entry disagrees with SHA256SUMS', (f) => { f.rc.projects[1].entry.checksum = `sha256:${hex('5')}`; }, [`the RC's registry entry of node has checksum sha256:${hex('5')}, but SHA256SUMS lists node-1.3.0.tar.gz as ${hex('c')}`]],
  ])('refuses, changing nothing: %s', (_name, change, messages) => {
    const f = facts();
    change(f);
    const plan = planPromotion(f);
    expect(plan.kind).toBe('refused');
    if (plan.kind !== 'refused') return;
    expect(plan.problems.map((p) => p.message)).toEqual(messages);
    for (const p of plan.problems) expect(p.fix.length).toBeGreaterThan(10);
  });

  it('accepts an existing draft and an existing identical release as repairs', () => {
    const f = facts();
    f.target.releases['v1.3.0'] = { draft: true, assets: [] };
    f.target.releases['py@1.3.0'] = { draft: false, assets: [{ name: 'py-1.3.0.cdx.json', sha256: hex('b') }, { name: 'py-1.3.0.tar.gz', sha256: hex('a') }] };
    f.target.tags['v1.3.0'] = COMMIT;
    const plan = planPromotion(f);
    if (plan.kind !== 'planned') throw new Error(JSON.stringify(plan));
    const summaries = plan.actions.map(summary);
    expect(summaries).not.toContain('tag v1.3.0 → c (signed)');
    expect(summaries.filter((s) => s.startsWith('release'))).toEqual([
      'release node@1.3.0 → d from v1.3.0-rc.2: node-1.3.0.tar.gz',
      expect.stringMatching(/^release v1\.3\.0 → c/),
    ]);
  });

  it.each([['v1.3.0', 'v1.3.0 is already a stable version'], ['1.3.0-rc.1', '"1.3.0-rc.1" is not a release candidate tag'], ['v1.3-rc.1', 'version "1.3-rc.1" has 2 numeric parts']])('refuses the tag %s', (tag, message) => {
    expect(() => planPromotion({ ...facts(), rcTag: tag })).toThrow(message);
  });
});
