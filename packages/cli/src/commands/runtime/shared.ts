import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { SECRET_ENV_NAMES } from '@runway/log';
import {
  buildCatalog, clientPaths, DEFAULT_TTL_MS, describeSource, loadRegistry, parseRegistrySource, readRegistriesConfig,
  type CatalogRuntime,
} from '@runway/runtime-client';
import type { CliContext } from '../../context';

export interface RegistryFlags {
  registry: string[];
  refresh: boolean;
}

/** Timeouts for registry requests and for a stalled package download. */
export const REGISTRY_TIMEOUT_MS = 30_000;
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--registry` (repeatable, first listed wins for a name) and `--refresh`, shared by every runtime command. */
export function withRegistryFlags(command: Command): Command {
  return command
    .option('--registry <source>', 'registry: a path (file or folder), an http(s) URL, or owner/repo on GitHub; repeat for several (default: the config file)', collect, [])
    .option('--refresh', 'ignore the 1-hour registry cache and ask the server again', false);
}

/** Loads every registry (flags, else the config file) and merges them; bad entries are warned about and skipped. */
export async function loadCatalog(ctx: CliContext, flags: RegistryFlags): Promise<Map<string, CatalogRuntime>> {
  const paths = clientPaths(ctx.env);
  const specs = flags.registry.length > 0 ? flags.registry : await readRegistriesConfig(paths.configFile);
  if (specs.length === 0) {
    throw new UserError('no registry to read', {
      hint: `pass --registry <path | URL | owner/repo>, or list registries in ${paths.configFile}:\nregistries:\n  - owner/repo`,
    });
  }
  const loaded = [];
  for (const spec of specs) {
    const source = parseRegistrySource(spec, ctx.cwd, paths.home, existsSync);
    const registry = await loadRegistry(source, {
      cacheDir: paths.cacheDir, refresh: flags.refresh, ttlMs: DEFAULT_TTL_MS, now: () => new Date(),
      env: ctx.env, logger: ctx.logger, timeoutMs: REGISTRY_TIMEOUT_MS,
    });
    for (const p of registry.problems) ctx.logger.warn(`${describeSource(source)}: ${p.message} (${p.path}); skipped`);
    loaded.push(registry);
  }
  return buildCatalog(loaded);
}

/** Splits `<name>@<version>` where the version is required (remove, verify). */
export function exactSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) {
    throw new UserError(`"${spec}" needs an exact version`, { hint: `write ${at > 0 ? spec.slice(0, at) : spec}@<version>, e.g. python-3.11@1.3.1`, exitCode: 2 });
  }
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** The environment for setup scripts: everything except credentials, which third-party scripts must not see. */
export function setupEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.includes(k)));
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A one-line download meter for terminals, redrawn at most ten times a second. */
export function progressMeter(stream: NodeJS.WritableStream, label: string): { update(bytes: number, total: number): void; done(): void } {
  let last = 0;
  let drawn = false;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    update(bytes, total) {
      const now = Date.now();
      if (now - last < 100 && bytes < total) return;
      last = now;
      drawn = true;
      stream.write(`\r${label} ${mb(bytes)} / ${mb(total)} MB (${Math.floor((bytes / Math.max(total, 1)) * 100)}%)`);
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
