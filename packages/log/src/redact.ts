/** Environment variables whose values must never reach output. */
export const SECRET_ENV_NAMES = ['GITHUB_TOKEN', 'GH_TOKEN', 'RUNWAY_IMAGE_REGISTRY_PASSWORD', 'RUNWAY_TEST_REGISTRY_PASSWORD', 'DOCKER_PASSWORD', 'RUNWAY_SIGNING_KEY'];

/**
 * A piece of a multi-line secret this short is masked only as part of the whole value: masking
 * every 3-letter word of a key's surroundings would garble output without hiding anything.
 */
const MIN_PART_LENGTH = 8;

/**
 * The secret values present in `env`, longest first so overlapping secrets are fully masked. A
 * multi-line value (a PEM or OpenSSH private key) is also split into its lines, each masked on its
 * own: an error or a tool may print one line of it (a base64 line of the key), or the key with
 * other line breaks (`\n` escapes, spaces). Armor lines (`-----BEGIN … KEY-----`) name the format,
 * not the secret, and stay readable.
 */
export function secretsFrom(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name];
    if (!value || value.length < 4) continue;
    secrets.add(value);
    for (const part of secretParts(value)) secrets.add(part);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** The lines (or space-separated chunks) of a value, without armor lines and too-short pieces. */
function secretParts(value: string): string[] {
  if (!/[\s]|\\n/.test(value.trim())) return [];
  return value
    .replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, '\n')
    .split(/\\n|\s+/)
    .filter((part) => part.length >= MIN_PART_LENGTH);
}

/** Replaces every occurrence of each secret in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

/** Wraps a logger so that no line it writes can carry a secret. */
export function redactingLogger<L extends { info(m: string): void; warn(m: string): void; error(m: string): void }>(logger: L, secrets: readonly string[]): L {
  return {
    ...logger,
    info: (m: string) => logger.info(redact(m, secrets)),
    warn: (m: string) => logger.warn(redact(m, secrets)),
    error: (m: string) => logger.error(redact(m, secrets)),
  };
}
