/**
 * Connection configuration: explicit options win over the environment, which wins over defaults.
 *
 * The resolution rules (domain → API URL → envd URL) are E2B's, so a value that works with the
 * official SDK works here unchanged. The environment is read when {@link resolveConfig} is
 * called, never at import.
 */
import type { Transport } from '@connectrpc/connect';
import type { Dispatcher } from 'undici';
import type { EnvdTarget } from './transport/envd.js';
import { ENVD_PORT } from '../protocol/envd.js';
import { AuthenticationError, InvalidArgumentError } from './errors.js';

/** Options accepted by every client entry point. All optional. */
export interface ConnectionOptions {
  /** API key sent as `X-API-Key`. @default `E2B_API_KEY` */
  apiKey?: string;
  /** Access token sent as `Authorization: Bearer` where the API wants one. @default `E2B_ACCESS_TOKEN` */
  accessToken?: string;
  /** Base domain of the platform. @default `E2B_DOMAIN`, else `e2b.app` */
  domain?: string;
  /** Control-plane base URL. @default `E2B_API_URL`, else `https://api.<domain>` */
  apiUrl?: string;
  /**
   * envd base URL used for every sandbox (routed by the `E2b-Sandbox-Id` header).
   * @default `E2B_SANDBOX_URL`, else the platform's per-sandbox host
   */
  sandboxUrl?: string;
  /**
   * E2B debug mode: talk to an API on `http://localhost:3000` and envd on
   * `http://localhost:49983`, as the official SDK does. @default `E2B_DEBUG` == "true"
   */
  debug?: boolean;
  /**
   * Timeout of each HTTP request in milliseconds; 0 disables it.
   * @default 60000, the official SDK's value: long enough for a cold sandbox start.
   */
  requestTimeoutMs?: number;
  /** Extra headers sent with every request (API and envd). */
  headers?: Record<string, string>;
  /**
   * undici dispatcher for every HTTP request: the REST API and envd's plain-HTTP routes
   * (`/files`, `/health`, `/envs`). Tests inject a MockAgent; proxies inject a ProxyAgent.
   */
  dispatcher?: Dispatcher;
  /**
   * Makes the Connect transport to a sandbox's envd (the process and filesystem services).
   * Tests inject connect's in-memory `createRouterTransport`; the routing and auth headers of
   * `target` are then the factory's to send or ignore.
   * @default connect-node over HTTP/2 (TLS) or HTTP/1.1 (plain http), with the protocol's headers
   */
  envdTransport?: (target: EnvdTarget) => Transport;
  /**
   * Retries of failed idempotent requests and of 429 answers.
   * @default 2, so a transient blip costs at most about a second before surfacing.
   */
  retries?: number;
  /** Validate the API key format (`e2b_` + hex) before sending it. @default not `E2B_VALIDATE_API_KEY=false` */
  validateApiKey?: boolean;
  /** Receives one line per request for `--debug`-style tracing; secrets are never included. */
  logger?: ((line: string) => void) | Logger;
}

