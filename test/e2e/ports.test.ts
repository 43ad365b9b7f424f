/**
 * Sandbox ports end to end (issue 13, ports by URL): a real backend, sandboxes with network
 * namespaces of their own serving on the same port, reached through
 * `http://<port>-<id>.localhost:<backend port>` with curl, the official SDK's `getHost`, a
 * WebSocket client, raw sockets, and `e2b-ts sandbox port-forward` as a subprocess.
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Sandbox as SdkSandbox } from 'e2b';
import { fetch as undiciFetch, WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { connection, createIsolatedSandbox, curl, localhostDispatcher, portUrl, servePython, startApp, until } from '../helpers/ports.js';
import { rawRequest, sendRaw } from '../helpers/raw-http.js';

let backend: LocalBackend;
let a: Sandbox;
let b: Sandbox;
const APP = 9000;
const ECHO = 7000;
const cli = (args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });

beforeAll(async () => {
  backend = await startLocalBackend();
  [a, b] = await Promise.all([createIsolatedSandbox(backend), createIsolatedSandbox(backend)]);
  await Promise.all([servePython(backend, a, 'served by sandbox A\n'), servePython(backend, b, 'served by sandbox B\n')]);
  await startApp(backend, a, ['http', String(APP), 'app-a']);
  await startApp(backend, a, ['tcp-echo', String(ECHO)]);
}, 180_000);

afterAll(async () => {
  await backend?.dispose();
});

/** Reads a port-forward's JSON line (stdout) and returns the local port. */
async function forwardedPort(proc: CliProcess): Promise<number> {
  await proc.waitFor((stdout) => stdout.toString().includes('\n'), 60_000);
  return (JSON.parse(proc.stdout().toString().split('\n')[0]) as { localPort: number }).localPort;
}

/** Sends bytes on a fresh TCP connection to 127.0.0.1:port, half-closes, and reads until the server closes. */
function tcpExchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      resolve(Buffer.concat(chunks));
    });
    socket.end(data);
  });
}

