/**
 * Acceptance (issue #2, "Bad input"): every wrong invocation ends with ONE clear line on
 * stderr, the exit code of design.md's table, nothing on stdout and no stack trace.
 *
 * The built CLI runs as a subprocess (stdin is a pipe, so never a terminal) against a real
 * local backend for the "not found" and "wrong key" cases, and against a fake E2B API (one
 * loopback server, one path prefix per scenario) for server-side failures: 500, 429, 404, 401,
 * 403, 400, 408, 504, 507 and a broken body.
 *
 * Exit codes: 0 ok, 1 runtime, 2 usage (also server 400), 3 not found, 4 auth, 5 timeout,
 * 6 rate limit / quota, 130 interrupted.
 */
import { describeResult, expectClearFailure, type BadInputCase } from '../helpers/bad-input.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { cliBin } from '../helpers/paths.js';
import { e2bError, startFakeApi, type FakeApi, type FakeScenario } from '../helpers/fake-api.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

/** A well-formed API key that no server knows. */
const WRONG_KEY = `e2b_${'0123456789abcdef'.repeat(2)}01234567`;
/** A well-formed sandbox ID that does not exist. */
const NO_SUCH_ID = 'i0nosuchsandbox0000000';

/** Fake API scenarios; each case uses its own, so attempt counts are per case. */
const SCENARIOS: Record<string, FakeScenario> = {
  ls500: { status: 500, body: e2bError(500, 'database exploded') },
  create500: { status: 500, body: e2bError(500, 'scheduler unavailable') },
  html500: {
    status: 500,
    body: '<html>\n<head><title>500 Internal Server Error</title></head>\n<body>\n<center>nginx</center>\n</body>\n</html>\n',
  },
  ls429: { status: 429, body: e2bError(429, 'too many requests'), headers: { 'retry-after': '0' } },
  create429: { status: 429, body: e2bError(429, 'concurrent sandbox limit reached'), headers: { 'retry-after': '0' } },
  ls404: { status: 404, body: e2bError(404, 'route not found') },
  ls401: { status: 401, body: e2bError(401, 'Invalid API key, it must start with e2b_') },
  info403: { status: 403, body: e2bError(403, 'team is blocked') },
  ls400: { status: 400, body: e2bError(400, 'invalid state filter') },
  info408: { status: 408, body: e2bError(408, 'request timeout') },
  ls504: { status: 504, body: e2bError(504, 'gateway timeout') },
  create507: { status: 507, body: e2bError(507, 'no space left for sandboxes') },
  lsBadJson: { status: 200, body: '{"this is": not json', headers: { 'content-type': 'application/json' } },
};

interface Case extends BadInputCase {
  /** `$FAKE/<scenario>`, `$BACKEND` and `$RUNNING` (a running sandbox) are substituted. */
  args: string[];
  env?: Record<string, string>;
  /** [scenario, number of requests the fake server must have seen]. */
  attempts?: [string, number];
}

const L = '--local';

