import { createHash } from 'node:crypto';
import { TransientError, UserError } from '@runway/errors';
import type { RegistryCredentials } from './docker-api';
import { ENV_CREDENTIALS } from './registry-credentials';

/** Every manifest type a registry may store for an image; sent as Accept so none is converted. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** A manifest exactly as stored: the bytes matter, the digest is their sha256. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** The Registry HTTP API v2 operations Runway uses. */
export interface RegistryClient {
  readonly host: string;
  /** Checks that the registry answers and accepts the credentials (fails with a UserError). */
  ping(): Promise<void>;
  /** `HEAD /v2/<path>/manifests/<reference>` → the `Docker-Content-Digest`, or undefined on 404. */
  manifestDigest(path: string, reference: string): Promise<string | undefined>;
  getManifest(path: string, reference: string): Promise<StoredManifest | undefined>;
  /** Stores `manifest` under `tag`; the registry answers with the digest, which must not change. */
  putManifest(path: string, tag: string, manifest: StoredManifest): Promise<void>;
  /** `GET /v2/<path>/tags/list`; an unknown repository has no tags. */
  listTags(path: string): Promise<string[]>;
  /** Uploads `bytes` as a blob (monolithic upload; skipped when the registry has it) → its `sha256:<hex>` digest. */
  pushBlob(path: string, bytes: Uint8Array): Promise<string>;
}

export interface RegistryClientOptions {
  host: string;
  credentials?: RegistryCredentials;
  /** Use plain HTTP. Default: only for loopback hosts, as Docker does. */
  insecure?: boolean;
}

type Challenge = { scheme: string; params: Record<string, string> };

