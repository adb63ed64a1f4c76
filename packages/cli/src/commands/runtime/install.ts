import type { Command } from 'commander';
import { escapeText, redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { isDeprecated, resolveVersion } from '@runway/registry';
import { buildCatalog, clientPaths, findRuntime, hostPlatforms, installRuntime, parseRuntimeSpec, verifyPackageProvenance } from '@runway/runtime-client';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, resolveDownloadUrl } from '@runway/safe-archive';
import type { CliContext } from '../../context';
import {
  DOWNLOAD_IDLE_TIMEOUT_MS, escapedErrors, escapingLogger, loadRegistries, parseSeconds, parseSize, progressMeter, REGISTRY_IDLE_TIMEOUT_MS, rememberVerifiedIndexes,
  setupEnv, withRegistryFlags, writeJson, type RegistryFlags,
} from './shared';

interface InstallFlags extends RegistryFlags {
  dir?: string;
  setup: boolean;
  platform?: string;
  maxSize?: string;
  downloadTimeout?: string;
  json: boolean;
}

/** `runway runtime install <name>[@<version>]`: download, verify, unpack atomically, optionally run setup. */
export function registerInstall(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('install'))
    .description('download, verify and unpack a runtime into <dir>/<name>-<version>/')
    .argument('<runtime>', 'name or name@version; without a version the latest stable one for this platform')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .option('--setup', 'run setup-<os>-<arch>.sh (else setup.sh) after unpacking; failure undoes the install', false)
    .option('--platform <os-arch>', 'platform to resolve and set up for (default: this machine, e.g. ubuntu-amd64); names one the runtime supports to install it on another machine')
    .option('--max-size <bytes>', 'refuse packages whose download or unpacked content is larger than this (default 4G)')
    .option('--download-timeout <seconds>', 'give up a download after this long, retries included (default: 60, plus 1 per 32 KiB of the package, at most 3600)')
    .option('--json', 'print the result as JSON', false)
    .action(escapedErrors(async (spec: string, opts: InstallFlags) => {
      const { name, version } = parseRuntimeSpec(spec);
      const registries = await loadRegistries(ctx, opts);
      const runtime = findRuntime(buildCatalog(registries), name);
      const candidates = opts.platform ? [opts.platform] : await hostPlatforms();
      // The first platform of this machine (ID, then ID_LIKE) that the runtime supports at all.
      const platform = candidates.find((p) => Object.values(runtime.versions).some((e) => e.platforms.includes(p))) ?? candidates[0];
      const entry = resolveVersion(runtime.from.registry, name, version, { platform });
      if (isDeprecated(entry)) {
        const d = typeof entry.deprecated === 'object' ? entry.deprecated : {};
        ctx.logger.warn(`${name}@${entry.version} is deprecated${d.reason ? `: ${escapeText(d.reason, 500)}` : ''}${d.use ? `; use ${escapeText(d.use, 80)}` : ''}`);
      }
      // With --json, stdout carries only the JSON document: progress and setup output go to stderr.
      const logger = opts.json ? escapingLogger(redactingLogger(streamLogger(ctx.stderr, ctx.stderr), secretsFrom(ctx.env))) : ctx.logger;
      const url = resolveDownloadUrl(entry.download_url, runtime.from.base, runtime.from.label);
      // With keys pinned, the provenance is checked before the download: a refused package costs nothing.
      const index = runtime.from.trust;
      const trust = index.status === 'verified' ? {
        index: { serial: index.serial, expires: index.expires, key_id: index.keyId },
        provenance: await verifyPackageProvenance({ label: `${name}@${entry.version}`, url, entry, pinnedKeys: index.pinnedKeys, timeoutMs: REGISTRY_IDLE_TIMEOUT_MS }),
      } : undefined;
      const meter = ctx.interactive ? progressMeter(ctx.stderr, `downloading ${name}@${entry.version}`) : undefined;
      const result = await installRuntime({
        name, version: entry.version, url,
        checksum: entry.checksum, size: entry.size,
        registry: runtime.from.id,
        trust,
        dir: opts.dir ?? clientPaths(ctx.env).runtimesDir,
        setup: opts.setup ? { platform, env: setupEnv(ctx.env), stdout: opts.json ? ctx.stderr : ctx.stdout, stderr: ctx.stderr } : undefined,
        maxBytes: opts.maxSize ? parseSize(opts.maxSize, '--max-size') : DEFAULT_MAX_BYTES,
        maxEntries: DEFAULT_MAX_ENTRIES,
        idleTimeoutMs: DOWNLOAD_IDLE_TIMEOUT_MS,
        deadlineMs: opts.downloadTimeout ? parseSeconds(opts.downloadTimeout, '--download-timeout') : undefined,
        logger,
        now: () => new Date(),
        onProgress: meter?.update,
      }).finally(() => meter?.done());
      await rememberVerifiedIndexes(ctx, registries);
      const verified = trust && { key_id: trust.provenance.key_id, index_serial: trust.index.serial };
      if (opts.json) return writeJson(ctx, { name, version: entry.version, outcome: result.outcome, path: result.path, checksum: result.receipt.checksum, ...(verified && { verified }) });
      const how = verified ? ` (verified: signed by ${verified.key_id})` : '';
      ctx.logger.info(result.outcome === 'installed'
        ? `installed ${name}@${entry.version} into ${result.path}${how}`
        : `${name}@${entry.version} is already installed at ${result.path} (unchanged)${how}`);
    }));
}
