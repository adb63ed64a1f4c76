import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { testdir } from '@runway/test-utils';
import { formatPrivateKey, signingKeyFromKeyObject, type SigningKey } from '../private-key';
import { allowedSignersLine } from '../public-key';

/** A fresh Ed25519 key made in the test. */
export function newKey(comment = 'test key'): SigningKey {
  return signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, comment);
}

/**
 * Runs a real standard tool (ssh-keygen, sha256sum) with an empty HOME and no agent, as on a fresh
 * machine, so nothing of the developer's setup takes part.
 */
export async function tool(command: string, args: string[], options: { cwd: string; input?: string | Uint8Array }) {
  const home = await testdir();
  return execa(command, args, {
    cwd: options.cwd, reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: home, LC_ALL: 'C' },
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: typeof options.input === 'string' ? options.input : Buffer.from(options.input) }),
  });
}

/**
 * `ssh-keygen -Y verify` of `signature` over `message` against an allowed_signers file trusting
 * `key` as principal `runway-release`.
 */
export async function sshKeygenVerify(input: { key: SigningKey; message: Uint8Array | string; signature: string; namespace: string }) {
  const dir = await testdir({ allowed_signers: allowedSignersLine('runway-release', input.key.publicKey), 'message.sig': input.signature });
  return tool('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', 'runway-release', '-n', input.namespace, '-s', 'message.sig'], { cwd: dir, input: input.message });
}

/** `ssh-keygen -Y sign` of `message` with `key` (written as an OpenSSH key file); returns the armored signature. */
export async function sshKeygenSign(input: { key: SigningKey; message: Uint8Array | string; namespace: string; hashalg?: string }): Promise<string> {
  const dir = await testdir({ message: Buffer.from(input.message) });
  await writeFile(join(dir, 'key'), formatPrivateKey(input.key), { mode: 0o600 });
  const r = await tool('ssh-keygen', ['-Y', 'sign', '-f', 'key', '-n', input.namespace, ...(input.hashalg ? ['-O', `hashalg=${input.hashalg}`] : []), 'message'], { cwd: dir });
  if (r.exitCode !== 0) throw new Error(`ssh-keygen -Y sign failed: ${r.stderr}`);
  return readFile(join(dir, 'message.sig'), 'utf8');
}

/** Asserts that a check refused with `reason` and a message matching `message`. */
export function expectRefusal(result: { ok: boolean; reason?: string; message?: string; hint?: string }, reason: string, message: RegExp): void {
  expect(result.ok).toBe(false);
  expect(result.reason).toBe(reason);
  expect(result.message).toMatch(message);
}