/**
 * A Registry v2 client over fetch. Authenticates on demand: a 401 challenge selects Basic auth
 * or the Bearer token flow (token from the realm, for the requested scope, cached per scope).
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const { host, credentials } = options;
  const apiHost = host === 'docker.io' ? 'registry-1.docker.io' : host;
  const insecure = options.insecure ?? /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const base = `${insecure ? 'http' : 'https'}://${apiHost}`;
  const authByScope = new Map<string, string>();
  // Basic credentials hold for every scope: remembered once, they save a 401 round trip per repository.
  let basicAuth: string | undefined;

  const rejected = () => new UserError(
    credentials
      ? `registry ${host} rejected the credentials of user "${credentials.username}" (from ${credentials.source})`
      : `registry ${host} requires credentials and none were given`,
    { hint: credentials?.source === ENV_CREDENTIALS || !credentials
      ? `set RUNWAY_IMAGE_REGISTRY_USER and RUNWAY_IMAGE_REGISTRY_PASSWORD to valid credentials for ${host} (or run docker login ${host})`
      : `run docker login ${host} again, or set RUNWAY_IMAGE_REGISTRY_USER and RUNWAY_IMAGE_REGISTRY_PASSWORD` },
  );

  async function authorize(challenge: Challenge, scope: string): Promise<string> {
    if (challenge.scheme === 'basic') {
      if (!credentials) throw rejected();
      basicAuth = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return basicAuth;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) {
      throw new UserError(`registry ${host} asks for unsupported authentication "${challenge.scheme}"`, { hint: 'use a registry with Basic or Bearer token auth' });
    }
    const url = new URL(challenge.params.realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    if (scope) url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    const res = await send(url.toString(), { headers });
    if (res.status === 401 || res.status === 403) throw rejected();
    if (!res.ok) throw statusError(res, `getting a token from ${url.origin}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint ${url.origin} returned no token`);
    return `Bearer ${token}`;
  }

  async function request(method: string, path: string, scope: string, init: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<Response> {
    const url = `${base}${path}`;
    const attempt = () => {
      const auth = authByScope.get(scope) ?? basicAuth;
      return send(url, { method, body: init.body, headers: { ...init.headers, ...(auth ? { authorization: auth } : {}) } });
    };
    let res = await attempt();
    if (res.status === 401) {
      await res.arrayBuffer();
      const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
      authByScope.set(scope, await authorize(challenge, scope));
      res = await attempt();
      if (res.status === 401) throw rejected();
    }
    if (res.status === 403) throw new UserError(`registry ${host} denied ${method} ${path} to ${credentials ? `user "${credentials.username}"` : 'anonymous access'}`, {
      hint: `grant push access to ${path.split('/manifests/')[0].replace(/^\/v2\//, '')} or use other credentials`,
    });
    return res;
  }

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      throw new TransientError(`cannot reach registry ${host} (${url}): ${(err as Error).message}`, { cause: err });
    }
  }

  const pull = (path: string) => `repository:${path}:pull`;
  const manifestHeaders = { accept: MANIFEST_MEDIA_TYPES.join(', ') };

  return {
    host,
    async ping() {
      const res = await request('GET', '/v2/', '');
      await res.arrayBuffer();
      if (!res.ok) throw statusError(res, `checking ${base}/v2/`);
    },
    async manifestDigest(path, reference) {
      const res = await request('HEAD', `/v2/${path}/manifests/${reference}`, pull(path), { headers: manifestHeaders });
      if (res.status === 404) return undefined;
      if (!res.ok) throw statusError(res, `HEAD ${path}:${reference}`);
      const digest = res.headers.get('docker-content-digest');
      if (!digest) throw new Error(`registry ${host} sent no Docker-Content-Digest for ${path}:${reference}`);
      return digest;
    },
    async getManifest(path, reference) {
      const res = await request('GET', `/v2/${path}/manifests/${reference}`, pull(path), { headers: manifestHeaders });
      if (res.status === 404) {
        await res.arrayBuffer();
        return undefined;
      }
      if (!res.ok) throw statusError(res, `GET ${path}:${reference}`);
      const body = Buffer.from(await res.arrayBuffer());
      const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
      const digest = res.headers.get('docker-content-digest') ?? '';
      return { digest, mediaType, body };
    },
    async putManifest(path, tag, manifest) {
      const res = await request('PUT', `/v2/${path}/manifests/${tag}`, `repository:${path}:pull,push`, {
        headers: { 'content-type': manifest.mediaType }, body: manifest.body,
      });
      await res.arrayBuffer();
      if (!res.ok) throw statusError(res, `PUT ${path}:${tag}`);
      const digest = res.headers.get('docker-content-digest');
      if (manifest.digest && digest && digest !== manifest.digest) {
        throw new Error(`registry ${host} stored ${path}:${tag} as ${digest}, expected ${manifest.digest}`);
      }
    },
    async listTags(path) {
      const res = await request('GET', `/v2/${path}/tags/list`, pull(path));
      if (res.status === 404) {
        await res.arrayBuffer();
        return [];
      }
      if (!res.ok) throw statusError(res, `listing tags of ${path}`);
      return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
    },
    async pushBlob(path, bytes) {
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const scope = `repository:${path}:pull,push`;
      const head = await request('HEAD', `/v2/${path}/blobs/${digest}`, scope);
      if (head.ok) return digest;
      const started = await request('POST', `/v2/${path}/blobs/uploads/`, scope);
      await started.arrayBuffer();
      const location = started.headers.get('location');
      if (started.status !== 202 || !location) throw statusError(started, `starting a blob upload to ${path}`);
      // The Location may be absolute or relative to the registry, and may carry a query already.
      const url = new URL(location, `${base}/`);
      url.searchParams.set('digest', digest);
      const done = await request('PUT', `${url.pathname}${url.search}`, scope, { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(bytes) });
      await done.arrayBuffer();
      if (done.status !== 201) throw statusError(done, `uploading a blob to ${path}`);
      return digest;
    },
  };
}

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string): Challenge {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  const params: Record<string, string> = {};
  for (const p of (m?.[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) params[p[1].toLowerCase()] = p[2];
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}

function statusError(res: Response, what: string): Error {
  const message = `${what}: registry answered ${res.status} ${res.statusText}`;
  return res.status >= 500 || res.status === 429 ? new TransientError(message) : new Error(message);
}
