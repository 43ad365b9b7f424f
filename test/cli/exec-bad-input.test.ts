/**
 * Acceptance (issue #3, "Bad input"): wrong invocations of `exec`, `run` and `proc` end with ONE
 * clear line on stderr, the exit code of design.md's table, nothing on stdout and no stack trace.
 * Same style as bad-input.test.ts: the built CLI as a subprocess (stdin a pipe, never a terminal)
 * against a real local backend.
 *
 * Exit codes: 2 usage, 3 not found, 125 the CLI failed around the remote process (exec/run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, expectClearFailure, type BadInputCase } from '../helpers/bad-input.js';
import { runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

/** A well-formed sandbox ID that does not exist. */
const NO_SUCH_ID = 'i0nosuchsandbox0000000';
/** A PID no process in a fresh sandbox has (envd and bwrap are 1 and 2; ours start above). */
const NO_SUCH_PID = '99999';

interface Case extends BadInputCase {
  /** `$RUNNING` (a running sandbox) is substituted. */
  args: string[];
}

const L = '--local';
const R = '$RUNNING';
const notFound = (id: string) => new RegExp(`sandbox ${id} not found`);
/** An unknown PID must be reported as such, never as a missing sandbox. */
const notASandboxProblem = /sandbox \S+ not found/;

