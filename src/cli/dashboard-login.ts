/**
 * The E2B dashboard's sign-in for command-line tools, as the official CLI (`e2b auth login`,
 * @e2b/cli 2.19) runs it:
 *
 * 1. a one-shot HTTP server listens on 127.0.0.1, on a free port;
 * 2. the browser opens `<dashboard>/api/cli?next=http://localhost:<port>&cliVersion=<v>`, where
 *    `<dashboard>` is `E2B_DOCS_BASE`, else `https://<E2B_DOMAIN or e2b.dev>/docs`;
 * 3. after the person signs in, the dashboard redirects the browser to `next` with the result
 *    in the query: `email`, `accessToken`, `refreshToken`, `tokenEndpoint`, `revokeEndpoint`,
 *    `clientId` (the OAuth flow, chosen by `cliVersion` >= 2.13.0), or `error`;
 * 4. the server answers that request with a redirect to `<dashboard>/api/cli?state=success&email=…`
 *    (or `state=error&error=…`), the dashboard's "you can close this page", and stops.
 *
 * The access token then lists the person's teams (`GET /teams`, `Authorization: Bearer`), whose
 * default one's API key is what commands use.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError } from '../client/errors.js';
import { CancelError } from './errors.js';

type Env = Record<string, string | undefined>;

/**
 * The official CLI version whose flow this speaks, sent as `cliVersion`. The dashboard chooses
 * its flow by it: from 2.13.0 the OAuth flow above; older (or none) the legacy one with an
 * `sk_e2b_` token, which E2B can switch off ("CLI update required").
 */
export const OFFICIAL_CLI_FLOW_VERSION = '2.19.0';

/** The dashboard's base URL, as the official CLI computes it (its default is e2b.dev, not the API's e2b.app). */
export function dashboardBase(env: Env, domain: string | undefined): string {
  const base = env.E2B_DOCS_BASE?.trim() || `https://${domain || 'e2b.dev'}/docs`;
  return base.replace(/\/+$/, '');
}

/** What the dashboard's redirect carries. Only `accessToken` is required; the rest is used when present. */
export interface DashboardSignIn {
  accessToken: string;
  email?: string;
  refreshToken?: string;
  tokenEndpoint?: string;
  revokeEndpoint?: string;
  clientId?: string;
  /** The legacy flow names the default team instead. */
  defaultTeamId?: string;
}

export interface CallbackServer {
  /** The page to open in the browser. */
  loginUrl: string;
  /** Settles with the first complete redirect, a refusal from the dashboard, or a cancel. */
  result: Promise<DashboardSignIn>;
  close(): void;
}

const OPTIONAL = ['email', 'refreshToken', 'tokenEndpoint', 'revokeEndpoint', 'clientId', 'defaultTeamId'] as const;

/** Starts the one-shot callback server; `signal` (Ctrl-C) cancels the wait. */
export async function startCallbackServer(opts: { dashboard: string; signal: AbortSignal }): Promise<CallbackServer> {
  let settle: { resolve(v: DashboardSignIn): void; reject(e: Error): void } | undefined;
  const result = new Promise<DashboardSignIn>((resolve, reject) => (settle = { resolve, reject }));
  let done = false;
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').toLowerCase();
    // Only the browser coming back through `next` (DNS rebinding pages name another host)
    if (host !== `localhost:${port}` && host !== `127.0.0.1:${port}`) {
      res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end('unexpected host\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    // Browsers also ask for /favicon.ico and the like: they do not end the sign-in
    if (req.method !== 'GET' || url.pathname !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not found\n');
      return;
    }
    if (done) {
      res.writeHead(409, { 'content-type': 'text/plain', connection: 'close' }).end('this sign-in has already finished; close this page\n');
      return;
    }
    const params = url.searchParams;
    const finish = new URL(`${opts.dashboard}/api/cli`);
    const error = params.get('error');
    const accessToken = params.get('accessToken');
    if (error || !accessToken) {
      const reason = error ?? 'incomplete sign-in answer from the dashboard (no access token)';
      finish.searchParams.set('state', 'error');
      finish.searchParams.set('error', reason);
      end(new AuthenticationError(error ? `the dashboard refused the sign-in: ${error}` : reason));
    } else {
      const signIn: DashboardSignIn = { accessToken };
      for (const name of OPTIONAL) {
        const value = params.get(name);
        if (value) signIn[name] = value;
      }
      finish.searchParams.set('state', 'success');
      if (signIn.email) finish.searchParams.set('email', signIn.email);
      end(signIn);
    }
    res.writeHead(302, { location: finish.href, connection: 'close' }).end();
  });

  const end = (outcome: DashboardSignIn | Error) => {
    if (done) return;
    done = true;
    opts.signal.removeEventListener('abort', onAbort);
    // stop listening now; the redirect being sent finishes on its own connection
    server.close();
    if (outcome instanceof Error) settle!.reject(outcome);
    else settle!.resolve(outcome);
  };
  const onAbort = () => {
    end(new CancelError('sign-in cancelled'));
    server.closeAllConnections();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });

  const loginUrl = new URL(`${opts.dashboard}/api/cli`);
  // `localhost`, as the official CLI sends: the dashboard accepts only loopback `next` URLs
  loginUrl.searchParams.set('next', `http://localhost:${port}`);
  loginUrl.searchParams.set('cliVersion', OFFICIAL_CLI_FLOW_VERSION);
  return {
    loginUrl: loginUrl.href,
    result,
    close() {
      end(new CancelError('sign-in cancelled'));
      server.closeAllConnections();
    },
  };
}

/**
 * Revokes the dashboard's refresh token (RFC 7009, as the official CLI's logout does): e2b-ts
 * keeps only the team's API key, so the OAuth session it was handed is ended right away rather
 * than left valid with nobody holding it. Best effort: false when the endpoint did not accept it.
 */
export async function revokeRefreshToken(signIn: DashboardSignIn, signal: AbortSignal): Promise<boolean> {
  if (!signIn.refreshToken || !signIn.revokeEndpoint || !signIn.clientId) return false;
  try {
    const endpoint = new URL(signIn.revokeEndpoint);
    if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') return false;
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: signIn.refreshToken, token_type_hint: 'refresh_token', client_id: signIn.clientId }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok;
  } catch {
    return false;
  }
}
