/**
 * Differential: our client runs the same command scenarios as the official SDK
 * (commands-scenarios.ts), then both clients run the same commands in one sandbox of the local
 * backend and the results are compared side by side: the same stdout/stderr/exitCode/error for
 * the same command, equal CommandExitError fields, the same error classes (TimeoutError,
 * InvalidArgumentError, NotFoundError), equal list() entries, the same kill() booleans, and
 * processes started by one client attached to, fed and killed by the other.
 *
 * Beyond the SDK, our client hands out raw output bytes (onOutput, the stdout iterable) and the
 * number of the signal that killed a process; both are checked here too.
 *
 * The official SDK reads the values of `e2b-ts local env` from process.env; our client gets the
 * same values as explicit connection options.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import {
  CREATE_ENVS,
  SILENT_CMD,
  TextCollector,
  defineCommandScenarios,
  expectSilentOutcome,
  exitErrorOf,
  makeBigFile,
  ourCommandsClient,
  ourConnection,
  ourSandbox,
  resultOf,
  runSilent,
  sdkCommandsClient,
  sha256,
  shellArgs,
  unique,
  type CmdResult,
  type CommandsClient,
  type CommandsSandbox,
  type CommandsUnderTest,
  type ProcInfo,
  type RunOpts,
} from './commands-scenarios.js';
import { rejection, startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;
let oursClient: CommandsClient;
const sdkClient = sdkCommandsClient;

beforeAll(async () => {
  ({ backend, env } = await startLocalEnv());
  oursClient = ourCommandsClient(env);
});
afterAll(async () => {
  await backend?.dispose();
});

/** Names of an error's class and its ancestors, e.g. TimeoutError → SandboxError → Error. */
function classChain(error: Error): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    names.push(proto.constructor.name);
  }
  return names;
}

/** What a call came to, comparable across clients (messages only where both word them alike). */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await call();
    if (value && typeof value === 'object' && 'exitCode' in value) return { ok: resultOf(value as CmdResult) };
    return value === undefined ? 'ok' : value;
  } catch (error) {
    const e = error as Error;
    const base = { throws: e.name, chain: classChain(e) };
    // CommandExitError's message is envd's `error` text in both clients.
    if (e.name === 'CommandExitError') return { ...base, ...resultOf(e as unknown as CmdResult), message: e.message };
    return base;
  }
}

/**
 * A `process.Process/Start` call on the wire, as the SDKs make it (Connect JSON streaming,
 * `Keepalive-Ping-Interval: 50`, no deadline): the kinds of the events in order.
 */
