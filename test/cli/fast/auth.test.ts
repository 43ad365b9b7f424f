/**
 * Issue 16: `auth` verbs in process. Flags through each builder's run seam ("options"), and the
 * run logic ("run") through `main` with injected IO, an in-memory keychain (the real Secret
 * Service is tested end to end in test/e2e/auth-cli.test.ts), a browser seam that follows the
 * sign-in URL, and a stand-in dashboard + team endpoint on loopback in front of a small API that
 * accepts known keys (the key check of status and --with-token). Then where secrets are kept,
 * and the precedence of flags, environment, profiles and the official CLI's sign-in.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loginCommand } from '../../../src/cli/commands/auth/login.js';
import { logoutCommand } from '../../../src/cli/commands/auth/logout.js';
import { profilesLsCommand } from '../../../src/cli/commands/auth/profiles/ls.js';
import { profilesRmCommand } from '../../../src/cli/commands/auth/profiles/rm.js';
import { profilesUseCommand } from '../../../src/cli/commands/auth/profiles/use.js';
import { statusCommand } from '../../../src/cli/commands/auth/status.js';
import { createContext } from '../../../src/cli/context.js';
import { maskSecret } from '../../../src/cli/credentials.js';
import type { SecretStore } from '../../../src/cli/keychain.js';
import { main } from '../../../src/cli/main.js';
import { startTestServer, type TestServer } from '../../helpers/http-server.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';
import { createTestIO } from '../../helpers/io.js';
import { createMemoryKeychain, unavailableKeychain, type MemoryKeychain } from '../../helpers/keychain.js';
import { FakePrompter } from '../../helpers/prompter.js';
import { followInBrowser, startStandInDashboard, type StandIn } from '../../helpers/stand-in-dashboard.js';

const hex = (seed: string) => {
  let out = '';
  for (let i = 0; out.length < 40; i++) out += ((seed.charCodeAt(i % seed.length) * 37 + i * 11) % 256).toString(16).padStart(2, '0');
  return out.slice(0, 40);
};
const TEAM_KEY = `e2b_${hex('team')}`;
const SIDE_KEY = `e2b_${hex('side')}`;
const PIPED_KEY = `e2b_${hex('piped')}`;
const FLAG_KEY = `e2b_${hex('flag')}`;
const ENV_KEY = `e2b_${hex('env')}`;
const WORK_KEY = `e2b_${hex('work')}`;
const OFFICIAL_KEY = `e2b_${hex('official')}`;
const REFUSED_KEY = `e2b_${hex('refused')}`;
const OAUTH_TOKEN = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: 4102444800 })).toString('base64url')}.c2ln`;
const REFRESH_TOKEN = `ory_rt_${hex('refresh')}`;
const PERSONAL_TOKEN = `sk_e2b_${hex('personal')}`;
/** Every secret of these tests: none may reach stdout or stderr. */
const SECRETS = [TEAM_KEY, SIDE_KEY, PIPED_KEY, FLAG_KEY, ENV_KEY, WORK_KEY, OFFICIAL_KEY, REFUSED_KEY, OAUTH_TOKEN, REFRESH_TOKEN, PERSONAL_TOKEN];
const GOOD_KEYS = new Set([TEAM_KEY, SIDE_KEY, PIPED_KEY, FLAG_KEY, ENV_KEY, WORK_KEY, OFFICIAL_KEY]);

let api: TestServer;
let standIn: StandIn;

