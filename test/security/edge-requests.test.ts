/**
 * The daemon's edge against hostile requests, on a real local backend with two sandboxes: a
 * secured one (the target of `/init` spellings that would clear its token) and a `--no-secure`
 * one (the target of uploads that would create marker files). Each request goes out over a raw
 * socket, exactly as written, and must get its status with no effect: after the table the
 * secured sandbox still refuses a token-less command with 401 and keeps its default user, no
 * marker file exists, both sandboxes still run, and the daemon still answers.
 *
 * Then the daemon must survive what once crashed it (an unhandled EPIPE on an envd socket):
 * uploads envd answers early whose last chunk arrives as envd dies, uploads and streams aborted
 * mid-way, all while their sandbox is killed.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { multipartFile, rawBytes, rawRequest, sendRaw, type RawRequest } from '../helpers/raw-http.js';
import { connectEnvelope, createSandbox, daemonHealthy, fileStatus, sandboxState, startProcess, type TestSandbox } from '../helpers/sandbox-http.js';

let backend: LocalBackend;
let secured: TestSandbox;
let open: TestSandbox;

beforeAll(async () => {
  backend = await startLocalBackend();
  secured = await createSandbox(backend, true);
  open = await createSandbox(backend, false);
});

afterAll(async () => {
  await backend?.dispose();
});

const INIT_BODY = '{"accessToken":"","defaultUser":"root"}';
const host = (): [string, string] => ['Host', `127.0.0.1:${backend.port}`];

/** `POST <target>` with a `/init` body for the secured sandbox: success would clear its token. */
const init = (target: string, headers: Array<[string, string]> = []): RawRequest => ({
  method: 'POST',
  target,
  headers: [host(), ['E2b-Sandbox-Id', secured.id], ['Content-Type', 'application/json'], ...headers],
  body: INIT_BODY,
});

const markers: string[] = [];
/** A multipart upload of a marker file into the unsecured sandbox, with the given headers instead of the legitimate ones. */
const upload = (headers: (marker: string) => Array<[string, string]>, target?: (marker: string) => string): RawRequest => {
  const marker = `/tmp/edge-marker-${markers.length}`;
  markers.push(marker);
  const form = multipartFile('m.txt', 'edge marker');
  return {
    method: 'POST',
    target: target ? target(marker) : `/files?path=${encodeURIComponent(marker)}`,
    headers: [...headers(marker), ['Content-Type', form.contentType]],
    body: form.body,
  };
};
const withId =
  (...extra: Array<[string, string]>) =>
  () => [host(), ['E2b-Sandbox-Id', open.id] as [string, string], ...extra];

interface Row {
  name: string;
  request: () => RawRequest | Buffer;
  /** The expected status; undefined when the connection must close without an answer. */
  status: number | undefined;
}

