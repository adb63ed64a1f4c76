import { spawn } from 'node:child_process';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { UserError } from '@runway/errors';
import { bwrapArgs, jobEnvironment, planMounts, type SandboxMount } from './bwrap-args';
import { findBwrap } from './find-bwrap';
import { MAX_RUNTIME_YML_BYTES, parseRuntimeConfig } from './runtime-config';

export interface RunInRuntimeOptions {
  /** An installed runtime: the folder holding `runtime.yml` and `isolated/`. */
  runtimeDir: string;
  /** argv of the command; `command[0]` is looked up on the runtime's `PATH`. Never a shell string. */
  command: string[];
  /** Extra environment on top of `runtime.yml`'s (nothing of the caller's own environment is passed). */
  env?: Record<string, string>;
  /** Working directory inside the sandbox; default `/tmp` when the runtime mounts a writable `/tmp`, else `/`. */
  cwd?: string;
  /**
   * `inherit` (default) streams the command's stdout and stderr straight to ours; `capture` collects
   * them (bounded by `maxCaptureBytes`, the last bytes kept) and returns them.
   */
  output?: 'inherit' | 'capture';
  /** Pass our stdin on (`inherit`) or give the command an empty one (`ignore`, the default). */
  stdin?: 'inherit' | 'ignore';
  /** Keep the host network; off by default. */
  network?: boolean;
  /** Writable mounts become folders of this directory instead of a fresh tmpfs each. */
  scratchDir?: string;
  /** Path of bwrap; default `$RUNWAY_BWRAP` or `bwrap` on `PATH`. */
  bwrap?: string;
  /** Kill the command after this many milliseconds (reported as a `UserError`). */
  timeoutMs?: number;
  /** In capture mode, keep at most this many bytes of each stream (default 1 MiB). */
  maxCaptureBytes?: number;
}

export interface RunInRuntimeResult {
  /** The command's exit code (128 + signal number when a signal ended it). */
  exitCode: number;
  /** Captured output (empty with `output: 'inherit'`). */
  stdout: string;
  stderr: string;
  /** Whether capture dropped the start of a stream to stay within `maxCaptureBytes`. */
  truncated: boolean;
}

/** Status documents bwrap writes to `--json-status-fd`. */
interface BwrapStatus {
  'child-pid'?: number;
  'exit-code'?: number;
}

/**
 * Runs `command` inside the runtime at `runtimeDir` the way a job runs: bubblewrap with only the
 * runtime's mounts (read-only, writable ones as tmpfs), a fresh `/proc` and `/dev`, new namespaces
 * and exactly the runtime's environment. Returns the command's exit code and, in capture mode,
 * its output; a non-zero exit is a result, not an error.
 *
 * Throws `UserError` when the runtime is unsafe (mount sources leaving the runtime folder, also
 * through symlinks), when bwrap is missing, or when bwrap cannot build the sandbox (e.g. user
 * namespaces disabled), with bwrap's own message.
 */