beforeAll(async () => {
  // the API's sandbox list, accepting the keys above (the key check `auth status` makes)
  api = await startTestServer((req, res) => {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !GOOD_KEYS.has(key)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 401, message: 'Invalid API key' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  standIn = await startStandInDashboard({
    email: 'ada@example.com',
    accessToken: OAUTH_TOKEN,
    personalToken: PERSONAL_TOKEN,
    refreshToken: REFRESH_TOKEN,
    clientId: 'e2b-cli',
    teams: [
      { teamID: 'team-2', name: 'side', apiKey: SIDE_KEY, isDefault: false },
      { teamID: 'team-1', name: 'acme', apiKey: TEAM_KEY, isDefault: true },
    ],
    upstream: api.url,
  });
});
afterAll(async () => {
  await standIn?.close();
  await api?.close();
});

let dir: string;
let configDir: string;
let home: string;
let keychain: MemoryKeychain;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'e2bts-auth-'));
  configDir = join(dir, 'config');
  home = join(dir, 'home');
  mkdirSync(home);
  keychain = createMemoryKeychain();
  standIn.revoked.length = 0;
  standIn.requests.length = 0;
  api.requests.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  keychain?: () => Promise<SecretStore>;
  /** The browser: follows the URL (default), or refuses to open. */
  browser?: 'follow' | 'none';
}

const visits: Array<Promise<{ finalUrl: string; status: number }>> = [];
const opened: string[] = [];

async function run(args: string[], opts: RunOptions = {}) {
  const test = createTestIO({ ...(opts.input !== undefined ? { input: opts.input } : {}) });
  const ctx = createContext({
    io: test.io,
    env: { E2B_TS_CONFIG_DIR: configDir, HOME: home, E2B_DOCS_BASE: standIn.docsBase, ...opts.env },
    prompter: FakePrompter.script([]),
    keychain: opts.keychain ?? (async () => keychain),
    openBrowser: async (url) => {
      opened.push(url);
      if (opts.browser === 'none') return false;
      visits.push(followInBrowser(url));
      return true;
    },
  });
  const code = await main(args, ctx);
  const out = { code, stdout: test.stdout(), stderr: test.stderr() };
  for (const secret of SECRETS) {
    expect(out.stdout, 'stdout must hold no secret').not.toContain(secret);
    expect(out.stderr, 'stderr must hold no secret').not.toContain(secret);
  }
  return out;
}

const configFile = () => join(configDir, 'config.json');
const readConfigJson = () => JSON.parse(readFileSync(configFile(), 'utf8')) as { defaultProfile?: string; profiles?: Record<string, Record<string, unknown>> };
const writeConfigJson = (value: unknown) => {
  mkdirSync(configDir, { recursive: true });
  writeFileSync(configFile(), JSON.stringify(value), { mode: 0o600 });
  chmodSync(configFile(), 0o600);
};

/** A sign-in as @e2b/cli 2.19 writes it (its version 2 schema); version 1 names the team fields teamName/teamId/teamApiKey. */
function writeOfficialConfig(version: 1 | 2 | 'legacy', apiKey = OFFICIAL_KEY): string {
  const path = join(home, '.e2b', 'config.json');
  mkdirSync(join(home, '.e2b'), { recursive: true });
  const auth = {
    identity: { email: 'grace@example.com' },
    oauth: { token_endpoint: 'https://auth.example/oauth2/token', revoke_endpoint: 'https://auth.example/oauth2/revoke', client_id: 'e2b-cli' },
    tokens: { access_token: OAUTH_TOKEN, refresh_token: REFRESH_TOKEN },
    last_refresh: '2026-01-01T00:00:00.000Z',
  };
  const body =
    version === 2
      ? { version: 2, ...auth, projectName: 'grace-team', projectId: 'proj-9', projectApiKey: apiKey }
      : version === 1
        ? { version: 1, ...auth, teamName: 'grace-team', teamId: 'proj-9', teamApiKey: apiKey }
        : { email: 'grace@example.com', accessToken: PERSONAL_TOKEN, teamName: 'grace-team', teamId: 'proj-9', teamApiKey: apiKey };
  writeFileSync(path, JSON.stringify(body, null, 2), { mode: 0o600 });
  return path;
}

/** Two sign-ins: `default` (its key in the keychain, the default) and `work` (a self-hosted domain, its key in the file). */
async function signInTwice(): Promise<void> {
  expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PIPED_KEY })).code).toBe(0);
  expect(
    (
      await run(['auth', 'login', '--with-token', '--profile', 'work', '--domain', 'e2b.example.com'], {
        input: WORK_KEY,
        env: { E2B_API_URL: standIn.url },
        keychain: unavailableKeychain(),
      })
    ).code,
  ).toBe(0);
}

