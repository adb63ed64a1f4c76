import { link, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { result, type BenchResult, type BenchSuite } from '../suite';
import { compareInstalls, serveFile } from './install';

const MB = 1e6;
const PLATFORM = 'debian-amd64';
const RUNTIME = 'python-3.11-ml';
const INSTALL_RUNS = 5;

/**
 * Issue 9's performance targets on the real `python-3.11-ml` environment (built from its committed
 * lock; `.deb`s from the warm cache for both contenders): the build against bare mmdebstrap making
 * the same tree, the client's install against `curl | sha256sum | tar -xz` (at two package sizes,
 * for the RSS), and the tarball's size against `tar | gzip -6` of the same tree.
 */
export const suite: BenchSuite = {
  name: 'environments',
  issue: 'issue 9 prebuilt environments',
  describe: `Input: \`runtimes/${RUNTIME}\` (${PLATFORM}) from its committed lock, every \`.deb\` in the warm cache. Build: \`buildEnvironment\` (mmdebstrap, lock checks, link rewrite, smoke test in bubblewrap, reproducible pack; no kept root filesystem, no build cache) against bare \`mmdebstrap --variant=custom\` with the same \`name=version\` list, sources, apt options, lean hook and cached \`.deb\`s, writing \`.tar.gz\`; one run each (minutes per build). Install: \`installRuntime\` in a child process (download from node:http on 127.0.0.1, sha256/size check, safe extraction) against \`curl -s URL | tee >(sha256sum) | tar -xz\`, median of ${INSTALL_RUNS} after a warm-up, the two taking turns, each into a new folder after a \`sync\` (all removed at the end); peak RSS at two sizes (\`tiny-env\`, Debian's essential set plus BusyBox, and ${RUNTIME}). Size: the package against \`tar --sort=name --owner=0 --group=0 --numeric-owner | gzip -6 -n\` of its unpacked tree.`,
  async run(ctx) {
    const { buildEnvironment, debCacheDir, debFileName, LEAN_HOOK, readLock, sourceLine } = await import('@runway/debian-env');
    const { homedir } = await import('node:os');
    const projectDir = join(ctx.repoRoot, 'runtimes', RUNTIME);
    const lock = await readLock(projectDir);
    const locked = lock.platforms[PLATFORM];
    const cacheDir = debCacheDir(process.env, homedir());

    // Warm the .deb cache (a build downloads what is missing) and build the smaller package for the RSS comparison.
    ctx.log('building tiny-env (the small package of the install comparison; warms the .deb cache)');
    const tiny = await buildEnvironment({ projectDir: join(ctx.repoRoot, 'packages/debian-env/src/testing/tiny-runtime'), platform: PLATFORM, outDir: join(ctx.tmpDir, 'tiny') });

    ctx.log(`baseline: bare mmdebstrap of ${RUNTIME} (${locked.packages.length} packages)`);
    const debsIn = join(ctx.tmpDir, 'debs-in');
    await mkdir(debsIn);
    // Hard links when the cache is on the same file system, else copies: staging costs the baseline nothing measurable.
    for (const pkg of locked.packages) {
      const name = debFileName(pkg);
      await link(join(cacheDir, name), join(debsIn, name)).catch(() => execa('cp', [join(cacheDir, name), join(debsIn, name)]));
    }
    const bareOut = join(ctx.tmpDir, 'bare.tar.gz');
    const bareStart = Date.now();
    await execa('mmdebstrap', [
      '--mode=unshare', '--variant=custom', `--architectures=${locked.architecture}`,
      `--include=${locked.packages.map((p) => `${p.name}=${p.version}`).join(',')}`,
      '--aptopt=Acquire::Languages "none"', '--aptopt=APT::Install-Recommends "false"', '--dpkgopt=force-unsafe-io', '--skip=output/dev',
      '--setup-hook=mkdir -p "$1/var/cache/apt/archives"', `--setup-hook=sync-in ${debsIn} /var/cache/apt/archives/`,
      `--customize-hook=${LEAN_HOOK}`,
      lock.suite, bareOut, ...lock.sources.map(sourceLine),
    ], { env: { ...process.env, SOURCE_DATE_EPOCH: '315532800' }, stdio: ['ignore', 'ignore', 'pipe'], all: false });
    const bareMs = Date.now() - bareStart;
    await rm(debsIn, { recursive: true });

    ctx.log(`buildEnvironment of ${RUNTIME}`);
    const oursStart = Date.now();
    const built = await buildEnvironment({ projectDir, platform: PLATFORM, outDir: join(ctx.tmpDir, 'package') });
    const oursMs = Date.now() - oursStart;
    ctx.log(`bare mmdebstrap ${(bareMs / 1000).toFixed(1)} s (${((await stat(bareOut)).size / MB).toFixed(1)} MB), buildEnvironment ${(oursMs / 1000).toFixed(1)} s (${JSON.stringify(built.timings)})`);
    await rm(bareOut);

    ctx.log('size: tar | gzip -6 -n of the unpacked tree');
    const tree = join(ctx.tmpDir, 'tree');
    await mkdir(tree);
    await execa('tar', ['-xzf', built.path, '-C', tree]);
    const gzipOut = join(ctx.tmpDir, 'tree.tar.gz');
    // A shell pipeline straight into the file: the tree is hundreds of MB and must not pass through node.
    await execa('bash', ['-o', 'pipefail', '-c', 'tar --sort=name --mtime=@315532800 --owner=0 --group=0 --numeric-owner -cf - "$1" | gzip -6 -n > "$2"', 'bash', RUNTIME, gzipOut], { cwd: tree });
    const gzipSize = (await stat(gzipOut)).size;
    await rm(tree, { recursive: true });

    const install = async (path: string, name: string, sha256: string, size: number) => {
      const server = await serveFile(path);
      try {
        return await compareInstalls(ctx, { url: server.url, checksum: `sha256:${sha256}`, size, runs: INSTALL_RUNS, name });
      } finally {
        await server.close();
      }
    };
    ctx.log(`install: ${RUNTIME} (${(built.size / MB).toFixed(0)} MB) and tiny-env (${(tiny.size / MB).toFixed(0)} MB)`);
    const big = await install(built.path, RUNTIME, built.sha256, built.size);
    const small = await install(tiny.path, 'tiny-env', tiny.sha256, tiny.size);

    const throughput = (ms: number) => built.size / MB / (ms / 1000);
    const rows: BenchResult[] = [
      result({ metric: `build time (${RUNTIME}, ${locked.packages.length} packages)`, value: oursMs / 1000, baseline: bareMs / 1000, unit: 's', target: 'ratio ≤ 1.15 (overhead ≤ 15 %)' }, (_, r) => r <= 1.15),
      result({ metric: `install throughput (${(built.size / MB).toFixed(0)} MB package)`, value: throughput(big.ours.medianMs), baseline: throughput(big.baseline.medianMs), unit: 'MB/s', target: 'ratio ≥ 0.9' }, (_, r) => r >= 0.9),
      result({ metric: `peak RSS installing ${RUNTIME} (${(built.size / MB).toFixed(0)} MB) vs tiny-env (${(tiny.size / MB).toFixed(0)} MB)`, value: big.ours.peakRssBytes! / MB, baseline: small.ours.peakRssBytes! / MB, unit: 'MB', target: 'ratio ≤ 1.1 (flat in package size)' }, (_, r) => r <= 1.1),
      result({ metric: 'compressed size', value: built.size / MB, baseline: gzipSize / MB, unit: 'MB', target: 'ratio ≤ 1.05' }, (_, r) => r <= 1.05),
    ];
    return rows;
  },
};
