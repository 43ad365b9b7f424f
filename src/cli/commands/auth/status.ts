import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { resolveConfig, type ConnectionOptions } from '../../../client/config.js';
import { AuthenticationError, SandboxError } from '../../../client/errors.js';
import { isLocal, remoteConnection, type Context } from '../../context.js';
import { maskSecret, resolveCredentials, type Credentials, type Setting, type SourceKind } from '../../credentials.js';
import { printDetails, printJson } from '../../output.js';
import { escapeControls } from '../../render/sanitize.js';
import { checkKey } from './shared.js';

export type StatusOptions = Record<string, never>;

export function statusCommand(ctx: Context, run = runStatus): CommandUnknownOpts {
  return new Command('status')
    .description('Show which credentials are in effect, where each came from, and whether the key works (exit 4 when it does not)')
    .addHelpText(
      'after',
      `
Secrets are shown only as their last four characters (e2b_…a1b2).

Examples:
  $ e2b-ts auth status
  $ e2b-ts auth status --profile work --json`,
    )
    .action(async () => run({}, ctx));
}

/** A secret as `auth status` reports it: masked, with its source. */
export interface SecretReport {
  masked: string;
  source: SourceKind;
  from: string;
}

/** A setting as `auth status` reports it. */
export interface SettingReport {
  value: string;
  source: SourceKind | 'domain';
  from: string;
}

/** The document `auth status --json` prints. */
export interface StatusReport {
  profile: { name: string; path: string; default: boolean; secretsIn: 'keychain' | 'file' } | null;
  apiKey: SecretReport | null;
  accessToken: SecretReport | null;
  team: { name?: string; id?: string } | null;
  email: string | null;
  domain: SettingReport;
  apiUrl: SettingReport;
  /** Keys found in places that lost to the one in effect. */
  shadowed: SecretReport[];
  officialConfig: { path: string; status: 'absent' | 'used' | 'available' | 'unusable'; reason?: string } | null;
  problems: string[];
  /** The API call made with the key: null when there was no key to check. */
  check: { ok: true } | { ok: false; error: string; code?: string } | null;
}

const secretReport = (s: Setting): SecretReport => ({ masked: maskSecret(s.value), source: s.kind, from: s.from });

/** The report for resolved credentials, before the check. */
export function buildReport(creds: Credentials, connection: ConnectionOptions): StatusReport {
  const resolved = resolveConfig(connection, {});
  const official = creds.official;
  let officialConfig: StatusReport['officialConfig'] = null;
  if (official.path) {
    if (official.status === 'ok') {
      officialConfig = { path: official.path, status: creds.apiKey?.kind === 'official' ? 'used' : 'available' };
      if (official.credentials.exposed)
        creds.problems.push(`${official.path} is readable by other users (the official CLI writes it 0600); run: chmod 600 ${official.path}`);
    } else officialConfig = { path: official.path, status: official.status, ...(official.status === 'unusable' ? { reason: official.reason } : {}) };
  }
  const p = creds.profile;
  return {
    profile: p ? { name: p.name, path: p.path, default: !p.explicit, secretsIn: p.secretsIn === 'keychain' ? 'keychain' : 'file' } : null,
    apiKey: creds.apiKey ? secretReport(creds.apiKey) : null,
    accessToken: creds.accessToken ? secretReport(creds.accessToken) : null,
    team:
      creds.identity?.teamName || creds.identity?.teamId
        ? { ...(creds.identity.teamName ? { name: creds.identity.teamName } : {}), ...(creds.identity.teamId ? { id: creds.identity.teamId } : {}) }
        : null,
    email: creds.identity?.email ?? null,
    domain: creds.domain
      ? { value: resolved.domain, source: creds.domain.kind, from: creds.domain.from }
      : { value: resolved.domain, source: 'default', from: 'the default' },
    apiUrl: creds.apiUrl
      ? { value: resolved.apiUrl, source: creds.apiUrl.kind, from: creds.apiUrl.from }
      : { value: resolved.apiUrl, source: 'domain', from: resolved.debug ? 'E2B_DEBUG' : 'the domain' },
    shadowed: creds.shadowed.map(secretReport),
    officialConfig,
    problems: creds.problems,
    check: null,
  };
}