describe('auth login', () => {
  it('options: --with-token, --no-browser, --team', async () => {
    expect(await parsed(loginCommand, [])).toEqual({ withToken: false, browser: true });
    expect(await parsed(loginCommand, ['--with-token'])).toEqual({ withToken: true, browser: true });
    expect(await parsed(loginCommand, ['--no-browser', '--team', 'acme'])).toEqual({ withToken: false, browser: false, team: 'acme' });
    expect((await refusal(loginCommand, ['--team'])).code).toBe(2);
  });

  it('run: opens the dashboard, takes the tokens from its redirect, keeps the default team key in the keychain', async () => {
    const res = await run(['auth', 'login', '--api-url', standIn.url]);
    expect(res.code).toBe(0);
    // the URL the official CLI opens: next = its callback on localhost, and the flow version
    const url = new URL(opened.at(-1)!);
    expect(`${url.origin}${url.pathname}`).toBe(`${standIn.docsBase}/api/cli`);
    expect(url.searchParams.get('next')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(url.searchParams.get('cliVersion')).toBe('2.19.0');
    expect(res.stderr).toContain(url.href);
    // the browser was sent back to the dashboard's "you can close this page"
    const landed = new URL((await visits.at(-1)!).finalUrl);
    expect(landed.searchParams.get('state')).toBe('success');
    expect(landed.searchParams.get('email')).toBe('ada@example.com');
    // the team endpoint got the access token as a Bearer token, and no API key
    const teams = standIn.requests.find((r) => r.url === '/teams')!;
    expect(teams.headers.authorization).toBe(`Bearer ${OAUTH_TOKEN}`);
    expect(teams.headers['x-api-key']).toBeUndefined();
    // the key is in the keychain, the file knows who signed in and nothing secret
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: TEAM_KEY });
    const config = readConfigJson();
    expect(config.defaultProfile).toBe('default');
    expect(config.profiles!.default).toEqual({ apiUrl: standIn.url, email: 'ada@example.com', teamName: 'acme', teamId: 'team-1', secretsIn: 'keychain' });
    expect(readFileSync(configFile(), 'utf8')).not.toContain('e2b_');
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    // the dashboard session e2b-ts does not keep is revoked
    expect(standIn.revoked).toEqual([REFRESH_TOKEN]);
    expect(res.stderr).toContain('✓ Signed in to team "acme" as ada@example.com: profile "default" (the default), key stored in the test keychain');
    // and the stored key is what commands now use
    const status = await run(['auth', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`API key\t${maskSecret(TEAM_KEY)} from profile "default" in the OS keychain\n`);
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe(TEAM_KEY);
  });

  it('run: --no-browser (or no browser to open) prints the URL, and following it by hand signs in', async () => {
    for (const variant of [['--no-browser'], []]) {
      opened.length = 0;
      const test = createTestIO();
      let printed: string | undefined;
      const ctx = createContext({
        io: test.io,
        env: { E2B_TS_CONFIG_DIR: configDir, HOME: home, E2B_DOCS_BASE: standIn.docsBase },
        keychain: async () => keychain,
        openBrowser: async (url) => {
          opened.push(url);
          return false;
        },
      });
      const running = main(['auth', 'login', '--api-url', standIn.url, ...variant], ctx);
      // a person reads the URL on stderr and opens it
      for (;;) {
        printed = /https?:\/\/\S+\/api\/cli\?\S+/.exec(test.stderr())?.[0];
        if (printed) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(test.stderr()).toContain('over SSH, use --with-token instead');
      await followInBrowser(printed);
      expect(await running).toBe(0);
      expect(opened.length).toBe(variant.length ? 0 : 1);
    }
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: TEAM_KEY });
  });

  it('run: a refusal from the dashboard is exit 4 with its reason, and stores nothing', async () => {
    standIn.refuseNextWith('Not authenticated');
    const res = await run(['auth', 'login', '--api-url', standIn.url]);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/error: the dashboard refused the sign-in: Not authenticated\n$/);
    expect(new URL((await visits.at(-1)!).finalUrl).searchParams.get('state')).toBe('error');
    expect(existsSync(configFile())).toBe(false);
    expect(keychain.entries.size).toBe(0);
  });

  it('run: --team keeps another team; an unknown team is a usage error naming the teams', async () => {
    expect((await run(['auth', 'login', '--api-url', standIn.url, '--team', 'side'])).code).toBe(0);
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: SIDE_KEY });
    standIn.revoked.length = 0;
    const res = await run(['auth', 'login', '--api-url', standIn.url, '--team', 'nope']);
    expect(res.code).toBe(2);
    expect(standIn.revoked).toEqual([REFRESH_TOKEN]);
    expect(res.stderr).toMatch(/\nerror: no team "nope" in this account \(teams: side, acme\)\n$/);
  });

  it('run: an API key from stdin is checked, then kept', async () => {
    const res = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: `${PIPED_KEY}\n` });
    expect(res.code).toBe(0);
    expect(api.requests.at(-1)!.url).toBe('/v2/sandboxes?limit=1');
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe(PIPED_KEY);
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: PIPED_KEY });
    expect(res.stderr).toContain('✓ Signed in: profile "default" (the default), key stored in the test keychain');
  });

  it('run: a refused key is exit 4 and is not kept', async () => {
    const res = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: REFUSED_KEY });
    expect(res.code).toBe(4);
    expect(existsSync(configFile())).toBe(false);
    expect(keychain.entries.size).toBe(0);
  });

  it('run: an access token (sk_e2b_) lists the teams and keeps the default team key (or --team)', async () => {
    expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PERSONAL_TOKEN })).code).toBe(0);
    expect(standIn.requests.find((r) => r.url === '/teams')!.headers.authorization).toBe(`Bearer ${PERSONAL_TOKEN}`);
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: TEAM_KEY });
    expect(readConfigJson().profiles!.default!.teamName).toBe('acme');
    expect((await run(['auth', 'login', '--with-token', '--team', 'team-2', '--api-url', standIn.url], { input: PERSONAL_TOKEN })).code).toBe(0);
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: SIDE_KEY });
  });

  it.each([
    ['not a key', 'hunter2-not-a-key', /expects an API key \(e2b_…\) or an access token \(sk_e2b_…\); what stdin gave is neither/],
    ['empty stdin', '', /read nothing from stdin/],
    ['two words', `${PIPED_KEY} ${PIPED_KEY}`, /one key or token on stdin/],
  ])('run: %s is a usage error that does not echo the input', async (_name, input, message) => {
    const res = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    if (input) expect(res.stderr).not.toContain(input.split(' ')[0]);
  });

  it('run: on a terminal it asks for the token without echo; with --no-input there it is a usage error', async () => {
    const test = createTestIO({ tty: true });
    const prompter = FakePrompter.script([{ password: /Paste an API key \(e2b_…\) or access token \(sk_e2b_…\)/, answer: PIPED_KEY }]);
    const env = { E2B_TS_CONFIG_DIR: configDir, HOME: home };
    const code = await main(
      ['auth', 'login', '--with-token', '--api-url', standIn.url],
      createContext({ io: test.io, env, prompter, keychain: async () => keychain }),
    );
    prompter.verify();
    expect(code).toBe(0);
    expect(JSON.parse(keychain.entries.get('default')!)).toEqual({ apiKey: PIPED_KEY });
    const none = createTestIO({ tty: true });
    expect(await main(['auth', 'login', '--with-token', '--no-input'], createContext({ io: none.io, env, prompter: FakePrompter.script([]) }))).toBe(2);
    expect(none.stderr()).toBe('error: --with-token reads the key from stdin: pipe it in (e2b-ts auth login --with-token < key.txt)\n');
  });

  it('run: refuses --api-key (argv is visible to other users) and --local', async () => {
    const withKey = await run(['auth', 'login', '--api-key', 'e2b_00']);
    expect(withKey.code).toBe(2);
    expect(withKey.stderr).toMatch(/auth login takes no --api-key: .*pipe it in: e2b-ts auth login --with-token < key.txt\n$/);
    for (const verb of ['login', 'logout']) {
      const local = await run(['auth', verb, '--local']);
      expect(local.code).toBe(2);
      expect(local.stderr).toBe(`error: auth ${verb} is for E2B accounts; the local backend (--local, E2B_TS_LOCAL) needs no sign-in\n`);
    }
  });

  it('run: --profile, --domain and --api-url are kept in a profile of their own; a later one does not take the default', async () => {
    expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PIPED_KEY })).code).toBe(0);
    const res = await run(['auth', 'login', '--with-token', '--profile', 'work', '--domain', 'e2b.example.com', '--api-url', standIn.url], { input: WORK_KEY });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Use it with --profile work, or make it the default: e2b-ts auth profiles use work');
    const config = readConfigJson();
    expect(config.defaultProfile).toBe('default');
    expect(config.profiles!.work).toEqual({ domain: 'e2b.example.com', apiUrl: standIn.url, secretsIn: 'keychain' });
    expect((await run(['auth', 'login', '--with-token', '--profile', '../x'], { input: WORK_KEY })).stderr).toMatch(/invalid profile name "..\/x"/);
  });
});

