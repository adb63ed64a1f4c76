import { UserError } from '@runway/errors';
import type { Registry, RegistryProblem } from './types';

/**
 * For writers: `parseRegistry` leaves invalid entries out, so writing its result back would
 * silently delete them. Returns the registry when nothing was left out; otherwise refuses,
 * naming every problem, so the maintainer repairs the file first.
 */
export function registryForUpdate(read: { registry: Registry; problems: RegistryProblem[] }, source: string): Registry {
  if (read.problems.length === 0) return read.registry;
  const list = read.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
  throw new UserError(`${source} has ${read.problems.length} invalid entr${read.problems.length === 1 ? 'y' : 'ies'}; refusing to rewrite it, which would drop them:\n${list}`, {
    hint: `repair or remove those entries in ${source} (they fail registry.schema.json), then re-run`,
  });
}
