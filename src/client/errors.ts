/**
 * The typed error tree of the client library.
 *
 * Every error thrown by the library is a {@link SandboxError} with a stable `code` string
 * (`E2B_*`) that scripts can match on, and the original failure kept as `cause`. Class names
 * and the subclass relations follow the official E2B SDK so code moving between the two keeps
 * its `instanceof` checks; unlike the SDK, the authentication, build and volume families also
 * derive from `SandboxError` so one `instanceof SandboxError` catches everything we throw.
 *
 * The wire-to-error mapping lives here and only here: {@link errorFromApi} for the control-plane
 * REST API, {@link errorFromEnvdHttp} for envd's plain HTTP endpoints and {@link errorFromConnect}
 * for envd Connect-RPC codes.
 */
import { createRequire } from 'node:module';
import { RESTARTING, RESTARTING_STATUS, SANDBOX_STATE_HEADER } from '../protocol/sandbox-state.js';

let statusCodes: Record<number, string | undefined> | undefined;

/**
 * The reason phrase of an HTTP status ('Bad Gateway'), from node:http on first use: importing
 * node:http here loaded the whole http stack at every CLI start-up (a few milliseconds, measured
 * in bench/ for issue 17) for the few runs that print such a message.
 */
function reasonPhrase(status: number): string | undefined {
  statusCodes ??= (createRequire(import.meta.url)('node:http') as typeof import('node:http')).STATUS_CODES;
  return statusCodes[status];
}

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'E2B_SANDBOX_ERROR'
  | 'E2B_AUTHENTICATION'
  | 'E2B_INVALID_ARGUMENT'
  | 'E2B_NOT_ENOUGH_SPACE'
  | 'E2B_NOT_FOUND'
  | 'E2B_SANDBOX_NOT_FOUND'
  | 'E2B_SANDBOX_RESTARTING'
  | 'E2B_FILE_NOT_FOUND'
  | 'E2B_RATE_LIMIT'
  | 'E2B_TIMEOUT'
  | 'E2B_TEMPLATE'
  | 'E2B_BUILD'
  | 'E2B_FILE_UPLOAD'
  | 'E2B_GIT_AUTH'
  | 'E2B_GIT_UPSTREAM'
  | 'E2B_VOLUME'
  | 'E2B_VOLUME_NOT_FOUND'
  | 'E2B_VOLUME_PATH_NOT_FOUND'
  | 'E2B_COMMAND_EXIT'
  | 'E2B_CONNECTION'
  | 'E2B_ABORTED'
  | 'E2B_SERVICE_BUSY';

/** Extra details an error may carry. */
export interface SandboxErrorOptions {
  /** The underlying failure (network error, HTTP response, Connect error). */
  cause?: unknown;
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
}

/** Base class of every error the library throws. */
export class SandboxError extends Error {
  readonly code: ErrorCode = 'E2B_SANDBOX_ERROR';
  /** HTTP status of the response behind the error, when there was one. */
  readonly status?: number;

  constructor(message: string, options: SandboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.status !== undefined) this.status = options.status;
  }

  /** The official SDK's name for {@link status}. */
  get statusCode(): number | undefined {
    return this.status;
  }
}

/** Missing, malformed or rejected credentials (API key, access token, envd user). */
export class AuthenticationError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_AUTHENTICATION';
}

/** A request argument the server or the client refused. */
export class InvalidArgumentError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_INVALID_ARGUMENT';
}

/** The sandbox ran out of disk space or inodes. */
export class NotEnoughSpaceError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_NOT_ENOUGH_SPACE';
}

/** Something that was asked for does not exist. */
export class NotFoundError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_NOT_FOUND';
}

/** The sandbox does not exist (never did, was killed, or its timeout passed). */
export class SandboxNotFoundError extends NotFoundError {
  override readonly code: ErrorCode = 'E2B_SANDBOX_NOT_FOUND';
}

/**
 * The sandbox's envd stopped and is being started again on the same files (the local backend
 * restarts it when it dies): the request did not run; retry in a moment. Processes that ran in
 * the sandbox were lost, its files were not.
 */
export class SandboxRestartingError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_SANDBOX_RESTARTING';
}