describe('auth status', () => {
  it('options: none', async () => {
    expect(await parsed(statusCommand, [])).toEqual({});
    expect((await refusal(statusCommand, ['extra'])).code).toBe(2);
  });

  it('run: no key anywhere: the report, then exit 4', async () => {
    const res = await run(['auth', 'status']);
    expect(res.code).toBe(4);
    expect(res.stdout).toBe(
      [
        'profile\tnone',
        'API key\tnone',
        'access token\tnone',
        'domain\te2b.app (default)',
        'API URL\thttps://api.e2b.app (from the domain)',
        `official CLI\t${join(home, '.e2b', 'config.json')}: not signed in`,
        'key check\tnot run (no key)',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe('error: no API key: run e2b-ts auth login, set E2B_API_KEY, or pass --api-key\n');
  });

  it('run: a refused key: exit 4, and --json says what failed', async () => {
    const res = await run(['auth', 'status', '--json'], { env: { E2B_API_KEY: REFUSED_KEY, E2B_API_URL: api.url } });
    expect(res.code).toBe(4);
    const report = JSON.parse(res.stdout);
    expect(report.apiKey).toEqual({ masked: maskSecret(REFUSED_KEY), source: 'env', from: 'E2B_API_KEY' });
    expect(report.check).toEqual({ ok: false, error: expect.stringMatching(/Invalid API key/), code: 'E2B_AUTHENTICATION' });
    expect(res.stderr).toMatch(/^error: the API refused the key from E2B_API_KEY: .*Invalid API key/);
  });

  it('run: the official config in the old unversioned format, or broken, is reported and not used', async () => {
    const path = writeOfficialConfig('legacy');
    const res = await run(['auth', 'status']);
    expect(res.code).toBe(4);
    expect(res.stdout).toContain(`official CLI\t${path}: not usable: it is in an old format the official CLI no longer reads (run \`e2b auth login\` again)\n`);
    writeFileSync(path, `{"version": 2, "projectApiKey": "${OFFICIAL_KEY}"`);
    const broken = await run(['auth', 'status', '--json']);
    expect(JSON.parse(broken.stdout).officialConfig).toEqual({ path, status: 'unusable', reason: 'it is not valid JSON' });
  });

  it('run: a hand-edited profile with its key in both places, or an unknown secretsIn, is refused naming the field', async () => {
    writeConfigJson({ profiles: { w: { secretsIn: 'keychain', apiKey: WORK_KEY } } });
    const both = await run(['auth', 'status', '--profile', 'w']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      `error: ${configFile()}: profile "w" keeps its secrets in the keychain ("secretsIn") but also has "apiKey" in the file; remove one of them\n`,
    );
    writeConfigJson({ profiles: { w: { secretsIn: 'vault' } } });
    expect((await run(['auth', 'profiles'])).stderr).toBe(
      `error: ${configFile()}: "secretsIn" of profile "w" must be "keychain", not "vault"; fix it or remove the field\n`,
    );
  });

  it('run: a profile whose keychain entry is gone, or whose keychain cannot be read, says so', async () => {
    writeConfigJson({ defaultProfile: 'home', profiles: { home: { apiUrl: api.url, secretsIn: 'keychain' } } });
    const gone = await run(['auth', 'status']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain(
      'warning: profile "home" keeps its key in the OS keychain, but the keychain has no entry for it (removed?); run: e2b-ts auth login --profile home\n',
    );
    const locked = await run(['sandbox', 'ls'], { keychain: unavailableKeychain('the collection is locked') });
    expect(locked.code).toBe(4);
    expect(locked.stderr).toMatch(/\(the key of profile "home" is in the OS keychain, which cannot be read: .*the collection is locked\)\n$/);
  });
});

describe('auth logout', () => {
  it('options: none (the profile is the global --profile)', async () => {
    expect(await parsed(logoutCommand, [])).toEqual({});
  });

  it('run: logout forgets the key (keychain entry and file fields) but keeps the endpoint; then status is exit 4', async () => {
    await signInTwice();
    const res = await run(['auth', 'logout']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('✓ Signed out of profile "default": its key was removed from the OS keychain\n');
    expect(keychain.entries.has('default')).toBe(false);
    expect(readConfigJson().profiles!.default).toEqual({ apiUrl: standIn.url });
    expect((await run(['auth', 'status'])).code).toBe(4);
    const work = await run(['auth', 'logout', '--profile', 'work']);
    expect(work.stderr).toBe(`✓ Signed out of profile "work": its key was removed from ${configFile()}\n`);
    expect(readFileSync(configFile(), 'utf8')).not.toContain('e2b_');
    const again = await run(['auth', 'logout']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('Profile "default" holds no key; nothing to sign out of.\n');
  });

  it('run: logout names the keys it does not own: E2B_API_KEY and the official CLI sign-in', async () => {
    await signInTwice();
    const path = writeOfficialConfig(2);
    const res = await run(['auth', 'logout'], { env: { E2B_API_KEY: ENV_KEY } });
    expect(res.stderr).toContain('E2B_API_KEY is still set in the environment, and commands use it.\n');
    expect(res.stderr).toContain(`Still signed in through the official e2b CLI's sign-in (${path}), which e2b-ts never changes; run: e2b auth logout\n`);
    expect(existsSync(path)).toBe(true);
  });

  it('run: logout with a keychain that cannot be used changes nothing (exit 1)', async () => {
    await signInTwice();
    const res = await run(['auth', 'logout'], { keychain: unavailableKeychain() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*cannot be used: .*; nothing was changed/);
    expect(keychain.entries.has('default')).toBe(true);
    expect(readConfigJson().profiles!.default!.secretsIn).toBe('keychain');
  });
});

describe('auth profiles ls', () => {
  it('options: none', async () => {
    expect(await parsed(profilesLsCommand, [])).toEqual({});
  });

  it('run: TSV when piped, objects with --json, never a secret', async () => {
    await signInTwice();
    const ls = await run(['auth', 'profiles']);
    expect(ls.stdout).toBe(`*\tdefault\t\t\t${standIn.url}\tkeychain\n\twork\t\t\t${standIn.url}\tfile\n`);
    const json = await run(['auth', 'profiles', 'ls', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'default', default: true, secretsIn: 'keychain', apiUrl: standIn.url },
      { name: 'work', default: false, secretsIn: 'file', domain: 'e2b.example.com', apiUrl: standIn.url },
    ]);
  });
});

describe('auth profiles use', () => {
  it('options: a name', async () => {
    expect(await parsed(profilesUseCommand, ['work'])).toEqual({ name: 'work' });
    expect((await refusal(profilesUseCommand, [])).code).toBe(2);
  });

  it('run: changes the default; an unknown name is exit 2', async () => {
    await signInTwice();
    expect((await run(['auth', 'profiles', 'use', 'work'])).code).toBe(0);
    expect(readConfigJson().defaultProfile).toBe('work');
    const status = await run(['auth', 'status', '--json'], { keychain: unavailableKeychain() });
    expect(JSON.parse(status.stdout).apiKey.masked).toBe(maskSecret(WORK_KEY));
    const unknown = await run(['auth', 'profiles', 'use', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: no profile named "nope" (known: default, work)\n');
  });
});

describe('auth profiles rm', () => {
  it('options: one name or more', async () => {
    expect(await parsed(profilesRmCommand, ['a', 'b'])).toEqual({ names: ['a', 'b'] });
    expect((await refusal(profilesRmCommand, [])).code).toBe(2);
  });

  it('run: removes the profile, its keychain entry and the default; unknown names change nothing', async () => {
    await signInTwice();
    const typo = await run(['auth', 'profiles', 'rm', 'default', 'wrok']);
    expect(typo.code).toBe(2);
    expect(keychain.entries.has('default')).toBe(true);
    const res = await run(['auth', 'profiles', 'rm', 'default']);
    expect(res.code).toBe(0);
    expect(keychain.entries.has('default')).toBe(false);
    const config = readConfigJson();
    expect(config.defaultProfile).toBeUndefined();
    expect(Object.keys(config.profiles!)).toEqual(['work']);
  });
});

describe('secrets at rest: keychain, else the 0600 file (issue 16)', () => {
  it('no keychain (auto): the key goes to the 0600 file, with a warning that says why', async () => {
    const res = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PIPED_KEY, keychain: unavailableKeychain() });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: the OS keychain (Secret Service) cannot be used: no D-Bus session bus');
    expect(res.stderr).toContain(`the key goes to ${configFile()} (mode 0600) instead`);
    expect(readConfigJson().profiles!.default).toEqual({ apiUrl: standIn.url, apiKey: PIPED_KEY });
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    const status = await run(['auth', 'status'], { keychain: unavailableKeychain() });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`API key\t${maskSecret(PIPED_KEY)} from profile "default" in ${configFile()}\n`);
  });

  it('E2B_TS_KEYRING=on without a keychain stores nothing (exit 1); =off never opens it', async () => {
    const on = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], {
      input: PIPED_KEY,
      keychain: unavailableKeychain(),
      env: { E2B_TS_KEYRING: 'on' },
    });
    expect(on.code).toBe(1);
    expect(on.stderr).toMatch(
      /^error: the OS keychain \(Secret Service\) cannot be used: .*; nothing was stored \(E2B_TS_KEYRING=on requires the keychain\)\n$/,
    );
    expect(existsSync(configFile())).toBe(false);
    let opened = false;
    const off = await run(['auth', 'login', '--with-token', '--api-url', standIn.url], {
      input: PIPED_KEY,
      env: { E2B_TS_KEYRING: 'off' },
      keychain: async () => {
        opened = true;
        return keychain;
      },
    });
    expect(off.code).toBe(0);
    expect(off.stderr).not.toContain('warning');
    expect(opened).toBe(false);
    expect(readConfigJson().profiles!.default!.apiKey).toBe(PIPED_KEY);
    const bad = await run(['auth', 'status'], { env: { E2B_TS_KEYRING: 'maybe' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: invalid E2B_TS_KEYRING "maybe": expected auto, on or off\n');
  });

  it('a new sign-in to the file removes the older keychain entry; one to the keychain removes the key from the file', async () => {
    expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PIPED_KEY })).code).toBe(0);
    expect(keychain.entries.has('default')).toBe(true);
    // the keychain is there but refused for this one sign-in (auto → file, then the old entry is dropped)
    let calls = 0;
    const flaky = async () => ({
      ...keychain,
      label: keychain.label,
      get: keychain.get,
      delete: keychain.delete,
      set: async () => {
        calls++;
        const { KeychainUnavailableError } = await import('../../../src/cli/keychain.js');
        throw new KeychainUnavailableError('the OS keychain (Secret Service) cannot be used: locked');
      },
    });
    expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: WORK_KEY, keychain: flaky })).code).toBe(0);
    expect(calls).toBe(1);
    expect(keychain.entries.has('default')).toBe(false);
    expect(readConfigJson().profiles!.default!.apiKey).toBe(WORK_KEY);
    expect((await run(['auth', 'login', '--with-token', '--api-url', standIn.url], { input: PIPED_KEY })).code).toBe(0);
    expect(readConfigJson().profiles!.default).toEqual({ apiUrl: standIn.url, secretsIn: 'keychain' });
  });
});

