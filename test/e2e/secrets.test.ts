/**
 * Acceptance (issue #2, "Secrets"): no API key or access token appears in any output or log,
 * `--debug` included.
 *
 * A realistic session runs through the built CLI against a real local backend, four times at
 * once (plain, --debug, --json, --debug --json): create (secure, the default), ls, info,
 * metrics, logs, pause, resume, timeout, url, snapshot create/ls/rm, kill, local status/logs,
 * and a few error paths. More runs go to a fake E2B API with an explicit `--api-key`,
 * `E2B_API_KEY`, a profile and `E2B_ACCESS_TOKEN`, `--debug` on, through 200, 401, 429 and 500.
 * A second local backend is started by the CLI itself in a state folder that does not exist
 * yet, to check the permissions it creates.
 *
 * Every stdout and stderr is kept, with the daemons' logs (daemon.log, every
 * sandboxes/<id>/log.ndjson) and the helper daemon's own output; none may contain an API key
 * (the local backend's, the wrong one, the fake server's ones) or any sandbox's envd access
 * token. The only exception is `local env`, whose purpose is printing the local key: it is run
 * as the positive control that proves the grep would find a leak.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { e2bError, startFakeApi, type FakeApi } from '../helpers/fake-api.js';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

const hex = (seed: string, length: number) => {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, '0');
  return out.slice(0, length);
};

/** Keys that only the fake API and the wrong-key runs use; all well-formed. */
const FLAG_KEY = `e2b_${hex('flag', 40)}`;
const ENV_KEY = `e2b_${hex('environment', 40)}`;
const PROFILE_KEY = `e2b_${hex('profile', 40)}`;
const WRONG_KEY = `e2b_${hex('wrong', 40)}`;
/** A malformed key (a typo of a real one is still a secret). */
const MALFORMED_KEY = `e2b_${hex('malformed', 40).toUpperCase()}`;
const ACCESS_TOKEN = `sk_e2b_${hex('access', 40)}`;

interface Output {
  label: string;
  text: string;
}

/** Everything the CLI and the daemons printed or logged. */
const outputs: Output[] = [];
/** Secret name → value; grown as sandboxes are created. */
const secrets = new Map<string, string>([
  ['--api-key key', FLAG_KEY],
  ['E2B_API_KEY key', ENV_KEY],
  ['profile key', PROFILE_KEY],
  ['wrong key', WRONG_KEY],
  ['malformed key', MALFORMED_KEY],
  ['E2B_ACCESS_TOKEN', ACCESS_TOKEN],
]);

let backend: LocalBackend;
let fake: FakeApi;
let configDir: string;
/** State folder of the backend the CLI starts by itself (does not exist before). */
let ownHome: string;
let ownHomeParent: string;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'e2bts-secrets-config-'));
  ownHomeParent = mkdtempSync(join(tmpdir(), 'e2bts-secrets-own-'));
  ownHome = join(ownHomeParent, 'nested', 'state');
  [backend, fake] = await Promise.all([
    startLocalBackend(),
    startFakeApi({
      ok: { status: 200, body: [] },
      unauthorized: { status: 401, body: e2bError(401, 'Invalid API key') },
      broken: { status: 500, body: e2bError(500, 'internal error') },
      limited: { status: 429, body: e2bError(429, 'slow down'), headers: { 'retry-after': '0' } },
    }),
  ]);
  secrets.set('local backend key', backend.apiKey);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles: { work: { apiKey: PROFILE_KEY, apiUrl: fake.urlOf('ok') } } }), { mode: 0o600 });
  chmodSync(join(configDir, 'config.json'), 0o600);
});

