import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { environmentFileName } from '@runway/debian-env';
import { UserError } from '@runway/errors';
import { prebuiltPlatforms, type Manifest } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball, readLocalText } from '@runway/safe-archive';

/**
 * The folder of the build context that holds the runtime's environment (its `isolated/` tree):
 * the payload's Dockerfile copies it to the image root (`COPY runtime/ /`).
 */
export const RUNTIME_CONTEXT_DIR = 'runtime';

/** A runtime's prebuilt environment, found and checked (not yet unpacked). */
export interface RuntimeEnvironment {
  runtime: string;
  version: string;
  platform: string;
  /** Absolute path of `<name>-<version>-<platform>.tar.gz`. */
  path: string;
  /** `sha256:<hex>`, from the `.sha256` file beside it; the unpacking checks it. */
  checksum: string;
  size: number;
}

/** Pure: the Debian platform of this machine's architecture: what its daemon runs without emulation. */
export function hostDebianPlatform(arch: string = process.arch): string {
  return `debian-${arch === 'x64' ? 'amd64' : arch}`;
}

/**
 * Finds the environment a payload's image is built from: the runtime's `build` output
 * `<environmentDir>/<runtime>-<version>-<platform>.tar.gz` and its `.sha256`. Read-only, so a dry
 * run shows it too. Fails with what to run when the runtime has no such environment or it is not built.
 */
export async function locateRuntimeEnvironment(input: {
  workspaceRoot: string; payloadRoot: string; payload: Manifest; platform: string; environmentDir?: string;
}): Promise<RuntimeEnvironment> {
  const { workspaceRoot, payload, platform } = input;
  const runtime = payload.runtime!;
  const reserved = join(input.payloadRoot, RUNTIME_CONTEXT_DIR);
  if (await stat(join(workspaceRoot, reserved)).then(() => true, () => false)) {
    throw new UserError(`${reserved} exists, but the build context of a payload built from a runtime uses that name for the runtime's environment`, {
      hint: `rename ${reserved} (the Dockerfile copies the environment with "COPY ${RUNTIME_CONTEXT_DIR}/ /")`,
    });
  }
  const runtimeRoot = join('runtimes', runtime);
  const read = await readManifest(workspaceRoot, runtimeRoot).catch((err: unknown) => {
    throw new UserError(`payload ${payload.name} is built from runtime "${runtime}", which cannot be read: ${(err as Error).message}`, {
      hint: 'check "runtime" in the payload\'s manifest.yaml (a folder under runtimes/)', cause: err,
    });
  });
  if (!read.manifest) {
    throw new UserError(`payload ${payload.name} is built from runtime "${runtime}", whose manifest is invalid`, { hint: `run nx run ${runtime}:validate` });
  }
  const { version } = read.manifest;
  if (!prebuiltPlatforms(read.manifest).includes(platform)) {
    throw new UserError(`runtime ${runtime} has no prebuilt ${platform} environment for the image of ${payload.name}`, {
      hint: `add ${platform} to the platforms and a "debian:" section to ${runtimeRoot}/manifest.yaml, or build the image on a machine of another architecture`,
    });
  }
  const dir = join(workspaceRoot, input.environmentDir ?? join('dist', 'runtimes', runtime));
  const path = join(dir, environmentFileName(runtime, version, platform));
  const notBuilt = (cause: unknown) => new UserError(`the ${platform} environment of ${runtime}@${version} is not built: ${path} is missing`, {
    hint: `run nx run ${runtime}:build (publish-runenv-image runs it first), or: node packages/debian-env/bin/debian-env.js build ${runtimeRoot} --platform ${platform} --out ${dir}`,
    cause,
  });
  const [info, sums] = await Promise.all([
    stat(path).catch((err: NodeJS.ErrnoException) => { throw err.code === 'ENOENT' ? notBuilt(err) : mapFsError(err, `read ${path}`); }),
    readLocalText(`${path}.sha256`, { maxBytes: 4096, what: 'checksum file' }).catch((err: unknown) => { throw notBuilt(err); }),
  ]);
  const hex = /^([0-9a-f]{64})\s/.exec(sums)?.[1];
  if (!hex) throw new UserError(`${path}.sha256 is not a sha256sum line`, { hint: `rebuild it: nx run ${runtime}:build --skip-nx-cache` });
  return { runtime, version, platform, path, checksum: `sha256:${hex}`, size: info.size };
}

/** Pure: the image labels that say which environment an image holds. */
export function environmentLabels(env: RuntimeEnvironment): Record<string, string> {
  return {
    'dev.runway.runtime': `${env.runtime}@${env.version}`,
    'dev.runway.runtime.platform': env.platform,
    'dev.runway.runtime.checksum': env.checksum,
  };
}

/**
 * Makes the build context in a new temporary folder: the payload folder's files, plus the
 * environment's `isolated/` tree as `runtime/`, unpacked with the client's safe extractor, which
 * checks the sha256 and size against the `.sha256` on the way. The caller removes the folder.
 */
export async function stageBuildContext(payloadDir: string, env: RuntimeEnvironment): Promise<string> {
  const staging = await mkdtemp(join(tmpdir(), 'runway-image-context-'));
  const unpacked = await mkdtemp(join(tmpdir(), 'runway-image-environment-'));
  try {
    await cp(payloadDir, staging, { recursive: true, verbatimSymlinks: true }).catch((err) => { throw mapFsError(err, `copy ${payloadDir}`); });
    const file = environmentFileName(env.runtime, env.version, env.platform);
    await extractTarball(createReadStream(env.path), file, {
      dest: unpacked, topLevel: env.runtime, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
      expected: { checksum: env.checksum, size: env.size },
    });
    const isolated = join(unpacked, env.runtime, 'isolated');
    if (!(await readdir(isolated).then(() => true, () => false))) {
      throw new UserError(`${file} holds no ${env.runtime}/isolated/ folder: it is not a prebuilt environment`, { hint: `rebuild it: nx run ${env.runtime}:build --skip-nx-cache` });
    }
    await rename(isolated, join(staging, RUNTIME_CONTEXT_DIR));
    return staging;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
