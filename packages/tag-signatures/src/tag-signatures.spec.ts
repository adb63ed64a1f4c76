import { join } from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { forgeTag, gpgTestKey, sshTestKey, testdir } from '@runway/test-utils';
import { createSignedTag } from './create-signed-tag';
import { signatureVerdict } from './signature-verdict';
import { readTrustedSigners, type TrustedSigners } from './trusted-signers';
import { verifyTagSignature, type TagSignatureResult } from './verify-tag-signature';

// Real git, gpg and ssh-keygen; every key is made here in temp folders and HOME is an empty
// folder, so nothing of the user's ~/.gnupg, ~/.ssh or git config takes part.
let home: string;
beforeEach(async () => {
  home = await testdir();
  vi.stubEnv('HOME', home);
  vi.stubEnv('GNUPGHOME', join(home, 'no-such-gnupg-home'));
  onTestFinished(() => { vi.unstubAllEnvs(); });
});

const gitEnv = () => ({ PATH: process.env.PATH, HOME: home, GIT_AUTHOR_NAME: 'Rel Ease', GIT_AUTHOR_EMAIL: 'rel@x.invalid', GIT_COMMITTER_NAME: 'Rel Ease', GIT_COMMITTER_EMAIL: 'rel@x.invalid' });

async function repo(files: Record<string, string> = { 'README.md': 'hi\n' }) {
  const dir = await testdir(files);
  const git = async (args: string[], input?: string) => String((await execa('git', args, { cwd: dir, env: gitEnv(), input })).stdout);
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'initial']);
  return { dir, git };
}

const gpgKey = (uid: string) => gpgTestKey(uid, gitEnv());
const sshKey = (comment: string) => sshTestKey(comment);
const tamper = (dir: string, tag: string, to: string) => forgeTag(dir, gitEnv(), tag, to);

const signers = (s: Partial<TrustedSigners>): TrustedSigners => ({ source: 'test', ...s });

describe('verifyTagSignature with GPG', () => {
  it('verifies a tag signed by a key from signers.asc, and refuses unsigned, tampered and unknown-signer tags', async () => {
    const alice = await gpgKey('Alice <alice@x.invalid>');
    // Same user id, other key: a matching name must not be enough.
    const mallory = await gpgKey('Alice <alice@x.invalid>');
    const { dir, git } = await repo();
    const head = await git(['rev-parse', 'HEAD']);
    await createSignedTag(dir, 'v1.0.0', 'Release v1.0.0', { format: 'gpg', key: alice.fingerprint, env: alice.env });
    await createSignedTag(dir, 'v1.0.1', 'Release v1.0.1', { format: 'gpg', key: mallory.fingerprint, env: mallory.env });
    await git(['tag', '--annotate', '-m', 'Release v1.0.2', 'v1.0.2']);
    await git(['tag', 'v1.0.3']);
    await tamper(dir, 'v1.0.0', 'v1.0.4');
    const trusted = signers({ gpgKeys: alice.publicKey, source: '.github/ at main' });

    const good = await verifyTagSignature(dir, 'v1.0.0', trusted);
    expect(good).toEqual({
      tag: 'v1.0.0', commit: head, status: 'verified', format: 'gpg', signer: 'Alice <alice@x.invalid>', key: alice.fingerprint,
      message: `v1.0.0 has a good GPG signature by Alice <alice@x.invalid> (${alice.fingerprint})`,
    });
    expect(await verifyTagSignature(dir, 'v1.0.1', trusted)).toMatchObject({
      status: 'unknown-signer', format: 'gpg', key: mallory.fingerprint,
      message: `v1.0.1 is signed by GPG key ${mallory.fingerprint}, which is not among the trusted signers in .github/signers.asc (.github/ at main)`,
    });
    expect(await verifyTagSignature(dir, 'v1.0.2', trusted)).toMatchObject({ status: 'unsigned', message: 'v1.0.2 is not signed' });
    expect(await verifyTagSignature(dir, 'v1.0.3', trusted)).toMatchObject({ status: 'unsigned', message: 'v1.0.3 is a lightweight tag: it carries no signature' });
    const tampered = await verifyTagSignature(dir, 'v1.0.4', trusted);
    expect(tampered).toMatchObject({ status: 'bad-signature', format: 'gpg' });
    expect(tampered.message).toContain('does not match the tag\'s content');
    for (const r of [tampered]) expect(r.fix).toContain('git tag -s v1.0.4');
  });

  it('treats a GPG-signed tag as unknown signer when the repository trusts no GPG key, and refuses a broken signers.asc', async () => {
    const alice = await gpgKey('Alice <alice@x.invalid>');
    const { dir } = await repo();
    await createSignedTag(dir, 'v2.0.0', 'Release v2.0.0', { format: 'gpg', key: alice.fingerprint, env: alice.env });
    expect(await verifyTagSignature(dir, 'v2.0.0', signers({}))).toMatchObject({ status: 'unknown-signer', key: alice.fingerprint });
    await expect(verifyTagSignature(dir, 'v2.0.0', signers({ gpgKeys: 'not a key\n' }))).rejects.toThrow('.github/signers.asc (test) holds no usable GPG public key');
  });
});

