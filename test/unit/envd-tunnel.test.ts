/**
 * envd's port tunnel (src/local/envd/tunnel.ts) and the daemon's side of it (openTunnel in
 * src/local/daemon/ports.ts), in-process: a real envd server on a unix socket, real TCP servers
 * on loopback. Only the platform's secret opens a tunnel, the target is a port and nothing else,
 * a closed port is a 502, bytes and half-closes pass both ways, and a server bound to ::1 only is
 * reached too.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTunnel, TunnelError } from '../../src/local/daemon/ports.js';
import { PLATFORM_HEADER, type EnvdConfig } from '../../src/local/envd/config.js';
import { MetadataStore } from '../../src/local/envd/filesystem/metadata.js';
import { createEnvdServer } from '../../src/local/envd/server.js';
import { tunnelPort } from '../../src/local/envd/tunnel.js';

const SECRET = 'a'.repeat(64);
let dir: string;
let socketPath: string;
let envd: HttpServer;
/** Echoes every byte back, and on the client's half-close answers "bye" and closes. */
let echo: Server;
let echoPort: number;
/** Greets first (a server that speaks before the client, as SSH and databases do). */
let greeter: Server;
let greeterPort: number;

async function listen(server: Server, host: string, port = 0): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, '127.0.0.1');
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Sends a raw CONNECT to envd and reads what it answers until it closes (or 2 s of quiet pass after an answer). */
function rawConnect(target: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const endpoint = () => ({ socketPath, platformSecret: SECRET });

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2bts-tunnel-'));
  socketPath = join(dir, 'envd.sock');
  const config = {
    sandboxId: 'itunnel',
    templateId: 'base',
    listen: { path: socketPath },
    platformSecret: SECRET,
    envVars: {},
    defaultUser: 'user',
    users: {},
    pathMap: [],
    path: '/usr/bin:/bin',
    version: '0.6.13',
  } as EnvdConfig;
  envd = createEnvdServer({ config, metadata: new MetadataStore(undefined) });
  envd.listen(socketPath);
  await once(envd, 'listening');
  echo = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (d) => socket.write(d));
    socket.on('end', () => socket.end('bye'));
  });
  echoPort = await listen(echo, '127.0.0.1');
  greeter = createServer((socket) => socket.end('220 hello\r\n'));
  greeterPort = await listen(greeter, '127.0.0.1');
});

afterAll(() => {
  envd?.close();
  echo?.close();
  greeter?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tunnelPort', () => {
  it('reads localhost:<1-65535> only', () => {
    expect(tunnelPort('localhost:8000')).toBe(8000);
    expect(tunnelPort('localhost:65535')).toBe(65535);
    for (const target of [
      'localhost:0',
      'localhost:65536',
      'localhost:08000',
      '127.0.0.1:8000',
      'example.com:80',
      'localhost',
      'localhost:80/x',
      '/x',
      'LOCALHOST:80',
      'localhost:+80',
      undefined,
    ]) {
      expect(tunnelPort(target), String(target)).toBeUndefined();
    }
  });
});

describe("envd's CONNECT", () => {
  it('is refused without the platform secret, and with a wrong one (of the same length or not)', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { [PLATFORM_HEADER]: 'b'.repeat(64) },
      { [PLATFORM_HEADER]: SECRET.slice(1) },
      { [PLATFORM_HEADER]: `${SECRET}x` },
      { [PLATFORM_HEADER]: '' },
    ]) {
      const answer = await rawConnect(`localhost:${echoPort}`, headers);
      expect(answer).toMatch(/^HTTP\/1\.1 403 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ code: 403, message: 'the port tunnel is for the platform only' });
    }
  });

  it('names a port and nothing else: another host, or a malformed target, is a 400', async () => {
    for (const target of ['127.0.0.1:80', 'example.com:443', `localhost:${echoPort}0000`, 'localhost:0', '[::1]:80']) {
      const answer = await rawConnect(target, { [PLATFORM_HEADER]: SECRET });
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  it('answers 502 with a reason when nothing listens on the port (IPv4 nor IPv6)', async () => {
    const closed = await freePort();
    const answer = await rawConnect(`localhost:${closed}`, { [PLATFORM_HEADER]: SECRET });
    expect(answer).toMatch(/^HTTP\/1\.1 502 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ code: 502, message: `nothing listens on port ${closed} in the sandbox` });
    await expect(openTunnel(endpoint(), closed)).rejects.toEqual(new TunnelError(502, `nothing listens on port ${closed} in the sandbox`));
  });

  it('openTunnel with a wrong secret is refused', async () => {
    await expect(openTunnel({ socketPath, platformSecret: 'nope' }, echoPort)).rejects.toMatchObject({ status: 403 });
  });

  it('carries bytes both ways and passes a half-close on (the answer after it still arrives)', async () => {
    const tunnel = await openTunnel(endpoint(), echoPort);
    const all = readAll(tunnel);
    tunnel.resume();
    const payload =
      Buffer.alloc(256 * 1024, 7)
        .toString('latin1')
        .slice(0, 1000) + 'end';
    tunnel.write(payload);
    tunnel.end();
    expect(await all).toBe(`${payload}bye`);
  });

  it('keeps what a server sends first, before the client says anything', async () => {
    const tunnel = await openTunnel(endpoint(), greeterPort);
    expect(await readAll(tunnel.resume())).toBe('220 hello\r\n');
  });

  it('reaches a server that listens on ::1 only (when this machine has IPv6 loopback)', async (ctx) => {
    const v6 = createServer((socket) => socket.end('six'));
    let port: number;
    try {
      port = await listen(v6, '::1');
    } catch {
      ctx.skip();
      return;
    }
    try {
      const tunnel = await openTunnel(endpoint(), port);
      expect(await readAll(tunnel.resume())).toBe('six');
    } finally {
      v6.close();
    }
  });

  it('ends the client side when the server side goes away, and closes the server side when the client goes', async () => {
    const accepted: Socket[] = [];
    const holder = createServer((socket) => accepted.push(socket));
    const port = await listen(holder, '127.0.0.1');
    try {
      const first = await openTunnel(endpoint(), port);
      first.resume();
      const firstEnded = once(first, 'end');
      await waitFor(() => accepted.length === 1);
      accepted[0].destroy();
      // TCP tells a full close from a half-close only on the next write: the client gets the FIN
      await firstEnded;
      const firstClosed = once(first, 'close');
      first.end();
      await firstClosed;

      const second = await openTunnel(endpoint(), port);
      await waitFor(() => accepted.length === 2);
      const serverSaw = once(accepted[1], 'close');
      second.destroy();
      await serverSaw;
    } finally {
      holder.close();
    }
  });

  it('leaves ordinary requests alone: /health still answers on the same socket', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(socketPath);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 204 /);
  });
});

async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
