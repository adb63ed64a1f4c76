import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { escapeLines, escapeText, SECRET_ENV_NAMES, stringifyForTerminal, type Logger } from '@runway/log';
import {
  clientPaths, DEFAULT_MAX_REGISTRY_BYTES, DEFAULT_REGISTRY_DEADLINE_MS, DEFAULT_TTL_MS, describeSource, loadRegistry, parseRegistrySource,
  readRegistriesConfig, readTrustState, recordAcceptedIndexes, registryId, trustStateFile, type ConfiguredRegistry, type LoadedRegistry,
} from '@runway/runtime-client';
import { readPinnedKeys } from '@runway/signing';
import type { PublicKey, TrustState } from '@runway/trust';
import type { CliContext } from '../../context';

export interface RegistryFlags {
  registry: string[];
  /** Public keys pinned for every registry read, as typed (key files or `ssh-ed25519` lines). */
  key: string[];
  refresh: boolean;
  /** Seconds, as typed. */
  timeout?: string;
  maxRegistrySize?: string;
}

/** A connection to a registry (or a package download) that stays silent this long fails and is retried. */
export const REGISTRY_IDLE_TIMEOUT_MS = 30_000;

/** Registry problems printed one by one before the rest are counted: a hostile file may have millions. */
const MAX_PROBLEMS_SHOWN = 20;

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `--registry` (repeatable, first listed wins for a name), `--refresh`, and the bounds of every
 * registry read (`--timeout`, `--max-registry-size`), shared by every runtime command.
 */
export function withRegistryFlags(command: Command): Command {
  return command
    .option('--registry <source>', 'registry: a path (file or folder), an http(s) URL, or owner/repo (github:owner/repo) on GitHub; repeat for several (default: the config file)', collect, [])
    .option('--key <public-key>', 'pin a public key (a .pub file or an "ssh-ed25519 AAAA…" line): the registry index and packages must be signed by it; repeat to pin two while the publisher rotates keys', collect, [])
    .option('--refresh', 'ignore the 1-hour registry cache and ask the server again', false)
    .option('--timeout <seconds>', `give up reading a registry after this long, retries included (default ${DEFAULT_REGISTRY_DEADLINE_MS / 1000})`)
    .option('--max-registry-size <bytes>', `refuse a registry larger than this (default ${DEFAULT_MAX_REGISTRY_BYTES / 1024 / 1024}M)`);
}

/** Parses a size flag: bytes, or a number with K, M or G (powers of 1024). */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new UserError(`${flag} "${escapeText(value, 80)}" is not a size`, { hint: 'write bytes or a number with K, M or G, e.g. 8G', exitCode: 2 });
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** Parses a duration flag in seconds (fractions allowed) into milliseconds. */
export function parseSeconds(value: string, flag: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0)) {
    throw new UserError(`${flag} "${escapeText(value, 80)}" is not a number of seconds`, { hint: `e.g. ${flag} 30`, exitCode: 2 });
  }
  return seconds * 1000;
}

/** A logger whose lines cannot carry terminal controls (a backstop: values are escaped where they are quoted). */
export function escapingLogger(logger: Logger): Logger {
  return { info: (m) => logger.info(escapeLines(m)), warn: (m) => logger.warn(escapeLines(m)), error: (m) => logger.error(escapeLines(m)) };
}

/**
 * Wraps a command action so the text of any error leaving it (message, hint, stack) carries no
 * terminal controls: a backstop behind the escaping of every value where it is quoted, which is
 * what keeps a value's line feeds from forging lines.
 */
export function escapedErrors<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (err) {
      if (err instanceof Error) {
        err.message = escapeLines(err.message);
        if (err.stack) err.stack = escapeLines(err.stack);
        if (err instanceof UserError && err.hint) Object.assign(err, { hint: escapeLines(err.hint) });
      }
      throw err;
    }
  };
}

/** The registries of the config file, and the keys pinned for any registry. */
export interface PinnedKeys {
  configured: ConfiguredRegistry[];
  /** The keys pinned for the registry with this `registryId` (undefined: `--key` only). */
  keysFor(id: string | undefined): PublicKey[];
}

/**
 * Reads the pinned keys: each config entry's `keys:` (relative to the config file), keyed by its
 * registry's id so that `--registry` naming the same registry is verified with them too, and the
 * `--key` values (relative to the working folder), which apply to every registry.
 */
