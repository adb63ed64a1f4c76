import { InternalError, UserError } from '@runway/errors';
import { isObject, parseJsonObject } from './json';
import type { IndexMetadata } from './signed-index';

/**
 * What a verifying client must remember between runs: per registry, the highest index serial it
 * accepted. Without it a replayed older (but validly signed) index cannot be told from the current
 * one. Persisted as JSON (`version: 1`); keys are registry ids chosen by the client (the canonical
 * registry URL or absolute path), looked up without touching object prototypes.
 */
export interface TrustState {
  version: 1;
  registries: Record<string, SeenIndex>;
}

/** The newest signed index accepted from one registry. */
export interface SeenIndex extends IndexMetadata {
  /** Key fingerprint that signed it. */
  key_id: string;
  /** When it was accepted (RFC 3339). */
  seen_at: string;
}

const MAX_STATE_BYTES = 4 * 1024 * 1024;

/** A state that has seen nothing. */
export function emptyTrustState(): TrustState {
  return { version: 1, registries: Object.create(null) as Record<string, SeenIndex> };
}

/** The highest serial accepted from `registryId`, or undefined when none was (first use: trust on first sight). */
export function lastSeenSerial(state: TrustState, registryId: string): number | undefined {
  return Object.hasOwn(state.registries, registryId) ? state.registries[registryId].serial : undefined;
}

/**
 * The state after accepting a checked index from `registryId`. Never lowers a serial (a lower one
 * here is a bug: `checkIndex` refuses it first); an equal serial updates the other fields. Returns
 * a new state; `state` is not changed.
 */
export function recordIndex(state: TrustState, registryId: string, seen: SeenIndex): TrustState {
  const registries = Object.assign(Object.create(null) as Record<string, SeenIndex>, state.registries);
  const previous = lastSeenSerial(state, registryId);
  if (previous !== undefined && seen.serial < previous) throw new InternalError(`refusing to record serial ${seen.serial} for ${registryId}: serial ${previous} was already seen`);
  registries[registryId] = { serial: seen.serial, expires: seen.expires, key_id: seen.key_id, seen_at: seen.seen_at };
  return { version: 1, registries };
}

/** The state file text: registries sorted, 2-space indent, final newline. */
export function serializeTrustState(state: TrustState): string {
  const registries = Object.fromEntries(Object.keys(state.registries).sort().map((id) => [id, state.registries[id]]));
  return `${JSON.stringify({ version: 1, registries }, null, 2)}\n`;
}

/**
 * Reads the state file strictly. An unreadable state is a `UserError` and never silently an empty
 * state: forgetting the serials would re-open the door to replayed indexes.
 */
export function parseTrustState(text: string, source: string): TrustState {
  const bad = (why: string) => new UserError(`${source}: ${why}`, { hint: `restore the file from a backup; deleting it makes this client accept any validly signed index once (trust on first use)` });
  const parsed = parseJsonObject(text, MAX_STATE_BYTES);
  if ('problem' in parsed) throw bad(parsed.problem);
  const doc = parsed.value;
  if (doc.version !== 1 || !isObject(doc.registries)) throw bad('not a Runway trust state (version 1)');
  const state = emptyTrustState();
  for (const [id, seen] of Object.entries(doc.registries)) {
    if (!isObject(seen) || !Number.isSafeInteger(seen.serial) || (seen.serial as number) < 1 || typeof seen.expires !== 'string' || typeof seen.key_id !== 'string' || typeof seen.seen_at !== 'string') {
      throw bad(`the entry of ${JSON.stringify(id)} is malformed`);
    }
    state.registries[id] = { serial: seen.serial as number, expires: seen.expires, key_id: seen.key_id, seen_at: seen.seen_at };
  }
  return state;
}
