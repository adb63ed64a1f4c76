import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { UserError } from '@runway/errors';

/**
 * Finds the bubblewrap binary: `explicit` when given (e.g. `RUNWAY_BWRAP`), otherwise `bwrap` on
 * `PATH`. Throws a `UserError` naming the Debian package when it is missing.
 */
export async function findBwrap(explicit?: string, path = process.env.PATH ?? ''): Promise<string> {
  const candidates = explicit ? [explicit] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, 'bwrap'));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder of PATH
    }
  }
  throw new UserError(explicit ? `bubblewrap not found at ${explicit}` : 'bubblewrap (bwrap) is not installed: it runs commands inside a runtime the way a job would', {
    hint: 'install Debian\'s bubblewrap package: sudo apt-get install bubblewrap',
  });
}
