import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, REPO_ROOT, testdir, type NxWorkspace } from '@runway/test-utils';
import { readRuntimeManifest } from './lock-file';
import { parseLock } from './lock-format';
import { BUILD_TIMEOUT_MS, SKIP_REAL_BUILDS, upstreamVersion } from './testing/real-builds';

const PLATFORM = 'debian-amd64';
const RUNTIMES = ['python-3.11', 'python-3.11-ml', 'node-18', 'openjdk-17'];
/**
 * The directory target, with `SOURCE_DATE_EPOCH` unset like the release workflow: the bytes a real
 * release publishes. The suite's build cache (`RUNWAY_DEBIAN_BUILD_CACHE`) is inherited.
 */
const RELEASE_ENV = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, GITHUB_REF: undefined, RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined, SOURCE_DATE_EPOCH: undefined, CI: 'true' };

/**
 * The shipped runtimes as a user gets them: each released with `nx run <name>:release` from a
 * throwaway git workspace holding the repository's runtime folders (environment built from the
 * committed lock by the release pipeline) into a directory registry, installed from it with
 * `runway runtime install` into an empty folder, and run with `runway runtime exec`.
 */
describe.skipIf(SKIP_REAL_BUILDS || process.arch !== 'x64')('shipped prebuilt runtimes: released, installed and run with the CLI (debian-amd64, real builds)', () => {
  /** A committed workspace (with a bare origin) holding the repository's runtime folders: `extends` finds its base. */
  async function workspace(): Promise<NxWorkspace> {
    const ws = await nxWorkspace({}, { commit: false });
    for (const name of RUNTIMES) await cp(join(REPO_ROOT, 'runtimes', name), join(ws.dir, 'runtimes', name), { recursive: true });
    await ws.git(['add', '-A']);
    await ws.git(['commit', '-q', '-m', 'the shipped prebuilt runtimes']);
    const origin = await testdir();
    await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    await ws.git(['remote', 'add', 'origin', origin]);
    await ws.git(['push', '-q', '-u', 'origin', 'main']);
    return ws;
  }

  /** Releases `name`, installs it with the CLI into an empty folder; returns `exec` and the locked upstream versions. */
  async function releaseAndInstall(name: string) {
    const ws = await workspace();
    const registry = () => join(ws.dir, 'dist', 'registry');
    const started = Date.now();
    const release = await ws.nx(['run', `${name}:release`], RELEASE_ENV);
    expect(release.exitCode, release.all).toBe(0);
    console.info(`[build time] ${name}:release (${PLATFORM} environment included): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Read, not written here: a lock refresh bumps the runtime's version.
    const shipped = (await readRuntimeManifest(join(REPO_ROOT, 'runtimes', name))).version;
    const entry = JSON.parse(await readFile(join(registry(), 'registry.json'), 'utf8')).runtimes[name][shipped];
    const prebuilt = entry.prebuilt[PLATFORM];
    expect(prebuilt.download_url).toBe(`releases/download/${name}@${shipped}/${name}-${shipped}-${PLATFORM}.tar.gz`);
    const lock = parseLock(await readFile(join(registry(), prebuilt.lock_url), 'utf8'));
    const packages = lock.platforms[PLATFORM].packages;
    // The SBOM published beside it lists exactly the locked Debian packages.
    const sbom = JSON.parse(await readFile(join(registry(), prebuilt.sbom_url), 'utf8'));
    expect(sbom.components).toHaveLength(packages.length);

    const home = await testdir();
    const dir = await testdir();
    const env = { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml') };
    const install = await ws.runway(['runtime', 'install', name, '--registry', registry(), '--dir', dir, '--json'], env);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(JSON.parse(install.stdout)).toMatchObject({ version: shipped, outcome: 'installed', artifact: { kind: 'prebuilt', platform: PLATFORM }, checksum: prebuilt.checksum });
    const exec = (command: string[]) => ws.runway(['runtime', 'exec', name, '--dir', dir, '--', ...command], env);
    const version = (pkg: string) => upstreamVersion(packages.find((p) => p.name === pkg)!.version);
    return { exec, version };
  }

  it('python-3.11 runs Debian\'s CPython 3.11 at the locked version', async () => {
    const { exec, version } = await releaseAndInstall('python-3.11');
    const r = await exec(['python3', '-c', 'import platform, ssl, sqlite3, json; print(platform.python_version())']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(version('python3.11'));
  }, BUILD_TIMEOUT_MS);

  it('python-3.11-ml imports NumPy, SciPy, pandas, scikit-learn and Matplotlib at the locked versions', async () => {
    const { exec, version } = await releaseAndInstall('python-3.11-ml');
    const expected = ['python3-numpy', 'python3-scipy', 'python3-pandas', 'python3-sklearn', 'python3-matplotlib'].map(version);
    const r = await exec(['python3', '-c', 'import numpy, scipy, pandas, sklearn, matplotlib; print(numpy.__version__, scipy.__version__, pandas.__version__, sklearn.__version__, matplotlib.__version__); print(numpy.linalg.inv(numpy.eye(2)).trace())']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')).toEqual([expected.join(' '), '2.0']); // the second line: BLAS/LAPACK through the alternatives the maintainer scripts set up
  }, BUILD_TIMEOUT_MS);

  it('node-18 runs node -e with the locked Node.js', async () => {
    const { exec, version } = await releaseAndInstall('node-18');
    const r = await exec(['node', '-e', 'console.log(process.version, 6 * 7)']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(`v${version('nodejs')} 42`);
  }, BUILD_TIMEOUT_MS);

  it('openjdk-17 runs java -version with the locked JRE, and its trust store loads with reproducible dates', async () => {
    const { exec, version } = await releaseAndInstall('openjdk-17');
    const r = await exec(['java', '-version']);
    expect(r.exitCode, r.stderr).toBe(0);
    // `17.0.21.1+2` prints as `17.0.21.1`: the part before the build number.
    expect(r.stderr).toContain(`openjdk version "${version('openjdk-17-jre-headless').split('+')[0]}"`);
    expect(r.stderr).toContain('OpenJDK 64-Bit Server VM');
    // The trust store ca-certificates-java built loads, every entry dated SOURCE_DATE_EPOCH (the release's default, 1980-01-01).
    const store = await exec(['keytool', '-list', '-cacerts', '-storepass', 'changeit']);
    expect(store.exitCode, store.stderr).toBe(0);
    expect(store.stdout).toMatch(/Your keystore contains \d{3} entries/);
    const dates = new Set([...store.stdout.matchAll(/, (\w{3} \d{1,2}, \d{4}), trustedCertEntry/g)].map((m) => m[1]));
    expect(dates).toEqual(new Set(['Jan 1, 1980']));
  }, BUILD_TIMEOUT_MS);
});
