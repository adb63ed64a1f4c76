import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, withRetry, type RetryOptions } from '@runway/errors';
import type { Logger } from '@runway/log';
import { withInstallLock } from './install-lock';
import { describeTree, readReceipt, RECEIPT_FILE, type InstallReceipt } from './install-receipt';
import { checkInstallTarget, installPath } from './install-paths';
import { extractTarball, openDownload, type ExtractedItem } from '@runway/safe-archive';
import { chooseSetupScript, runSetupScript } from './setup-script';

export interface InstallRequest {
  name: string;
  version: string;
  /** Resolved download URL (http(s) or file). */
  url: string;
  checksum: string;
  size: number;
  /** Root holding `<name>-<version>/` folders. */
  dir: string;
  /** Run the platform's setup script after unpacking; a failure rolls the install back. */
  setup?: { platform: string; env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  maxBytes: number;
  maxEntries: number;
  idleTimeoutMs: number;
  retry?: RetryOptions;
  logger: Logger;
  now: () => Date;
  onProgress?: (bytes: number, total: number) => void;
}

export interface InstallResult {
  outcome: 'installed' | 'unchanged';
  path: string;
  receipt: InstallReceipt;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Moves a folder out of sight in one rename, then deletes it: readers never see half a runtime. */
export async function discardFolder(dir: string, name: string, path: string): Promise<void> {
  const trash = join(dir, `${stagingPrefix(name)}discard-${randomBytes(6).toString('hex')}`);
  await rename(path, trash);
  await rm(trash, { recursive: true, force: true });
}

/**
 * Scratch folders of one runtime start with `.staging-<name>@`: `@` never occurs in a name, so
 * the prefix of `py` cannot match the scratch of `py-extra`, which another lock protects.
 */
function stagingPrefix(name: string): string {
  return `.staging-${name}@`;
}

/** Removes scratch folders a killed process left behind; only called while holding the name's lock. */
async function removeLeftovers(dir: string, name: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (entry.startsWith(stagingPrefix(name))) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function writeReceipt(installDir: string, receipt: InstallReceipt): Promise<void> {
  const temp = join(installDir, `${RECEIPT_FILE}.tmp`);
  await writeFile(temp, `${JSON.stringify(receipt, null, 2)}\n`);
  await rename(temp, join(installDir, RECEIPT_FILE));
}

/**
 * Installs one runtime version into `<dir>/<name>-<version>/`, atomically: under a per-name lock,
 * the package is downloaded, verified (sha256 and size, in the same streaming pass) and unpacked
 * by the safe extractor into `<dir>/.staging-*`, then renamed into place. An identical existing
 * install is `'unchanged'`. Any failure, including a failed setup script, leaves nothing behind.
 */
export async function installRuntime(req: InstallRequest): Promise<InstallResult> {
  checkInstallTarget(req.name, req.version);
  const target = installPath(req.dir, req.name, req.version);
  await mkdir(req.dir, { recursive: true });
  return withInstallLock(req.dir, req.name, async () => {
    await removeLeftovers(req.dir, req.name);
    if (await exists(target)) {
      const receipt = await readReceipt(target);
      if (receipt?.checksum === req.checksum) return { outcome: 'unchanged' as const, path: target, receipt };
      if (receipt) {
        throw new UserError(`${req.name}@${req.version} is installed at ${target} from a package with checksum ${receipt.checksum}, but the registry now lists ${req.checksum}`, {
          hint: `published versions should never change; if you trust the registry, run "runway runtime remove ${req.name}@${req.version}" and install again`,
        });
      }
      req.logger.warn(`${target} has no install receipt (an interrupted install); replacing it`);
      await discardFolder(req.dir, req.name, target);
    }

    const staging = await mkdtemp(join(req.dir, `${stagingPrefix(req.name)}${req.version}-`));
    try {
      const extracted = await withRetry(async () => {
        await rm(staging, { recursive: true, force: true });
        await mkdir(staging);
        return extractTarball(openDownload(req.url, { idleTimeoutMs: req.idleTimeoutMs }), `${req.name}@${req.version}`, {
          dest: staging,
          topLevel: req.name,
          maxBytes: req.maxBytes,
          maxEntries: req.maxEntries,
          expected: { checksum: req.checksum, size: req.size },
          onProgress: req.onProgress && ((bytes) => req.onProgress!(bytes, req.size)),
        });
      }, {
        ...req.retry,
        onRetry: (err, attempt) => req.logger.warn(`${err.message}; retrying (attempt ${attempt + 1})`),
      });
      await rename(join(staging, req.name), target);
      // From here on the folder is visible: any failure (setup, receipt write) removes it again.
      try {
        let files: ExtractedItem[] = extracted.items.sort((a, b) => (a.path < b.path ? -1 : 1));
        let script: string | null = null;
        if (req.setup) {
          script = await chooseSetupScript(target, req.setup.platform);
          req.logger.info(`running ${script} for ${req.name}@${req.version}`);
          await runSetupScript({ installDir: target, script, name: req.name, version: req.version, ...req.setup });
          files = await describeTree(target);
        }
        const receipt: InstallReceipt = {
          format: 1, kind: 'runway-install', name: req.name, version: req.version,
          checksum: extracted.checksum, size: extracted.size, source: req.url,
          installed_at: req.now().toISOString(), setup: script, files,
        };
        await writeReceipt(target, receipt);
        return { outcome: 'installed' as const, path: target, receipt };
      } catch (err) {
        await discardFolder(req.dir, req.name, target);
        throw err;
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }, { onWait: () => req.logger.info(`waiting for another install of ${req.name} to finish`) });
}
