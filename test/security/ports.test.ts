/**
 * Ports by URL, attacked (issue 13). The new routes are `<port>-<id>.localhost` hosts (and the
 * `E2b-Sandbox-Id` + `E2b-Sandbox-Port` headers) forwarded to a sandbox's application through
 * envd's port tunnel, and `GET /sandboxes/<id>/ports/<port>` upgraded to raw TCP. Each attacker
 * of docs/security.md gets its try:
 * - a web page (any site, or a page served by another sandbox's port) must not reach the
 *   control plane, envd or the port-forward endpoint through them;
 * - a client must not speak as the platform (forge the secret envd's tunnel wants, or make the
 *   daemon send a CONNECT of its choosing);
 * - without the traffic access token nobody reaches a sandbox created with
 *   `allowPublicTraffic: false` (nor wakes it up);
 * - code in a sandbox answering as it likes must not stall or crash the daemon, nor get a
 *   client's next request after declining an upgrade.
 * Requests go out over raw sockets, so Host, Origin and the bytes are exactly a browser's.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/index.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { connection, createIsolatedSandbox, startApp, until } from '../helpers/ports.js';
import { rawRequest, sendRaw, type RawResponse } from '../helpers/raw-http.js';

let backend: LocalBackend;
let open: Sandbox;
let other: Sandbox;
let privateBox: Sandbox;
const APP = 9000;

beforeAll(async () => {
  backend = await startLocalBackend();
  [open, other, privateBox] = await Promise.all([
    createIsolatedSandbox(backend),
    createIsolatedSandbox(backend),
    createIsolatedSandbox(backend, { network: { allowPublicTraffic: false } }),
  ]);
  await Promise.all([startApp(backend, open, ['http', String(APP), 'open']), startApp(backend, other, ['http', String(APP), 'other'])]);
  // the private one's app is started through envd (which wants no traffic token) and checked below
  await privateBox.files.write(
    '/tmp/port-app.cjs',
    await (await import('node:fs/promises')).readFile(new URL('../helpers/port-app.cjs', import.meta.url), 'utf8'),
  );
  await privateBox.commands.run(`node /tmp/port-app.cjs http ${APP} private`, { background: true, timeoutMs: 0 });
}, 180_000);

afterAll(async () => {
  await backend?.dispose();
});

const P = () => backend.port;
const appHost = (sandbox: Sandbox) => `${APP}-${sandbox.sandboxId}.localhost:${P()}`;
const get = (target: string, headers: Array<[string, string]>, method = 'GET') => rawRequest(P(), { method, target, headers });
const json = (res: RawResponse) => JSON.parse(res.body) as Record<string, unknown>;

describe('a web page cannot reach the control plane or envd through sandbox ports', () => {
  const evil: Array<[string, string]> = [
    ['Origin', 'http://evil.example'],
    ['Sec-Fetch-Site', 'cross-site'],
  ];

  it('a port host sends every path to the application: /sandboxes there is the app’s, never the control plane’s list', async () => {
    const res = await get('/sandboxes', [['Host', appHost(open)], ['X-API-Key', backend.apiKey], ...evil]);
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ name: 'open', url: '/sandboxes' });
    expect(res.body).not.toContain(other.sandboxId);
  });

  it("a page served by a sandbox's port (its Origin) is refused by the control plane and by envd, by host or by header", async () => {
    for (const origin of [`http://${appHost(open)}`, `http://${APP}-${other.sandboxId}.localhost:${P()}`, 'http://evil.example']) {
      const page: Array<[string, string]> = [
        ['Origin', origin],
        ['Sec-Fetch-Site', 'cross-site'],
      ];
      const control = await get('/sandboxes', [['Host', `127.0.0.1:${P()}`], ...page]);
      expect(control.status, origin).toBe(403);
      const envdByHost = await get('/envs', [['Host', `49983-${other.sandboxId}.localhost:${P()}`], ...page]);
      expect(envdByHost.status, origin).toBe(403);
      const envdByHeader = await get('/envs', [['Host', `localhost:${P()}`], ['E2b-Sandbox-Id', other.sandboxId], ['E2b-Sandbox-Port', '49983'], ...page]);
      expect(envdByHeader.status, origin).toBe(403);
      const upload = await get(
        `/files?path=%2Ftmp%2Fx`,
        [
          ['Host', `49983-${other.sandboxId}.localhost:${P()}`],
          ['Origin', origin],
        ],
        'POST',
      );
      expect(upload.status, origin).toBe(403);
    }
  });

  it('DNS rebinding gets nowhere: a foreign Host naming a sandbox port is refused', async () => {
    for (const host of [`${APP}-${open.sandboxId}.localhost.evil.example:${P()}`, `evil.example:${P()}`, `${APP}-${open.sandboxId}.localhost:${P() + 1}`]) {
      const res = await get('/', [
        ['Host', host],
        ['E2b-Sandbox-Id', open.sandboxId],
        ['E2b-Sandbox-Port', String(APP)],
      ]);
      expect(res.status, host).toBe(403);
    }
  });

  it('the port-forward endpoint refuses browsers: a WebSocket handshake (Origin, no key) and a cross-site request', async () => {
    const ws: Array<[string, string]> = [
      ['Host', `127.0.0.1:${P()}`],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ];
    const fromPage = await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [...ws, ['Origin', 'http://evil.example']]);
    expect(fromPage.status).toBe(403);
    const fromSandboxPage = await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [...ws, ['Origin', `http://${appHost(other)}`]]);
    expect(fromSandboxPage.status).toBe(403);
    const crossSite = await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [
      ['Host', `127.0.0.1:${P()}`],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'tcp'],
      ['Sec-Fetch-Site', 'cross-site'],
      ['X-API-Key', backend.apiKey],
    ]);
    expect(crossSite.status).toBe(403);
    // even with the key, a WebSocket is not what the endpoint speaks
    const wsWithKey = await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [...ws, ['X-API-Key', backend.apiKey]]);
    expect(wsWithKey.status).toBe(400);
  });
});

describe('the port-forward endpoint wants the API key', () => {
  const upgrade = (key?: string): Array<[string, string]> => [
    ['Host', `127.0.0.1:${P()}`],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'tcp'],
    ...(key === undefined ? [] : ([['X-API-Key', key]] as Array<[string, string]>)),
  ];

  it('refuses without a key, and with a wrong one, before saying anything about the sandbox', async () => {
    for (const key of [undefined, 'e2b_0000000000000000000000000000000000000000', `${backend.apiKey}0`, '']) {
      for (const id of [open.sandboxId, 'i0000000000000000nope']) {
        const res = await get(`/sandboxes/${id}/ports/${APP}`, upgrade(key));
        expect(res.status, `${key} ${id}`).toBe(401);
        expect(json(res)).toMatchObject({ code: 401 });
      }
    }
  });

  it('with the key: 101 and raw bytes (an HTTP request typed by hand reaches the app)', async () => {
    const socket = connect(P(), '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.write(
      `GET /sandboxes/${open.sandboxId}/ports/${APP} HTTP/1.1\r\nHost: 127.0.0.1:${P()}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nX-API-Key: ${backend.apiKey}\r\n\r\n`,
    );
    await until('the 101', async () => (text.includes('\r\n\r\n') ? true : undefined));
    expect(text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    socket.write('GET /raw HTTP/1.0\r\n\r\n');
    await once(socket, 'end');
    expect(text).toContain('"url":"/raw"');
    socket.destroy();
  });

  it('a plain GET (no upgrade) is told what to send, with the key; without it, 401', async () => {
    expect((await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [['Host', `127.0.0.1:${P()}`]])).status).toBe(401);
    const res = await get(`/sandboxes/${open.sandboxId}/ports/${APP}`, [
      ['Host', `127.0.0.1:${P()}`],
      ['X-API-Key', backend.apiKey],
    ]);
    expect(res.status).toBe(426);
    expect(res.headers.upgrade).toBe('tcp');
  });
});

describe('nobody speaks as the platform', () => {
  it("a client's X-E2b-Ts-Platform never reaches the application (nor envd: see 01-init-bypass)", async () => {
    const res = await get('/', [
      ['Host', appHost(open)],
      ['X-E2b-Ts-Platform', 'forged'],
      ['x-e2b-ts-platform', 'again'],
    ]);
    expect(res.status).toBe(200);
    expect(JSON.stringify(json(res).headers).toLowerCase()).not.toContain('x-e2b-ts-platform');
  });

  it('a CONNECT to the daemon opens no tunnel, whatever it names and whatever secret it forges', async () => {
    for (const target of [`localhost:${APP}`, `${appHost(open)}`, `127.0.0.1:${P()}`]) {
      const res = await sendRaw(
        P(),
        Buffer.from(
          `CONNECT ${target} HTTP/1.1\r\nHost: ${appHost(open)}\r\nX-E2b-Ts-Platform: forged\r\nE2b-Sandbox-Id: ${open.sandboxId}\r\nE2b-Sandbox-Port: ${APP}\r\n\r\nGET / HTTP/1.0\r\n\r\n`,
        ),
        15_000,
      );
      expect(res.status, target).not.toBe(200);
      expect(res.body, target).not.toContain('"name":"open"');
    }
    expect((await fetch(`${backend.url}/health`)).status).toBe(204);
  });

  it("the daemon's own port is not a sandbox port: no loop back into the daemon", async () => {
    const res = await get('/', [['Host', `${P()}-${open.sandboxId}.localhost:${P()}`]]);
    expect(res.status).toBe(400);
    expect(json(res).message).toMatch(/own port/);
  });
});

describe('allowPublicTraffic: false wants the traffic access token, as on E2B', () => {
  const host = () => appHost(privateBox);

  it('create answered a token (stable: connect answers the same one)', async () => {
    expect(privateBox.trafficAccessToken).toMatch(/^[0-9a-f]{64}$/);
    const again = await Sandbox.connect(privateBox.sandboxId, connection(backend));
    expect(again.trafficAccessToken).toBe(privateBox.trafficAccessToken);
    expect(open.trafficAccessToken).toBeUndefined();
  });

  it('without the header: 403 with E2B’s message; with a wrong token (any length): 403; with the right one: the app', async () => {
    const token = privateBox.trafficAccessToken!;
    for (const none of [
      [['Host', host()]],
      [
        ['Host', host()],
        ['e2b-traffic-access-token', ''],
      ],
    ] as Array<Array<[string, string]>>) {
      const missing = await get('/', none);
      expect(missing.status).toBe(403);
      expect(json(missing)).toEqual({
        sandboxId: privateBox.sandboxId,
        message: "Sandbox is secured with traffic access token. Token header 'e2b-traffic-access-token' is missing",
        code: 403,
      });
    }
    for (const wrong of ['0'.repeat(64), token.slice(0, -1), `${token}0`, token.toUpperCase(), 'x', open.envdAccessToken ?? 'x', `${token}, ${token}`]) {
      const res = await get('/', [
        ['Host', host()],
        ['e2b-traffic-access-token', wrong],
      ]);
      expect(res.status, wrong).toBe(403);
      expect(json(res).message).toBe("Sandbox is secured with traffic access token. Provided token in header 'e2b-traffic-access-token' is invalid");
    }
    const repeated = await get('/', [
      ['Host', host()],
      ['e2b-traffic-access-token', token],
      ['e2b-traffic-access-token', token],
    ]);
    expect(repeated.status).toBe(403);
    const ok = await until('the private app', async () => {
      const res = await get('/', [
        ['Host', host()],
        ['E2B-Traffic-Access-Token', token],
      ]);
      return res.status === 200 ? res : undefined;
    });
    expect(json(ok)).toMatchObject({ name: 'private' });
  });

  it('the same by header routing, and for a WebSocket upgrade', async () => {
    const byHeader = await get('/', [
      ['Host', `127.0.0.1:${P()}`],
      ['E2b-Sandbox-Id', privateBox.sandboxId],
      ['E2b-Sandbox-Port', String(APP)],
    ]);
    expect(byHeader.status).toBe(403);
    const ws = await get('/ws', [
      ['Host', host()],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ]);
    expect(ws.status).toBe(403);
  });

  it("envd's port never wants it: commands and files work with the envd token alone", async () => {
    expect((await privateBox.commands.run('echo envd')).stdout).toBe('envd\n');
  });

  it('a request without the token does not wake a paused private sandbox', async () => {
    const sleeper = await createIsolatedSandbox(backend, { network: { allowPublicTraffic: false }, lifecycle: { onTimeout: 'pause', autoResume: true } });
    await sleeper.pause();
    const res = await get('/', [['Host', appHost(sleeper)]]);
    expect(res.status).toBe(403);
    expect((await Sandbox.getInfo(sleeper.sandboxId, connection(backend))).state).toBe('paused');
    const woken = await get('/', [
      ['Host', appHost(sleeper)],
      ['e2b-traffic-access-token', sleeper.trafficAccessToken!],
    ]);
    // resumed (nothing listens on the port in it, so 502), and running now
    expect(woken.status).toBe(502);
    expect((await Sandbox.getInfo(sleeper.sandboxId, connection(backend))).state).toBe('running');
    await sleeper.kill();
  });
});

describe('sandbox code answering as it likes', () => {
  it('declining an upgrade closes the connection: a request the client sends next on it never reaches the app', async () => {
    const socket = connect(P(), '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const closed = once(socket, 'close');
    socket.write(`GET /decline HTTP/1.1\r\nHost: ${appHost(open)}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    await until('the declined answer', async () => (text.includes('declined') ? true : undefined));
    socket.write(`GET /sandboxes HTTP/1.1\r\nHost: 127.0.0.1:${P()}\r\nX-API-Key: ${backend.apiKey}\r\n\r\n`);
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text).not.toContain('LEAKED');
  });

  it('an app that accepts and never answers holds only its own request: the daemon answers others meanwhile', async () => {
    const silent = 7200;
    await open.commands.run(`node -e "require('net').createServer(()=>{}).listen(${silent},'127.0.0.1')"`, { background: true, timeoutMs: 0 });
    await until('the silent server', async () => {
      const probe = await sendRaw(P(), Buffer.from(`GET / HTTP/1.1\r\nHost: ${silent}-${open.sandboxId}.localhost:${P()}\r\nConnection: close\r\n\r\n`), 1_000);
      return probe.error === 'timed out' ? true : undefined;
    });
    const hanging = connect(P(), '127.0.0.1');
    hanging.write(`GET / HTTP/1.1\r\nHost: ${silent}-${open.sandboxId}.localhost:${P()}\r\n\r\n`);
    try {
      expect((await get('/', [['Host', appHost(other)]])).status).toBe(200);
      expect((await fetch(`${backend.url}/health`)).status).toBe(204);
    } finally {
      hanging.destroy();
    }
  });
});
