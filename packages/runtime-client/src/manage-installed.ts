import { lstat, readdir } from 'node:fs/promises';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { ownValue, type RegistryEntry } from '@runway/registry';
import { withInstallLock } from './install-lock';
import { checkReceiptFor, compareTrees, describeArtifact, describeTree, readReceipt, type InstallReceipt } from './install-receipt';
import { checkInstallTarget, installPath, parseInstallFolder } from './install-paths';
import { discardFolder } from './install-runtime';

/** Installed versions of `name` under `dir`, read back from the folder names (see `installFolder`). */
export async function installedVersions(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.map(parseInstallFolder).filter((p) => p?.name === name).map((p) => p!.version);
}

/** The install folder of `name@version`, or a UserError listing what is installed instead. */
export async function installedFolder(dir: string, name: string, version: string): Promise<string> {
  checkInstallTarget(name, version);
  const path = installPath(dir, name, version);
  if ((await lstat(path).catch(() => undefined))?.isDirectory()) return path;
  const others = await installedVersions(dir, name);
  throw new UserError(`${name}@${version} is not installed in ${dir}`, {
    hint: others.length > 0 ? `installed versions: ${others.join(', ')}` : `nothing of ${name} is installed there (use --dir to look elsewhere)`,
  });
}

/**
 * Removes the install folder of `name@version` (renamed away first, then deleted) under the
 * runtime's lock, only when its receipt says it holds exactly that: a folder without a receipt
 * or with another pair's receipt is refused and left alone.
 */
export async function removeRuntime(dir: string, name: string, version: string): Promise<string> {
  // Checked before the lock too: no lock file is made in a folder that holds nothing (or is none).
  await installedFolder(dir, name, version);
  try {
    return await withInstallLock(dir, name, async () => {
      const path = await installedFolder(dir, name, version);
      const receipt = await readReceipt(path);
      if (!receipt) {
        throw new UserError(`${path} has no install receipt: runway did not install it (or the install was interrupted), so it does not remove it`, {
          hint: `"runway runtime install ${name}@${version}" replaces an interrupted install; otherwise delete the folder yourself`,
        });
      }
      checkReceiptFor(path, receipt, name, version, 'removed');
      await discardFolder(dir, name, path);
      return path;
    });
  } catch (err) {
    throw mapFsError(err, `remove ${name}@${version} from ${dir}`);
  }
}

export interface VerifyResult {
  path: string;
  ok: boolean;
  problems: string[];
  receipt?: InstallReceipt;
}

/**
 * Re-checks an installed runtime against the receipt written at install time: every file's
 * sha256, mode, link target, and no missing or extra entries. `listed` (the version's registry
 * entry) also checks that the install came from the artifact the registry lists now: the prebuilt
 * environment of the platform the receipt names, or the source package.
 * @throws UserError when the folder's receipt names another name or version.
 */
export async function verifyRuntime(dir: string, name: string, version: string, listed?: Pick<RegistryEntry, 'checksum' | 'prebuilt'>): Promise<VerifyResult> {
  const path = await installedFolder(dir, name, version);
  const receipt = await readReceipt(path);
  if (!receipt) return { path, ok: false, problems: ['no install receipt (.runway-install.json): the install was interrupted or not made by runway'] };
  checkReceiptFor(path, receipt, name, version, 'verified');
  const tree = await describeTree(path).catch((err) => {
    throw mapFsError(err, `read ${path}`);
  });
  const problems = compareTrees(receipt.files, tree);
  if (listed) {
    const artifact = receipt.artifact;
    const expected = artifact?.kind === 'prebuilt' ? ownValue(listed.prebuilt, String(artifact.platform))?.checksum : listed.checksum;
    if (expected === undefined) problems.unshift(`installed from the ${describeArtifact(artifact)}, which the registry no longer lists`);
    else if (expected !== receipt.checksum) problems.unshift(`installed from a package with checksum ${receipt.checksum}, the registry lists ${escapeText(String(expected), 80)}`);
  }
  return { path, ok: problems.length === 0, problems, receipt };
}
