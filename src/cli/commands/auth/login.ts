import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AuthenticationError } from '../../../client/errors.js';
import type { Team } from '../../../client/teams.js';
import { remoteConnection, type Context } from '../../context.js';
import type { Setting } from '../../credentials.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output.js';
import { checkProfileName, readConfig, type Profile } from '../../profiles.js';
import { checkKey, refuseLocal, storeProfile, tell } from './shared.js';

export interface LoginOptions {
  /** Read an API key or access token from stdin instead of signing in through the browser. */
  withToken: boolean;
  /** Open the browser (false: only print the URL). */
  browser: boolean;
  /** The team whose key to keep (name or ID); default: the account's default team. */
  team?: string;
}

export function loginCommand(ctx: Context, run = runLogin): CommandUnknownOpts {
  return new Command('login')
    .description('Sign in to E2B: through the dashboard in a browser, or with a key or token on stdin (--with-token)')
    .option('--with-token', 'read an API key (e2b_…) or access token (sk_e2b_…) from stdin', false)
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .option('--team <name-or-id>', "keep this team's API key instead of the default team's")
    .addHelpText(
      'after',
      `
The key is kept in the OS keychain where there is one (E2B_TS_KEYRING=off: in the 0600 config file).
--profile NAME signs in to a profile of that name (default: the default profile, else "default");
--domain and --api-url sign in to a self-hosted E2B and are kept in the profile.

Examples:
  $ e2b-ts auth login
  $ e2b-ts auth login --profile work --domain e2b.example.com
  $ e2b-ts auth login --with-token < key.txt          # CI, SSH sessions
  $ printenv E2B_ACCESS_TOKEN | e2b-ts auth login --with-token --team acme`,
    )
    .action(async (o) => run({ withToken: o.withToken === true, browser: o.browser !== false, ...(o.team !== undefined ? { team: o.team } : {}) }, ctx));
}

/** What a token read from stdin is, by its prefix (the API's own rule: keys `e2b_`, access tokens `sk_e2b_`). */
export function classifyToken(token: string): 'apiKey' | 'accessToken' | undefined {
  if (token.startsWith('sk_e2b_')) return 'accessToken';
  if (token.startsWith('e2b_')) return 'apiKey';
  return undefined;
}

/** The team a sign-in keeps: the one asked for, else the one the dashboard named, else the default. */
export function chooseTeam(teams: Team[], wanted: string | undefined, dashboardDefault: string | undefined): Team {
  if (wanted !== undefined) {
    const team = teams.find((t) => t.teamID === wanted) ?? teams.find((t) => t.name === wanted);
    if (!team) throw new UsageError(`no team "${wanted}" in this account (teams: ${teams.map((t) => t.name).join(', ') || 'none'})`);
    return team;
  }
  const team = teams.find((t) => t.teamID === dashboardDefault) ?? teams.find((t) => t.isDefault);
  if (!team) {
    throw new AuthenticationError(`the account has no default team${teams.length ? `; choose one with --team (${teams.map((t) => t.name).join(', ')})` : ''}`);
  }
  return team;
}

/** The most --with-token reads from stdin. */
const MAX_TOKEN_BYTES = 64 * 1024;

async function readToken(ctx: Context): Promise<string> {
  let text: string;
  if (ctx.io.isStdinTTY) {
    if (!ctx.io.canPrompt()) throw new UsageError('--with-token reads the key from stdin: pipe it in (e2b-ts auth login --with-token < key.txt)');
    text = await ctx.prompter.password('Paste an API key (e2b_…) or access token (sk_e2b_…)');
  } else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.io.stdin) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += bytes.length;
      // a key is under a hundred bytes: a large input is a mistake (the wrong file), not a key
      if (size > MAX_TOKEN_BYTES) throw new UsageError(`--with-token expects one key or token on stdin, not ${MAX_TOKEN_BYTES} bytes or more`);
      chunks.push(bytes);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  const token = text.trim();
  if (token === '') throw new UsageError('--with-token read nothing from stdin: pipe in an API key (e2b_…) or an access token (sk_e2b_…)');
  if (/\s/.test(token)) throw new UsageError('--with-token expects one key or token on stdin, not several words or lines');
  return token;
}