describe('verifyTagSignature with SSH', () => {
  it('verifies a tag signed by a key in allowed_signers, and refuses unsigned, tampered and unknown-signer tags', async () => {
    const alice = await sshKey('alice');
    const mallory = await sshKey('mallory');
    const { dir, git } = await repo();
    await createSignedTag(dir, 'v1.0.0', 'Release v1.0.0', { format: 'ssh', key: alice.key, env: gitEnv() });
    await createSignedTag(dir, 'v1.0.1', 'Release v1.0.1', { format: 'ssh', key: mallory.key, env: gitEnv() });
    await git(['tag', '--annotate', '-m', 'Release v1.0.2', 'v1.0.2']);
    await tamper(dir, 'v1.0.0', 'v1.0.4');
    const trusted = signers({ allowedSigners: `# release managers\nalice@x.invalid namespaces="git" ${alice.publicKey}\n` });

    expect(await verifyTagSignature(dir, 'v1.0.0', trusted)).toMatchObject({
      status: 'verified', format: 'ssh', signer: 'alice@x.invalid', key: alice.fingerprint,
      message: `v1.0.0 has a good SSH signature by alice@x.invalid (ED25519 ${alice.fingerprint})`,
    });
    const unknown = await verifyTagSignature(dir, 'v1.0.1', trusted);
    expect(unknown).toMatchObject({ status: 'unknown-signer', format: 'ssh', key: mallory.fingerprint });
    expect(unknown.fix).toContain('.github/allowed_signers');
    expect(await verifyTagSignature(dir, 'v1.0.2', trusted)).toMatchObject({ status: 'unsigned' });
    const tampered = await verifyTagSignature(dir, 'v1.0.4', trusted);
    expect(tampered).toMatchObject({ status: 'bad-signature', format: 'ssh' });
    expect(tampered.message).toContain('incorrect signature');
    // Without any allowed signer, even a good signature has no trusted signer.
    expect(await verifyTagSignature(dir, 'v1.0.0', signers({}))).toMatchObject({ status: 'unknown-signer', key: alice.fingerprint });
  });

  it('refuses a tag that does not exist', async () => {
    const { dir } = await repo();
    await expect(verifyTagSignature(dir, 'v9.9.9', signers({}))).rejects.toThrow('tag v9.9.9 does not exist');
  });
});

describe('readTrustedSigners', () => {
  it('reads .github/allowed_signers and .github/signers.asc from a commit, not the working tree', async () => {
    const { dir, git } = await repo({ '.github/allowed_signers': 'a@x.invalid ssh-ed25519 AAAA\n' });
    const head = await git(['rev-parse', 'HEAD']);
    expect(await readTrustedSigners(dir, head)).toEqual({ allowedSigners: 'a@x.invalid ssh-ed25519 AAAA\n', gpgKeys: undefined, source: `.github/ at ${head}` });
    await expect(readTrustedSigners(dir, 'no-such-rev')).rejects.toThrow('cannot read .github/allowed_signers at no-such-rev');
  });
});

describe('createSignedTag', () => {
  it('refuses an existing tag and explains a missing signing key', async () => {
    const alice = await sshKey('alice');
    const { dir } = await repo();
    await createSignedTag(dir, 'v1.0.0', 'Release v1.0.0', { format: 'ssh', key: alice.key, env: gitEnv() });
    await expect(createSignedTag(dir, 'v1.0.0', 'again', { format: 'ssh', key: alice.key, env: gitEnv() })).rejects.toThrow('tag v1.0.0 already exists');
    const noKey = createSignedTag(dir, 'v1.0.1', 'Release v1.0.1', { format: 'ssh', env: gitEnv() });
    await expect(noKey).rejects.toThrow(/signing the tag v1.0.1 failed/);
    await expect(noKey).rejects.toMatchObject({ hint: expect.stringContaining('git config user.signingkey') });
  });
});

describe('signatureVerdict', () => {
  const result = (status: TagSignatureResult['status']): TagSignatureResult => ({ tag: 'v1.0.0', commit: 'c', status, message: `it is ${status}`, fix: 'fix it' });
  it.each<[TagSignatureResult['status'], boolean, boolean, boolean]>([
    // status, required, ok, warning
    ['verified', true, true, false],
    ['verified', false, true, false],
    ['unsigned', true, false, false],
    ['unsigned', false, true, false],
    ['unknown-signer', true, false, false],
    ['unknown-signer', false, true, true],
    ['bad-signature', true, false, false],
    ['bad-signature', false, false, false],
  ])('%s, required %s → ok %s', (status, required, ok, warning) => {
    const verdict = signatureVerdict(result(status), required);
    expect(verdict.ok).toBe(ok);
    if (verdict.ok) expect(Boolean(verdict.warning)).toBe(warning);
    else expect(verdict.error).toMatchObject({ message: expect.stringContaining(`it is ${status}`), hint: 'fix it' });
  });
});
