import { formatError, UserError } from '@runway/errors';
import { streamLogger } from '@runway/log';
import { buildEnvironment } from './build-environment';
import { describePlatformSupport } from './host-tools';
import { refreshLock } from './refresh-lock';

const USAGE = `usage: debian-env <command>

  lock <runtime folder> [--platform <p>]...
      resolve the manifest's "debian:" section and write debian.lock.json (every platform by default;
      nothing is run, so debian-arm64 resolves on amd64 too). A changed lock changes the environment:
      bump the runtime's version before releasing it.
  build <runtime folder> --platform <p> [--out <dir>] [--source-date-epoch <s>]
      build <name>-<version>-<p>.tar.gz (+ .sha256, + .lock.json) into --out (default dist/runtimes/<name>)
  platforms
      list the Debian platforms this machine can build, and why the others cannot be built here

environment: RUNWAY_DEB_CACHE (.deb cache), SOURCE_DATE_EPOCH, TMPDIR (build folder)`;

/** The `debian-env` command: parses argv, calls the library, maps errors to exit codes. */
export async function main(argv: string[]): Promise<number> {
  const log = streamLogger(process.stderr, process.stderr);
  try {
    const [command, ...rest] = argv;
    const { positional, flags } = parseArgs(rest);
    if (command === 'platforms') {
      for (const s of await describePlatformSupport()) process.stdout.write(`${s.platform}\t${s.buildable ? 'buildable' : 'not buildable'}\t${s.reason}\n`);
      return 0;
    }
    if (command === 'lock' && positional.length === 1) {
      const result = await refreshLock({ projectDir: positional[0], platforms: flags.platform, logger: log });
      for (const c of result.changes) {
        const parts = [...c.added.map((a) => `+${a}`), ...c.removed.map((r) => `-${r}`), ...c.changed];
        const shown = parts.length > 12 ? `${parts.slice(0, 12).join(', ')}, … (${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed)` : parts.join(', ');
        log.info(`${c.platform}: ${parts.length ? shown : 'no change'}`);
      }
      log.info(result.status === 'unchanged' ? `${result.file} is up to date` : `wrote ${result.file}: commit it and bump "version" in manifest.yaml (the environment's content changed)`);
      return 0;
    }
    if (command === 'build' && positional.length === 1 && flags.platform?.length === 1) {
      const projectDir = positional[0];
      const name = projectDir.replace(/\/+$/, '').split('/').pop();
      const built = await buildEnvironment({
        projectDir, platform: flags.platform[0], outDir: flags.out?.[0] ?? `dist/runtimes/${name}`,
        sourceDateEpoch: flags['source-date-epoch']?.[0] ?? process.env.SOURCE_DATE_EPOCH, logger: log,
      });
      process.stdout.write(`${built.sha256}  ${built.path}\n`);
      return 0;
    }
    throw new UserError(command ? `unknown or incomplete command: ${argv.join(' ')}` : 'no command given', { hint: USAGE, exitCode: 2 });
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    return err instanceof UserError ? err.exitCode : 1;
  }
}

/** Pure: `--name value` flags (repeatable) and positional arguments. */
export function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string[]> } {
  const positional: string[] = [];
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UserError(`--${name} needs a value`, { hint: USAGE, exitCode: 2 });
    (flags[name] ??= []).push(value);
  }
  return { positional, flags };
}
