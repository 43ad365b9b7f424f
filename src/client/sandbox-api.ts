/**
 * The sandbox and snapshot operations of the control-plane API, and the mapping between wire
 * objects (snake/ID-cased, as the API speaks) and the library's objects (field names of the
 * official JS SDK: `sandboxId`, `templateId`, `startedAt` as a Date, ...).
 */
import type {
  ListedSandbox,
  NewSandbox,
  Sandbox as WireSandbox,
  SandboxDetail,
  SandboxLogEntry as WireLogEntry,
  SandboxMetric,
  SandboxForkResult,
  SnapshotInfo as WireSnapshotInfo,
} from '../gen/api/schemas.js';
import type { CallOptions } from './config.js';
import { InvalidArgumentError, SandboxError, SandboxNotFoundError, errorFromApi } from './errors.js';
import { Paginator } from './paginator.js';
import { networkBody, networkInfoFromWire, networkUpdateBody, type SandboxNetworkInfo, type SandboxNetworkOpts, type SandboxNetworkUpdate } from './network.js';
import { encodePath, type RestClient } from './transport/rest.js';

/** State of a sandbox. */
export type SandboxState = 'running' | 'paused';

/**
 * The action at a sandbox's timeout: `'kill'`, `'pause'`, or the official SDK's object form
 * `{ action: 'pause', keepMemory }` / `{ action: 'kill' }`.
 */
export type SandboxOnTimeout = 'kill' | 'pause' | { action: 'pause'; keepMemory?: boolean } | { action: 'kill' };

/** What happens when a sandbox's timeout passes. */
export interface SandboxLifecycle {
  /** `kill` ends the sandbox; `pause` keeps it (files and, with keepMemory, processes). @default 'kill' */
  onTimeout: SandboxOnTimeout;
  /** Resume a paused sandbox automatically when traffic reaches it (needs onTimeout 'pause'). @default false */
  autoResume?: boolean;
  /** With onTimeout 'pause': keep memory (processes) rather than only the filesystem. @default true */
  keepMemory?: boolean;
}

/** The lifecycle with its action and keepMemory read from either form. */
function lifecycleParts(lifecycle: SandboxLifecycle): { action: unknown; keepMemory?: boolean; autoResume?: boolean } {
  const onTimeout = lifecycle.onTimeout as unknown;
  const object = typeof onTimeout === 'object' && onTimeout !== null ? (onTimeout as { action?: unknown; keepMemory?: boolean }) : undefined;
  const keepMemory = object?.keepMemory ?? lifecycle.keepMemory;
  return {
    action: object ? object.action : onTimeout,
    ...(keepMemory !== undefined ? { keepMemory } : {}),
    ...(lifecycle.autoResume !== undefined ? { autoResume: lifecycle.autoResume } : {}),
  };
}

export type { SandboxNetworkOpts, SandboxNetworkInfo, SandboxNetworkUpdate } from './network.js';

/** Options for creating a sandbox; every field is optional. */
export interface SandboxCreateOpts {
  /** Template name or ID. @default 'base' ('mcp-gateway' when `mcp` is given) */
  template?: string;
  /** Free-form string labels, filterable in list. */
  metadata?: Record<string, string>;
  /** Environment variables of every process in the sandbox. */
  envs?: Record<string, string>;
  /** Lifetime in milliseconds (rounded up to whole seconds on the wire). @default 300000 */
  timeoutMs?: number;
  /** Require an access token on envd; the API issues one. @default true */
  secure?: boolean;
  /** Let the sandbox reach the internet. @default true */
  allowInternetAccess?: boolean;
  /** Fine-grained network configuration. */
  network?: SandboxNetworkOpts;
  /** What happens at timeout. @default { onTimeout: 'kill' } */
  lifecycle?: SandboxLifecycle;
  /** Volumes to mount: mount path → volume name. */
  volumeMounts?: Record<string, string | { name: string }>;
  /** MCP gateway configuration, passed through to the API. */
  mcp?: object;
}

/** Connection details of a running sandbox (what create and connect return). */
export interface SandboxConnection {
  sandboxId: string;
  templateId: string;
  /** Template alias the sandbox was created from, when it had one. */
  alias?: string;
  envdVersion: string;
  envdAccessToken?: string;
  trafficAccessToken?: string;
  /** Domain serving this sandbox, when it differs from the configured one. */
  sandboxDomain?: string;
}

