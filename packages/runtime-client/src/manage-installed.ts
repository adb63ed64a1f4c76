import { readdir } from 'node:fs/promises';
import { UserError } from '@runway/errors';
import { withInstallLock } from './install-lock';
import { compareTrees, describeTree, readReceipt, type InstallReceipt } from './install-receipt';
import { checkInstallTarget, installPath } from './install-paths';
import { discardFolder } from './install-runtime';

/** Installed versions of `name` under `dir`, from the folder names. */
export async function installedVersions(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((e) => e.startsWith(`${name}-`) && /^\d/.test(e.slice(name.length + 1))).map((e) => e.slice(name.length + 1));
}

async function notInstalled(dir: string, name: string, version: string): Promise<never> {
  const others = await installedVersions(dir, name);
  throw new UserError(`${name}@${version} is not installed in ${dir}`, {
    hint: others.length > 0 ? `installed versions: ${others.join(', ')}` : `nothing of ${name} is installed there (use --dir to look elsewhere)`,
  });
}

/** Removes `<dir>/<name>-<version>/` (renamed away first, then deleted) under the runtime's lock. */
export async function removeRuntime(dir: string, name: string, version: string): Promise<string> {
  checkInstallTarget(name, version);
  const target = installPath(dir, name, version);
  return withInstallLock(dir, name, async () => {
    const present = await readdir(dir).then((e) => e.includes(`${name}-${version}`), () => false);
    if (!present) await notInstalled(dir, name, version);
    await discardFolder(dir, name, target);
    return target;
  });
}

export interface VerifyResult {
  path: string;
  ok: boolean;
  problems: string[];
  receipt?: InstallReceipt;
}

/**
 * Re-checks an installed runtime against the receipt written at install time: every file's
 * sha256, mode, link target, and no missing or extra entries. `expectedChecksum` (from a
 * registry) also checks that the install came from the package the registry lists now.
 */
export async function verifyRuntime(dir: string, name: string, version: string, expectedChecksum?: string): Promise<VerifyResult> {
  checkInstallTarget(name, version);
  const path = installPath(dir, name, version);
  if (!(await readdir(dir).catch(() => [] as string[])).includes(`${name}-${version}`)) await notInstalled(dir, name, version);
  const receipt = await readReceipt(path);
  if (!receipt) return { path, ok: false, problems: ['no install receipt (.runway-install.json): the install was interrupted or not made by runway'] };
  const problems = compareTrees(receipt.files, await describeTree(path));
  if (receipt.name !== name || receipt.version !== version) problems.unshift(`receipt is for ${receipt.name}@${receipt.version}`);
  if (expectedChecksum && expectedChecksum !== receipt.checksum) {
    problems.unshift(`installed from a package with checksum ${receipt.checksum}, the registry lists ${expectedChecksum}`);
  }
  return { path, ok: problems.length === 0, problems, receipt };
}