describe('two sandboxes, the same port, each through its own URL', () => {
  it('curl fetches each sandbox its own content (curl resolves *.localhost to loopback itself)', async () => {
    const ra = await curl([`${portUrl(backend, a.sandboxId, 8000)}/`]);
    const rb = await curl([`${portUrl(backend, b.sandboxId, 8000)}/`]);
    expect(ra).toMatchObject({ code: 0, stdout: 'served by sandbox A\n' });
    expect(rb).toMatchObject({ code: 0, stdout: 'served by sandbox B\n' });
  });

  it('E2b-Sandbox-Id + E2b-Sandbox-Port with a loopback Host route there too, as E2B’s edge does', async () => {
    const res = await fetch(`${backend.url}/`, { headers: { 'E2b-Sandbox-Id': b.sandboxId, 'E2b-Sandbox-Port': '8000' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('served by sandbox B\n');
  });

  it('`sandbox url` prints http://<port>-<id>.localhost:<backend port>, which serves the port', async () => {
    const res = await cli(['sandbox', 'url', a.sandboxId, '8000']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe(`http://8000-${a.sandboxId}.localhost:${backend.port}\n`);
    expect((await curl([res.stdout.trim()])).stdout).toBe('served by sandbox A\n');
    const json = await cli(['sandbox', 'url', b.sandboxId, '8000', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ sandboxId: b.sandboxId, port: 8000, url: `http://8000-${b.sandboxId}.localhost:${backend.port}` });
  });

  it("the official SDK: create answers the backend's domain, getHost(8000) is the port's host and serves it", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { E2B_API_URL: backend.url, E2B_SANDBOX_URL: backend.url, E2B_API_KEY: backend.apiKey });
    try {
      const created = await SdkSandbox.create();
      try {
        expect(created.getHost(8000)).toBe(`8000-${created.sandboxId}.localhost:${backend.port}`);
        // envd traffic still goes to E2B_SANDBOX_URL: commands work
        await created.files.write('/tmp/site/index.html', 'served to the SDK\n');
        await created.commands.run('python3 -m http.server 8000 --bind 127.0.0.1 --directory /tmp/site', { background: true });
        const text = await until('the SDK sandbox serving', async () => {
          const res = await undiciFetch(`http://${created.getHost(8000)}/`, { dispatcher: localhostDispatcher });
          const body = await res.text();
          return res.status === 200 ? body : undefined;
        });
        expect(text).toBe('served to the SDK\n');
        const connected = await SdkSandbox.connect(a.sandboxId);
        expect(connected.getHost(8000)).toBe(`8000-${a.sandboxId}.localhost:${backend.port}`);
        const res = await undiciFetch(`http://${connected.getHost(8000)}/`, { dispatcher: localhostDispatcher });
        expect(await res.text()).toBe('served by sandbox A\n');
        // our client gives the same host
        expect((await Sandbox.connect(a.sandboxId, connection(backend))).getHost(8000)).toBe(connected.getHost(8000));
      } finally {
        await created.kill();
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('sandbox port-forward', () => {
  it('forwards a local port to each sandbox’s 8000 (two at once), prints where on stderr, and exits 130 on Ctrl-C', async () => {
    const fa = spawnCli(['--local', '--json', 'sandbox', 'port-forward', a.sandboxId, '8000', '0'], { env: { E2B_TS_HOME: backend.home }, stdin: 'ignore' });
    const fb = spawnCli(['--local', '--json', 'sandbox', 'port-forward', b.sandboxId, '8000', '0'], { env: { E2B_TS_HOME: backend.home }, stdin: 'ignore' });
    try {
      const [pa, pb] = await Promise.all([forwardedPort(fa), forwardedPort(fb)]);
      expect(pa).not.toBe(pb);
      expect(JSON.parse(fa.stdout().toString())).toEqual({ sandboxId: a.sandboxId, port: 8000, localAddress: '127.0.0.1', localPort: pa });
      expect(fa.stderr()).toContain(`Forwarding 127.0.0.1:${pa} -> ${a.sandboxId}:8000\n`);
      expect((await curl([`http://127.0.0.1:${pa}/`])).stdout).toBe('served by sandbox A\n');
      expect((await curl([`http://127.0.0.1:${pb}/`])).stdout).toBe('served by sandbox B\n');
      // several connections, one after another and at once
      const many = await Promise.all([1, 2, 3, 4].map(() => curl([`http://127.0.0.1:${pa}/`])));
      expect(many.map((r) => r.stdout)).toEqual(Array(4).fill('served by sandbox A\n'));
    } finally {
      fa.child.kill('SIGINT');
      fb.child.kill('SIGINT');
    }
    const [ea, eb] = await Promise.all([fa.exited, fb.exited]);
    expect(ea.code).toBe(130);
    expect(eb.code).toBe(130);
    expect(fa.stderr()).toMatch(/stopped forwarding\n$/);
  });

  it('carries raw TCP byte for byte (1 MiB of random bytes and a half-close through an echo server)', async () => {
    const proc = spawnCli(['--local', '--json', 'sandbox', 'port-forward', a.sandboxId, String(ECHO), '0'], {
      env: { E2B_TS_HOME: backend.home },
      stdin: 'ignore',
    });
    try {
      const local = await forwardedPort(proc);
      const data = randomBytes(1 << 20);
      const back = await tcpExchange(local, data);
      expect(back.length).toBe(data.length + 3);
      expect(back.subarray(0, data.length).equals(data)).toBe(true);
      expect(back.subarray(data.length).toString()).toBe('bye');
    } finally {
      proc.child.kill('SIGINT');
      await proc.exited;
    }
  });

  it('the local port defaults to the sandbox port', async () => {
    // a free port, so the default can be asked for without colliding with anything
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const free = (probe.address() as AddressInfo).port;
    probe.close();
    await startApp(backend, b, ['tcp-echo', String(free)]);
    const proc = spawnCli(['--local', '--json', 'sandbox', 'port-forward', b.sandboxId, String(free)], { env: { E2B_TS_HOME: backend.home }, stdin: 'ignore' });
    try {
      expect(await forwardedPort(proc)).toBe(free);
      expect((await tcpExchange(free, Buffer.from('hi'))).toString()).toBe('hibye');
    } finally {
      proc.child.kill('SIGINT');
      await proc.exited;
    }
  });

  it('a closed sandbox port: each connection is closed with a warning, and the forward keeps running', async () => {
    const proc = spawnCli(['--local', '--json', 'sandbox', 'port-forward', a.sandboxId, '8001', '0'], { env: { E2B_TS_HOME: backend.home }, stdin: 'ignore' });
    try {
      const local = await forwardedPort(proc);
      expect((await tcpExchange(local, Buffer.from('x'))).length).toBe(0);
      await proc.waitFor((_out, err) => err.includes('warning:'), 30_000);
      expect(proc.stderr()).toContain(`warning: connection to ${a.sandboxId}:8001 failed: nothing listens on port 8001 in sandbox ${a.sandboxId}\n`);
      expect(proc.done()).toBe(false);
    } finally {
      proc.child.kill('SIGINT');
      expect((await proc.exited).code).toBe(130);
    }
  });

  it('a local port already taken: exit 1 with one line; an unknown sandbox: exit 3; bad ports: exit 2', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    try {
      const res = await cli(['sandbox', 'port-forward', a.sandboxId, '8000', String(port)]);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        `error: local port ${port} is already in use; pick another (e2b-ts sandbox port-forward ID PORT LOCAL_PORT, 0 for any free port)\n`,
      );
      expect(res.stdout).toBe('');
    } finally {
      taken.close();
    }
    const unknown = await cli(['sandbox', 'port-forward', 'i0000000000000000nope', '8000', '0']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^error: .*i0000000000000000nope.*not found/);
    expect((await cli(['sandbox', 'port-forward', a.sandboxId, '70000'])).code).toBe(2);
    expect((await cli(['sandbox', 'port-forward', a.sandboxId, '8000', '-1'])).code).toBe(2);
  });
});

describe('openPort in the library', () => {
  it.each(['backend', 'process'] as const)('via %s: 256 KiB of random bytes round-trip, half-close included; a closed port rejects', async (via) => {
    const sandbox = await Sandbox.connect(a.sandboxId, connection(backend));
    const stream = await sandbox.openPort(ECHO, { via });
    const data = randomBytes(256 * 1024);
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    const ended = once(stream, 'end');
    stream.end(data);
    if (via === 'backend') {
      await ended;
      const back = Buffer.concat(chunks);
      expect(back.subarray(0, data.length).equals(data)).toBe(true);
      expect(back.subarray(data.length).toString()).toBe('bye');
    } else {
      // bash cannot pass a half-close on: the echo arrives, the "bye" waits for the stream's end
      await until('the echo', async () => (Buffer.concat(chunks).length >= data.length ? true : undefined));
      expect(Buffer.concat(chunks).subarray(0, data.length).equals(data)).toBe(true);
    }
    stream.destroy();
    await expect(sandbox.openPort(8001, { via })).rejects.toThrow(`nothing listens on port 8001 in sandbox ${a.sandboxId}`);
  });
});

describe('HTTP through a port URL', () => {
  const appHost = () => `${APP}-${a.sandboxId}.localhost:${backend.port}`;

  it('the application gets the path as sent (no canonicalization), and every header but hop-by-hop ones and the platform secret', async () => {
    const target = '/a//b/%2e%2e/c/?q={"x":[1]}|^&r=%2F';
    const res = await rawRequest(backend.port, {
      target,
      headers: [
        ['Host', appHost()],
        ['X-Twice', '1'],
        ['x-twice', '2'],
        ['X-E2b-Ts-Platform', 'forged'],
        ['Keep-Alive', 'timeout=5'],
        ['Origin', 'http://evil.example'],
      ],
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as { url: string; headers: string[] };
    expect(seen.url).toBe(target);
    const pairs = [];
    for (let i = 0; i < seen.headers.length; i += 2) pairs.push([seen.headers[i], seen.headers[i + 1]]);
    expect(pairs).toContainEqual(['Host', appHost()]);
    expect(pairs).toContainEqual(['X-Twice', '1']);
    expect(pairs).toContainEqual(['x-twice', '2']);
    expect(pairs).toContainEqual(['Origin', 'http://evil.example']);
    expect(pairs.map(([n]) => n.toLowerCase())).not.toContain('x-e2b-ts-platform');
    expect(pairs.map(([n]) => n.toLowerCase())).not.toContain('keep-alive');
  });

  it('keep-alive: requests one after another on one client connection are all answered', async () => {
    const socket = connect(backend.port, '127.0.0.1');
    await once(socket, 'connect');
    const one = (n: number) => `GET /n${n} HTTP/1.1\r\nHost: ${appHost()}\r\n\r\n`;
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    for (const n of [1, 2, 3]) {
      socket.write(one(n));
      await until(`answer ${n}`, async () => (text.includes(`"url":"/n${n}"`) ? true : undefined));
    }
    socket.destroy();
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
  });

  it('a slow chunked response arrives chunk by chunk (the second only after the first was read)', async () => {
    const res = await undiciFetch(`http://${appHost()}/slow?id=chunks`, { dispatcher: localhostDispatcher });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('one\n');
    // only now does the application send the rest
    await (await undiciFetch(`http://${appHost()}/release?id=chunks`, { dispatcher: localhostDispatcher })).text();
    let rest = '';
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      rest += Buffer.from(next.value).toString();
    }
    expect(rest).toBe('two\n');
  });

  it('a request body streams up while the answer streams down (each chunk answered before the next is sent)', async () => {
    const req = request({ host: '127.0.0.1', port: backend.port, method: 'POST', path: '/echo', headers: { Host: appHost(), 'Transfer-Encoding': 'chunked' } });
    const [res] = (await new Promise((resolve) => {
      req.once('response', (r) => resolve([r]));
      req.write('first');
      req.flushHeaders();
    })) as [import('node:http').IncomingMessage];
    let text = '';
    res.on('data', (d: Buffer) => (text += d.toString()));
    await until('the first echo', async () => (text === 'got:first' ? true : undefined));
    req.write('second');
    await until('the second echo', async () => (text === 'got:firstgot:second' ? true : undefined));
    req.end();
    await once(res, 'end');
    expect(text).toBe('got:firstgot:seconddone');
  });

  it('a WebSocket echo round-trips through the URL (text, 100 KiB binary, ping), and the client’s close reaches the application', async () => {
    const before = Number(
      await (await fetch(`${backend.url}/ws-closes`, { headers: { 'E2b-Sandbox-Id': a.sandboxId, 'E2b-Sandbox-Port': String(APP) } })).text(),
    );
    const ws = new WebSocket(`ws://${appHost()}/ws`, { dispatcher: localhostDispatcher } as never);
    ws.binaryType = 'arraybuffer';
    const messages: Array<string | Buffer> = [];
    ws.addEventListener('message', (event) => messages.push(typeof event.data === 'string' ? event.data : Buffer.from(event.data as ArrayBuffer)));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    ws.send('hello through the edge');
    const binary = randomBytes(100 * 1024);
    ws.send(binary);
    await until('both echoes', async () => (messages.length === 2 ? true : undefined));
    expect(messages[0]).toBe('hello through the edge');
    expect((messages[1] as Buffer).equals(binary)).toBe(true);
    const closed = new Promise<{ code: number }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code })));
    ws.close(1000);
    expect((await closed).code).toBe(1000);
    // the application saw its connection end
    await until('the application to see the close', async () => {
      const n = Number(await (await fetch(`${backend.url}/ws-closes`, { headers: { 'E2b-Sandbox-Id': a.sandboxId, 'E2b-Sandbox-Port': String(APP) } })).text());
      return n > before ? true : undefined;
    });
  });

  it('the application closing a WebSocket closes the client’s', async () => {
    const ws = new WebSocket(`ws://${appHost()}/ws-bye`, { dispatcher: localhostDispatcher } as never);
    const closed = new Promise<{ code: number }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code })));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    ws.send('last words');
    expect((await closed).code).toBe(1000);
  });
});

