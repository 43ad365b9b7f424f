/**
 * Transports to a sandbox's envd: Connect-RPC for the process and filesystem services, plain
 * HTTP for `/health`, `/envs` and `/files`. Both carry the routing and auth headers of the
 * protocol (E2b-Sandbox-Id, E2b-Sandbox-Port, X-Access-Token, User-Agent); per-call user
 * selection (Basic auth) and stream keepalive are added by the callers through call headers.
 */
import type { Interceptor, Transport } from '@connectrpc/connect';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { IdleTimeoutError, httpRequest, type HttpResponse } from './fetch.js';
import type { CallOptions, Config } from '../config.js';
import { ACCESS_TOKEN_HEADER, ENVD_PORT, KEEPALIVE_PING_HEADER, SANDBOX_ID_HEADER, SANDBOX_PORT_HEADER } from '../../protocol/envd.js';
import { AbortError, ConnectionError, SandboxError, TimeoutError, errorFromEnvdHttp } from '../errors.js';
import { userAgent } from '../../version.js';

/** What the client needs to know to talk to one sandbox's envd. */
export interface EnvdTarget {
  sandboxId: string;
  /** Base URL of envd (shared host or per-sandbox host; see config.envdUrl). */
  url: string;
  /** Token sandboxes created with `secure: true` require on every envd call. */
  accessToken?: string;
  /** envd version reported by the API; gates a few behaviours. */
  envdVersion?: string;
}

/**
 * Keepalive interval (seconds) we ask envd for on long-lived streams.
 * @default 50, below the 60 s idle timeouts common in proxies, so an idle stream stays open.
 */
export const KEEPALIVE_PING_INTERVAL_S = 50;

/** `Authorization` value selecting the envd user: Basic with the user name and an empty password. */
export function basicUserAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
}

/** Headers every envd request carries. */
export function envdHeaders(target: EnvdTarget, config: Config): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': userAgent(),
    [SANDBOX_ID_HEADER]: target.sandboxId,
    [SANDBOX_PORT_HEADER]: String(ENVD_PORT),
  };
  for (const [key, value] of Object.entries(config.headers)) headers[key.toLowerCase()] = value;
  if (target.accessToken) headers[ACCESS_TOKEN_HEADER] = target.accessToken;
  return headers;
}

/** Headers of one RPC: the envd user when given, keepalive for server streams. */
export function rpcCallHeaders(opts: { user?: string; stream?: boolean }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (opts.user) headers.authorization = basicUserAuth(opts.user);
  if (opts.stream) headers[KEEPALIVE_PING_HEADER] = String(KEEPALIVE_PING_INTERVAL_S);
  return headers;
}

/**
 * A Connect transport to the sandbox's envd. connect-node is imported here, on first use, so
 * commands that never talk to envd never load it. HTTP/2 over TLS (as E2B serves it), HTTP/1.1
 * for plain `http://` (the local backend).
 */
export async function createEnvdTransport(target: EnvdTarget, config: Config): Promise<Transport> {
  const { createConnectTransport } = await import('@connectrpc/connect-node');
  const fixed = envdHeaders(target, config);
  const addHeaders: Interceptor = (next) => async (req) => {
    // connect-es fills in its own User-Agent before interceptors run; ours replaces it.
    for (const [key, value] of Object.entries(fixed)) req.header.set(key, value);
    config.logger?.(`→ RPC ${req.method.parent.typeName}/${req.method.name} (sandbox ${target.sandboxId})`);
    return next(req);
  };
  return createConnectTransport({
    baseUrl: target.url,
    httpVersion: target.url.startsWith('https:') ? '2' : '1.1',
    useBinaryFormat: true,
    interceptors: [addHeaders],
  });
}

/** Plain-HTTP calls to envd. */
export class EnvdHttp {
  constructor(
    private readonly target: EnvdTarget,
    private readonly config: Config,
  ) {}

