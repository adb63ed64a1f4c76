import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { isDeprecated, resolveVersion } from '@runway/registry';
import { clientPaths, findRuntime, hostPlatforms, installRuntime, parseRuntimeSpec } from '@runway/runtime-client';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, resolveDownloadUrl } from '@runway/safe-archive';
import type { CliContext } from '../../context';
import { DOWNLOAD_IDLE_TIMEOUT_MS, loadCatalog, progressMeter, setupEnv, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

interface InstallFlags extends RegistryFlags {
  dir?: string;
  setup: boolean;
  platform?: string;
  maxSize?: string;
  json: boolean;
}

function parseSize(value: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new UserError(`--max-size "${value}" is not a size`, { hint: 'write bytes or a number with K, M or G, e.g. 8G', exitCode: 2 });
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** `runway runtime install <name>[@<version>]`: download, verify, unpack atomically, optionally run setup. */
export function registerInstall(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('install'))
    .description('download, verify and unpack a runtime into <dir>/<name>-<version>/')
    .argument('<runtime>', 'name or name@version; without a version the latest stable one for this platform')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .option('--setup', 'run setup-<os>-<arch>.sh (else setup.sh) after unpacking; failure undoes the install', false)
    .option('--platform <os-arch>', 'platform to resolve and set up for (default: this machine, e.g. ubuntu-amd64)')
    .option('--max-size <bytes>', 'refuse packages that unpack to more than this (default 4G)')
    .option('--json', 'print the result as JSON', false)
    .action(async (spec: string, opts: InstallFlags) => {
      const { name, version } = parseRuntimeSpec(spec);
      const runtime = findRuntime(await loadCatalog(ctx, opts), name);
      const candidates = opts.platform ? [opts.platform] : await hostPlatforms();
      // The first platform of this machine (ID, then ID_LIKE) that the runtime supports at all.
      const platform = candidates.find((p) => Object.values(runtime.versions).some((e) => e.platforms.includes(p))) ?? candidates[0];
      const entry = resolveVersion(runtime.from.registry, name, version, { platform });
      if (isDeprecated(entry)) ctx.logger.warn(`${name}@${entry.version} is deprecated${typeof entry.deprecated === 'object' && entry.deprecated.use ? `; use ${entry.deprecated.use}` : ''}`);
      // With --json, stdout carries only the JSON document: progress and setup output go to stderr.
      const logger = opts.json ? redactingLogger(streamLogger(ctx.stderr, ctx.stderr), secretsFrom(ctx.env)) : ctx.logger;
      const meter = ctx.interactive ? progressMeter(ctx.stderr, `downloading ${name}@${entry.version}`) : undefined;
      const result = await installRuntime({
        name, version: entry.version,
        url: resolveDownloadUrl(entry.download_url, runtime.from.base, runtime.from.label),
        checksum: entry.checksum, size: entry.size,
        dir: opts.dir ?? clientPaths(ctx.env).runtimesDir,
        setup: opts.setup ? { platform, env: setupEnv(ctx.env), stdout: opts.json ? ctx.stderr : ctx.stdout, stderr: ctx.stderr } : undefined,
        maxBytes: opts.maxSize ? parseSize(opts.maxSize) : DEFAULT_MAX_BYTES,
        maxEntries: DEFAULT_MAX_ENTRIES,
        idleTimeoutMs: DOWNLOAD_IDLE_TIMEOUT_MS,
        logger,
        now: () => new Date(),
        onProgress: meter?.update,
      }).finally(() => meter?.done());
      if (opts.json) return writeJson(ctx, { name, version: entry.version, outcome: result.outcome, path: result.path, checksum: result.receipt.checksum });
      ctx.logger.info(result.outcome === 'installed'
        ? `installed ${name}@${entry.version} into ${result.path}`
        : `${name}@${entry.version} is already installed at ${result.path} (unchanged)`);
    });
}
