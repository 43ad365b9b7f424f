/**
 * A tiny fake E2B control-plane API for error-path tests: one loopback HTTP server whose
 * behaviour is chosen by the first path segment, so a test points the CLI at
 * `${fake.url}/<scenario>` (as `--api-url` or E2B_API_URL) and the CLI's request paths land
 * below it (`/<scenario>/v2/sandboxes`, ...).
 *
 * A scenario answers every request with the same status, headers and body; `attempts(name)`
 * says how many requests reached it (to check retries), `requests` keeps every request's
 * method, URL and headers (to check what the CLI sent).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeScenario {
  status: number;
  /** Response body: an object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  scenario: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeApi {
  /** Base URL of the server (no scenario). */
  url: string;
  /** The API URL of one scenario. */
  urlOf(scenario: string): string;
  /** Requests that reached a scenario so far. */
  attempts(scenario: string): number;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** E2B-style JSON error body. */
export function e2bError(code: number, message: string): { code: number; message: string } {
  return { code, message };
}

export async function startFakeApi(scenarios: Record<string, FakeScenario>): Promise<FakeApi> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const scenario = url.split('/')[1]?.split('?')[0] ?? '';
      requests.push({ scenario, method: req.method ?? 'GET', url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = scenarios[scenario] ?? { status: 404, body: e2bError(404, `no fake scenario "${scenario}"`) };
      const isText = typeof answer.body === 'string';
      const payload = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(answer.body === undefined ? {} : { 'content-type': isText ? 'text/html' : 'application/json' }),
        ...(answer.headers ?? {}),
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    urlOf: (scenario) => `${url}/${scenario}`,
    attempts: (scenario) => requests.filter((r) => r.scenario === scenario).length,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