const CASES: Case[] = [
  // ── exec: the command line ────────────────────────────────────────────────────────────────
  { name: 'exec: unknown sandbox', args: [L, 'exec', NO_SUCH_ID, '--', 'ls'], expectCode: 3, expectStderr: notFound(NO_SUCH_ID) },
  { name: 'exec: invalid sandbox ID', args: [L, 'exec', 'NOT/AN/ID', '--', 'ls'], expectCode: 2, expectStderr: /invalid sandbox ID "NOT\/AN\/ID"/ },
  // Without --, the words after the sandbox ID are the command (PowerShell drops a bare --, issue 17):
  // `exec ID ls` and `exec ID ls -la` run ls (exec-cli.test.ts). Nothing after the ID is still refused.
  { name: 'exec: sandbox only, no command', args: [L, 'exec', R], expectCode: 2, expectStderr: /missing command: e2b-ts exec <sandbox> \[--\] <command>/ },
  { name: 'exec: nothing after --', args: [L, 'exec', R, '--'], expectCode: 2, expectStderr: /empty command/ },
  { name: 'exec: empty program after --', args: [L, 'exec', R, '--', ''], expectCode: 2, expectStderr: /empty command/ },
  {
    name: 'exec: bad --env (no "=")',
    args: [L, 'exec', R, '--env', 'NOEQUALS', '--', 'ls'],
    expectCode: 2,
    expectStderr: /invalid --env "NOEQUALS".*KEY=VALUE/,
  },
  { name: 'exec: bad --env (empty key)', args: [L, 'exec', R, '--env', '=x', '--', 'ls'], expectCode: 2, expectStderr: /invalid --env "=x".*KEY=VALUE/ },
  { name: 'exec: bad --timeout (5x)', args: [L, 'exec', R, '--timeout', '5x', '--', 'ls'], expectCode: 2, expectStderr: /invalid timeout "5x"/ },
  { name: 'exec: zero --timeout', args: [L, 'exec', R, '--timeout', '0', '--', 'ls'], expectCode: 2, expectStderr: /invalid timeout "0".*greater than zero/ },
  {
    name: 'exec: --shell and a command after --',
    args: [L, 'exec', R, '--shell', 'ls', '--', 'ls'],
    expectCode: 2,
    expectStderr: /either --shell or a command, not both/,
  },
  {
    name: 'exec: --shell and a command without --',
    args: [L, 'exec', R, '--shell', 'ls', 'pwd'],
    expectCode: 2,
    expectStderr: /either --shell or a command, not both/,
  },
  { name: 'exec: empty --shell', args: [L, 'exec', R, '--shell', ' '], expectCode: 2, expectStderr: /--shell needs a command line/ },
  // PowerShell made `exec ID -- grep -v -- x` of `exec ID grep -v -- x`: refused, never read as our -v (the version)
  {
    name: 'exec: a command before a second -- (PowerShell dropped the first)',
    args: [L, 'exec', R, 'grep', '-v', '--', 'x'],
    expectCode: 2,
    expectStderr: /expected one sandbox ID before --, got 2: \S+ grep \(in PowerShell a bare -- is dropped: quote it, '--'\)/,
  },
  {
    name: 'exec: two sandbox IDs before --',
    args: [L, 'exec', R, NO_SUCH_ID, '--', 'ls'],
    expectCode: 2,
    expectStderr: /expected one sandbox ID before --, got 2/,
  },
  // The hint must name the real command (`exec`), not a `sandbox exec` that does not exist.
  { name: 'exec: no sandbox off a terminal', args: [L, 'exec', '--', 'ls'], expectCode: 2, expectStderr: /missing sandbox ID/, rejectStderr: /sandbox exec/ },
  { name: 'exec: unknown option', args: [L, 'exec', R, '--bogus', '--', 'ls'], expectCode: 2, expectStderr: /unknown option '--bogus'/ },

  // ── exec: refused by the sandbox, around the remote process (125) ─────────────────────────
  {
    name: 'exec: invalid --user',
    args: [L, 'exec', R, '--user', 'nobody2', '--', 'ls'],
    expectCode: 125,
    expectStderr: /nobody2/,
    rejectStderr: notASandboxProblem,
  },
  {
    name: 'exec: missing --cwd',
    args: [L, 'exec', R, '--cwd', '/nope', '--', 'ls'],
    expectCode: 125,
    expectStderr: /\/nope/,
    rejectStderr: notASandboxProblem,
  },
  { name: 'exec: missing --cwd with --shell', args: [L, 'exec', R, '--cwd', '/nope', '--shell', 'ls'], expectCode: 125, expectStderr: /\/nope/ },
  {
    name: 'exec --background: invalid --user',
    args: [L, 'exec', R, '--background', '--user', 'nobody2', '--', 'sleep', '1'],
    expectCode: 125,
    expectStderr: /nobody2/,
  },
  {
    name: 'exec --json: missing --cwd (error on stderr, nothing on stdout)',
    args: [L, 'exec', R, '--json', '--cwd', '/nope', '--', 'ls'],
    expectCode: 125,
    expectStderr: /\/nope/,
  },

  // ── run ───────────────────────────────────────────────────────────────────────────────────
  { name: 'run: unknown template', args: [L, 'run', 'no-such-template', '--', 'ls'], expectCode: 3, expectStderr: /no-such-template/ },
  // `run ls` runs ls (the template goes by --template without --); only no command at all is refused
  { name: 'run: no command', args: [L, 'run', '--timeout', '1m'], expectCode: 2, expectStderr: /missing command: e2b-ts run/ },
  {
    name: 'run: a template before -- and --template',
    args: [L, 'run', 'base', '--template', 'base', '--', 'ls'],
    expectCode: 2,
    expectStderr: /two templates/,
  },
  { name: 'run: nothing after --', args: [L, 'run', '--'], expectCode: 2, expectStderr: /empty command/ },
  { name: 'run: two templates before --', args: [L, 'run', 'base', 'other', '--', 'ls'], expectCode: 2, expectStderr: /at most one template before --/ },
  { name: 'run: bad --env', args: [L, 'run', '--env', 'NOEQUALS', '--', 'ls'], expectCode: 2, expectStderr: /invalid --env "NOEQUALS"/ },
  { name: 'run: bad --metadata', args: [L, 'run', '--metadata', 'foo', '--', 'ls'], expectCode: 2, expectStderr: /invalid metadata "foo"/ },
  { name: 'run: bad --timeout', args: [L, 'run', '--timeout', 'soon', '--', 'ls'], expectCode: 2, expectStderr: /invalid timeout "soon"/ },
  { name: 'run: --shell and a command after --', args: [L, 'run', '--shell', 'ls', '--', 'ls'], expectCode: 2, expectStderr: /not both/ },
  { name: 'run: invalid --user', args: [L, 'run', '--user', 'nobody2', '--', 'ls'], expectCode: 125, expectStderr: /nobody2/ },
  { name: 'run: missing --cwd', args: [L, 'run', '--cwd', '/nope', '--', 'ls'], expectCode: 125, expectStderr: /\/nope/ },

  // ── proc ──────────────────────────────────────────────────────────────────────────────────
  { name: 'proc kill: bad signal name', args: [L, 'proc', 'kill', R, '1', '--signal', 'BOGUS'], expectCode: 2, expectStderr: /invalid signal "BOGUS"/ },
  { name: 'proc kill: signal number not in the list', args: [L, 'proc', 'kill', R, '1', '--signal', '99'], expectCode: 2, expectStderr: /invalid signal "99"/ },
  {
    name: 'proc kill: unknown PID',
    args: [L, 'proc', 'kill', R, NO_SUCH_PID],
    expectCode: 3,
    expectStderr: /no process with PID 99999/,
    rejectStderr: notASandboxProblem,
  },
  {
    name: 'proc kill: unknown PID with --signal TERM',
    args: [L, 'proc', 'kill', R, NO_SUCH_PID, '--signal', 'TERM'],
    expectCode: 3,
    expectStderr: /PID 99999|pid 99999/,
    rejectStderr: notASandboxProblem,
  },
  { name: 'proc kill: non-numeric PID', args: [L, 'proc', 'kill', R, 'abc'], expectCode: 2, expectStderr: /invalid PID "abc"/ },
  { name: 'proc kill: PID 0', args: [L, 'proc', 'kill', R, '0'], expectCode: 2, expectStderr: /invalid PID "0"/ },
  { name: 'proc kill: unknown sandbox', args: [L, 'proc', 'kill', NO_SUCH_ID, '5'], expectCode: 3, expectStderr: notFound(NO_SUCH_ID) },
  { name: 'proc kill: missing PID', args: [L, 'proc', 'kill', R], expectCode: 2, expectStderr: /missing required argument 'pid'/ },
  {
    name: 'proc attach: unknown PID',
    args: [L, 'proc', 'attach', R, NO_SUCH_PID],
    expectCode: 3,
    expectStderr: /(PID|pid) 99999/,
    rejectStderr: notASandboxProblem,
  },
  { name: 'proc attach: non-numeric PID', args: [L, 'proc', 'attach', R, '12x'], expectCode: 2, expectStderr: /invalid PID "12x"/ },
  { name: 'proc attach: unknown sandbox', args: [L, 'proc', 'attach', NO_SUCH_ID, '5'], expectCode: 3, expectStderr: notFound(NO_SUCH_ID) },
  {
    name: 'proc stdin: unknown PID (with input)',
    args: [L, 'proc', 'stdin', R, NO_SUCH_PID],
    input: 'hello\n',
    expectCode: 3,
    expectStderr: /(PID|pid) 99999/,
    rejectStderr: notASandboxProblem,
  },
  {
    name: 'proc stdin: unknown PID (empty input)',
    args: [L, 'proc', 'stdin', R, NO_SUCH_PID],
    expectCode: 3,
    expectStderr: /(PID|pid) 99999/,
    rejectStderr: notASandboxProblem,
  },
  // Nothing to send and nothing to close must still not report success for a PID that does not exist.
  {
    name: 'proc stdin --no-close: unknown PID (empty input)',
    args: [L, 'proc', 'stdin', R, NO_SUCH_PID, '--no-close'],
    expectCode: 3,
    expectStderr: /(PID|pid) 99999/,
  },
  { name: 'proc stdin: non-numeric PID', args: [L, 'proc', 'stdin', R, 'x1'], expectCode: 2, expectStderr: /invalid PID "x1"/ },
  { name: 'proc stdin: unknown sandbox', args: [L, 'proc', 'stdin', NO_SUCH_ID, '5'], input: 'x', expectCode: 3, expectStderr: notFound(NO_SUCH_ID) },
  { name: 'proc ls: unknown sandbox', args: [L, 'proc', 'ls', NO_SUCH_ID], expectCode: 3, expectStderr: notFound(NO_SUCH_ID) },
  { name: 'proc ls: no sandbox off a terminal', args: [L, 'proc', 'ls'], expectCode: 2, expectStderr: /missing sandbox ID/, rejectStderr: /sandbox proc/ },
];

