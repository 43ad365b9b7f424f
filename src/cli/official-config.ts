/**
 * The official E2B CLI's sign-in, `~/.e2b/config.json` (written by `e2b auth login`), read so
 * that a person who signed in there needs nothing more here. Read-only: e2b-ts never writes,
 * refreshes or removes it.
 *
 * The schema is the one @e2b/cli 2.19 reads (its `getUserConfig`):
 * - version 2: `identity.email`, `oauth.{token_endpoint, revoke_endpoint, client_id}`,
 *   `tokens.{access_token, refresh_token}`, `last_refresh`, `projectName`, `projectId`,
 *   `projectApiKey`;
 * - version 1: the same with `teamName`, `teamId`, `teamApiKey`, which it migrates on read;
 * - anything else (the unversioned files of older CLIs: `email`, `accessToken`, `teamApiKey`,
 *   ...) it treats as signed out ("Your CLI authentication config is deprecated"), and so do we.
 * The file holds no domain: the official CLI takes it from `E2B_DOMAIN`, as we do.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** What a usable official config gives. */
export interface OfficialCredentials {
  path: string;
  /** The selected project's (team's) API key. */
  apiKey: string;
  /** The dashboard access token (an OAuth JWT since 2.13, refreshed by the official CLI only). */
  accessToken?: string;
  email?: string;
  teamName?: string;
  teamId?: string;
  /** The file is readable by other users (the official CLI writes it 0600). */
  exposed: boolean;
}

export type OfficialConfig =
  | { status: 'absent'; path: string }
  | { status: 'ok'; path: string; credentials: OfficialCredentials }
  /** Present but not a sign-in the official CLI would use; `reason` says why (never a value). */
  | { status: 'unusable'; path: string; reason: string };

/** `~/.e2b/config.json`, where `os.homedir()` would put it for this environment. */
export function officialConfigPath(env: Env): string {
  const home = (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  return join(home, '.e2b', 'config.json');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The official CLI's own validity check: identity, oauth and tokens all present as strings. */
function hasAuthFields(c: Record<string, unknown>): boolean {
  const { identity, oauth, tokens } = c;
  return (
    isObject(identity) &&
    typeof identity.email === 'string' &&
    isObject(oauth) &&
    typeof oauth.token_endpoint === 'string' &&
    typeof oauth.revoke_endpoint === 'string' &&
    typeof oauth.client_id === 'string' &&
    isObject(tokens) &&
    typeof tokens.access_token === 'string' &&
    typeof tokens.refresh_token === 'string'
  );
}

/** Reads and checks the file; never throws (a broken file is reported, not fatal). */
export function readOfficialConfig(env: Env): OfficialConfig {
  const path = officialConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'absent', path };
    return { status: 'unusable', path, reason: `cannot read it (${code ?? 'error'})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message may quote the text, which holds secrets
    return { status: 'unusable', path, reason: 'it is not valid JSON' };
  }
  if (!isObject(parsed)) return { status: 'unusable', path, reason: 'it is not a JSON object' };
  const version = parsed.version;
  const names =
    version === 2
      ? { key: 'projectApiKey', name: 'projectName', id: 'projectId' }
      : version === 1
        ? { key: 'teamApiKey', name: 'teamName', id: 'teamId' }
        : undefined;
  if (!names) return { status: 'unusable', path, reason: 'it is in an old format the official CLI no longer reads (run `e2b auth login` again)' };
  const apiKey = str(parsed[names.key]);
  if (!hasAuthFields(parsed) || !apiKey || typeof parsed[names.name] !== 'string' || typeof parsed[names.id] !== 'string') {
    return { status: 'unusable', path, reason: `it lacks fields the official CLI requires (version ${version})` };
  }
  const identity = parsed.identity as Record<string, unknown>;
  const tokens = parsed.tokens as Record<string, unknown>;
  const credentials: OfficialCredentials = { path, apiKey, exposed: isExposed(path) };
  const accessToken = str(tokens.access_token);
  const email = str(identity.email);
  const teamName = str(parsed[names.name]);
  const teamId = str(parsed[names.id]);
  if (accessToken) credentials.accessToken = accessToken;
  if (email) credentials.email = email;
  if (teamName) credentials.teamName = teamName;
  if (teamId) credentials.teamId = teamId;
  return { status: 'ok', path, credentials };
}

/** Whether others may read the file (never on Windows, whose ACLs mode bits do not show). */
function isExposed(path: string): boolean {
  if (process.platform === 'win32') return false;
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
