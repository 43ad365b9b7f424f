/**
 * Chain 6 of the security issue: web pages reaching the local backend through the user's browser.
 *
 * The daemon checked neither `Host` nor `Origin`, and routed a `/files` request that named no
 * sandbox to "the only running sandbox". With one `--no-secure` sandbox running, any web page
 * could write into it with a plain multipart form POST (a CORS "simple request": no sandbox ID,
 * no key, no custom header), and a DNS-rebinding page (its own name resolved to 127.0.0.1) could
 * also read the answers.
 *
 * Each request here is what the browser would put on the wire; they go out over raw sockets so
 * that Host and Origin are exactly the browser's.
 */
import { Sandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { multipartFile, rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { connectEnvelope, createSandbox, daemonHealthy, fileStatus, sandboxState, type TestSandbox } from '../helpers/sandbox-http.js';

let backend: LocalBackend;
let open: TestSandbox;
const savedEnv = { ...process.env };

beforeAll(async () => {
  backend = await startLocalBackend();
  // v1 create with "secure": false, what `e2b-ts sandbox create --no-secure` sends.
  open = await createSandbox(backend, false);
  expect(open.token).toBeUndefined();
});

afterAll(async () => {
  process.env = savedEnv;
  await backend?.dispose();
});

const expectJsonError = (res: RawResponse, status: number) => {
  expect(res.status, res.body).toBe(status);
  expect(JSON.parse(res.body)).toMatchObject({ code: status, message: expect.any(String) });
};

/** A form POST of one file to `/files?path=<path>`, as a page's `<form enctype=multipart/form-data>` or `fetch(..., {mode: 'no-cors'})` sends it. */
const formPost = (path: string, headers: Array<[string, string]>) => {
  const form = multipartFile('x.txt', 'written by a web page');
  return rawRequest(backend.port, {
    method: 'POST',
    target: `/files?path=${encodeURIComponent(path)}`,
    headers: [...headers, ['Content-Type', form.contentType]],
    body: form.body,
  });
};

describe('chain 6: a web page cannot write into a --no-secure sandbox', () => {
  it('a plain multipart POST to /files with no sandbox ID, key or custom header is refused and writes nothing', async () => {
    const path = '/tmp/simple-request.txt';
    expectJsonError(await formPost(path, [['Host', `127.0.0.1:${backend.port}`]]), 400);
    expect(await fileStatus(backend, open, path)).toBe(404);
  });

  it('the same POST as a browser sends it (cross-site Origin and Sec-Fetch-Site) is refused with 403 and writes nothing', async () => {
    const path = '/tmp/from-a-page.txt';
    const res = await formPost(path, [
      ['Host', `127.0.0.1:${backend.port}`],
      ['Origin', 'https://attacker.example'],
      ['Sec-Fetch-Site', 'cross-site'],
      ['Sec-Fetch-Mode', 'no-cors'],
    ]);
    expectJsonError(res, 403);
    expect(await fileStatus(backend, open, path)).toBe(404);
  });

  it('a form POST from a sandboxed document (Origin: null) is refused even with the sandbox host name', async () => {
    const path = '/tmp/from-null-origin.txt';
    expectJsonError(
      await formPost(path, [
        ['Host', `49983-${open.id}.localhost:${backend.port}`],
        ['Origin', 'null'],
      ]),
      403,
    );
    expect(await fileStatus(backend, open, path)).toBe(404);
  });

  it('a request with Origin: https://attacker.example is refused even with a valid sandbox ID', async () => {
    const path = '/tmp/with-origin.txt';
    expectJsonError(
      await formPost(path, [
        ['Host', `127.0.0.1:${backend.port}`],
        ['Origin', 'https://attacker.example'],
        ['E2b-Sandbox-Id', open.id],
      ]),
      403,
    );
    expect(await fileStatus(backend, open, path)).toBe(404);
    const get = await rawRequest(backend.port, {
      target: '/envs',
      headers: [
        ['Host', `127.0.0.1:${backend.port}`],
        ['Origin', 'https://attacker.example'],
        ['E2b-Sandbox-Id', open.id],
      ],
    });
    expectJsonError(get, 403);
    expect(get.body).not.toContain('E2B_SANDBOX_ID');
  });

  it('a CORS preflight from a page is refused', async () => {
    const res = await rawRequest(backend.port, {
      method: 'OPTIONS',
      target: '/process.Process/Start',
      headers: [
        ['Host', `127.0.0.1:${backend.port}`],
        ['Origin', 'https://attacker.example'],
        ['Access-Control-Request-Method', 'POST'],
        ['Access-Control-Request-Headers', 'e2b-sandbox-id,content-type'],
      ],
    });
    expectJsonError(res, 403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe("chain 6: DNS rebinding (the page's own host name resolved to 127.0.0.1)", () => {
  const rebound = () => `attacker.example:${backend.port}`;

  it('a read with a valid sandbox ID is refused and leaks nothing', async () => {
    const res = await rawRequest(backend.port, {
      target: '/envs',
      headers: [
        ['Host', rebound()],
        ['E2b-Sandbox-Id', open.id],
      ],
    });
    expectJsonError(res, 403);
    expect(res.body).not.toContain('E2B_SANDBOX_ID');
    const health = await rawRequest(backend.port, {
      target: '/health',
      headers: [
        ['Host', rebound()],
        ['E2b-Sandbox-Id', open.id],
      ],
    });
    expectJsonError(health, 403);
  });

  it('a write with a valid sandbox ID is refused and writes nothing', async () => {
    const path = '/tmp/rebound.txt';
    expectJsonError(
      await formPost(path, [
        ['Host', rebound()],
        ['E2b-Sandbox-Id', open.id],
      ]),
      403,
    );
    expect(await fileStatus(backend, open, path)).toBe(404);
  });

  it('a command with a valid sandbox ID is refused and runs nothing', async () => {
    const res = await rawRequest(backend.port, {
      method: 'POST',
      target: '/process.Process/Start',
      headers: [
        ['Host', rebound()],
        ['E2b-Sandbox-Id', open.id],
        ['Content-Type', 'application/connect+json'],
        ['Connect-Protocol-Version', '1'],
      ],
      body: connectEnvelope({ process: { cmd: '/bin/sh', args: ['-c', 'echo x > /tmp/rebound-cmd'] }, stdin: false }),
    });
    expectJsonError(res, 403);
    expect(await fileStatus(backend, open, '/tmp/rebound-cmd')).toBe(404);
  });

  it('the control plane is refused too, even with the API key', async () => {
    const res = await rawRequest(backend.port, {
      target: '/sandboxes',
      headers: [
        ['Host', rebound()],
        ['X-API-Key', backend.apiKey],
      ],
    });
    expectJsonError(res, 403);
    expect(res.body).not.toContain(open.id);
  });

  it('other names and numbers for loopback are refused the same way', async () => {
    for (const host of ['127.1', '0x7f.1', '2130706433', '127.0.0.1.nip.io', 'localhost.attacker.example']) {
      const res = await rawRequest(backend.port, {
        target: '/health',
        headers: [
          ['Host', `${host}:${backend.port}`],
          ['E2b-Sandbox-Id', open.id],
        ],
      });
      expectJsonError(res, 403);
    }
  });
});

describe('legitimate traffic still works', () => {
  it('the official SDK drives the sandbox: write, read, run; the daemon is healthy', async () => {
    Object.assign(process.env, backend.env);
    const sandbox = await Sandbox.connect(open.id);
    await sandbox.files.write('/tmp/sdk.txt', 'from the SDK');
    expect(await sandbox.files.read('/tmp/sdk.txt')).toBe('from the SDK');
    const run = await sandbox.commands.run('cat /tmp/sdk.txt');
    expect(run.stdout).toBe('from the SDK');
    expect(await sandbox.isRunning()).toBe(true);
    expect(await sandboxState(backend, open)).toBe('running');
    expect(await daemonHealthy(backend)).toBe(true);
  });

  it("a same-origin request (the daemon's own origin) is answered", async () => {
    for (const origin of [`http://127.0.0.1:${backend.port}`, `http://localhost:${backend.port}`]) {
      const res = await rawRequest(backend.port, {
        target: '/health',
        headers: [
          ['Host', `127.0.0.1:${backend.port}`],
          ['Origin', origin],
          ['Sec-Fetch-Site', 'same-origin'],
          ['E2b-Sandbox-Id', open.id],
        ],
      });
      expect(res.status).toBe(204);
    }
  });
});