let backend: LocalBackend;
let running: string;

const cli = (args: string[], input?: string) =>
  runCli(args, { env: { E2B_TS_HOME: backend.home }, ...(input !== undefined ? { input } : {}), timeoutMs: 30_000 });

beforeAll(async () => {
  backend = await startLocalBackend();
  const created = await cli([L, 'sandbox', 'create', '--timeout', '1h', '--metadata', 'suite=exec-bad-input']);
  if (created.code !== 0) throw new Error(`could not create the fixture sandbox: ${created.stderr}`);
  running = created.stdout.trim();
});

afterAll(async () => {
  await backend?.dispose();
});

const substitute = (text: string) => text.replaceAll('$RUNNING', running);

describe('exec / run / proc bad input: one clear line on stderr and the exit code of the table', () => {
  it('has distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => JSON.stringify([c.args, c.input ?? '']))).size).toBe(CASES.length);
  });

  it.concurrent.each(CASES)('$name → exit $expectCode', async (c) => {
    const res = await cli(c.args.map(substitute), c.input);
    const what = describeResult(c, c.args.map(substitute), res);
    expectClearFailure(c, res, what);
  });

  // After every case above: none of them left a process in the fixture sandbox or a `run` sandbox.
  it('left no process behind in the sandbox and no run sandbox', async () => {
    const procs = await cli([L, 'proc', 'ls', running, '--json']);
    expect(procs.code, procs.stderr).toBe(0);
    expect(JSON.parse(procs.stdout)).toEqual([]);
    const left = await cli([L, 'sandbox', 'ls', '--metadata', 'e2b-ts=run', '--state', 'running,paused', '--json']);
    expect(left.code, left.stderr).toBe(0);
    expect(JSON.parse(left.stdout)).toEqual([]);
  });
});
