/**
 * The control-plane REST transport (see fetch.ts for the HTTP engines underneath).
 *
 * One place owns authentication headers, the User-Agent, timeouts, abort signals, retries and
 * the mapping of error responses, so the API modules only say which endpoint they call and what a
 * 404 means there.
 */
import { httpRequest } from './fetch.js';
import { API_KEY_HEADER } from '../../protocol/envd.js';
import { requireApiKey, type CallOptions, type Config } from '../config.js';
import { AbortError, AuthenticationError, ConnectionError, SandboxError, TimeoutError, errorFromApi, type ApiErrorContext } from '../errors.js';
import { userAgent } from '../../version.js';
import { isRetryable, parseRetryAfter, retryDelay, type AttemptOutcome } from './retry.js';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** One REST call. */
export interface RestRequest extends CallOptions {
  method: HttpMethod;
  /** Path below the API URL, with path parameters already encoded (see {@link encodePath}). */
  path: string;
  /** Query parameters; undefined values are left out, arrays are comma-joined (form, explode=false). */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** JSON body. */
  body?: unknown;
  /**
   * Whether repeating the request is harmless. GET, PUT and DELETE are; POST only when the
   * caller says so (setting an absolute timeout is, creating a sandbox is not).
   */
  idempotent?: boolean;
  /** Which credential the endpoint wants. @default 'apiKey' */
  auth?: 'apiKey' | 'accessToken' | 'none';
  /** Statuses besides 2xx that the caller handles itself (e.g. 404 for kill → false). */
  allow?: readonly number[];
  /** How to report error statuses. */
  errors?: ApiErrorContext;
}

/** A REST response with its body parsed (JSON when the server says so, else text). */
export interface RestResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Percent-encodes each path parameter so an id can never change the route. */
export function encodePath(strings: TemplateStringsArray, ...params: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < params.length ? encodeURIComponent(params[i]) : ''), '');
}

function buildQuery(query: RestRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Sends REST requests to the control plane described by a {@link Config}. */
export class RestClient {
  readonly config: Config;

  constructor(config: Config) {
    this.config = config;
  }

  private headers(req: RestRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': userAgent(),
      accept: 'application/json',
      ...lowerKeys(this.config.headers),
      ...lowerKeys(req.headers ?? {}),
    };
    const auth = req.auth ?? 'apiKey';
    if (auth === 'apiKey') headers[API_KEY_HEADER] = requireApiKey(this.config);
    if (auth === 'accessToken') {
      if (!this.config.accessToken) {
        throw new AuthenticationError('no access token: set E2B_ACCESS_TOKEN or run the login command');
      }
      headers.authorization = `Bearer ${this.config.accessToken}`;
    }
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  /**
   * Sends the request, retrying per the policy in retry.ts, and returns the response for 2xx
   * and `allow`ed statuses; throws the mapped error for anything else.
   */
  async request<T = unknown>(req: RestRequest): Promise<RestResponse<T>> {
    const headers = this.headers(req);
    const url = `${this.config.apiUrl}${req.path}${buildQuery(req.query)}`;
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const timeoutMs = req.requestTimeoutMs ?? this.config.requestTimeoutMs;
    const log = this.config.logger;

    for (let attempt = 1; ; attempt++) {
      const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
      const signals = [req.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
      const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
      const started = Date.now();
      log?.(`→ ${req.method} ${url}`);
      let outcome: AttemptOutcome;
      let response: RestResponse<T> | undefined;
      try {
        const res = await httpRequest(this.config, url, { method: req.method, headers, body, signal });
        const text = await res.text();
        const resHeaders = res.headers;
        const parsed = parseBody(text, resHeaders['content-type']);
        response = { status: res.status, headers: resHeaders, body: parsed as T };
        outcome = { status: res.status, retryAfter: resHeaders['retry-after'] ?? null };
        log?.(`← ${res.status} ${req.method} ${req.path} (${Date.now() - started} ms)`);
      } catch (error) {
        if (req.signal?.aborted) throw new AbortError('the request was aborted', { cause: error });
        if (timeout?.aborted) {
          throw new TimeoutError(`the request to ${req.method} ${req.path} timed out after ${timeoutMs} ms`, {
            cause: error,
          });
        }
        const code = networkCode(error) ?? 'UNKNOWN';
        log?.(`← ${code} ${req.method} ${req.path} (${Date.now() - started} ms)`);
        outcome = { networkCode: code };
        if (attempt <= this.config.retries && isRetryable(outcome, idempotent)) {
          await this.backoff(attempt, undefined, req.signal);
          continue;
        }
        throw new ConnectionError(`cannot reach ${new URL(this.config.apiUrl).origin} (${code})`, { cause: error });
      }

      const { status } = response;
      if ((status >= 200 && status < 300) || req.allow?.includes(status)) return response;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'] ?? null);
      if (attempt <= this.config.retries && isRetryable(outcome, idempotent)) {
        await this.backoff(attempt, retryAfterMs, req.signal);
        continue;
      }
      throw errorFromApi(status, response.body, { ...req.errors, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    }
  }

  private async backoff(attempt: number, retryAfterMs: number | undefined, signal?: AbortSignal): Promise<void> {
    const delay = retryDelay(attempt, retryAfterMs);
    this.config.logger?.(`  retrying in ${delay} ms`);
    try {
      await sleep(delay, signal);
    } catch (error) {
      throw new AbortError('the request was aborted', { cause: error });
    }
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Narrows an unknown error to the library's base class, wrapping anything else. */
export function asSandboxError(error: unknown): SandboxError {
  if (error instanceof SandboxError) return error;
  return new SandboxError(error instanceof Error ? error.message : String(error), { cause: error });
}
