import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { UserError } from '@runway/errors';
import { binfmtEntryFor, debianArchOfNode, platformSupport, type BuildHostFacts, type DebianArch, type DebianPlatform, type PlatformSupport } from './platforms';

/** The Debian package that provides each tool the builder runs. */
const PROVIDERS: Record<string, string> = { mmdebstrap: 'mmdebstrap', bwrap: 'bubblewrap', 'dpkg-deb': 'dpkg', tar: 'tar' };

/** Finds `name` on `PATH`; `undefined` when it is not installed. */
export async function whichTool(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Finds `name` on `PATH` or throws a `UserError` naming the Debian package to install. */
export async function requireTool(name: string, why: string): Promise<string> {
  const found = await whichTool(name);
  if (found) return found;
  const pkg = PROVIDERS[name] ?? name;
  throw new UserError(`${name} is not installed: it is needed to ${why}`, { hint: `install Debian's ${pkg} package: sudo apt-get install ${pkg}` });
}

/**
 * Reads what this machine can build: its own architecture (from Node) and every architecture an
 * enabled binfmt_misc handler (qemu-user) runs. I/O edge of {@link platformSupport}.
 */
export async function readBuildHostFacts(nodeArch = process.arch, binfmtDir = '/proc/sys/fs/binfmt_misc'): Promise<BuildHostFacts> {
  const nativeArch = debianArchOfNode(nodeArch);
  const emulatedArches: DebianArch[] = [];
  for (const arch of ['amd64', 'arm64'] as const) {
    if (arch === nativeArch) continue;
    const entry = await readFile(join(binfmtDir, binfmtEntryFor(arch)), 'utf8').catch(() => '');
    if (entry.split('\n')[0]?.trim() === 'enabled') emulatedArches.push(arch);
  }
  return { nativeArch, emulatedArches };
}

/** Every Debian platform with whether this machine can build it and why (or why not). */
export async function describePlatformSupport(): Promise<PlatformSupport[]> {
  return platformSupport(await readBuildHostFacts());
}

/**
 * The Debian platforms this machine can build environments for: `debian-amd64` on an amd64
 * machine, `debian-arm64` on an arm64 one, plus any whose binaries run through binfmt_misc. Other
 * platforms need another machine; {@link describePlatformSupport} says why.
 */
export async function availablePlatforms(): Promise<DebianPlatform[]> {
  return (await describePlatformSupport()).filter((s) => s.buildable).map((s) => s.platform);
}

/**
 * What of this machine decides which environments a build writes and how: the platforms it can
 * build, the mmdebstrap version (`none` when not installed) and whether bwrap is missing (the
 * `build` target then skips every environment), e.g. `platforms debian-amd64; mmdebstrap 1.3.5`.
 * A cache key input for the `build` target.
 */
export async function builderFingerprint(): Promise<string> {
  const [platforms, mmdebstrap, bwrap] = await Promise.all([
    availablePlatforms(),
    whichTool('mmdebstrap').then((tool) => tool ? runTool(tool, ['--version']).then((r) => r.output.trim().replace(/^mmdebstrap\s+/, '')) : 'none'),
    whichTool('bwrap'),
  ]);
  return `platforms ${platforms.join(',') || 'none'}; mmdebstrap ${mmdebstrap}${bwrap ? '' : '; no bwrap'}`;
}

/** Result of a finished tool run. */
export interface ToolResult {
  exitCode: number;
  /** stdout and stderr interleaved as they came, the last `maxOutput` bytes. */
  output: string;
}

/**
 * Runs `command` with an argv array (no shell) and collects its output (bounded, tail kept) for
 * error messages; `onLine` sees each line as it arrives (progress logs). Never rejects on a
 * non-zero exit: the caller decides what a failure means.
 */
export function runTool(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Promise<ToolResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collectOutput(child, { onLine: options.onLine, stdout: true });
}

/** Keeps this much of a tool's output for error messages (the end, where the errors are). */
const MAX_OUTPUT = 256 * 1024;

/**
 * Collects a started child's stderr (and stdout when `stdout` is set; leave it unset when the
 * caller consumes stdout itself, e.g. a tar stream), interleaved and bounded, calling `onLine` per
 * line as it arrives; resolves with the exit code when the child closes.
 */
export function collectOutput(child: ChildProcess, options: { onLine?: (line: string) => void; stdout?: boolean } = {}): Promise<ToolResult> {
  const { onLine } = options;
  return new Promise((resolve, reject) => {
    let output = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-MAX_OUTPUT);
      if (!onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    if (options.stdout) child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (partial && onLine) onLine(partial);
      resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), output });
    });
  });
}

/**
 * Creates a folder mmdebstrap's hooks write into. As root that is all. As a normal user,
 * mmdebstrap's `unshare` mode runs hooks as the namespace's root, a subordinate uid that owns
 * nothing of ours, so the folder must be world-writable (sticky, like /tmp); mmdebstrap documents
 * the same for `TMPDIR`. Whatever lands there is checked against the lock before it is used.
 */
export async function hookFolder(path: string, uid = process.getuid?.() ?? 0): Promise<string> {
  await mkdir(path, { recursive: true });
  if (uid !== 0) await chmod(path, 0o1777);
  return path;
}
