/**
 * Forwards sandbox (envd) traffic from the daemon's port to the sandbox's envd socket, as E2B's
 * edge proxy does (other ports of a sandbox are ports.ts's). The edge (edge.ts) has already
 * checked the request and found the sandbox it names (the `E2b-Sandbox-Id` header or a
 * `49983-<id>.localhost` host); a signed `/files` link that names none goes to the sandbox whose
 * access token verifies its signature.
 *
 * Bodies stream in both directions unbuffered (process output, uploads), so a Connect stream's
 * frames reach the client as envd writes them.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { ENVD_PORT } from '../../protocol/envd.js';
import { RESTARTING, RESTARTING_MESSAGE, RESTARTING_STATUS, SANDBOX_STATE_HEADER } from '../../protocol/sandbox-state.js';
import { sameSecret } from '../../protocol/secret.js';
import { getSignature } from '../../protocol/signature.js';
import { PLATFORM_HEADER } from '../envd/config.js';
import type { EdgeRoute } from './edge.js';
import { SandboxUnavailableError, type SandboxManager } from './sandboxes.js';
import { dropBodyOnEarlyAnswer, sendJson } from './http.js';

/** envd endpoints only the orchestrator may call (x-internal in envd.yaml); the edge refuses them. */
const INTERNAL_PATHS = ['/init', '/freeze', '/unfreeze', '/collapse', '/fsfreeze', '/fsthaw', '/upgrade', '/files/compose'];
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Whether a (canonical) envd path is one only the platform may call. */
export function isInternalPath(path: string): boolean {
  const lower = path.toLowerCase();
  return INTERNAL_PATHS.some((p) => lower === p || lower.startsWith(`${p}/`));
}

/** The sandbox whose access token verifies a signed `/files` link, if any. */
function sandboxForSignedLink(target: string, method: string | undefined, sandboxes: SandboxManager): string | undefined {
  const url = new URL(target, 'http://local');
  const signature = url.searchParams.get('signature');
  if (!signature) return undefined;
  const operation = method === 'POST' ? 'write' : 'read';
  const expirationRaw = url.searchParams.get('signature_expiration');
  const expiration = expirationRaw === null ? undefined : Number(expirationRaw);
  for (const s of sandboxes.all()) {
    if (!s.envdAccessToken) continue;
    const expected = getSignature({
      path: url.searchParams.get('path') ?? '',
      operation,
      user: url.searchParams.get('username') ?? '',
      accessToken: s.envdAccessToken,
      ...(expiration !== undefined && Number.isFinite(expiration) ? { expiration } : {}),
    });
    if (sameSecret(expected, signature)) return s.sandboxID;
  }
  return undefined;
}

function notFound(res: ServerResponse, sandboxId: string, message = 'The sandbox was not found'): void {
  sendJson(res, 502, { sandboxId, message, code: 502 });
}

/**
 * envd of a running sandbox died and another is starting on the same files: 503, in the shape
 * of E2B's proxy errors, with a header Connect clients can read (protocol/sandbox-state.ts).
 */
function restarting(res: ServerResponse, sandboxId: string): void {
  sendJson(
    res,
    RESTARTING_STATUS,
    { sandboxId, message: RESTARTING_MESSAGE, code: RESTARTING_STATUS },
    { [SANDBOX_STATE_HEADER]: RESTARTING, 'retry-after': '1' },
  );
}

const ignore = () => {};

/** Whether something still accepts connections on a unix socket (only envd holds envd's). */
function accepting(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Whether a request that failed before envd answered met envd's death: refused (or the socket
 * removed) is proof; a connection reset is proof only when nothing accepts on the socket any
 * more (a pooled connection to an envd that has just died is reset, not refused).
 */
async function envdDied(error: NodeJS.ErrnoException, socketPath: string): Promise<boolean> {
  if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') return true;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return !(await accepting(socketPath));
  return false;
}

/**
 * Keep-alive connections to one envd. Every socket gets an error listener of its own for its
 * whole life: Node's request machinery detaches its listener at moments a write error can still
 * be on its way (a request finishing as its last write fails with EPIPE because envd just
 * died, or a pooled socket being handed over), and an 'error' with no listener ends the daemon.
 * The request still learns of the failure through its own 'error' event.
 */
