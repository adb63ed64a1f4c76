import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInRuntime } from '@runway/sandbox';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { buildEnvironment, type BuiltEnvironment } from './build-environment';
import { lockComponents } from './sbom-components';
import { BUILD_TIMEOUT_MS, installWithClient, reportBuild, sharedDir, SKIP_REAL_BUILDS, upstreamVersion } from './testing/real-builds';

/**
 * The shipped runtimes, built from their committed locks exactly as the release builds them, then
 * installed with the client's extractor and run through the sandbox the way a job runs them.
 */
describe.skipIf(SKIP_REAL_BUILDS)('shipped prebuilt runtimes (debian-amd64, real builds)', () => {
  const shared = sharedDir('runway-debian-env-runtimes-');
  const build = async (name: string): Promise<{ built: BuiltEnvironment; runtime: string; version: (pkg: string) => string }> => {
    const built = await buildEnvironment({ projectDir: join(REPO_ROOT, 'runtimes', name), platform: 'debian-amd64', outDir: join(shared(), name), sourceDateEpoch: 1_700_000_000, workDir: await testdir() });
    reportBuild(`${name} debian-amd64`, built);
    const runtime = await installWithClient(built, name, await testdir());
    const packages = built.lock.platforms['debian-amd64'].packages;
    const version = (pkg: string) => upstreamVersion(packages.find((p) => p.name === pkg)!.version);
    return { built, runtime, version };
  };

  it.runIf(process.arch === 'x64')('python-3.11-ml imports NumPy, SciPy, pandas, scikit-learn and Matplotlib at the locked versions', async () => {
    const { built, runtime, version } = await build('python-3.11-ml');
    const expected = ['python3-numpy', 'python3-scipy', 'python3-pandas', 'python3-sklearn', 'python3-matplotlib'].map(version);
    const r = await runInRuntime({
      runtimeDir: runtime, output: 'capture',
      command: ['python3', '-c', 'import numpy, scipy, pandas, sklearn, matplotlib; print(numpy.__version__); print(scipy.__version__, pandas.__version__, sklearn.__version__, matplotlib.__version__); print(numpy.linalg.inv(numpy.eye(2)).trace())'],
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([expected[0], expected.slice(1).join(' ')]);
    expect(r.stdout.split('\n')[2]).toBe('2.0'); // BLAS/LAPACK through the alternatives the maintainer scripts set up
    expect(built.smoke?.stdout.trim()).toBe(expected.join(' '));
    expect(lockComponents(built.lock, 'debian-amd64')).toHaveLength(built.lock.platforms['debian-amd64'].packages.length);
  }, BUILD_TIMEOUT_MS);

  it.runIf(process.arch === 'x64')('node-18 runs node -e with the locked Node.js', async () => {
    const { runtime, version } = await build('node-18');
    const r = await runInRuntime({ runtimeDir: runtime, output: 'capture', command: ['node', '-e', 'console.log(process.version, 6 * 7)'] });
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(`v${version('nodejs')} 42\n`);
  }, BUILD_TIMEOUT_MS);

  it.runIf(process.arch === 'x64')('openjdk-17 runs java -version with the locked JRE', async () => {
    const { runtime, version } = await build('openjdk-17');
    const r = await runInRuntime({ runtimeDir: runtime, output: 'capture', command: ['java', '-version'] });
    expect(r.exitCode, r.stderr).toBe(0);
    // `17.0.21.1+2` prints as `17.0.21.1`: the part before the build number.
    expect(r.stderr).toContain(`openjdk version "${version('openjdk-17-jre-headless').split('+')[0]}"`);
    expect(r.stderr).toContain('OpenJDK 64-Bit Server VM');
    // The trust store ca-certificates-java built loads, with every entry dated SOURCE_DATE_EPOCH (made reproducible).
    const store = await runInRuntime({ runtimeDir: runtime, output: 'capture', command: ['keytool', '-list', '-cacerts', '-storepass', 'changeit'] });
    expect(store.exitCode, store.stderr).toBe(0);
    expect(store.stdout).toMatch(/Your keystore contains \d{3} entries/);
    const dates = new Set([...store.stdout.matchAll(/, (\w{3} \d{1,2}, \d{4}), trustedCertEntry/g)].map((m) => m[1]));
    expect(dates).toEqual(new Set(['Nov 14, 2023']));
  }, BUILD_TIMEOUT_MS);
});
