/** The REST transport against a real HTTP server on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/client/config.js';
import { AbortError, AuthenticationError, ConnectionError, RateLimitError, SandboxError, SandboxNotFoundError, TimeoutError } from '../../src/client/errors.js';
import { RestClient, encodePath } from '../../src/client/transport/rest.js';
import { json, startTestServer, type TestServer } from '../helpers/http-server.js';

const KEY = `e2b_${'ab'.repeat(20)}`;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (url: string, extra: Parameters<typeof resolveConfig>[0] = {}) => new RestClient(resolveConfig({ apiKey: KEY, apiUrl: url, ...extra }, {}));

describe('RestClient', () => {
  it('sends the API key, a JSON body, the User-Agent and caller headers; encodes path and query', async () => {
    server = await startTestServer((_req, res) => json(res, 201, { ok: true }));
    const res = await client(server.url, { headers: { 'X-Extra': '1' } }).request({
      method: 'POST',
      path: encodePath`/things/${'a/b c'}`,
      query: { state: ['running', 'paused'], limit: 2, skip: undefined },
      body: { n: 1 },
    });
    expect(res).toMatchObject({ status: 201, body: { ok: true } });
    const req = server.requests[0];
    expect(req.url).toBe('/things/a%2Fb%20c?state=running%2Cpaused&limit=2');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers['user-agent']).toMatch(/^e2b-ts\/\d+\.\d+\.\d+/);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-extra']).toBe('1');
    expect(JSON.parse(req.body)).toEqual({ n: 1 });
  });

  it('uses a Bearer access token where asked, and never the API key then', async () => {
    server = await startTestServer((_req, res) => json(res, 200, []));
    await client(server.url, { accessToken: 'sk_e2b_tok' }).request({ method: 'GET', path: '/teams', auth: 'accessToken' });
    expect(server.requests[0].headers.authorization).toBe('Bearer sk_e2b_tok');
    expect(server.requests[0].headers['x-api-key']).toBeUndefined();
  });

  it('maps error statuses with the call site classes', async () => {
    server = await startTestServer((req, res) => {
      if (req.url.startsWith('/401')) json(res, 401, { code: 401, message: 'bad key' });
      else json(res, 404, { code: 404, message: 'missing' });
    });
    await expect(client(server.url).request({ method: 'GET', path: '/401' })).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client(server.url).request({ method: 'GET', path: '/x', errors: { notFound: SandboxNotFoundError } })).rejects.toBeInstanceOf(
      SandboxNotFoundError,
    );
    const allowed = await client(server.url).request({ method: 'DELETE', path: '/x', allow: [404] });
    expect(allowed.status).toBe(404);
  });

  it('retries a GET on 503 and succeeds', async () => {
    server = await startTestServer((_req, res, i) => (i < 2 ? json(res, 503, { code: 503, message: 'busy' }) : json(res, 200, [1])));
    const res = await client(server.url).request({ method: 'GET', path: '/v2/sandboxes' });
    expect(res.body).toEqual([1]);
    expect(server.requests).toHaveLength(3);
  });

  it('never repeats a non-idempotent POST after a 503', async () => {
    server = await startTestServer((_req, res) => json(res, 503, { code: 503, message: 'busy' }));
    await expect(client(server.url).request({ method: 'POST', path: '/sandboxes', body: {} })).rejects.toBeInstanceOf(SandboxError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST on 429, honouring Retry-After, and reports RateLimitError when it persists', async () => {
    server = await startTestServer((_req, res) => json(res, 429, { code: 429, message: 'slow down' }, { 'retry-after': '0' }));
    const error = await client(server.url)
      .request({ method: 'POST', path: '/sandboxes', body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(0);
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than the cap', async () => {
    server = await startTestServer((_req, res) => json(res, 429, { code: 429, message: 'later' }, { 'retry-after': '3600' }));
    const error = (await client(server.url)
      .request({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(server.requests).toHaveLength(1);
  });

  it('times out per call and per config', async () => {
    server = await startTestServer(() => {
      // never answers
    });
    await expect(client(server.url).request({ method: 'GET', path: '/slow', requestTimeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(client(server.url, { requestTimeoutMs: 100, retries: 0 }).request({ method: 'GET', path: '/slow' })).rejects.toThrow(/timed out after 100 ms/);
  });

  it('aborts on the caller signal', async () => {
    server = await startTestServer(() => {});
    const controller = new AbortController();
    const pending = client(server.url).request({ method: 'GET', path: '/slow', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('reports an unreachable API as ConnectionError', async () => {
    await expect(client('http://127.0.0.1:1', { retries: 0 }).request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('refuses to send without an API key', async () => {
    const c = new RestClient(resolveConfig({ apiUrl: 'http://127.0.0.1:1' }, {}));
    await expect(c.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('logs requests without secrets', async () => {
    server = await startTestServer((_req, res) => json(res, 200, {}));
    const lines: string[] = [];
    await client(server.url, { logger: (l) => lines.push(l) }).request({ method: 'GET', path: '/v2/sandboxes' });
    expect(lines.join('\n')).toMatch(/GET .*\/v2\/sandboxes/);
    expect(lines.join('\n')).not.toContain(KEY);
  });
});

describe('RestClient with an injected undici dispatcher', () => {
  it('sends through the dispatcher (here a MockAgent; no network)', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.example.test')
      .intercept({ path: '/v2/sandboxes?limit=1', method: 'GET', headers: { 'x-api-key': KEY } })
      .reply(200, [{ sandboxID: 'i1' }], { headers: { 'content-type': 'application/json', 'x-next-token': 'n2' } });
    const res = await new RestClient(resolveConfig({ apiKey: KEY, apiUrl: 'https://api.example.test', dispatcher: agent }, {})).request({
      method: 'GET',
      path: '/v2/sandboxes',
      query: { limit: 1 },
    });
    expect(res.body).toEqual([{ sandboxID: 'i1' }]);
    expect(res.headers['x-next-token']).toBe('n2');
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});