  /** GET/POST an envd path; returns status, headers and the body as text. */
  async call(
    method: 'GET' | 'POST',
    path: string,
    opts: CallOptions & { body?: string | Uint8Array; contentType?: string } = {},
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const timeoutMs = opts.requestTimeoutMs ?? this.config.requestTimeoutMs;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [opts.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    const headers: Record<string, string> = { ...envdHeaders(this.target, this.config), ...(opts.headers ?? {}) };
    if (opts.contentType) headers['content-type'] = opts.contentType;
    try {
      const res = await httpRequest(this.config, `${this.target.url}${path}`, { method, headers, body: opts.body, signal });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (error) {
      if (opts.signal?.aborted) throw new AbortError('the request was aborted', { cause: error });
      if (timeout?.aborted) throw new TimeoutError(`envd did not answer ${path} within ${timeoutMs} ms`, { cause: error });
      throw new ConnectionError(`cannot reach the sandbox at ${new URL(this.target.url).origin}`, { cause: error });
    }
  }

  /** Headers, log route and signal + idle timeout of one streaming exchange with envd. */
  private exchange(
    path: string,
    opts: CallOptions,
  ): { headers: Record<string, string>; route: string; timing: { signal?: AbortSignal | undefined; idleTimeoutMs?: number } } {
    const idle = opts.requestTimeoutMs ?? this.config.requestTimeoutMs;
    return {
      headers: { ...envdHeaders(this.target, this.config), ...(opts.headers ?? {}) },
      // the query is left out of the log: a signed link's signature is as good as the token
      route: path.split('?')[0]!,
      timing: { signal: opts.signal, ...(idle > 0 ? { idleTimeoutMs: idle } : {}) },
    };
  }

  /** The URL of a raw HTTP/1.1 exchange, or undefined when the target needs the ordinary way (TLS, an injected dispatcher). */
  private directUrl(path: string): URL | undefined {
    const url = new URL(`${this.target.url}${path}`);
    return url.protocol === 'http:' && !this.config.dispatcher ? url : undefined;
  }

  /**
   * Opens a streaming request to envd (file transfers): the body may be a stream, the response
   * is returned as soon as its headers arrive. `requestTimeoutMs` acts as an idle timeout here.
   */
  async open(method: 'GET' | 'POST', path: string, opts: CallOptions & { body?: string | Uint8Array | Readable } = {}): Promise<HttpResponse> {
    const { headers, route, timing } = this.exchange(path, opts);
    this.config.logger?.(`→ ${method} ${route} (sandbox ${this.target.sandboxId})`);
    const started = Date.now();
    try {
      const res = await httpRequest(this.config, `${this.target.url}${path}`, { method, headers, body: opts.body, ...timing });
      if (this.config.logger) {
        const logger = this.config.logger;
        logger(`← ${res.status} ${method} ${route} (${Date.now() - started} ms to the answer)`);
        res.body.once('end', () => logger(`  ${method} ${route} body done (${Date.now() - started} ms)`));
      }
      return res;
    } catch (error) {
      throw transferError(error, opts.signal, this.target.url);
    }
  }

  /**
   * GETs an envd path straight into `onChunk` over one connection read into a reused buffer
   * (raw-get.ts), for large bodies at local speeds. Undefined when the body must come the
   * ordinary way instead (TLS, an injected dispatcher, or an answer that is not a plain 200);
   * nothing was passed to `onChunk` then.
   */
  async getDirect(path: string, onChunk: (chunk: Buffer) => void, opts: CallOptions = {}): Promise<number | undefined> {
    const url = this.directUrl(path);
    if (!url) return undefined;
    const { headers, route, timing } = this.exchange(path, opts);
    this.config.logger?.(`→ GET ${route} (sandbox ${this.target.sandboxId}, read into one buffer)`);
    const started = Date.now();
    const { rawGet } = await import('./raw-get.js');
    try {
      const res = await rawGet(url, headers, onChunk, timing);
      if (res.kind === 'unsupported') {
        this.config.logger?.(`← ${res.status} GET ${route}: asking again the ordinary way`);
        return undefined;
      }
      this.config.logger?.(`  GET ${route} body done (${res.bytes} bytes, ${Date.now() - started} ms)`);
      return res.bytes;
    } catch (error) {
      throw transferError(error, opts.signal, this.target.url);
    }
  }

  /**
   * POSTs the first `size` bytes of an open file to an envd path over one connection, from two
   * reused buffers (raw-post.ts). Undefined when the target needs the ordinary way (TLS or an
   * injected dispatcher); nothing was read or sent then.
   */
  async postFileDirect(
    path: string,
    file: FileHandle,
    size: number,
    onChunk: (chunk: Buffer) => void,
    opts: CallOptions = {},
  ): Promise<{ status: number; headers: Record<string, string>; text: string } | undefined> {
    const url = this.directUrl(path);
    if (!url) return undefined;
    const { headers, route, timing } = this.exchange(path, opts);
    this.config.logger?.(`→ POST ${route} (sandbox ${this.target.sandboxId}, ${size} bytes from two buffers)`);
    const started = Date.now();
    const { rawPostFile } = await import('./raw-post.js');
    try {
      const answer = await rawPostFile(url, headers, file, size, onChunk, timing);
      this.config.logger?.(`← ${answer.status} POST ${route} (${Date.now() - started} ms)`);
      return answer;
    } catch (error) {
      throw transferError(error, opts.signal, this.target.url);
    }
  }

  /** True when envd answers its health check; false when the platform says the sandbox is gone (502). */
  async health(opts: CallOptions = {}): Promise<boolean> {
    const res = await this.call('GET', '/health', opts);
    if (res.status >= 200 && res.status < 300) return true;
    if (res.status === 502) return false;
    throw errorFromEnvdHttp(res.status, res.text);
  }

  /** The sandbox-wide environment variables (envd `GET /envs`). */
  async envs(opts: CallOptions = {}): Promise<Record<string, string>> {
    const res = await this.call('GET', '/envs', opts);
    if (res.status !== 200) throw errorFromEnvdHttp(res.status, res.text);
    return JSON.parse(res.text) as Record<string, string>;
  }
}

/** Maps a failure of a transfer (while connecting or mid-stream) to the library's errors. */
export function transferError(error: unknown, signal: AbortSignal | undefined, url: string): Error {
  if (error instanceof SandboxError) return error;
  if (signal?.aborted) return new AbortError('the transfer was aborted', { cause: error });
  if (error instanceof IdleTimeoutError) return new TimeoutError(`the transfer stalled: ${error.message}`, { cause: error });
  return new ConnectionError(`the connection to the sandbox at ${new URL(url).origin} failed`, { cause: error });
}