/** Per-call options every public method accepts last. */
export interface CallOptions {
  /** Aborts the call. */
  signal?: AbortSignal;
  /** Overrides the request timeout of this call (ms; 0 disables). */
  requestTimeoutMs?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** The envd port inside every sandbox (defined once in src/protocol/envd.ts). */
export { ENVD_PORT };
/** Domains that serve every sandbox's envd from one shared host, routed by headers. */
const SHARED_ENVD_DOMAINS = new Set(['e2b.app', 'e2b.dev', 'e2b.pro', 'e2b-staging.dev']);
/** @see ConnectionOptions.requestTimeoutMs */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** @see ConnectionOptions.retries */
export const DEFAULT_RETRIES = 2;
const API_KEY_FORMAT = /^e2b_[0-9a-f]+$/;

/** Fully resolved configuration. */
export interface Config {
  apiKey?: string;
  accessToken?: string;
  domain: string;
  apiUrl: string;
  sandboxUrl?: string;
  debug: boolean;
  requestTimeoutMs: number;
  headers: Record<string, string>;
  dispatcher?: Dispatcher;
  envdTransport?: (target: EnvdTarget) => Transport;
  retries: number;
  validateApiKey: boolean;
  logger?: (line: string) => void;
}

type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Checks a base URL (API, sandbox, volume API) and returns it without trailing slashes; `what`
 * names the setting in the error (`--api-url`, `E2B_API_URL`, `apiUrl`).
 *
 * A path is kept for every request: `https://host/e2b` sends `https://host/e2b/sandboxes`, which
 * is what the official SDK does (openapi-fetch concatenates `baseUrl` and the path), so a value
 * works the same in both. A query or a fragment is refused: appended paths would land inside it
 * (the SDK sends `https://host/?a=1/sandboxes` and silently talks to the wrong endpoint), so
 * there is no reading of it that keeps code portable. Credentials in the URL are refused too:
 * fetch will not send them, and error messages would print them.
 */
export function checkBaseUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`invalid ${what} "${url}": expected an http:// or https:// URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`invalid ${what} "${url}": only http:// and https:// are supported`);
  }
  if (parsed.username || parsed.password) {
    throw new InvalidArgumentError(`invalid ${what}: it carries credentials (user:password@), which are never sent; pass the API key on its own`);
  }
  if (parsed.search || parsed.hash || /[?#]/.test(url)) {
    throw new InvalidArgumentError(
      `invalid ${what} "${url}": a base URL cannot have a query or fragment (request paths are appended to it); a path is fine, e.g. https://host/e2b`,
    );
  }
  return url.replace(/\/+$/, '');
}

// host or [IPv6], then an optional port: what `api.<domain>` and `<port>-<id>.<domain>` can extend
const DOMAIN_FORMAT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Checks a platform domain (`e2b.app`, `localhost:3000`): a host name with an optional port, no
 * scheme and no path, since it is extended to `https://api.<domain>` and `<port>-<id>.<domain>`.
 * `what` names the setting in the error.
 */
export function checkDomain(domain: string, what: string): string {
  if (DOMAIN_FORMAT.test(domain)) return domain;
  const why = /^[a-z][a-z0-9+.-]*:\/\//i.test(domain)
    ? 'a domain has no scheme (the API is reached at https://api.<domain>; for another URL use an API URL setting)'
    : /[/?#]/.test(domain)
      ? 'a domain has no path, query or fragment'
      : 'expected a host name such as e2b.app, optionally with a port';
  throw new InvalidArgumentError(`invalid ${what} "${domain}": ${why}`);
}

/** Resolves options against the environment (`process.env` unless given). */
export function resolveConfig(options: ConnectionOptions = {}, env: Env = process.env): Config {
  const debug = options.debug ?? (env.E2B_DEBUG ?? '').toLowerCase() === 'true';
  const domainOption = nonEmpty(options.domain);
  const domain = domainOption
    ? checkDomain(domainOption, 'domain')
    : nonEmpty(env.E2B_DOMAIN)
      ? checkDomain(nonEmpty(env.E2B_DOMAIN)!, 'E2B_DOMAIN')
      : 'e2b.app';
  const apiUrlOption = nonEmpty(options.apiUrl);
  const apiUrl = apiUrlOption
    ? checkBaseUrl(apiUrlOption, 'apiUrl')
    : nonEmpty(env.E2B_API_URL)
      ? checkBaseUrl(nonEmpty(env.E2B_API_URL)!, 'E2B_API_URL')
      : debug
        ? 'http://localhost:3000'
        : `https://api.${domain}`;
  const sandboxUrl = nonEmpty(options.sandboxUrl) ?? nonEmpty(env.E2B_SANDBOX_URL);
  const config: Config = {
    domain,
    apiUrl,
    debug,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    headers: { ...(options.headers ?? {}) },
    retries: options.retries ?? DEFAULT_RETRIES,
    validateApiKey: options.validateApiKey ?? (env.E2B_VALIDATE_API_KEY ?? '').toLowerCase() !== 'false',
  };
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.E2B_API_KEY);
  const accessToken = nonEmpty(options.accessToken) ?? nonEmpty(env.E2B_ACCESS_TOKEN);
  if (apiKey !== undefined) config.apiKey = apiKey;
  if (accessToken !== undefined) config.accessToken = accessToken;
  if (sandboxUrl !== undefined) config.sandboxUrl = checkBaseUrl(sandboxUrl, nonEmpty(options.sandboxUrl) ? 'sandboxUrl' : 'E2B_SANDBOX_URL');
  if (options.dispatcher) config.dispatcher = options.dispatcher;
  if (options.envdTransport) config.envdTransport = options.envdTransport;
  const logger = options.logger && lineLogger(options.logger);
  if (logger) config.logger = logger;
  return config;
}

