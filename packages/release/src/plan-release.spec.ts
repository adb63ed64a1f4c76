import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { emptyRegistry, type Registry } from '@runway/registry';
import { formatPlan, planRelease, type PlanInput } from './plan-release';

const now = new Date('2026-01-02T03:04:05Z');
const sha = 'a'.repeat(64);
const other = 'b'.repeat(64);
const manifest = { kind: 'runtime' as const, name: 'node-20', version: '1.0.0', description: 'Node 20', platforms: ['ubuntu-amd64'] };

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    manifest, projectRoot: 'runtimes/node-20', tag: 'node-20@1.0.0', target: 'directory',
    assets: [{ name: 'node-20-1.0.0.tar.gz', sha256: sha, size: 100 }, { name: 'node-20-1.0.0.tar.gz.sha256', sha256: other, size: 86 }],
    state: { registry: emptyRegistry(now), registryLocation: '/r/registry.json', published: false, assets: [] },
    commit: 'c'.repeat(40),
    downloadUrl: 'releases/download/node-20@1.0.0/node-20-1.0.0.tar.gz',
    actions: ['write x'],
    now,
    ...overrides,
  };
}

function withEntry(checksum: string): Registry {
  const r = emptyRegistry(now);
  r.runtimes['node-20'] = { '1.0.0': { version: '1.0.0', description: 'Node 20', download_url: 'u', checksum, size: 100, platforms: ['ubuntu-amd64'] } };
  return r;
}

describe('planRelease', () => {
  it('plans a new release: the entry, the registry diff and the actions', () => {
    const plan = planRelease(input());
    expect(plan.status).toBe('release');
    expect(plan.entry).toMatchObject({ checksum: `sha256:${sha}`, size: 100, download_url: 'releases/download/node-20@1.0.0/node-20-1.0.0.tar.gz', published_at: now.toISOString() });
    expect(plan.registryDiff).toContain('+    "node-20": {');
    expect(plan.registryDiff).toContain(`+        "checksum": "sha256:${sha}",`);
    expect(formatPlan(plan)).toContain(`node-20-1.0.0.tar.gz  100 bytes  sha256:${sha}`);
  });

  it('lists the prebuilt environments in the entry and the registry diff; other bytes for a published platform are refused', () => {
    const prebuilt = { 'debian-amd64': { download_url: 'releases/download/node-20@1.0.0/node-20-1.0.0-debian-amd64.tar.gz', checksum: `sha256:${other}`, size: 5000, lock_url: 'l.json', sbom_url: 's.json' } };
    const plan = planRelease(input({ prebuilt }));
    expect(plan.entry.prebuilt).toEqual(prebuilt);
    expect(plan.registryDiff).toContain('+        "prebuilt": {');
    expect(planRelease(input({ prebuilt: {} })).entry).not.toHaveProperty('prebuilt');
    const registry = withEntry(`sha256:${sha}`);
    registry.runtimes['node-20']['1.0.0'].prebuilt = { 'debian-amd64': { ...prebuilt['debian-amd64'], checksum: `sha256:${sha}` } };
    expect(() => planRelease(input({ prebuilt, state: { registry, registryLocation: '/r/registry.json', published: true, assets: [] } })))
      .toThrowError(`node-20@1.0.0 is already released with different content: registry /r/registry.json has a debian-amd64 environment of sha256:${sha}, the one built now is sha256:${other}`);
  });

  it('is already released when entry and files are identical', () => {
    const plan = planRelease(input({ state: {
      registry: withEntry(`sha256:${sha}`), registryLocation: 'r', published: true,
      assets: [{ name: 'node-20-1.0.0.tar.gz', sha256: sha, size: 100 }, { name: 'node-20-1.0.0.tar.gz.sha256', sha256: other, size: 86 }],
    } }));
    expect(plan.status).toBe('already-released');
    expect(plan.registryDiff).toBe('');
    expect(plan.actions).toEqual([]);
  });

  it('keeps going when the entry exists but no release is published (a crash under an older order)', () => {
    const plan = planRelease(input({ target: 'github', state: {
      registry: withEntry(`sha256:${sha}`), registryLocation: 'r', published: false,
      assets: [{ name: 'node-20-1.0.0.tar.gz', sha256: sha, size: 100 }, { name: 'node-20-1.0.0.tar.gz.sha256', sha256: other, size: 86 }],
    } }));
    expect(plan.status).toBe('release');
  });

  it('refuses a different checksum under a published version, naming both and the fix', () => {
    const err = (() => { try { planRelease(input({ state: { registry: withEntry(`sha256:${other}`), registryLocation: '/r/registry.json', published: false, assets: [] } })); } catch (e) { return e; } })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`sha256:${other}`);
    expect(err.message).toContain(`sha256:${sha}`);
    expect(err.hint).toContain('runtimes/node-20/manifest.yaml');
  });

  it('points a new entry at the SBOM, and keeps an existing entry as published (entries are immutable)', () => {
    const sbomUrl = 'releases/download/node-20@1.0.0/node-20-1.0.0.cdx.json';
    const plan = planRelease(input({ sbomUrl }));
    expect(plan.entry.sbom_url).toBe(sbomUrl);
    expect(plan.registryDiff).toContain(`+        "sbom_url": "${sbomUrl}"`);
    // An entry published before SBOMs: the SBOM asset is still missing, so the release goes on
    // (to upload it), but the entry is not rewritten.
    const old = planRelease(input({ sbomUrl, state: { registry: withEntry(`sha256:${sha}`), registryLocation: 'r', published: true, assets: [] } }));
    expect(old.status).toBe('release');
    expect(old.entry).not.toHaveProperty('sbom_url');
    expect(old.registryDiff).toBe('');
  });

  it('refuses a different file under a published tag, before any change', () => {
    const assets = [{ name: 'node-20-1.0.0.tar.gz', sha256: other, size: 100 }];
    expect(() => planRelease(input({ state: { registry: emptyRegistry(now), registryLocation: 'r', published: true, assets } }))).toThrow(/already released with different content/);
  });

  it('names the commit the package was built from', () => {
    expect(formatPlan(planRelease(input()))).toContain(`commit: ${'c'.repeat(40)}`);
  });
});
