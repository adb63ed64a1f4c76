import { lstat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { withFileLock } from '@runway/file-lock';
import { readLocalText } from '@runway/safe-archive';
import { emptyTrustState, lastSeenSerial, parseTrustState, recordIndex, serializeTrustState, type TrustState } from '@runway/trust';

/** Cap on the state file: about 20,000 registries. */
const MAX_STATE_BYTES = 4 * 1024 * 1024;

/** The trust state file in the client's state folder (`ClientPaths.stateDir`). */
export function trustStateFile(stateDir: string): string {
  return join(stateDir, 'trust-state.json');
}

/**
 * The trust state, or an empty one when the file does not exist (no registry verified yet: the
 * first signed index of each is trusted on sight). Anything else that cannot be read (a damaged
 * file, a folder, a dangling link, no permission) is a `UserError`, never an empty state: that
 * would let a replayed old index through.
 */
export async function readTrustState(file: string): Promise<TrustState> {
  const exists = await lstat(file).then(() => true, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return false;
    throw mapFsError(err, `read ${file}`);
  });
  if (!exists) return emptyTrustState();
  return parseTrustState(await readLocalText(file, { maxBytes: MAX_STATE_BYTES, what: 'the trust state' }), file);
}

/** An index accepted by `checkIndex`, to remember. */
export interface AcceptedIndex {
  /** `registryId` of the registry. */
  id: string;
  serial: number;
  expires: string;
  keyId: string;
}

/**
 * Remembers accepted indexes: under a lock on the file, re-reads the state (another process may
 * have seen a newer index meanwhile: a serial is never lowered), records each, and writes the
 * file atomically. Called only once the command that checked them succeeded.
 */
export async function recordAcceptedIndexes(file: string, accepted: readonly AcceptedIndex[], now: Date): Promise<void> {
  if (accepted.length === 0) return;
  try {
    await mkdir(dirname(file), { recursive: true });
    await withFileLock(file, async () => {
      let state = await readTrustState(file);
      for (const index of accepted) {
        const last = lastSeenSerial(state, index.id);
        if (last !== undefined && last > index.serial) continue;
        state = recordIndex(state, index.id, { serial: index.serial, expires: index.expires, key_id: index.keyId, seen_at: now.toISOString() });
      }
      await writeTextAtomically(file, serializeTrustState(state));
    });
  } catch (err) {
    throw mapFsError(err, `record the verified registry index in ${file}`);
  }
}