describe('precedence: flag > env > --profile > default profile > the official CLI (issue 16)', () => {
  beforeEach(async () => {
    writeOfficialConfig(2);
    writeConfigJson({ defaultProfile: 'home', profiles: { home: { apiUrl: api.url, secretsIn: 'keychain' }, work: { apiUrl: api.url, apiKey: WORK_KEY } } });
    await keychain.set('home', { apiKey: TEAM_KEY });
  });

  const cases: Array<[string, string[], Record<string, string>, string, string]> = [
    ['--api-key wins over all', ['--api-key', FLAG_KEY, '--profile', 'work'], { E2B_API_KEY: ENV_KEY }, FLAG_KEY, '--api-key'],
    ['then E2B_API_KEY', ['--profile', 'work'], { E2B_API_KEY: ENV_KEY }, ENV_KEY, 'E2B_API_KEY'],
    ['then --profile', ['--profile', 'work'], {}, WORK_KEY, `profile "work" in ${join('CONFIG', 'config.json')}`],
    ['then E2B_TS_PROFILE, as --profile', [], { E2B_TS_PROFILE: 'work' }, WORK_KEY, `profile "work" in ${join('CONFIG', 'config.json')}`],
    ['then the default profile (its key in the keychain)', [], {}, TEAM_KEY, 'profile "home" in the OS keychain'],
  ];
  it.each(cases)('%s', async (_name, args, env, key, from) => {
    const res = await run(['auth', 'status', '--json', ...args], { env: { E2B_API_URL: api.url, ...env } });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.apiKey).toEqual(expect.objectContaining({ masked: maskSecret(key), from: from.replace('CONFIG', configDir) }));
    // the one call made with it carried exactly that key
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe(key);
    // the others are listed as found but not used, masked
    expect(report.shadowed.map((s: { masked: string }) => s.masked)).toContain(maskSecret(OFFICIAL_KEY));
    // a real command uses the same key
    await run(['sandbox', 'ls', ...args], { env: { E2B_API_URL: api.url, ...env } });
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe(key);
  });

  it('last, the official CLI sign-in, read-only (version 2 and the version 1 it migrates)', async () => {
    rmSync(configFile());
    for (const version of [2, 1] as const) {
      const path = writeOfficialConfig(version);
      const before = readFileSync(path, 'utf8');
      const res = await run(['auth', 'status'], { env: { E2B_API_URL: api.url } });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`API key\t${maskSecret(OFFICIAL_KEY)} from the official e2b CLI's sign-in (${path})\n`);
      expect(res.stdout).toContain('team\tgrace-team (proj-9)\n');
      expect(res.stdout).toContain('email\tgrace@example.com\n');
      expect(res.stdout).toContain(`official CLI\t${path}: in use\n`);
      expect(api.requests.at(-1)!.headers['x-api-key']).toBe(OFFICIAL_KEY);
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
  });

  it('a --profile without a key does not fall back to another account', async () => {
    writeConfigJson({ profiles: { empty: { apiUrl: api.url } } });
    const res = await run(['sandbox', 'ls', '--profile', 'empty']);
    expect(res.code).toBe(4);
    expect(res.stderr).toBe(
      'error: no API key: run e2b-ts auth login, set E2B_API_KEY, pass --api-key, or use --local for the local backend (profile "empty" holds no API key; run: e2b-ts auth login --profile empty)\n',
    );
  });
});
