/**
 * Sandbox ports through the daemon: `http://<port>-<id>.localhost:<daemon port>` (or the
 * `E2b-Sandbox-Id` + `E2b-Sandbox-Port` headers) for HTTP and any `Upgrade` (WebSocket), and
 * `GET /sandboxes/<id>/ports/<port>` with `Upgrade: tcp` for raw TCP (`sandbox port-forward`).
 *
 * The daemon cannot connect into a sandbox's network namespace; envd, inside it, can. Every
 * connection to a sandbox port is a tunnel through envd's socket (envd/tunnel.ts): an HTTP
 * `CONNECT localhost:<port>` with the platform secret, after which the socket carries the
 * port's bytes. HTTP requests ride pooled tunnels (one TCP connection each inside the sandbox,
 * kept alive while the application keeps it); an upgrade or a port-forward stream owns its
 * tunnel until either side closes, and a close on one side closes the other.
 *
 * What a client meets, in E2B's edge's words and shapes (`{sandboxId, message, code}`):
 * - a sandbox that does not exist (never did, or was killed): 404 "The sandbox was not found";
 * - a paused sandbox: resumed first when it has autoResume, as E2B's edge does; otherwise 409
 *   "The sandbox is paused" (`canAutoResume: false`);
 * - `allowPublicTraffic: false` and no `e2b-traffic-access-token`, or a wrong one: 403 with
 *   E2B's message. Checked before anything else happens to the sandbox, so a request without
 *   the token cannot even wake a paused sandbox. envd's port never wants it (it has its own
 *   access token), and neither does the port-forward endpoint, which wants the API key;
 * - nothing listening on the port: 502 "The sandbox is running but port is not open";
 * - envd being restarted: 503, as for envd traffic.
 * HTTP requests keep their method, target, headers (repeats and spelling included) and bodies
 * as sent; only hop-by-hop headers are dropped, and `Host` is replaced where the sandbox asked
 * for it (`network.maskRequestHost`, `${PORT}` filled in), as on E2B.
 */
import { Agent, request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { API_KEY_HEADER, TRAFFIC_TOKEN_HEADER } from '../../protocol/envd.js';
import { RESTARTING, RESTARTING_MESSAGE, RESTARTING_STATUS, SANDBOX_STATE_HEADER } from '../../protocol/sandbox-state.js';
import { sameSecret } from '../../protocol/secret.js';
import { PLATFORM_HEADER } from '../envd/config.js';
import type { EdgeRoute } from './edge.js';
import { dropBodyOnEarlyAnswer, sendJson } from './http.js';
import { SandboxUnavailableError, type SandboxManager } from './sandboxes.js';

/** `GET /sandboxes/<id>/ports/<port>`: the port-forward endpoint (raw TCP after `Upgrade: tcp`). */
const PORT_FORWARD_PATH = /^\/sandboxes\/([a-z0-9]{1,64})\/ports\/([1-9][0-9]{0,4})$/;

/** The upgrade token the port-forward endpoint speaks. */
export const PORT_FORWARD_PROTOCOL = 'tcp';

/**
 * How long a pooled tunnel may stay idle: under Node's default server keep-alive (5 s), so the
 * daemon lets go of an idle connection before a Node application closes it under a request.
 */
const IDLE_TUNNEL_MS = 4_000;
/** A tunnel answer's head (and a refusal's body) is a few dozen bytes; this bounds a broken one. */
const MAX_TUNNEL_ANSWER = 16 * 1024;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Where envd of a running sandbox listens, and the secret its platform-only requests carry. */
export interface EnvdEndpoint {
  socketPath: string;
  platformSecret: string;
}

/** A tunnel envd refused, or could not open: the status and message for the client. */
export class TunnelError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The sandbox and port of a port-forward request target, or undefined when it is not one. */
export function portForwardTarget(target: string): { sandboxId: string; port: number } | undefined {
  const match = PORT_FORWARD_PATH.exec(target);
  if (!match || Number(match[2]) > 65535) return undefined;
  return { sandboxId: match[1], port: Number(match[2]) };
}

/**
 * Opens a tunnel to `port` inside the sandbox through envd. Resolves with the socket, paused,
 * carrying the port's bytes (whatever the application already sent included); rejects with a
 * {@link TunnelError} when envd refuses, or with the socket's error when envd cannot be reached.
 */
export function openTunnel(endpoint: EnvdEndpoint, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: endpoint.socketPath, allowHalfOpen: true });
    let received = Buffer.alloc(0);
    let status: number | undefined;
    let bodyStart = 0;
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error) => fail(error);
    const refusal = () => {
      let message = `envd refused the tunnel (${status})`;
      try {
        const body = JSON.parse(received.subarray(bodyStart).toString('utf8')) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // not envd's JSON: keep the status
      }
      return new TunnelError(status ?? 502, message);
    };
    const onEnd = () => fail(status === undefined ? new TunnelError(502, 'envd closed the tunnel before answering') : refusal());
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > MAX_TUNNEL_ANSWER && status === undefined) {
        fail(new TunnelError(502, 'envd answered the tunnel request with something else than HTTP'));
        return;
      }
      if (status !== undefined) return;
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received.subarray(0, end).toString('latin1'));
      if (!match) {
        fail(new TunnelError(502, 'envd answered the tunnel request with something else than HTTP'));
        return;
      }
      status = Number(match[1]);
      bodyStart = end + 4;
      if (status !== 200) return; // the refusal's body follows, then envd closes
      cleanup();
      socket.pause();
      const rest = received.subarray(bodyStart);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.write(`CONNECT localhost:${port} HTTP/1.1\r\nHost: localhost:${port}\r\n${PLATFORM_HEADER}: ${endpoint.platformSecret}\r\n\r\n`);
  });
}

