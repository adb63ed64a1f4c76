import { createHash } from 'node:crypto';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { execa, execaSync } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockPurls, parseLock } from '@runway/debian-env';
import { readSbomSubject } from '@runway/sbom';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import buildExecutor from './executor';

// The smallest prebuilt runtime of @runway/debian-env (essential set + BusyBox); one real build.
const FIXTURE = join(REPO_ROOT, 'packages/debian-env/src/testing/tiny-runtime');
const MISSING = ['mmdebstrap', 'bwrap'].filter((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode !== 0);
// Never a silent skip: said loudly here; under CI a missing tool fails the build instead.
const SKIP = MISSING.length > 0 && !process.env.CI;
if (SKIP) console.warn(`\n*** ${MISSING.join(', ')} not installed: SKIPPING the real build of a prebuilt environment (apt-get install -y mmdebstrap bubblewrap) ***\n`);
const OUT = 'dist/runtimes/tiny-env';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe.skipIf(SKIP)('build executor, runtime with a debian: section (real mmdebstrap)', () => {
  it('writes the source package and, for debian-amd64, the environment with its .sha256, lock and SBOM of the locked packages', async () => {
    const root = await testdir({ '.gitignore': 'dist/\n' });
    await cp(FIXTURE, join(root, 'runtimes/tiny-env'), { recursive: true });
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'tiny']]) await execa('git', args, { cwd: root, env });
    const out: string[] = [];
    const capture = (chunk: string | Uint8Array) => void out.push(String(chunk).replace(/\n$/, ''));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => capture(chunk) ?? true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => capture(chunk) ?? true);
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');
    // A real build with its smoke test, never the suite's build cache (another spec may have filled it).
    vi.stubEnv('RUNWAY_DEBIAN_BUILD_CACHE', '');
    const context = {
      root, cwd: root, isVerbose: false, projectName: 'tiny-env', nxJsonConfiguration: {}, projectGraph: { nodes: {}, dependencies: {} },
      projectsConfigurations: { version: 2, projects: { 'tiny-env': { root: 'runtimes/tiny-env' } } },
    } as ExecutorContext;

    expect(await buildExecutor({ outputPath: OUT }, context), out.join('\n')).toEqual({ success: true });
    const dir = join(root, OUT);
    const env64 = 'tiny-env-1.0.0-debian-amd64';
    expect((await readdir(dir)).sort()).toEqual([`${env64}.cdx.json`, `${env64}.lock.json`, `${env64}.tar.gz`, `${env64}.tar.gz.sha256`, 'tiny-env-1.0.0.tar.gz', 'tiny-env-1.0.0.tar.gz.sha256']);
    const sha256 = createHash('sha256').update(await readFile(join(dir, `${env64}.tar.gz`))).digest('hex');
    expect(await readFile(join(dir, `${env64}.tar.gz.sha256`), 'utf8')).toBe(`${sha256}  ${env64}.tar.gz\n`);
    const committed = parseLock(await readFile(join(FIXTURE, 'debian.lock.json'), 'utf8'));
    expect(parseLock(await readFile(join(dir, `${env64}.lock.json`), 'utf8')).platforms).toEqual({ 'debian-amd64': committed.platforms['debian-amd64'] });
    const sbom = await readFile(join(dir, `${env64}.cdx.json`), 'utf8');
    expect(readSbomSubject(sbom)).toEqual({ subject: { name: 'tiny-env', version: '1.0.0', sha256 } });
    expect(JSON.parse(sbom).components.map((c: { purl: string }) => c.purl)).toEqual(lockPurls(committed, 'debian-amd64'));
    expect(JSON.parse(sbom).metadata.timestamp).toBe('2023-11-14T22:13:20Z');
    expect(out.join('\n')).toContain(`${OUT}/${env64}.tar.gz  sha256:${sha256}`);
    expect(out.join('\n')).toContain('running the smoke test: busybox echo tiny-env ok');
  }, 40 * 60 * 1000);
});
