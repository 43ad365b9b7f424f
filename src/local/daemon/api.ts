/**
 * The control-plane REST API of the local backend: E2B's status codes, bodies and headers
 * (201/204/409 semantics, `X-Next-Token` paging, triple-encoded metadata filters, JSON errors
 * on every error status), served from the sandbox manager and the template store.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  ListedSandbox,
  NewSandbox,
  Sandbox as WireSandbox,
  SandboxDetail,
  SandboxMetric,
  SnapshotInfo,
  Template,
} from '../../gen/api/schemas.js';
import { ApiError, readJsonBody, sendApiError, sendEmpty, sendJson } from './http.js';
import type { MetricSample } from './metrics.js';
import type { SandboxManager, SandboxRecord } from './sandboxes.js';
import { TemplateStore, type TemplateRecord } from './templates.js';

/** Create body of `POST /v2/sandboxes`: NewSandbox without `secure` (v2 sandboxes are always secured). */
type NewSandboxV2 = Omit<NewSandbox, 'secure'>;
/** Lifetime, in seconds, of a v2 create or connect that names none (E2B's v2 default). */
const V2_DEFAULT_TIMEOUT_S = 300;

export interface ApiDeps {
  sandboxes: SandboxManager;
  templates: TemplateStore;
  apiKey: string;
  /** Extra status the daemon reports about itself on `GET /_e2b-ts/status`. */
  status: () => Record<string, unknown>;
}

