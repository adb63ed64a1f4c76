import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, lstat, open, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { formatPrivateKey, formatPublicKey, signingKeyFromKeyObject, type PublicKey } from '@runway/trust';

/** The comment of a generated key's public line when none is given. */
export const DEFAULT_KEY_COMMENT = 'runway-release';

/** What `generateKeyFiles` wrote. */
export interface GeneratedKey {
  privateKeyPath: string;
  publicKeyPath: string;
  publicKey: PublicKey;
}

/**
 * Generates an Ed25519 key pair and writes the private key to `out` (OpenSSH format, mode 0600)
 * and the public key to `<out>.pub` (`ssh-ed25519 AAAA… <comment>`, mode 0644). Never overwrites:
 * refuses when either file exists, and each file appears complete or not at all (written to a
 * private temporary sibling, then hard-linked into place, which fails if the name was taken
 * meanwhile). The private key is never returned or printed.
 */
export async function generateKeyFiles(out: string, options: { comment?: string } = {}): Promise<GeneratedKey> {
  const privateKeyPath = resolve(out);
  const publicKeyPath = `${privateKeyPath}.pub`;
  const comment = options.comment ?? DEFAULT_KEY_COMMENT;
  if (/[\x00-\x1f\x7f]/.test(comment)) throw new UserError('the key comment contains a control character', { hint: 'use a short single-line comment, e.g. --comment "acme runtimes release key"', exitCode: 2 });
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (await exists(path)) throw new UserError(`${path} already exists; refusing to overwrite a key`, { hint: 'choose another --out, or move the old key away first (releases signed with it need its public key to verify)' });
  }
  const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, comment);
  await createExclusively(privateKeyPath, formatPrivateKey(key), 0o600);
  try {
    await createExclusively(publicKeyPath, formatPublicKey(key.publicKey), 0o644);
  } catch (err) {
    // The pair is useless without its public half; the private file is ours (just created).
    await rm(privateKeyPath, { force: true });
    throw err;
  }
  return { privateKeyPath, publicKeyPath, publicKey: key.publicKey };
}

/** Writes `content` to a new file at `path` with `mode`; fails with a clear error if `path` exists. */
async function createExclusively(path: string, content: string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', mode);
    try {
      // The mode given to open() is reduced by the umask; the key file must be 0600 whatever it is.
      await file.chmod(mode);
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await link(temp, path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      throw new UserError(`${path} already exists; refusing to overwrite a key`, { hint: 'choose another --out' });
    });
  } catch (err) {
    throw mapFsError(err, `write ${path}`);
  } finally {
    await rm(temp, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw mapFsError(err, `check ${path}`);
  }
}
