/**
 * Forwards sandbox (envd) traffic from the daemon's port to the sandbox's envd socket, as E2B's
 * edge proxy does: routed by the `E2b-Sandbox-Id` header (what the SDKs send through a shared
 * `E2B_SANDBOX_URL`), by a `49983-<id>.<domain>` host name, or, for signed `/files` links that
 * carry no sandbox ID, by the sandbox whose access token verifies the signature.
 *
 * Bodies stream in both directions unbuffered (process output, uploads), so a Connect stream's
 * frames reach the client as envd writes them.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { getSignature } from '../../protocol/signature.js';
import type { SandboxManager } from './sandboxes.js';
import { sendJson } from './http.js';

const ENVD_PORT = '49983';
/** envd endpoints only the orchestrator may call (x-internal in envd.yaml); the edge refuses them. */
const INTERNAL_PATHS = new Set(['/init', '/freeze', '/unfreeze', '/collapse', '/fsfreeze', '/fsthaw', '/upgrade', '/files/compose']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Sandbox ID named by a host like `49983-i123abc.localhost:49982`, if any. */
export function sandboxFromHost(host: string | undefined): { id: string; port: string } | undefined {
  if (!host) return undefined;
  const match = /^(\d+)-([a-z0-9]+)\./.exec(host);
  return match ? { port: match[1], id: match[2] } : undefined;
}

/** Whether a request is sandbox traffic rather than control-plane traffic. */
export function isEnvdRequest(req: IncomingMessage): boolean {
  if (req.headers['e2b-sandbox-id'] !== undefined) return true;
  if (sandboxFromHost(req.headers.host)) return true;
  const path = (req.url ?? '').split('?')[0];
  return path === '/files';
}

/**
 * Finds the sandbox a signed `/files` link belongs to. Unsigned links (unsecured sandboxes) are
 * routed only when exactly one sandbox is running, since nothing else could name it.
 */
function sandboxForSignedLink(req: IncomingMessage, sandboxes: SandboxManager): string | undefined {
  const url = new URL(req.url ?? '/', 'http://local');
  const signature = url.searchParams.get('signature');
  const running = sandboxes.all().filter((s) => s.state === 'running' || s.lifecycle.autoResume);
  if (!signature) return running.length === 1 ? running[0].sandboxID : undefined;
  const operation = req.method === 'POST' ? 'write' : 'read';
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
    if (expected === signature) return s.sandboxID;
  }
  return undefined;
}

function notFound(res: ServerResponse, sandboxId: string, message = 'The sandbox was not found'): void {
  sendJson(res, 502, { sandboxId, message, code: 502 });
}

export function createEnvdProxy(sandboxes: SandboxManager): {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close: () => void;
} {
  const agents = new Map<string, Agent>();
  const agentFor = (socketPath: string) => {
    let agent = agents.get(socketPath);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxFreeSockets: 16 });
      agents.set(socketPath, agent);
    }
    return agent;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const fromHost = sandboxFromHost(req.headers.host);
    const header = req.headers['e2b-sandbox-id'];
    let sandboxId = typeof header === 'string' ? header : fromHost?.id;
    const port = typeof req.headers['e2b-sandbox-port'] === 'string' ? req.headers['e2b-sandbox-port'] : (fromHost?.port ?? ENVD_PORT);
    const path = (req.url ?? '/').split('?')[0];

    if (!sandboxId) {
      sandboxId = sandboxForSignedLink(req, sandboxes);
      if (!sandboxId) {
        // A signature no sandbox's token verifies would be refused by any of them.
        if (new URL(req.url ?? '/', 'http://local').searchParams.has('signature')) {
          sendJson(res, 401, { code: 401, message: 'invalid signature' });
        } else {
          sendJson(res, 400, { code: 400, message: 'Missing header: E2b-Sandbox-Id (or a signed link of a running sandbox)' });
        }
        return;
      }
    }
    // E2B's edge accepts IDs with a client suffix ("<id>-<clientID>").
    sandboxId = sandboxId.split('-')[0];
    if (!/^[a-z0-9]+$/.test(sandboxId)) {
      sendJson(res, 400, { code: 400, message: 'Invalid sandbox ID' });
      return;
    }
    if (port !== ENVD_PORT) {
      notFound(res, sandboxId, `port ${port} of the sandbox is not forwarded by the local backend`);
      return;
    }
    if (INTERNAL_PATHS.has(path)) {
      sendJson(res, 403, { code: 403, message: `${path} is internal to the platform` });
      return;
    }
    let socketPath: string | undefined;
    try {
      socketPath = await sandboxes.envdSocket(sandboxId);
    } catch {
      socketPath = undefined;
    }
    if (!socketPath) {
      notFound(res, sandboxId, sandboxes.get(sandboxId) ? 'The sandbox is paused' : 'The sandbox was not found');
      return;
    }

    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = request({
      socketPath,
      agent: agentFor(socketPath),
      method: req.method,
      path: req.url,
      headers,
    });
    upstream.on('response', (up) => {
      const out = { ...up.headers };
      for (const name of HOP_BY_HOP) delete out[name];
      res.writeHead(up.statusCode ?? 502, out);
      res.flushHeaders();
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (!res.headersSent) notFound(res, sandboxId!, 'The sandbox stopped answering');
      else res.destroy();
    });
    // A client that goes away must stop the upstream call (envd sees the abort).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  return {
    handle,
    close: () => {
      for (const agent of agents.values()) agent.destroy();
    },
  };
}