/** The report as label/value pairs for people. */
export function reportRows(r: StatusReport): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  rows.push(['profile', r.profile ? `${r.profile.name} (${r.profile.default ? 'the default, ' : ''}${r.profile.path})` : 'none']);
  rows.push(['API key', r.apiKey ? `${r.apiKey.masked} from ${r.apiKey.from}` : 'none']);
  rows.push(['access token', r.accessToken ? `${r.accessToken.masked} from ${r.accessToken.from}` : 'none']);
  if (r.team) rows.push(['team', r.team.name && r.team.id ? `${r.team.name} (${r.team.id})` : (r.team.name ?? r.team.id!)]);
  if (r.email) rows.push(['email', r.email]);
  rows.push(['domain', `${r.domain.value} (${r.domain.source === 'default' ? 'default' : `from ${r.domain.from}`})`]);
  rows.push(['API URL', `${r.apiUrl.value} (from ${r.apiUrl.from})`]);
  for (const s of r.shadowed) rows.push(['not used', `${s.masked} from ${s.from}`]);
  if (r.officialConfig) {
    const o = r.officialConfig;
    const state = {
      used: 'in use',
      available: 'signed in, not used (an earlier source gives the key)',
      absent: 'not signed in',
      unusable: `not usable: ${o.reason}`,
    }[o.status];
    rows.push(['official CLI', `${o.path}: ${state}`]);
  }
  rows.push(['key check', r.check === null ? 'not run (no key)' : r.check.ok ? 'ok: the API accepted the key' : `failed: ${r.check.error}`]);
  return rows;
}

export async function runStatus(_opts: StatusOptions, ctx: Context): Promise<void> {
  let report: StatusReport;
  let connection: ConnectionOptions;
  if (isLocal(ctx)) {
    connection = await ctx.connection();
    const resolved = resolveConfig(connection, {});
    report = {
      profile: null,
      apiKey: { masked: maskSecret(connection.apiKey!), source: 'local', from: 'the local backend' },
      accessToken: null,
      team: null,
      email: null,
      domain: { value: resolved.domain, source: 'local', from: 'the local backend' },
      apiUrl: { value: resolved.apiUrl, source: 'local', from: 'the local backend' },
      shadowed: [],
      officialConfig: null,
      problems: [],
      check: null,
    };
  } else {
    const creds = await resolveCredentials(ctx.globals, ctx.env, { keychain: () => ctx.keychain() }, { all: true });
    connection = await remoteConnection(ctx, creds);
    if (creds.apiKey) ctx.debug(`API key from ${creds.apiKey.from}`);
    report = buildReport(creds, connection);
  }

  let failure: unknown;
  if (report.apiKey) {
    try {
      await checkKey(ctx, connection);
      report.check = { ok: true };
    } catch (error) {
      failure = error;
      report.check = {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof SandboxError ? { code: error.code } : {}),
      };
    }
  }

  for (const problem of report.problems) ctx.warn(problem);
  if (ctx.globals.json) printJson(ctx, report);
  // team names, e-mails and the API's error text come from servers: shown, never obeyed
  else
    printDetails(
      ctx,
      reportRows(report).map(([k, v]) => [k, escapeControls(v)]),
    );

  if (!report.apiKey) {
    throw new AuthenticationError('no API key: run e2b-ts auth login, set E2B_API_KEY, or pass --api-key');
  }
  if (failure instanceof AuthenticationError) {
    throw new AuthenticationError(`the API refused the key from ${report.apiKey.from}: ${failure.message}`, {
      cause: failure,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    });
  }
  if (failure !== undefined) throw failure;
}
