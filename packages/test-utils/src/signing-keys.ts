import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { testdir } from './testdir';

/** A GPG signing key made for one test, in its own `GNUPGHOME` (the signer's machine). */
export interface GpgTestKey {
  /** Environment for git/gpg calls that sign with the key (`GNUPGHOME` set). */
  env: NodeJS.ProcessEnv;
  fingerprint: string;
  /** ASCII-armored public key, as `.github/signers.asc` holds it. */
  publicKey: string;
}

/** Makes an Ed25519 GPG key for `uid` (no passphrase); its agent is stopped when the test ends. */
export async function gpgTestKey(uid: string, baseEnv: NodeJS.ProcessEnv = {}): Promise<GpgTestKey> {
  const gnupgHome = join(await testdir(), 'gnupg');
  await mkdir(gnupgHome, { mode: 0o700 });
  const env = { PATH: process.env.PATH, ...baseEnv, GNUPGHOME: gnupgHome };
  onTestFinished(async () => { await execa('gpgconf', ['--kill', 'all'], { env, reject: false }); });
  await execa('gpg', ['--batch', '--no-tty', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'], { env });
  const colons = (await execa('gpg', ['--batch', '--with-colons', '--list-keys'], { env })).stdout;
  const fingerprint = colons.split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9];
  const publicKey = (await execa('gpg', ['--batch', '--armor', '--export', fingerprint], { env })).stdout;
  return { env, fingerprint, publicKey };
}

/** An SSH signing key made for one test. */
export interface SshTestKey {
  /** Private key file (what `user.signingkey` names). */
  key: string;
  /** `ssh-ed25519 AAAA… comment`, as `.github/allowed_signers` lists it after the principal. */
  publicKey: string;
  /** `SHA256:…` */
  fingerprint: string;
}

/** Makes an Ed25519 SSH key pair (no passphrase) in a temporary folder. */
export async function sshTestKey(comment: string): Promise<SshTestKey> {
  const key = join(await testdir(), 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', key]);
  const publicKey = (await readFile(`${key}.pub`, 'utf8')).trim();
  const fingerprint = (await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`])).stdout.split(' ')[1];
  return { key, publicKey, fingerprint };
}

/**
 * Replaces `to` by a copy of the annotated tag `tag` whose message was altered but whose
 * signature was kept, as a tamperer would: its signature no longer matches.
 */
export async function forgeTag(cwd: string, env: NodeJS.ProcessEnv, tag: string, to: string): Promise<void> {
  const object = (await execa('git', ['cat-file', 'tag', tag], { cwd, env })).stdout.replace(/^(tag .*)$/m, `tag ${to}`).replace(/\n\n/, '\n\nAltered: ');
  const forged = (await execa('git', ['mktag'], { cwd, env, input: `${object}\n` })).stdout;
  await execa('git', ['update-ref', `refs/tags/${to}`, forged], { cwd, env });
}
