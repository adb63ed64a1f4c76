import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '@runway/errors';
import { runGit } from '@runway/git';
import { ALLOWED_SIGNERS_PATH, GPG_SIGNERS_PATH, type TrustedSigners } from './trusted-signers';

export type TagSignatureStatus = 'verified' | 'unsigned' | 'bad-signature' | 'unknown-signer';

/** The outcome of checking one tag against the trusted signers. */
export interface TagSignatureResult {
  tag: string;
  status: TagSignatureStatus;
  /** The kind of signature found, when there is one. */
  format?: 'ssh' | 'gpg';
  /** Who signed: the SSH principal from allowed_signers, or the GPG user id (only when verified). */
  signer?: string;
  /** The signing key: `SHA256:…` for SSH, the primary key fingerprint (or key id) for GPG, when known. */
  key?: string;
  /** The commit the tag points at (what a verified signature vouches for). */
  commit: string;
  /** What was found, one line. */
  message: string;
  /** How to fix it (absent when verified). */
  fix?: string;
}

const SIGNATURE_MARKERS: Array<[string, 'ssh' | 'gpg' | 'x509']> = [
  ['-----BEGIN SSH SIGNATURE-----', 'ssh'],
  ['-----BEGIN PGP SIGNATURE-----', 'gpg'],
  ['-----BEGIN SIGNED MESSAGE-----', 'x509'],
];

/** Text from a tag or a key file is data: no control characters reach a terminal. */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/**
 * Checks that `tag` is signed and that the signature verifies against `signers`, with real git:
 * SSH signatures through `gpg.ssh.allowedSignersFile` (a temporary copy of allowed_signers), GPG
 * signatures in a temporary `GNUPGHOME` holding only the keys of signers.asc (never the user's
 * keyring), reading git's `--raw` status lines: verified means GOODSIG and VALIDSIG by a primary
 * key imported from that file, not just "some good signature". Never throws for a bad tag: every
 * outcome (verified, unsigned, bad signature, unknown signer) is a result with a fix.
 * @throws UserError when the tag does not exist, or gpg / ssh-keygen is missing or refuses the key file.
 */
