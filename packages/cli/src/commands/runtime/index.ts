import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerInfo } from './info';
import { registerInstall } from './install';
import { registerList } from './list';
import { registerRemove } from './remove';
import { registerVerify } from './verify';

/** `runway runtime …`: the consumer client for runtime registries. */
export function register(program: Command, ctx: CliContext): void {
  const runtime = program.command('runtime').description('list, inspect, install, verify and remove runtimes from a registry');
  registerList(runtime, ctx);
  registerInfo(runtime, ctx);
  registerInstall(runtime, ctx);
  registerRemove(runtime, ctx);
  registerVerify(runtime, ctx);
}