const RESTARTING_TEXT =
  'the sandbox is restarting (its envd stopped and is starting again on the same files; running processes were lost): try again in a moment';

/**
 * The restarting error of a failed envd exchange, if that is what it was: an answer marked by the
 * local backend's edge (protocol/sandbox-state.ts), as a Connect error's metadata or as plain
 * HTTP (status, headers, body message).
 */
export function restartingError(
  failure: { status?: number; headers?: { get(name: string): string | null } | Record<string, string | string[] | undefined>; message?: string },
  cause?: unknown,
): SandboxRestartingError | undefined {
  const headers = failure.headers;
  const marked =
    headers === undefined
      ? undefined
      : typeof (headers as { get?: unknown }).get === 'function'
        ? (headers as { get(name: string): string | null }).get(SANDBOX_STATE_HEADER)
        : (headers as Record<string, string | string[] | undefined>)[SANDBOX_STATE_HEADER];
  const restarting = marked === RESTARTING || (failure.status === RESTARTING_STATUS && /\brestarting\b/i.test(failure.message ?? ''));
  if (!restarting) return undefined;
  return new SandboxRestartingError(RESTARTING_TEXT, {
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The restarting error behind a Connect error (connect-es keeps the answer's headers as `metadata`). */
function restartingFromConnect(cause: unknown): SandboxRestartingError | undefined {
  const metadata = (cause as { metadata?: unknown } | undefined)?.metadata;
  if (!metadata || typeof (metadata as { get?: unknown }).get !== 'function') return undefined;
  return restartingError({ headers: metadata as { get(name: string): string | null } }, cause);
}

/** A path inside the sandbox does not exist. */
export class FileNotFoundError extends NotFoundError {
  override readonly code: ErrorCode = 'E2B_FILE_NOT_FOUND';
}

/** The API refused the request because of its rate limit or quota. */
export class RateLimitError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_RATE_LIMIT';
  /** How long the server asked us to wait, when it said (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: SandboxErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** A request, a command or the sandbox itself ran out of time. */
export class TimeoutError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_TIMEOUT';
}

/** The template is missing or incompatible with what was asked. */
export class TemplateError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_TEMPLATE';
}

/** A template build failed. */
export class BuildError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_BUILD';
}

/** Uploading a template's files failed. */
export class FileUploadError extends BuildError {
  override readonly code: ErrorCode = 'E2B_FILE_UPLOAD';
}

/** A git operation in the sandbox needs credentials it did not get. */
export class GitAuthError extends AuthenticationError {
  override readonly code: ErrorCode = 'E2B_GIT_AUTH';
}

/** A git push or pull has no upstream to talk to. */
export class GitUpstreamError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_GIT_UPSTREAM';
}

/** A volume operation failed. */
export class VolumeError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_VOLUME';
}

/** The volume does not exist. */
export class VolumeNotFoundError extends VolumeError {
  override readonly code: ErrorCode = 'E2B_VOLUME_NOT_FOUND';
}

/** A file or folder inside a volume does not exist. */
export class VolumePathNotFoundError extends VolumeError {
  override readonly code: ErrorCode = 'E2B_VOLUME_PATH_NOT_FOUND';
}

/** The API or the sandbox could not be reached at all (DNS, refused connection, reset). */
export class ConnectionError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_CONNECTION';
}

/**
 * The caller aborted the operation through its `signal`, or the call was canceled. A kind of
 * TimeoutError because the official SDK reports a canceled call as one: code written for it
 * (`catch (e) { if (e instanceof TimeoutError) … }`) behaves the same here, and `code`
 * (`E2B_ABORTED`) or `instanceof AbortError` still tells the two apart.
 */
export class AbortError extends TimeoutError {
  override readonly code: ErrorCode = 'E2B_ABORTED';
}

/** The platform is temporarily unable to serve the request (HTTP 503): retry later. */
export class ServiceBusyError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_SERVICE_BUSY';
}

/** Result of a finished command, as carried by {@link CommandExitError}. */
export interface CommandResult {
  exitCode: number;
  error?: string;
  stdout: string;
  stderr: string;
}