export async function verifyTagSignature(root: string, tag: string, signers: TrustedSigners): Promise<TagSignatureResult> {
  const ref = `refs/tags/${tag}`;
  const type = await runGit(root, ['cat-file', '-t', ref]).catch((cause) => {
    throw new UserError(`tag ${tag} does not exist in ${root}`, { hint: 'fetch it first (git fetch --tags), or check the tag name', cause });
  });
  const commit = await runGit(root, ['rev-parse', `${ref}^{commit}`]);
  const base = { tag, commit };
  const signCommand = `git tag -s ${tag} -m "Release ${tag}" ${commit.slice(0, 12)}`;
  if (type !== 'tag') {
    return { ...base, status: 'unsigned', message: `${tag} is a lightweight tag: it carries no signature`, fix: `replace it with a signed annotated tag: git tag -d ${tag} && ${signCommand}` };
  }
  const body = await runGit(root, ['cat-file', 'tag', ref]);
  const format = SIGNATURE_MARKERS.find(([marker]) => body.split('\n').includes(marker))?.[1];
  if (!format) {
    return { ...base, status: 'unsigned', message: `${tag} is not signed`, fix: `delete it (git tag -d ${tag}; and on the remote if pushed) and create it signed: ${signCommand}` };
  }
  if (format === 'x509') {
    return { ...base, status: 'unknown-signer', message: `${tag} carries an X.509 (gpgsm) signature; trusted signers are SSH keys and GPG keys only`, fix: `sign it with an SSH key listed in ${ALLOWED_SIGNERS_PATH} or a GPG key in ${GPG_SIGNERS_PATH}` };
  }

  const work = await mkdtemp(join(tmpdir(), 'runway-verify-tag-'));
  const gnupgHome = join(work, 'gnupg');
  try {
    await mkdir(gnupgHome, { mode: 0o700 });
    const allowedSignersFile = join(work, 'allowed_signers');
    await writeFile(allowedSignersFile, signers.allowedSigners ?? '', { mode: 0o600 });
    const env = { ...process.env, GNUPGHOME: gnupgHome };
    const trusted = format === 'gpg' ? await importGpgKeys(gnupgHome, signers, env) : [];
    const verify = await execa('git', [
      // Pin the programs and the signer list: the repository's or user's config must not swap them.
      '-c', 'gpg.program=gpg', '-c', 'gpg.openpgp.program=gpg', '-c', 'gpg.ssh.program=ssh-keygen',
      '-c', `gpg.ssh.allowedSignersFile=${allowedSignersFile}`,
      'verify-tag', '--raw', ref,
    ], { cwd: root, env, reject: false });
    const output = `${verify.stdout}\n${verify.stderr}`;
    if (/cannot run (gpg|ssh-keygen)|ssh-keygen: not found|gpg: not found/.test(output)) {
      const tool = format === 'ssh' ? 'ssh-keygen (package openssh-client)' : 'gpg (package gnupg)';
      throw new UserError(`cannot verify ${tag}: ${tool} is not installed`, { hint: `install ${tool} and run this again` });
    }
    return format === 'gpg'
      ? gpgResult(base, output, trusted, signers)
      : sshResult(base, output, verify.exitCode === 0, signers);
  } finally {
    // gpg may have started an agent for the temporary home; stop it before removing its sockets.
    await execa('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupgHome }, reject: false }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** Imports signers.asc into the temporary home; returns the primary key fingerprints it holds. */
async function importGpgKeys(gnupgHome: string, signers: TrustedSigners, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!signers.gpgKeys?.trim()) return [];
  const imported = await execa('gpg', ['--batch', '--no-tty', '--no-autostart', '--import'], { input: signers.gpgKeys, env, reject: false }).catch((cause) => {
    throw new UserError('cannot verify GPG signatures: gpg (package gnupg) is not installed', { hint: 'install gnupg and run this again', cause });
  });
  if (imported.exitCode !== 0) {
    throw new UserError(`${GPG_SIGNERS_PATH} (${signers.source}) holds no usable GPG public key: ${printable(imported.stderr.split('\n')[0] ?? '')}`, {
      hint: `export the signers' public keys with "gpg --armor --export <key id> >> ${GPG_SIGNERS_PATH}" and commit the file`,
    });
  }
  const listing = await execa('gpg', ['--batch', '--no-tty', '--with-colons', '--list-keys'], { env });
  // A primary key record (`pub`) is followed by its `fpr` record; subkeys (`sub`) have their own.
  const fingerprints: string[] = [];
  let inPrimary = false;
  for (const line of listing.stdout.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === 'pub' || fields[0] === 'sub') inPrimary = fields[0] === 'pub';
    else if (fields[0] === 'fpr' && inPrimary) { fingerprints.push(fields[9]); inPrimary = false; }
  }
  return fingerprints;
}

type Base = { tag: string; commit: string };

/** Reads git's `--raw` GnuPG status lines (`[GNUPG:] GOODSIG …`). */
function gpgResult(base: Base, output: string, trusted: string[], signers: TrustedSigners): TagSignatureResult {
  const status = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^\[GNUPG:\] (\S+)(?: (.*))?$/.exec(line.trim());
    if (m && !status.has(m[1])) status.set(m[1], (m[2] ?? '').split(' '));
  }
  const add = `add the signer's public key to ${GPG_SIGNERS_PATH} (gpg --armor --export <key id>) through a reviewed change, or sign with a listed key`;
  if (status.has('BADSIG')) {
    return { ...base, status: 'bad-signature', format: 'gpg', key: status.get('BADSIG')?.[0], message: `the GPG signature of ${base.tag} does not match the tag's content: the tag was altered after signing or the signature is corrupt`, fix: `do not release it; delete the tag and create it again signed (git tag -s ${base.tag})` };
  }
  const revoked = ['REVKEYSIG', 'EXPKEYSIG', 'EXPSIG'].find((s) => status.has(s));
  if (revoked) {
    const why = { REVKEYSIG: 'a revoked key', EXPKEYSIG: 'an expired key', EXPSIG: 'a signature that has expired' }[revoked];
    return { ...base, status: 'unknown-signer', format: 'gpg', key: status.get(revoked)?.[0], message: `${base.tag} is signed with ${why}`, fix: `sign the tag again with a current key listed in ${GPG_SIGNERS_PATH}` };
  }
  const errsig = status.get('ERRSIG');
  if (errsig) {
    // ERRSIG <keyid> <pkalgo> <hashalgo> <sig_class> <time> <rc> [<fpr>]; rc 9 = no public key.
    if (errsig[5] === '9') {
      return { ...base, status: 'unknown-signer', format: 'gpg', key: errsig[6] || errsig[0], message: `${base.tag} is signed by GPG key ${errsig[6] || errsig[0]}, which is not among the trusted signers in ${GPG_SIGNERS_PATH} (${signers.source})`, fix: add };
    }
    return { ...base, status: 'bad-signature', format: 'gpg', key: errsig[0], message: `the GPG signature of ${base.tag} cannot be checked (gpg error code ${errsig[5]})`, fix: `create the tag again, signed with a supported key (git tag -s ${base.tag})` };
  }
  const good = status.get('GOODSIG');
  const valid = status.get('VALIDSIG');
  // VALIDSIG <fpr> <date> <time> <expire> <version> <reserved> <pkalgo> <hashalgo> <class> <primary-fpr>
  const primary = valid?.[9] ?? valid?.[0];
  if (good && primary && trusted.includes(primary)) {
    return { ...base, status: 'verified', format: 'gpg', signer: printable(good.slice(1).join(' ')), key: primary, message: `${base.tag} has a good GPG signature by ${printable(good.slice(1).join(' '))} (${primary})` };
  }
  if (good) {
    return { ...base, status: 'unknown-signer', format: 'gpg', key: primary, message: `${base.tag} has a good GPG signature by a key that is not in ${GPG_SIGNERS_PATH}`, fix: add };
  }
  return { ...base, status: 'bad-signature', format: 'gpg', message: `the GPG signature of ${base.tag} did not verify: ${printable(output.trim().split('\n').pop() ?? '')}`, fix: `create the tag again, signed (git tag -s ${base.tag})` };
}

