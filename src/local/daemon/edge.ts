/**
 * The daemon's edge: the checks every request passes before the control plane or a sandbox sees
 * it. Pure functions over the request line and headers, so each rule is testable on its own.
 *
 * Request target. Parsed once (WHATWG URL rules) and refused with 400 unless the parse gives
 * back exactly the raw string, so the daemon and envd (which routes on `new URL(...).pathname`)
 * can never disagree about which path was asked for. On top of that round trip:
 * - origin-form only (`/…`): absolute-form (`http://h/x`), asterisk-form (`*`) and `//x` are refused;
 * - no raw backslash and no `#` anywhere in the target (WHATWG reads `\` as `/` in the path);
 * - no empty segment (`/a//b`, `/a/`) and no `.` or `..` segment;
 * - path characters are RFC 3986 pchars; a `%` must start a valid escape, and no escape may
 *   decode to `.`, `\`, `%` (double encoding), a control character or invalid UTF-8. `%2F` is
 *   the one separator allowed encoded: the control plane's snapshot names travel as
 *   `DELETE /templates/local%2Fname%3Atag` (encodeURIComponent, in the official SDK and ours).
 *   Such a segment is one parameter; once decoded it must still have no empty, `.` or `..` part;
 * - envd paths are fixed ASCII (`/files`, `/process.Process/Start`, …): letters, digits, `.`,
 *   `_` and `-` only, no percent-encoding at all;
 * - the query is visible ASCII without `#` or `\`; its values are envd's to interpret.
 *
 * Browsers. A web page can make the user's browser send requests here (simple CORS requests,
 * form posts, and through DNS rebinding, reads), so a request is answered only when:
 * - its `Host` is a loopback name with the daemon's own port: `127.0.0.1:P`, `localhost:P`,
 *   `[::1]:P` or `<labels>.localhost:P`, case-insensitive (no port means port 80). Other
 *   spellings of loopback (`127.1`, `0x7f.1`, `2130706433`, `127.0.0.1.nip.io`) are refused
 *   too: only names a rebinding attacker cannot point at us pass;
 * - its `Origin`, when present, is exactly the daemon's own origin (`http://127.0.0.1:P`,
 *   `http://localhost:P`, `http://[::1]:P`); `Origin: null` is refused;
 * - its `Sec-Fetch-Site`, when present, is `same-origin` or `none`.
 * These refusals are 403 (not 421: nothing here is a misrouted request a client should retry on
 * another connection), with E2B's `{"code","message"}` body.
 *
 * Routing. Sandbox traffic names its sandbox explicitly: the `E2b-Sandbox-Id` header or a
 * `<port>-<id>.localhost` host; a `/files` request with neither is routed later by its signature,
 * and any other request with an `E2b-Sandbox-Port` but neither is refused.
 * The headers the edge reads must each appear once (Node would join a repeated
 * `E2b-Sandbox-Id` into "a, b" and keep only the first `Host`).
 *
 * User ports (any port but envd's 49983: `http://8000-<id>.localhost:P`, or `E2b-Sandbox-Id` +
 * `E2b-Sandbox-Port: 8000`) are the sandbox's own web application, as `8000-<id>.e2b.app` is
 * on E2B, where it is public. So for them:
 * - any `Origin` and `Sec-Fetch-Site` pass: pages of other sites may use the application as on
 *   E2B, and whether they may read its answers is the application's CORS to decide. The
 *   control plane and envd keep the strict rules above, so a page served by a sandbox port
 *   (origin `http://8000-<id>.localhost:P`, another site than the daemon's) reaches neither;
 * - `Host` is checked as everywhere (DNS rebinding cannot produce a `*.localhost` host);
 * - the target is the application's: none of envd's canonical-path rules (`/a/`, `//a`, `%2e`,
 *   `%2F` reach the application as sent), only what HTTP/1.1 forbids is refused: anything but
 *   origin-form, characters outside visible ASCII, `#`, and a `%` not followed by two hex digits
 *   (`{`, `|`, `^` and friends pass: browsers send them unencoded in queries);
 * - the daemon's own port is never a user port: in a sandbox that shares the host's network
 *   namespace the tunnel would lead back to the daemon, which would route the request to the
 *   same port again, for ever.
 */
import { ENVD_PORT, SANDBOX_ID_HEADER, SANDBOX_PORT_HEADER } from '../../protocol/envd.js';