/** Everything the API knows about a sandbox. Field names follow the official JS SDK. */
export interface SandboxInfo {
  sandboxId: string;
  templateId: string;
  /** Template alias (name). */
  name?: string;
  metadata: Record<string, string>;
  startedAt: Date;
  endAt: Date;
  state: SandboxState;
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  envdVersion: string;
  allowInternetAccess?: boolean;
  network?: SandboxNetworkInfo;
  lifecycle?: { onTimeout: 'kill' | 'pause'; autoResume: boolean };
  volumeMounts?: Array<{ name: string; path: string }>;
  sandboxDomain?: string;
}

/** One resource-usage sample. */
export interface SandboxMetrics {
  timestamp: Date;
  cpuUsedPct: number;
  cpuCount: number;
  memUsed: number;
  memTotal: number;
  memCache: number;
  diskUsed: number;
  diskTotal: number;
}

/** One log line of a sandbox. */
export interface SandboxLogEntry {
  timestamp: Date;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, string>;
}

/** A snapshot: a template made from a sandbox's state, usable as `template` in create. */
export interface SnapshotInfo {
  snapshotId: string;
  names: string[];
}

/** Filters and paging of a sandbox listing. */
export interface SandboxListOpts {
  query?: {
    metadata?: Record<string, string>;
    /** @default both states */
    state?: SandboxState[];
    startedAfter?: Date;
    template?: string;
  };
  /** Order by start time across the whole result set. @default 'desc' */
  order?: 'asc' | 'desc';
  /** Page size (1..100). @default 100 */
  limit?: number;
  nextToken?: string;
}

/** Filters and paging of a snapshot listing. */
export interface SnapshotListOpts {
  sandboxId?: string;
  name?: string;
  limit?: number;
  nextToken?: string;
}

/** Default sandbox lifetime: five minutes, as the official SDK. */
export const DEFAULT_SANDBOX_TIMEOUT_MS = 300_000;

const notFound = (sandboxId: string) => ({
  notFound: SandboxNotFoundError,
  notFoundMessage: `sandbox ${sandboxId} not found (it may have been killed or its timeout passed)`,
});

/** Seconds on the wire, never rounded down to zero. */
function toSeconds(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError('timeout must be a positive duration');
  return Math.ceil(ms / 1000);
}

/** Builds the create request body, validating lifecycle combinations as the official SDK does. */
export function newSandboxBody(opts: SandboxCreateOpts): NewSandbox {
  const lifecycle = opts.lifecycle && lifecycleParts(opts.lifecycle);
  if (lifecycle) {
    if (lifecycle.action !== 'kill' && lifecycle.action !== 'pause') {
      throw new InvalidArgumentError(`lifecycle.onTimeout must be "kill" or "pause", not ${JSON.stringify(lifecycle.action)}`);
    }
    if (lifecycle.autoResume && lifecycle.action !== 'pause') {
      throw new InvalidArgumentError('autoResume needs onTimeout "pause"');
    }
    if (lifecycle.keepMemory !== undefined && lifecycle.action !== 'pause') {
      throw new InvalidArgumentError('keepMemory only applies with onTimeout "pause"');
    }
    if (lifecycle.autoResume && lifecycle.keepMemory === false) {
      // A files-only snapshot cannot be resumed by traffic; it needs an explicit connect.
      throw new InvalidArgumentError('autoResume needs keepMemory (a files-only pause must be resumed explicitly)');
    }
  }
  const body: NewSandbox = {
    templateID: opts.template ?? (opts.mcp ? 'mcp-gateway' : 'base'),
    timeout: toSeconds(opts.timeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS),
    secure: opts.secure ?? true,
    allow_internet_access: opts.allowInternetAccess ?? true,
  };
  if (opts.metadata) body.metadata = opts.metadata;
  if (opts.envs) body.envVars = opts.envs;
  if (opts.network) body.network = networkBody(opts.network);
  if (opts.mcp) body.mcp = opts.mcp as NonNullable<NewSandbox['mcp']>;
  if (lifecycle) {
    body.autoPause = lifecycle.action === 'pause';
    if (lifecycle.action === 'pause' && lifecycle.keepMemory !== undefined) body.autoPauseMemory = lifecycle.keepMemory;
    if (lifecycle.autoResume !== undefined) body.autoResume = { enabled: lifecycle.autoResume };
  }
  if (opts.volumeMounts) {
    body.volumeMounts = Object.entries(opts.volumeMounts).map(([path, volume]) => ({
      name: typeof volume === 'string' ? volume : volume.name,
      path,
    }));
  }
  return body;
}