describe('errors, in E2B’s shapes', () => {
  it('a port nobody listens on: 502 with a one-line JSON reason', async () => {
    const res = await curl(['-w', '\n%{http_code}', `${portUrl(backend, a.sandboxId, 8001)}/`]);
    const [body, status] = res.stdout.split('\n');
    expect(status).toBe('502');
    expect(JSON.parse(body)).toEqual({ sandboxId: a.sandboxId, message: 'The sandbox is running but port is not open', port: '8001', code: 502 });
  });

  it('an unknown sandbox, and a killed one: 404 "The sandbox was not found"; an open connection ends with the sandbox', async () => {
    const unknown = await curl(['-w', '\n%{http_code}', `${portUrl(backend, 'i0000000000000000nope', 8000)}/`]);
    expect(unknown.stdout.split('\n')).toEqual([
      JSON.stringify({ sandboxId: 'i0000000000000000nope', message: 'The sandbox was not found', code: 404 }),
      '404',
    ]);

    const doomed = await createIsolatedSandbox(backend);
    await startApp(backend, doomed, ['tcp-echo', String(ECHO)]);
    const stream = await doomed.openPort(ECHO);
    const ended = new Promise((resolve) => stream.on('close', resolve));
    stream.resume();
    await doomed.kill();
    await ended;
    const killed = await curl(['-w', '\n%{http_code}', `${portUrl(backend, doomed.sandboxId, ECHO)}/`]);
    expect(killed.stdout.split('\n')[1]).toBe('404');
    expect(JSON.parse(killed.stdout.split('\n')[0])).toMatchObject({ sandboxId: doomed.sandboxId, message: 'The sandbox was not found', code: 404 });
  });

  it('a paused sandbox: 409 "The sandbox is paused"; with autoResume the request resumes it and is answered', async () => {
    const plain = await createIsolatedSandbox(backend);
    await servePython(backend, plain, 'paused one\n');
    await plain.pause();
    const res = await curl(['-w', '\n%{http_code}', `${portUrl(backend, plain.sandboxId, 8000)}/`]);
    expect(res.stdout.split('\n')).toEqual([
      JSON.stringify({ sandboxId: plain.sandboxId, message: 'The sandbox is paused', code: 409, canAutoResume: false }),
      '409',
    ]);
    await Sandbox.kill(plain.sandboxId, connection(backend));

    const auto = await createIsolatedSandbox(backend, { lifecycle: { onTimeout: 'pause', autoResume: true } });
    await servePython(backend, auto, 'woken up\n');
    await auto.pause();
    expect((await Sandbox.getInfo(auto.sandboxId, connection(backend))).state).toBe('paused');
    expect((await curl([`${portUrl(backend, auto.sandboxId, 8000)}/`])).stdout).toBe('woken up\n');
    expect((await Sandbox.getInfo(auto.sandboxId, connection(backend))).state).toBe('running');
    await auto.kill();
  });

  it('an application that answers with something other than HTTP: 502, and the daemon lives on', async () => {
    const garbage = 7100;
    await a.commands.run(`node -e "require('net').createServer(s=>s.end('NOT HTTP AT ALL\\r\\n\\r\\n')).listen(${garbage},'127.0.0.1')"`, {
      background: true,
      timeoutMs: 0,
    });
    const answer = await until('the garbage server', async () => {
      const r = await sendRaw(
        backend.port,
        Buffer.from(`GET / HTTP/1.1\r\nHost: ${garbage}-${a.sandboxId}.localhost:${backend.port}\r\nConnection: close\r\n\r\n`),
      );
      return r.body.includes('port is not open') ? undefined : r;
    });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ sandboxId: a.sandboxId, message: `the application on port ${garbage} did not answer with HTTP`, code: 502 });
    expect((await fetch(`${backend.url}/health`)).status).toBe(204);
  });
});