afterAll(async () => {
  await fake?.close();
  await backend?.dispose();
  if (ownHome && existsSync(join(ownHome, 'daemon.json'))) {
    // the CLI-started daemon: stop it through the CLI, then by its pid if it is still there
    await runCli(['local', 'stop'], { env: { E2B_TS_HOME: ownHome } });
    try {
      const { pid } = JSON.parse(readFileSync(join(ownHome, 'daemon.json'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGKILL');
    } catch {
      // stopped
    }
  }
  if (ownHomeParent) rmSync(ownHomeParent, { recursive: true, force: true });
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

/** Runs the CLI and keeps what it printed. */
async function run(label: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const res = await runCli(args, { env: { E2B_TS_CONFIG_DIR: configDir, ...env }, timeoutMs: 45_000 });
  outputs.push({ label: `${label}: stdout of e2b-ts ${args.join(' ')}`, text: res.stdout });
  outputs.push({ label: `${label}: stderr of e2b-ts ${args.join(' ')}`, text: res.stderr });
  return res;
}

function expectOk(res: CliResult, what: string): void {
  expect(res.code, `${what} failed: ${res.stderr}`).toBe(0);
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** Records the envd access token of a sandbox (secure is the default, so there must be one). */
function recordToken(home: string, sandboxId: string): void {
  const path = join(requireSandboxFolder(home, sandboxId), 'sandbox.json');
  const record = JSON.parse(readFileSync(path, 'utf8')) as { envdAccessToken?: string };
  expect(record.envdAccessToken, `sandbox ${sandboxId} was created secure, so it has an access token`).toMatch(/^\S{16,}$/);
  secrets.set(`envd access token of ${sandboxId}`, record.envdAccessToken!);
  expect(mode(path), `${path} holds a token`).toBe(0o600);
}

/** Keeps the logs of a state folder (sandbox logs vanish when the sandbox is killed). */
function collectLogs(home: string, label: string): void {
  const daemonLog = join(home, 'daemon.log');
  if (existsSync(daemonLog)) outputs.push({ label: `${label}: ${daemonLog}`, text: readFileSync(daemonLog, 'utf8') });
  const dir = join(home, 'sandboxes');
  if (!existsSync(dir)) return;
  for (const id of readdirSync(dir)) {
    const log = join(dir, id, 'log.ndjson');
    if (existsSync(log)) outputs.push({ label: `${label}: ${log}`, text: readFileSync(log, 'utf8') });
  }
}

/** One realistic session on its own sandbox, with the given global flags. */
async function session(flags: string[], n: number): Promise<void> {
  const label = `session ${flags.join(' ') || '(plain)'}`;
  const json = flags.includes('--json');
  const env = { E2B_TS_HOME: backend.home };
  const cli = (args: string[]) => run(label, ['--local', ...flags, ...args], env);

  const created = await cli(['sandbox', 'create', '--metadata', `session=${n}`, '--env', 'GREETING=hi']);
  expectOk(created, 'create');
  const id: string = json ? JSON.parse(created.stdout).sandboxId : created.stdout.trim();
  expect(id).toMatch(/^[a-z0-9]+$/);
  recordToken(backend.home, id);

  expectOk(await cli(['sandbox', 'ls']), 'ls');
  expectOk(await cli(['sandbox', 'ls', '--metadata', `session=${n}`, '--state', 'running']), 'ls filtered');
  expectOk(await cli(['sandbox', 'info', id]), 'info');
  expectOk(await cli(['sandbox', 'metrics', id]), 'metrics');
  expectOk(await cli(['sandbox', 'logs', id]), 'logs');
  expectOk(await cli(['sandbox', 'url', id, '3000']), 'url');
  expectOk(await cli(['sandbox', 'url', id, '49983']), 'url of envd');
  expectOk(await cli(['sandbox', 'pause', id]), 'pause');
  expectOk(await cli(['sandbox', 'info', id]), 'info when paused');
  expectOk(await cli(['sandbox', 'resume', id, '--timeout', '10m']), 'resume');
  expectOk(await cli(['sandbox', 'timeout', id, '2m']), 'timeout');
  const snap = await cli(['sandbox', 'snapshot', 'create', id, '--name', `secrets-${n}`]);
  expectOk(snap, 'snapshot create');
  const snapshotId: string = json ? JSON.parse(snap.stdout).snapshotId : snap.stdout.trim();
  expect(snapshotId).not.toBe('');
  expectOk(await cli(['sandbox', 'snapshot', 'ls', '--sandbox', id]), 'snapshot ls');
  expectOk(await cli(['sandbox', 'snapshot', 'rm', snapshotId]), 'snapshot rm');
  expectOk(await cli(['sandbox', 'logs', id]), 'logs after the lifecycle');
  expectOk(await cli(['local', 'status']), 'local status');
  expectOk(await cli(['local', 'logs']), 'local logs');
  // error paths print more with --debug (stack traces)
  expect((await cli(['sandbox', 'info', 'i0nosuchsandbox0000000'])).code).toBe(3);
  expect((await cli(['sandbox', 'create', '--metadata', 'broken'])).code).toBe(2);
  expect((await cli(['sandbox', 'kill', '--all'])).code).toBe(2);

  collectLogs(backend.home, label);
  expectOk(await cli(['sandbox', 'kill', id]), 'kill');
}

describe('secrets never reach an output or a log', () => {
  it('a local session, plain, --debug, --json and --debug --json', async () => {
    // one sandbox stays alive to the end, so its log file is still on disk for the final scan
    const keeper = await run('keeper', ['--local', '--debug', 'sandbox', 'create', '--metadata', 'keeper=1'], { E2B_TS_HOME: backend.home });
    expectOk(keeper, 'create keeper');
    recordToken(backend.home, keeper.stdout.trim());
    await Promise.all([session([], 1), session(['--debug'], 2), session(['--json'], 3), session(['--debug', '--json'], 4)]);
  });

  it('the local backend refuses a wrong or misplaced key without echoing it', async () => {
    const env = { E2B_TS_HOME: backend.home };
    for (const flags of [[], ['--debug']]) {
      // wrong key straight at the backend's URL → 401
      let res = await run('wrong key', [...flags, 'sandbox', 'ls', '--api-url', backend.url, '--api-key', WRONG_KEY], env);
      expect(res.code).toBe(4);
      res = await run('wrong key', [...flags, 'sandbox', 'info', 'i0nosuchsandbox0000000'], { ...env, E2B_API_URL: backend.url, E2B_API_KEY: WRONG_KEY });
      expect(res.code).toBe(4);
      // --local with a key is a usage error that must not repeat the key
      res = await run('misplaced key', ['--local', ...flags, 'sandbox', 'ls', '--api-key', WRONG_KEY], env);
      expect(res.code).toBe(2);
      res = await run('malformed key', [...flags, 'sandbox', 'ls', '--api-url', backend.url, '--api-key', MALFORMED_KEY], env);
      expect(res.code).toBe(4);
    }
  });

  it('a fake E2B API: --api-key, E2B_API_KEY, a profile and E2B_ACCESS_TOKEN, with --debug, through 200/401/429/500', async () => {
    const base = { E2B_ACCESS_TOKEN: ACCESS_TOKEN };
    const runs: Array<Promise<{ res: CliResult; code: number }>> = [];
    const expectCode = (p: Promise<CliResult>, code: number) => runs.push(p.then((res) => ({ res, code })));
    for (const debug of [['--debug'], []]) {
      expectCode(run('fake --api-key', [...debug, 'sandbox', 'ls', '--api-url', fake.urlOf('ok'), '--api-key', FLAG_KEY], base), 0);
      expectCode(run('fake --api-key', [...debug, '--json', 'sandbox', 'ls', '--api-key', FLAG_KEY, '--api-url', fake.urlOf('ok')], base), 0);
      expectCode(run('fake --api-key', [...debug, 'sandbox', 'ls', '--api-url', fake.urlOf('unauthorized'), '--api-key', FLAG_KEY], base), 4);
      expectCode(run('fake --api-key', [...debug, 'sandbox', 'create', '--api-url', fake.urlOf('broken'), '--api-key', FLAG_KEY], base), 1);
      expectCode(run('fake E2B_API_KEY', [...debug, 'sandbox', 'ls'], { ...base, E2B_API_KEY: ENV_KEY, E2B_API_URL: fake.urlOf('ok') }), 0);
      expectCode(
        run('fake E2B_API_KEY', [...debug, 'sandbox', 'info', 'i0nosuchsandbox0000000'], {
          ...base,
          E2B_API_KEY: ENV_KEY,
          E2B_API_URL: fake.urlOf('unauthorized'),
        }),
        4,
      );
      expectCode(run('fake E2B_API_KEY', [...debug, 'sandbox', 'ls'], { ...base, E2B_API_KEY: ENV_KEY, E2B_API_URL: fake.urlOf('broken') }), 1);
      expectCode(
        run('fake E2B_API_KEY', [...debug, 'sandbox', 'kill', 'i0nosuchsandbox0000000'], { ...base, E2B_API_KEY: ENV_KEY, E2B_API_URL: fake.urlOf('limited') }),
        6,
      );
      expectCode(run('fake profile', [...debug, 'sandbox', 'ls', '--profile', 'work'], base), 0);
      expectCode(run('unreachable', [...debug, 'sandbox', 'ls', '--api-url', 'http://127.0.0.1:1', '--api-key', FLAG_KEY], base), 1);
    }
    for (const { res, code } of await Promise.all(runs)) expect(res.code, res.stderr).toBe(code);

    // positive control: the keys we grep for are the ones the CLI really sent
    const sent = new Set(fake.requests.map((r) => r.headers['x-api-key']));
    expect(sent.has(FLAG_KEY)).toBe(true);
    expect(sent.has(ENV_KEY)).toBe(true);
    expect(sent.has(PROFILE_KEY)).toBe(true);
  });

  it('a backend the CLI starts itself keeps its state private (0700 folder, 0600 secrets)', async () => {
    const env = { E2B_TS_HOME: ownHome };
    expect(existsSync(ownHome)).toBe(false);
    expectOk(await run('own backend', ['--debug', 'local', 'start', '--port', '0'], env), 'local start');
    expect(mode(ownHome), `${ownHome} (the state folder)`).toBe(0o700);
    expect(mode(join(ownHome, 'api-key')), 'api-key').toBe(0o600);
    const ownKey = readFileSync(join(ownHome, 'api-key'), 'utf8').trim();
    secrets.set('own backend key', ownKey);

    expectOk(await run('own backend', ['--debug', 'local', 'status'], env), 'local status');
    expectOk(await run('own backend', ['--json', 'local', 'status'], env), 'local status --json');
    const created = await run('own backend', ['--local', '--debug', 'sandbox', 'create'], env);
    expectOk(created, 'create');
    const id = created.stdout.trim();
    recordToken(ownHome, id);
    expect(mode(requireSandboxFolder(ownHome, id)), 'sandbox folder').toBe(0o700);
    expectOk(await run('own backend', ['--local', '--debug', 'sandbox', 'info', id], env), 'info');
    expectOk(await run('own backend', ['--local', '--debug', 'sandbox', 'logs', id], env), 'logs');
    expectOk(await run('own backend', ['--debug', 'local', 'logs'], env), 'local logs');
    collectLogs(ownHome, 'own backend');
    expectOk(await run('own backend', ['--local', 'sandbox', 'kill', id], env), 'kill');
    expectOk(await run('own backend', ['--debug', 'local', 'stop'], env), 'local stop');
    collectLogs(ownHome, 'own backend after stop');
    // still private after a full start/stop cycle
    expect(mode(ownHome)).toBe(0o700);
    expect(mode(join(ownHome, 'api-key'))).toBe(0o600);
  });

  it('the helper backend: api-key and every sandbox.json are 0600, the state folder 0700', () => {
    expect(mode(backend.home)).toBe(0o700);
    expect(mode(join(backend.home, 'api-key'))).toBe(0o600);
    const dir = join(backend.home, 'sandboxes');
    const records = readdirSync(dir)
      .map((id) => join(dir, id, 'sandbox.json'))
      .filter((p) => existsSync(p));
    expect(records.length, 'the keeper sandbox is still there').toBeGreaterThan(0);
    for (const path of records) expect(mode(path), path).toBe(0o600);
  });

  it('positive control: `local env` prints the local key, so the grep would see a leak', async () => {
    const res = await runCli(['local', 'env'], { env: { E2B_TS_HOME: backend.home } });
    expectOk(res, 'local env');
    expect(res.stdout).toContain(backend.apiKey);
    const json = await runCli(['--json', 'local', 'env'], { env: { E2B_TS_HOME: backend.home } });
    expect(JSON.parse(json.stdout).E2B_API_KEY).toBe(backend.apiKey);
    // and a token really sits in the records the scan reads tokens from
    expect([...secrets.keys()].filter((k) => k.startsWith('envd access token')).length).toBeGreaterThanOrEqual(6);
  });

  it('no output or log contains a key or a token', () => {
    collectLogs(backend.home, 'helper backend at the end');
    outputs.push({ label: 'helper daemon stdout/stderr', text: backend.output() });
    expect(outputs.length).toBeGreaterThan(100);
    expect(
      outputs.some((o) => o.label.includes('daemon.log') && o.text.includes('created sandbox')),
      'daemon.log was read',
    ).toBe(true);
    expect(
      outputs.some((o) => o.label.includes('log.ndjson') && o.text.length > 0),
      'sandbox logs were read',
    ).toBe(true);
    // --debug really traced requests (and printed stack traces on the error paths)
    expect(outputs.some((o) => o.label.includes('stderr') && o.text.includes('[debug] → GET'))).toBe(true);
    expect(outputs.some((o) => o.label.includes('stderr') && /^\s+at /m.test(o.text))).toBe(true);

    const leaks: string[] = [];
    for (const [name, value] of secrets) {
      // the whole secret, and its random part alone (a key printed without its prefix leaks too)
      const forms = [value, value.replace(/^(?:sk_)?e2b_/, '')];
      for (const o of outputs) {
        if (forms.some((f) => o.text.includes(f))) leaks.push(`${name} in ${o.label}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