/** Maps the create/connect response (or the same fields of a sandbox's details). */
export function connectionFromWire(wire: WireSandbox | SandboxDetail): SandboxConnection {
  const out: SandboxConnection = {
    sandboxId: wire.sandboxID,
    templateId: wire.templateID,
    envdVersion: wire.envdVersion,
  };
  if (wire.alias) out.alias = wire.alias;
  if (wire.envdAccessToken) out.envdAccessToken = wire.envdAccessToken;
  if ('trafficAccessToken' in wire && wire.trafficAccessToken) out.trafficAccessToken = wire.trafficAccessToken;
  if (wire.domain) out.sandboxDomain = wire.domain;
  return out;
}

/** Maps a detail or list item. */
export function infoFromWire(wire: SandboxDetail | ListedSandbox): SandboxInfo {
  const info: SandboxInfo = {
    sandboxId: wire.sandboxID,
    templateId: wire.templateID,
    metadata: wire.metadata ?? {},
    startedAt: new Date(wire.startedAt),
    endAt: new Date(wire.endAt),
    state: wire.state as SandboxState,
    cpuCount: wire.cpuCount,
    memoryMB: wire.memoryMB,
    diskSizeMB: wire.diskSizeMB,
    envdVersion: wire.envdVersion,
  };
  if (wire.alias) info.name = wire.alias;
  if (wire.volumeMounts) info.volumeMounts = wire.volumeMounts.map((m) => ({ name: m.name, path: m.path }));
  if ('allowInternetAccess' in wire && wire.allowInternetAccess !== undefined && wire.allowInternetAccess !== null) {
    info.allowInternetAccess = wire.allowInternetAccess;
  }
  if ('network' in wire && wire.network) info.network = networkInfoFromWire(wire.network);
  if ('lifecycle' in wire && wire.lifecycle) {
    info.lifecycle = { onTimeout: wire.lifecycle.onTimeout, autoResume: wire.lifecycle.autoResume };
  }
  if ('domain' in wire && wire.domain) info.sandboxDomain = wire.domain;
  return info;
}

/** Maps a metrics sample. */
export function metricsFromWire(wire: SandboxMetric): SandboxMetrics {
  return {
    timestamp: wire.timestampUnix !== undefined ? new Date(wire.timestampUnix * 1000) : new Date(wire.timestamp),
    cpuUsedPct: wire.cpuUsedPct,
    cpuCount: wire.cpuCount,
    memUsed: wire.memUsed,
    memTotal: wire.memTotal,
    memCache: wire.memCache,
    diskUsed: wire.diskUsed,
    diskTotal: wire.diskTotal,
  };
}

function logFromWire(wire: WireLogEntry): SandboxLogEntry {
  return {
    timestamp: new Date(wire.timestamp),
    level: wire.level as SandboxLogEntry['level'],
    message: wire.message,
    fields: wire.fields ?? {},
  };
}

/** `POST /sandboxes`. Not retried: a repeat could create a second sandbox. */
export async function createSandbox(rest: RestClient, opts: SandboxCreateOpts, call: CallOptions = {}): Promise<SandboxConnection> {
  const res = await rest.request<WireSandbox>({
    ...call,
    method: 'POST',
    path: '/sandboxes',
    body: newSandboxBody(opts),
    errors: { notFoundMessage: `template ${opts.template ?? 'base'} not found` },
  });
  return connectionFromWire(res.body);
}

/**
 * `POST /sandboxes/{id}/connect`: resumes a paused sandbox; for a running one it extends the
 * lifetime to at least `timeoutMs` from now and never shortens it.
 */
export async function connectSandbox(
  rest: RestClient,
  sandboxId: string,
  timeoutMs: number,
  call: CallOptions = {},
): Promise<SandboxConnection & { resumed: boolean }> {
  const res = await rest.request<WireSandbox>({
    ...call,
    method: 'POST',
    path: encodePath`/sandboxes/${sandboxId}/connect`,
    body: { timeout: toSeconds(timeoutMs) },
    idempotent: true,
    errors: notFound(sandboxId),
  });
  return { ...connectionFromWire(res.body), resumed: res.status === 201 };
}

/** Options of `Sandbox.fork` (the official SDK's SandboxForkOpts). */
export interface SandboxForkOpts {
  /** How many forks to start (1 to 100); each succeeds or fails on its own. @default 1 */
  count?: number;
  /** Lifetime of each fork in ms. @default the API's (five minutes) */
  timeoutMs?: number;
}

