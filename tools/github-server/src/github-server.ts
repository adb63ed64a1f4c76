import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BareRepo } from './bare-repo';
import { faultInjector, losesResponse, type FaultKind, type FaultPlan, type LostResponse } from './fault-plan';
import { describedOperation, preloadSpec, requestViolations, responseViolations } from './openapi-validator';
import { RepoView } from './repo-view';
import type { ServerUrls } from './representations';
import { NOT_FOUND, type Route, type RouteResult } from './route-kit';
import { apiRoutes, GREEDY_PARAMS } from './routes';
import { ServerState } from './server-state';
import { serveWeb } from './web-routes';

/** One request as the server saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  /** The status sent; 0 when the server hung up or never answered. */
  status: number;
  /** The fault injected into this request, if any. */
  fault?: FaultKind;
}

/** A running GitHub-compatible server. */
export interface GitHubServer {
  /** `http://127.0.0.1:<port>`: use as GITHUB_SERVER_URL. */
  url: string;
  /** `<url>/api/v3` (GitHub Enterprise Server layout): use as GITHUB_API_URL. */
  apiUrl: string;
  /** `owner/repo`: use as GITHUB_REPOSITORY. */
  repository: string;
  /** The bare repository behind the API: branches, tags, commits and files. Push to `git.path`. */
  git: BareRepo;
  /** Releases and assets. */
  state: ServerState;
  /** Every contract violation (request or response against GitHub's OpenAPI description, an operation the server does not serve) and server error. */
  violations: string[];
  /** Every request in arrival order. */
  requests: RequestRecord[];
  /** Throws, listing them, when there was any violation. Every spec that uses the server calls it. */
  assertNoViolations(): void;
  /**
   * Resolves once every request received so far has been handled, answered or not: after a
   * client gave up on a slow or lost answer, the state to assert is the one after that request.
   */
  settled(): Promise<void>;
  setFaults(plan: FaultPlan | undefined): void;
  /** Stops the server; removes the bare repo when the server made it. */
  close(): Promise<void>;
}

export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  /**
   * A bare repository to serve (e.g. the `origin` of a test workspace); its HEAD is the default
   * branch. Without it the server makes its own in a temp folder, with one empty commit on
   * `defaultBranch`, and removes it on close.
   */
  bareRepo?: string;
  /** The default branch of the repository the server makes; not allowed with `bareRepo`. */
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
const SERVER_ERRORS: Record<string, string> = { '500': 'Server Error', '502': 'Bad Gateway', '503': 'Service Unavailable' };

function serverError(status: string): RouteResult {
  return { status: Number(status), json: { message: SERVER_ERRORS[status] } };
}

/** The route serving `method path`; throws `URIError` for a malformed percent-escape. */
function match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of compiledRoutes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

/** The whole body, or undefined when the client went away before sending it (its timeout, a reset). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('close', () => !req.complete && resolve(undefined));
    req.on('error', () => resolve(undefined));
  });
}

/** Runs tasks one at a time, in arrival order. */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function openRepo(opts: GitHubServerOptions): Promise<{ repo: BareRepo; owned: boolean }> {
  if (!opts.bareRepo) return { repo: await BareRepo.create(opts.defaultBranch ?? 'main'), owned: true };
  if (opts.defaultBranch) throw new Error('startGitHubServer: defaultBranch applies to the repository the server makes; with bareRepo, its HEAD is the default branch');
  const repo = new BareRepo(opts.bareRepo);
  const bare = await repo.run(['rev-parse', '--is-bare-repository']);
  if (bare.stdout.toString().trim() !== 'true') throw new Error(`startGitHubServer: ${opts.bareRepo} is not a bare git repository (make one with: git init --bare)`);
  return { repo, owned: false };
}

/**
 * Starts a stateful GitHub look-alike on 127.0.0.1 (a random port unless `port` is given) whose
 * git side is a real bare repository. Every API exchange is checked against GitHub's OpenAPI
 * description; a violation is recorded and answered with 400, a status clients do not retry, so
 * the client under test fails at once and `assertNoViolations()` says why.
 */