/** A command in the sandbox exited with a non-zero code. */
export class CommandExitError extends SandboxError {
  override readonly code: ErrorCode = 'E2B_COMMAND_EXIT';
  readonly #result: CommandResult;

  constructor(result: CommandResult) {
    super(result.error ?? `command exited with code ${result.exitCode}`);
    this.#result = result;
  }

  // Getters, as in the official SDK (the result's fields, read through the error).
  get exitCode(): number {
    return this.#result.exitCode;
  }

  get error(): string | undefined {
    return this.#result.error;
  }

  get stdout(): string {
    return this.#result.stdout;
  }

  get stderr(): string {
    return this.#result.stderr;
  }
}

type ErrorClass = new (message: string, options?: SandboxErrorOptions) => SandboxError;

/** How one call site wants API errors reported. */
export interface ApiErrorContext {
  /** Class for statuses without a specific mapping. @default SandboxError */
  fallback?: ErrorClass;
  /** Class for 404. @default NotFoundError */
  notFound?: ErrorClass;
  /** Replaces the server's message for 404, which is often terse. */
  notFoundMessage?: string;
  /** Milliseconds the server asked us to wait before retrying (from Retry-After). */
  retryAfterMs?: number;
}

/** Longest server text put into an error message; gateways answer with whole HTML pages. */
const MAX_BODY_MESSAGE = 300;

/**
 * Pulls a human message out of an error body: JSON `message`; for an HTML page (a proxy's error
 * page) its title; else the text itself, cut short.
 */
