import { posix } from 'node:path';
import type { RuntimeConfig } from './runtime-config';

/** One mount as bubblewrap gets it: a host path (already resolved and checked) or a fresh tmpfs. */
export type SandboxMount =
  | { kind: 'ro-bind' | 'bind'; hostPath: string; target: string }
  | { kind: 'tmpfs'; target: string };

/** Everything the bwrap command line is made from; plain data. */
export interface SandboxPlan {
  mounts: SandboxMount[];
  /** The command and its arguments; the first is looked up on the sandbox's own `PATH`. */
  command: string[];
  /** The job's whole environment: nothing of the host's is passed on. */
  env: Record<string, string>;
  /** Working directory inside the sandbox. */
  cwd: string;
  /** Keep the host's network (off by default: a job gets its own empty network namespace). */
  network: boolean;
}

/**
 * Pure: turns a validated `runtime.yml` into mounts, with each source as a lexical path under
 * `runtimeDir`. Writable mounts become a fresh tmpfs unless `scratchDir` is given, in which case a
 * folder of it named after the target is bound instead (so a job's output can be kept). The
 * runtime folder itself is never mounted writable: it is shared by every job using the runtime.
 */
export function planMounts(config: RuntimeConfig, runtimeDir: string, scratchDir?: string): SandboxMount[] {
  const mounts = config.mounts.map((m): SandboxMount => {
    if (m.readonly) return { kind: 'ro-bind', hostPath: posix.join(runtimeDir, m.source), target: m.target };
    if (scratchDir) return { kind: 'bind', hostPath: posix.join(scratchDir, scratchName(m.target)), target: m.target };
    return { kind: 'tmpfs', target: m.target };
  });
  // Parents before children (`/usr` before `/usr/local`), otherwise the parent would hide the child.
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.target) - depth(b.m.target) || a.i - b.i).map(({ m }) => m);
}

/** Pure: `/var/cache` → `var-cache`, the scratch folder of a writable mount. */
export function scratchName(target: string): string {
  return target.slice(1).replace(/\//g, '-');
}

/**
 * Pure: the bwrap argv (without `bwrap` itself) that runs `plan.command` the way a job runs:
 *
 * - `--unshare-all`: own user (when the kernel allows), pid, ipc, uts, cgroup and network
 *   namespaces, so nothing of the host's processes or network is visible (`--share-net` opts in);
 * - `--die-with-parent`: the job dies with the caller, never outlives a cancelled build;
 * - `--new-session`: no access to the caller's terminal (`TIOCSTI` injection);
 * - `--cap-drop ALL`: when started by root, the job cannot remount the read-only runtime writable;
 * - only the runtime's mounts on an empty root, then a fresh `/proc` and `/dev`, and the root made
 *   read-only, so the only writable places are the runtime's writable mounts;
 * - `--clearenv` and exactly `plan.env`.
 */
export function bwrapArgs(plan: SandboxPlan): string[] {
  const args = ['--unshare-all', ...(plan.network ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const m of plan.mounts) {
    if (m.kind === 'tmpfs') args.push('--tmpfs', m.target);
    else args.push(m.kind === 'ro-bind' ? '--ro-bind' : '--bind', m.hostPath, m.target);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--remount-ro', '/', '--clearenv');
  for (const name of Object.keys(plan.env).sort()) args.push('--setenv', name, plan.env[name]);
  args.push('--chdir', plan.cwd, '--', ...plan.command);
  return args;
}

/**
 * Pure: the job's environment: `runtime.yml`'s, then the caller's on top. Nothing else, so a
 * job never sees the host's `PATH`, tokens or locale.
 */
export function jobEnvironment(config: RuntimeConfig, extra: Record<string, string> = {}): Record<string, string> {
  return { ...config.environment, ...extra };
}

function depth(target: string): number {
  return target.split('/').length;
}
