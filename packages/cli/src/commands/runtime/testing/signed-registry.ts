import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addEntry, emptyRegistry, serializeRegistry, type Registry, type RegistryEntry } from '@runway/registry';
import { generateKeyFiles, readSigningKey } from '@runway/signing';
import { testdir, tgzBytes } from '@runway/test-utils';
import { nextIndexMetadata, releaseTrustFiles, signIndex, type SigningKey } from '@runway/trust';

/** A release key made in the test with `@runway/signing`, as `runway keys generate` makes it. */
export interface ReleaseKey {
  key: SigningKey;
  /** The `.pub` file to pin. */
  publicKeyFile: string;
  /** Its `ssh-ed25519 AAAA… comment` line. */
  publicKeyLine: string;
  privateKeyFile: string;
}

export async function releaseKey(comment: string): Promise<ReleaseKey> {
  const dir = await testdir();
  const generated = await generateKeyFiles(join(dir, comment), { comment });
  return {
    key: await readSigningKey(generated.privateKeyPath),
    publicKeyFile: generated.publicKeyPath,
    publicKeyLine: (await readFile(generated.publicKeyPath, 'utf8')).trim(),
    privateKeyFile: generated.privateKeyPath,
  };
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A published release in the registry folder. */
export interface Published {
  tag: string;
  /** `releases/download/<tag>/`, absolute. */
  folder: string;
  /** The package file name. */
  file: string;
  bytes: Buffer;
  entry: RegistryEntry;
}

/**
 * A directory registry as a signing release writes it: each release folder holds the package,
 * `SHA256SUMS`, `SHA256SUMS.sig` and `provenance.intoto.jsonl` (`releaseTrustFiles`); the index
 * is `registry.json` with `serial`/`expires` (`nextIndexMetadata`) next to `registry.json.sig`
 * (`signIndex`). `writeIndex` re-signs on demand, so specs can replay, expire or tamper.
 */
export class SignedRegistry {
  registry: Registry = emptyRegistry(new Date('2025-01-01T00:00:00Z'));
  /** The last index written, parsed. */
  private previous: unknown;

  constructor(readonly dir: string, readonly key: SigningKey) {}

  static async create(key: SigningKey): Promise<SignedRegistry> {
    return new SignedRegistry(await testdir(), key);
  }

  /** Packs `files` under `<name>/` and publishes it as `<name>@<version>`, signed with `signWith` (default: the registry's key). */
  async publish(name: string, version: string, files: Record<string, string>, platforms: string[], signWith: SigningKey = this.key): Promise<Published> {
    const bytes = tgzBytes([{ path: `${name}/`, type: '5' }, ...Object.entries(files).map(([path, content]) => ({ path: `${name}/${path}`, content, mode: 0o755 }))]);
    const tag = `${name}@${version}`;
    const file = `${name}-${version}.tar.gz`;
    const folder = join(this.dir, 'releases', 'download', tag);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, file), bytes);
    await this.writeTrustFiles(folder, tag, name, version, [{ name: file, sha256: sha256Hex(bytes) }], signWith);
    const entry: RegistryEntry = {
      version, description: `${name} ${version}`, download_url: `releases/download/${tag}/${file}`,
      checksum: `sha256:${sha256Hex(bytes)}`, size: bytes.length, platforms,
    };
    this.registry = addEntry(this.registry, name, entry, new Date('2025-01-01T00:00:00Z')).registry;
    return { tag, folder, file, bytes, entry };
  }

  /** (Re)writes a release folder's trust files for `assets` (names and sha256). */
  async writeTrustFiles(folder: string, tag: string, name: string, version: string, assets: { name: string; sha256: string }[], signWith: SigningKey = this.key): Promise<void> {
    const files = releaseTrustFiles({
      key: signWith,
      provenance: {
        assets, tag,
        source: { repository: 'https://github.com/acme/runtimes', commit: 'c'.repeat(40), ref: `refs/tags/${tag}` },
        projects: [{ name, kind: 'runtime', version, path: `runtimes/${name}` }],
        builder: { id: `https://github.com/acme/runtimes/.github/workflows/release-runtime.yml@refs/tags/${tag}` },
      },
    });
    for (const f of files) await writeFile(join(folder, f.name), f.bytes);
  }

  /**
   * Writes `registry.json` with the next serial (or `serial`) and an expiry (`expires`, default 90
   * days from now) and, unless `signWith` is null, `registry.json.sig` over its exact bytes.
   */
  async writeIndex(options: { serial?: number; expires?: string; signWith?: SigningKey | null } = {}): Promise<{ bytes: Buffer; signature?: string }> {
    const metadata = nextIndexMetadata(this.previous, new Date());
    const doc = { ...this.registry, serial: options.serial ?? metadata.serial, expires: options.expires ?? metadata.expires };
    const bytes = Buffer.from(serializeRegistry(doc));
    this.previous = doc;
    await writeFile(join(this.dir, 'registry.json'), bytes);
    const signWith = options.signWith === undefined ? this.key : options.signWith;
    if (signWith === null) {
      await rm(join(this.dir, 'registry.json.sig'), { force: true });
      return { bytes };
    }
    const signature = signIndex(bytes, signWith);
    await writeFile(join(this.dir, 'registry.json.sig'), signature);
    return { bytes, signature };
  }
}
