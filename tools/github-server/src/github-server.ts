import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faultInjector, type FaultKind, type FaultPlan } from './fault-plan';
import { requestViolations, responseViolations } from './openapi-validator';
import type { ServerUrls } from './representations';
import { apiRoutes, GREEDY_PARAMS, type Route, type RouteResult } from './routes';
import { ServerState } from './server-state';

/** A running GitHub-compatible server. */
export interface GitHubServer {
  /** `http://127.0.0.1:<port>`: use as GITHUB_SERVER_URL. */
  url: string;
  /** `<url>/api/v3` (GitHub Enterprise Server layout): use as GITHUB_API_URL. */
  apiUrl: string;
  state: ServerState;
  /** Every request or response that broke GitHub's OpenAPI description. Specs assert it stays empty. */
  violations: string[];
  /** Every request in arrival order; status 0 when the server hung up or never answered. */
  requests: Array<{ method: string; path: string; status: number }>;
  setFaults(plan: FaultPlan | undefined): void;
  close(): Promise<void>;
}

export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** When set, writes need `Authorization: token <token>` or `Bearer <token>`, and drafts are hidden from anyone else. */
  token?: string;
  faults?: FaultPlan;
  port?: number;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return GREEDY_PARAMS.has(name) ? '(.+)' : '([^/]+)';
  });
  return { ...route, names, pattern: new RegExp(`^${source}$`) };
}

const compiledRoutes = apiRoutes.map(compile);
const RATE_LIMIT = 5000;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of compiledRoutes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts a stateful GitHub look-alike on 127.0.0.1 (a random port unless `port` is given). Every
 * API exchange is checked against GitHub's OpenAPI description; a violation is recorded and
 * answered with 500 so the client under test fails loudly.
 */