/** A request the edge refuses: the status and the message of E2B's JSON error body. */
export interface EdgeRefusal {
  status: 400 | 403;
  message: string;
}

/** Where an accepted request goes. */
export type EdgeRoute =
  | { kind: 'control'; target: string }
  | {
      kind: 'envd';
      target: string;
      path: string;
      /** Named by header or host; undefined for a `/files` link to be routed by its signature. */
      sandboxId?: string;
      /** Always envd's port (49983); other ports are `kind: 'port'`. */
      port: number;
    }
  | {
      /** A user port of a sandbox (any port but envd's), forwarded as the application's traffic. */
      kind: 'port';
      target: string;
      sandboxId: string;
      port: number;
    };

/** What the edge reads of a request (an `IncomingMessage` fits). */
export interface EdgeRequest {
  url?: string | undefined;
  /** Raw header names and values, alternating, as received (repeats kept). */
  rawHeaders: string[];
}

/** Headers the edge decides on; a repeat of any of them is refused. */
const SINGLE_HEADERS = ['host', 'origin', 'sec-fetch-site', SANDBOX_ID_HEADER, SANDBOX_PORT_HEADER] as const;
type SingleHeader = (typeof SINGLE_HEADERS)[number];

/** RFC 3986 pchar without pct-encoded: unreserved, sub-delims, ":" and "@". */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const ENVD_PATH = /^\/(?:[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)?$/;
/** Visible ASCII minus `#` (a fragment never belongs in a request) and `\`. */
const QUERY = /^[\x21-\x22\x24-\x5b\x5d-\x7e]*$/;
/** A DNS label, as browsers resolve `*.localhost` names. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const LOOPBACK_NAME = new RegExp(`^(?:127\\.0\\.0\\.1|localhost|\\[::1\\]|(?:${LABEL}\\.)+localhost)$`);
/** `<port>-<id>.localhost` (E2B's per-sandbox host; `<id>` may carry a `-<clientID>` suffix). */
const SANDBOX_HOST = /^([1-9][0-9]{0,4})-([a-z0-9]+(?:-[a-z0-9]+)?)\.localhost$/;
/** A sandbox ID as the edge accepts it: E2B's `^[a-z0-9]+$`, optionally with `-<clientID>`. */
const SANDBOX_ID = /^[a-z0-9]{1,64}(?:-[a-z0-9]{1,64})?$/;
const PORT = /^[1-9][0-9]{0,4}$/;
/** A user port's target: `/` then visible ASCII without `#` (RFC 9112 origin-form, leniently). */
const USER_TARGET = /^\/[\x21-\x22\x24-\x7e]*$/;

const badTarget = (message: string): EdgeRefusal => ({ status: 400, message: `invalid request target: ${message}` });

function decodesToForbidden(byte: number): boolean {
  return byte < 0x20 || byte === 0x7f || byte === 0x2e || byte === 0x5c || byte === 0x25;
}

/** Checks one path segment; returns a refusal, or undefined when it is canonical. */
function checkSegment(segment: string): EdgeRefusal | undefined {
  if (segment === '') return badTarget('empty path segment');
  if (segment === '.' || segment === '..') return badTarget('dot segment');
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '%') {
      const hex = segment.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return badTarget('malformed percent-encoding');
      const byte = parseInt(hex, 16);
      if (decodesToForbidden(byte)) return badTarget(`encoded %${hex} is not allowed`);
      bytes.push(byte);
      i += 2;
    } else if (PCHAR.test(c)) {
      bytes.push(c.charCodeAt(0));
    } else {
      return badTarget(`character ${JSON.stringify(c)} is not allowed in a path`);
    }
  }
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return badTarget('percent-encoding is not UTF-8');
  }
  // A parameter that carries an encoded "/" is decoded once by the router; it must not smuggle
  // the segments the raw path may not have.
  if (decoded.includes('/') && decoded.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return badTarget('empty or dot segment inside an encoded path parameter');
  }
  return undefined;
}

/**
 * Splits a request target into its path and query when it is canonical (see the module doc),
 * or says why it is not.
 */
