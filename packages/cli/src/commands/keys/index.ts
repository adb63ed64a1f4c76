import type { Command } from 'commander';
import { generateKeyFiles, SIGNING_KEY_ENV } from '@runway/signing';
import { allowedSignersLine, formatPublicKey, INDEX_NAMESPACE, SUMS_NAMESPACE } from '@runway/trust';
import type { CliContext } from '../../context';

interface GenerateOptions {
  out: string;
  comment?: string;
  json: boolean;
}

/** The principal the README's `ssh-keygen -Y verify` command names in `allowed_signers`. */
const PRINCIPAL = 'runway-release';

/** `runway keys`: the project's Ed25519 release key (SPEC §8 trust chain). */
export function register(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('manage the Ed25519 key that signs releases and the registry index');
  keys
    .command('generate')
    .description('write a new Ed25519 key pair: the private key to <file> (mode 0600), the public key to <file>.pub')
    .requiredOption('--out <file>', 'where to write the private key; refuses to overwrite an existing file')
    .option('--comment <text>', 'comment of the public key line', undefined)
    .option('--json', 'print the paths and the public key as JSON', false)
    .action(async (opts: GenerateOptions) => {
      const generated = await generateKeyFiles(opts.out, { comment: opts.comment });
      const publicKey = formatPublicKey(generated.publicKey).trimEnd();
      const allowedSigners = allowedSignersLine(PRINCIPAL, generated.publicKey, [SUMS_NAMESPACE, INDEX_NAMESPACE]).trimEnd();
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify({ privateKey: generated.privateKeyPath, publicKey: generated.publicKeyPath, keyId: generated.publicKey.keyId, publicKeyLine: publicKey, allowedSigners })}\n`);
        return;
      }
      ctx.logger.info(`wrote the private key to ${generated.privateKeyPath} (mode 0600): keep it secret; releases sign with it when ${SIGNING_KEY_ENV} holds it or its path`);
      ctx.logger.info(`wrote the public key to ${generated.publicKeyPath} (${generated.publicKey.keyId}): publish it; clients pin it with --key`);
      ctx.logger.info(`allowed_signers line for ssh-keygen -Y verify -I ${PRINCIPAL}:`);
      ctx.logger.info(allowedSigners);
    });
}