const CASES: Case[] = [
  // ── the command tree ──────────────────────────────────────────────────────────────────────
  { name: 'unknown command', args: ['frobnicate'], expectCode: 2, expectStderr: /unknown command 'frobnicate'/ },
  { name: 'unknown noun (typo, with a suggestion)', args: ['sandbx', 'ls'], expectCode: 2, expectStderr: /unknown command 'sandbx'.*sandbox/ },
  { name: 'unknown verb', args: ['sandbox', 'explode'], expectCode: 2, expectStderr: /unknown command 'explode'/ },
  { name: 'unknown option', args: [L, 'sandbox', 'ls', '--bogus'], expectCode: 2, expectStderr: /unknown option '--bogus'/ },
  { name: 'unknown global option before the command', args: ['--bogus', 'sandbox', 'ls'], expectCode: 2, expectStderr: /unknown option '--bogus'/ },
  {
    name: 'option without its value',
    args: [L, 'sandbox', 'create', '--timeout'],
    expectCode: 2,
    expectStderr: /option '--timeout <duration>' argument missing/,
  },
  { name: 'missing required arguments (sandbox timeout)', args: [L, 'sandbox', 'timeout'], expectCode: 2, expectStderr: /missing required argument 'id'/ },
  {
    name: 'missing duration (sandbox timeout <id>)',
    args: [L, 'sandbox', 'timeout', NO_SUCH_ID],
    expectCode: 2,
    expectStderr: /missing required argument 'duration'/,
  },
  { name: 'too many arguments', args: [L, 'sandbox', 'info', NO_SUCH_ID, 'extra'], expectCode: 2, expectStderr: /too many arguments/ },
  { name: 'completion for an unknown shell', args: ['completion', 'tcsh'], expectCode: 2, expectStderr: /unknown shell "tcsh".*bash/ },
  { name: 'completion without a shell', args: ['completion'], expectCode: 2, expectStderr: /missing required argument 'shell'/ },

  // ── values ────────────────────────────────────────────────────────────────────────────────
  { name: 'bad duration --timeout 5x', args: [L, 'sandbox', 'create', '--timeout', '5x'], expectCode: 2, expectStderr: /invalid timeout "5x"/ },
  {
    name: 'zero duration --timeout 0',
    args: [L, 'sandbox', 'create', '--timeout', '0'],
    expectCode: 2,
    expectStderr: /invalid timeout "0".*greater than zero/,
  },
  {
    name: 'bad duration (sandbox timeout <id> abc)',
    args: [L, 'sandbox', 'timeout', NO_SUCH_ID, 'abc'],
    expectCode: 2,
    expectStderr: /invalid duration "abc"/,
  },
  {
    name: 'sub-second duration (sandbox timeout <id> 500ms)',
    args: [L, 'sandbox', 'timeout', NO_SUCH_ID, '500ms'],
    expectCode: 2,
    expectStderr: /at least 1s/,
  },
  {
    name: 'bad duration on resume --timeout 1y',
    args: [L, 'sandbox', 'resume', NO_SUCH_ID, '--timeout', '1y'],
    expectCode: 2,
    expectStderr: /invalid timeout "1y"/,
  },
  {
    name: 'timeout too long for the server (--timeout 48h → 400)',
    args: [L, 'sandbox', 'create', '--timeout', '48h'],
    expectCode: 2,
    expectStderr: /24 hours/,
  },
  {
    name: 'metadata without "=" (--metadata foo)',
    args: [L, 'sandbox', 'create', '--metadata', 'foo'],
    expectCode: 2,
    expectStderr: /invalid metadata "foo".*KEY=VALUE/,
  },
  {
    name: 'metadata with an empty key (--metadata =x)',
    args: [L, 'sandbox', 'create', '--metadata', '=x'],
    expectCode: 2,
    expectStderr: /invalid metadata "=x".*KEY=VALUE/,
  },
  { name: 'metadata filter without "=" on ls', args: [L, 'sandbox', 'ls', '--metadata', 'owner'], expectCode: 2, expectStderr: /invalid metadata "owner"/ },
  { name: 'bad --env (no "=")', args: [L, 'sandbox', 'create', '--env', 'NOEQUALS'], expectCode: 2, expectStderr: /invalid --env "NOEQUALS".*KEY=VALUE/ },
  { name: 'bad --state value', args: [L, 'sandbox', 'ls', '--state', 'frozen'], expectCode: 2, expectStderr: /invalid --state "frozen".*running, paused/ },
  { name: 'empty --state list', args: [L, 'sandbox', 'ls', '--state', ','], expectCode: 2, expectStderr: /invalid --state.*empty/ },
  { name: '--limit 0', args: [L, 'sandbox', 'ls', '--limit', '0'], expectCode: 2, expectStderr: /invalid --limit "0"/ },
  { name: '--limit -1', args: [L, 'sandbox', 'ls', '--limit', '-1'], expectCode: 2, expectStderr: /invalid --limit "-1"/ },
  { name: '--limit abc', args: [L, 'sandbox', 'ls', '--limit', 'abc'], expectCode: 2, expectStderr: /invalid --limit "abc"/ },
  { name: 'snapshot ls --limit 0', args: [L, 'sandbox', 'snapshot', 'ls', '--limit', '0'], expectCode: 2, expectStderr: /invalid --limit "0"/ },
  {
    name: 'bad --on-timeout choice',
    args: [L, 'sandbox', 'create', '--on-timeout', 'explode'],
    expectCode: 2,
    expectStderr: /'explode' is invalid.*kill, pause/,
  },
  {
    name: '--auto-resume without --on-timeout',
    args: [L, 'sandbox', 'create', '--auto-resume'],
    expectCode: 2,
    expectStderr: /--auto-resume needs --on-timeout pause/,
  },
  {
    name: '--auto-resume with --on-timeout kill',
    args: [L, 'sandbox', 'create', '--auto-resume', '--on-timeout', 'kill'],
    expectCode: 2,
    expectStderr: /--auto-resume needs --on-timeout pause/,
  },
  { name: 'url port out of range (70000)', args: [L, 'sandbox', 'url', NO_SUCH_ID, '70000'], expectCode: 2, expectStderr: /invalid port "70000".*1 to 65535/ },
  { name: 'url port 0', args: [L, 'sandbox', 'url', NO_SUCH_ID, '0'], expectCode: 2, expectStderr: /invalid port "0"/ },
  { name: 'local start --port abc', args: ['local', 'start', '--port', 'abc'], expectCode: 2, expectStderr: /invalid --port "abc"/ },
  { name: 'local start --port 70000', args: ['local', 'start', '--port', '70000'], expectCode: 2, expectStderr: /invalid --port "70000"/ },
  { name: 'local env --shell tcsh', args: ['local', 'env', '--shell', 'tcsh'], expectCode: 2, expectStderr: /'tcsh' is invalid.*sh, fish/ },

  // ── sandbox IDs ───────────────────────────────────────────────────────────────────────────
  { name: 'invalid sandbox ID (upper case)', args: [L, 'sandbox', 'info', 'IABCDEF'], expectCode: 2, expectStderr: /invalid sandbox ID "IABCDEF"/ },
  { name: 'invalid sandbox ID (punctuation) on kill', args: [L, 'sandbox', 'kill', 'bad/id'], expectCode: 2, expectStderr: /invalid sandbox ID "bad\/id"/ },
  {
    name: 'invalid sandbox ID in snapshot ls --sandbox',
    args: [L, 'sandbox', 'snapshot', 'ls', '--sandbox', 'NOPE!'],
    expectCode: 2,
    expectStderr: /invalid sandbox ID "NOPE!"/,
  },
  { name: 'missing sandbox ID off a terminal (info)', args: [L, 'sandbox', 'info'], expectCode: 2, expectStderr: /missing sandbox ID/ },
  { name: 'missing sandbox ID off a terminal (kill)', args: [L, 'sandbox', 'kill'], expectCode: 2, expectStderr: /missing sandbox ID/ },
  { name: 'missing sandbox ID off a terminal (logs)', args: [L, 'sandbox', 'logs'], expectCode: 2, expectStderr: /missing sandbox ID/ },
  {
    name: 'missing sandbox ID off a terminal (snapshot create)',
    args: [L, 'sandbox', 'snapshot', 'create'],
    expectCode: 2,
    expectStderr: /missing sandbox ID/,
  },
  { name: 'snapshot rm without IDs', args: [L, 'sandbox', 'snapshot', 'rm'], expectCode: 2, expectStderr: /missing required argument 'ids'/ },

  // ── kill --all ───────────────────────────────────────────────────────────────────────────
  { name: 'kill --all without -y off a terminal', args: [L, 'sandbox', 'kill', '--all'], expectCode: 2, expectStderr: /without confirmation: add -y\/--yes/ },
  { name: 'kill with IDs and --all', args: [L, 'sandbox', 'kill', NO_SUCH_ID, '--all'], expectCode: 2, expectStderr: /IDs or --all, not both/ },
  {
    name: 'kill --metadata without --all',
    args: [L, 'sandbox', 'kill', NO_SUCH_ID, '--metadata', 'a=b'],
    expectCode: 2,
    expectStderr: /narrow --all; add --all/,
  },
  { name: 'kill --state without --all', args: [L, 'sandbox', 'kill', '--state', 'running'], expectCode: 2, expectStderr: /narrow --all; add --all/ },
  {
    name: 'kill --all --state with a bad state',
    args: [L, 'sandbox', 'kill', '--all', '--state', 'zombie'],
    expectCode: 2,
    expectStderr: /invalid --state "zombie"/,
  },

  // ── not found (real local backend) ────────────────────────────────────────────────────────
  { name: 'info of an unknown sandbox', args: [L, 'sandbox', 'info', NO_SUCH_ID], expectCode: 3, expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`) },
  {
    name: 'info of an unknown sandbox with --json',
    args: [L, '--json', 'sandbox', 'info', NO_SUCH_ID],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  { name: 'kill of an unknown sandbox', args: [L, 'sandbox', 'kill', NO_SUCH_ID], expectCode: 3, expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`) },
  {
    name: 'pause of an unknown sandbox',
    args: [L, 'sandbox', 'pause', NO_SUCH_ID],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  {
    name: 'resume of an unknown sandbox',
    args: [L, 'sandbox', 'resume', NO_SUCH_ID],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  {
    name: 'timeout of an unknown sandbox',
    args: [L, 'sandbox', 'timeout', NO_SUCH_ID, '5m'],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  {
    name: 'metrics of an unknown sandbox',
    args: [L, 'sandbox', 'metrics', NO_SUCH_ID],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  { name: 'logs of an unknown sandbox', args: [L, 'sandbox', 'logs', NO_SUCH_ID], expectCode: 3, expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`) },
  {
    name: 'url of an unknown sandbox',
    args: [L, 'sandbox', 'url', NO_SUCH_ID, '3000'],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  {
    name: 'snapshot create of an unknown sandbox',
    args: [L, 'sandbox', 'snapshot', 'create', NO_SUCH_ID],
    expectCode: 3,
    expectStderr: new RegExp(`sandbox ${NO_SUCH_ID} not found`),
  },
  {
    name: 'snapshot rm of an unknown snapshot',
    args: [L, 'sandbox', 'snapshot', 'rm', 'no-such-snapshot'],
    expectCode: 3,
    expectStderr: /snapshot no-such-snapshot not found/,
  },
  { name: 'create from an unknown template', args: [L, 'sandbox', 'create', 'no-such-template'], expectCode: 3, expectStderr: /no-such-template/ },

  // ── credentials and connection ────────────────────────────────────────────────────────────
  { name: 'missing API key (no --local)', args: ['sandbox', 'ls'], expectCode: 4, expectStderr: /no API key.*E2B_API_KEY/ },
  {
    name: 'malformed API key in E2B_API_KEY',
    args: ['sandbox', 'ls'],
    env: { E2B_API_KEY: 'not-a-key' },
    expectCode: 4,
    expectStderr: /invalid API key format/,
  },
  { name: 'malformed API key in --api-key', args: ['sandbox', 'ls', '--api-key', 'e2b_XYZ'], expectCode: 4, expectStderr: /invalid API key format/ },
  {
    name: 'wrong API key against the local backend (401)',
    args: ['sandbox', 'ls', '--api-url', '$BACKEND'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 4,
    expectStderr: /unauthorized/i,
  },
  {
    name: 'unreachable API URL',
    args: ['sandbox', 'ls', '--api-url', 'http://127.0.0.1:1'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 1,
    expectStderr: /cannot reach http:\/\/127\.0\.0\.1:1/,
  },
  {
    name: 'unreachable API URL from E2B_API_URL',
    args: ['sandbox', 'info', NO_SUCH_ID],
    env: { E2B_API_KEY: WRONG_KEY, E2B_API_URL: 'http://127.0.0.1:1' },
    expectCode: 1,
    expectStderr: /cannot reach http:\/\/127\.0\.0\.1:1/,
  },
  { name: 'malformed --api-url', args: ['sandbox', 'ls', '--api-url', 'not a url'], env: { E2B_API_KEY: WRONG_KEY }, expectCode: 2, expectStderr: /not a url/ },
  {
    name: '--local with --api-url',
    args: [L, 'sandbox', 'ls', '--api-url', 'http://127.0.0.1:1'],
    expectCode: 2,
    expectStderr: /--local cannot be combined with --api-url/,
  },
  { name: '--local with --api-key', args: [L, 'sandbox', 'ls', '--api-key', WRONG_KEY], expectCode: 2, expectStderr: /--local cannot be combined/ },
  {
    name: 'E2B_TS_LOCAL=1 with --profile',
    args: ['sandbox', 'ls', '--profile', 'work'],
    env: { E2B_TS_LOCAL: '1' },
    expectCode: 2,
    expectStderr: /--local cannot be combined/,
  },
  {
    name: 'unknown profile',
    args: ['sandbox', 'ls', '--profile', 'nope'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 2,
    expectStderr: /no profile named "nope"/,
  },

  // ── server failures (fake E2B API) ────────────────────────────────────────────────────────
  {
    name: 'server 500 on ls',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/ls500'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 1,
    expectStderr: /500.*database exploded/,
    attempts: ['ls500', 1],
  },
  {
    name: 'server 500 on create (not retried)',
    args: ['sandbox', 'create', '--api-url', '$FAKE/create500'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 1,
    expectStderr: /500.*scheduler unavailable/,
    attempts: ['create500', 1],
  },
  {
    name: 'server 500 with an HTML page (no markup in the line)',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/html500'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 1,
    expectStderr: /500/,
    rejectStderr: /<\/?[a-z]+[^>]*>/i,
  },
  {
    name: 'server 429 on ls (retried, then exit 6)',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/ls429'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 6,
    expectStderr: /rate limit.*too many requests/i,
    attempts: ['ls429', 3],
  },
  {
    name: 'server 429 on create (quota)',
    args: ['sandbox', 'create'],
    env: { E2B_API_KEY: WRONG_KEY, E2B_API_URL: '$FAKE/create429' },
    expectCode: 6,
    expectStderr: /concurrent sandbox limit reached/,
    attempts: ['create429', 3],
  },
  { name: 'server 404 on ls', args: ['sandbox', 'ls', '--api-url', '$FAKE/ls404'], env: { E2B_API_KEY: WRONG_KEY }, expectCode: 3, expectStderr: /not found/ },
  {
    name: 'server 401',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/ls401'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 4,
    expectStderr: /unauthorized.*Invalid API key/,
  },
  {
    name: 'server 403',
    args: ['sandbox', 'info', NO_SUCH_ID, '--api-url', '$FAKE/info403'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 4,
    expectStderr: /forbidden.*team is blocked/,
  },
  {
    name: 'server 400 (InvalidArgument)',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/ls400'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 2,
    expectStderr: /invalid state filter/,
  },
  {
    name: 'server 408 (timeout)',
    args: ['sandbox', 'info', NO_SUCH_ID, '--api-url', '$FAKE/info408'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 5,
    expectStderr: /timed out/,
  },
  {
    name: 'server 504 on ls (retried, then timeout)',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/ls504'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 5,
    expectStderr: /timed out \(504\)/,
    attempts: ['ls504', 3],
  },
  {
    name: 'server 507 (no space)',
    args: ['sandbox', 'create', '--api-url', '$FAKE/create507'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 6,
    expectStderr: /no space left/,
  },
  {
    name: 'server answers 200 with a broken body',
    args: ['sandbox', 'ls', '--api-url', '$FAKE/lsBadJson'],
    env: { E2B_API_KEY: WRONG_KEY },
    expectCode: 1,
    expectStderr: /./,
  },
];

let backend: LocalBackend;
let fake: FakeApi;
let configDir: string;
let running: string;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'e2bts-badinput-config-'));
  [backend, fake] = await Promise.all([startLocalBackend(), startFakeApi(SCENARIOS)]);
  // `kill --all` only asks for confirmation when there is something to kill.
  const created = await runCli(['--local', 'sandbox', 'create', '--metadata', 'suite=bad-input'], {
    env: { E2B_TS_HOME: backend.home, E2B_TS_CONFIG_DIR: configDir },
  });
  if (created.code !== 0) throw new Error(`could not create the fixture sandbox: ${created.stderr}`);
  running = created.stdout.trim();
});

afterAll(async () => {
  await fake?.close();
  await backend?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

function substitute(text: string): string {
  return text.replaceAll('$FAKE', fake.url).replaceAll('$BACKEND', backend.url).replaceAll('$RUNNING', running);
}

describe('bad input: one clear line on stderr and the exit code of the table', () => {
  it('has at least 30 distinct cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => JSON.stringify([c.args, c.env ?? {}]))).size).toBe(CASES.length);
  });

  it.concurrent.each(CASES)('$name → exit $expectCode', async (c) => {
    const env: Record<string, string> = { E2B_TS_HOME: backend.home, E2B_TS_CONFIG_DIR: configDir };
    for (const [k, v] of Object.entries(c.env ?? {})) env[k] = substitute(v);
    const res = await runCli(c.args.map(substitute), { env, ...(c.input !== undefined ? { input: c.input } : {}), timeoutMs: 30_000 });
    const what = describeResult(c, c.args.map(substitute), res);
    expectClearFailure(c, res, what);
    if (c.attempts) {
      const [scenario, n] = c.attempts;
      expect(fake.attempts(scenario), `${what}\n  → requests seen by the fake server for ${scenario}`).toBe(n);
    }
  });
});

describe('a reader that goes away (`e2b-ts ... | head`)', () => {
  /** Runs the CLI with the read end of its stdout closed before it writes anything. */
  function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliBin, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it.each([[['--help']], [['completion', 'bash']]])('%j ends quietly with 141, as SIGPIPE would', async (args) => {
    const res = await withClosedStdout(args);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(141);
  });
});
