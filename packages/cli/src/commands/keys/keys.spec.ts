import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir } from '@runway/test-utils';

async function runway(args: string[], cwd: string) {
  const home = await testdir();
  return execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), args, { cwd, reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: home, CI: 'true' } });
}

/** The lines of the private key file's base64 body: none may ever be printed. */
async function privateLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
}

describe('runway keys generate', () => {
  it('writes the key pair, prints the public half and how to trust it, never the private key', async () => {
    const dir = await testdir();
    const r = await runway(['keys', 'generate', '--out', 'release-key'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const pub = await readFile(join(dir, 'release-key.pub'), 'utf8');
    expect((await stat(join(dir, 'release-key'))).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`wrote the private key to ${join(dir, 'release-key')} (mode 0600)`);
    expect(r.stdout).toMatch(/wrote the public key to .*release-key\.pub \(SHA256:[A-Za-z0-9+/]{43}\)/);
    expect(r.stdout).toContain(`runway-release namespaces="file,runway-registry" ${pub.split(' ').slice(0, 2).join(' ')}`);
    for (const line of await privateLines(join(dir, 'release-key'))) expect(`${r.stdout}${r.stderr}`).not.toContain(line);
  });

  it('prints JSON for scripts', async () => {
    const dir = await testdir();
    const r = await runway(['keys', 'generate', '--out', 'k', '--comment', 'acme key', '--json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      privateKey: join(dir, 'k'), publicKey: join(dir, 'k.pub'), keyId: expect.stringMatching(/^SHA256:/),
      publicKeyLine: (await readFile(join(dir, 'k.pub'), 'utf8')).trimEnd(), allowedSigners: expect.stringMatching(/^runway-release namespaces="file,runway-registry" ssh-ed25519 AAAA/),
    });
    expect(out.publicKeyLine.endsWith(' acme key')).toBe(true);
  });

  it('refuses to overwrite a key, exits 1 without a stack trace and prints no key material', async () => {
    const dir = await testdir();
    expect((await runway(['keys', 'generate', '--out', 'k'], dir)).exitCode).toBe(0);
    const before = await readFile(join(dir, 'k'), 'utf8');
    const r = await runway(['keys', 'generate', '--out', 'k'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`error: ${join(dir, 'k')} already exists; refusing to overwrite a key`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(dir, 'k'), 'utf8')).toBe(before);
    for (const line of await privateLines(join(dir, 'k'))) expect(`${r.stdout}${r.stderr}`).not.toContain(line);
  });

  it('exits 2 without --out, and 1 with a folder that does not exist', async () => {
    const dir = await testdir();
    expect((await runway(['keys', 'generate'], dir)).exitCode).toBe(2);
    const r = await runway(['keys', 'generate', '--out', 'no/such/dir/k'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('a folder on the path does not exist');
  });

  it('is listed among the commands', async () => {
    const r = await runway(['--help'], await testdir());
    expect(r.stdout).toMatch(/keys\s+generate the Ed25519 key pair that signs releases/);
  });
});
