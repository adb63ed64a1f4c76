import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { createLocalTag, hasRemote, localTagCommit, remoteRefsContaining } from '@runway/git';
import { hasReleaseFolder, listStoredFiles, publishFiles, readDirectoryRegistry, releasePath, requirePublishedFiles, updateDirectoryRegistry } from '@runway/publisher-directory';
import { addEntry, REGISTRY_FILE } from '@runway/registry';
import { projectReleaseTag } from '@runway/release-policy';
import { resolveDownloadUrl } from '@runway/safe-archive';
import { sameAsset } from '../plan-release';
import { releaseSigningLoader, requireKeyIfConfigured, type ReleaseSigning } from './release-signing';
import type { TargetAdapter, TargetState } from './target-adapter';

/** The file next to a directory release's assets that records the commit they were built from. */
export const RELEASE_RECORD = 'release.json';
/** The release notes of a directory release, next to its assets (what a GitHub release's body is). */
export const RELEASE_NOTES = 'NOTES.md';
const REMOTE = 'origin';

export interface DirectoryTargetOptions {
  /** The registry directory. */
  dir: string;
  /** Absolute base URL for `download_url`; relative URLs without it. */
  baseUrl?: string;
  /** The git checkout released from: the tag is created there. */
  workspaceRoot: string;
  now: () => Date;
  /** The key and policy every registry write signs with; default: no key, the workspace's policy. */
  signing?: () => Promise<ReleaseSigning>;
}

/**
 * The static directory registry: `<dir>/registry.json` plus `<dir>/releases/download/<tag>/<file>`.
 * `download_url` is `<baseUrl>/releases/download/<tag>/<file>`, or relative without a base URL.
 *
 * How a directory release is tied to its commit (a directory has no tags of its own): the commit
 * must be on the remote when the clone has an `origin` (checked offline against the
 * remote-tracking refs: "push it first" otherwise; with no remote at all, a one-line notice), the
 * clone gets a local tag `<name>@<version>` at it, and `release.json` in the tag's folder records
 * it for whoever hosts the folder.
 */
