/**
 * The local daemon: one HTTP server on loopback serving E2B's control-plane API and, on the same
 * port, every sandbox's envd (routed by the proxy). Used by the daemon process (main.ts) and by
 * `local start --foreground`.
 */
import { existsSync, readFileSync, statSync, truncateSync, appendFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { packageVersion } from '../../version.js';
import type { DaemonInfo, StatePaths } from '../paths.js';
import { localBackendRefusal } from '../platform.js';
import { processTree } from '../runtime/process-tree.js';
import { selectRuntime, type Runtime } from '../runtime/index.js';
import { secureStateRoot } from '../state-root.js';
import type { LimitStatus } from '../runtime/cgroup.js';
import { Disks } from '../runtime/disk.js';
import { cgroupsFor, releaseAllGroups, releaseStaleGroups } from '../runtime/freezer.js';
import { writeJsonAtomic, writeSecretSync } from '../store.js';
import { createApi } from './api.js';
import { VolumeStore } from './volumes.js';
import { checkRequest } from './edge.js';
import { sendApiError } from './http.js';
import { newApiKey } from './ids.js';
import { wireState } from './lifecycle.js';
import { createPortProxy, portForwardTarget, refuseRaw } from './ports.js';
import { createEnvdProxy } from './proxy.js';
import { SandboxManager } from './sandboxes.js';
import { TemplateStore } from './templates.js';

/** Hosts the daemon may bind: loopback only, since sandboxes must never be reachable from the network. */
export const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
/** The daemon log is cut back to its last part past this size at start-up. */
const LOG_LIMIT_BYTES = 5 * 1024 * 1024;
/**
 * Parser settings fixed here rather than inherited from NODE_OPTIONS (`--max-http-header-size`,
 * `--insecure-http-parser`), so every daemon parses requests the same strict way: 16 KiB of
 * request line and headers (Node's default) and no lenient parsing a smuggled request could hide
 * in. A missing Host is left to the edge, which refuses it like any foreign one.
 */
const SERVER_OPTIONS = { maxHeaderSize: 16 * 1024, insecureHTTPParser: false, requireHostHeader: false } as const;
/** How long a connection refused for a malformed request may still send before it is cut. */
const DRAIN_MS = 2_000;

/** E2B's error body on a connection whose request could not be parsed. */
function rawError(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ code: status, message });
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request line and headers exceed 16 KiB'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request headers took too long'],
};

export interface DaemonOptions {
  paths: StatePaths;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** When the port is taken, fall back to a free one instead of failing. */
  portFallback?: boolean;
  runtime?: Runtime;
  /** Also receives every daemon log line (foreground mode prints them). */
  onLog?: (line: string) => void;
  /** Where the daemon runs (platform.ts refuses native Windows). @default this machine's */
  platform?: NodeJS.Platform;
}

export interface Daemon {
  server: Server;
  info: DaemonInfo;
  runtime: Runtime;
  /** Each kind of sandbox limit, enforced or not (and why). */
  limits: LimitStatus[];
  close(): Promise<void>;
}

/**
 * The limits part of the start-up line: `limits: cpu, memory, pids, disk enforced` or, with
 * some that this machine cannot enforce, `...; NOT enforced: disk` (the reasons follow in
 * warnings and in `local status`).
 */
export function limitsSummary(limits: LimitStatus[]): string {
  const on = limits.filter((l) => l.enforced).map((l) => l.kind);
  const off = limits.filter((l) => !l.enforced).map((l) => l.kind);
  if (off.length === 0) return `limits: ${on.join(', ')} enforced`;
  return `limits: ${on.length ? `${on.join(', ')} enforced; ` : ''}NOT enforced: ${off.join(', ')}`;
}

/** Reads the API key, creating it (mode 0600) on first start. */
export function loadOrCreateApiKey(paths: StatePaths): string {
  if (existsSync(paths.apiKey)) {
    const key = readFileSync(paths.apiKey, 'utf8').trim();
    if (/^e2b_[0-9a-f]{40}$/.test(key)) return key;
  }
  const key = newApiKey();
  writeSecretSync(paths.apiKey, `${key}\n`);
  return key;
}

