/**
 * A small fake E2B control plane (and volume-content API) behind undici's MockAgent: the CLI's
 * REST client is given `agent` as its dispatcher (ConnectionOptions.dispatcher), so requests
 * never leave the process and nothing else in the process is touched (no global dispatcher).
 *
 * The fake keeps state a test scripts (`addSandbox`, `addVolume`, ...) and answers the routes the
 * CLI uses from it, as E2B does: 404 for an unknown sandbox, 409 for pausing a paused one, paged
 * listings with `x-next-token`. `answer()` stubs one request with a fixed reply (an error, a
 * body the state would not produce); `verify()` fails when a stub was never used, as gh's
 * httpmock `Registry.Verify`. Every request is kept in `requests` with its parsed body.
 */
import { MockAgent } from 'undici';
import type { Readable } from 'node:stream';

/** The API origin the fake serves (HTTPS: the REST client never takes the raw-socket path then). */
export const FAKE_API_URL = 'https://api.e2b.test';

/** A well-formed API key (the client checks the format before sending it). */
export const FAKE_API_KEY = `e2b_${'0123456789abcdef'.repeat(2)}`;

export interface FakeSandbox {
  sandboxID: string;
  templateID: string;
  alias?: string;
  state: 'running' | 'paused';
  startedAt: string;
  endAt: string;
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  envdVersion: string;
  metadata: Record<string, string>;
  envdAccessToken?: string;
  domain?: string;
  allowInternetAccess?: boolean;
  network?: Record<string, unknown>;
  lifecycle?: { onTimeout: 'kill' | 'pause'; autoResume: boolean };
  volumeMounts?: Array<{ name: string; path: string }>;
  clientID: string;
}

export interface FakeVolumeEntry {
  type: 'file' | 'directory';
  content: Buffer;
  mode: number;
}

export interface FakeVolume {
  volumeID: string;
  name: string;
  /** Absolute paths; `/` always exists. */
  entries: Map<string, FakeVolumeEntry>;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The body: parsed JSON (known at once for JSON requests), else its bytes once read. */
  body: unknown;
  /** The body's bytes (or parsed JSON), once the request has been read whole. */
  bytes: Promise<unknown>;
}

interface Stub {
  method: string;
  path: string | RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  used: boolean;
}

/** An answer; its body may wait for the request's body (a Promise). */
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = (req: RecordedRequest, match: RegExpMatchArray) => Reply;

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

