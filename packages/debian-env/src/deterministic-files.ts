import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { DEFAULT_STORE_PASSWORD, normalizeJavaKeystore } from './java-keystore';

/**
 * Files that maintainer scripts write differently on every run even with `SOURCE_DATE_EPOCH`,
 * each with how it is made deterministic. Found by building the same lock twice and comparing the
 * unpacked trees (`diff -r`): the list grows only with evidence.
 */
const FIXES: ReadonlyArray<{ path: string; why: string; fix: (root: string, file: string, epoch: number) => Promise<void> }> = [
  {
    // ca-certificates-java runs Java to build the JKS trust store; Java stamps each entry with the wall clock.
    path: 'etc/ssl/certs/java/cacerts',
    why: 'entry creation times of the Java trust store',
    fix: async (root, file, epoch) => {
      const password = await storePassword(root);
      try {
        await writeFile(file, normalizeJavaKeystore(await readFile(file), epoch * 1000, password));
      } catch (err) {
        throw new UserError(`cannot make ${file} reproducible: ${(err as Error).message}`, {
          hint: 'the Java trust store is not a JKS file with the default password; report this with the runtime\'s lock', cause: err,
        });
      }
    },
  },
];

/**
 * Makes the known non-deterministic files of an unpacked root filesystem deterministic for
 * `sourceDateEpoch` (whole seconds). Returns the paths it changed, relative to `root`.
 */
export async function makeFilesDeterministic(root: string, sourceDateEpoch: number): Promise<string[]> {
  const fixed: string[] = [];
  for (const { path, fix } of FIXES) {
    const file = join(root, path);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    await fix(root, file, sourceDateEpoch);
    fixed.push(path);
  }
  return fixed;
}

/** The trust store password: `storepass=` in /etc/default/cacerts when set there, else Debian's default. */
async function storePassword(root: string): Promise<string> {
  const config = await readFile(join(root, 'etc/default/cacerts'), 'utf8').catch(() => '');
  const line = config.split('\n').find((l) => /^storepass=/.test(l.trim()));
  const value = line?.trim().slice('storepass='.length).replace(/^(['"])(.*)\1$/, '$2');
  return value || DEFAULT_STORE_PASSWORD;
}