/** Reads git's SSH verification messages (ssh-keygen -Y verify through git). */
function sshResult(base: Base, output: string, ok: boolean, signers: TrustedSigners): TagSignatureResult {
  const good = /Good "git" signature for (.+?) with (\S+) key (\S+)/.exec(output);
  if (ok && good) {
    return { ...base, status: 'verified', format: 'ssh', signer: printable(good[1]), key: good[3], message: `${base.tag} has a good SSH signature by ${printable(good[1])} (${good[2]} ${good[3]})` };
  }
  // A valid signature by a key that no principal in allowed_signers owns.
  const anonymous = /Good "git" signature with (\S+) key (\S+)/.exec(output);
  const broken = /incorrect signature|verification failed|Could not verify signature/i.test(output);
  if (anonymous || (!broken && /No principal matched/.test(output))) {
    return {
      ...base, status: 'unknown-signer', format: 'ssh', key: anonymous?.[2],
      message: `${base.tag} is signed by SSH key ${anonymous?.[2] ?? '(unknown)'}, which is not among the trusted signers in ${ALLOWED_SIGNERS_PATH} (${signers.source})`,
      fix: `add "<email> namespaces=\\"git\\" <public key>" for the signer to ${ALLOWED_SIGNERS_PATH} through a reviewed change, or sign with a listed key`,
    };
  }
  return {
    ...base, status: 'bad-signature', format: 'ssh',
    message: `the SSH signature of ${base.tag} does not verify: ${printable(output.trim().split('\n').filter(Boolean).pop() ?? 'no reason given')}`,
    fix: `do not release it; delete the tag and create it again signed (git tag -s ${base.tag})`,
  };
}