export async function runLogin(opts: LoginOptions, ctx: Context): Promise<void> {
  refuseLocal(ctx, 'login');
  const g = ctx.globals;
  if (g.apiKey !== undefined) {
    throw new UsageError(
      'auth login takes no --api-key: a key on the command line is seen by other users (ps) and kept in shell history; pipe it in: e2b-ts auth login --with-token < key.txt',
    );
  }
  const config = readConfig(ctx.env);
  const name = checkProfileName(g.profile ?? (ctx.env.E2B_TS_PROFILE || undefined) ?? config?.defaultProfile ?? 'default');
  const existing = config?.profiles?.[name];

  // Where to sign in: flags, else the environment, else what the profile used before.
  const setting = (flag: string | undefined, flagName: string, envName: string, field: 'domain' | 'apiUrl'): Setting | undefined => {
    if (flag?.trim()) return { value: flag.trim(), kind: 'flag', from: flagName, what: flagName };
    const fromEnv = ctx.env[envName]?.trim();
    if (fromEnv) return { value: fromEnv, kind: 'env', from: envName, what: envName };
    const kept = existing?.[field]?.trim();
    return kept ? { value: kept, kind: 'profile', from: `profile "${name}"`, what: `"${field}" of profile "${name}"` } : undefined;
  };
  const domain = setting(g.domain, '--domain', 'E2B_DOMAIN', 'domain');
  const apiUrl = setting(g.apiUrl, '--api-url', 'E2B_API_URL', 'apiUrl');
  const base = await remoteConnection(ctx, { ...(domain ? { domain } : {}), ...(apiUrl ? { apiUrl } : {}) });

  let apiKey: string;
  const identity: Pick<Profile, 'email' | 'teamName' | 'teamId'> = {};
  const keepTeam = (team: Team) => {
    apiKey = team.apiKey;
    identity.teamName = team.name;
    identity.teamId = team.teamID;
  };
  const { listTeams } = await import('../../../client/teams.js');

  if (opts.withToken) {
    const token = await readToken(ctx);
    const kind = classifyToken(token);
    if (!kind) throw new UsageError('--with-token expects an API key (e2b_…) or an access token (sk_e2b_…); what stdin gave is neither');
    if (kind === 'apiKey') {
      if (opts.team !== undefined) throw new UsageError('--team needs an access token (sk_e2b_…): an API key belongs to one team already');
      // the key is checked before it is kept: a typo is found now, not at the next command
      await checkKey(ctx, { ...base, apiKey: token });
      apiKey = token;
    } else {
      keepTeam(chooseTeam(await listTeams({ ...base, accessToken: token, signal: ctx.signal }), opts.team, undefined));
    }
  } else {
    const { dashboardBase, revokeRefreshToken, startCallbackServer } = await import('../../dashboard-login.js');
    const server = await startCallbackServer({ dashboard: dashboardBase(ctx.env, domain?.value), signal: ctx.signal });
    try {
      const opened = opts.browser && (await ctx.openBrowser(server.loginUrl));
      tell(
        ctx,
        opened
          ? `Opened the E2B dashboard in your browser to sign in. If it did not open, visit:\n  ${server.loginUrl}`
          : `Open this URL in a browser on this machine to sign in:\n  ${server.loginUrl}\n(The dashboard sends the browser back to this machine's localhost; over SSH, use --with-token instead.)`,
      );
      tell(ctx, 'Waiting for the sign-in to finish (Ctrl-C cancels)…');
      const signIn = await server.result;
      try {
        keepTeam(chooseTeam(await listTeams({ ...base, accessToken: signIn.accessToken, signal: ctx.signal }), opts.team, signIn.defaultTeamId));
        if (signIn.email) identity.email = signIn.email;
      } finally {
        // whether or not a team key came of it, the session is not kept, so it is ended
        if (signIn.refreshToken && !(await revokeRefreshToken(signIn, ctx.signal))) {
          ctx.warn('the dashboard session could not be revoked (its refresh token expires by itself; e2b-ts does not keep it)');
        }
      }
    } finally {
      server.close();
    }
  }

  const stored = await storeProfile(
    ctx,
    name,
    { apiKey: apiKey! },
    { ...identity, ...(domain ? { domain: domain.value } : {}), ...(apiUrl ? { apiUrl: apiUrl.value } : {}) },
  );
  const who = [identity.teamName ? `team "${identity.teamName}"` : undefined, identity.email ? `as ${identity.email}` : undefined].filter(Boolean).join(' ');
  tell(ctx, `✓ Signed in${who ? ` to ${who}` : ''}: profile "${name}"${stored.isDefault ? ' (the default)' : ''}, key stored in ${stored.where}`);
  if (!stored.isDefault) tell(ctx, `  Use it with --profile ${name}, or make it the default: e2b-ts auth profiles use ${name}`);
  if (g.json) {
    printJson(ctx, {
      profile: name,
      default: stored.isDefault,
      secretsIn: stored.secretsIn,
      ...identity,
      ...(domain ? { domain: domain.value } : {}),
      ...(apiUrl ? { apiUrl: apiUrl.value } : {}),
    });
  }
}