export async function pinnedKeys(ctx: CliContext, flags: Pick<RegistryFlags, 'key'>): Promise<PinnedKeys> {
  const paths = clientPaths(ctx.env);
  const configured = await readRegistriesConfig(paths.configFile, paths.home);
  const byId = new Map<string, PublicKey[]>();
  for (const entry of configured) {
    if (entry.keys.length === 0) continue;
    const id = await registryId(parseRegistrySource(entry.source, ctx.cwd, paths.home, existsSync), ctx.env);
    byId.set(id, [...(byId.get(id) ?? []), ...(await readPinnedKeys(entry.keys, entry.keysBase))]);
  }
  const everywhere = await readPinnedKeys(flags.key, ctx.cwd);
  return {
    configured,
    keysFor: (id) => {
      const keys = new Map([...(id === undefined ? [] : byId.get(id) ?? []), ...everywhere].map((k) => [k.keyId, k]));
      return [...keys.values()];
    },
  };
}

/** The one line said of a registry read without a pinned key. */
function unverifiedNotice(label: string, signed: boolean, configFile: string): string {
  return signed
    ? `registry ${label} is signed but no key is pinned: not verified (pin the publisher's public key with --key, or keys: in ${configFile})`
    : `registry ${label} is unsigned: its packages are checked against the checksums it lists, but nothing proves who published it`;
}

/**
 * Loads every registry (flags, else the config file). With keys pinned for a registry its index
 * is verified before it is read (signature, rollback against the trust state, expiry); without,
 * one line says it is unsigned or not verified (on stderr: `--json` output stays clean). Bad
 * entries are warned about and skipped.
 */
export async function loadRegistries(ctx: CliContext, flags: RegistryFlags): Promise<LoadedRegistry[]> {
  const paths = clientPaths(ctx.env);
  const keys = await pinnedKeys(ctx, flags);
  const specs = flags.registry.length > 0 ? flags.registry : keys.configured.map((c) => c.source);
  if (specs.length === 0) {
    throw new UserError('no registry to read', {
      hint: `pass --registry <path | URL | owner/repo>, or list registries in ${paths.configFile}:\nregistries:\n  - owner/repo`,
    });
  }
  let state: TrustState | undefined;
  const loaded = [];
  for (const spec of specs) {
    const source = parseRegistrySource(spec, ctx.cwd, paths.home, existsSync);
    const pinned = keys.keysFor(await registryId(source, ctx.env));
    const registry = await loadRegistry(source, {
      cacheDir: paths.cacheDir, refresh: flags.refresh, ttlMs: DEFAULT_TTL_MS, now: () => new Date(),
      env: ctx.env, logger: ctx.logger, timeoutMs: REGISTRY_IDLE_TIMEOUT_MS,
      deadlineMs: flags.timeout === undefined ? undefined : parseSeconds(flags.timeout, '--timeout'),
      maxBytes: flags.maxRegistrySize === undefined ? undefined : parseSize(flags.maxRegistrySize, '--max-registry-size'),
      trust: pinned.length > 0 ? { pinnedKeys: pinned, state: (state ??= await readTrustState(trustStateFile(paths.stateDir))) } : undefined,
    });
    const label = escapeText(describeSource(source), 500);
    if (registry.trust.status === 'unverified') ctx.logger.warn(unverifiedNotice(label, registry.trust.signed, paths.configFile));
    // Problems quote the registry's keys escaped and cut short already.
    for (const p of registry.problems.slice(0, MAX_PROBLEMS_SHOWN)) ctx.logger.warn(`${label}: ${p.message} (${p.path}); skipped`);
    const more = registry.problems.length - MAX_PROBLEMS_SHOWN;
    if (more > 0) ctx.logger.warn(`${label}: … and ${more} more invalid entries; skipped`);
    loaded.push(registry);
  }
  return loaded;
}

/**
 * Remembers the serial of every index verified by a command that succeeded, so an older one is
 * refused from now on (a failed command changes nothing).
 */
export async function rememberVerifiedIndexes(ctx: CliContext, registries: readonly LoadedRegistry[]): Promise<void> {
  const accepted = registries.flatMap((r) => (r.trust.status === 'verified' ? [{ id: r.id, serial: r.trust.serial, expires: r.trust.expires, keyId: r.trust.keyId }] : []));
  await recordAcceptedIndexes(trustStateFile(clientPaths(ctx.env).stateDir), accepted, new Date());
}

/** Splits `<name>@<version>` where the version is required (remove, verify). */
export function exactSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) {
    const name = escapeText(at > 0 ? spec.slice(0, at) : spec, 80);
    throw new UserError(`"${escapeText(spec, 80)}" needs an exact version`, { hint: `write ${name}@<version>, e.g. python-3.11@1.3.1`, exitCode: 2 });
  }
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** The environment for setup scripts: everything except credentials, which third-party scripts must not see. */
export function setupEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.includes(k)));
}

/** Prints a JSON document; strings from registries keep their value, but no raw control character reaches the terminal. */
export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${stringifyForTerminal(value)}\n`);
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
