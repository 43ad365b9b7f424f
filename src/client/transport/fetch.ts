/**
 * The HTTP client under the REST and envd-HTTP transports: one small request function with a
 * keep-alive connection pool, abort signals, and two interchangeable engines.
 *
 * - Default: Node's own http/https modules with a keep-alive Agent. They parse HTTP in C++,
 *   load in a few milliseconds, and let the process exit the moment the work is done.
 * - With an injected undici Dispatcher (a MockAgent in tests, a ProxyAgent behind a corporate
 *   proxy, a tuned Pool): undici's `request`, given that dispatcher.
 *
 * Why not undici for everything: undici parses HTTP with a WebAssembly build of llhttp, and
 * compiling it costs ~100 ms of CPU per process (measured here: a one-request script takes
 * 165 ms of user time with fetch/undici, 69 ms with node:http, against 59 ms for `node -e 0`).
 * A CLI that scripts and agents call thousands of times pays that on every call.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  /** A whole body, or a stream sent as it is read (chunked unless content-length is set). */
  body?: string | Uint8Array | Readable | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Fails the request when its connection sees no traffic for this long (ms). Unlike a total
   * timeout it lets a large transfer take as long as it needs while it makes progress.
   */
  idleTimeoutMs?: number | undefined;
}

/** The error an idle connection is destroyed with (code IDLE_TIMEOUT). */
export class IdleTimeoutError extends Error {
  readonly code = 'IDLE_TIMEOUT';
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Readable;
  text(): Promise<string>;
}

/**
 * Keep-alive pool size per origin.
 * @default 64: enough for `kill --all` style fan-out without opening a socket per sandbox.
 */
const MAX_SOCKETS = 64;

const agents = new Map<string, HttpAgent>();

async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function viaNode(url: URL, req: HttpRequest): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  const mod = secure ? await import('node:https') : await import('node:http');
  let agent = agents.get(url.protocol);
  if (!agent) {
    agent = new mod.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    agents.set(url.protocol, agent);
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = mod.request(url, { method: req.method, headers: req.headers, agent, ...(req.signal ? { signal: req.signal } : {}) }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: res, text: () => readText(res) });
    });
    request.on('error', reject);
    if (req.idleTimeoutMs) {
      const ms = req.idleTimeoutMs;
      request.setTimeout(ms, () => request.destroy(new IdleTimeoutError(`no data for ${ms} ms`)));
    }
    const body = req.body;
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      request.end(body);
      return;
    }
    body.on('error', (error) => request.destroy(error));
    body.pipe(request);
  });
}

async function viaUndici(url: URL, req: HttpRequest, dispatcher: NonNullable<Config['dispatcher']>): Promise<HttpResponse> {
  const { request } = await import('undici');
  const res = await request(url, {
    method: req.method as 'GET',
    headers: req.headers,
    body: req.body instanceof Readable ? req.body : ((req.body as string | Uint8Array | undefined) ?? null),
    ...(req.signal ? { signal: req.signal } : {}),
    dispatcher,
  });
  return { status: res.statusCode, headers: flatten(res.headers), body: res.body, text: () => res.body.text() };
}

/** Sends one HTTP request with the engine the configuration selects. */
export function httpRequest(config: Config, url: string, req: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url);
  return config.dispatcher ? viaUndici(target, req, config.dispatcher) : viaNode(target, req);
}