export class EnvdAgent extends Agent {
  constructor() {
    super({ keepAlive: true, maxFreeSockets: 16 });
  }

  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket;
    socket.on('error', ignore);
    return socket;
  }
}

export function createEnvdProxy(sandboxes: SandboxManager): {
  handle: (req: IncomingMessage, res: ServerResponse, route: Extract<EdgeRoute, { kind: 'envd' }>) => Promise<void>;
  close: () => void;
} {
  const agents = new Map<string, Agent>();
  const agentFor = (socketPath: string) => {
    let agent = agents.get(socketPath);
    if (!agent) {
      agent = new EnvdAgent();
      agents.set(socketPath, agent);
    }
    return agent;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, route: Extract<EdgeRoute, { kind: 'envd' }>) => {
    let sandboxId = route.sandboxId;
    if (sandboxId === undefined) {
      // Only a signed link may leave the sandbox unnamed: with several sandboxes (or a web page
      // guessing at "the only one") nothing else says which sandbox a request is for.
      sandboxId = route.path === '/files' ? sandboxForSignedLink(route.target, req.method, sandboxes) : undefined;
      if (sandboxId === undefined) {
        if (route.path === '/files' && new URL(route.target, 'http://local').searchParams.has('signature')) {
          sendJson(res, 401, { code: 401, message: 'invalid signature' });
        } else {
          sendJson(res, 400, { code: 400, message: 'Missing header: E2b-Sandbox-Id (or use a signed link of a secured sandbox)' });
        }
        return;
      }
    }
    // The edge sends other ports to the port proxy (ports.ts); envd routes are envd's port only.
    if (route.port !== ENVD_PORT) {
      notFound(res, sandboxId, `port ${route.port} is not envd's`);
      return;
    }
    if (isInternalPath(route.path)) {
      sendJson(res, 403, { code: 403, message: `${route.path} is internal to the platform` });
      return;
    }
    let socketPath: string | undefined;
    try {
      socketPath = await sandboxes.envdSocket(sandboxId);
    } catch (error) {
      if (error instanceof SandboxUnavailableError) {
        restarting(res, sandboxId);
        return;
      }
      socketPath = undefined;
    }
    if (!socketPath) {
      notFound(res, sandboxId, sandboxes.get(sandboxId) ? 'The sandbox is paused' : 'The sandbox was not found');
      return;
    }
    // The client may have gone while a paused sandbox resumed.
    if (res.destroyed) return;

    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    // only the daemon speaks as the platform (envd's /init): no client's copy is forwarded
    delete headers[PLATFORM_HEADER];
    const upstream = request({
      socketPath,
      agent: agentFor(socketPath),
      method: req.method,
      // Exactly the target the edge checked, never a re-serialization of it.
      path: route.target,
      headers,
    });
    upstream.on('response', (up) => {
      const out = { ...up.headers };
      for (const name of HOP_BY_HOP) delete out[name];
      // Sandbox content (a downloaded .html) served on the daemon's origin must not run as that
      // origin: a sandboxed document has an opaque one, and its requests carry `Origin: null`.
      out['content-security-policy'] = 'sandbox';
      out['x-content-type-options'] = 'nosniff';
      res.writeHead(up.statusCode ?? 502, out);
      res.flushHeaders();
      up.pipe(res);
      up.on('error', () => res.destroy());
      dropBodyOnEarlyAnswer(up, req, upstream);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // envd died under the request: the daemon is starting it again (or is about to)
      void envdDied(error, socketPath).then((died) => {
        if (res.headersSent || res.destroyed) return;
        if (sandboxes.envdLost(sandboxId, died)) restarting(res, sandboxId);
        else notFound(res, sandboxId, 'The sandbox stopped answering');
      });
    });
    // A client that goes away must stop the upstream call (envd sees the abort).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };

  return {
    handle,
    close: () => {
      for (const agent of agents.values()) agent.destroy();
    },
  };
}