async function rawStartEvents(sandboxId: string, accessToken: string | undefined, cmd: string): Promise<string[]> {
  const json = Buffer.from(JSON.stringify({ process: { cmd: '/bin/bash', args: shellArgs(cmd) }, stdin: false }));
  const envelope = Buffer.alloc(5 + json.length);
  envelope.writeUInt32BE(json.length, 1);
  json.copy(envelope, 5);
  const res = await fetch(`${env.E2B_SANDBOX_URL}/process.Process/Start`, {
    method: 'POST',
    headers: {
      'content-type': 'application/connect+json',
      'connect-protocol-version': '1',
      'keepalive-ping-interval': '50',
      'e2b-sandbox-id': sandboxId,
      'e2b-sandbox-port': '49983',
      ...(accessToken ? { 'x-access-token': accessToken } : {}),
    },
    body: envelope,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/connect+json');
  const body = Buffer.from(await res.arrayBuffer());
  const kinds: string[] = [];
  for (let offset = 0; offset < body.length; ) {
    const flags = body[offset];
    const length = body.readUInt32BE(offset + 1);
    const message = JSON.parse(body.subarray(offset + 5, offset + 5 + length).toString('utf8')) as {
      event?: Record<string, unknown>;
      error?: unknown;
    };
    offset += 5 + length;
    if (flags & 0x02) {
      expect(message).toEqual({});
      kinds.push('end-of-stream');
    } else {
      kinds.push(Object.keys(message.event ?? {})[0] ?? 'unknown');
    }
  }
  return kinds;
}

describe('our client runs the conformance scenarios', () => {
  defineCommandScenarios(() => oursClient);
});

describe('differential: the official SDK and our client, command by command', () => {
  // One sandbox, made by the SDK; our client connects to it. Both act on the same processes.
  let viaSdk: CommandsSandbox;
  let viaOurs: CommandsSandbox;
  let oursSandbox: ours.Sandbox;
  let sdk: CommandsUnderTest;
  let mine: CommandsUnderTest;

  beforeAll(async () => {
    viaSdk = await sdkClient.create({ envs: CREATE_ENVS, timeoutMs: 600_000 });
    oursSandbox = await ours.Sandbox.connect(viaSdk.sandboxId, ourConnection(env));
    viaOurs = ourSandbox(oursSandbox);
    sdk = viaSdk.commands;
    mine = viaOurs.commands;
  });
  afterAll(async () => {
    await viaSdk?.kill().catch(() => false);
  });

  it('the same commands give the same results, exit errors and error classes', async () => {
    const missing = `/no/such/dir-${unique()}`;
    const who = 'printf "%s|%s|%s|%s" "$(whoami)" "$(id -u)" "$HOME" "$(pwd)"';
    const cases: Array<[string, string, RunOpts?]> = [
      ['stdout and stderr', 'echo out; echo err >&2; printf tail'],
      ['utf-8', "printf 'h\\303\\251 \\342\\234\\223'"],
      ['no output', 'true'],
      ['exit 3', 'echo partial; echo oops >&2; exit 3'],
      ['exit 137', 'exit 137'],
      ['kill -9 $$', 'echo before; kill -9 $$'],
      ['SIGTERM to itself', 'kill -TERM $$'],
      ['sandbox envs', 'printf "%s|%s|%s" "$CONF_CREATE" "$CONF_BOTH" "$CONF_ODD"'],
      ['command envs override', 'printf "%s|%s|%s" "$CONF_CREATE" "$CONF_BOTH" "$CONF_CMD"', { envs: { CONF_BOTH: 'cmd', CONF_CMD: 'x y' } }],
      ['cwd', 'pwd', { cwd: '/tmp' }],
      ['missing cwd', 'pwd', { cwd: missing }],
      ['default user', who],
      ['user root', who, { user: 'root' }],
      ['user user', who, { user: 'user' }],
      ['stdin at end of file', 'cat; echo eof'],
      ['timeoutMs', 'sleep 5', { timeoutMs: 500 }],
    ];
    const fromSdk: Record<string, unknown> = {};
    const fromOurs: Record<string, unknown> = {};
    for (const [label, cmd, opts] of cases) {
      fromSdk[label] = await outcome(() => sdk.run(cmd, opts));
      fromOurs[label] = await outcome(() => mine.run(cmd, opts));
    }
    expect(fromOurs).toEqual(fromSdk);

    // The reference itself is E2B's behaviour (so the comparison is not vacuous).
    const exit = (r: CmdResult & { message: string }) => ({ throws: 'CommandExitError', chain: ['CommandExitError', 'SandboxError', 'Error'], ...r });
    expect(fromSdk).toEqual({
      'stdout and stderr': { ok: { exitCode: 0, stdout: 'out\ntail', stderr: 'err\n' } },
      'utf-8': { ok: { exitCode: 0, stdout: 'hé ✓', stderr: '' } },
      'no output': { ok: { exitCode: 0, stdout: '', stderr: '' } },
      'exit 3': exit({ exitCode: 3, error: 'exit status 3', message: 'exit status 3', stdout: 'partial\n', stderr: 'oops\n' }),
      'exit 137': exit({ exitCode: 137, error: 'exit status 137', message: 'exit status 137', stdout: '', stderr: '' }),
      'kill -9 $$': exit({ exitCode: -1, error: 'signal: killed', message: 'signal: killed', stdout: 'before\n', stderr: '' }),
      'SIGTERM to itself': exit({ exitCode: -1, error: 'signal: terminated', message: 'signal: terminated', stdout: '', stderr: '' }),
      'sandbox envs': { ok: { exitCode: 0, stdout: `from-create|from-create|${CREATE_ENVS.CONF_ODD}`, stderr: '' } },
      'command envs override': { ok: { exitCode: 0, stdout: 'from-create|cmd|x y', stderr: '' } },
      cwd: { ok: { exitCode: 0, stdout: '/tmp\n', stderr: '' } },
      'missing cwd': { throws: 'InvalidArgumentError', chain: ['InvalidArgumentError', 'SandboxError', 'Error'] },
      'default user': { ok: { exitCode: 0, stdout: 'user|1000|/home/user|/home/user', stderr: '' } },
      'user root': { ok: { exitCode: 0, stdout: 'root|0|/root|/root', stderr: '' } },
      'user user': { ok: { exitCode: 0, stdout: 'user|1000|/home/user|/home/user', stderr: '' } },
      'stdin at end of file': { ok: { exitCode: 0, stdout: 'eof\n', stderr: '' } },
      timeoutMs: { throws: 'TimeoutError', chain: ['TimeoutError', 'SandboxError', 'Error'] },
    });
  });

  it('both word the missing cwd with envd text; both refuse an unknown user; both throw TimeoutError-named errors for timeoutMs', async () => {
    const missing = `/no/such/dir-${unique()}`;
    const [a, b] = [await rejection(sdk.run('pwd', { cwd: missing })), await rejection(mine.run('pwd', { cwd: missing }))];
    for (const e of [a, b]) {
      expect(e.name).toBe('InvalidArgumentError');
      expect(e.message).toContain(`cwd '${missing}' does not exist`);
    }
    // An unknown user is an AuthenticationError in both (ours also derives it from SandboxError,
    // by design; the SDK's derives from Error only).
    const nobody = `nobody-${unique()}`;
    const [ua, ub] = [await rejection(sdk.run('true', { user: nobody })), await rejection(mine.run('true', { user: nobody }))];
    expect([ua.name, ub.name]).toEqual(['AuthenticationError', 'AuthenticationError']);
    expect(ua.message).toContain(`invalid username: '${nobody}'`);
    expect(ub.message).toContain(`invalid username: '${nobody}'`);

    const [ta, tb] = await Promise.all([rejection(sdk.run('sleep 5', { timeoutMs: 500 })), rejection(mine.run('sleep 5', { timeoutMs: 500 }))]);
    expect(ta).toBeInstanceOf(sdkClient.errors.TimeoutError);
    expect(tb).toBeInstanceOf(ours.TimeoutError);
    expect([ta.name, tb.name]).toEqual(['TimeoutError', 'TimeoutError']);
    expect((tb as ours.TimeoutError).code).toBe('E2B_TIMEOUT');
    // Ours says what happened: a started command was killed; an attached one keeps running.
    expect(tb.message).toContain('killed');
    const running = await mine.start('sleep 604');
    const [ca, cb] = [
      await rejection(sdk.connect(running.pid, { timeoutMs: 300 }).then((h) => h.wait())),
      await rejection(mine.connect(running.pid, { timeoutMs: 300 }).then((h) => h.wait())),
    ];
    expect([ca.name, cb.name]).toEqual(['TimeoutError', 'TimeoutError']);
    expect(cb.message).toContain('keeps running');
    expect(await sdk.kill(running.pid)).toBe(true);
    await rejection(running.wait());
  });

  it('CommandExitError carries equal fields; our client also reports the killing signal', async () => {
    for (const cmd of ['echo o; echo e >&2; exit 3', 'echo o; kill -9 $$', 'exit 137']) {
      const [a, b] = [await exitErrorOf(sdkClient, sdk.run(cmd)), await exitErrorOf(oursClient, mine.run(cmd))];
      expect(b, cmd).toEqual(a);
    }
    const killed = await oursSandbox.commands.start('echo before; kill -9 $$');
    expect(await killed.finished()).toEqual({ exitCode: -1, error: 'signal: killed', signal: 9, stdout: 'before\n', stderr: '' });
    const terminated = await oursSandbox.commands.start('kill -TERM $$');
    expect(await terminated.finished()).toEqual({ exitCode: -1, error: 'signal: terminated', signal: 15, stdout: '', stderr: '' });
    const exited = await oursSandbox.commands.start('exit 3');
    expect(await exited.finished()).toEqual({ exitCode: 3, error: 'exit status 3', stdout: '', stderr: '' });
    const error = await rejection(oursSandbox.commands.run('exit 3'));
    expect(error).toBeInstanceOf(ours.CommandExitError);
    expect((error as ours.CommandExitError).code).toBe('E2B_COMMAND_EXIT');
  });

  it('list(): the same entries (pid, cmd, args, envs, cwd) through both, whoever started them; kill() answers alike', async () => {
    const sdkCmd = `sleep 601 # by-sdk-${unique()}`;
    const oursCmd = `sleep 602 # by-ours-${unique()}`;
    const bySdk = await sdk.start(sdkCmd, { envs: { BY: 'sdk' }, cwd: '/tmp' });
    const byOurs = await mine.start(oursCmd, { envs: { BY: 'ours' } });
    const pids = [bySdk.pid, byOurs.pid];
    const mineOnly = (list: ProcInfo[]) => list.filter((p) => pids.includes(p.pid)).sort((x, y) => x.pid - y.pid);

    const [listedBySdk, listedByOurs] = [mineOnly(await sdk.list()), mineOnly(await mine.list())];
    expect(listedByOurs).toEqual(listedBySdk);
    expect(listedBySdk).toEqual(
      [
        { pid: bySdk.pid, cmd: '/bin/bash', args: shellArgs(sdkCmd), envs: { BY: 'sdk' }, cwd: '/tmp' },
        { pid: byOurs.pid, cmd: '/bin/bash', args: shellArgs(oursCmd), envs: { BY: 'ours' } },
      ].sort((x, y) => x.pid - y.pid),
    );

    // Each kills the other's process: true; then both answer false for both.
    expect(await mine.kill(bySdk.pid)).toBe(true);
    expect(await sdk.kill(byOurs.pid)).toBe(true);
    const [endA, endB] = [await exitErrorOf(sdkClient, bySdk.wait()), await exitErrorOf(oursClient, byOurs.wait())];
    expect(endB).toEqual(endA);
    expect(endA).toEqual({ exitCode: -1, error: 'signal: killed', message: 'signal: killed', stdout: '', stderr: '' });
    expect([await sdk.kill(bySdk.pid), await mine.kill(bySdk.pid), await sdk.kill(byOurs.pid), await mine.kill(byOurs.pid)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(mineOnly(await mine.list())).toEqual([]);
    expect(mineOnly(await sdk.list())).toEqual([]);
  });

  it("each client attaches to the other's background process, feeds its stdin and gets the same output", async () => {
    for (const [starter, attacher, starterClient, attacherClient] of [
      [sdk, mine, sdkClient, oursClient],
      [mine, sdk, oursClient, sdkClient],
    ] as const) {
      const before = new TextCollector();
      const h = await starter.start('echo ready; cat; echo bye >&2', { stdin: true, onStdout: before.push });
      await before.until('ready\n');
      const [out, err] = [new TextCollector(), new TextCollector()];
      const attached = await attacher.connect(h.pid, { onStdout: out.push, onStderr: err.push });
      await attacher.sendStdin(h.pid, 'one\n');
      await out.until('one\n');
      await starter.sendStdin(h.pid, 'two\n');
      await attacher.closeStdin(h.pid);
      const [viaStarter, viaAttacher] = [resultOf(await h.wait()), resultOf(await attached.wait())];
      expect(viaStarter, `${starterClient.label} started`).toEqual({ exitCode: 0, stdout: 'ready\none\ntwo\n', stderr: 'bye\n' });
      expect(viaAttacher, `${attacherClient.label} attached`).toEqual({ exitCode: 0, stdout: 'one\ntwo\n', stderr: 'bye\n' });
      expect(out.text + err.text).toBe('one\ntwo\nbye\n');
    }
  });

  it('unknown pids and stdin misuse: the same outcomes and error classes through both', async () => {
    const noStdin = await sdk.start('sleep 603');
    const pid = 999_999;
    const calls = (c: CommandsUnderTest) => [
      () => c.kill(pid),
      () => c.connect(pid),
      () => c.sendStdin(pid, 'x'),
      () => c.closeStdin(pid),
      () => c.sendStdin(noStdin.pid, 'x'),
    ];
    const [a, b] = [[] as unknown[], [] as unknown[]];
    for (const call of calls(sdk)) a.push(await outcome(call));
    for (const call of calls(mine)) b.push(await outcome(call));
    expect(b).toEqual(a);
    const notFound = { throws: 'NotFoundError', chain: ['NotFoundError', 'SandboxError', 'Error'] };
    expect(a).toEqual([false, notFound, notFound, notFound, { throws: 'SandboxError', chain: ['SandboxError', 'Error'] }]);
    // Both name envd's reason for the stdin failure.
    const [ea, eb] = [await rejection(sdk.sendStdin(noStdin.pid, 'x')), await rejection(mine.sendStdin(noStdin.pid, 'x'))];
    expect(ea.message).toContain('stdin not enabled or closed');
    expect(eb.message).toContain('stdin not enabled or closed');
    expect(await mine.kill(noStdin.pid)).toBe(true);
    await rejection(noStdin.wait());
  });

  it('10 MB through both: the same base64 text; our raw bytes (onOutput and the stdout iterable) hash as sha256sum does', async () => {
    const path = `/tmp/big-${unique()}`;
    const digest = await makeBigFile(sdk, path);

    const [a, b] = [await sdk.run(`base64 -w0 ${path}`), await mine.run(`base64 -w0 ${path}`)];
    expect(b.stdout.length).toBe(a.stdout.length);
    expect(sha256(b.stdout)).toBe(sha256(a.stdout));
    expect(sha256(Buffer.from(a.stdout, 'base64'))).toBe(digest);

    // Raw bytes, no text decoding: through onOutput, not collected.
    const hash = createHash('sha256');
    let size = 0;
    const streams = new Set<string>();
    const viaCallback = await oursSandbox.commands.start(`cat ${path}`, {
      collect: false,
      onOutput: (stream, data) => {
        streams.add(stream);
        hash.update(data);
        size += data.length;
      },
    });
    expect(await viaCallback.finished()).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect([...streams]).toEqual(['stdout']);
    expect(size).toBe(10_000_000);
    expect(hash.digest('hex')).toBe(digest);

    // Through the stdout iterable, taken right after start.
    const viaIterable = await oursSandbox.commands.start(`cat ${path}`, { collect: false });
    const iterHash = createHash('sha256');
    let iterSize = 0;
    for await (const chunk of viaIterable.stdoutStream) {
      iterHash.update(chunk);
      iterSize += chunk.length;
    }
    expect((await viaIterable.finished()).exitCode).toBe(0);
    expect(iterSize).toBe(10_000_000);
    expect(iterHash.digest('hex')).toBe(digest);
    await sdk.run(`rm -f ${path}`);
  });

  it('keepalive: a command silent for 70 s completes with both lines through both clients (timeoutMs 0 and 120000)', async () => {
    // One silence for all the runs: they go concurrently. Next to the clients, the same call on
    // the wire shows what kept the stream up: a keepalive event during the silence (the SDKs
    // ask for one every 50 s).
    const [wire, ...runs] = await Promise.all([
      rawStartEvents(oursSandbox.sandboxId, oursSandbox.envdAccessToken, SILENT_CMD),
      runSilent(mine, 0),
      runSilent(mine, 120_000),
      runSilent(sdk, 0),
      runSilent(sdk, 120_000),
    ]);
    for (const run of runs) expectSilentOutcome(run);
    expect(runs.slice(0, 2)).toEqual(runs.slice(2));
    expect(wire).toEqual(['start', 'data', 'keepalive', 'data', 'end', 'end-of-stream']);
  }, 150_000);
});
