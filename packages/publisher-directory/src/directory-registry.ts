import { access, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { emptyRegistry, REGISTRY_FILE, registryForUpdate, type Registry } from '@runway/registry';
import { readRegistry } from '@runway/registry-file';
import { indexSignedBy, nextIndexFiles, TRUST_FILES, type SigningKey } from '@runway/trust';
import { withFileLock } from '@runway/file-lock';

interface Parsed {
  /** Identity of the file version parsed: device, inode, size, mtime and ctime in nanoseconds. */
  key: string;
  registry: Registry;
}

/**
 * Parsed registries by file path, shared by every release of this process. Parsing a registry of
 * hundreds of entries takes far longer than a release of a small runtime, and a bulk release reads
 * it before and after every entry it adds; keyed by the file's identity, it is parsed only when
 * someone else changed it. Writers replace the file by rename (a new inode and ctime), so a
 * rewrite never matches an old key.
 */
const parsed = new Map<string, Parsed>();

/** The identity of the file at `path`, or undefined when there is none. */
async function fileKey(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A registry folder below a file (ENOTDIR) or without permission: say where and what.
    throw mapFsError(err, `read ${path}`);
  }
}

/**
 * The registry of a directory target, or an empty one stamped `now` when there is none yet. The
 * result is deeply frozen (it is shared with later reads); derive new registries from it.
 * Refuses a registry with invalid entries: every caller may write it back, which would drop them.
 */
export async function readDirectoryRegistry(dir: string, now: Date): Promise<Registry> {
  const path = join(dir, REGISTRY_FILE);
  // The key is taken before reading: a file replaced meanwhile is kept under its older key and read again next time.
  const key = await fileKey(path);
  if (key === undefined) {
    parsed.delete(path);
    return emptyRegistry(now);
  }
  const cached = parsed.get(path);
  if (cached?.key === key) return cached.registry;
  const registry = deepFreeze(registryForUpdate(await readRegistry(path), path));
  parsed.set(path, { key, registry });
  return registry;
}

/** The signature file next to a directory registry's `registry.json`. */
const SIGNATURE_FILE = TRUST_FILES.indexSignature;

/** How the next index is signed: with `key`, or unsigned when there is none (see `nextIndexFiles`). */
export interface IndexSigning {
  key: SigningKey | undefined;
  now: Date;
}

/**
 * The one writer of a directory registry: under the registry's file lock, reads `registry.json`,
 * applies `edit`, and publishes the result signed (`nextIndexFiles`: serial + 1, a fresh expiry,
 * `registry.json.sig` over exactly the bytes written), so concurrent writers never lose each
 * other's changes and every write re-signs. `edit` returns `outcome: 'unchanged'` to write nothing;
 * with a key, an unchanged index whose signature is missing or does not match (a crash between the
 * two writes, or a registry never signed) is still re-signed.
 *
 * Order of the two writes, each atomic (temp file + rename): `registry.json.sig` first, then
 * `registry.json`. The rename of `registry.json` is the commit point: once a reader sees the new
 * index, its signature is already in place, and a crash in between leaves the previous index, whose
 * content did not change, with a signature that no longer matches, which the next write (or the
 * re-run of the release, which finds its entry missing) replaces. A reader that fetches the two
 * files in the instant between the renames gets the old index with the new signature; the client
 * refuses that pair and fetches both once more, getting a matching pair.
 */
export async function updateDirectoryRegistry<O extends string>(
  dir: string, edit: (current: Registry) => { registry: Registry; outcome: O | 'unchanged' }, signing: IndexSigning,
): Promise<O | 'unchanged' | 'resigned'> {
  await mkdir(dir, { recursive: true }).catch((err) => { throw mapFsError(err, `create the registry folder ${dir}`); });
  const path = join(dir, REGISTRY_FILE);
  const signaturePath = join(dir, SIGNATURE_FILE);
  return withFileLock(path, async () => {
    const current = await readDirectoryRegistry(dir, signing.now);
    const result = edit(current);
    let outcome: O | 'unchanged' | 'resigned' = result.outcome;
    if (outcome === 'unchanged') {
      if (!signing.key || !(await hasRegistryFile(path))) return outcome;
      const [bytes, signature] = await Promise.all([readFile(path), readOptional(signaturePath)]);
      if (indexSignedBy(bytes, signature, signing.key)) return outcome;
      outcome = 'resigned';
    }
    const files = nextIndexFiles({ next: result.registry, previous: current, key: signing.key, now: signing.now });
    if (files.signature !== undefined) await writeTextAtomically(signaturePath, files.signature);
    await writeTextAtomically(path, files.registry);
    // Still under the lock: the file is the one just written, so the next read need not parse it.
    const key = await fileKey(path);
    if (key !== undefined) parsed.set(path, { key, registry: deepFreeze({ ...result.registry, ...files.metadata }) });
    return outcome;
  });
}

/**
 * Refuses (UserError) when a file an entry points at is not in place: the registry never points at
 * a missing file. `files` are relative to `dir`; `subject` names the change ("add x@1.0.0").
 */
export async function requirePublishedFiles(dir: string, files: readonly string[], subject: string): Promise<void> {
  for (const file of files) {
    try {
      await access(join(dir, file));
    } catch {
      throw new UserError(`cannot ${subject} to ${join(dir, REGISTRY_FILE)}: ${file} is missing`, {
        hint: 'the registry never points at a missing file: publish the release files first (re-run the release)',
      });
    }
  }
}

async function hasRegistryFile(path: string): Promise<boolean> {
  return (await fileKey(path)) !== undefined;
}

/** A small text file's content, or undefined when there is none. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw mapFsError(err, `read ${path}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
