import { UserError } from '@runway/errors';
import { readFileAt } from '@runway/git';

/** Where the repository keeps its trusted tag signers (SPEC §8). */
export const ALLOWED_SIGNERS_PATH = '.github/allowed_signers';
export const GPG_SIGNERS_PATH = '.github/signers.asc';

/** The project's trusted tag signers, as read from one commit. */
export interface TrustedSigners {
  /** `.github/allowed_signers` (git's allowed-signers format: `<principal> [options] <key-type> <key>`), if present. */
  allowedSigners?: string;
  /** `.github/signers.asc` (ASCII-armored GPG public keys), if present. */
  gpgKeys?: string;
  /** Where they were read, for messages (e.g. `.github/ at origin/main`). */
  source: string;
}

/**
 * Reads the trusted signers from commit `rev` (not from the working tree). Read them from a
 * commit the tag cannot choose, such as the tip of the protected default branch: signers taken
 * from the tagged commit itself would let whoever pushes a tag also name its signer.
 * @throws UserError when `rev` cannot be read.
 */
export async function readTrustedSigners(root: string, rev: string): Promise<TrustedSigners> {
  const read = (path: string) => readFileAt(root, rev, path).catch((cause) => {
    throw new UserError(`cannot read ${path} at ${rev}`, { hint: 'check that the commit exists in this clone (git fetch), or pass another revision', cause });
  });
  // One after the other: a bad `rev` is then always reported against the first file.
  const allowedSigners = await read(ALLOWED_SIGNERS_PATH);
  const gpgKeys = await read(GPG_SIGNERS_PATH);
  return { allowedSigners, gpgKeys, source: `.github/ at ${rev}` };
}
