import { chmod, cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { list } from 'tar';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, REPO_ROOT, type FixtureFile, type NxWorkspace } from '@runway/test-utils';

/** Real Debian builds need mmdebstrap and bubblewrap; skipped loudly without them, never under CI. */
const MISSING = ['mmdebstrap', 'bwrap'].filter((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode !== 0);
const SKIP_REAL_BUILDS = MISSING.length > 0 && !process.env.CI;
if (SKIP_REAL_BUILDS) console.warn(`\n*** ${MISSING.join(', ')} not installed: SKIPPING the prebuilt runtime's cache-input test ***\n`);

const script = (body = ''): FixtureFile => ({ content: `#!/bin/sh\n${body}`, mode: 0o755 });
const files: Record<string, FixtureFile> = {
  'runtimes/demo/manifest.yaml': 'name: demo\nversion: 1.0.0\ndescription: demo runtime\nplatforms: [ubuntu-amd64]\n',
  'runtimes/demo/setup.sh': script('echo setup\n'),
  'runtimes/demo/setup-ubuntu-amd64.sh': script(),
  'runtimes/demo/lib/tool.sh': script('echo tool\n'),
  'runtimes/demo/lib/extra.txt': 'extra\n',
  '.gitignore': 'node_modules\ndist\n.nx\n*.log\n',
};

/**
 * A Runway workspace as the real repository is one: the tooling (`packages/`, `plugins/`) lives in
 * the workspace and runs from there (`node_modules/@runway/*` point at these copies; every other
 * dependency is the repo's), so editing the packer here really changes the code that packs.
 */
async function runwayWorkspace(): Promise<NxWorkspace> {
  const ws = await nxWorkspace(files, { commit: false });
  const modules = join(ws.dir, 'node_modules');
  await rm(modules);
  await mkdir(join(modules, '@runway'), { recursive: true });
  for (const name of await readdir(join(REPO_ROOT, 'node_modules'))) {
    if (name !== '@runway') await symlink(join(REPO_ROOT, 'node_modules', name), join(modules, name));
  }
  for (const folder of ['packages', 'plugins']) await cp(join(REPO_ROOT, folder), join(ws.dir, folder), { recursive: true });
  for (const name of await readdir(join(REPO_ROOT, 'node_modules/@runway'))) {
    const target = await readlink(join(REPO_ROOT, 'node_modules/@runway', name)); // ../../packages/pack
    const inWorkspace = /^\.\.\/\.\.\/(packages|plugins)\//.test(target);
    await symlink(inWorkspace ? join(ws.dir, target.slice('../../'.length)) : join(REPO_ROOT, 'node_modules/@runway', name), join(modules, '@runway', name));
  }
  await ws.git(['add', '-A']);
  await ws.git(['commit', '-q', '-m', 'runway workspace']);
  return ws;
}

const TARBALL = 'dist/runtimes/demo/demo-1.0.0.tar.gz';

describe('build cache inputs in a real nx workspace with real git', () => {
  it('rebuilds when anything that decides the bytes changes, and only then', async () => {
    const ws = await runwayWorkspace();
    const demo = (path: string) => join(ws.dir, 'runtimes/demo', path);
    /** Runs `nx run demo:build`: whether the build really ran (not from cache), the package's sha256 and entries. */
    const build = async (extraEnv: NodeJS.ProcessEnv = {}) => {
      const run = await ws.nx(['run', 'demo:build'], extraEnv);
      expect(run.exitCode, run.all).toBe(0);
      const ran = /^> nx run demo:build(?![^\n]*\[(?:local cache|existing outputs))/m.test(run.all);
      const entries: { path: string; mode: number }[] = [];
      await list({ file: join(ws.dir, TARBALL), onReadEntry: (e) => void entries.push({ path: e.path, mode: e.mode ?? -1 }) });
      return { ran, sha256: (await readFile(join(ws.dir, `${TARBALL}.sha256`), 'utf8')).split(' ')[0], entries, all: run.all };
    };
    const paths = (b: { entries: { path: string }[] }) => b.entries.map((e) => e.path);

    const first = await build();
    expect(first.ran).toBe(true);
    const baseline = first.sha256;
    expect(paths(first)).toEqual(['demo/', 'demo/lib/', 'demo/lib/extra.txt', 'demo/lib/tool.sh', 'demo/manifest.yaml', 'demo/setup-ubuntu-amd64.sh', 'demo/setup.sh']);
    expect(await build()).toMatchObject({ ran: false, sha256: baseline });

    // Untracked and ignored files change nothing, nor does a mode changed on disk only (git
    // records the mode): an ignored log and a chmod keep the cache, an untracked .env (Nx hashes
    // every file it does not ignore, so it may rebuild) leaves the bytes alone.
    await writeFile(demo('debug.log'), 'stray log\n');
    await chmod(demo('lib/tool.sh'), 0o644);
    expect(await build()).toMatchObject({ ran: false, sha256: baseline });
    await chmod(demo('lib/tool.sh'), 0o755);
    await writeFile(demo('.env'), 'GITHUB_TOKEN=ghp_not_for_packages\n');
    const untracked = await build();
    expect(untracked.sha256).toBe(baseline);
    expect(paths(untracked).filter((p) => /\.env|debug\.log/.test(p))).toEqual([]);

    // Each change below rebuilds, and is undone before the next.
    // Content on disk.
    await writeFile(demo('setup.sh'), '#!/bin/sh\necho setup v2\n');
    expect(await build()).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });
    await writeFile(demo('setup.sh'), '#!/bin/sh\necho setup\n');

    // A mode, changed through git only (the file on disk keeps its x bit).
    await ws.git(['update-index', '--chmod=-x', 'runtimes/demo/lib/tool.sh']);
    const modeChanged = await build();
    expect(modeChanged).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });
    expect(modeChanged.entries.find((e) => e.path === 'demo/lib/tool.sh')!.mode).toBe(0o644);
    await ws.git(['update-index', '--chmod=+x', 'runtimes/demo/lib/tool.sh']);

    // Adding a tracked file; removing one.
    await writeFile(demo('lib/new.txt'), 'new\n');
    await ws.git(['add', 'runtimes/demo/lib/new.txt']);
    const added = await build();
    expect(added).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });
    expect(paths(added)).toContain('demo/lib/new.txt');
    await ws.git(['rm', '-q', '-f', 'runtimes/demo/lib/new.txt']);
    await ws.git(['rm', '-q', 'runtimes/demo/lib/extra.txt']);
    const removed = await build();
    expect(removed).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });
    expect(paths(removed)).not.toContain('demo/lib/extra.txt');
    await ws.git(['checkout', '-q', 'HEAD', '--', 'runtimes/demo/lib/extra.txt']);

    // Everything undone: the cache answers again, with the baseline bytes.
    expect(await build()).toMatchObject({ ran: false, sha256: baseline });

    // SOURCE_DATE_EPOCH.
    expect(await build({ SOURCE_DATE_EPOCH: '1700000000' })).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });

    // Another zlib: the Node running Nx and its tasks reports the zlib it compresses with. Here a
    // preload makes this Node report another one (everything else about it stays the same, so the
    // bytes do too); what matters is that the cache did not answer.
    const preload = join(ws.dir, '.nx', 'other-zlib.js');
    await writeFile(preload, "Object.defineProperty(process.versions, 'zlib', { value: '1.2.8-other' });\n");
    expect(await build({ NODE_OPTIONS: `--require ${preload}` })).toMatchObject({ ran: true, sha256: baseline });

    // Another release of `tar`, the library that encodes the headers.
    const tar = join(ws.dir, 'node_modules/tar');
    await rm(tar);
    await cp(join(REPO_ROOT, 'node_modules/tar'), tar, { recursive: true });
    const tarPackage = JSON.parse(await readFile(join(tar, 'package.json'), 'utf8')) as { version: string };
    await writeFile(join(tar, 'package.json'), JSON.stringify({ ...tarPackage, version: `${tarPackage.version}-other` }));
    expect(await build()).toMatchObject({ ran: true, sha256: baseline });

    // The packer's code: a real change to how it compresses, in the workspace's own packages/pack.
    const packer = join(ws.dir, 'packages/pack/src/pack-tarball.ts');
    const code = await readFile(packer, 'utf8');
    expect(code).toContain('const GZIP_LEVEL = 6;');
    await writeFile(packer, code.replace('const GZIP_LEVEL = 6;', 'const GZIP_LEVEL = 9;'));
    expect(await build()).toMatchObject({ ran: true, sha256: expect.not.stringMatching(baseline) });
  }, 900_000);

  it.skipIf(SKIP_REAL_BUILDS)('a prebuilt runtime rebuilds its environment when the builder, sandbox or SBOM code changes, and only then', async () => {
    const ws = await runwayWorkspace();
    await cp(join(REPO_ROOT, 'packages/debian-env/src/testing/tiny-runtime'), join(ws.dir, 'runtimes/tiny-env'), { recursive: true });
    await ws.git(['add', '-A']);
    await ws.git(['commit', '-q', '-m', 'tiny-env']);
    // The first build runs mmdebstrap and keeps its verified root filesystem; later builds reuse it (same bytes by design).
    const env = { SOURCE_DATE_EPOCH: '1700000000', RUNWAY_DEBIAN_ROOTFS_CACHE: join(ws.dir, '.nx', 'kept-rootfs') };
    const environment = join(ws.dir, 'dist/runtimes/tiny-env/tiny-env-1.0.0-debian-amd64.tar.gz');
    const build = async (project: string) => {
      const run = await ws.nx(['run', `${project}:build`], env);
      expect(run.exitCode, run.all).toBe(0);
      return { ran: new RegExp(`^> nx run ${project}:build(?![^\\n]*\\[(?:local cache|existing outputs))`, 'm').test(run.all), all: run.all };
    };
    const sha = async () => (await readFile(`${environment}.sha256`, 'utf8')).split(' ')[0];

    expect((await build('tiny-env')).ran).toBe(true);
    const baseline = await sha();
    expect((await build('demo')).ran).toBe(true);
    // From the cache, outputs restored: the environment, its lock and SBOM too.
    await rm(join(ws.dir, 'dist'), { recursive: true });
    expect((await build('tiny-env')).ran).toBe(false);
    expect(await sha()).toBe(baseline);
    expect(await readdir(join(ws.dir, 'dist/runtimes/tiny-env'))).toContain('tiny-env-1.0.0-debian-amd64.cdx.json');

    for (const file of ['packages/debian-env/src/runtime-yml.ts', 'packages/sandbox/src/bwrap-args.ts', 'packages/sbom/src/environment-sbom.ts']) {
      await writeFile(join(ws.dir, file), `${await readFile(join(ws.dir, file), 'utf8')}// a change\n`);
      expect((await build('tiny-env')).ran, file).toBe(true);
      expect(await sha(), file).toBe(baseline);
      // A runtime without a debian: section does not depend on that code.
      expect((await build('demo')).ran, file).toBe(false);
    }
    // A spec of the builder is no input.
    await writeFile(join(ws.dir, 'packages/debian-env/src/runtime-yml.spec.ts'), '// a spec change\n', { flag: 'a' });
    expect((await build('tiny-env')).ran).toBe(false);
  }, 2_400_000);
});

