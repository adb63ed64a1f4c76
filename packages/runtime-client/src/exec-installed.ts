import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { compareVersions, isPrerelease } from '@runway/registry';
import { runInRuntime, type RunInRuntimeOptions, type RunInRuntimeResult } from '@runway/sandbox';
import { checkReceiptFor, readReceipt } from './install-receipt';
import { installedFolder, installedVersions } from './manage-installed';

export interface ExecInstalledRequest {
  /** Root of the install folders, as given to `install` (`--dir`). */
  dir: string;
  name: string;
  /** An exact installed version; `latest` or undefined takes the highest installed (stable before prerelease). */
  version?: string;
  /** argv, `command[0]` looked up on the runtime's `PATH`. */
  command: string[];
  /** How output and stdin flow, the deadline, extra environment: see `runInRuntime` (default: streamed, stdin passed on). */
  run?: Omit<RunInRuntimeOptions, 'runtimeDir' | 'command'>;
}

export interface ExecInstalledResult extends RunInRuntimeResult {
  version: string;
  path: string;
}

/** The version `exec <name>` runs: the highest installed stable version, else the highest prerelease. */
function newestInstalled(versions: string[]): string | undefined {
  const sorted = [...versions].sort(compareVersions);
  return sorted.filter((v) => !isPrerelease(v)).at(-1) ?? sorted.at(-1);
}

/**
 * Runs a command inside an installed runtime the way a job would (`runInRuntime`: bubblewrap,
 * `runtime.yml`'s mounts read-only, its environment, nothing else of the host). Acts only on a
 * folder whose install receipt names exactly that runtime; a runtime that is not installed, an
 * interrupted install, or a source package installed without `--setup` (no `runtime.yml` yet) is a
 * `UserError` saying how to fix it. The command's exit code is a result, not an error.
 */
export async function execInstalledRuntime(req: ExecInstalledRequest): Promise<ExecInstalledResult> {
  let version = req.version === 'latest' ? undefined : req.version;
  if (version === undefined) {
    version = newestInstalled(await installedVersions(req.dir, req.name));
    if (version === undefined) {
      throw new UserError(`${req.name} is not installed in ${req.dir}`, { hint: `install it first: runway runtime install ${req.name} (or use --dir to look elsewhere)` });
    }
  }
  const path = await installedFolder(req.dir, req.name, version);
  const receipt = await readReceipt(path);
  if (!receipt) {
    throw new UserError(`${path} has no install receipt: its install was interrupted or runway did not make it`, {
      hint: `install it again: runway runtime install ${req.name}@${version}`,
    });
  }
  checkReceiptFor(path, receipt, req.name, version, 'run');
  const config = await lstat(join(path, 'runtime.yml')).catch(() => undefined);
  if (!config?.isFile()) {
    throw new UserError(`${req.name}@${version} at ${path} has no runtime.yml: it was installed from its source package without running its setup`, {
      hint: `install the prebuilt environment where the registry has one for this platform (runway runtime remove ${req.name}@${version} && runway runtime install ${req.name}@${version}), or set the source package up (the same with --setup)`,
    });
  }
  const result = await runInRuntime({ stdin: 'inherit', ...req.run, runtimeDir: path, command: req.command });
  return { ...result, version, path };
}
