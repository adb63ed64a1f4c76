import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { lastSeenSerial } from '@runway/trust';
import { parseRegistriesConfig } from './settings';
import { readTrustState, recordAcceptedIndexes, trustStateFile } from './trust-state-file';

const seen = (id: string, serial: number) => ({ id, serial, expires: '2999-01-01T00:00:00Z', keyId: 'SHA256:k' });

describe('the trust state file', () => {
  it('starts empty, keeps the highest serial per registry under concurrent writers, and never lowers one', async () => {
    const file = trustStateFile(join(await testdir(), 'state', 'runway'));
    expect((await readTrustState(file)).registries).toEqual({});
    const now = new Date('2025-06-01T00:00:00Z');
    await Promise.all([3, 9, 7, 1, 8].map((n) => recordAcceptedIndexes(file, [seen('https://a/registry.json', n), seen(`/reg/${n}`, n)], now)));
    const state = await readTrustState(file);
    expect(lastSeenSerial(state, 'https://a/registry.json')).toBe(9);
    expect(Object.keys(state.registries).sort()).toEqual(['/reg/1', '/reg/3', '/reg/7', '/reg/8', '/reg/9', 'https://a/registry.json']);
    expect(state.registries['/reg/7']).toEqual({ serial: 7, expires: '2999-01-01T00:00:00Z', key_id: 'SHA256:k', seen_at: '2025-06-01T00:00:00.000Z' });
    await recordAcceptedIndexes(file, [seen('https://a/registry.json', 4)], now);
    expect(lastSeenSerial(await readTrustState(file), 'https://a/registry.json')).toBe(9);
    expect(await readFile(file, 'utf8')).toMatch(/^\{\n {2}"version": 1,\n/);
  });

  it('treats a state it cannot read as an error, never as empty', async () => {
    for (const [what, make, message] of [
      ['damaged', (file: string) => writeFile(file, '{"version": 1, "registries": {"x": {"serial": "5"}}}'), /trust-state\.json: the entry of "x" is malformed/],
      ['not JSON', (file: string) => writeFile(file, 'garbage'), /trust-state\.json: not JSON/],
      ['a folder', (file: string) => mkdir(file), /the trust state .*trust-state\.json is not a regular file/],
    ] as const) {
      const file = trustStateFile(await testdir());
      await make(file);
      const read = readTrustState(file);
      await expect(read, what).rejects.toBeInstanceOf(UserError);
      await expect(read, what).rejects.toThrowError(message);
      await expect(recordAcceptedIndexes(file, [seen('r', 1)], new Date()), what).rejects.toThrowError(message);
    }
    const dangling = trustStateFile(await testdir());
    await symlink('/nonexistent/trust-state.json', dangling);
    await expect(readTrustState(dangling)).rejects.toThrowError(/does not exist/);
  });
});

describe('registries config with keys', () => {
  it('reads sources and the keys pinned for each, relative to the config file', () => {
    const text = 'registries:\n  - ./dist/registry\n  - source: acme/runtimes\n    keys:\n      - ~/.config/runway/acme.pub\n      - keys/next.pub\n      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOaQ next\n';
    expect(parseRegistriesConfig(text, '/etc/runway/registries.yaml', '/home/u')).toEqual([
      { source: './dist/registry', keys: [], keysBase: '/etc/runway' },
      { source: 'acme/runtimes', keys: ['/home/u/.config/runway/acme.pub', 'keys/next.pub', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOaQ next'], keysBase: '/etc/runway' },
    ]);
  });

  it.each([
    ['registries:\n  - source: acme/runtimes\n    key: a.pub\n', /registries\[0\] has unknown field\(s\) "key"/],
    ['registries:\n  - source: acme/runtimes\n    keys: a.pub\n', /registries\[0\]: "keys" must be a list of public key files or ssh-ed25519 lines/],
    ['registries:\n  - keys: [a.pub]\n', /registries\[0\]: "source" must be a registry address/],
    ['registries:\n  - ""\n', /registries\[0\] is neither a registry address nor \{ source, keys \}/],
    ['registries: x\n', /"registries" must be a list of registry addresses/],
  ])('refuses %j', (text, message) => expect(() => parseRegistriesConfig(text, '/c.yaml', '/h')).toThrowError(message));
});
