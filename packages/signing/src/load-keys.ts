import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '@runway/errors';
import { KEY_TYPE, parsePrivateKey, parsePublicKeys, type PublicKey, type SigningKey } from '@runway/trust';

/** The environment variable releases sign with: the private key text, or the path of its file. */
export const SIGNING_KEY_ENV = 'RUNWAY_SIGNING_KEY';

/** Key files are tiny; reading stops here so a wrong path (a device, a huge file) costs nothing. */
const MAX_KEY_FILE = 64 * 1024;

/**
 * The signing key configured in `env[RUNWAY_SIGNING_KEY]`, or undefined when it is unset or empty
 * (releases then publish without signatures and say so). The value is the private key itself
 * (`-----BEGIN OPENSSH PRIVATE KEY-----` …, as a CI secret holds it) or the path of the key file,
 * relative to `cwd`. Errors never contain the value: a mangled key text must not end up in a log
 * because it was taken for a path.
 */
export async function loadSigningKey(env: NodeJS.ProcessEnv, cwd: string): Promise<SigningKey | undefined> {
  const value = env[SIGNING_KEY_ENV];
  if (value === undefined || value.trim() === '') return undefined;
  if (looksLikeKeyText(value)) return parsePrivateKey(value, SIGNING_KEY_ENV);
  const text = await readBounded(resolve(cwd, value.trim())).catch((err: unknown) => {
    if (!(err instanceof KeyFileError)) throw err;
    throw new UserError(`${SIGNING_KEY_ENV} holds neither an OpenSSH private key nor the path of a readable key file (${err.message})`, {
      hint: `set ${SIGNING_KEY_ENV} to the whole private key (from -----BEGIN OPENSSH PRIVATE KEY----- to -----END …) or to the path of the file written by \`runway keys generate\``,
    });
  });
  return parsePrivateKey(text, `the key file named by ${SIGNING_KEY_ENV}`);
}

/** Reads the private key file at `path` (e.g. a `--key-file` option). */
export async function readSigningKey(path: string): Promise<SigningKey> {
  const absolute = resolve(path);
  return parsePrivateKey(await readKeyFile(absolute, 'the private key'), absolute);
}

/**
 * The public keys to pin, from `values` as a `--key` option or a registry's `keys:` list gives
 * them: each value is an `ssh-ed25519 AAAA…` line itself, or the path (relative to `cwd`) of a
 * file of such lines. Several values (or several lines) pin several keys, as key rotation needs.
 * Keys listed twice count once.
 */
export async function readPinnedKeys(values: readonly string[], cwd: string): Promise<PublicKey[]> {
  const keys = new Map<string, PublicKey>();
  for (const value of values) {
    // Key text is never taken for a path: a path is printed in errors, and the text might be a private key.
    const inline = value.trimStart().startsWith(`${KEY_TYPE} `) || looksLikeKeyText(value);
    const source = inline ? 'the key given inline' : resolve(cwd, value);
    const text = inline ? value : await readKeyFile(source, 'the public key');
    for (const key of parsePublicKeys(text, source)) keys.set(key.keyId, key);
  }
  return [...keys.values()];
}

/** A value that is key text rather than a path: it has an armor line, or spans several lines. */
function looksLikeKeyText(value: string): boolean {
  return value.includes('-----BEGIN') || value.includes('PRIVATE KEY') || /[\r\n]/.test(value.trim()) || value.includes('\\n');
}

/** Why a key file could not be read, in words that never include its path or content. */
class KeyFileError extends Error {}

const ERRNO_WORDS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', ENOTDIR: 'a part of the path is not a folder', ELOOP: 'too many symbolic links' };

/** Reads at most `MAX_KEY_FILE` bytes of the regular file at `path` as UTF-8, or throws `KeyFileError`. */
async function readBounded(path: string): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
    if (!(await file.stat()).isFile()) throw new KeyFileError('not a regular file');
    const buffer = Buffer.alloc(MAX_KEY_FILE + 1);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_KEY_FILE) throw new KeyFileError(`over ${MAX_KEY_FILE} bytes, too large for a key`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new KeyFileError(ERRNO_WORDS[code] ?? `error ${code}`);
    throw err;
  } finally {
    await file?.close();
  }
}

/** Reads the key file at `path`, named in the error since it is not a secret. */
async function readKeyFile(path: string, what: string): Promise<string> {
  return readBounded(path).catch((err: unknown) => {
    if (!(err instanceof KeyFileError)) throw err;
    throw new UserError(`cannot read ${what} ${path}: ${err.message}`, { hint: `give the path of ${what} file` });
  });
}