export async function runInRuntime(options: RunInRuntimeOptions): Promise<RunInRuntimeResult> {
  const { command, output = 'inherit', stdin = 'ignore', network = false, maxCaptureBytes = 1024 * 1024 } = options;
  if (command.length === 0 || command[0] === '') throw new UserError('no command given to run inside the runtime', { hint: 'pass the command after --, e.g. -- python3 --version' });
  const runtimeDir = await realpath(options.runtimeDir).catch((err) => {
    throw new UserError(`runtime folder ${options.runtimeDir} does not exist`, { hint: 'install the runtime first', cause: err });
  });
  const config = await readRuntimeConfig(runtimeDir);
  const scratchDir = options.scratchDir ? await realpath(options.scratchDir) : undefined;
  const mounts = await resolveMounts(planMounts(config, runtimeDir, scratchDir), runtimeDir, scratchDir);
  const writableTmp = mounts.some((m) => m.target === '/tmp' && m.kind !== 'ro-bind');
  const bwrap = await findBwrap(options.bwrap ?? process.env.RUNWAY_BWRAP);
  const args = ['--json-status-fd', '3', ...bwrapArgs({
    mounts, command, env: jobEnvironment(config, options.env), cwd: options.cwd ?? (writableTmp ? '/tmp' : '/'), network,
  })];

  const child = spawn(bwrap, args, {
    cwd: runtimeDir,
    // bwrap itself needs no environment; the job's comes from --setenv.
    env: {},
    stdio: [stdin === 'inherit' ? 'inherit' : 'ignore', output === 'capture' ? 'pipe' : 'inherit', 'pipe', 'pipe'],
  });
  const stdout = new Tail(maxCaptureBytes);
  const stderr = new Tail(maxCaptureBytes);
  let status = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  // stderr is always read so a bwrap setup failure can be reported; in inherit mode it is passed on as it comes.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    if (output === 'inherit') process.stderr.write(chunk);
  });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => { status += chunk.toString('utf8'); });

  let timedOut = false;
  const timer = options.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs) : undefined;
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  }).finally(() => timer && clearTimeout(timer));

  const statuses = parseStatus(status);
  const started = statuses.some((s) => s['child-pid'] !== undefined);
  if (timedOut) {
    throw new UserError(`${command.join(' ')} did not finish within ${options.timeoutMs} ms inside ${runtimeDir}`, { hint: 'it was killed; check that the command does not wait for input' });
  }
  if (!started) {
    const message = stderr.text().trim() || `bwrap exited with ${code ?? signal}`;
    throw new UserError(`bubblewrap could not set up the sandbox for ${runtimeDir}: ${message}`, {
      hint: 'as a normal user this needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also kernel.apparmor_restrict_unprivileged_userns=0), or run as root',
    });
  }
  const reported = statuses.find((s) => s['exit-code'] !== undefined)?.['exit-code'];
  const exitCode = reported ?? code ?? 128 + signalNumber(signal);
  return { exitCode, stdout: stdout.text(), stderr: output === 'capture' ? stderr.text() : '', truncated: stdout.truncated || stderr.truncated };
}

/** Reads and checks `<runtimeDir>/runtime.yml`, refusing one too large to be real. */
async function readRuntimeConfig(runtimeDir: string) {
  const file = join(runtimeDir, 'runtime.yml');
  const info = await stat(file).catch((err) => {
    throw new UserError(`${file} is missing: ${runtimeDir} is not an installed runtime`, {
      hint: 'a runtime folder holds runtime.yml and isolated/; install the runtime (with --setup for a source package)', cause: err,
    });
  });
  if (info.size > MAX_RUNTIME_YML_BYTES) {
    throw new UserError(`${file} is larger than ${MAX_RUNTIME_YML_BYTES} bytes`, { hint: 'reinstall the runtime; this is not a runtime.yml' });
  }
  return parseRuntimeConfig(await readFile(file, 'utf8'), file);
}

/**
 * Resolves every bind source through symlinks and checks the real path is still inside the
 * runtime (or scratch) folder: `isolated/bin -> usr/bin` is fine, `isolated/bin -> /etc` is not.
 * bwrap gets the resolved path, so what was checked is what is mounted.
 */
async function resolveMounts(mounts: SandboxMount[], runtimeDir: string, scratchDir?: string): Promise<SandboxMount[]> {
  const inside = (path: string, root: string) => path === root || path.startsWith(root + sep);
  return Promise.all(mounts.map(async (m): Promise<SandboxMount> => {
    if (m.kind === 'tmpfs') return m;
    if (m.kind === 'bind') {
      await mkdir(m.hostPath, { recursive: true });
      return { ...m, hostPath: await realpath(m.hostPath) };
    }
    const real = await realpath(m.hostPath).catch((err) => {
      throw new UserError(`runtime.yml mounts ${m.hostPath} at ${m.target}, but it does not exist`, { hint: 'the runtime is incomplete: reinstall it', cause: err });
    });
    if (!inside(real, runtimeDir) && !(scratchDir && inside(real, scratchDir))) {
      throw new UserError(`runtime.yml mounts ${m.hostPath} at ${m.target}, which resolves to ${real}, outside the runtime folder ${runtimeDir}`, {
        hint: 'the runtime is broken or hostile: a symlink in it points out of its folder. Remove it and reinstall from a trusted registry.',
      });
    }
    return { ...m, hostPath: real };
  }));
}

/** Pure: the JSON documents bwrap wrote to the status fd (concatenated, one per line in practice). */
export function parseStatus(text: string): BwrapStatus[] {
  const out: BwrapStatus[] = [];
  for (const match of text.matchAll(/\{[^{}]*\}/g)) {
    try {
      out.push(JSON.parse(match[0]) as BwrapStatus);
    } catch {
      // a partial document: bwrap was killed while writing it
    }
  }
  return out;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return (signal && numbers[signal]) || 0;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const over = this.size - this.limit;
      const first = this.chunks[0];
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
      }
      this.truncated = true;
    }
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