export async function startGitHubServer(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  const state = new ServerState(opts.owner ?? 'runway-test', opts.repo ?? 'runtimes', opts.defaultBranch ?? 'main');
  const violations: string[] = [];
  const requests: GitHubServer['requests'] = [];
  const sockets = new Set<Socket>();
  let faults = faultInjector(opts.faults);
  let used = 0;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let urls: ServerUrls;

  const rateHeaders = (remaining = Math.max(RATE_LIMIT - ++used, 1), reset = resetAt) => ({
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-used': String(RATE_LIMIT - remaining),
    'x-ratelimit-resource': 'core',
  });

  const send = (res: ServerResponse, entry: { status: number }, result: RouteResult, extra: Record<string, string> = {}) => {
    entry.status = result.status;
    const body = result.raw ?? (result.json === undefined ? undefined : Buffer.from(JSON.stringify(result.json)));
    res.writeHead(result.status, {
      ...rateHeaders(),
      ...(result.json !== undefined && { 'content-type': 'application/json; charset=utf-8' }),
      ...(body && { 'content-length': String(body.length) }),
      ...result.headers,
      ...extra,
    });
    res.end(body);
  };

  /** Applies a fault; returns true when the request has been dealt with. */
  const inject = (kind: FaultKind, req: IncomingMessage, res: ServerResponse, entry: { status: number }): void => {
    switch (kind) {
      case 'timeout':
        // Hang: read and drop the body, never answer; the client's timeout (or close()) ends it.
        req.resume();
        return;
      case 'reset':
        // Take part of the body (if any) so an upload is cut mid-stream, then drop the connection.
        if (Number(req.headers['content-length'] ?? 0) > 0) req.once('data', () => req.socket.destroy());
        else req.socket.destroy();
        return;
      case 'rate-limit-403':
        req.resume();
        return send(res, entry, { status: 403, json: { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' } }, rateHeaders(0, Math.floor(Date.now() / 1000) + 1));
      case 'rate-limit-429':
        req.resume();
        return send(res, entry, { status: 429, json: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' } }, { 'retry-after': '1' });
      default:
        req.resume();
        return send(res, entry, { status: Number(kind), json: { message: kind === '500' ? 'Server Error' : kind === '502' ? 'Bad Gateway' : 'Service Unavailable' } });
    }
  };

  const authState = (req: IncomingMessage): 'ok' | 'anonymous' | 'bad' => {
    const header = req.headers.authorization;
    if (!header) return opts.token ? 'anonymous' : 'ok';
    if (!opts.token) return 'ok';
    return /^(token|bearer)\s+(.+)$/i.exec(header)?.[2] === opts.token ? 'ok' : 'bad';
  };

  /** Browser downloads and raw files: web URLs, not part of the REST description. */
  const serveWeb = (req: IncomingMessage, res: ServerResponse, path: string, entry: { status: number }): void => {
    const prefix = `/${state.owner}/${state.repo}/`;
    const blob = /^\/_blobs\/(\d+)$/.exec(path);
    if (blob) {
      const found = state.findAsset(Number(blob[1]));
      return send(res, entry, found ? { status: 200, raw: found.asset.data, headers: { 'content-type': 'application/octet-stream' } } : { status: 404, raw: Buffer.from('Not Found') });
    }
    if (path.startsWith(prefix)) {
      const download = /^releases\/download\/([^/]+)\/([^/]+)$/.exec(path.slice(prefix.length));
      if (download) {
        const [tag, name] = [decodeURIComponent(download[1]), decodeURIComponent(download[2])];
        // Drafts have no public tag yet, so their browser URLs do not resolve (as on GitHub).
        const asset = state.releases.find((r) => r.tagName === tag && !r.draft)?.assets.find((a) => a.name === name);
        return send(res, entry, asset ? { status: 302, headers: { location: `${urls.url}/_blobs/${asset.id}` } } : { status: 404, raw: Buffer.from('Not Found') });
      }
      const raw = new RegExp(`^raw/${state.defaultBranch}/(.+)$`).exec(path.slice(prefix.length));
      const file = raw && state.files.get(decodeURIComponent(raw[1]));
      if (file) return send(res, entry, { status: 200, raw: file.data, headers: { 'content-type': 'text/plain; charset=utf-8', etag: `"${file.sha}"` } });
    }
    send(res, entry, { status: 404, raw: Buffer.from('Not Found') });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', urls.url);
    const entry = { method, path: parsed.pathname, status: 0 };
    requests.push(entry);
    const base = ['/api/v3', '/api/uploads'].find((b) => parsed.pathname.startsWith(`${b}/`));
    if (!base) return serveWeb(req, res, parsed.pathname, entry);
    const apiPath = parsed.pathname.slice(base.length);

    const fault = faults.pick(method, apiPath);
    if (fault) return inject(fault, req, res, entry);

    const found = match(method, apiPath);
    // Uploads live on their own origin on GitHub; only the upload operation is reachable there.
    const isUpload = found?.route.template.endsWith('/releases/{release_id}/assets') && method === 'POST';
    if (!found || (base === '/api/uploads') !== !!isUpload) {
      req.resume();
      return send(res, entry, { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    }
    const { route, params } = found;
    const body = await readBody(req);
    const contentType = req.headers['content-type'];
    const auth = authState(req);
    const fail = (problems: string[]) => {
      violations.push(...problems);
      send(res, entry, { status: 500, json: { message: `OpenAPI violation: ${problems.join('; ')}` } });
    };

    let json: unknown;
    if (!isUpload && body.length) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return fail([`${method} ${route.template}: request body is not JSON`]);
      }
    }
    const query = Object.fromEntries(parsed.searchParams);
    const problems = requestViolations(method, route.template, { params, query, contentType, body: json });
    if (problems.length) return fail(problems);

    if (auth === 'bad') return send(res, entry, { status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    if (auth === 'anonymous' && WRITE_METHODS.has(method)) return send(res, entry, { status: 401, json: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' } });
    if (params.owner?.toLowerCase() !== state.owner.toLowerCase() || params.repo?.toLowerCase() !== state.repo.toLowerCase()) {
      return send(res, entry, { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    }

    const result = route.handle({ state, urls, params, query, headers: req.headers, body, json: json ?? {}, authenticated: auth === 'ok' });
    const bad = responseViolations(method, route.template, result.status, result.raw ? result.headers?.['content-type'] : 'application/json', result.json);
    if (bad.length) return fail(bad);
    send(res, entry, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`server error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'internal test server error' }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  urls = { url, apiUrl: `${url}/api/v3`, uploadsUrl: `${url}/api/uploads` };

  return {
    url,
    apiUrl: urls.apiUrl,
    state,
    violations,
    requests,
    setFaults: (plan) => {
      faults = faultInjector(plan);
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung (timeout-fault) and keep-alive connections would otherwise hold close() forever.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