/**
 * `POST /sandboxes/{id}/fork`: one entry per requested fork, the fork's connection or the error
 * that fork ended with (the request as a whole fails only for a missing sandbox or bad input).
 */
export async function forkSandbox(
  rest: RestClient,
  sandboxId: string,
  opts: SandboxForkOpts,
  call: CallOptions = {},
): Promise<Array<SandboxConnection | SandboxError>> {
  if (opts.count !== undefined && (!Number.isInteger(opts.count) || opts.count < 1)) {
    throw new InvalidArgumentError(`fork count must be a whole number of at least 1, not ${opts.count}`);
  }
  const body: { timeout?: number; count?: number } = {};
  if (opts.timeoutMs !== undefined) body.timeout = toSeconds(opts.timeoutMs);
  if (opts.count !== undefined) body.count = opts.count;
  const res = await rest.request<SandboxForkResult[]>({
    ...call,
    method: 'POST',
    path: encodePath`/sandboxes/${sandboxId}/fork`,
    body,
    errors: notFound(sandboxId),
  });
  return (res.body ?? []).map((item) => {
    if (item.sandbox) return connectionFromWire(item.sandbox);
    if (item.error) return errorFromApi(item.error.code, item.error);
    return new SandboxError('the API reported a fork without a sandbox or an error');
  });
}

/** `GET /sandboxes/{id}`. */
export async function getSandboxDetail(rest: RestClient, sandboxId: string, call: CallOptions = {}): Promise<SandboxDetail> {
  const res = await rest.request<SandboxDetail>({
    ...call,
    method: 'GET',
    path: encodePath`/sandboxes/${sandboxId}`,
    errors: notFound(sandboxId),
  });
  return res.body;
}

/** `DELETE /sandboxes/{id}`: true when killed, false when it did not exist. */
export async function killSandbox(rest: RestClient, sandboxId: string, call: CallOptions = {}): Promise<boolean> {
  const res = await rest.request({ ...call, method: 'DELETE', path: encodePath`/sandboxes/${sandboxId}`, allow: [404] });
  return res.status !== 404;
}

/** `POST /sandboxes/{id}/pause`: true when paused now, false when it already was. */
export async function pauseSandbox(rest: RestClient, sandboxId: string, opts: { keepMemory?: boolean } = {}, call: CallOptions = {}): Promise<boolean> {
  const res = await rest.request({
    ...call,
    method: 'POST',
    path: encodePath`/sandboxes/${sandboxId}/pause`,
    body: { memory: opts.keepMemory ?? true },
    allow: [409],
    errors: notFound(sandboxId),
  });
  return res.status !== 409;
}

/** `POST /sandboxes/{id}/timeout`: the sandbox ends `timeoutMs` from now (may shorten). */
/** `PUT /sandboxes/{id}/network`: replaces a sandbox's egress rules, live. */
export async function updateSandboxNetwork(rest: RestClient, sandboxId: string, network: SandboxNetworkUpdate, call: CallOptions = {}): Promise<void> {
  const body = networkUpdateBody(network);
  await rest.request({
    ...call,
    method: 'PUT',
    path: encodePath`/sandboxes/${sandboxId}/network`,
    body,
    idempotent: true,
    errors: notFound(sandboxId),
  });
}

export async function setSandboxTimeout(rest: RestClient, sandboxId: string, timeoutMs: number, call: CallOptions = {}): Promise<void> {
  await rest.request({
    ...call,
    method: 'POST',
    path: encodePath`/sandboxes/${sandboxId}/timeout`,
    // 0 is E2B's "now": the sandbox's on-timeout action (kill or pause) runs at once
    body: { timeout: timeoutMs === 0 ? 0 : toSeconds(timeoutMs) },
    idempotent: true,
    errors: notFound(sandboxId),
  });
}

/**
 * `GET /sandboxes/{id}/metrics` between two instants (default: the sandbox's whole life). The
 * bounds go out as unix seconds rounded to the nearest second, as the official SDK sends them,
 * so the same range gives the same samples through either client.
 */
export async function getSandboxMetrics(
  rest: RestClient,
  sandboxId: string,
  range: { start?: Date; end?: Date } = {},
  call: CallOptions = {},
): Promise<SandboxMetrics[]> {
  const res = await rest.request<SandboxMetric[]>({
    ...call,
    method: 'GET',
    path: encodePath`/sandboxes/${sandboxId}/metrics`,
    query: {
      start: range.start ? Math.round(range.start.getTime() / 1000) : undefined,
      end: range.end ? Math.round(range.end.getTime() / 1000) : undefined,
    },
    errors: notFound(sandboxId),
  });
  return (res.body ?? []).map(metricsFromWire);
}

