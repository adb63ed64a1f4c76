import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError, type RetryOptions } from '@runway/errors';
import type { Logger } from '@runway/log';
import { deadlineAfter, extractTarball, openDownload, UnsafeArchiveError, withRetryBefore } from '@runway/safe-archive';
import { withInstallLock } from './install-lock';
import { checkReceiptFor, describeArtifact, describeTree, readReceipt, RECEIPT_FILE, ReceiptEntries, rootItem, writeReceipt, type ReceiptArtifact, type ReceiptHeader, type ReceiptTrust } from './install-receipt';
import { checkInstallTarget, installPath } from './install-paths';
import { chooseSetupScript, runSetupScript } from './setup-script';
import { stopYoungGenerationGrowth } from './young-generation';

/**
 * How long a whole package download (every retry included) may take by default: a minute, plus a
 * second per 32 KiB of the size the registry lists, at most an hour. A small package served one
 * byte a second fails in about a minute; a 100 MB one may take most of the hour.
 */
export function defaultDownloadDeadlineMs(size: number): number {
  return Math.min(60 * 60_000, 60_000 + Math.ceil(size / (32 * 1024)) * 1000);
}

export interface InstallRequest {
  name: string;
  version: string;
  /** Resolved download URL (http(s) or file). */
  url: string;
  checksum: string;
  size: number;
  /** Root holding the install folders (see `installFolder`). */
  dir: string;
  /** Run the platform's setup script after unpacking; a failure rolls the install back. */
  setup?: { platform: string; env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /** Cap on the package's bytes, compressed and unpacked (see `extractTarball`). */
  maxBytes: number;
  maxEntries: number;
  /** A download silent this long fails (and is retried). */
  idleTimeoutMs: number;
  /** The whole download, retries included, must be done within this (default `defaultDownloadDeadlineMs(size)`). */
  deadlineMs?: number;
  retry?: RetryOptions;
  logger: Logger;
  now: () => Date;
  onProgress?: (bytes: number, total: number) => void;
  /** `registryId` of the registry the entry comes from, recorded in the receipt. */
  registry?: string;
  /** How the package was verified against pinned keys (checked by the caller before the download), recorded in the receipt. */
  trust?: ReceiptTrust;
  /**
   * Which artifact `url` is (default: the source package). A prebuilt environment must hold
   * `runtime.yml` and `isolated/`, and nothing of it is executed.
   */
  artifact?: ReceiptArtifact;
}

export interface InstallResult {
  outcome: 'installed' | 'unchanged';
  path: string;
  /** The receipt written into the folder, without its list of files. */
  receipt: ReceiptHeader;
  /** How many entries the receipt lists (the folder itself included). */
  entries: number;
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

/**
 * Installs one runtime version into its folder under `dir` (`installFolder`), atomically: under a
 * per-name lock, the package is downloaded (within the deadline), verified (sha256 and size, in the
 * same streaming pass) and unpacked by the safe extractor into `<dir>/.staging-*`, then renamed
 * into place. An identical existing install is `'unchanged'`; a folder whose receipt names another
 * pair is refused. The receipt is written last, through an exclusively created temporary file
 * renamed over its name, so no link in the package can redirect it. Any failure, including a
 * failed setup script, leaves nothing behind. Filesystem failures are `UserError`s naming the path.
 * The calling process's young generation stops growing from here on (`stopYoungGenerationGrowth`).
 */
export async function installRuntime(req: InstallRequest): Promise<InstallResult> {
  checkInstallTarget(req.name, req.version);
  stopYoungGenerationGrowth();
  try {
    await mkdir(req.dir, { recursive: true });
    return await withInstallLock(req.dir, req.name, () => installLocked(req), { onWait: () => req.logger.info(`waiting for another install of ${req.name} to finish`) });
  } catch (err) {
    throw mapFsError(err, `install ${req.name}@${req.version} into ${req.dir}`);
  }
}

/**
 * A prebuilt environment is ready to run as unpacked: `runtime.yml` (a regular file) and
 * `isolated/` (a folder) at its top. Anything else is refused before it is renamed into place.
 */
async function checkPrebuiltLayout(label: string, unpacked: string): Promise<void> {
  const is = (path: string, type: 'file' | 'dir') => lstat(join(unpacked, path)).then((info) => (type === 'file' ? info.isFile() : info.isDirectory()), () => false);
  if (!(await is('runtime.yml', 'file')) || !(await is('isolated', 'dir'))) {
    throw new UnsafeArchiveError(label, 'the prebuilt environment must hold runtime.yml and the folder isolated/ at its top');
  }
}

async function installLocked(req: InstallRequest): Promise<InstallResult> {
  const target = installPath(req.dir, req.name, req.version);
  await removeLeftovers(req.dir, req.name);
  if (await lstat(target).then(() => true, () => false)) {
    const receipt = await readReceipt(target);
    if (receipt) checkReceiptFor(target, receipt, req.name, req.version, 'installed');
    const artifact = describeArtifact(req.artifact);
    if (receipt && describeArtifact(receipt.artifact) !== artifact) {
      throw new UserError(`${req.name}@${req.version} is already installed at ${target} from its ${describeArtifact(receipt.artifact)}, not its ${artifact}; nothing was changed`, {
        hint: `versions install once per folder: run "runway runtime remove ${req.name}@${req.version}" first to replace it, or install into another --dir`,
      });
    }
    if (receipt?.checksum === req.checksum) {
      const { files, ...header } = receipt;
      if (req.trust && !receipt.trust) {
        // Installed before keys were pinned: the package is the one just verified, so the receipt learns how.
        Object.assign(header, { registry: req.registry, trust: req.trust });
        await writeReceipt(target, header, files);
      }
      return { outcome: 'unchanged', path: target, receipt: header, entries: files.length };
    }
    if (receipt) {
      throw new UserError(`${req.name}@${req.version} is installed at ${target} from a package with checksum ${receipt.checksum}, but the registry now lists ${req.checksum}`, {
        hint: `published versions should never change; if you trust the registry, run "runway runtime remove ${req.name}@${req.version}" and install again`,
      });
    }
    req.logger.warn(`${target} has no install receipt (an interrupted install); replacing it`);
    await discardFolder(req.dir, req.name, target);
  }

  const staging = await mkdtemp(join(req.dir, `${stagingPrefix(req.name)}${req.version}-`));
  const label = `${req.name}@${req.version}`;
  try {
    const deadline = deadlineAfter(req.deadlineMs ?? defaultDownloadDeadlineMs(req.size));
    // The receipt's entries go to a file beside the unpacked folder (a name no runtime can have).
    const entriesFile = join(staging, '.receipt-files');
    const extracted = await withRetryBefore(deadline, async () => {
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging);
      const collected = await ReceiptEntries.create(entriesFile);
      try {
        const result = await extractTarball(openDownload(req.url, { idleTimeoutMs: req.idleTimeoutMs, deadline }), label, {
          dest: staging,
          topLevel: req.name,
          maxBytes: req.maxBytes,
          maxEntries: req.maxEntries,
          expected: { checksum: req.checksum, size: req.size },
          onProgress: req.onProgress && ((bytes) => req.onProgress!(bytes, req.size)),
          onItem: (item) => {
            if (item.path === RECEIPT_FILE) throw new UnsafeArchiveError(label, `the package contains ${RECEIPT_FILE}, the name of runway's install receipt`);
            return collected.add(item);
          },
        });
        return { ...result, collected };
      } finally {
        await collected.close();
      }
    }, {
      ...req.retry,
      onRetry: (err, attempt) => req.logger.warn(`${err.message}; retrying (attempt ${attempt + 1})`),
    });
    if (req.artifact?.kind === 'prebuilt') await checkPrebuiltLayout(label, join(staging, req.name));
    await rename(join(staging, req.name), target);
    // From here on the folder is visible: any failure (setup, receipt write) removes it again.
    try {
      const header: ReceiptHeader = {
        format: 1, kind: 'runway-install', name: req.name, version: req.version,
        checksum: extracted.checksum, size: extracted.size, source: req.url,
        installed_at: req.now().toISOString(), setup: null,
        ...(req.registry !== undefined && { registry: req.registry }),
        ...(req.trust && { trust: req.trust }),
        ...(req.artifact && { artifact: req.artifact }),
      };
      if (req.setup && req.artifact?.kind !== 'prebuilt') {
        const script = await chooseSetupScript(target, req.setup.platform);
        req.logger.info(`running ${script} for ${label}`);
        await runSetupScript({ installDir: target, script, name: req.name, version: req.version, ...req.setup });
        // The script may have changed anything: the receipt lists the tree as it left it.
        const files = await describeTree(target);
        header.setup = script;
        await writeReceipt(target, header, files);
        return { outcome: 'installed', path: target, receipt: header, entries: files.length };
      }
      await writeReceipt(target, header, { root: await rootItem(target), rest: extracted.collected });
      return { outcome: 'installed', path: target, receipt: header, entries: extracted.collected.count + 1 };
    } catch (err) {
      await discardFolder(req.dir, req.name, target);
      throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
