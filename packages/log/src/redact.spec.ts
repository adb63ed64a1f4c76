import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatPrivateKey, signingKeyFromKeyObject } from '@runway/trust';
import { memoryLogger, redact, redactingLogger, secretsFrom } from '.';

/** A real OpenSSH Ed25519 private key, as `runway keys generate` writes it. */
function privateKeyText(): string {
  return formatPrivateKey(signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'release'));
}

const bodyLines = (key: string) => key.split('\n').filter((l) => l && !l.startsWith('-----'));

describe('secretsFrom / redact', () => {
  it('masks the signing key whole and every line of it on its own, keeping the armor lines readable', () => {
    const key = privateKeyText();
    const lines = bodyLines(key);
    expect(lines.length).toBeGreaterThan(3);
    const secrets = secretsFrom({ RUNWAY_SIGNING_KEY: key });
    const logger = memoryLogger();
    const log = redactingLogger(logger, secrets);
    log.info(`the key: ${key}`);
    for (const line of lines) log.warn(`could not parse line "${line}"`);
    log.error(`flattened: ${key.replace(/\n/g, '\\n')} and ${key.replace(/\n/g, ' ')}`);
    const out = logger.lines.join('\n');
    for (const line of lines) expect(out).not.toContain(line);
    expect(out).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(out).toContain('could not parse line "***"');
  });

  it('keeps a one-line secret one secret and ignores values too short to be one', () => {
    expect(secretsFrom({ GITHUB_TOKEN: 'ghp_abc def', GH_TOKEN: 'abc', RUNWAY_SIGNING_KEY: '' })).toEqual(['ghp_abc def']);
    expect(redact('token=ghp_abc def; path /k/release', secretsFrom({ GITHUB_TOKEN: 'ghp_abc def', RUNWAY_SIGNING_KEY: '/k/release' }))).toBe('token=***; path ***');
  });
});