type Params = Record<string, string>;
type Handler = (ctx: { req: IncomingMessage; res: ServerResponse; params: Params; query: URLSearchParams }) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    })}$`,
  );
  return { method, pattern, keys, handler };
}

function keyMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The wire form of a created/connected sandbox. */
export function wireSandbox(record: SandboxRecord): WireSandbox {
  const out: WireSandbox = {
    templateID: record.templateID,
    sandboxID: record.sandboxID,
    clientID: record.clientID,
    envdVersion: record.envdVersion,
    trafficAccessToken: null,
    domain: null,
  };
  if (record.alias) out.alias = record.alias;
  if (record.envdAccessToken) out.envdAccessToken = record.envdAccessToken;
  return out;
}

function wireListed(record: SandboxRecord): ListedSandbox {
  const out: ListedSandbox = {
    templateID: record.templateID,
    sandboxID: record.sandboxID,
    clientID: record.clientID,
    startedAt: record.startedAt,
    endAt: record.endAt,
    cpuCount: record.cpuCount,
    memoryMB: record.memoryMB,
    diskSizeMB: record.diskSizeMB,
    state: record.state,
    envdVersion: record.envdVersion,
    metadata: record.metadata,
    volumeMounts: record.volumeMounts,
  };
  if (record.alias) out.alias = record.alias;
  return out;
}

function wireDetail(record: SandboxRecord): SandboxDetail {
  const out: SandboxDetail = {
    ...wireListed(record),
    allowInternetAccess: record.allowInternetAccess,
    lifecycle: { onTimeout: record.lifecycle.onTimeout, autoResume: record.lifecycle.autoResume },
    domain: null,
  };
  if (record.network) out.network = record.network;
  if (record.envdAccessToken) out.envdAccessToken = record.envdAccessToken;
  return out;
}

function wireMetric(sample: MetricSample): SandboxMetric {
  return { timestamp: new Date(sample.timestampUnix * 1000).toISOString(), ...sample };
}

function wireSnapshot(record: TemplateRecord): SnapshotInfo {
  return { snapshotID: TemplateStore.snapshotId(record), names: record.names };
}

function wireTemplate(record: TemplateRecord): Template {
  return {
    templateID: record.templateID,
    buildID: record.buildID,
    cpuCount: record.cpuCount,
    memoryMB: record.memoryMB,
    diskSizeMB: record.diskSizeMB,
    public: false,
    aliases: record.aliases,
    names: record.names,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    createdBy: null,
    lastSpawnedAt: record.lastSpawnedAt,
    spawnCount: record.spawnCount,
    buildCount: 1,
    envdVersion: record.envdVersion,
    buildStatus: 'ready',
  };
}

/**
 * Decodes E2B's metadata filter: the query value (already decoded once by URLSearchParams) is
 * unescaped again, split on & and =, and each key and value unescaped a last time.
 */
export function parseMetadataFilter(value: string | null): Record<string, string> | undefined {
  if (value === null || value === '') return undefined;
  let form: string;
  try {
    form = decodeURIComponent(value);
  } catch {
    throw new ApiError(400, 'Error parsing metadata: not URL-encoded');
  }
  const out: Record<string, string> = {};
  for (const pair of form.split('&')) {
    if (!pair) continue;
    const parts = pair.split('=');
    if (parts.length !== 2) throw new ApiError(400, `Error parsing metadata: "${pair}" is not key=value`);
    try {
      out[decodeURIComponent(parts[0])] = decodeURIComponent(parts[1]);
    } catch {
      throw new ApiError(400, 'Error parsing metadata: not URL-encoded');
    }
  }
  return out;
}

function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return 100;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, 'limit must be an integer from 1 to 100');
  return limit;
}

/** Opaque cursor: base64url of "<startedAt>__<id>". */
const encodeCursor = (record: SandboxRecord) => Buffer.from(`${record.startedAt}__${record.sandboxID}`).toString('base64url');

function decodeCursor(token: string): { startedAt: string; id: string } {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const sep = text.lastIndexOf('__');
  if (sep < 0) throw new ApiError(400, 'invalid nextToken');
  return { startedAt: text.slice(0, sep), id: text.slice(sep + 2) };
}

function matchesTemplate(record: SandboxRecord, template: string, templates: TemplateStore): boolean {
  const found = templates.find(template);
  return found ? record.templateID === found.templateID : record.templateID === template;
}

function optionalUnix(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ApiError(400, `${key} must be a unix timestamp in seconds`);
  return Math.floor(value);
}

export function createApi(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { sandboxes, templates } = deps;

  const routes: Route[] = [
    route('GET', '/_e2b-ts/status', async ({ res }) => sendJson(res, 200, deps.status())),

    route('POST', '/sandboxes', async ({ req, res }) => {
      const record = await sandboxes.create(await readJsonBody<NewSandbox>(req));
      sendJson(res, 201, wireSandbox(record));
    }),

    // The v2 create (what the official SDK sends since 2.46): every sandbox is secured, and a
    // request without a timeout gets the v2 default of 300 s rather than v1's 15 s.
    route('POST', '/v2/sandboxes', async ({ req, res }) => {
      const body = await readJsonBody<NewSandboxV2>(req);
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ApiError(400, 'templateID is required');
      }
      const record = await sandboxes.create({ ...body, timeout: body.timeout ?? V2_DEFAULT_TIMEOUT_S, secure: true });
      sendJson(res, 201, wireSandbox(record));
    }),

    route('GET', '/sandboxes', async ({ res, query }) => {
      const metadata = parseMetadataFilter(query.get('metadata'));
      const list = sandboxes
        .all()
        .filter((s) => s.state === 'running' && matchesMetadata(s, metadata))
        .sort(byStart('desc'))
        .map(wireListed);
      sendJson(res, 200, list);
    }),

    route('GET', '/v2/sandboxes', async ({ res, query }) => {
      const metadata = parseMetadataFilter(query.get('metadata'));
      const states = (query.get('state') ?? '').split(',').filter(Boolean);
      for (const state of states) {
        if (state !== 'running' && state !== 'paused') throw new ApiError(400, `invalid state "${state}"`);
      }
      const wanted = new Set(states.length ? states : ['running', 'paused']);
      const order = query.get('order') ?? 'desc';
      if (order !== 'asc' && order !== 'desc') throw new ApiError(400, 'order must be asc or desc');
      const startedAfterRaw = query.get('startedAfter');
      const startedAfter = startedAfterRaw ? Date.parse(startedAfterRaw) : undefined;
      if (startedAfter !== undefined && Number.isNaN(startedAfter)) throw new ApiError(400, 'startedAfter must be an RFC 3339 time');
      const template = query.get('template');
      if (template?.includes(':')) throw new ApiError(400, 'template must not include a tag');
      const limit = parseLimit(query);
      let list = sandboxes
        .all()
        .filter(
          (s) =>
            wanted.has(s.state) &&
            matchesMetadata(s, metadata) &&
            (startedAfter === undefined || Date.parse(s.startedAt) >= startedAfter) &&
            (!template || matchesTemplate(s, template, templates)),
        )
        .sort(byStart(order));
      const token = query.get('nextToken');
      if (token) {
        const cursor = decodeCursor(token);
        const index = list.findIndex((s) => s.startedAt === cursor.startedAt && s.sandboxID === cursor.id);
        // The sandbox the cursor names may have been killed since; resume after its position.
        list = index >= 0 ? list.slice(index + 1) : list.filter((s) => (order === 'asc' ? s.startedAt > cursor.startedAt : s.startedAt < cursor.startedAt));
      }
      const page = list.slice(0, limit);
      const headers: Record<string, string> = {};
      if (list.length > limit) headers['X-Next-Token'] = encodeCursor(page[page.length - 1]);
      if (wanted.has('running')) headers['X-Total-Running'] = String(sandboxes.all().filter((s) => s.state === 'running').length);
      sendJson(res, 200, page.map(wireListed), headers);
    }),

    route('GET', '/sandboxes/metrics', async ({ res, query }) => {
      const ids = (query.get('sandbox_ids') ?? '').split(',').filter(Boolean);
      if (ids.length > 100) throw new ApiError(400, 'at most 100 sandbox_ids');
      const out: Record<string, SandboxMetric> = {};
      for (const id of ids) {
        if (!sandboxes.get(id)) continue;
        const samples = await sandboxes.metricsOf(id);
        const last = samples[samples.length - 1];
        if (last) out[id] = wireMetric(last);
      }
      sendJson(res, 200, { sandboxes: out });
    }),

    route('GET', '/sandboxes/{id}', async ({ res, params }) => {
      sendJson(res, 200, wireDetail(sandboxes.require(params.id)));
    }),

    route('DELETE', '/sandboxes/{id}', async ({ res, params }) => {
      if (!(await sandboxes.kill(params.id))) {
        throw new ApiError(404, `Sandbox "${params.id}" doesn't exist or you don't have access to it`);
      }
      sendEmpty(res, 204);
    }),

    route('GET', '/sandboxes/{id}/logs', async ({ res, params, query }) => {
      sandboxes.require(params.id);
      const start = query.get('start');
      const limit = Number(query.get('limit') ?? 1000);
      const entries = sandboxes.log(params.id).query({
        ...(start ? { cursorMs: Number(start) } : {}),
        limit: Number.isFinite(limit) ? limit : 1000,
      });
      sendJson(res, 200, {
        logs: entries.map((e) => ({ timestamp: e.timestamp, line: e.message })),
        logEntries: entries,
      });
    }),

    route('GET', '/v2/sandboxes/{id}/logs', async ({ res, params, query }) => {
      sandboxes.require(params.id);
      const cursor = query.get('cursor');
      const direction = query.get('direction') ?? 'forward';
      if (direction !== 'forward' && direction !== 'backward') throw new ApiError(400, 'direction must be forward or backward');
      const level = query.get('level');
      if (level && !['debug', 'info', 'warn', 'error'].includes(level)) throw new ApiError(400, 'invalid level');
      const limit = Number(query.get('limit') ?? 1000);
      const entries = sandboxes.log(params.id).query({
        ...(cursor ? { cursorMs: Number(cursor) } : {}),
        limit: Number.isFinite(limit) ? limit : 1000,
        direction,
        ...(level ? { level: level as 'debug' | 'info' | 'warn' | 'error' } : {}),
        ...(query.get('search') ? { search: query.get('search')! } : {}),
      });
      sendJson(res, 200, { logs: entries });
    }),

    route('GET', '/sandboxes/{id}/metrics', async ({ res, params, query }) => {
      const samples = await sandboxes.metricsOf(params.id, optionalUnix(query, 'start'), optionalUnix(query, 'end'));
      sendJson(res, 200, samples.map(wireMetric));
    }),

    route('POST', '/sandboxes/{id}/pause', async ({ req, res, params }) => {
      const body = await readJsonBody<{ memory?: boolean }>(req);
      if (!(await sandboxes.pause(params.id, body?.memory !== false))) {
        throw new ApiError(409, `Sandbox ${params.id} is already paused`);
      }
      sendEmpty(res, 204);
    }),

    route('POST', '/sandboxes/{id}/resume', async ({ req, res, params }) => {
      const body = await readJsonBody<{ timeout?: number }>(req);
      sendJson(res, 201, wireSandbox(await sandboxes.resume(params.id, body?.timeout)));
    }),

    route('POST', '/sandboxes/{id}/connect', async ({ req, res, params }) => {
      const body = await readJsonBody<{ timeout?: number }>(req);
      if (body?.timeout === undefined) throw new ApiError(400, 'timeout is required');
      const { record, resumed } = await sandboxes.connect(params.id, body.timeout);
      sendJson(res, resumed ? 201 : 200, wireSandbox(record));
    }),

    // The v2 connect (the official SDK's since 2.46): the body is optional, the timeout defaults
    // to 300 s, and `memory: false` resumes a paused sandbox from its files only (a cold boot).
    route('POST', '/v2/sandboxes/{id}/connect', async ({ req, res, params }) => {
      const body = await readJsonBody<{ timeout?: number | null; memory?: boolean | null }>(req);
      if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
        throw new ApiError(400, 'the request body must be a JSON object');
      }
      const memory = body?.memory ?? true;
      if (typeof memory !== 'boolean') throw new ApiError(400, 'memory must be a boolean');
      const { record, resumed } = await sandboxes.connect(params.id, body?.timeout ?? V2_DEFAULT_TIMEOUT_S, { memory });
      sendJson(res, resumed ? 201 : 200, wireSandbox(record));
    }),

    route('POST', '/sandboxes/{id}/timeout', async ({ req, res, params }) => {
      const body = await readJsonBody<{ timeout?: number }>(req);
      if (body?.timeout === undefined) throw new ApiError(400, 'timeout is required');
      await sandboxes.setTimeout(params.id, body.timeout);
      sendEmpty(res, 204);
    }),

    route('POST', '/sandboxes/{id}/refreshes', async ({ req, res, params }) => {
      const body = await readJsonBody<{ duration?: number }>(req);
      await sandboxes.refresh(params.id, body?.duration);
      sendEmpty(res, 204);
    }),

    route('PUT', '/sandboxes/{id}/network', async ({ req, res, params }) => {
      await sandboxes.updateNetwork(params.id, await readJsonBody<Record<string, unknown>>(req));
      sendEmpty(res, 204);
    }),

    route('POST', '/sandboxes/{id}/fork', async ({ req, res, params }) => {
      const results = await sandboxes.fork(params.id, await readJsonBody(req));
      sendJson(
        res,
        201,
        results.map((r) => ('sandbox' in r ? { sandbox: wireSandbox(r.sandbox) } : r)),
      );
    }),

    route('POST', '/sandboxes/{id}/snapshots', async ({ req, res, params }) => {
      const body = await readJsonBody<{ name?: unknown }>(req);
      if (body?.name !== undefined && typeof body.name !== 'string') throw new ApiError(400, 'name must be a string');
      const snapshot = await sandboxes.snapshot(params.id, (body?.name as string | undefined) || undefined);
      sendJson(res, 201, wireSnapshot(snapshot));
    }),

    route('GET', '/snapshots', async ({ res, query }) => {
      const limit = parseLimit(query);
      const sandboxId = query.get('sandboxID');
      const name = query.get('name');
      const named = name ? templates.find(name) : undefined;
      let list = templates
        .all()
        .filter((t) => t.sourceSandboxID !== undefined)
        .filter((t) => !sandboxId || t.sourceSandboxID === sandboxId)
        .filter((t) => !name || t === named || t.templateID === name)
        .sort((a, b) => (a.createdAt === b.createdAt ? a.templateID.localeCompare(b.templateID) : b.createdAt.localeCompare(a.createdAt)));
      const token = query.get('nextToken');
      if (token) {
        const after = Buffer.from(token, 'base64url').toString('utf8');
        const index = list.findIndex((t) => t.templateID === after);
        list = index >= 0 ? list.slice(index + 1) : [];
      }
      const page = list.slice(0, limit);
      const headers: Record<string, string> = {};
      if (list.length > limit) headers['X-Next-Token'] = Buffer.from(page[page.length - 1].templateID).toString('base64url');
      sendJson(res, 200, page.map(wireSnapshot), headers);
    }),

    route('GET', '/templates', async ({ res }) => {
      sendJson(res, 200, templates.all().map(wireTemplate));
    }),

    route('DELETE', '/templates/{id}', async ({ res, params }) => {
      if (!(await templates.delete(params.id))) throw new ApiError(404, `template '${params.id}' not found`);
      sendEmpty(res, 204);
    }),
  ];

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      if (req.method === 'GET' && url.pathname === '/health') {
        sendEmpty(res, 204);
        return;
      }
      if (!keyMatches(deps.apiKey, req.headers['x-api-key'])) {
        const reason = req.headers['x-api-key'] === undefined ? 'missing X-API-Key header' : 'invalid API key';
        sendApiError(res, 401, `${reason} (the local backend's key is printed by \`e2b-ts local env\`)`);
        return;
      }
      let methodMismatch = false;
      for (const r of routes) {
        const match = r.pattern.exec(url.pathname);
        if (!match) continue;
        if (r.method !== req.method) {
          methodMismatch = true;
          continue;
        }
        const params: Params = {};
        r.keys.forEach((key, i) => {
          params[key] = decodeURIComponent(match[i + 1]);
        });
        await r.handler({ req, res, params, query: url.searchParams });
        return;
      }
      if (methodMismatch) sendApiError(res, 405, `method ${req.method} not allowed on ${url.pathname}`);
      else sendApiError(res, 404, `no such endpoint: ${req.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof ApiError) sendApiError(res, error.status, error.message);
      else sendApiError(res, 500, error instanceof Error ? error.message : String(error));
    }
  };
}

function matchesMetadata(record: SandboxRecord, filter: Record<string, string> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, v]) => record.metadata[k] === v);
}

function byStart(order: string): (a: SandboxRecord, b: SandboxRecord) => number {
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => sign * (a.startedAt === b.startedAt ? a.sandboxID.localeCompare(b.sandboxID) : a.startedAt.localeCompare(b.startedAt));
}
