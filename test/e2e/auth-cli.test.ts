/**
 * Issue 16 acceptance, end to end: the built CLI signs in against a stand-in dashboard and team
 * endpoint served on loopback by this test (behaving as the official CLI's code expects them
 * to), the key it stores then works against a real local backend, and:
 *
 * - the browser flow runs with a real browser process (BROWSER, a script that follows the
 *   redirects) and with --no-browser (the test follows the printed URL);
 * - `--with-token` reads the key from stdin; status, logout and profiles work on what it stored;
 * - the key is in a real Secret Service (GNOME Keyring in a private D-Bus session) where this
 *   machine can run one, else in the 0600 file; with no D-Bus at all, auto mode falls back;
 * - the official CLI (@e2b/cli, a devDependency) signs in through its own code against the same
 *   stand-in, and e2b-ts picks its `~/.e2b/config.json` up, read-only;
 * - no secret appears in any stdout, stderr (`--debug` too), the browser's argv, or any file but
 *   the keychain's and the 0600 config file.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { reap, spawnBash, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { repoRoot } from '../helpers/paths.js';
import { startSecretService, type SecretService } from '../helpers/secret-service.js';
import { followInBrowser, startStandInDashboard, type StandIn } from '../helpers/stand-in-dashboard.js';

const OAUTH_TOKEN = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'ada', exp: 4102444800 })).toString('base64url')}.c2lnbmF0dXJl`;
const REFRESH_TOKEN = 'ory_rt_5b1c0f0e7d9a4c2e8f3b6a1d0c9e8f7a';
const PERSONAL_TOKEN = 'sk_e2b_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

let backend: LocalBackend;
let standIn: StandIn;
let root: string;
/** Every secret the runs could leak. */
let secrets: Map<string, string>;
/** Everything any run printed, to grep at the end. */
const outputs: Array<{ label: string; text: string }> = [];
let fakeBrowser: string;
let browserLog: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'e2bts-auth-e2e-'));
  backend = await startLocalBackend();
  standIn = await startStandInDashboard({
    email: 'ada@example.com',
    accessToken: OAUTH_TOKEN,
    personalToken: PERSONAL_TOKEN,
    refreshToken: REFRESH_TOKEN,
    clientId: 'e2b-cli',
    teams: [{ teamID: 'team-1', name: 'acme', apiKey: backend.apiKey, isDefault: true }],
    upstream: backend.url,
  });
  secrets = new Map([
    ['the team API key', backend.apiKey],
    ['the dashboard access token', OAUTH_TOKEN],
    ['the refresh token', REFRESH_TOKEN],
    ['the sk_e2b_ access token', PERSONAL_TOKEN],
  ]);
  // A browser: follows the URL through every redirect, and notes its argv and where it landed.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  browserLog = join(root, 'browser.log');
  fakeBrowser = join(bin, 'fake-browser');
  writeFileSync(
    fakeBrowser,
    `#!${process.execPath}
const { appendFileSync } = require('node:fs');
fetch(process.argv[2], { redirect: 'follow' })
  .then(async (res) => { await res.arrayBuffer(); return { final: res.url, status: res.status }; }, (e) => ({ error: String(e) }))
  .then((r) => appendFileSync(${JSON.stringify(browserLog)}, JSON.stringify({ argv: process.argv.slice(2), ...r }) + '\\n'));
`,
  );
  chmodSync(fakeBrowser, 0o755);
  // the official CLI opens browsers with xdg-open on Linux: the same fake, under that name
  writeFileSync(join(bin, 'xdg-open'), readFileSync(fakeBrowser));
  chmodSync(join(bin, 'xdg-open'), 0o755);
});