export function canonicalTarget(target: string): { path: string; query: string } | EdgeRefusal {
  if (!target.startsWith('/')) return badTarget('only origin-form targets (/path?query) are accepted');
  if (target.includes('\\')) return badTarget('backslash');
  if (target.includes('#')) return badTarget('fragment');
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const query = mark < 0 ? '' : target.slice(mark + 1);
  if (!QUERY.test(query)) return badTarget('characters not allowed in the query');
  if (path !== '/') {
    for (const segment of path.slice(1).split('/')) {
      const refusal = checkSegment(segment);
      if (refusal) return refusal;
    }
  }
  // The rules above imply this; it stays as the one statement of the contract: what we pass on
  // is what a WHATWG parser (envd's) reads back.
  let parsed: URL;
  try {
    parsed = new URL(target, 'http://edge.invalid');
  } catch {
    return badTarget('unparsable');
  }
  if (parsed.host !== 'edge.invalid' || parsed.pathname !== path) return badTarget('not in canonical form');
  return { path, query };
}

/** Whether a canonical path has envd's shape (fixed ASCII names, no percent-encoding). */
export function isEnvdPath(path: string): boolean {
  return ENVD_PATH.test(path);
}

/** The host name and port of a `Host` header (lower-cased), or undefined when malformed. */
function splitHost(host: string): { name: string; port: number } | undefined {
  const lower = host.toLowerCase();
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::([0-9]+))?$/.exec(lower);
  if (!match?.[1]) return undefined;
  if (match[2] === undefined) return { name: match[1], port: 80 };
  if (!PORT.test(match[2])) return undefined;
  const port = Number(match[2]);
  return port <= 65535 ? { name: match[1], port } : undefined;
}

/** Whether a `Host` header names this daemon: a loopback name with the daemon's port. */
export function isOwnHost(host: string | undefined, daemonPort: number): boolean {
  if (host === undefined) return false;
  const parts = splitHost(host);
  return parts !== undefined && parts.port === daemonPort && LOOPBACK_NAME.test(parts.name);
}

/** Whether an `Origin` header is exactly the daemon's own origin. */
export function isOwnOrigin(origin: string, daemonPort: number): boolean {
  const suffix = daemonPort === 80 ? '' : `:${daemonPort}`;
  return origin === `http://127.0.0.1${suffix}` || origin === `http://localhost${suffix}` || origin === `http://[::1]${suffix}`;
}

/** The sandbox a `<port>-<id>.localhost` host names (the host already passed `isOwnHost`). */
export function sandboxFromHost(host: string | undefined): { id: string; port: number } | undefined {
  if (host === undefined) return undefined;
  const name = splitHost(host)?.name;
  const match = name === undefined ? null : SANDBOX_HOST.exec(name);
  if (!match) return undefined;
  const port = Number(match[1]);
  return port <= 65535 ? { port, id: match[2] } : undefined;
}

/** The one value of each header the edge decides on; a repeated one is reported by name. */
function singleHeaders(rawHeaders: string[]): { values: Partial<Record<SingleHeader, string>> } | { repeated: string } {
  const values: Partial<Record<SingleHeader, string>> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase() as SingleHeader;
    if (!SINGLE_HEADERS.includes(name)) continue;
    if (values[name] !== undefined) return { repeated: rawHeaders[i] };
    values[name] = rawHeaders[i + 1];
  }
  return { values };
}

/**
 * Checks a user port's request target: origin-form, visible ASCII without `#`, and well-formed
 * percent-escapes; nothing else (see the module doc).
 */
export function userPortTarget(target: string): EdgeRefusal | undefined {
  if (!target.startsWith('/')) return badTarget('only origin-form targets (/path?query) are accepted');
  if (!USER_TARGET.test(target)) return badTarget('only visible ASCII characters, without "#", are allowed');
  if (/%(?![0-9A-Fa-f]{2})/.test(target)) return badTarget('malformed percent-encoding');
  return undefined;
}

/**
 * The user port a request names (any port but envd's), when its routing headers and host name it
 * consistently; undefined for everything else, which the envd and control-plane rules then judge.
 */
function userPortOf(values: Partial<Record<SingleHeader, string>>): { sandboxId: string; port: number } | undefined {
  const idHeader = values[SANDBOX_ID_HEADER];
  const portHeader = values[SANDBOX_PORT_HEADER];
  const fromHost = sandboxFromHost(values.host);
  let sandboxId = fromHost?.id;
  if (idHeader !== undefined) {
    if (!SANDBOX_ID.test(idHeader) || (fromHost && fromHost.id !== idHeader)) return undefined;
    sandboxId = idHeader;
  }
  let port = fromHost?.port ?? ENVD_PORT;
  if (portHeader !== undefined) {
    if (!PORT.test(portHeader) || Number(portHeader) > 65535 || (fromHost && fromHost.port !== Number(portHeader))) return undefined;
    port = Number(portHeader);
  }
  if (sandboxId === undefined || port === ENVD_PORT) return undefined;
  return { sandboxId: sandboxId.split('-')[0], port };
}

