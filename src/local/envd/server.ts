/**
 * envd, the daemon inside each sandbox: plain HTTP endpoints (`/health`, `/envs`, `/init`,
 * `/metrics`) and, on the same listener, the Connect-RPC services. It listens on a unix socket
 * that only the local daemon reaches; the daemon forwards sandbox traffic to it.
 *
 * Middleware order follows E2B's envd: access token first (everything but `GET /health`,
 * `GET|POST /files` and `POST /init` needs it when the sandbox is secured), then the handler.
 * `/init` is the platform's alone: it needs the daemon's secret (see EnvdConfig.platformSecret),
 * as E2B's envd needs the orchestrator's; so does the port tunnel (`CONNECT`, tunnel.ts). Only canonical request targets are served, so a path
 * means here exactly what it meant to the daemon that forwarded it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freemem, totalmem, cpus, loadavg } from 'node:os';
import { ACCESS_TOKEN_HEADER } from '../../protocol/envd.js';
import { sameSecret } from '../../protocol/secret.js';
import { PLATFORM_HEADER, type EnvdConfig } from './config.js';
import type { MetadataStore } from './filesystem/metadata.js';
import { sendEnvdError, sendJson } from './http.js';
import { serveTunnel } from './tunnel.js';

/** A pluggable handler for a path prefix (the Connect services and `/files` register here). */
export type EnvdRoute = (req: IncomingMessage, res: ServerResponse, state: EnvdState) => Promise<void> | void;

/** Mutable state of a running envd (the daemon may change it through `/init`). */
export interface EnvdState {
  config: EnvdConfig;
  /** Per-file upload metadata (see filesystem/metadata.ts). */
  metadata: MetadataStore;
}

const TOKEN_EXEMPT = new Set(['GET /health', 'GET /files', 'POST /files', 'POST /init']);
/** Routes only the platform (the local daemon) may call. */
const PLATFORM_ONLY = new Set(['/init']);

/**
 * Whether a request target is the one spelling of its path: origin-form, no dot segments, no
 * empty segments, no backslashes, no percent-encoding (envd's paths are fixed ASCII names).
 */
export function canonicalTarget(target: string): boolean {
  const path = target.split('?', 1)[0];
  return /^(\/[A-Za-z0-9_.-]+)+$|^\/$/.test(path) && !path.split('/').some((s) => s === '.' || s === '..');
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Applies a `/init` body: sandbox env vars, access token, default user and workdir (as E2B's
 * envd), plus the sandbox and template IDs (the local daemon hands a warm spare to a new
 * sandbox this way).
 */
export function applyInit(state: EnvdState, body: Record<string, unknown>): void {
  const config = state.config;
  if (typeof body.sandboxId === 'string' && body.sandboxId) config.sandboxId = body.sandboxId;
  if (typeof body.templateId === 'string' && body.templateId) config.templateId = body.templateId;
  if (body.envVars && typeof body.envVars === 'object') config.envVars = { ...(body.envVars as Record<string, string>) };
  if ('accessToken' in body) {
    if (typeof body.accessToken === 'string' && body.accessToken) config.accessToken = body.accessToken;
    else delete config.accessToken;
  }
  if (typeof body.defaultUser === 'string' && body.defaultUser) config.defaultUser = body.defaultUser;
  if (typeof body.defaultWorkdir === 'string' && body.defaultWorkdir) config.defaultWorkdir = body.defaultWorkdir;
}

/** The environment every process in the sandbox starts from (before per-user and per-request vars). */
export function sandboxEnv(config: EnvdConfig): Record<string, string> {
  return {
    ...config.envVars,
    E2B_SANDBOX: 'true',
    E2B_SANDBOX_ID: config.sandboxId,
    E2B_TEMPLATE_ID: config.templateId,
  };
}

export function createEnvdServer(state: EnvdState, routes: Record<string, EnvdRoute> = {}): Server {
  let rpc: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const server = createServer(async (req, res) => {
    if (!canonicalTarget(req.url ?? '')) {
      sendEnvdError(res, 400, 'request target is not canonical');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://envd');
    const key = `${req.method} ${url.pathname}`;
    try {
      if (PLATFORM_ONLY.has(url.pathname) && !sameSecret(state.config.platformSecret, req.headers[PLATFORM_HEADER])) {
        sendEnvdError(res, 403, `${url.pathname} is for the platform only`);
        return;
      }
      const token = state.config.accessToken;
      if (token && !TOKEN_EXEMPT.has(key) && !sameSecret(token, req.headers[ACCESS_TOKEN_HEADER])) {
        sendEnvdError(res, 401, 'unauthorized access, please provide a valid access token or method signing if supported');
        return;
      }
      switch (key) {
        case 'GET /health':
          res.writeHead(204, { 'cache-control': 'no-store' });
          res.end();
          return;
        case 'GET /envs':
          sendJson(res, 200, sandboxEnv(state.config));
          return;
        case 'POST /init': {
          const text = await readBody(req);
          applyInit(state, text ? (JSON.parse(text) as Record<string, unknown>) : {});
          res.writeHead(204, { 'x-envd-version': state.config.version });
          res.end();
          return;
        }
        case 'GET /metrics': {
          const total = totalmem();
          const used = total - freemem();
          sendJson(res, 200, {
            ts: Math.floor(Date.now() / 1000),
            cpu_count: cpus().length,
            cpu_used_pct: Math.min(100, (loadavg()[0] / Math.max(1, cpus().length)) * 100),
            mem_total: total,
            mem_used: used,
            mem_cache: 0,
            mem_total_mib: Math.round(total / 1048576),
            mem_used_mib: Math.round(used / 1048576),
            disk_used: 0,
            disk_total: 0,
          });
          return;
        }
      }
      const prefix = Object.keys(routes).find((p) => url.pathname === p);
      if (prefix) {
        await routes[prefix](req, res, state);
        return;
      }
      if (url.pathname.startsWith('/process.Process/') || url.pathname.startsWith('/filesystem.Filesystem/')) {
        // The RPC stack loads on the first call, so an idle sandbox's envd boots lean.
        rpc ??= import('./rpc.js').then((m) => m.createRpcHandler(state));
        (await rpc)(req, res);
        return;
      }
      sendEnvdError(res, 404, `no route for ${req.method} ${url.pathname}`);
    } catch (error) {
      sendEnvdError(res, 500, error instanceof Error ? error.message : String(error));
    }
  });
  // The daemon's way to the sandbox's ports (tunnel.ts); nothing else sends envd a CONNECT.
  server.on('connect', (req: IncomingMessage, socket, head: Buffer) => serveTunnel(state.config.platformSecret, req, socket, head));
  // Streams (process output, watches) may stay open for hours; envd itself never times them out.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 640_000;
  return server;
}
