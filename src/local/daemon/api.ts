/**
 * The control-plane REST API of the local backend: E2B's status codes, bodies and headers
 * (201/204/409 semantics, `X-Next-Token` paging, triple-encoded metadata filters, JSON errors
 * on every error status), served from the sandbox manager and the template store.
 *
 * Routing and request checks come from the spec (requests.ts over the generated operation
 * table and validators): a handler exists for every operation of spec/rest/openapi.yml, and what
 * reaches it already has the types and bounds the spec gives. Handlers keep only the rules
 * E2B's own handlers apply (a tag in a template filter, the 24-hour lifetime cap, …).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPERATIONS } from '../../gen/api/operations.js';
import { API_KEY_HEADER } from '../../protocol/envd.js';
import { sameSecret } from '../../protocol/secret.js';
import type {
  ConnectSandbox,
  ConnectSandboxV2,
  ListedSandbox,
  NewSandbox,
  NewSandboxV2,
  ResumedSandbox,
  Sandbox as WireSandbox,
  SandboxDetail,
  SandboxForkRequest,
  SandboxMetric,
  SandboxNetworkUpdateConfig,
  SandboxPauseRequest,
  SandboxRefreshRequest,
  SandboxSnapshotRequest,
  SandboxTimeoutRequest,
  SnapshotInfo,
  Template,
  NewVolume,
  Volume as WireVolume,
  VolumeAndToken,
} from '../../gen/api/schemas.js';
import { ApiError, sendApiError, sendEmpty, sendJson } from './http.js';
import { PORT_FORWARD_PROTOCOL, portForwardTarget } from './ports.js';
import { wireState } from './lifecycle.js';
import type { MetricSample } from './metrics.js';
import type { SandboxManager, SandboxRecord } from './sandboxes.js';
import { checkBody, checkParameters, findOperation } from './requests.js';
import { TemplateStore, type TemplateRecord } from './templates.js';
import { createVolumeContent, isVolumeContent } from './volume-content.js';
import type { VolumeRecord, VolumeStore } from './volumes.js';

/** Lifetime, in seconds, of a v2 create or connect that names none (E2B's v2 default). */
const V2_DEFAULT_TIMEOUT_S = 300;

export interface ApiDeps {
  sandboxes: SandboxManager;
  templates: TemplateStore;
  volumes: VolumeStore;
  apiKey: string;
  /** Extra status the daemon reports about itself on `GET /_e2b-ts/status`. */
  status: () => Record<string, unknown>;
  /**
   * The `domain` of sandbox answers: `localhost:<daemon port>`, so that `getHost(port)` (ours
   * and the official SDK's) gives `<port>-<id>.localhost:<daemon port>`, which the daemon serves.
   */
  domain: () => string;
}

/** What a handler gets: the request's values, already checked against the spec. */
interface HandlerInput {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}
type Handler = (input: HandlerInput) => Promise<void>;

/** The wire form of a created/connected sandbox. */
export function wireSandbox(record: SandboxRecord, domain: string): WireSandbox {
  const out: WireSandbox = {
    templateID: record.templateID,
    sandboxID: record.sandboxID,
    clientID: record.clientID,
    envdVersion: record.envdVersion,
    trafficAccessToken: record.trafficAccessToken ?? null,
    domain,
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
    // the manager lists no killed sandbox
    state: wireState(record)!,
    envdVersion: record.envdVersion,
    metadata: record.metadata,
    volumeMounts: record.volumeMounts,
  };
  if (record.alias) out.alias = record.alias;
  return out;
}

function wireDetail(record: SandboxRecord, domain: string): SandboxDetail {
  const out: SandboxDetail = {
    ...wireListed(record),
    allowInternetAccess: record.allowInternetAccess,
    lifecycle: { onTimeout: record.lifecycle.onTimeout, autoResume: record.lifecycle.autoResume },
    domain,
  };
  if (record.network) out.network = record.network;
  if (record.envdAccessToken) out.envdAccessToken = record.envdAccessToken;
  return out;
}

function wireMetric(sample: MetricSample): SandboxMetric {
  return { timestamp: new Date(sample.timestampUnix * 1000).toISOString(), ...sample };
}