/** Decides whether the daemon answers a request and, if so, where it goes. */
export function checkRequest(req: EdgeRequest, daemonPort: number): EdgeRoute | EdgeRefusal {
  const target = req.url ?? '';
  const headers = singleHeaders(req.rawHeaders);
  const userPort = 'repeated' in headers ? undefined : userPortOf(headers.values);
  if (userPort && 'values' in headers) {
    const refusal = userPortTarget(target);
    if (refusal) return refusal;
    const { host } = headers.values;
    if (!isOwnHost(host, daemonPort)) {
      return {
        status: 403,
        message: `Host ${host === undefined ? '(missing)' : JSON.stringify(host)} is not this local backend; use http://127.0.0.1:${daemonPort}`,
      };
    }
    if (userPort.port === daemonPort) return { status: 400, message: `port ${daemonPort} is the local backend's own port; it is not forwarded to sandboxes` };
    return { kind: 'port', target, ...userPort };
  }

  const canonical = canonicalTarget(target);
  if ('status' in canonical) return canonical;
  if ('repeated' in headers) return { status: 400, message: `repeated header: ${headers.repeated}` };
  const { host, origin } = headers.values;
  const fetchSite = headers.values['sec-fetch-site'];
  if (!isOwnHost(host, daemonPort)) {
    return {
      status: 403,
      message: `Host ${host === undefined ? '(missing)' : JSON.stringify(host)} is not this local backend; use http://127.0.0.1:${daemonPort}`,
    };
  }
  if (origin !== undefined && !isOwnOrigin(origin, daemonPort)) {
    return { status: 403, message: `cross-origin requests are refused (Origin ${JSON.stringify(origin)})` };
  }
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return { status: 403, message: `cross-site requests are refused (Sec-Fetch-Site: ${fetchSite})` };
  }

  const idHeader = headers.values[SANDBOX_ID_HEADER];
  const portHeader = headers.values[SANDBOX_PORT_HEADER];
  const fromHost = sandboxFromHost(host);
  const envd = idHeader !== undefined || portHeader !== undefined || fromHost !== undefined || canonical.path === '/files';
  if (!envd) return { kind: 'control', target };

  let sandboxId = fromHost?.id;
  if (idHeader !== undefined) {
    if (!SANDBOX_ID.test(idHeader)) return { status: 400, message: 'invalid E2b-Sandbox-Id header (expected one sandbox ID)' };
    if (fromHost && fromHost.id !== idHeader) return { status: 400, message: 'E2b-Sandbox-Id and the host name name different sandboxes' };
    sandboxId = idHeader;
  }
  // Only a signed `/files` link may leave its sandbox unnamed; E2b-Sandbox-Port alone names none.
  if (sandboxId === undefined && canonical.path !== '/files') return { status: 400, message: 'Missing header: E2b-Sandbox-Id' };
  let port = fromHost?.port ?? ENVD_PORT;
  if (portHeader !== undefined) {
    if (!PORT.test(portHeader) || Number(portHeader) > 65535) return { status: 400, message: 'invalid E2b-Sandbox-Port header' };
    if (fromHost && fromHost.port !== Number(portHeader)) return { status: 400, message: 'E2b-Sandbox-Port and the host name name different ports' };
    port = Number(portHeader);
  }
  // A user port is reached only by naming its sandbox (userPortOf); a signed link is envd's.
  if (port !== ENVD_PORT) return { status: 400, message: 'Missing header: E2b-Sandbox-Id' };
  if (!isEnvdPath(canonical.path)) return badTarget('sandbox paths are plain ASCII names without percent-encoding');
  // E2B's edge accepts IDs with a client suffix ("<id>-<clientID>").
  if (sandboxId !== undefined) sandboxId = sandboxId.split('-')[0];
  return { kind: 'envd', target, path: canonical.path, port, ...(sandboxId !== undefined ? { sandboxId } : {}) };
}
