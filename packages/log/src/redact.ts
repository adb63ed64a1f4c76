/** Environment variables whose values must never reach output. */
export const SECRET_ENV_NAMES = ['GITHUB_TOKEN', 'GH_TOKEN', 'RUNWAY_IMAGE_REGISTRY_PASSWORD', 'RUNWAY_TEST_REGISTRY_PASSWORD', 'DOCKER_PASSWORD'];

/** The secret values present in `env`, longest first so overlapping secrets are fully masked. */
export function secretsFrom(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_NAMES.map((n) => env[n]).filter((v): v is string => !!v && v.length >= 4).sort((a, b) => b.length - a.length);
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