function wireVolumeAndToken(record: VolumeRecord, volumes: VolumeStore): VolumeAndToken {
  return { volumeID: record.volumeID, name: record.name, token: volumes.token(record.volumeID) };
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

/** Answers the local backend's own status (not part of E2B's API): the daemon's runtime and counts. */
const STATUS_PATH = '/_e2b-ts/status';

export function createApi(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handlers = createHandlers(deps);
  const volumeContent = createVolumeContent(deps.volumes);
  const missing = OPERATIONS.filter((op) => !handlers[op.key]).map((op) => op.key);
  if (missing.length > 0) throw new Error(`the local API has no handler for ${missing.join(', ')}`);

  const requireKey = (req: IncomingMessage) => {
    if (sameSecret(deps.apiKey, req.headers[API_KEY_HEADER])) return;
    const reason = req.headers[API_KEY_HEADER] === undefined ? 'missing X-API-Key header' : 'invalid API key';
    throw new ApiError(401, `${reason} (the local backend's key is printed by \`e2b-ts local env\`)`);
  };

  return async (req, res) => {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://local');
    const rawPath = target.split('?')[0];
    try {
      if (req.method === 'GET' && rawPath === STATUS_PATH) {
        requireKey(req);
        sendJson(res, 200, deps.status());
        return;
      }
      if (req.method === 'GET' && portForwardTarget(target)) {
        requireKey(req);
        // The port-forward endpoint exists only as an upgrade (server.ts sends those to ports.ts).
        sendJson(
          res,
          426,
          {
            code: 426,
            message: `this endpoint is a raw TCP stream: send "Connection: Upgrade" and "Upgrade: ${PORT_FORWARD_PROTOCOL}" (e2b-ts sandbox port-forward does)`,
          },
          { upgrade: PORT_FORWARD_PROTOCOL },
        );
        return;
      }
      // E2B serves the volume-content API on the API's host too; it takes the volume's token.
      if (isVolumeContent(rawPath)) {
        await volumeContent(req, res);
        return;
      }
      const found = findOperation(req.method ?? 'GET', rawPath);
      // As E2B's API: credentials first, so an unknown path tells nothing to a caller without them.
      if ('status' in found || found.op.secured) requireKey(req);
      if ('status' in found) {
        throw new ApiError(
          found.status,
          found.status === 405 ? `method ${req.method} not allowed on ${url.pathname}` : `no such endpoint: ${req.method} ${url.pathname}`,
        );
      }
      const { params, query } = checkParameters(found.op, found.values, url.searchParams);
      const body = await checkBody(found.op, req);
      await handlers[found.op.key]({ req, res, params, query, body });
    } catch (error) {
      if (error instanceof ApiError) sendApiError(res, error.status, error.message);
      else sendApiError(res, 500, error instanceof Error ? error.message : String(error));
    }
  };
}

/** One handler per operation of the spec, keyed `METHOD /path/{param}`; inputs are already valid. */
function createHandlers(deps: ApiDeps): Record<string, Handler> {
  const { sandboxes, templates } = deps;
  return {
    'GET /health': async ({ res }) => sendEmpty(res, 204),

    'POST /sandboxes': async ({ res, body }) => {
      const record = await sandboxes.create(body as NewSandbox);
      sendJson(res, 201, wireSandbox(record, deps.domain()));
    },

    // The v2 create (what the official SDK sends since 2.46): every sandbox is secured, and a
    // request without a timeout gets the v2 default of 300 s rather than v1's 15 s.
    'POST /v2/sandboxes': async ({ res, body }) => {
      const v2 = body as NewSandboxV2;
      const record = await sandboxes.create({ ...v2, timeout: v2.timeout ?? V2_DEFAULT_TIMEOUT_S, secure: true });
      sendJson(res, 201, wireSandbox(record, deps.domain()));
    },

    'GET /sandboxes': async ({ res, query }) => {
      const metadata = parseMetadataFilter((query.metadata as string | undefined) ?? null);
      const list = sandboxes
        .all()
        .filter((s) => wireState(s) === 'running' && matchesMetadata(s, metadata))
        .sort(byStart('desc'))
        .map(wireListed);
      sendJson(res, 200, list);
    },

    'GET /v2/sandboxes': async ({ res, query }) => {
      const metadata = parseMetadataFilter((query.metadata as string | undefined) ?? null);
      const states = (query.state as string[] | undefined) ?? [];
      const wanted = new Set(states.length ? states : ['running', 'paused']);
      const order = (query.order as 'asc' | 'desc' | undefined) ?? 'desc';
      const startedAfter = query.startedAfter === undefined ? undefined : Date.parse(query.startedAfter as string);
      const template = query.template as string | undefined;
      // E2B's handler refuses a tag here: sandboxes run a build, not a tag of it
      if (template?.includes(':')) throw new ApiError(400, 'template must not include a tag');
      const limit = (query.limit as number | undefined) ?? 100;
      let list = sandboxes
        .all()
        .filter(
          (s) =>
            wanted.has(wireState(s) ?? '') &&
            matchesMetadata(s, metadata) &&
            (startedAfter === undefined || Date.parse(s.startedAt) >= startedAfter) &&
            (!template || matchesTemplate(s, template, templates)),
        )
        .sort(byStart(order));
      const token = query.nextToken as string | undefined;
      if (token) {
        const cursor = decodeCursor(token);
        const index = list.findIndex((s) => s.startedAt === cursor.startedAt && s.sandboxID === cursor.id);
        // The sandbox the cursor names may have been killed since; resume after its position.
        list = index >= 0 ? list.slice(index + 1) : list.filter((s) => (order === 'asc' ? s.startedAt > cursor.startedAt : s.startedAt < cursor.startedAt));
      }
      const page = list.slice(0, limit);
      const headers: Record<string, string> = {};
      if (list.length > limit) headers['X-Next-Token'] = encodeCursor(page[page.length - 1]);
      if (wanted.has('running')) headers['X-Total-Running'] = String(sandboxes.all().filter((s) => wireState(s) === 'running').length);
      sendJson(res, 200, page.map(wireListed), headers);
    },

    'GET /sandboxes/metrics': async ({ res, query }) => {
      const out: Record<string, SandboxMetric> = {};
      for (const id of query.sandbox_ids as string[]) {
        if (!id || !sandboxes.get(id)) continue;
        const samples = await sandboxes.metricsOf(id);
        const last = samples[samples.length - 1];
        if (last) out[id] = wireMetric(last);
      }
      sendJson(res, 200, { sandboxes: out });
    },

    'GET /sandboxes/{sandboxID}': async ({ res, params }) => {
      sendJson(res, 200, wireDetail(sandboxes.require(params.sandboxID), deps.domain()));
    },

    'DELETE /sandboxes/{sandboxID}': async ({ res, params }) => {
      if (!(await sandboxes.kill(params.sandboxID))) {
        throw new ApiError(404, `Sandbox "${params.sandboxID}" doesn't exist or you don't have access to it`);
      }
      sendEmpty(res, 204);
    },

    'GET /sandboxes/{sandboxID}/logs': async ({ res, params, query }) => {
      sandboxes.require(params.sandboxID);
      const start = query.start as number | undefined;
      const entries = sandboxes.log(params.sandboxID).query({
        ...(start !== undefined ? { cursorMs: start } : {}),
        limit: (query.limit as number | undefined) ?? 1000,
      });
      sendJson(res, 200, {
        logs: entries.map((e) => ({ timestamp: e.timestamp, line: e.message })),
        logEntries: entries,
      });
    },

    'GET /v2/sandboxes/{sandboxID}/logs': async ({ res, params, query }) => {
      sandboxes.require(params.sandboxID);
      const cursor = query.cursor as number | undefined;
      const level = query.level as 'debug' | 'info' | 'warn' | 'error' | undefined;
      const search = query.search as string | undefined;
      const entries = sandboxes.log(params.sandboxID).query({
        ...(cursor !== undefined ? { cursorMs: cursor } : {}),
        limit: (query.limit as number | undefined) ?? 1000,
        direction: (query.direction as 'forward' | 'backward' | undefined) ?? 'forward',
        ...(level ? { level } : {}),
        ...(search ? { search } : {}),
      });
      sendJson(res, 200, { logs: entries });
    },

    'GET /sandboxes/{sandboxID}/metrics': async ({ res, params, query }) => {
      const unix = (key: string) => (query[key] === undefined ? undefined : Math.floor(query[key] as number));
      const samples = await sandboxes.metricsOf(params.sandboxID, unix('start'), unix('end'));
      sendJson(res, 200, samples.map(wireMetric));
    },

    'POST /sandboxes/{sandboxID}/pause': async ({ res, params, body }) => {
      const pause = body as SandboxPauseRequest | undefined;
      if (!(await sandboxes.pause(params.sandboxID, pause?.memory !== false))) {
        throw new ApiError(409, `Sandbox ${params.sandboxID} is already paused`);
      }
      sendEmpty(res, 204);
    },

    'POST /sandboxes/{sandboxID}/resume': async ({ res, params, body }) => {
      const resume = body as ResumedSandbox;
      sendJson(res, 201, wireSandbox(await sandboxes.resume(params.sandboxID, resume.timeout), deps.domain()));
    },

    'POST /sandboxes/{sandboxID}/connect': async ({ res, params, body }) => {
      const { record, resumed } = await sandboxes.connect(params.sandboxID, (body as ConnectSandbox).timeout);
      sendJson(res, resumed ? 201 : 200, wireSandbox(record, deps.domain()));
    },

    // The v2 connect (the official SDK's since 2.46): the body is optional, the timeout defaults
    // to 300 s, and `memory: false` resumes a paused sandbox from its files only (a cold boot).
    'POST /v2/sandboxes/{sandboxID}/connect': async ({ res, params, body }) => {
      const v2 = (body as ConnectSandboxV2 | undefined) ?? {};
      const { record, resumed } = await sandboxes.connect(params.sandboxID, v2.timeout ?? V2_DEFAULT_TIMEOUT_S, { memory: v2.memory ?? true });
      sendJson(res, resumed ? 201 : 200, wireSandbox(record, deps.domain()));
    },

    'POST /sandboxes/{sandboxID}/timeout': async ({ res, params, body }) => {
      // The spec lets the body be absent, but E2B's handler cannot parse an absent one either.
      if (body === undefined) throw new ApiError(400, 'timeout is required');
      await sandboxes.setTimeout(params.sandboxID, (body as SandboxTimeoutRequest).timeout);
      sendEmpty(res, 204);
    },

    'POST /sandboxes/{sandboxID}/refreshes': async ({ res, params, body }) => {
      await sandboxes.refresh(params.sandboxID, (body as SandboxRefreshRequest | undefined)?.duration);
      sendEmpty(res, 204);
    },

    'PUT /sandboxes/{sandboxID}/network': async ({ res, params, body }) => {
      await sandboxes.updateNetwork(params.sandboxID, body as SandboxNetworkUpdateConfig);
      sendEmpty(res, 204);
    },

    'POST /sandboxes/{sandboxID}/fork': async ({ res, params, body }) => {
      const results = await sandboxes.fork(params.sandboxID, body as SandboxForkRequest | undefined);
      sendJson(
        res,
        201,
        results.map((r) => ('sandbox' in r ? { sandbox: wireSandbox(r.sandbox, deps.domain()) } : r)),
      );
    },

    'POST /sandboxes/{sandboxID}/snapshots': async ({ res, params, body }) => {
      const snapshot = await sandboxes.snapshot(params.sandboxID, (body as SandboxSnapshotRequest).name || undefined);
      sendJson(res, 201, wireSnapshot(snapshot));
    },

    'GET /snapshots': async ({ res, query }) => {
      const limit = (query.limit as number | undefined) ?? 100;
      const sandboxId = query.sandboxID as string | undefined;
      const name = query.name as string | undefined;
      const named = name ? templates.find(name) : undefined;
      let list = templates
        .all()
        .filter((t) => t.sourceSandboxID !== undefined)
        .filter((t) => !sandboxId || t.sourceSandboxID === sandboxId)
        .filter((t) => !name || t === named || t.templateID === name)
        .sort((a, b) => (a.createdAt === b.createdAt ? a.templateID.localeCompare(b.templateID) : b.createdAt.localeCompare(a.createdAt)));
      const token = query.nextToken as string | undefined;
      if (token) {
        const after = Buffer.from(token, 'base64url').toString('utf8');
        const index = list.findIndex((t) => t.templateID === after);
        list = index >= 0 ? list.slice(index + 1) : [];
      }
      const page = list.slice(0, limit);
      const headers: Record<string, string> = {};
      if (list.length > limit) headers['X-Next-Token'] = Buffer.from(page[page.length - 1].templateID).toString('base64url');
      sendJson(res, 200, page.map(wireSnapshot), headers);
    },

    'GET /volumes': async ({ res }) => {
      sendJson(
        res,
        200,
        deps.volumes.all().map((v): WireVolume => ({ volumeID: v.volumeID, name: v.name })),
      );
    },

    'POST /volumes': async ({ res, body }) => {
      const record = await deps.volumes.create((body as NewVolume).name);
      sendJson(res, 201, wireVolumeAndToken(record, deps.volumes));
    },

    'GET /volumes/{volumeID}': async ({ res, params }) => {
      const record = deps.volumes.get(params.volumeID);
      if (!record) throw new ApiError(404, `volume ${params.volumeID} not found`);
      sendJson(res, 200, wireVolumeAndToken(record, deps.volumes));
    },

    // A volume that a sandbox (running or paused) mounts stays: its files would vanish under it.
    'DELETE /volumes/{volumeID}': async ({ res, params }) => {
      const record = deps.volumes.get(params.volumeID);
      if (!record) throw new ApiError(404, `volume ${params.volumeID} not found`);
      const users = sandboxes.mountersOf(record.name);
      if (users.length > 0) {
        throw new ApiError(
          409,
          `volume ${record.name} is mounted by sandbox${users.length > 1 ? 'es' : ''} ${users.join(', ')}: kill ${users.length > 1 ? 'them' : 'it'} first`,
        );
      }
      await deps.volumes.destroy(params.volumeID);
      sendEmpty(res, 204);
    },

    'GET /templates': async ({ res }) => {
      sendJson(res, 200, templates.all().map(wireTemplate));
    },

    'DELETE /templates/{templateID}': async ({ res, params }) => {
      const found = templates.find(params.templateID);
      // a spare on its layers would be left standing on folders about to go
      if (found) await sandboxes.dropSparesOn(templates.folderOf(found.templateID));
      if (!(await templates.delete(params.templateID, (dir) => sandboxes.standsOn(dir)))) throw new ApiError(404, `template '${params.templateID}' not found`);
      sendEmpty(res, 204);
    },
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
