import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerExec } from './exec';
import { registerInfo } from './info';
import { registerInstall } from './install';
import { registerList } from './list';
import { registerRemove } from './remove';
import { escapingLogger } from './shared';
import { registerVerify } from './verify';

/**
 * `runway runtime …`: the consumer client for runtime registries. Its output is mostly registry
 * and archive data, so every line goes through an escaping logger (and every error through
 * `escapedErrors`) on top of the escaping of each value where it is quoted.
 */
export function register(program: Command, parent: CliContext): void {
  const ctx: CliContext = { ...parent, logger: escapingLogger(parent.logger) };
  const runtime = program.command('runtime').description('list, inspect, install, verify and remove runtimes from a registry, and run commands in them');
  registerList(runtime, ctx);
  registerInfo(runtime, ctx);
  registerInstall(runtime, ctx);
  registerRemove(runtime, ctx);
  registerVerify(runtime, ctx);
  registerExec(runtime, ctx);
}