/** Throws unless the configuration carries a usable API key. */
export function requireApiKey(config: Config): string {
  if (!config.apiKey) {
    throw new AuthenticationError('no API key: set E2B_API_KEY or pass an apiKey (get one at https://e2b.dev/dashboard)');
  }
  if (config.validateApiKey && !API_KEY_FORMAT.test(config.apiKey)) {
    throw new AuthenticationError('invalid API key format: expected "e2b_" followed by lowercase hex characters');
  }
  return config.apiKey;
}

/**
 * Whether a sandbox domain names this machine: `localhost`, `*.localhost` (RFC 6761: always
 * loopback), `127.0.0.1` or `[::1]`, with or without a port. The local backend answers
 * `domain: "localhost:<port>"`; such hosts are served over plain HTTP, every other one over HTTPS.
 */
export function isLoopbackDomain(domain: string): boolean {
  const host = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(domain.toLowerCase())?.[1] ?? '';
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** The URL scheme of a sandbox's hosts on a domain: `http` on this machine, `https` elsewhere. */
export function sandboxScheme(config: Config, sandboxDomain?: string): 'http' | 'https' {
  return config.debug || isLoopbackDomain(sandboxDomain ?? config.domain) ? 'http' : 'https';
}

/** Host name of a port of a sandbox (`<port>-<id>.<domain>`; `localhost:<port>` in debug mode). */
export function sandboxHost(config: Config, sandboxId: string, port: number, sandboxDomain?: string): string {
  if (config.debug) return `localhost:${port}`;
  return `${port}-${sandboxId}.${sandboxDomain ?? config.domain}`;
}

/** envd base URL for RPC and `/files` calls made by the client (may be a shared host). */
export function envdUrl(config: Config, sandboxId: string, sandboxDomain?: string): string {
  if (config.sandboxUrl) return config.sandboxUrl;
  if (config.debug) return `http://${sandboxHost(config, sandboxId, ENVD_PORT, sandboxDomain)}`;
  const domain = sandboxDomain ?? config.domain;
  if (SHARED_ENVD_DOMAINS.has(domain)) return `https://sandbox.${domain}`;
  return `${sandboxScheme(config, domain)}://${sandboxHost(config, sandboxId, ENVD_PORT, domain)}`;
}

/** envd URL for signed links: never the shared host, since a bare URL cannot carry routing headers. */
export function envdDirectUrl(config: Config, sandboxId: string, sandboxDomain?: string): string {
  if (config.sandboxUrl) return config.sandboxUrl;
  return `${sandboxScheme(config, sandboxDomain)}://${sandboxHost(config, sandboxId, ENVD_PORT, sandboxDomain)}`;
}

/** The official SDK's logger shape: an object with optional level methods (`console` is one). */
export interface Logger {
  debug?: (...args: unknown[]) => void;
  info?: (...args: unknown[]) => void;
  warn?: (...args: unknown[]) => void;
  error?: (...args: unknown[]) => void;
}

/** Our transports log lines at debug level; an SDK-style logger object gets them via debug (or info). */
function lineLogger(logger: ((line: string) => void) | Logger): ((line: string) => void) | undefined {
  if (typeof logger === 'function') return logger;
  const method = logger.debug ?? logger.info;
  return method ? (line) => method.call(logger, line) : undefined;
}