const rows: Row[] = [
  // /init in every spelling (chain 1); the plain ones were already refused, the others reached envd.
  { name: 'POST /init', request: () => init('/init'), status: 403 },
  { name: 'POST /INIT', request: () => init('/INIT'), status: 403 },
  { name: 'POST /init/x', request: () => init('/init/x'), status: 403 },
  { name: 'POST /init with a forged X-E2B-TS-Platform', request: () => init('/init', [['X-E2B-TS-Platform', 'forged']]), status: 403 },
  { name: 'dot segment /x/../init', request: () => init('/x/../init'), status: 400 },
  { name: 'dot segment /./init', request: () => init('/./init'), status: 400 },
  { name: 'dot segments /x/./../init', request: () => init('/x/./../init'), status: 400 },
  { name: 'encoded dots /x/%2e%2e/init', request: () => init('/x/%2e%2e/init'), status: 400 },
  { name: 'encoded dots, mixed case /x/%2E%2e/init', request: () => init('/x/%2E%2e/init'), status: 400 },
  { name: 'half-encoded dots /x/.%2e/init', request: () => init('/x/.%2e/init'), status: 400 },
  { name: 'half-encoded dots /x/%2e./init', request: () => init('/x/%2e./init'), status: 400 },
  { name: 'double-encoded dots /x/%252e%252e/init', request: () => init('/x/%252e%252e/init'), status: 400 },
  { name: 'backslashes /x\\..\\init', request: () => init('/x\\..\\init'), status: 400 },
  { name: 'mixed slashes /x/..\\init', request: () => init('/x/..\\init'), status: 400 },
  { name: 'encoded backslashes /x%5c..%5cinit', request: () => init('/x%5c..%5cinit'), status: 400 },
  { name: 'encoded slashes /x%2F..%2Finit', request: () => init('/x%2F..%2Finit'), status: 400 },
  { name: 'empty segment //init', request: () => init('//init'), status: 400 },
  { name: 'trailing slash /init/', request: () => init('/init/'), status: 400 },
  { name: 'NUL /init%00', request: () => init('/init%00'), status: 400 },
  { name: 'encoded letter /in%69t', request: () => init('/in%69t'), status: 400 },
  { name: 'path parameter /init;a=b', request: () => init('/init;a=b'), status: 400 },
  { name: 'fragment /init#x', request: () => init('/init#x'), status: 400 },
  { name: 'absolute-form http://127.0.0.1:P/init', request: () => init(`http://127.0.0.1:${backend.port}/init`), status: 400 },
  { name: 'absolute-form with a foreign host', request: () => init('http://attacker.example/init'), status: 400 },
  { name: 'asterisk-form OPTIONS *', request: () => ({ method: 'OPTIONS', target: '*', headers: [host(), ['E2b-Sandbox-Id', secured.id]] }), status: 400 },
  // Routing headers (uploads into the unsecured sandbox).
  { name: 'no sandbox ID on an unsigned /files upload', request: () => upload(() => [host()]), status: 400 },
  { name: 'E2b-Sandbox-Id twice, same value', request: () => upload(withId(['E2b-Sandbox-Id', open.id])), status: 400 },
  {
    name: 'E2b-Sandbox-Id twice, two sandboxes',
    request: () => upload(() => [host(), ['E2b-Sandbox-Id', open.id], ['e2b-sandbox-id', secured.id]]),
    status: 400,
  },
  { name: 'E2b-Sandbox-Id empty', request: () => upload(() => [host(), ['E2b-Sandbox-Id', '']]), status: 400 },
  { name: 'E2b-Sandbox-Id joined by hand', request: () => upload(() => [host(), ['E2b-Sandbox-Id', `${open.id}, ${secured.id}`]]), status: 400 },
  { name: 'E2b-Sandbox-Id upper-case', request: () => upload(() => [host(), ['E2b-Sandbox-Id', open.id.toUpperCase()]]), status: 400 },
  { name: 'E2b-Sandbox-Id with a path', request: () => upload(() => [host(), ['E2b-Sandbox-Id', `${open.id}/../${secured.id}`]]), status: 400 },
  {
    name: 'host name and header naming different sandboxes',
    request: () =>
      upload(() => [
        ['Host', `49983-${secured.id}.localhost:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 400,
  },
  { name: 'E2b-Sandbox-Port not a number', request: () => upload(withId(['E2b-Sandbox-Port', '49983x'])), status: 400 },
  { name: 'E2b-Sandbox-Port twice', request: () => upload(withId(['E2b-Sandbox-Port', '49983'], ['E2b-Sandbox-Port', '49983'])), status: 400 },
  { name: 'E2b-Sandbox-Port of a port that is not forwarded', request: () => upload(withId(['E2b-Sandbox-Port', '3000'])), status: 502 },
  { name: 'percent-encoding in an envd path /file%73', request: () => upload(withId(), (m) => `/file%73?path=${encodeURIComponent(m)}`), status: 400 },
  // Host, Origin, Sec-Fetch-Site (chain 6).
  {
    name: 'foreign Host (DNS rebinding)',
    request: () =>
      upload(() => [
        ['Host', `attacker.example:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  { name: 'no Host (HTTP/1.1)', request: () => upload(() => [['E2b-Sandbox-Id', open.id]]), status: 403 },
  { name: 'no Host (HTTP/1.0)', request: () => ({ ...upload(() => [['E2b-Sandbox-Id', open.id]]), version: 'HTTP/1.0' }), status: 403 },
  {
    name: 'Host without a port',
    request: () =>
      upload(() => [
        ['Host', '127.0.0.1'],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  {
    name: 'Host with another port',
    request: () =>
      upload(() => [
        ['Host', `localhost:${backend.port + 1}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  {
    name: 'Host 127.1',
    request: () =>
      upload(() => [
        ['Host', `127.1:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  {
    name: 'Host 0x7f.1',
    request: () =>
      upload(() => [
        ['Host', `0x7f.1:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  {
    name: 'Host 2130706433',
    request: () =>
      upload(() => [
        ['Host', `2130706433:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  {
    name: 'Host 127.0.0.1.nip.io',
    request: () =>
      upload(() => [
        ['Host', `127.0.0.1.nip.io:${backend.port}`],
        ['E2b-Sandbox-Id', open.id],
      ]),
    status: 403,
  },
  { name: 'Host twice', request: () => upload(() => [host(), ['Host', `attacker.example:${backend.port}`], ['E2b-Sandbox-Id', open.id]]), status: 400 },
  { name: 'Origin of a foreign site', request: () => upload(withId(['Origin', 'https://attacker.example'])), status: 403 },
  { name: 'Origin: null', request: () => upload(withId(['Origin', 'null'])), status: 403 },
  { name: 'Origin of a sandbox host name', request: () => upload(withId(['Origin', `http://49983-${open.id}.localhost:${backend.port}`])), status: 403 },
  { name: 'Sec-Fetch-Site: cross-site', request: () => upload(withId(['Sec-Fetch-Site', 'cross-site'])), status: 403 },
  { name: 'Sec-Fetch-Site: same-site', request: () => upload(withId(['Sec-Fetch-Site', 'same-site'])), status: 403 },
  // Framing and size.
  {
    name: 'Content-Length with Transfer-Encoding (smuggling)',
    request: () => upload(withId(['Content-Length', '5'], ['Transfer-Encoding', 'chunked'])),
    status: 400,
  },
  { name: 'a 20 KiB header', request: () => upload(withId(['X-Big', 'a'.repeat(20 * 1024)])), status: 431 },
  { name: 'a 64 KiB request target', request: () => upload(withId(), (m) => `/files?path=${encodeURIComponent(m)}&pad=${'a'.repeat(64 * 1024)}`), status: 431 },
  { name: 'a 1 MiB header', request: () => upload(withId(['X-Big', 'a'.repeat(1024 * 1024)])), status: 431 },
  { name: 'CONNECT to another port', request: () => Buffer.from(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`), status: undefined },
];

describe('hostile requests get their status and have no effect', () => {
  it('there are at least 30 of them', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows)('$name → $status', async ({ request, status }) => {
    const req = request();
    const res = await sendRaw(backend.port, Buffer.isBuffer(req) ? req : rawBytes(req));
    expect(res.status, res.body).toBe(status);
    if (status !== undefined) {
      const body = JSON.parse(res.body) as { code: number; message: string };
      expect(body.code).toBe(status);
      expect(typeof body.message).toBe('string');
    }
    expect(await daemonHealthy(backend)).toBe(true);
  });

  it('afterwards: no marker file exists', async () => {
    expect(markers.length).toBeGreaterThan(20);
    for (const marker of markers) expect(await fileStatus(backend, open, marker), marker).toBe(404);
  });

  it('afterwards: the secured sandbox still refuses a command without its token, and its default user is unchanged', async () => {
    expect((await startProcess(backend, secured, 'id -un', { token: undefined })).status).toBe(401);
    const fine = await startProcess(backend, secured, 'id -un');
    expect(fine).toEqual({ status: 200, stdout: 'user\n' });
  });

  it('afterwards: both sandboxes still run and the daemon answers', async () => {
    expect(await sandboxState(backend, secured)).toBe('running');
    expect(await sandboxState(backend, open)).toBe('running');
    expect(await daemonHealthy(backend)).toBe(true);
    // A legitimate upload still lands.
    const ok = await rawRequest(backend.port, upload(withId()));
    expect(ok.status, ok.body).toBe(200);
    expect(await fileStatus(backend, open, markers[markers.length - 1])).toBe(200);
  });
});

/** Opens a raw connection and resolves once the daemon has sent the head of an answer (or closed). */
function openRequest(head: Buffer, waitForAnswer: boolean): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(backend.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(head);
    if (!waitForAnswer) {
      socket.once('connect', () => resolve(socket));
      return;
    }
    socket.once('data', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('client aborts and envd deaths never take the daemon down', () => {
  it('aborted uploads and streams, and uploads finishing as envd dies, while sandboxes are killed', async () => {
    for (let round = 0; round < 4; round++) {
      const victim = await createSandbox(backend, true);
      const idHeaders: Array<[string, string]> = [host(), ['E2b-Sandbox-Id', victim.id], ['E2b-Sandbox-Port', '49983']];
      const chunked = (target: string, headers: Array<[string, string]>) => {
        const head = rawBytes({ method: 'POST', target, headers: [...idHeaders, ...headers, ['Transfer-Encoding', 'chunked']] });
        return Buffer.concat([head, Buffer.from('5\r\nhello\r\n')]);
      };
      const pending: Array<Promise<Socket>> = [];
      // envd answers these at once (no token: 401) while their bodies are still open.
      for (let i = 0; i < 40; i++) {
        pending.push(
          openRequest(
            chunked('/process.Process/Start', [
              ['Content-Type', 'application/connect+json'],
              ['Connect-Protocol-Version', '1'],
            ]),
            true,
          ),
        );
      }
      const early = await Promise.all(pending.splice(0));
      // Uploads in progress, to be cut mid-body.
      for (let i = 0; i < 8; i++) {
        pending.push(
          openRequest(
            chunked(`/files?path=/tmp/cut-${i}`, [
              ['X-Access-Token', victim.token!],
              ['Content-Type', 'application/octet-stream'],
            ]),
            false,
          ),
        );
      }
      // Streams of a running process, to be cut mid-stream.
      for (let i = 0; i < 4; i++) {
        const envelope = connectEnvelope({ process: { cmd: '/bin/sh', args: ['-c', 'while :; do echo tick; sleep 0.05; done'] }, stdin: false });
        const head = rawBytes({
          method: 'POST',
          target: '/process.Process/Start',
          headers: [...idHeaders, ['X-Access-Token', victim.token!], ['Content-Type', 'application/connect+json'], ['Connect-Protocol-Version', '1']],
          body: envelope,
        });
        pending.push(openRequest(head, true));
      }
      const cut = await Promise.all(pending.splice(0));

      const kill = fetch(`${backend.url}/sandboxes/${victim.id}`, { method: 'DELETE', headers: { 'X-API-Key': backend.apiKey } });
      for (const socket of cut) {
        socket.write('3\r\nabc\r\n');
        socket.destroy();
      }
      // Finish the early-answered uploads in small bursts over the time envd takes to die.
      const started = Date.now();
      for (let i = 0; i < early.length; i++) {
        const wait = Math.floor(i / 3) * 3 - (Date.now() - started);
        if (wait > 0) await sleep(wait);
        early[i].write('0\r\n\r\n');
      }
      expect((await kill).status).toBe(204);
      for (const socket of early) socket.destroy();
      expect(await daemonHealthy(backend)).toBe(true);
    }
    expect(() => process.kill(backend.pid, 0)).not.toThrow();
    expect(backend.output()).not.toMatch(/EPIPE|Unhandled|uncaught/i);
    expect(await sandboxState(backend, open)).toBe('running');
  });
});