export function directoryTarget(options: DirectoryTargetOptions): TargetAdapter {
  const { dir, baseUrl, workspaceRoot, now } = options;
  const signing = options.signing ?? releaseSigningLoader({}, workspaceRoot);
  const registryPath = join(dir, REGISTRY_FILE);
  const adapter: TargetAdapter = {
    kind: 'directory',
    async inspect(tag, assetNames): Promise<TargetState> {
      const [registry, assets] = await Promise.all([readDirectoryRegistry(dir, now()), listStoredFiles(dir, tag, assetNames)]);
      const published = assets.length > 0 || (await hasReleaseFolder(dir, tag));
      return { registry, registryLocation: registryPath, published, assets };
    },
    async checkSource(tag, source, logger) {
      const tagged = await localTagCommit(workspaceRoot, tag);
      if (tagged !== undefined && tagged !== source.commit) throw tagElsewhere(tag, tagged, source.commit, 'in this clone');
      const remote = await remoteState(workspaceRoot, source.pushed);
      if (remote === 'no-remote') {
        logger.info(`no "${REMOTE}" remote: ${tag} is tied to commit ${source.commit.slice(0, 12)} by a local tag only`);
        return;
      }
      if (remote === 'not-pushed') {
        throw new UserError(`commit ${source.pushed.slice(0, 12)} is not on ${REMOTE} (no remote-tracking branch contains it), so ${tag} would be tied to a commit nobody else has`, {
          hint: `push it first (git push ${REMOTE} HEAD), then release again; if it is pushed already, run "git fetch ${REMOTE}" so this clone knows`,
        });
      }
    },
    downloadUrl: (tag, fileName) => (baseUrl ? `${baseUrl}/${releasePath(tag, fileName)}` : releasePath(tag, fileName)),
    describeActions({ tag, source, section, name, version, assets, state }) {
      const folder = join(dir, releasePath(tag));
      const actions = state.published ? [] : [`tag ${source.commit.slice(0, 12)} as ${tag} in this clone`];
      if (!state.published) actions.push(`write ${assets.map((a) => a.name).join(', ')} and ${RELEASE_RECORD} into a staging folder, rename it to ${folder}`);
      else {
        for (const asset of assets) {
          const held = state.assets.find((a) => a.name === asset.name);
          actions.push(held && sameAsset(held, asset) ? `keep ${join(folder, asset.name)} (identical)` : `write ${join(folder, asset.name)} (${asset.size} bytes)`);
        }
      }
      if (!state.registry[section]?.[name]?.[version]) actions.push(`verify the files, then add ${name} ${version} to ${section} in ${registryPath} (and re-sign it: registry.json.sig first, then registry.json, under its lock)`);
      return actions;
    },
    async tagCommit(tag, source, logger) {
      const made = await createLocalTag(workspaceRoot, tag, source.commit);
      if (made === 'created') {
        logger.info(`tagged ${source.commit.slice(0, 12)} as ${tag}`);
        return 'created';
      }
      if (made.existing !== source.commit) throw tagElsewhere(tag, made.existing, source.commit, 'in this clone');
      return 'unchanged';
    },
    async publishAssets(tag, source, assets, logger) {
      const record = `${JSON.stringify({ version: 1, kind: 'runway-release', tag, commit: source.commit }, null, 2)}\n`;
      const outcome = await publishFiles(dir, tag, assets, { record: { name: RELEASE_RECORD, content: record } });
      const folder = join(dir, releasePath(tag));
      if (outcome === 'published') logger.info(`published ${folder} (${assets.map((a) => a.name).join(', ')}, ${RELEASE_RECORD})`);
      else if (outcome === 'completed') logger.info(`added the missing files to ${folder}`);
      else logger.info(`${folder} already holds these files`);
      return outcome === 'replaced' ? 'published' : outcome;
    },
    async updateRegistry(section, name, entry, logger) {
      const tag = projectReleaseTag(name, entry.version);
      // Every file the entry points at must be in place before the entry is written.
      const files = [entry.download_url, entry.sbom_url].filter((url) => url !== undefined).map((url) => releasePath(tag, url.split('/').pop()!));
      await requirePublishedFiles(dir, files, `add ${tag}`);
      const outcome = await adapter.editRegistry({ describe: `add ${tag}`, apply: (current) => addEntry(current, name, entry, now(), section) }, logger);
      if (outcome === 'added') logger.info(`added ${tag} to ${registryPath}`);
      return outcome;
    },
    async editRegistry(edit, logger) {
      const key = requireKeyIfConfigured(await signing(), `${registryPath}`);
      const outcome = await updateDirectoryRegistry(dir, (current) => edit.apply(current), { key, now: now() });
      if (outcome !== 'unchanged') logger.info(`wrote ${registryPath} to ${edit.describe}, ${key ? `signed (registry.json.sig, key ${key.publicKey.keyId})` : 'unsigned (no signing key)'}`);
      return outcome;
    },
    signing,
    async readRegistry() {
      const registry = await readDirectoryRegistry(dir, now());
      const exists = await access(registryPath).then(() => true, () => false);
      return { registry, location: registryPath, exists };
    },
    // A signed index carries `serial` (`nextIndexFiles` refuses to write one unsigned).
    isIndexSigned: async () => (await readDirectoryRegistry(dir, now())).serial !== undefined,
    // Relative URLs are relative to the registry file, as a web server hosting `dir` would serve them.
    resolveDownload: (url) => resolveDownloadUrl(url, pathToFileURL(registryPath).href, registryPath),
    readReleaseFile: (tag, fileName) => readOptional(join(dir, releasePath(tag, fileName))),
    async readNotes(tag) {
      if (!(await hasReleaseFolder(dir, tag))) return undefined;
      return (await readOptional(join(dir, releasePath(tag, RELEASE_NOTES))))?.toString('utf8') ?? '';
    },
    async writeNotes(tag, body, logger) {
      const path = join(dir, releasePath(tag, RELEASE_NOTES));
      await writeTextAtomically(path, body);
      logger.info(`wrote the release notes ${path}`);
    },
  };
  return adapter;
}

/** The bytes of `path`, or undefined when it does not exist. */
function readOptional(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw mapFsError(err, `read ${path}`);
  });
}

/** Answers of `remoteState` per clone and commit: a bulk release asks once, not per project. */
const remoteStates = new Map<string, Promise<'no-remote' | 'pushed' | 'not-pushed'>>();

/** Whether the clone has an `origin` and, offline, whether a remote-tracking branch contains `commit`. */
function remoteState(workspaceRoot: string, commit: string): Promise<'no-remote' | 'pushed' | 'not-pushed'> {
  const key = `${workspaceRoot}\0${commit}`;
  let state = remoteStates.get(key);
  if (!state) {
    state = (async () => {
      if (!(await hasRemote(workspaceRoot, REMOTE))) return 'no-remote';
      return (await remoteRefsContaining(workspaceRoot, REMOTE, commit)).length > 0 ? 'pushed' : 'not-pushed';
    })();
    remoteStates.set(key, state);
    // Only the answers that cannot change during a run are kept: the user may push meanwhile.
    state.then((s) => { if (s === 'not-pushed') remoteStates.delete(key); }, () => remoteStates.delete(key));
  }
  return state;
}

/** The tag exists at another commit: the release would not be the commit it names. */
export function tagElsewhere(tag: string, tagged: string, commit: string, where: string): UserError {
  return new UserError(`tag ${tag} already exists ${where} at commit ${tagged.slice(0, 12)}, but this release is built from ${commit.slice(0, 12)}`, {
    hint: `a release tag names the commit it was built from: release from ${tagged.slice(0, 12)} (git checkout ${tag}), or bump the version for the new commit`,
  });
}
