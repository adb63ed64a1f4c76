import type { Command } from 'commander';
import { escapeText, redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { isDeprecated } from '@runway/registry';
import { clientPaths, installFromRegistry, parseRuntimeSpec } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import {
  escapedErrors, escapingLogger, loadRegistries, parseSeconds, parseSize, progressMeter, rememberVerifiedIndexes, setupEnv, withRegistryFlags, writeJson, type RegistryFlags,
} from './shared';

interface InstallFlags extends RegistryFlags {
  dir?: string;
  setup: boolean;
  source: boolean;
  platform?: string;
  maxSize?: string;
  downloadTimeout?: string;
  json: boolean;
}

/**
 * `runway runtime install <name>[@<version>]`: the platform's prebuilt environment when the
 * version has one (unpacked, nothing executed), else the source package (optionally set up with
 * `--setup`); downloaded, verified and unpacked atomically.
 */
export function registerInstall(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('install'))
    .description('download, verify and unpack a runtime into <dir>/<name>-<version>/: the prebuilt environment for this platform when there is one, else the source package')
    .argument('<runtime>', 'name or name@version; without a version the latest stable one this machine can install')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .option('--source', 'install the source package even when a prebuilt environment exists for this platform', false)
    .option('--setup', 'for a source package: run setup-<os>-<arch>.sh (else setup.sh) after unpacking; failure undoes the install', false)
    .option('--platform <os-arch>', 'platform to resolve and set up for (default: this machine, e.g. debian-amd64); names one the runtime supports to install it on another machine')
    .option('--max-size <bytes>', 'refuse packages whose download or unpacked content is larger than this (default 4G)')
    .option('--download-timeout <seconds>', 'give up a download after this long, retries included (default: 60, plus 1 per 32 KiB of the package, at most 3600)')
    .option('--json', 'print the result as JSON', false)
    .action(escapedErrors(async (spec: string, opts: InstallFlags) => {
      const { name, version } = parseRuntimeSpec(spec);
      const registries = await loadRegistries(ctx, opts);
      // With --json, stdout carries only the JSON document: progress and setup output go to stderr.
      const logger = opts.json ? escapingLogger(redactingLogger(streamLogger(ctx.stderr, ctx.stderr), secretsFrom(ctx.env))) : ctx.logger;
      let meter: ReturnType<typeof progressMeter> | undefined;
      const result = await installFromRegistry({
        registries, name, spec: version,
        dir: opts.dir ?? clientPaths(ctx.env).runtimesDir,
        platforms: opts.platform ? [opts.platform] : undefined,
        sourceOnly: opts.source,
        setup: opts.setup ? { env: setupEnv(ctx.env), stdout: opts.json ? ctx.stderr : ctx.stdout, stderr: ctx.stderr } : undefined,
        maxBytes: opts.maxSize ? parseSize(opts.maxSize, '--max-size') : undefined,
        deadlineMs: opts.downloadTimeout ? parseSeconds(opts.downloadTimeout, '--download-timeout') : undefined,
        logger,
        onChosen: ({ entry, artifact }) => {
          if (isDeprecated(entry)) {
            const d = typeof entry.deprecated === 'object' ? entry.deprecated : {};
            logger.warn(`${name}@${entry.version} is deprecated${d.reason ? `: ${escapeText(d.reason, 500)}` : ''}${d.use ? `; use ${escapeText(d.use, 80)}` : ''}`);
          }
          if (opts.setup && artifact.kind === 'prebuilt') logger.info(`the prebuilt environment for ${escapeText(artifact.platform, 80)} needs no setup: --setup is for source packages (add --source to install that instead)`);
          if (ctx.interactive) meter = progressMeter(ctx.stderr, `downloading ${name}@${entry.version}`);
        },
        onProgress: (bytes, total) => meter?.update(bytes, total),
      }).finally(() => meter?.done());
      await rememberVerifiedIndexes(ctx, registries);
      const { verified, artifact } = result;
      const installed = { kind: artifact.kind, platform: artifact.platform };
      if (opts.json) {
        return writeJson(ctx, { name, version: result.version, outcome: result.outcome, path: result.path, checksum: result.receipt.checksum, artifact: installed, ...(verified && { verified }) });
      }
      // The source package keeps the message it always had; a prebuilt environment says so.
      const notes = [...(artifact.kind === 'prebuilt' ? [`prebuilt environment for ${escapeText(artifact.platform, 80)}`] : []), ...(verified ? [`verified: signed by ${verified.key_id}`] : [])];
      const how = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      ctx.logger.info(result.outcome === 'installed'
        ? `installed ${name}@${result.version} into ${result.path}${how}`
        : `${name}@${result.version} is already installed at ${result.path} (unchanged)${how}`);
    }));
}
