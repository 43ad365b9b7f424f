/**
 * The edge on a real daemon: generated hostile requests (targets and headers from
 * test/fuzz/arbitraries.ts, odd methods and versions, `/init` and upload bodies) sent over raw
 * sockets, each with a deadline, to a local backend with one secured sandbox. Every request
 * gets an answer; a request the edge refuses gets exactly the edge's status and message (or,
 * when the HTTP parser refuses it first, a 4xx); an accepted one never gets a 5xx, except 502
 * for a sandbox or port that is not there; only reads succeed; the daemon answers its health
 * check after each one.
 *
 * Afterwards nothing in the sandbox changed: its writable folders list the same (names, sizes,
 * modes, mtimes), the marker file holds what it held, it still wants its token and keeps its
 * default user; and the daemon never logged an unhandled error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest } from '../../src/local/daemon/edge.js';
import { ENVD_PORT } from '../../src/protocol/envd.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { multipartFile, rawBytes, sendRaw } from '../helpers/raw-http.js';
import { createSandbox, daemonHealthy, sandboxState, startProcess, type TestSandbox } from '../helpers/sandbox-http.js';
import { hostileText, requestHeaders, requestTarget } from './arbitraries.js';
import { fuzz } from './config.js';

let backend: LocalBackend;
let sandbox: TestSandbox;
let before: string;

const MARKER = '/home/user/fuzz-marker';
/** What the sandbox's writable folders hold: any write the fuzzing made shows here. */
const LISTING = "find /home /root /tmp /var -xdev -printf '%p %y %s %m %T@\\n' 2>/dev/null | sort";

async function listing(): Promise<string> {
  const ran = await startProcess(backend, sandbox, LISTING, { token: sandbox.token, user: 'root' });
  expect(ran.status).toBe(200);
  return ran.stdout;
}

beforeAll(async () => {
  backend = await startLocalBackend();
  // A network namespace of its own: the user ports the fuzzer names must be the sandbox's, never
  // the host's (a sandbox with internet access shares the host's until every sandbox has its own).
  sandbox = await createSandbox(backend, true, { internet: false });
  const wrote = await startProcess(backend, sandbox, `echo fuzz-marker > ${MARKER}`);
  expect(wrote.status).toBe(200);
  before = await listing();
});

afterAll(async () => {
  await backend?.dispose();
});

/** Methods Node's parser takes (so the edge decides), and some it refuses. CONNECT is pinned in test/security/edge-requests. */
const PARSED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'TRACE'];
const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PARSED_METHODS) },
  { weight: 1, arbitrary: fc.constantFrom('get', 'FOO', 'G\x00ET', '', 'GET /x') },
);
const version = fc.oneof(
  { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.1 x', '') },
);
const INIT_BODY = '{"accessToken":"","defaultUser":"root"}';
const upload = multipartFile('fuzz.txt', 'written by the edge fuzzer');
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant({ body: INIT_BODY, type: 'application/json' }) },
  { weight: 1, arbitrary: fc.constant({ body: upload.body.toString('latin1'), type: upload.contentType }) },
  { weight: 1, arbitrary: hostileText().map((text) => ({ body: text, type: 'text/plain' })) },
);

/** As a client writes a string on the wire: UTF-8 bytes, which the daemon's parser reads back one byte per character. */
const wire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
/** Header values lose CR and LF: those end the line, and the request would be another one than generated (Node's framing, not the edge). */
const wireValue = (s: string) => wire(s).replace(/[\r\n]/g, '');

/** Whether Node's HTTP parser surely takes the request as written, so the edge (not the parser) decides. */
function parsedAsWritten(req: { method: string; version: string; target: string; headers: Array<[string, string]> }, head: number): boolean {
  return (
    PARSED_METHODS.includes(req.method) &&
    (req.version === 'HTTP/1.1' || req.version === 'HTTP/1.0') &&
    /^\/[\x21-\x7e]*$/.test(req.target) &&
    req.headers.every(([, v]) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v)) &&
    head < 15_000
  );
}