describe('the domain in every answer', () => {
  it('create, connect, resume and fork answer domain localhost:<backend port>; the detail too', async () => {
    const headers = { 'X-API-Key': backend.apiKey, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${backend.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const domain = `localhost:${backend.port}`;
    const created = await post('/sandboxes', { templateID: 'base', timeout: 300, allow_internet_access: false });
    expect(created.body).toMatchObject({ domain, trafficAccessToken: null });
    const id = created.body.sandboxID as string;
    expect((await post(`/sandboxes/${id}/connect`, { timeout: 300 })).body).toMatchObject({ domain });
    expect((await fetch(`${backend.url}/sandboxes/${id}`, { headers }).then((r) => r.json())) as unknown).toMatchObject({ domain });
    expect((await fetch(`${backend.url}/sandboxes/${id}/pause`, { method: 'POST', headers })).status).toBe(204);
    expect((await post(`/sandboxes/${id}/resume`, { timeout: 300 })).body).toMatchObject({ domain });
    const forks = (await post(`/sandboxes/${id}/fork`, { count: 1 })).body as unknown as Array<{ sandbox: Record<string, unknown> }>;
    expect(forks[0].sandbox).toMatchObject({ domain });
    for (const sid of [id, forks[0].sandbox.sandboxID as string]) await fetch(`${backend.url}/sandboxes/${sid}`, { method: 'DELETE', headers });
  });
});
