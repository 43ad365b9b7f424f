/**
 * `GET /teams`: the teams of the signed-in user, each with its API key. The one endpoint the
 * sign-in needs that takes an access token instead of an API key (`Authorization: Bearer`,
 * the spec's `AccessTokenAuth` for `sk_e2b_…` tokens or `AuthProviderBearerAuth` for the
 * dashboard's OAuth tokens). Not part of the package's public surface: the official SDK has no
 * such call either; the CLI's `auth login` uses it, as the official CLI's does.
 */
import { resolveConfig, type CallOptions, type ConnectionOptions } from './config.js';
import { SandboxError } from './errors.js';
import { RestClient } from './transport/rest.js';

/** A team as the API lists it (the spec's `Team`). */
export interface Team {
  teamID: string;
  name: string;
  /** The team's API key: a secret, never printed. */
  apiKey: string;
  isDefault: boolean;
}

function isTeam(value: unknown): value is Team {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return typeof t.teamID === 'string' && typeof t.name === 'string' && typeof t.apiKey === 'string' && typeof t.isDefault === 'boolean';
}

/**
 * Lists the teams the access token's user belongs to. `accessToken` is required (the option or
 * `E2B_ACCESS_TOKEN`); the API key is not sent. 401 is an AuthenticationError.
 */
export async function listTeams(opts: ConnectionOptions & CallOptions = {}): Promise<Team[]> {
  const { signal, requestTimeoutMs, headers, ...connection } = opts;
  const rest = new RestClient(resolveConfig(connection));
  const res = await rest.request<unknown>({
    method: 'GET',
    path: '/teams',
    auth: 'accessToken',
    ...(signal ? { signal } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(headers ? { headers } : {}),
  });
  // The body carries API keys: an error about its shape must never quote it.
  if (!Array.isArray(res.body)) throw new SandboxError('the API answered the team list with something other than a list');
  if (!res.body.every(isTeam)) throw new SandboxError('the API answered the team list with entries that are not teams (teamID, name, apiKey, isDefault)');
  return res.body;
}
