/**
 * The CLI while a sandbox's envd restarts: every envd request gets the local backend's 503
 * "restarting" answer (protocol/sandbox-state.ts, as the daemon's edge sends it), the API says
 * the sandbox runs. Commands say "restarting" and exit 1 (exec: 125, the CLI failed before the
 * remote command, whose own codes 1-124 stay unambiguous), never "paused" with exit 5.
 *
 * A stand-in server makes the window as long as the test needs; test/e2e/lifecycle-crash.test.ts
 * meets the same answer from a real daemon.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTARTING, RESTARTING_MESSAGE, RESTARTING_STATUS, SANDBOX_STATE_HEADER } from '../../src/protocol/sandbox-state.js';
import { runCli } from '../helpers/cli.js';

const ID = 'irestartingsandbox0000';
const KEY = `e2b_${'0123456789abcdef'.repeat(2)}01234567`;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.headers['e2b-sandbox-id'] !== undefined) {
      const body = JSON.stringify({ sandboxId: ID, message: RESTARTING_MESSAGE, code: RESTARTING_STATUS });
      res.writeHead(RESTARTING_STATUS, { 'content-type': 'application/json', [SANDBOX_STATE_HEADER]: RESTARTING, 'retry-after': '1' }).end(body);
      return;
    }
    if (req.method === 'GET' && req.url === `/sandboxes/${ID}`) {
      const now = new Date().toISOString();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          templateID: 'base',
          sandboxID: ID,
          clientID: '6532622b',
          startedAt: now,
          endAt: now,
          cpuCount: 2,
          memoryMB: 512,
          diskSizeMB: 1024,
          state: 'running',
          envdVersion: '0.6.13',
          metadata: {},
          domain: null,
        }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 404, message: `no ${req.method} ${req.url}` }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
});

const cli = (...args: string[]) => runCli(args, { env: { E2B_API_KEY: KEY, E2B_API_URL: url, E2B_SANDBOX_URL: url }, timeoutMs: 30_000 });

describe('a request while envd restarts', () => {
  it.each([
    ['fs cat (HTTP /files)', 1, ['fs', 'cat', `${ID}:/home/user/a.txt`]],
    ['fs ls (Connect unary)', 1, ['fs', 'ls', `${ID}:/home/user`]],
    ['fs stat (Connect unary)', 1, ['fs', 'stat', `${ID}:/home/user`]],
    ['exec (Connect stream)', 125, ['exec', ID, '--', 'echo', 'hi']],
  ] as const)('%s says "restarting" and exits %i', async (_name, code, args) => {
    const res = await cli(...args);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^error: the sandbox is restarting .*try again in a moment\n$/);
    expect(res.stderr).not.toMatch(/paused|timed out|not running/);
    expect(res.code).toBe(code);
  });
});
