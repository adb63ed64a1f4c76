import { UserError } from '@runway/errors';
import { deleteLocalTag, runGit } from '@runway/git';
import type { TrustedSigners } from './trusted-signers';
import { verifyTagSignature } from './verify-tag-signature';

export interface SignedTagOptions {
  /** Commit to tag (default `HEAD`). */
  rev?: string;
  /** `ssh` or `gpg`; default: the user's `gpg.format` (git's default is GPG). */
  format?: 'ssh' | 'gpg';
  /** The signing key (`user.signingkey`): an SSH key file, or a GPG key id; default: the user's git config. */
  key?: string;
  /** Environment for git and the signing tool (e.g. `GNUPGHOME`, `SSH_AUTH_SOCK`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates the signed annotated tag `tag` on `rev` (`git tag -s`), with the user's signing setup
 * or the format and key given. Local only: pushing is the caller's step (`pushTag` of `@runway/git`),
 * after checking the new tag with `verifyTagSignature` against the repository's trusted signers.
 * @throws UserError when the tag exists or signing fails (no key configured, agent locked…).
 */
export async function createSignedTag(root: string, tag: string, message: string, options: SignedTagOptions = {}): Promise<void> {
  const config = [
    ...(options.format ? ['-c', `gpg.format=${options.format === 'gpg' ? 'openpgp' : 'ssh'}`] : []),
    ...(options.key ? ['-c', `user.signingkey=${options.key}`] : []),
  ];
  await runGit(root, [...config, 'tag', '--sign', '--message', message, tag, options.rev ?? 'HEAD'], { env: options.env }).catch((cause: { stderr?: string }) => {
    const stderr = cause.stderr ?? '';
    if (/already exists/.test(stderr)) {
      throw new UserError(`tag ${tag} already exists`, { hint: 'release versions are immutable: bump the version instead of re-tagging', cause });
    }
    const ssh = options.format === 'ssh' || /ssh/i.test(stderr);
    throw new UserError(`signing the tag ${tag} failed: ${stderr.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'git tag -s failed'}`, {
      hint: ssh
        ? 'configure an SSH signing key: git config gpg.format ssh && git config user.signingkey ~/.ssh/id_ed25519.pub (listed in .github/allowed_signers)'
        : 'configure a GPG signing key: git config user.signingkey <key id> (its public key in .github/signers.asc), and make sure gpg can ask for its passphrase',
      cause,
    });
  });
}

/**
 * Signs `tag` (createSignedTag), then checks the new tag against `signers` as the release will and
 * removes it again when it would be refused: nothing unusable is ever pushed.
 * @throws UserError when signing fails or the signature is not trusted (the local tag is gone then).
 */
export async function createTrustedSignedTag(root: string, tag: string, message: string, signers: TrustedSigners, options: SignedTagOptions = {}): Promise<void> {
  await createSignedTag(root, tag, message, options);
  const result = await verifyTagSignature(root, tag, signers);
  if (result.status === 'verified') return;
  await deleteLocalTag(root, tag);
  throw new UserError(`not pushing ${tag}: ${result.message} (signers: ${signers.source}); the local tag was removed again`, { hint: result.fix });
}
