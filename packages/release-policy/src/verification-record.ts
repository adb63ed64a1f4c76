import { UserError } from '@runway/errors';
import { VERIFICATION_FILE, type VerificationRecord } from './promotion-plan';

/** A record is a few KiB; anything this large was not written by `runway release validate`. */
export const MAX_VERIFICATION_RECORD_BYTES = 1024 * 1024;
const MAX_ENTRIES = 10_000;
const MAX_KEY_LENGTH = 500;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Pure: the record's bytes as the release asset holds them (2-space indent, final newline, sorted maps). */
export function serializeVerificationRecord(record: VerificationRecord): string {
  const sorted = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({
    tag: record.tag, commit: record.commit, passed: record.passed, images: sorted(record.images),
    ...(record.assets ? { assets: sorted(record.assets) } : {}),
  }, null, 2)}\n`;
}

/**
 * Pure: reads a `VERIFICATION.json` that comes from a release (hostile input): bounded in size and
 * entries, every field of the right shape (`commit` a full sha, image digests `sha256:<64 hex>`,
 * asset checksums 64 hex, asset names plain file names).
 * @param where names the file in messages, e.g. `VERIFICATION.json of v1.3.0-rc.1`.
 * @throws UserError saying what is wrong and to validate the release again.
 */
export function parseVerificationRecord(text: string, where: string = VERIFICATION_FILE): VerificationRecord {
  const refuse = (problem: string): never => {
    throw new UserError(`${where} is not a valid verification record: ${problem}`, {
      hint: 'it is written by "runway release validate <tag>"; run that again to replace it',
    });
  };
  if (text.length > MAX_VERIFICATION_RECORD_BYTES) refuse(`it is larger than ${MAX_VERIFICATION_RECORD_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return refuse('it is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return refuse('it is not a JSON object');
  const value = doc as Record<string, unknown>;
  const known = new Set(['tag', 'commit', 'passed', 'images', 'assets']);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length > 0) refuse(`unknown field "${unknown[0].slice(0, 80)}"`);
  if (typeof value.tag !== 'string' || value.tag.length === 0 || value.tag.length > 200 || !/^[\x21-\x7e]+$/.test(value.tag)) refuse('"tag" must be a tag name');
  if (typeof value.commit !== 'string' || !COMMIT.test(value.commit)) refuse('"commit" must be a full commit sha (40 or 64 lowercase hex)');
  if (typeof value.passed !== 'boolean') refuse('"passed" must be true or false');
  const images = stringMap(value.images, '"images"', refuse, (k) => k.length > 0 && !/\s/.test(k), (v) => DIGEST.test(v), 'sha256:<64 hex> digests');
  const assets = value.assets === undefined ? undefined
    : stringMap(value.assets, '"assets"', refuse, (k) => k.length > 0 && !k.includes('/') && k !== '.' && k !== '..' && !/[\x00-\x1f]/.test(k), (v) => SHA256.test(v), '64-hex sha256 values');
  return { tag: value.tag as string, commit: value.commit as string, passed: value.passed as boolean, images, ...(assets ? { assets } : {}) };
}

/** A bounded object of string → string, every key and value checked; built without a prototype. */
function stringMap(
  value: unknown, name: string, refuse: (problem: string) => never,
  keyOk: (key: string) => boolean, valueOk: (value: string) => boolean, valuesAre: string,
): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(`${name} must be an object`);
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) refuse(`${name} has more than ${MAX_ENTRIES} entries`);
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of entries) {
    if (k.length > MAX_KEY_LENGTH || !keyOk(k)) refuse(`${name} has an invalid key "${k.slice(0, 80)}"`);
    if (typeof v !== 'string' || !valueOk(v)) refuse(`${name}["${k.slice(0, 80)}"] is not one of the ${valuesAre}`);
    out[k] = v as string;
  }
  return out;
}