function trimLog(path: string): void {
  try {
    const size = statSync(path).size;
    if (size <= LOG_LIMIT_BYTES) return;
    const keep = readFileSync(path).subarray(size - LOG_LIMIT_BYTES / 2);
    truncateSync(path, 0);
    appendFileSync(path, keep);
  } catch {
    // no log yet
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** `E2B_TS_WARM_SPARE`: how many warm spares (0 to 4; unset or unreadable: 2). */
export function warmSpares(value: string | undefined): number {
  if (value === undefined || !/^[0-4]$/.test(value.trim())) return 2;
  return Number(value.trim());
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const refusal = localBackendRefusal(opts.platform);
  if (refusal) throw new Error(refusal);
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the local backend only binds loopback addresses, not ${host}`);
  const { paths } = opts;
  const stateCheck = secureStateRoot(paths.root);
  trimLog(paths.log);
  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}`;
    try {
      appendFileSync(paths.log, `${line}\n`, { mode: 0o600 });
    } catch {
      // logging must never take the daemon down
    }
    opts.onLog?.(line);
  };

  if (stateCheck.tightenedFrom !== undefined) {
    log('warn', `the state folder ${paths.root} was open to other users (mode ${stateCheck.tightenedFrom.toString(8).padStart(4, '0')}); it is now 0700`);
  }
  const apiKey = loadOrCreateApiKey(paths);
  const runtime = opts.runtime ?? selectRuntime();
  // chosen now, so a forced backend that cannot work stops the start rather than the first kill
  const processes = processTree();
  await releaseStaleGroups(paths.root);
  const disks = await Disks.detect(paths.root);
  for (const problem of await disks.recover(paths.sandboxes, (dir) => existsSync(join(dir, 'sandbox.json')))) log('warn', problem);
  const limits = [...cgroupsFor(paths.root).limits, disks.status];
  const templates = new TemplateStore(paths.templates);
  await templates.load();
  const volumes = new VolumeStore(paths.volumes, paths.volumeKey);
  await volumes.load();
  const sandboxes = new SandboxManager({ paths, runtime, templates, volumes, log, warmSpares: warmSpares(process.env.E2B_TS_WARM_SPARE), disks });
  await sandboxes.load();
  const proxy = createEnvdProxy(sandboxes);

  const startedAt = new Date().toISOString();
  const status = () => ({
    version: packageVersion(),
    pid: process.pid,
    startedAt,
    runtime: runtime.name,
    isolated: runtime.isolated,
    runtimeDescription: runtime.description,
    processes: processes.name,
    limits,
    sandboxes: {
      running: sandboxes.all().filter((s) => wireState(s) === 'running').length,
      paused: sandboxes.all().filter((s) => wireState(s) === 'paused').length,
    },
    templates: templates.all().length,
  });
  // Known once listening, which is before the first request can arrive.
  let port = 0;
  const api = createApi({ sandboxes, templates, volumes, apiKey, status, domain: () => `localhost:${port}` });
  const ports = createPortProxy(sandboxes, { apiKey });

  // Requests in progress per connection: an answer to a malformed request that follows one on
  // the same connection would be read as part of the earlier answer.
  const busy = new WeakMap<object, number>();
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    busy.set(req.socket, (busy.get(req.socket) ?? 0) + 1);
    res.once('close', () => busy.set(req.socket, (busy.get(req.socket) ?? 1) - 1));
    const route = checkRequest(req, port);
    if ('status' in route) {
      sendApiError(res, route.status, route.message);
      return;
    }
    const work = route.kind === 'envd' ? proxy.handle(req, res, route) : route.kind === 'port' ? ports.handle(req, res, route) : api(req, res);
    work.catch((error: unknown) => {
      log('error', `request ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Requests with an `Upgrade` header come here instead (Node gives them all to this listener):
  // WebSocket and other upgrades of user ports, and the port-forward endpoint. The same edge
  // decides; control-plane and envd routes have nothing to upgrade to. (Node cannot hand such a
  // request back as a plain one, so `Upgrade: h2c` there is refused rather than ignored.)
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const route = checkRequest(req, port);
    if ('status' in route) {
      refuseRaw(socket, route.status, { code: route.status, message: route.message });
      return;
    }
    const forwardTo = route.kind === 'control' ? portForwardTarget(route.target) : undefined;
    const work =
      route.kind === 'port'
        ? ports.upgrade(req, socket, head, route)
        : forwardTo
          ? ports.portForward(req, socket, head, forwardTo)
          : Promise.resolve(refuseRaw(socket, 400, { code: 400, message: 'Upgrade is only accepted by sandbox ports and GET /sandboxes/<id>/ports/<port>' }));
    work.catch((error: unknown) => {
      log('error', `upgrade ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.destroy();
    });
  });
  // Node's own answer to a malformed request is written just before the socket is destroyed, and
  // a client still sending then gets a reset that can erase it. Answer, half-close, and read
  // (the parser re-reports each further chunk here) until the client is done or DRAIN_MS passes.
  const answered = new WeakSet<object>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const known = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'malformed HTTP request'];
    if (!socket.writable || (busy.get(socket) ?? 0) > 0 || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    socket.end(rawError(...known));
    setTimeout(() => socket.destroy(), DRAIN_MS).unref();
  });
  // Process output and watches stream for as long as they run.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  try {
    await listen(server, opts.port, host);
  } catch (error) {
    if (!opts.portFallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      await sandboxes.shutdown();
      await releaseAllGroups(paths.root);
      await disks.unmount(paths.sandboxes).catch(() => {});
      throw error;
    }
    await listen(server, 0, host);
  }
  port = (server.address() as AddressInfo).port;
  const info: DaemonInfo = {
    pid: process.pid,
    port,
    host,
    version: packageVersion(),
    startedAt,
    runtime: runtime.name,
  };
  await writeJsonAtomic(paths.daemon, info);
  log('info', `listening on http://${host}:${port} (runtime: ${runtime.description}; processes through ${processes.name}; ${limitsSummary(limits)})`);
  if (!runtime.isolated) log('warn', runtime.description);
  for (const limit of limits.filter((l) => !l.enforced)) log('warn', `sandbox ${limit.kind} limit not enforced: ${limit.detail}; sandboxes work without it`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log('info', 'stopping');
      server.close();
      server.closeAllConnections();
      proxy.close();
      ports.close();
      await sandboxes.shutdown();
      await releaseAllGroups(paths.root);
      await disks.unmount(paths.sandboxes, true).catch((error: unknown) => {
        log('error', `could not unmount sandbox disks: ${error instanceof Error ? error.message : String(error)}`);
      });
      try {
        const current = JSON.parse(readFileSync(paths.daemon, 'utf8')) as DaemonInfo;
        if (current.pid === process.pid) rmSync(paths.daemon, { force: true });
      } catch {
        // already gone
      }
      log('info', 'stopped');
    })();
    return closing;
  };
  return { server, info, runtime, limits, close };
}