/** E2B's JSON error body. */
function error(status: number, message: string): Reply {
  return { status, body: { code: status, message } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(body: unknown): Promise<unknown> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return parseJson(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function flatHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

export class FakeApi {
  readonly agent = new MockAgent();
  readonly requests: RecordedRequest[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly snapshots = new Map<string, { snapshotID: string; names: string[]; sandboxID: string }>();
  readonly volumes = new Map<string, FakeVolume>();
  readonly logs = new Map<string, Array<{ timestamp: string; level: string; message: string; fields: Record<string, string> }>>();
  readonly metrics = new Map<string, Array<Record<string, unknown>>>();
  private readonly stubs: Stub[] = [];
  private readonly routes: Array<[string, RegExp, Route]> = [];
  private counter = 0;

  constructor() {
    this.agent.disableNetConnect();
    this.defineRoutes();
    this.agent
      .get(FAKE_API_URL)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const reply = this.handle(opts.method, opts.path, opts.headers, opts.body);
        const isJson = reply.body !== undefined && !Buffer.isBuffer(reply.body) && !(reply.body instanceof Promise);
        const headers = { ...(isJson ? { 'content-type': 'application/json' } : {}), ...(reply.headers ?? {}) };
        // undici takes the status now and the body when it is ready (a route may wait for the request's body)
        return { statusCode: reply.status, data: () => Promise.resolve(reply.body ?? ''), responseOptions: { headers } };
      })
      .persist();
  }

  private handle(method: string, fullPath: string, rawHeaders: unknown, rawBody: unknown): Reply {
    const url = new URL(fullPath, FAKE_API_URL);
    const req: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: flatHeaders(rawHeaders),
      body: undefined,
      bytes: readBody(rawBody),
    };
    void req.bytes.then((body) => {
      req.body = body;
    });
    if (typeof rawBody === 'string') req.body = parseJson(rawBody);
    this.requests.push(req);
    const stub = this.stubs.find((s) => !s.used && s.method === method && (typeof s.path === 'string' ? s.path === url.pathname : s.path.test(url.pathname)));
    if (stub) {
      stub.used = true;
      return { status: stub.status, body: stub.body, headers: stub.headers };
    }
    for (const [m, pattern, route] of this.routes) {
      if (m !== method) continue;
      const match = url.pathname.match(pattern);
      if (match) return route(req, match);
    }
    return error(404, `the fake API has no route ${method} ${url.pathname}`);
  }

  /** Stubs the next `method path` request (path exact or a pattern) with this answer. */
  answer(method: string, path: string | RegExp, status: number, body?: unknown, headers: Record<string, string> = {}): this {
    this.stubs.push({ method, path, status, body, headers, used: false });
    return this;
  }

  /** Fails when a stub was never used. */
  verify(): void {
    const unused = this.stubs.filter((s) => !s.used).map((s) => `${s.method} ${String(s.path)}`);
    if (unused.length) throw new Error(`stubbed requests never made: ${unused.join(', ')}`);
  }

  /** Requests with this method and path (exact, or a pattern). */
  calls(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Adds a sandbox (running, template base, created at a fixed time) and returns it. */
  addSandbox(fields: Partial<FakeSandbox> = {}): FakeSandbox {
    this.counter += 1;
    const sandbox: FakeSandbox = {
      sandboxID: `isbx${String(this.counter).padStart(16, '0')}`,
      templateID: 'base',
      state: 'running',
      startedAt: iso(T0),
      endAt: iso(T0 + 300_000),
      cpuCount: 2,
      memoryMB: 512,
      diskSizeMB: 1024,
      // a current envd (closing stdin needs 0.5.2 or later), as the local backend reports
      envdVersion: '0.6.13',
      metadata: {},
      clientID: 'fake',
      ...fields,
    };
    this.sandboxes.set(sandbox.sandboxID, sandbox);
    return sandbox;
  }

  /** Adds a volume with files (`{'/a.txt': 'hi', '/dir/': ''}`: a trailing slash makes a folder). */
  addVolume(name: string, files: Record<string, string> = {}): FakeVolume {
    this.counter += 1;
    const volume: FakeVolume = {
      volumeID: `vol-${this.counter}`,
      name,
      entries: new Map([['/', { type: 'directory', content: Buffer.alloc(0), mode: 0o755 }]]),
    };
    for (const [path, content] of Object.entries(files)) {
      if (path.endsWith('/')) volume.entries.set(path.replace(/\/+$/, ''), { type: 'directory', content: Buffer.alloc(0), mode: 0o755 });
      else volume.entries.set(path, { type: 'file', content: Buffer.from(content), mode: 0o644 });
    }
    this.volumes.set(volume.volumeID, volume);
    return volume;
  }

  private detail(s: FakeSandbox): Record<string, unknown> {
    return { ...s };
  }

  private listed(s: FakeSandbox): Record<string, unknown> {
    const { envdAccessToken: _t, domain: _d, network: _n, lifecycle: _l, allowInternetAccess: _a, ...rest } = s;
    return rest;
  }

  private connection(s: FakeSandbox): Record<string, unknown> {
    return {
      sandboxID: s.sandboxID,
      templateID: s.templateID,
      clientID: s.clientID,
      envdVersion: s.envdVersion,
      ...(s.envdAccessToken ? { envdAccessToken: s.envdAccessToken } : {}),
      ...(s.domain ? { domain: s.domain } : {}),
    };
  }

  private route(method: string, pattern: RegExp, route: Route): void {
    this.routes.push([method, pattern, route]);
  }

  private defineRoutes(): void {
    const sandboxOf = (id: string | undefined) => (id ? this.sandboxes.get(decodeURIComponent(id)) : undefined);
    const notFound = (id: string | undefined) => error(404, `sandbox "${decodeURIComponent(id ?? '')}" doesn't exist or you don't have access to it`);

    this.route('GET', /^\/v2\/sandboxes$/, (req) => {
      const states = req.query.get('state')?.split(',');
      const wanted = new URLSearchParams(decodeURIComponent(req.query.get('metadata') ?? ''));
      let all = [...this.sandboxes.values()].filter(
        (s) => (!states || states.includes(s.state)) && [...wanted].every(([k, v]) => s.metadata[decodeURIComponent(k)] === decodeURIComponent(v)),
      );
      const template = req.query.get('template');
      if (template) all = all.filter((s) => s.templateID === template || s.alias === template);
      const limit = Number(req.query.get('limit') ?? 100);
      const start = Number(req.query.get('nextToken') ?? 0);
      const page = all.slice(start, start + limit);
      const next: Record<string, string> = start + limit < all.length ? { 'x-next-token': String(start + limit) } : {};
      return { status: 200, body: page.map((s) => this.listed(s)), headers: next };
    });
    this.route('POST', /^\/sandboxes$/, (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sandbox = this.addSandbox({
        templateID: typeof body.templateID === 'string' ? body.templateID : 'base',
        metadata: (body.metadata as Record<string, string>) ?? {},
        ...(body.secure ? { envdAccessToken: 'envd-token-secret' } : {}),
        ...(typeof body.allow_internet_access === 'boolean' ? { allowInternetAccess: body.allow_internet_access } : {}),
      });
      return { status: 201, body: this.connection(sandbox) };
    });
    this.route('GET', /^\/sandboxes\/([^/]+)$/, (_req, [, id]) => {
      const s = sandboxOf(id);
      return s ? { status: 200, body: this.detail(s) } : notFound(id);
    });
    this.route('DELETE', /^\/sandboxes\/([^/]+)$/, (_req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      this.sandboxes.delete(s.sandboxID);
      return { status: 204 };
    });
    this.route('POST', /^\/sandboxes\/([^/]+)\/pause$/, (_req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      if (s.state === 'paused') return error(409, 'sandbox is already paused');
      s.state = 'paused';
      return { status: 204 };
    });
    this.route('POST', /^\/sandboxes\/([^/]+)\/connect$/, (req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      const resumed = s.state === 'paused';
      s.state = 'running';
      const timeout = Number((req.body as { timeout?: number } | undefined)?.timeout ?? 300);
      s.endAt = iso(T0 + timeout * 1000);
      return { status: resumed ? 201 : 200, body: this.connection(s) };
    });
    this.route('POST', /^\/sandboxes\/([^/]+)\/timeout$/, (req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      s.endAt = iso(T0 + Number((req.body as { timeout: number }).timeout) * 1000);
      return { status: 204 };
    });
    this.route('PUT', /^\/sandboxes\/([^/]+)\/network$/, (req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      s.network = req.body as Record<string, unknown>;
      return { status: 204 };
    });
    this.route('GET', /^\/sandboxes\/([^/]+)\/metrics$/, (_req, [, id]) => {
      const s = sandboxOf(id);
      return s ? { status: 200, body: this.metrics.get(s.sandboxID) ?? [] } : notFound(id);
    });
    this.route('GET', /^\/v2\/sandboxes\/([^/]+)\/logs$/, (_req, [, id]) => {
      const s = sandboxOf(id);
      return s ? { status: 200, body: { logs: this.logs.get(s.sandboxID) ?? [] } } : notFound(id);
    });
    this.route('POST', /^\/sandboxes\/([^/]+)\/snapshots$/, (req, [, id]) => {
      const s = sandboxOf(id);
      if (!s) return notFound(id);
      const name = (req.body as { name?: string } | undefined)?.name;
      const snapshotID = name ? `team/${name}:default` : `snap${this.snapshots.size + 1}:default`;
      this.snapshots.set(snapshotID, { snapshotID, names: name ? [`team/${name}:default`] : [], sandboxID: s.sandboxID });
      return { status: 201, body: { snapshotID, names: this.snapshots.get(snapshotID)!.names } };
    });
    this.route('GET', /^\/snapshots$/, (req) => {
      const sandbox = req.query.get('sandboxID');
      const all = [...this.snapshots.values()].filter((s) => !sandbox || s.sandboxID === sandbox);
      return { status: 200, body: all.map(({ snapshotID, names }) => ({ snapshotID, names })) };
    });
    this.route('DELETE', /^\/templates\/([^/]+)$/, (_req, [, id]) => {
      const key = decodeURIComponent(id ?? '');
      const found = [...this.snapshots.values()].find(
        (s) => s.snapshotID === key || s.names.includes(key) || s.names.some((n) => n.startsWith(`team/${key}:`)),
      );
      if (!found) return error(404, `template "${key}" not found`);
      this.snapshots.delete(found.snapshotID);
      return { status: 204 };
    });

    // volumes: control plane
    const volumeOf = (id: string | undefined) => (id ? this.volumes.get(decodeURIComponent(id)) : undefined);
    this.route('GET', /^\/volumes$/, () => ({ status: 200, body: [...this.volumes.values()].map((v) => ({ volumeID: v.volumeID, name: v.name })) }));
    this.route('POST', /^\/volumes$/, (req) => {
      const name = (req.body as { name: string }).name;
      if ([...this.volumes.values()].some((v) => v.name === name)) return error(409, `volume ${name} already exists`);
      const v = this.addVolume(name);
      return { status: 201, body: { volumeID: v.volumeID, name: v.name, token: 'volume-token-secret' } };
    });
    this.route('GET', /^\/volumes\/([^/]+)$/, (_req, [, id]) => {
      const v = volumeOf(id);
      return v ? { status: 200, body: { volumeID: v.volumeID, name: v.name, token: 'volume-token-secret' } } : error(404, 'volume not found');
    });
    this.route('DELETE', /^\/volumes\/([^/]+)$/, (_req, [, id]) => {
      const v = volumeOf(id);
      if (!v) return error(404, 'volume not found');
      this.volumes.delete(v.volumeID);
      return { status: 204 };
    });

    // volumes: content API (served on the API's host, as the local backend does)
    const stat = (path: string, e: FakeVolumeEntry) => ({
      name: path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1),
      type: e.type,
      path,
      size: e.content.length,
      mode: e.mode,
      uid: 1000,
      gid: 1000,
      atime: iso(T0),
      mtime: iso(T0),
      ctime: iso(T0),
    });
    const missing = (path: string) => error(404, `path ${path} not found`);
    this.route('GET', /^\/volumecontent\/([^/]+)\/path$/, (req, [, id]) => {
      const v = volumeOf(id);
      const path = req.query.get('path') ?? '/';
      const e = v?.entries.get(path);
      return e ? { status: 200, body: stat(path, e) } : missing(path);
    });
    this.route('DELETE', /^\/volumecontent\/([^/]+)\/path$/, (req, [, id]) => {
      const v = volumeOf(id)!;
      const path = req.query.get('path') ?? '/';
      if (!v.entries.has(path)) return missing(path);
      for (const key of [...v.entries.keys()]) if (key === path || key.startsWith(`${path}/`)) v.entries.delete(key);
      return { status: 204 };
    });
    this.route('GET', /^\/volumecontent\/([^/]+)\/dir$/, (req, [, id]) => {
      const v = volumeOf(id)!;
      const path = req.query.get('path') ?? '/';
      if (v.entries.get(path)?.type !== 'directory') return missing(path);
      const prefix = path === '/' ? '/' : `${path}/`;
      const depth = Number(req.query.get('depth') ?? 1);
      const rows = [...v.entries]
        .filter(([p]) => p !== path && p.startsWith(prefix) && p.slice(prefix.length).split('/').length <= depth)
        .map(([p, e]) => stat(p, e));
      return { status: 200, body: rows };
    });
    this.route('POST', /^\/volumecontent\/([^/]+)\/dir$/, (req, [, id]) => {
      const v = volumeOf(id)!;
      const path = req.query.get('path') ?? '/';
      const entry: FakeVolumeEntry = { type: 'directory', content: Buffer.alloc(0), mode: 0o755 };
      if (v.entries.has(path) && req.query.get('force') !== 'true') return error(409, `${path} exists`);
      v.entries.set(path, entry);
      return { status: 201, body: stat(path, entry) };
    });
    this.route('GET', /^\/volumecontent\/([^/]+)\/file$/, (req, [, id]) => {
      const v = volumeOf(id)!;
      const path = req.query.get('path') ?? '/';
      const e = v.entries.get(path);
      return e?.type === 'file' ? { status: 200, body: e.content, headers: { 'content-type': 'application/octet-stream' } } : missing(path);
    });
    this.route('PUT', /^\/volumecontent\/([^/]+)\/file$/, (req, [, id]) => {
      const v = volumeOf(id)!;
      const path = req.query.get('path') ?? '/';
      const written = req.bytes.then((body) => {
        const entry: FakeVolumeEntry = { type: 'file', content: Buffer.isBuffer(body) ? body : Buffer.from(String(body ?? '')), mode: 0o644 };
        v.entries.set(path, entry);
        return stat(path, entry);
      });
      return { status: 201, body: written, headers: { 'content-type': 'application/json' } };
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
