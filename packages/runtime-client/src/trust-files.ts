import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { discard, httpGet, readLocalText, readText, type Deadline, type ReadLimit } from '@runway/safe-archive';

/** Cap on a fetched `registry.json.sig`: an SSH signature is a few hundred bytes (the parser refuses over 8 KiB). */
export const MAX_SIGNATURE_FILE_BYTES = 64 * 1024;
/** Cap on a fetched `provenance.intoto.jsonl`, the bound its parser applies. */
export const MAX_PROVENANCE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a trust file published next to a registry or a package (`file:` or http(s)), bounded by
 * `limit`: its text, or null when there is none. Any answer but a 2xx counts as none (a static
 * host answers 403 for a missing object as often as 404): with a key pinned the check then
 * refuses it as missing, without one the registry is simply unsigned. Network failures, 5xx and a
 * passed deadline are `TransientError`s, as for every read.
 */
export async function fetchTrustFile(url: string, opts: { limit: ReadLimit; timeoutMs: number; deadline: Deadline; headers?: Record<string, string> }): Promise<string | null> {
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    // Anything but "no such file" is left to the read, which reports it.
    const present = await stat(path).then(() => true, (err: NodeJS.ErrnoException) => err.code !== 'ENOENT');
    if (!present) return null;
    return readLocalText(path, opts.limit);
  }
  const res = await httpGet(url, { headers: opts.headers, timeoutMs: opts.timeoutMs, deadline: opts.deadline });
  if (!res.ok) {
    discard(res);
    return null;
  }
  return readText(res, opts.limit);
}

/** The address of the detached signature of the registry at `url`: `<file>.sig` next to it (`registry.json.sig`). */
export function signatureUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname}.sig`;
  return parsed.href;
}