/** Options of a log query. */
export interface SandboxLogsOpts {
  /** Only entries at or after this instant (forward) or before it (backward). */
  cursor?: Date;
  /** At most this many entries (≤ 1000). @default 1000 */
  limit?: number;
  direction?: 'forward' | 'backward';
  level?: SandboxLogEntry['level'];
  search?: string;
}

/** `GET /v2/sandboxes/{id}/logs`. */
export async function getSandboxLogs(rest: RestClient, sandboxId: string, opts: SandboxLogsOpts = {}, call: CallOptions = {}): Promise<SandboxLogEntry[]> {
  const res = await rest.request<{ logs?: WireLogEntry[] }>({
    ...call,
    method: 'GET',
    path: encodePath`/v2/sandboxes/${sandboxId}/logs`,
    query: {
      cursor: opts.cursor?.getTime(),
      limit: opts.limit,
      direction: opts.direction,
      level: opts.level,
      search: opts.search,
    },
    errors: notFound(sandboxId),
  });
  return (res.body?.logs ?? []).map(logFromWire);
}

/**
 * Encodes a metadata filter the way E2B's list endpoint decodes it: each key and value
 * URL-encoded, joined as a form string (whose `%` URLSearchParams encodes again on the way out).
 */
export function encodeMetadataFilter(metadata: Record<string, string>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(metadata)) form.append(encodeURIComponent(key), encodeURIComponent(value));
  return form.toString();
}

/** `GET /v2/sandboxes`, as a paginator. */
export function listSandboxes(rest: RestClient, opts: SandboxListOpts = {}): Paginator<SandboxInfo> {
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit > 100)) {
    throw new InvalidArgumentError('limit must be an integer from 1 to 100');
  }
  return new Paginator<SandboxInfo>(async (nextToken, call) => {
    const query = opts.query ?? {};
    const res = await rest.request<ListedSandbox[]>({
      ...call,
      method: 'GET',
      path: '/v2/sandboxes',
      query: {
        metadata: query.metadata && Object.keys(query.metadata).length ? encodeMetadataFilter(query.metadata) : undefined,
        state: query.state?.length ? query.state : undefined,
        startedAfter: query.startedAfter?.toISOString(),
        template: query.template,
        order: opts.order,
        limit: opts.limit,
        nextToken,
      },
    });
    if (!Array.isArray(res.body)) throw new SandboxError('the API answered the sandbox list with something other than a list');
    return { items: res.body.map(infoFromWire), nextToken: res.headers['x-next-token'] };
  }, opts.nextToken);
}

/** `POST /sandboxes/{id}/snapshots`. */
export async function createSnapshot(rest: RestClient, sandboxId: string, opts: { name?: string } = {}, call: CallOptions = {}): Promise<SnapshotInfo> {
  const res = await rest.request<WireSnapshotInfo>({
    ...call,
    method: 'POST',
    path: encodePath`/sandboxes/${sandboxId}/snapshots`,
    body: opts.name ? { name: opts.name } : {},
    errors: notFound(sandboxId),
  });
  return { snapshotId: res.body.snapshotID, names: res.body.names ?? [] };
}

/** `GET /snapshots`, as a paginator. */
export function listSnapshots(rest: RestClient, opts: SnapshotListOpts = {}): Paginator<SnapshotInfo> {
  return new Paginator<SnapshotInfo>(async (nextToken, call) => {
    const res = await rest.request<WireSnapshotInfo[]>({
      ...call,
      method: 'GET',
      path: '/snapshots',
      query: { sandboxID: opts.sandboxId, name: opts.name, limit: opts.limit, nextToken },
    });
    return {
      items: (res.body ?? []).map((s) => ({ snapshotId: s.snapshotID, names: s.names ?? [] })),
      nextToken: res.headers['x-next-token'],
    };
  }, opts.nextToken);
}

/** `DELETE /templates/{id}` of a snapshot: true when deleted, false when it did not exist. */
export async function deleteSnapshot(rest: RestClient, snapshotId: string, call: CallOptions = {}): Promise<boolean> {
  const res = await rest.request({ ...call, method: 'DELETE', path: encodePath`/templates/${snapshotId}`, allow: [404] });
  return res.status !== 404;
}