afterAll(async () => {
  await standIn?.close();
  await backend?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh user: a config folder and a home of their own. */
function newUser(name: string): { config: string; home: string; env: Record<string, string> } {
  const base = join(root, name);
  const config = join(base, 'config');
  const home = join(base, 'home');
  mkdirSync(home, { recursive: true });
  return { config, home, env: { E2B_TS_CONFIG_DIR: config, HOME: home, E2B_DOCS_BASE: standIn.docsBase } };
}

async function cli(label: string, args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const res = await runCli(args, { env, ...(input !== undefined ? { input } : {}), timeoutMs: 60_000 });
  outputs.push({ label: `${label} stdout`, text: res.stdout }, { label: `${label} stderr`, text: res.stderr });
  return res;
}

function browserVisits(): Array<{ argv: string[]; final?: string; status?: number; error?: string }> {
  return existsSync(browserLog)
    ? readFileSync(browserLog, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file below `dir`, with its content. */
function filesBelow(dir: string): Array<{ path: string; content: Buffer }> {
  const out: Array<{ path: string; content: Buffer }> = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, content: readFileSync(path) });
  }
  return out;
}

/** Files holding a secret, other than the ones allowed to. */
function filesWithSecrets(dirs: string[], allowed: string[] = []): string[] {
  const found: string[] = [];
  for (const dir of dirs) {
    for (const { path, content } of filesBelow(dir)) {
      if (allowed.includes(path)) continue;
      for (const [name, value] of secrets) if (content.includes(value)) found.push(`${path}: ${name}`);
    }
  }
  return found;
}

describe('auth login through the dashboard (issue 16)', () => {
  it('with a browser (BROWSER): tokens from the redirect, the default team key stored, then working against the local backend', async () => {
    const user = newUser('browser');
    const env = { ...user.env, BROWSER: fakeBrowser, E2B_TS_KEYRING: 'off' };
    const login = await cli('login (browser)', ['auth', 'login', '--api-url', standIn.url], env);
    expect(login.stderr).toContain('✓ Signed in to team "acme" as ada@example.com: profile "default" (the default), key stored in');
    expect(login.code).toBe(0);
    const visit = await waitFor('the browser', () => browserVisits().at(-1));
    // the browser was started with the dashboard URL only, and ended on its success page
    expect(visit.argv).toHaveLength(1);
    expect(new URL(visit.argv[0]!).searchParams.get('next')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(new URL(visit.final!).searchParams.get('state')).toBe('success');
    expect(standIn.revoked).toContain(REFRESH_TOKEN);

    const configFile = join(user.config, 'config.json');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(user.config).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(configFile, 'utf8')).profiles.default.apiKey).toBe(backend.apiKey);

    // the stored key works: status's check, and real commands through the profile's API URL
    const status = await cli('status', ['auth', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('key check\tok: the API accepted the key\n');
    const created = await cli('create', ['sandbox', 'create'], env);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    // (envd is reached as the local backend's own, as `local env` sets it: *.localhost names need a resolver that maps them)
    const ran = await cli('exec', ['exec', id, '--', 'echo', 'signed in'], { ...env, E2B_SANDBOX_URL: backend.url });
    expect(ran.stdout, ran.stderr).toBe('signed in\n');
    // straight at the local backend too (--api-url wins over the profile's, the key is still the profile's)
    const ls = await cli('ls direct', ['sandbox', 'ls', '--api-url', backend.url, '--json'], env);
    expect(JSON.parse(ls.stdout).map((s: { sandboxId: string }) => s.sandboxId)).toContain(id);
    expect((await cli('kill', ['sandbox', 'kill', id], env)).code).toBe(0);

    // logout: the key is gone from the file, and nothing works any more
    const logout = await cli('logout', ['auth', 'logout'], env);
    expect(logout.code).toBe(0);
    expect(readFileSync(configFile, 'utf8')).not.toContain(backend.apiKey);
    expect((await cli('status after logout', ['auth', 'status'], env)).code).toBe(4);
    expect(filesWithSecrets([join(root, 'browser')])).toEqual([]);
  });

  it('--no-browser (and --debug): the URL on stderr, a person opens it, the sign-in finishes', async () => {
    const user = newUser('nobrowser');
    const env = { ...user.env, E2B_TS_KEYRING: 'off' };
    let proc: CliProcess | undefined;
    try {
      proc = spawnCli(['--debug', 'auth', 'login', '--no-browser', '--api-url', standIn.url], { env, stdin: 'ignore' });
      await proc.waitFor((_out, err) => /\/api\/cli\?next=/.test(err));
      const url = /(http:\/\/\S+\/api\/cli\?\S+)/.exec(proc.stderr())![1]!;
      // while it waits, its argv holds no secret (there is none yet to hold, and never will be)
      const cmdline = readFileSync(`/proc/${proc.child.pid}/cmdline`, 'utf8');
      for (const [, value] of secrets) expect(cmdline).not.toContain(value);
      const landed = await followInBrowser(url);
      expect(new URL(landed.finalUrl).searchParams.get('state')).toBe('success');
      const exit = await proc.exited;
      outputs.push(
        { label: 'login --no-browser --debug stdout', text: proc.stdout().toString() },
        { label: 'login --no-browser --debug stderr', text: proc.stderr() },
      );
      expect(exit.code).toBe(0);
      expect(proc.stderr()).toContain('[debug] → GET');
      expect(proc.stderr()).toContain('/teams');
    } finally {
      reap(proc);
    }
    const status = await cli('status --debug', ['--debug', 'auth', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain('[debug] API key from profile "default" in');
  });
});

describe('auth login --with-token, status, profiles (issue 16)', () => {
  it('an API key piped in (never on argv), a second profile from an access token; status, use, rm', async () => {
    const user = newUser('token');
    const env = { ...user.env, E2B_TS_KEYRING: 'off' };
    // a shell pipeline, as in CI: the key comes from a file through stdin
    const keyFile = join(root, 'token', 'key.txt');
    writeFileSync(keyFile, `${backend.apiKey}\n`, { mode: 0o600 });
    const piped = spawnBash(
      `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'e2b-ts.js'))} auth login --with-token --api-url ${standIn.url} < ${JSON.stringify(keyFile)}`,
      { env },
    );
    const exit = await piped.exited;
    outputs.push({ label: 'login --with-token stderr', text: piped.stderr() }, { label: 'login --with-token stdout', text: piped.stdout().toString() });
    expect(exit.code).toBe(0);
    rmSync(keyFile);
    const work = await cli('login sk_e2b_', ['auth', 'login', '--with-token', '--profile', 'work', '--api-url', standIn.url, '--json'], env, PERSONAL_TOKEN);
    expect(work.code).toBe(0);
    expect(JSON.parse(work.stdout)).toEqual({ profile: 'work', default: false, secretsIn: 'file', teamName: 'acme', teamId: 'team-1', apiUrl: standIn.url });

    const status = await cli('status --json', ['auth', 'status', '--json', '--profile', 'work'], env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.apiKey).toEqual({
      masked: `e2b_…${backend.apiKey.slice(-4)}`,
      source: 'profile',
      from: `profile "work" in ${join(user.config, 'config.json')}`,
    });
    expect(report.team).toEqual({ name: 'acme', id: 'team-1' });
    expect(report.check).toEqual({ ok: true });

    expect((await cli('use', ['auth', 'profiles', 'use', 'work'], env)).code).toBe(0);
    const ls = await cli('profiles', ['auth', 'profiles'], env);
    expect(ls.stdout).toBe(`\tdefault\t\t\t${standIn.url}\tfile\n*\twork\tacme\t\t${standIn.url}\tfile\n`);
    expect((await cli('rm', ['auth', 'profiles', 'rm', 'work', 'default'], env)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(user.config, 'config.json'), 'utf8'))).toEqual({ profiles: {} });
    expect((await cli('status, no profiles', ['auth', 'status'], env)).code).toBe(4);
  });

  it('--local: status shows the local backend key, masked, and checks it', async () => {
    const res = await cli('status --local', ['auth', 'status', '--local', '--json'], { E2B_TS_HOME: backend.home });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.apiKey).toEqual({ masked: `e2b_…${backend.apiKey.slice(-4)}`, source: 'local', from: 'the local backend' });
    expect(report.apiUrl.value).toBe(backend.url);
    expect(report.check).toEqual({ ok: true });
  });

  it('auto mode with no D-Bus session: the real keychain module says why, and the key goes to the 0600 file', async () => {
    const user = newUser('nodbus');
    const env = { ...user.env, DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined } as unknown as Record<string, string>;
    const login = await cli('login, no dbus', ['auth', 'login', '--with-token', '--api-url', standIn.url], env, backend.apiKey);
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/warning: the OS keychain \(Secret Service\) cannot be used: .*; the key goes to .*config\.json \(mode 0600\) instead/);
    expect(JSON.parse(readFileSync(join(user.config, 'config.json'), 'utf8')).profiles.default.apiKey).toBe(backend.apiKey);
    expect((await cli('status, no dbus', ['auth', 'status'], env)).code).toBe(0);
  });
});

describe('the OS keychain: a real Secret Service (issue 16)', () => {
  let service: SecretService | undefined;
  let unavailable: string | undefined;
  beforeAll(async () => {
    const started = await startSecretService(join(root, 'secret-service'));
    if ('unavailable' in started) {
      unavailable = started.unavailable;
      console.log(`keychain test skipped: ${unavailable} (the file fallback is tested above)`);
    } else service = started;
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('login keeps the key in the Secret Service and none in the file; status and commands read it; logout deletes it', async (t) => {
    if (!service) return t.skip(`no Secret Service on this machine: ${unavailable}`);
    const user = newUser('keychain');
    const env = { ...user.env, ...service.env };
    const login = await cli('login (keychain)', ['auth', 'login', '--with-token', '--api-url', standIn.url], env, backend.apiKey);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('key stored in the OS keychain (Secret Service)');
    const configFile = join(user.config, 'config.json');
    expect(JSON.parse(readFileSync(configFile, 'utf8')).profiles.default).toEqual({ apiUrl: standIn.url, secretsIn: 'keychain' });
    // the entry, read by another program straight from the Secret Service
    expect(JSON.parse(service.read('default')!)).toEqual({ apiKey: backend.apiKey });

    const status = await cli('status (keychain) --debug', ['--debug', 'auth', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`API key\te2b_…${backend.apiKey.slice(-4)} from profile "default" in the OS keychain\n`);
    expect((await cli('ls (keychain)', ['sandbox', 'ls'], env)).code).toBe(0);
    // E2B_TS_KEYRING=off keeps the keychain closed, and says so
    const off = await cli('status keyring off', ['auth', 'status'], { ...env, E2B_TS_KEYRING: 'off' });
    expect(off.code).toBe(4);
    expect(off.stderr).toContain('warning: the key of profile "default" is in the OS keychain, which E2B_TS_KEYRING=off keeps closed');

    // nothing on disk holds the key in the clear: not the config, not the keyring's own files
    expect(filesWithSecrets([join(root, 'keychain'), join(root, 'secret-service')])).toEqual([]);

    const logout = await cli('logout (keychain)', ['auth', 'logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('its key was removed from the OS keychain');
    expect(service.read('default')).toBeNull();
    expect((await cli('status after keychain logout', ['auth', 'status'], env)).code).toBe(4);
  });
});

describe("the official CLI's sign-in (issue 16)", () => {
  it('@e2b/cli signs in through its own code; e2b-ts uses its ~/.e2b/config.json and never changes it', async () => {
    const user = newUser('official');
    const officialBin = join(repoRoot, 'node_modules', '@e2b', 'cli', 'dist', 'index.js');
    const env = { ...user.env, PATH: `${join(root, 'bin')}:${process.env.PATH}`, E2B_API_URL: standIn.url };
    const official = spawnBash(`${JSON.stringify(process.execPath)} ${JSON.stringify(officialBin)} auth login`, { env, stdin: 'ignore' });
    const exit = await official.exited;
    expect(exit.code, official.stderr()).toBe(0);
    expect(official.stdout().toString()).toContain('Logged in as');
    const path = join(user.home, '.e2b', 'config.json');
    const written = readFileSync(path, 'utf8');
    expect(JSON.parse(written)).toEqual(expect.objectContaining({ version: 2, projectApiKey: backend.apiKey, projectName: 'acme', projectId: 'team-1' }));

    const status = await cli('status (official)', ['auth', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`API key\te2b_…${backend.apiKey.slice(-4)} from the official e2b CLI's sign-in (${path})\n`);
    expect(status.stdout).toContain('team\tacme (team-1)\nemail\tada@example.com\n');
    expect(status.stdout).toContain(`official CLI\t${path}: in use\n`);
    const ls = await cli('ls (official)', ['sandbox', 'ls', '--json'], env);
    expect(ls.code).toBe(0);
    const logout = await cli('logout (official)', ['auth', 'logout'], env);
    expect(logout.stderr).toContain('which e2b-ts never changes; run: e2b auth logout');
    expect(readFileSync(path, 'utf8')).toBe(written);
    // the official file is the official CLI's own business; e2b-ts wrote no file of its own
    expect(existsSync(user.config)).toBe(false);
  });
});

describe('secrets (issue 16)', () => {
  it('no output of any run above holds a key or token', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const { label, text } of outputs) for (const [name, value] of secrets) if (text.includes(value)) leaks.push(`${label}: ${name}`);
    expect(leaks).toEqual([]);
    // the browser's argv: the dashboard URL, nothing secret
    for (const visit of browserVisits()) for (const [, value] of secrets) expect(visit.argv.join(' ')).not.toContain(value);
  });

  it('positive control: the grep finds a key where one is', () => {
    outputs.push({ label: 'control', text: `x ${backend.apiKey} y` });
    const found = outputs.filter(({ text }) => text.includes(backend.apiKey));
    outputs.pop();
    expect(found).toHaveLength(1);
  });
});
