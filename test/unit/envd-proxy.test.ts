/**
 * The envd proxy in-process, in front of a stand-in envd on a unix socket: what it forwards
 * (exactly the checked target; never a client's platform header) and that an envd connection
 * failing at the worst moment cannot end the process.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest } from '../../src/local/daemon/edge.js';
import { createEnvdProxy, EnvdAgent } from '../../src/local/daemon/proxy.js';
import { SandboxUnavailableError, type SandboxManager } from '../../src/local/daemon/sandboxes.js';
import { RESTARTING_MESSAGE } from '../../src/protocol/sandbox-state.js';
import { rawRequest } from '../helpers/raw-http.js';

const ID = 'iproxytest0000000000';
/** A sandbox whose envd is being restarted. */
const RESTARTING_ID = 'iproxyrestarting0000';
/** A running sandbox whose envd has just died (nothing listens on its socket). */
const DEAD_ID = 'iproxydeadenvd000000';
/** A sandbox that is gone while its socket is dead. */
const GONE_ID = 'iproxygoneenvd000000';
let dir: string;
let envdSocket: string;
let envd: Server;
let daemon: Server;
let port: number;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let closeProxy: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2bts-proxy-'));
  envdSocket = join(dir, 'envd.sock');
  envd = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/files?refuse')) {
      // envd refusing an upload as soon as it saw enough of it, then reading on to drain it
      res.writeHead(413, { 'content-length': 2 }).end('no');
      req.resume();
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  envd.listen(envdSocket);
  await once(envd, 'listening');
  const deadSocket = join(dir, 'dead.sock');
  const sandboxes = {
    all: () => [],
    get: (id: string) => (id === ID || id === DEAD_ID ? {} : undefined),
    envdSocket: async (id: string) => {
      if (id === RESTARTING_ID) throw new SandboxUnavailableError(503, 'restarting', RESTARTING_MESSAGE);
      if (id === DEAD_ID || id === GONE_ID) return deadSocket;
      return id === ID ? envdSocket : undefined;
    },
    envdLost: (id: string, died: boolean) => id === DEAD_ID && died,
  } as unknown as SandboxManager;
  const proxy = createEnvdProxy(sandboxes);
  closeProxy = proxy.close;
  daemon = createServer((req, res) => {
    const route = checkRequest(req, port);
    if ('status' in route || route.kind !== 'envd') {
      res.writeHead(599).end();
      return;
    }
    void proxy.handle(req, res, route);
  });
  daemon.listen(0, '127.0.0.1');
  await once(daemon, 'listening');
  port = (daemon.address() as AddressInfo).port;
});

afterAll(() => {
  closeProxy?.();
  daemon?.close();
  envd?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createEnvdProxy', () => {
  it('never forwards a client-supplied x-e2b-ts-platform header, however spelled', async () => {
    for (const name of ['x-e2b-ts-platform', 'X-E2B-TS-Platform', 'X-E2b-Ts-PLATFORM']) {
      seen.length = 0;
      const res = await rawRequest(port, {
        method: 'POST',
        target: '/process.Process/Start',
        headers: [
          ['Host', `127.0.0.1:${port}`],
          ['E2b-Sandbox-Id', ID],
          [name, 'forged'],
          [name, 'forged again'],
          ['X-Access-Token', 'tok'],
        ],
        body: 'x',
      });
      expect(res.status).toBe(204);
      expect(seen).toHaveLength(1);
      expect(seen[0].headers['x-e2b-ts-platform']).toBeUndefined();
      expect(JSON.stringify(seen[0].headers).toLowerCase()).not.toContain('forged');
      // Everything else the client sent still reaches envd.
      expect(seen[0].headers['x-access-token']).toBe('tok');
    }
  });

  it('forwards exactly the target the edge checked, and marks answers as sandboxed content', async () => {
    seen.length = 0;
    const target = "/files?path=%2Fhome%2Fuser%2Fit's%20a%2Bb.txt&username=user";
    const res = await rawRequest(port, { target, headers: [['Host', `49983-${ID}.localhost:${port}`]] });
    expect(res.status).toBe(204);
    expect(seen.map((s) => s.url)).toEqual([target]);
    expect(res.headers['content-security-policy']).toBe('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses platform-only paths, and unsigned /files links that name no sandbox', async () => {
    seen.length = 0;
    for (const target of ['/init', '/INIT', '/files/compose', '/freeze']) {
      const res = await rawRequest(port, {
        method: 'POST',
        target,
        headers: [
          ['Host', `127.0.0.1:${port}`],
          ['E2b-Sandbox-Id', ID],
        ],
        body: '{}',
      });
      expect(res.status, target).toBe(403);
    }
    const unnamed = await rawRequest(port, { target: '/files?path=/etc/passwd', headers: [['Host', `127.0.0.1:${port}`]] });
    expect(unnamed.status).toBe(400);
    expect(JSON.parse(unnamed.body)).toMatchObject({ code: 400, message: expect.stringContaining('E2b-Sandbox-Id') });
    expect(seen).toEqual([]);
  });
});

describe('a sandbox whose envd restarts', () => {
  it('gets 503 in the shape of E2B\'s proxy errors, saying "restarting", and a header Connect clients can read', async () => {
    for (const id of [RESTARTING_ID, DEAD_ID]) {
      const res = await rawRequest(port, {
        method: 'POST',
        target: '/process.Process/Start',
        headers: [
          ['Host', `127.0.0.1:${port}`],
          ['E2b-Sandbox-Id', id],
        ],
        body: 'x',
      });
      expect(res.status, id).toBe(503);
      expect(res.headers['x-e2b-ts-sandbox-state']).toBe('restarting');
      expect(res.headers['retry-after']).toBe('1');
      expect(JSON.parse(res.body)).toEqual({ sandboxId: id, code: 503, message: expect.stringContaining('restarting') });
    }
  });

  it('a dead socket of a sandbox that is not running is still "stopped answering" (502)', async () => {
    const res = await rawRequest(port, {
      target: '/health',
      headers: [
        ['Host', `127.0.0.1:${port}`],
        ['E2b-Sandbox-Id', GONE_ID],
      ],
    });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ code: 502, message: 'The sandbox stopped answering' });
  });
});