export async function startGitHubServer(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  const [{ repo, owned }] = await Promise.all([openRepo(opts), preloadSpec()]);
  const state = new ServerState(opts.owner ?? 'runway-test', opts.repo ?? 'runtimes');
  const violations: string[] = [];
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  // Writes run one at a time: each checks, then changes git and the releases, without another
  // write in between (two publishes of one tag cannot both pass the check).
  const exclusive = serialQueue();
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

  const send = (res: ServerResponse, entry: RequestRecord, result: RouteResult, extra: Record<string, string> = {}) => {
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

  /** A fault that answers before the request is handled: nothing changes. */
  const inject = (kind: FaultKind, req: IncomingMessage, res: ServerResponse, entry: RequestRecord): void => {
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
        return send(res, entry, serverError(kind));
    }
  };

  /** A fault after the request was handled in full: the change stands, the answer is lost. */
  const lose = (kind: LostResponse, res: ServerResponse, entry: RequestRecord): void => {
    if (kind === 'lost-502') send(res, entry, serverError('502'));
    else if (kind === 'lost-reset') res.socket?.destroy();
    // lost-timeout: never answer.
  };

  const authState = (req: IncomingMessage): 'ok' | 'anonymous' | 'bad' => {
    const header = req.headers.authorization;
    if (!header) return opts.token ? 'anonymous' : 'ok';
    if (!opts.token) return 'ok';
    return /^(token|bearer)\s+(.+)$/i.exec(header)?.[2] === opts.token ? 'ok' : 'bad';
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', urls.url);
    const entry: RequestRecord = { method, path: parsed.pathname, status: 0 };
    requests.push(entry);
    const git = new RepoView(repo);
    const base = ['/api/v3', '/api/uploads'].find((b) => parsed.pathname.startsWith(`${b}/`));
    if (!base) {
      req.resume();
      return send(res, entry, await serveWeb({ state, git, urls, path: parsed.pathname }));
    }
    const apiPath = parsed.pathname.slice(base.length);
    const violation = (problems: string[]) => {
      violations.push(...problems);
      send(res, entry, { status: 400, json: { message: `OpenAPI contract violation (@runway/github-server): ${problems.join('; ')}`, documentation_url: 'https://docs.github.com/rest' } });
    };

    const fault = faults.pick(method, apiPath);
    if (fault) entry.fault = fault;
    if (fault && !losesResponse(fault)) return inject(fault, req, res, entry);

    let found: ReturnType<typeof match>;
    try {
      found = match(method, apiPath);
    } catch {
      req.resume();
      return violation([`${method} ${apiPath}: malformed percent-encoding in the path`]);
    }
    // Uploads live on their own origin on GitHub; only the upload operation is reachable there.
    const isUpload = found?.route.template.endsWith('/releases/{release_id}/assets') && method === 'POST';
    if (!found || (base === '/api/uploads') !== !!isUpload) {
      req.resume();
      const described = !found && base === '/api/v3' && describedOperation(method, apiPath);
      // An operation GitHub has but this server lacks would answer a misleading 404: say so instead.
      if (described) return violation([`${described}: not served by the test server (add it to tools/github-server)`]);
      return send(res, entry, NOT_FOUND);
    }
    const { route, params } = found;
    const body = await readBody(req);
    if (!body) return;
    const contentType = req.headers['content-type'];
    const auth = authState(req);

    let json: unknown;
    if (!isUpload && body.length) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return violation([`${method} ${route.template}: request body is not JSON`]);
      }
    }
    const query = Object.fromEntries(parsed.searchParams);
    const problems = requestViolations(method, route.template, { params, query, contentType, body: json });
    if (problems.length) return violation(problems);

    if (auth === 'bad') return send(res, entry, { status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    if (auth === 'anonymous' && WRITE_METHODS.has(method)) return send(res, entry, { status: 401, json: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' } });
    if (params.owner?.toLowerCase() !== state.owner.toLowerCase() || params.repo?.toLowerCase() !== state.repo.toLowerCase()) return send(res, entry, NOT_FOUND);

    const ctx = { state, git, urls, params, query, headers: req.headers, body, json: json ?? {}, authenticated: auth === 'ok' };
    const result = await (WRITE_METHODS.has(method) ? exclusive(async () => route.handle(ctx)) : route.handle(ctx));
    const bad = responseViolations(method, route.template, result.status, result.raw ? result.headers?.['content-type'] : 'application/json', result.json);
    if (bad.length) return violation(bad);
    if (fault) return lose(fault as LostResponse, res, entry);
    send(res, entry, result);
  };

  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handle(req, res).catch((err: unknown) => {
      violations.push(`server error: ${err instanceof Error ? err.message : String(err)}`);
      if (res.headersSent) return void res.end();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'internal test server error' }));
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
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
    repository: `${state.owner}/${state.repo}`,
    git: repo,
    state,
    violations,
    requests,
    assertNoViolations: () => {
      if (violations.length) throw new Error(`the GitHub test server recorded ${violations.length} violation(s):\n${violations.join('\n')}`);
    },
    settled: async () => {
      while (inFlight.size) await Promise.all(inFlight);
    },
    setFaults: (plan) => {
      faults = faultInjector(plan);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        // Hung (timeout-fault) and keep-alive connections would otherwise hold close() forever.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      if (owned) await rm(repo.path, { recursive: true, force: true });
    },
  };
}
