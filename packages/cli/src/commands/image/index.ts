import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { openRegistryAccess } from '@runway/publisher-docker';
import { planRetag, splitImageRepository } from '@runway/release-policy';
import type { CliContext } from '../../context';

interface RetagOptions {
  to: string;
  published?: string;
  withdraw?: string;
  dryRun: boolean;
  json: boolean;
}

const list = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter(Boolean);

/** `runway image retag`: rollback of rolling tags through the registry API, without rebuilding. */
export function register(program: Command, ctx: CliContext): void {
  const image = program.command('image').description('manage published runenv images');
  image
    .command('retag')
    .description('point latest, X.Y and X (as the tag policy decides) at the digest of an already published version')
    .argument('<image>', 'repository, e.g. ghcr.io/acme/runenv-python or 127.0.0.1:5000/runway/runenv-python')
    .requiredOption('--to <version>', 'published version to roll back to, e.g. 1.2.0')
    .option('--published <list>', 'comma-separated published versions (default: the registry\'s tags)')
    .option('--withdraw <list>', 'versions that no longer count (default: every published version above --to)')
    .option('--dry-run', 'print the moves; change nothing', false)
    .option('--json', 'print the result as JSON', false)
    .action((repository: string, opts: RetagOptions) => retag(repository, opts, ctx));
}

async function retag(repository: string, opts: RetagOptions, ctx: CliContext): Promise<void> {
  if (/[:@][^/]*$/.test(repository.split('/').slice(1).join('/'))) {
    throw new UserError(`"${repository}" carries a tag or digest`, { hint: 'pass the repository only and the version with --to', exitCode: 2 });
  }
  const { host, path } = splitImageRepository(repository);
  const registry = (await openRegistryAccess(ctx.env)).client(host);

  // Plan first: a bad --to or --withdraw is refused before anything is read by that name.
  const plan = planRetag(opts.to, list(opts.published) ?? (await registry.listTags(path)), list(opts.withdraw));
  const source = await registry.getManifest(path, plan.version);
  if (!source) throw new UserError(`${repository}:${plan.version} does not exist`, { hint: 'retag only moves tags to a version that was published' });
  const moves = [];
  for (const tag of plan.tags) {
    const from = await registry.manifestDigest(path, tag);
    moves.push({ tag, from: from ?? null, to: source.digest, changed: from !== source.digest });
  }

  if (!opts.dryRun) {
    for (const move of moves.filter((m) => m.changed)) await registry.putManifest(path, move.tag, source);
  }
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ repository, version: plan.version, digest: source.digest, withdrawn: plan.withdrawn, dryRun: opts.dryRun, moves }, null, 2)}\n`);
    return;
  }
  const verb = opts.dryRun ? 'would move' : 'moved';
  ctx.logger.info(`${repository}:${plan.version} is ${source.digest}${plan.withdrawn.length ? ` (not counting withdrawn ${plan.withdrawn.join(', ')})` : ''}`);
  if (moves.length === 0) ctx.logger.info(`no rolling tag belongs to ${plan.version}: nothing to move`);
  for (const m of moves) {
    ctx.logger.info(m.changed ? `  ${verb} ${m.tag}: ${m.from ?? '(none)'} → ${m.to}` : `  ${m.tag}: already at ${m.to}`);
  }
}
