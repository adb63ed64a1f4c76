import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addEntry, emptyRegistry, serializeRegistry } from '@runway/registry';
import { testdir } from '@runway/test-utils';
import { checkIndex } from '@runway/trust';
import { runway } from '../runtime/testing/cli';
import { releaseKey } from '../runtime/testing/signed-registry';

const entry = { version: '1.0.0', description: 'x', download_url: 'releases/download/x@1.0.0/x-1.0.0.tar.gz', checksum: `sha256:${'a'.repeat(64)}`, size: 3, platforms: ['ubuntu-amd64'] };

describe('runway registry resign', () => {
  it('signs an unsigned registry, then grows the serial on every run; entries stay byte-identical; --dry-run changes nothing', async () => {
    const key = await releaseKey('runway-release');
    const root = await testdir();
    const dir = join(root, 'dist', 'registry');
    const unsigned = serializeRegistry(addEntry(emptyRegistry(new Date('2026-01-01T00:00:00Z')), 'x', entry, new Date('2026-01-01T00:00:00Z')).registry);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'registry.json'), unsigned);
    const env = { RUNWAY_SIGNING_KEY: await readFile(key.privateKeyFile, 'utf8') };

    const dry = await runway(['registry', 'resign', '--dry-run', '--json'], root, { cwd: root, env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: 'planned', serial: 1, keyId: key.key.publicKey.keyId });
    expect(dry.stderr).toContain(`would re-sign ${join(dir, 'registry.json')}: serial (unsigned) → 1`);
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(unsigned);

    for (const serial of [1, 2]) {
      const run = await runway(['registry', 'resign', '--json'], root, { cwd: root, env });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'resigned', serial });
      const bytes = await readFile(join(dir, 'registry.json'));
      const check = checkIndex({ bytes, signature: await readFile(join(dir, 'registry.json.sig'), 'utf8'), pinnedKeys: [key.key.publicKey], now: new Date() });
      expect(check).toMatchObject({ ok: true, serial });
      expect(JSON.parse(bytes.toString()).runtimes).toEqual(JSON.parse(unsigned).runtimes);
      expect(`${run.stdout}${run.stderr}`).not.toContain((await readFile(key.privateKeyFile, 'utf8')).split('\n')[1]);
    }

    const noKey = await runway(['registry', 'resign'], root, { cwd: root });
    expect(noKey.exitCode).toBe(1);
    expect(noKey.stderr).toContain('cannot re-sign the registry: RUNWAY_SIGNING_KEY is not set');
    const empty = await runway(['registry', 'resign', '--registry-dir', 'elsewhere'], root, { cwd: root, env });
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toContain(`there is no registry to re-sign at ${join(root, 'elsewhere', 'registry.json')}`);
  });
});