describe('the edge of a real daemon under generated hostile requests', () => {
  it('answers every request: refusals exactly as the edge decides, accepted ones without a 5xx, and only reads succeed', async () => {
    // mostly the real sandbox: that is where a write would land
    const headers = requestHeaders({ port: backend.port, ids: [sandbox.id, sandbox.id, sandbox.id, 'i0a1b2c3d4e5f6g7h8i9'] });
    const request = fc.record({ method, version, target: requestTarget(), headers, body, key: fc.boolean() });
    await fuzz(
      fc.asyncProperty(request, async (generated) => {
        const target = wire(generated.target).replace(/[\r\n ]/g, '');
        const sent: Array<[string, string]> = generated.headers.map(([n, v]) => [n, wireValue(v)]);
        // the API key only on reads: with it, a DELETE could end the sandbox on purpose
        if (generated.key && (generated.method === 'GET' || generated.method === 'HEAD')) sent.push(['X-API-Key', backend.apiKey]);
        if (generated.body) sent.push(['Content-Type', generated.body.type]);
        const bytes = rawBytes({
          method: generated.method,
          target,
          version: generated.version,
          headers: sent,
          ...(generated.body ? { body: Buffer.from(generated.body.body, 'latin1') } : {}),
        });
        const head = bytes.indexOf('\r\n\r\n');

        const res = await sendRaw(backend.port, bytes, 15_000);
        expect(res.error, 'the daemon answered before the deadline').not.toBe('timed out');
        expect(res.status, 'the daemon answered at all').toBeDefined();
        const status = res.status!;

        // Node trims the spaces around a header value; the edge sees what Node parsed.
        const predicted = checkRequest({ url: target, rawHeaders: sent.flatMap(([n, v]) => [n, v.trim()]) }, backend.port);
        if ('status' in predicted) {
          if (parsedAsWritten({ method: generated.method, version: generated.version, target, headers: sent }, head)) {
            expect(status).toBe(predicted.status);
            if (generated.method !== 'HEAD') expect(JSON.parse(res.body)).toEqual({ code: predicted.status, message: predicted.message });
          } else {
            expect(status).toBeGreaterThanOrEqual(400);
            expect(status).toBeLessThan(500);
          }
        } else {
          // a user port of the sandbox: nothing listens there (502 "port is not open")
          const elsewhere = predicted.kind === 'port' || (predicted.kind === 'envd' && (predicted.port !== ENVD_PORT || predicted.sandboxId !== sandbox.id));
          if (status >= 500) expect({ status, elsewhere, body: res.body }).toMatchObject({ status: 502, elsewhere: true });
          if (status < 300) expect(['GET', 'HEAD']).toContain(generated.method);
        }
        expect(await daemonHealthy(backend)).toBe(true);
      }),
      { runs: 200, hangMs: 30_000 },
    );
  });

  it('afterwards the sandbox is as it was: nothing written, the marker intact, its token still wanted, its default user unchanged', async () => {
    expect(await sandboxState(backend, sandbox)).toBe('running');
    expect(await listing()).toBe(before);
    expect((await startProcess(backend, sandbox, `cat ${MARKER}`)).stdout).toBe('fuzz-marker\n');
    expect((await startProcess(backend, sandbox, 'id -un', { token: undefined })).status).toBe(401);
    expect(await startProcess(backend, sandbox, 'id -un')).toEqual({ status: 200, stdout: 'user\n' });
  });

  it('afterwards the daemon is alive and never logged an unhandled error', async () => {
    expect(() => process.kill(backend.pid, 0)).not.toThrow();
    expect(await daemonHealthy(backend)).toBe(true);
    expect(backend.output()).not.toMatch(/EPIPE|Unhandled|uncaught/i);
  });
});