describe('an answer that comes before the whole request body', () => {
  // Seen with envd refusing a multipart upload after its first 64 KiB: the proxy's upstream
  // request stopped taking data once envd's answer was complete, the client's body stalled after
  // a few MiB, and the client's connection hung for good.
  it('reaches the client, whose body is taken whole, and the connection serves the next request', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (received += d));
    const body = Buffer.alloc(16 << 20, 'x');
    const head = (target: string, length: number) =>
      `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nE2b-Sandbox-Id: ${ID}\r\nContent-Length: ${length}\r\n\r\n`;
    socket.write(head('/files?refuse', body.length));
    const sent = (async () => {
      for (let at = 0; at < body.length; at += 1 << 16) if (!socket.write(body.subarray(at, at + (1 << 16)))) await once(socket, 'drain');
      return 'all sent';
    })();
    expect(await Promise.race([sent, new Promise((r) => setTimeout(() => r('stalled'), 10_000))])).toBe('all sent');
    socket.write(head('/process.Process/Start', 1) + 'x');
    while (!/HTTP\/1\.1 204[\s\S]*$/.test(received)) await once(socket, 'data');
    expect(received).toMatch(/^HTTP\/1\.1 413 [\s\S]*\r\n\r\nnoHTTP\/1\.1 204 /);
    socket.destroy();
  });
});

describe('EnvdAgent', () => {
  // The crash seen in the daemon: envd answers before the request body is done, then goes away;
  // the body's last write fails with EPIPE just as the finished request hands its socket back,
  // and Node emits the socket's error with no listener left. With a plain keep-alive Agent this
  // test ends the worker with "Unhandled error: write EPIPE".
  it('a request whose last write fails as envd dies after answering does not throw', async () => {
    const socketPath = join(dir, 'dying.sock');
    const dying = createServer((req, res) => {
      res.writeHead(401, { 'content-length': 0 });
      res.end(() => req.socket.destroy());
    });
    dying.listen(socketPath);
    await once(dying, 'listening');
    const agent = new EnvdAgent();
    try {
      for (let i = 0; i < 20; i++) {
        const upstream = request({ socketPath, agent, method: 'POST', path: '/files', headers: { 'transfer-encoding': 'chunked' } });
        const failed = new Promise<void>((resolve) => {
          upstream.on('error', () => resolve());
          upstream.on('close', () => resolve());
        });
        upstream.on('response', (res) => {
          res.resume();
          // Ending in the same tick as the answer: the peer is gone, the EOF not yet seen.
          res.on('end', () => upstream.end());
        });
        upstream.write('first');
        await failed;
      }
      // Give a stray socket error the ticks it needs to surface.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      agent.destroy();
      dying.close();
    }
  });
});
