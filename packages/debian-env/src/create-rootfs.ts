import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UserError } from '@runway/errors';
import { compareInstalled, describeDifference, parseDpkgQuery } from './check-lock';
import { collectOutput } from './host-tools';
import { isHookChannelFailure, mmdebstrapBuildArgs, unavailablePackages, type BuildCommand } from './mmdebstrap-args';

/** Lines of mmdebstrap's output kept for an error message. */
const ERROR_TAIL_LINES = 40;

export interface CreateRootfsOptions {
  command: BuildCommand;
  /** Empty folder receiving the root filesystem. */
  intoDir: string;
  /** Whole seconds for `SOURCE_DATE_EPOCH`. */
  sourceDateEpoch: number;
  /** Folder for mmdebstrap's temporary chroot (`TMPDIR`). */
  tmpDir: string;
  /** Also keep the verified tar stream here (see the builder's `rootfsCacheDir`). */
  keepTarAs?: string;
  onLine?: (line: string) => void;
  /** Told when a failed mmdebstrap run is retried. */
  onRetry?: (reason: string) => void;
}

/**
 * Runs mmdebstrap from the lock and unpacks its tar stream straight into `intoDir` (no temporary
 * tarball on disk), then checks dpkg's report of what got installed against the lock: exactly the
 * locked packages at the locked versions, nothing more. Throws a `UserError` naming the package
 * and version when the mirror does not serve a locked version, or when anything else differs.
 */
export async function createRootfs(options: CreateRootfsOptions): Promise<void> {
  const { command } = options;
  const tarTemp = options.keepTarAs && `${options.keepTarAs}.${process.pid}.tmp`;
  let [mmResult, tarResult] = await runMmdebstrap(options, tarTemp);
  if (mmResult.exitCode !== 0 && isHookChannelFailure(mmResult.output)) {
    // A failure of mmdebstrap's own hook channel, not of the lock: start over once from an empty folder.
    options.onRetry?.('mmdebstrap lost its hook channel (hookhelper failed); building once more from scratch');
    await rm(options.intoDir, { recursive: true, force: true });
    await mkdir(options.intoDir, { recursive: true });
    [mmResult, tarResult] = await runMmdebstrap(options, tarTemp);
  }
  try {
    if (mmResult.exitCode !== 0) throw mmdebstrapFailure(mmResult.exitCode, mmResult.output, command);
    if (tarResult.exitCode !== 0) throw new UserError(`unpacking the root filesystem failed: ${tarResult.output.trim()}`, { hint: `check free space in ${options.intoDir}` });
    const installed = parseDpkgQuery(await readFile(command.statusFile, 'utf8'));
    const difference = compareInstalled(command.packages, installed);
    const summary = describeDifference(difference);
    if (summary) {
      throw new UserError(`the built environment is not exactly its lock: ${summary}`, {
        hint: 'the lock is inconsistent (edited by hand, or resolved for another suite); refresh it with node packages/debian-env/bin/debian-env.js lock <runtime folder>',
      });
    }
    if (tarTemp && options.keepTarAs) await rename(tarTemp, options.keepTarAs);
  } finally {
    if (tarTemp) await rm(tarTemp, { force: true });
  }
}

/** One mmdebstrap run from the lock, its tar stream unpacked into `intoDir` (and kept as `tarTemp`). */
async function runMmdebstrap(options: CreateRootfsOptions, tarTemp: string | undefined) {
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(options.sourceDateEpoch), TMPDIR: options.tmpDir, LC_ALL: 'C.UTF-8' };
  const mm = spawn('mmdebstrap', mmdebstrapBuildArgs(options.command), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return Promise.all([
    collectOutput(mm, { onLine: options.onLine }),
    unpackTar(mm.stdout, options.intoDir, tarTemp),
  ]);
}

/** Unpacks a root filesystem kept by an earlier build with the same lock (see `rootfsCacheDir`). */
export async function unpackKeptRootfs(tarFile: string, intoDir: string): Promise<void> {
  const result = await unpackTar(createReadStream(tarFile), intoDir);
  if (result.exitCode !== 0) throw new UserError(`unpacking ${tarFile} failed: ${result.output.trim()}`, { hint: `delete ${tarFile} and build again` });
}

/**
 * GNU tar reads the stream: owners are not restored (files become the builder's: the packer
 * writes uid/gid 0 anyway), folders get their modes after their content is written.
 */
async function unpackTar(stream: Readable, intoDir: string, alsoWriteTo?: string): Promise<{ exitCode: number; output: string }> {
  const tar = spawn('tar', ['--extract', '--file=-', `--directory=${intoDir}`, '--no-same-owner', '--delay-directory-restore'], { stdio: ['pipe', 'ignore', 'pipe'] });
  stream.pipe(tar.stdin);
  // A failing tar must not leave mmdebstrap blocked on a full pipe: let its writes fail instead.
  tar.stdin.on('error', () => undefined);
  const copy = alsoWriteTo ? createWriteStream(alsoWriteTo) : undefined;
  const written = copy && new Promise<void>((resolve, reject) => {
    copy.once('close', resolve);
    copy.once('error', reject);
  });
  if (copy) stream.pipe(copy);
  const result = await collectOutput(tar);
  await written;
  return result;
}

/** Pure: the error for a failed mmdebstrap run, naming unavailable packages when apt said so. */
export function mmdebstrapFailure(exitCode: number, output: string, command: BuildCommand): UserError {
  const unavailable = unavailablePackages(output);
  if (unavailable.length > 0) {
    const locked = new Map(command.packages.map((p) => [p.name, p.version]));
    const names = unavailable.map((u) => `${u.name}=${u.version ?? locked.get(u.name) ?? '?'}`);
    return new UserError(`the Debian mirror no longer serves ${names.join(', ')} (locked for ${command.suite}/${command.arch}); the environment cannot be rebuilt from this lock`, {
      hint: 'refresh the lock (node packages/debian-env/bin/debian-env.js lock <runtime folder>), commit it and bump the runtime version: a refresh changes what the environment holds',
    });
  }
  const tail = output.trim().split('\n').slice(-ERROR_TAIL_LINES).join('\n');
  return new UserError(`mmdebstrap failed (exit ${exitCode}) building the ${command.suite}/${command.arch} environment:\n${tail}`, {
    hint: 'check that deb.debian.org is reachable and that this user may create namespaces (as root, or with /etc/subuid entries)',
  });
}
