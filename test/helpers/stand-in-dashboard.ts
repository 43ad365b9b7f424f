/**
 * A stand-in for E2B's dashboard and the API's team endpoint, on a loopback port, behaving as the
 * official CLI (@e2b/cli 2.19, `e2b auth login`) and the dashboard's CLI route expect:
 *
 * - `GET /docs/api/cli?next=<loopback URL>&cliVersion=<v>`: the page the CLI opens. The
 *   dashboard takes the OAuth flow for cliVersion >= 2.13.0 and redirects the browser to
 *   `${next}?email&accessToken&refreshToken&tokenEndpoint&revokeEndpoint&clientId`; for older
 *   or missing versions it answers `${next}?error=CLI update required…` (legacy token
 *   provisioning switched off, as E2B can). A `next` that is not loopback is refused.
 *   `?state=success|error` is the "you can close this page" the CLI sends the browser back to.
 * - `GET /teams` with `Authorization: Bearer <the access token>`: the account's teams
 *   (`teamID`, `name`, `apiKey`, `isDefault`); 401 otherwise.
 * - `POST /oauth2/revoke`: RFC 7009 revocation (recorded).
 * - anything else is forwarded to `upstream` (a local backend), so the stand-in is also "the
 *   API" a profile's apiUrl points at, and the key the team endpoint gave can be used through it.
 */
import { request as httpRequest } from 'node:http';
import { startTestServer, type RecordedRequest, type TestServer } from './http-server.js';

export interface StandInTeam {
  teamID: string;
  name: string;
  apiKey: string;
  isDefault: boolean;
}

export interface StandInOptions {
  email: string;
  /** The token the dashboard hands out (and /teams accepts). */
  accessToken: string;
  /** An access token of the legacy kind (sk_e2b_…) /teams accepts as well (for --with-token). */
  personalToken?: string;
  refreshToken: string;
  clientId: string;
  teams: StandInTeam[];
  /** Where requests the stand-in does not serve go (the local backend's URL). */
  upstream?: string;
}

export interface StandIn {
  /** Origin of the stand-in (also the API URL). */
  url: string;
  /** What E2B_DOCS_BASE points at. */
  docsBase: string;
  requests: RecordedRequest[];
  /** Refresh tokens revoked through /oauth2/revoke. */
  revoked: string[];
  /** The dashboard answers the next sign-in with this error instead of tokens. */
  refuseNextWith(error: string | undefined): void;
  close(): Promise<void>;
}

function isLoopback(next: string): boolean {
  try {
    const u = new URL(next);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export async function startStandInDashboard(opts: StandInOptions): Promise<StandIn> {
  const revoked: string[] = [];
  let refusal: string | undefined;
  let server: TestServer | undefined;
  server = await startTestServer((req, res) => {
    const url = new URL(req.url, 'http://stand-in');
    const origin = server!.url;
    if (req.method === 'GET' && url.pathname === '/docs/api/cli') {
      if (url.searchParams.get('state')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h2>${url.searchParams.get('state') === 'success' ? 'Successfully linked' : 'Error'}</h2>`);
        return;
      }
      const next = url.searchParams.get('next') ?? '';
      if (!isLoopback(next)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Invalid redirect URL');
        return;
      }
      const cliVersion = url.searchParams.get('cliVersion');
      let params: URLSearchParams;
      if (refusal !== undefined) {
        params = new URLSearchParams({ error: refusal });
        refusal = undefined;
      } else if (!cliVersion || !versionAtLeast(cliVersion, '2.13.0')) {
        params = new URLSearchParams({ error: 'CLI update required. Run: npm install -g @e2b/cli@latest' });
      } else {
        params = new URLSearchParams({
          email: opts.email,
          accessToken: opts.accessToken,
          refreshToken: opts.refreshToken,
          tokenEndpoint: `${origin}/oauth2/token`,
          revokeEndpoint: `${origin}/oauth2/revoke`,
          clientId: opts.clientId,
        });
      }
      res.writeHead(302, { location: `${next}?${params.toString()}` }).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/teams') {
      const auth = req.headers.authorization ?? '';
      const ok = auth === `Bearer ${opts.accessToken}` || (opts.personalToken !== undefined && auth === `Bearer ${opts.personalToken}`);
      if (!ok) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 401, message: 'Invalid access token' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(opts.teams));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/revoke') {
      const form = new URLSearchParams(req.body);
      if (form.get('client_id') !== opts.clientId) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      revoked.push(form.get('token') ?? '');
      res.writeHead(200).end();
      return;
    }
    if (!opts.upstream) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 404, message: 'not found' }));
      return;
    }
    // the API's other endpoints: the local backend's (which checks Host, so it gets its own)
    const upstream = new URL(opts.upstream);
    const headers = { ...req.headers, host: upstream.host };
    delete headers['content-length'];
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...headers, 'content-length': Buffer.byteLength(req.body) },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(req.body);
  });
  return {
    url: server.url,
    docsBase: `${server.url}/docs`,
    requests: server.requests,
    revoked,
    refuseNextWith(error) {
      refusal = error;
    },
    close: () => server!.close(),
  };
}

/**
 * A browser, as far as the sign-in needs one: opens the URL and follows every redirect (the
 * dashboard's to the CLI's callback, the callback's back to the dashboard), returning where it
 * ended up and the page's status.
 */
export async function followInBrowser(url: string): Promise<{ finalUrl: string; status: number }> {
  const res = await fetch(url, { redirect: 'follow' });
  await res.arrayBuffer();
  return { finalUrl: res.url, status: res.status };
}