const ignore = () => {};

/**
 * Keep-alive tunnels to the ports of one sandbox (one agent per envd socket; Node's pool keys
 * them by port). Free tunnels are closed after {@link IDLE_TUNNEL_MS}.
 */
class TunnelAgent extends Agent {
  constructor(readonly endpoint: EnvdEndpoint) {
    super({ keepAlive: true, maxFreeSockets: 16, timeout: IDLE_TUNNEL_MS });
  }

  // Node's agent takes the connection from this callback when nothing is returned.
  override createConnection(options: { port?: number | string | null | undefined }, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    openTunnel(this.endpoint, Number(options.port)).then(
      (socket) => {
        // Every socket hears its own errors for its whole life (see EnvdAgent in proxy.ts).
        socket.on('error', ignore);
        callback?.(null, socket);
        // The request attaches its reader on the next tick; only then may bytes flow.
        process.nextTick(() => socket.resume());
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined as unknown as Duplex;
  }
}

/** An error answer: status, E2B's JSON body, extra headers. */
interface Refusal {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const notFound = (sandboxId: string): Refusal => ({ status: 404, body: { sandboxId, message: 'The sandbox was not found', code: 404 } });
const paused = (sandboxId: string): Refusal => ({ status: 409, body: { sandboxId, message: 'The sandbox is paused', code: 409, canAutoResume: false } });
const portClosed = (sandboxId: string, port: number): Refusal => ({
  status: 502,
  body: { sandboxId, message: 'The sandbox is running but port is not open', port: String(port), code: 502 },
});
const restarting = (sandboxId: string): Refusal => ({
  status: RESTARTING_STATUS,
  body: { sandboxId, message: RESTARTING_MESSAGE, code: RESTARTING_STATUS },
  headers: { [SANDBOX_STATE_HEADER]: RESTARTING, 'retry-after': '1' },
});
const gone = (sandboxId: string, message: string): Refusal => ({ status: 502, body: { sandboxId, message, code: 502 } });

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Writes a refusal on a socket that left Node's HTTP server (an upgrade), and closes it. */
export function refuseRaw(socket: Duplex, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

/** The names a `Connection` header lists (hop-by-hop by RFC 9110 §7.6.1). */
function connectionTokens(rawHeaders: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'connection') continue;
    for (const token of rawHeaders[i + 1].split(',')) if (token.trim()) out.add(token.trim().toLowerCase());
  }
  return out;
}

/** Raw headers without the hop-by-hop ones (and without `drop`), names and repeats as sent. */
function endToEnd(rawHeaders: string[], drop: (name: string) => boolean = () => false): string[] {
  const listed = connectionTokens(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name) || drop(name)) continue;
    out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

/** The request headers an application gets: end-to-end ones, `Host` masked where asked. */
function upstreamHeaders(req: IncomingMessage, maskedHost: string | undefined): string[] {
  // only the daemon speaks as the platform; `Expect` was answered by the daemon's server already
  const headers = endToEnd(req.rawHeaders, (name) => name === PLATFORM_HEADER || name === 'expect' || (maskedHost !== undefined && name === 'host'));
  return maskedHost === undefined ? headers : ['Host', maskedHost, ...headers];
}

/** A request without a body can be sent again on a fresh tunnel when a pooled one was closed under it. */
function bodiless(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0');
}

/** Pipes two streams into each other; either one closing (or failing) closes the other. */
function splice(a: Duplex, b: Duplex, open: Set<Duplex>): void {
  open.add(a);
  open.add(b);
  a.on('error', () => a.destroy());
  b.on('error', () => b.destroy());
  a.once('close', () => {
    open.delete(a);
    b.destroy();
  });
  b.once('close', () => {
    open.delete(b);
    a.destroy();
  });
  a.pipe(b);
  b.pipe(a);
}

export interface PortProxy {
  /** Forwards an HTTP request to a user port. */
  handle(req: IncomingMessage, res: ServerResponse, route: Extract<EdgeRoute, { kind: 'port' }>): Promise<void>;
  /** Forwards an `Upgrade` request (WebSocket and any other) to a user port. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, route: Extract<EdgeRoute, { kind: 'port' }>): Promise<void>;
  /** Serves the port-forward endpoint: API key, then a raw TCP stream to the port. */
  portForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: { sandboxId: string; port: number }): Promise<void>;
  /** Ends every tunnel (the daemon is stopping). */
  close(): void;
}

/** Above this many sandboxes with a tunnel pool, pools of sandboxes that are gone are dropped. */
const POOLS_BEFORE_PRUNING = 32;

export function createPortProxy(sandboxes: SandboxManager, opts: { apiKey: string }): PortProxy {
  /** Tunnel pools by sandbox ID. */
  const agents = new Map<string, TunnelAgent>();
  const open = new Set<Duplex>();
  const agentFor = (sandboxId: string, endpoint: EnvdEndpoint) => {
    let agent = agents.get(sandboxId);
    // envd started again (new socket or secret): its old tunnels are gone with it
    if (agent && (agent.endpoint.socketPath !== endpoint.socketPath || agent.endpoint.platformSecret !== endpoint.platformSecret)) {
      agent.destroy();
      agents.delete(sandboxId);
      agent = undefined;
    }
    if (!agent) {
      if (agents.size >= POOLS_BEFORE_PRUNING) {
        for (const [id, stale] of agents) {
          if (sandboxes.get(id)) continue;
          stale.destroy();
          agents.delete(id);
        }
      }
      agent = new TunnelAgent(endpoint);
      agents.set(sandboxId, agent);
    }
    return agent;
  };

  /**
   * Finds the sandbox's envd for a request to one of its ports, or the refusal: unknown, wrong
   * traffic token (`checkToken`), restarting, paused.
   */
  const reach = async (
    req: IncomingMessage,
    sandboxId: string,
    port: number,
    checkToken: boolean,
  ): Promise<{ endpoint: EnvdEndpoint; maskedHost?: string } | Refusal> => {
    const record = sandboxes.get(sandboxId);
    if (!record) return notFound(sandboxId);
    if (checkToken && record.trafficAccessToken !== undefined) {
      const given = req.headers[TRAFFIC_TOKEN_HEADER];
      // E2B's edge reads an empty header as none
      if (given === undefined || given === '') {
        return {
          status: 403,
          body: { sandboxId, message: `Sandbox is secured with traffic access token. Token header '${TRAFFIC_TOKEN_HEADER}' is missing`, code: 403 },
        };
      }
      if (!sameSecret(record.trafficAccessToken, given)) {
        return {
          status: 403,
          body: {
            sandboxId,
            message: `Sandbox is secured with traffic access token. Provided token in header '${TRAFFIC_TOKEN_HEADER}' is invalid`,
            code: 403,
          },
        };
      }
    }
    let endpoint: EnvdEndpoint | undefined;
    try {
      endpoint = await sandboxes.envdEndpoint(sandboxId);
    } catch (error) {
      if (error instanceof SandboxUnavailableError) return restarting(sandboxId);
      return gone(sandboxId, `The sandbox could not be resumed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!endpoint) {
      const now = sandboxes.get(sandboxId);
      return now && (now.state === 'paused' || now.state === 'pausing' || now.state === 'resuming') ? paused(sandboxId) : notFound(sandboxId);
    }
    const mask = record.network?.maskRequestHost;
    return { endpoint, ...(mask ? { maskedHost: mask.replaceAll('${PORT}', String(port)) } : {}) };
  };

  /** The refusal for a tunnel that could not be opened. */
  const tunnelFailure = (sandboxId: string, port: number, error: unknown): Refusal => {
    if (error instanceof TunnelError) return error.status === 502 ? portClosed(sandboxId, port) : gone(sandboxId, error.message);
    const died = sandboxes.envdLost(sandboxId, true);
    return died ? restarting(sandboxId) : gone(sandboxId, 'The sandbox stopped answering');
  };

  const send = (res: ServerResponse, refusal: Refusal) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, refusal.status, refusal.body, refusal.headers);
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<EdgeRoute, { kind: 'port' }>,
    endpoint: EnvdEndpoint,
    maskedHost: string | undefined,
    retry: boolean,
  ) => {
    const upstream: ClientRequest = request({
      agent: agentFor(route.sandboxId, endpoint),
      host: 'localhost',
      port: route.port,
      method: req.method,
      // exactly the target the edge checked
      path: route.target,
      headers: upstreamHeaders(req, maskedHost),
      setHost: false,
    });
    upstream.on('response', (up) => {
      // the application's own Date, if it sent one, and no second
      res.sendDate = false;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.rawHeaders));
      res.flushHeaders();
      up.pipe(res);
      up.on('error', () => res.destroy());
      // the application answered before it had the whole body: the rest is not needed
      dropBodyOnEarlyAnswer(up, req, upstream);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      // A kept-alive tunnel the application closed just as it was reused: once more, afresh.
      if (retry && upstream.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') && bodiless(req)) {
        forward(req, res, route, endpoint, maskedHost, false);
        return;
      }
      if (error instanceof TunnelError || error.code === 'ECONNREFUSED' || error.code === 'ENOENT') {
        send(res, tunnelFailure(route.sandboxId, route.port, error));
        return;
      }
      const what = error.code?.startsWith('HPE_') ? 'did not answer with HTTP' : 'closed the connection without answering';
      send(res, gone(route.sandboxId, `the application on port ${route.port} ${what}`));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (req.readableEnded) upstream.end();
    else {
      req.on('error', () => upstream.destroy());
      req.pipe(upstream);
    }
  };

  return {
    async handle(req, res, route) {
      const reached = await reach(req, route.sandboxId, route.port, true);
      if ('status' in reached) {
        send(res, reached);
        return;
      }
      // The client may have gone while a paused sandbox resumed.
      if (res.destroyed) return;
      forward(req, res, route, reached.endpoint, reached.maskedHost, true);
    },

    async upgrade(req, socket, head, route) {
      socket.on('error', () => socket.destroy());
      const reached = await reach(req, route.sandboxId, route.port, true);
      if ('status' in reached) {
        refuseRaw(socket, reached.status, reached.body, reached.headers);
        return;
      }
      let tunnel: Socket;
      try {
        tunnel = await openTunnel(reached.endpoint, route.port);
      } catch (error) {
        const refusal = tunnelFailure(route.sandboxId, route.port, error);
        refuseRaw(socket, refusal.status, refusal.body, refusal.headers);
        return;
      }
      if (socket.destroyed) {
        tunnel.destroy();
        return;
      }
      tunnel.on('error', ignore);
      const upgradeTo = req.headers.upgrade ?? '';
      const upstream = request({
        createConnection: () => tunnel,
        method: req.method,
        path: route.target,
        headers: [...upstreamHeaders(req, reached.maskedHost), 'Connection', 'Upgrade', 'Upgrade', upgradeTo],
        setHost: false,
      });
      process.nextTick(() => tunnel.resume());
      upstream.on('upgrade', (up: IncomingMessage, upSocket: Socket, upHead: Buffer) => {
        const lines = [`HTTP/1.1 ${up.statusCode} ${up.statusMessage}`];
        for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) lines.push(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (upHead.length > 0) socket.write(upHead);
        if (head.length > 0) upSocket.write(head);
        splice(socket, upSocket, open);
      });
      // The application declined the upgrade: pass its answer on and close, so that nothing more
      // the client sends on this connection bypasses the edge.
      upstream.on('response', (up: IncomingMessage) => {
        const lines = [`HTTP/1.1 ${up.statusCode} ${up.statusMessage}`];
        const headers = endToEnd(up.rawHeaders);
        for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
        lines.push('connection: close');
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        up.pipe(socket);
        up.on('error', () => socket.destroy());
        socket.once('close', () => tunnel.destroy());
      });
      upstream.on('error', () => {
        if (socket.destroyed) return;
        refuseRaw(socket, 502, gone(route.sandboxId, `the application on port ${route.port} closed the connection without answering`).body);
      });
      socket.once('close', () => {
        if (!open.has(socket)) upstream.destroy();
      });
      upstream.end();
    },

    async portForward(req, socket, head, target) {
      socket.on('error', () => socket.destroy());
      if (!sameSecret(opts.apiKey, req.headers[API_KEY_HEADER])) {
        const reason = req.headers[API_KEY_HEADER] === undefined ? 'missing X-API-Key header' : 'invalid API key';
        refuseRaw(socket, 401, { code: 401, message: `${reason} (the local backend's key is printed by \`e2b-ts local env\`)` });
        return;
      }
      if (req.method !== 'GET' || (req.headers.upgrade ?? '').toLowerCase() !== PORT_FORWARD_PROTOCOL) {
        refuseRaw(socket, 400, {
          code: 400,
          message: `the port-forward endpoint wants GET with "Connection: Upgrade" and "Upgrade: ${PORT_FORWARD_PROTOCOL}"`,
        });
        return;
      }
      const reached = await reach(req, target.sandboxId, target.port, false);
      if ('status' in reached) {
        const message =
          reached.status === 404
            ? `sandbox ${target.sandboxId} not found`
            : reached.status === 409
              ? `sandbox ${target.sandboxId} is paused; resume it to reach its ports`
              : String(reached.body.message);
        refuseRaw(socket, reached.status, { code: reached.status, message }, reached.headers);
        return;
      }
      let tunnel: Socket;
      try {
        tunnel = await openTunnel(reached.endpoint, target.port);
      } catch (error) {
        const refusal = tunnelFailure(target.sandboxId, target.port, error);
        const message =
          refusal.status === 502 && error instanceof TunnelError
            ? `nothing listens on port ${target.port} in sandbox ${target.sandboxId}`
            : String(refusal.body.message);
        refuseRaw(socket, refusal.status, { code: refusal.status, message }, refusal.headers);
        return;
      }
      if (socket.destroyed) {
        tunnel.destroy();
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
      if (head.length > 0) tunnel.write(head);
      splice(socket, tunnel, open);
    },

    close() {
      for (const agent of agents.values()) agent.destroy();
      for (const stream of open) stream.destroy();
    },
  };
}