export function messageFromBody(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) {
      try {
        return messageFromBody(JSON.parse(trimmed));
      } catch {
        // not JSON after all; fall through to plain text
      }
    }
    if (/^<(!doctype|html|head|body|\?xml)/i.test(trimmed)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
      const text =
        title ||
        trimmed
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
      return text ? `${text.slice(0, MAX_BODY_MESSAGE)} (HTML page)` : undefined;
    }
    const text = trimmed.replace(/\s+/g, ' ');
    return text ? (text.length > MAX_BODY_MESSAGE ? `${text.slice(0, MAX_BODY_MESSAGE)}…` : text) : undefined;
  }
  if (typeof body === 'object' && 'message' in body && typeof (body as { message: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return undefined;
}

/** Words that add nothing to a status or a code: the fillers of status lines and error pages. */
const FILLER_WORDS = new Set(['error', 'server', 'http', 'status', 'code', 'html', 'page']);

/**
 * Whether a server's text says no more than its status or code: nothing, "internal error",
 * "[aborted] aborted", "HTTP 500", "502 Bad Gateway (HTML page)". `names` are the status text or
 * code names the text may repeat.
 */
function saysNothing(text: string | undefined, names: readonly string[]): boolean {
  if (text === undefined) return true;
  const known = new Set(names.flatMap((name) => name.toLowerCase().split(/[\s_]+/)));
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .every((word) => word === '' || FILLER_WORDS.has(word) || known.has(word) || /^\d{3}$/.test(word));
}

/**
 * The server's message from an error body, or undefined when it only repeats the status
 * ("Internal Server Error", `{"message":"internal error"}` with 500): such a message is replaced
 * by words a person can act on (see {@link emptyAnswer}).
 */
export function serverDetail(status: number, body: unknown): string | undefined {
  const detail = messageFromBody(body);
  return saysNothing(detail, [reasonPhrase(status) ?? '', 'internal', 'unknown']) ? undefined : detail;
}

/** What a status means when the server (`who`) said nothing more, with what to do about it. */
export function emptyAnswer(who: string, status: number): string {
  const reason = reasonPhrase(status);
  const line = `HTTP ${status}${reason ? ` ${reason}` : ''}`;
  if (status === 500) return `${who} failed with an internal error and gave no reason (${line}); try again, and report it if it keeps happening`;
  if (status === 502 || status === 503) return `${who} is unavailable right now (${line}); try again in a moment`;
  return `${who} ${status >= 500 ? 'failed' : 'refused the request'} and gave no reason (${line})`;
}

/**
 * Maps a control-plane HTTP error response to an error.
 * 400 invalid argument, 401/403 authentication, 404 not found (call-site class), 408/504
 * timeout, 429 rate limit, 507 not enough space, anything else the call site's fallback class.
 */
export function errorFromApi(status: number, body: unknown, context: ApiErrorContext = {}): SandboxError {
  const detail = serverDetail(status, body);
  const options = { status, cause: body === undefined ? undefined : { status, body } };
  // after a text of our own that says what happened, the server's words are kept as they are
  const said = messageFromBody(body);
  const withDetail = (text: string) => (said ? `${text}: ${said}` : text);
  switch (status) {
    case 400:
      return new InvalidArgumentError(detail ?? 'the server rejected the request as invalid', options);
    case 401:
      return new AuthenticationError(withDetail('unauthorized, check your API key or access token'), options);
    case 403:
      return new AuthenticationError(withDetail('forbidden, your credentials do not allow this'), options);
    case 404: {
      const Cls = context.notFound ?? NotFoundError;
      return new Cls(context.notFoundMessage ?? detail ?? 'not found', options);
    }
    case 408:
    case 504:
      return new TimeoutError(withDetail(`the server timed out (${status})`), options);
    case 429:
      return new RateLimitError(withDetail('rate limit exceeded, try again later'), {
        ...options,
        ...(context.retryAfterMs !== undefined ? { retryAfterMs: context.retryAfterMs } : {}),
      });
    case 503:
      return new ServiceBusyError(detail ? `${status}: ${detail}` : emptyAnswer('the API', status), options);
    case 507:
      return new NotEnoughSpaceError(detail ?? 'not enough space', options);
    default: {
      const Cls = context.fallback ?? SandboxError;
      return new Cls(detail ? `${status}: ${detail}` : emptyAnswer('the API', status), options);
    }
  }
}

/** Maps an error response from envd's plain HTTP endpoints (`/files`, `/health`, `/envs`). */
export function errorFromEnvdHttp(
  status: number,
  body: unknown,
  opts: { filesystem?: boolean; headers?: Record<string, string | string[] | undefined> } = {},
): SandboxError {
  const said = serverDetail(status, body);
  const options = { status, cause: { status, body } };
  const restarting = restartingError({ status, message: messageFromBody(body) ?? '', ...(opts.headers ? { headers: opts.headers } : {}) }, options.cause);
  if (restarting) return restarting;
  switch (status) {
    case 400:
      return new InvalidArgumentError(said ?? "the sandbox's envd refused the request as invalid (HTTP 400)", options);
    case 401:
    case 403:
      return new AuthenticationError(
        said ?? `the sandbox's envd refused the request's credentials (HTTP ${status}): check the sandbox's access token and the user`,
        options,
      );
    case 404:
      return opts.filesystem ? new FileNotFoundError(said ?? 'file not found', options) : new NotFoundError(said ?? 'not found (HTTP 404)', options);
    case 429:
      return new RateLimitError(said ? `${said}: the requests are being rate limited` : 'the requests are being rate limited (HTTP 429)', options);
    case 502:
      return new TimeoutError(`${said ? `${said}: ` : ''}the sandbox is not running anymore (killed, paused or its timeout passed)`, options);
    case 507:
      return new NotEnoughSpaceError(said ?? 'the sandbox ran out of disk space (HTTP 507)', options);
    default:
      return new SandboxError(said ? `${status}: ${said}` : emptyAnswer("the sandbox's envd", status), options);
  }
}

/** Connect error codes as strings, the way they travel on the wire. */
export type ConnectCodeName =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'deadline_exceeded'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data_loss'
  | 'unauthenticated';

/** Numeric Connect codes (gRPC numbering, as in connect-es's `Code` enum) by wire name. */
export const CONNECT_CODES: Readonly<Record<ConnectCodeName, number>> = {
  canceled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};

const CONNECT_NAMES: readonly ConnectCodeName[] = Object.keys(CONNECT_CODES) as ConnectCodeName[];

/** The wire name of a numeric Connect code. */
export function connectCodeName(code: number): ConnectCodeName {
  return CONNECT_NAMES.find((name) => CONNECT_CODES[name] === code) ?? 'unknown';
}

/** Per-call replacements for the default Connect code mapping. */
export type ConnectErrorOverrides = Partial<Record<ConnectCodeName, (message: string, cause: unknown) => SandboxError>>;

/**
 * What each Connect code means, in words a person can act on, for failures whose message says
 * no more than the code: connect-node turns a reset connection into `aborted` "aborted", and a
 * Connect server answers any unexpected failure as `internal` "internal error".
 */
const CONNECT_MEANINGS: Readonly<Record<ConnectCodeName, { what: string; act?: string }>> = {
  canceled: { what: 'the request was cancelled before it finished' },
  unknown: { what: "the sandbox's envd failed and gave no reason", act: 'try again' },
  invalid_argument: { what: "the sandbox's envd refused the request as invalid and gave no reason" },
  deadline_exceeded: { what: 'the operation ran past its timeout' },
  not_found: { what: 'not found' },
  already_exists: { what: 'it already exists' },
  permission_denied: { what: "the sandbox's envd refused: permission denied for this user" },
  resource_exhausted: { what: 'the sandbox ran out of a resource (memory, disk or processes), or the requests are being rate limited' },
  failed_precondition: { what: "the sandbox's envd refused the request in the sandbox's current state" },
  aborted: { what: 'the connection to the sandbox broke before the answer was complete', act: 'try again' },
  out_of_range: { what: 'a value in the request is out of range' },
  unimplemented: { what: "the sandbox's envd does not support this call (an older envd version?)" },
  internal: {
    what: "the sandbox's envd failed with an internal error and gave no reason",
    act: "try again, and check the sandbox's logs if it keeps happening",
  },
  unavailable: { what: 'the sandbox is not running anymore (killed, paused or its timeout passed)' },
  data_loss: { what: "the sandbox's envd reported data loss" },
  unauthenticated: { what: "the sandbox's envd refused the credentials (its access token or the user)" },
};

/**
 * What a failure's cause chain adds to a message that said nothing: the system error codes
 * (" (ECONNRESET)") and the messages not yet said, so a reset is told from a refused connection.
 */
function causeNote(cause: unknown): string {
  const notes: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = cause; e instanceof Error && !seen.has(e) && seen.size < 8; e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    // Node's system and stream codes (ECONNRESET, ERR_HTTP2_STREAM_ERROR); ConnectError's are numbers
    const note = typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : saysNothing(e.message, CONNECT_NAMES) ? undefined : e.message;
    if (note && !notes.includes(note)) notes.push(note);
  }
  return notes.length ? ` (${notes.join(': ')})` : '';
}

/**
 * Maps an envd Connect-RPC failure (identified by its code) to an error.
 * `overrides` let a call site give a code its own meaning (filesystem calls turn `not_found`
 * into {@link FileNotFoundError}, for instance). A message that only repeats the code
 * ("aborted", "internal error") is replaced by what the code means, with the codes of the
 * cause chain ("ECONNRESET"); the Connect error stays the `cause`.
 */
export function errorFromConnect(code: ConnectCodeName, message: string, cause: unknown, overrides: ConnectErrorOverrides = {}): SandboxError {
  // before any override: whatever the call, it did not reach envd
  const restarting = restartingFromConnect(cause);
  if (restarting) return restarting;
  // the code's own name, or the catch-all words a server uses when it has nothing to say
  const bare = saysNothing(message, [code, 'internal', 'unknown']);
  const meaning = CONNECT_MEANINGS[code];
  const text = bare ? `${meaning.what}${causeNote(cause)}${meaning.act ? `; ${meaning.act}` : ''}` : message;
  const override = overrides[code];
  if (override) return override(text, cause);
  const options = { cause };
  switch (code) {
    case 'invalid_argument':
    case 'failed_precondition':
    case 'out_of_range':
      return new InvalidArgumentError(text, options);
    case 'unauthenticated':
    case 'permission_denied':
      return new AuthenticationError(text, options);
    case 'not_found':
      return new NotFoundError(text, options);
    case 'resource_exhausted':
      return new RateLimitError(text, options);
    case 'unavailable':
    case 'deadline_exceeded':
      return new TimeoutError(bare ? text : `${message}: ${meaning.what}`, options);
    case 'canceled':
      return new AbortError(text, options);
    default:
      return new SandboxError(bare ? text : `${code}: ${message}`, options);
  }
}
