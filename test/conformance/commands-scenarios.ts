/**
 * The command scenarios of the conformance suite (envd's `process.Process` service, e2b-protocol.md
 * §4.3), written once against a small "commands under test" interface so the official `e2b` SDK
 * (commands-sdk.test.ts) and our own client (commands-differential.test.ts) run literally the same
 * operations and assertions.
 *
 * What the assertions expect is E2B's envd as the protocol reference describes it: stdout and
 * stderr kept apart, CommandExitError for a non-zero exit with envd's Go wait text as `error`
 * ("exit status 3", "signal: killed" with exit code -1), sandbox envs overridden by command envs,
 * InvalidArgumentError for a missing cwd, `user` → uid 1000 / root → uid 0, TimeoutError for a
 * command's `timeoutMs` (and the process SIGKILLed), Connect without replay, kill → true then
 * false, stdin fed over SendInput and closed over CloseStdin, large output without loss, and a
 * stream that stays up over a long silence (keepalives).
 *
 * The adapters for both clients live at the bottom of this file.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import { rejection, type LocalEnv } from './sandbox-scenarios.js';

/** What a finished command comes to (CommandResult in both clients). */
export interface CmdResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  error?: string;
}

export interface RunOpts {
  cwd?: string;
  user?: string;
  envs?: Record<string, string>;
  timeoutMs?: number;
  stdin?: boolean;
  onStdout?: (data: string) => void | Promise<void>;
  onStderr?: (data: string) => void | Promise<void>;
}

export interface ConnectOpts {
  timeoutMs?: number;
  onStdout?: (data: string) => void | Promise<void>;
  onStderr?: (data: string) => void | Promise<void>;
}

/** A background command (CommandHandle in both clients). */
export interface ProcHandle {
  pid: number;
  /** Resolves with the result on exit code 0; rejects with CommandExitError otherwise. */
  wait(): Promise<CmdResult>;
  kill(): Promise<boolean>;
  sendStdin(data: string | Uint8Array): Promise<void>;
  closeStdin(): Promise<void>;
  disconnect(): Promise<void> | void;
}

/** A process as `commands.list()` reports it. */
export interface ProcInfo {
  pid: number;
  tag?: string;
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
}

/** `sandbox.commands` of one client. */
export interface CommandsUnderTest {
  /** `commands.run(cmd, opts)`: waits for the end. */
  run(cmd: string, opts?: RunOpts): Promise<CmdResult>;
  /** `commands.run(cmd, { ...opts, background: true })`: the handle at once. */
  start(cmd: string, opts?: RunOpts): Promise<ProcHandle>;
  connect(pid: number, opts?: ConnectOpts): Promise<ProcHandle>;
  list(): Promise<ProcInfo[]>;
  kill(pid: number): Promise<boolean>;
  sendStdin(pid: number, data: string | Uint8Array): Promise<void>;
  closeStdin(pid: number): Promise<void>;
}

/** A sandbox as one client holds it. */
export interface CommandsSandbox {
  sandboxId: string;
  commands: CommandsUnderTest;
  kill(): Promise<boolean>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** One client library, bound to the local backend. */
export interface CommandsClient {
  label: string;
  errors: {
    SandboxError: ErrorClass;
    CommandExitError: ErrorClass;
    TimeoutError: ErrorClass;
    InvalidArgumentError: ErrorClass;
    NotFoundError: ErrorClass;
  };
  create(opts?: { envs?: Record<string, string>; timeoutMs?: number }): Promise<CommandsSandbox>;
  connect(sandboxId: string): Promise<CommandsSandbox>;
}

/** Only the CommandResult fields (our client adds `signal`, the SDK's handle has getters). */
export function resultOf(r: CmdResult): CmdResult {
  const out: CmdResult = { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  if (r.error !== undefined) out.error = r.error;
  return out;
}

/** The CommandExitError a call rejects with, as plain fields (fails on anything else). */
export async function exitErrorOf(client: CommandsClient, promise: Promise<unknown>): Promise<CmdResult & { message: string }> {
  const error = await rejection(promise);
  expect(error, `${error.name}: ${error.message}`).toBeInstanceOf(client.errors.CommandExitError);
  expect(error).toBeInstanceOf(client.errors.SandboxError);
  expect(error.name).toBe('CommandExitError');
  return { ...resultOf(error as unknown as CmdResult), message: error.message };
}

/** Collects streamed text and lets a test wait until some text has arrived (no fixed sleeps). */
export class TextCollector {
  text = '';
  chunks: string[] = [];
  private waiters: Array<{ needle: string; resolve: () => void }> = [];

  readonly push = (data: string): void => {
    this.text += data;
    this.chunks.push(data);
    this.waiters = this.waiters.filter((w) => {
      if (!this.text.includes(w.needle)) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once `needle` has been received (the test's own timeout bounds the wait). */
  until(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ needle, resolve }));
  }
}

export const unique = (): string => randomUUID().slice(0, 8);

/** The shell command of a `commands.run(cmd)` as envd's List reports it (SDK wire form, §4.3). */
export const shellArgs = (cmd: string): string[] => ['-l', '-c', cmd];

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** 10 MB of random bytes written in the sandbox; returns sha256sum's digest of them. */
export async function makeBigFile(c: CommandsUnderTest, path: string, size = 10_000_000): Promise<string> {
  const made = await c.run(`head -c ${size} /dev/urandom > ${path} && sha256sum ${path} && stat -c %s ${path}`);
  const [digestLine, sizeLine] = made.stdout.trim().split('\n');
  expect(sizeLine).toBe(String(size));
  const digest = digestLine.split(/\s+/)[0];
  expect(digest).toMatch(/^[0-9a-f]{64}$/);
  return digest;
}

/**
 * A command that prints "start", stays silent for 70 s (past the 50 s keepalive interval the
 * clients ask for, and past common 60 s idle timeouts), then prints "end".
 */
export const SILENT_CMD = 'echo start; sleep 70; echo end';

/** Runs SILENT_CMD and returns its result plus the chunks onStdout received. */
export async function runSilent(c: CommandsUnderTest, timeoutMs: number): Promise<{ result: CmdResult; chunks: string[] }> {
  const out = new TextCollector();
  const result = resultOf(await c.run(SILENT_CMD, { timeoutMs, onStdout: out.push }));
  return { result, chunks: out.chunks };
}

/** What runSilent must give: both lines, in two separate chunks (they were written 70 s apart). */
export function expectSilentOutcome(outcome: { result: CmdResult; chunks: string[] }): void {
  expect(outcome.result).toEqual({ exitCode: 0, stdout: 'start\nend\n', stderr: '' });
  expect(outcome.chunks).toEqual(['start\n', 'end\n']);
}

/**
 * Runs `sleep 5` with timeoutMs 500 and checks TimeoutError and that the process is gone.
 *
 * The client's own deadline can fire a moment before envd's (E2B's envd kills at the request's
 * deadline as it received it), so the process may still be listed for that moment. A process
 * still listed must then end SIGKILLed — a `sleep 5` that envd forgot would instead end with
 * exit 0 some seconds later — and afterwards neither List nor pgrep may see it.
 */
export async function expectTimeoutKills(client: CommandsClient, c: CommandsUnderTest, background: boolean): Promise<void> {
  const cmd = 'sleep 5';
  const call = background ? c.start(cmd, { timeoutMs: 500 }).then((h) => h.wait()) : c.run(cmd, { timeoutMs: 500 });
  const error = await rejection(call);
  expect(error, `${error.name}: ${error.message}`).toBeInstanceOf(client.errors.TimeoutError);
  expect(error).toBeInstanceOf(client.errors.SandboxError);
  expect(error.name).toBe('TimeoutError');

  const ours = (list: ProcInfo[]) => list.filter((p) => p.args.join(' ') === shellArgs(cmd).join(' '));
  for (const straggler of ours(await c.list())) {
    const end = await exitErrorOf(
      client,
      c.connect(straggler.pid).then((h) => h.wait()),
    );
    expect(end).toMatchObject({ exitCode: -1, error: 'signal: killed' });
  }
  expect(ours(await c.list())).toEqual([]);
  const pgrep = await c.run('pgrep -a -x sleep || true');
  expect(pgrep).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
}

/** Sandbox envs every scenario sandbox is created with. */
export const CREATE_ENVS = { CONF_CREATE: 'from-create', CONF_BOTH: 'from-create', CONF_ODD: 'a b=c "d" $e' };

/**
 * Registers the scenarios for one client. `client()` is read when the tests run (the backend
 * starts in the caller's beforeAll). Every test in a file runs in order, so a scenario that
 * checks `pgrep sleep` sees only its own sleeps.
 */
export function defineCommandScenarios(client: () => CommandsClient): void {
  let sandbox: CommandsSandbox;
  let c: CommandsUnderTest;
  beforeAll(async () => {
    sandbox = await client().create({ envs: CREATE_ENVS, timeoutMs: 600_000 });
    c = sandbox.commands;
  });
  afterAll(async () => {
    await sandbox?.kill().catch(() => false);
  });

  describe('commands.run', () => {
    it('keeps stdout and stderr apart; exit code 0 has no error', async () => {
      const result = await c.run('echo out-1; echo err-1 >&2; printf "out-2"; printf "err-2" >&2');
      expect(resultOf(result)).toEqual({ exitCode: 0, stdout: 'out-1\nout-2', stderr: 'err-1\nerr-2' });
      expect(resultOf(await c.run('true'))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
      // Multi-byte UTF-8 comes through whole.
      expect((await c.run("printf 'h\\303\\251 \\342\\234\\223 \\360\\237\\230\\200'")).stdout).toBe('hé ✓ 😀');
    });

    it('onStdout and onStderr receive the output as it is produced', async () => {
      const [out, err] = [new TextCollector(), new TextCollector()];
      const result = await c.run('for i in 1 2 3; do echo o$i; echo e$i >&2; done', { onStdout: out.push, onStderr: err.push });
      expect(out.text).toBe('o1\no2\no3\n');
      expect(err.text).toBe('e1\ne2\ne3\n');
      expect(result.stdout).toBe(out.text);
      expect(result.stderr).toBe(err.text);
    });

    it('exit 3 → CommandExitError with exitCode 3 and error "exit status 3", output kept', async () => {
      const e = await exitErrorOf(client(), c.run('echo partial; echo oops >&2; exit 3'));
      expect(e).toEqual({ exitCode: 3, error: 'exit status 3', message: 'exit status 3', stdout: 'partial\n', stderr: 'oops\n' });
    });

    it('exit 137 is an exit code like any other', async () => {
      const e = await exitErrorOf(client(), c.run('exit 137'));
      expect(e).toEqual({ exitCode: 137, error: 'exit status 137', message: 'exit status 137', stdout: '', stderr: '' });
    });

    it('a process killed by SIGKILL (kill -9 $$) → exitCode -1 and error "signal: killed"', async () => {
      const e = await exitErrorOf(client(), c.run('echo before; kill -9 $$; echo never'));
      expect(e).toEqual({ exitCode: -1, error: 'signal: killed', message: 'signal: killed', stdout: 'before\n', stderr: '' });
    });

    it('sees the sandbox envs from create; command envs add to and override them', async () => {
      const show = 'printf "%s|%s|%s|%s" "$CONF_CREATE" "$CONF_BOTH" "$CONF_CMD" "$CONF_ODD"';
      expect((await c.run(show)).stdout).toBe(`from-create|from-create||${CREATE_ENVS.CONF_ODD}`);
      const odd = 'x y\n"z" $HOME ✓';
      expect((await c.run(show, { envs: { CONF_BOTH: 'from-command', CONF_CMD: odd } })).stdout).toBe(
        `from-create|from-command|${odd}|${CREATE_ENVS.CONF_ODD}`,
      );
      // Command envs are the command's own: the next command no longer has them.
      expect((await c.run(show)).stdout).toBe(`from-create|from-create||${CREATE_ENVS.CONF_ODD}`);
      // envd's own variables are there too.
      const e2bVars = await c.run('printf "%s|%s" "$E2B_SANDBOX" "$E2B_SANDBOX_ID"');
      expect(e2bVars.stdout).toBe(`true|${sandbox.sandboxId}`);
    });

    it('runs in cwd; a missing cwd is an InvalidArgumentError naming it', async () => {
      expect((await c.run('pwd')).stdout).toBe('/home/user\n');
      expect((await c.run('pwd', { cwd: '/tmp' })).stdout).toBe('/tmp\n');
      expect((await c.run('pwd', { cwd: '/' })).stdout).toBe('/\n');
      const missing = `/no/such/dir-${unique()}`;
      const error = await rejection(c.run('pwd', { cwd: missing }));
      expect(error, `${error.name}: ${error.message}`).toBeInstanceOf(client().errors.InvalidArgumentError);
      expect(error).toBeInstanceOf(client().errors.SandboxError);
      expect(error.name).toBe('InvalidArgumentError');
      expect(error.message).toContain(`cwd '${missing}' does not exist`);
    });

    it('runs as `user` by default; user root and user user get their uid, HOME and home cwd', async () => {
      const who = 'printf "%s|%s|%s|%s|%s" "$(whoami)" "$(id -u)" "$HOME" "$USER" "$(pwd)"';
      expect((await c.run(who)).stdout).toBe('user|1000|/home/user|user|/home/user');
      expect((await c.run(who, { user: 'user' })).stdout).toBe('user|1000|/home/user|user|/home/user');
      expect((await c.run(who, { user: 'root' })).stdout).toBe('root|0|/root|root|/root');
      // What one user writes, the other sees as owned by its writer.
      await c.run('echo x > /tmp/owned-by-root', { user: 'root' });
      expect((await c.run('stat -c %U /tmp/owned-by-root && rm -f /tmp/owned-by-root', { user: 'root' })).stdout).toBe('root\n');
      expect((await c.run('touch ~/mine && stat -c %U ~/mine')).stdout).toBe('user\n');
    });

    it('timeoutMs 500 on `sleep 5` → TimeoutError, and the process is killed', async () => {
      await expectTimeoutKills(client(), c, false);
    });

    it('a background command with timeoutMs 500: wait() → TimeoutError, and the process is killed', async () => {
      await expectTimeoutKills(client(), c, true);
    });
  });

  describe('background commands', () => {
    it('start, list shows it, connect receives only later output, kill → true then false', async () => {
      const go = `/tmp/go-${unique()}`;
      const cmd = `echo before; while [ ! -e ${go} ]; do sleep 0.05; done; echo after-connect; echo err-after >&2; sleep 600`;
      const [out, err] = [new TextCollector(), new TextCollector()];
      const h = await c.start(cmd, { onStdout: out.push, onStderr: err.push });
      expect(h.pid).toBeGreaterThan(0);
      await out.until('before\n');

      const listed = (await c.list()).filter((p) => p.pid === h.pid);
      expect(listed).toEqual([{ pid: h.pid, cmd: '/bin/bash', args: shellArgs(cmd), envs: {} }]);

      // Connect to it; only what it prints from now on arrives (no replay of "before").
      const [out2, err2] = [new TextCollector(), new TextCollector()];
      const attached = await c.connect(h.pid, { onStdout: out2.push, onStderr: err2.push });
      expect(attached.pid).toBe(h.pid);
      await c.run(`touch ${go}`);
      await Promise.all([out2.until('after-connect\n'), err2.until('err-after\n'), out.until('after-connect\n')]);
      expect(out2.text).toBe('after-connect\n');

      expect(await c.kill(h.pid)).toBe(true);
      // Both streams end with the SIGKILL end event.
      const [viaStart, viaConnect] = [await exitErrorOf(client(), h.wait()), await exitErrorOf(client(), attached.wait())];
      expect(viaStart).toEqual({ exitCode: -1, error: 'signal: killed', message: 'signal: killed', stdout: 'before\nafter-connect\n', stderr: 'err-after\n' });
      expect(viaConnect).toEqual({ exitCode: -1, error: 'signal: killed', message: 'signal: killed', stdout: 'after-connect\n', stderr: 'err-after\n' });
      expect(await c.kill(h.pid)).toBe(false);
      expect((await c.list()).map((p) => p.pid)).not.toContain(h.pid);
    });

    it('list reports envs and cwd as started; the handle kills its process', async () => {
      const cmd = 'sleep 600';
      const h = await c.start(cmd, { envs: { LISTED: 'yes' }, cwd: '/tmp' });
      const listed = (await c.list()).find((p) => p.pid === h.pid);
      expect(listed).toEqual({ pid: h.pid, cmd: '/bin/bash', args: shellArgs(cmd), envs: { LISTED: 'yes' }, cwd: '/tmp' });
      expect(await h.kill()).toBe(true);
      expect(await exitErrorOf(client(), h.wait())).toMatchObject({ exitCode: -1, error: 'signal: killed' });
      expect(await h.kill()).toBe(false);
      expect((await c.list()).map((p) => p.pid)).not.toContain(h.pid);
    });

    it("connect's timeoutMs ends only the stream (TimeoutError); the process keeps running", async () => {
      const h = await c.start('sleep 600');
      const error = await rejection(c.connect(h.pid, { timeoutMs: 500 }).then((attached) => attached.wait()));
      expect(error, `${error.name}: ${error.message}`).toBeInstanceOf(client().errors.TimeoutError);
      expect(error.name).toBe('TimeoutError');
      expect((await c.list()).map((p) => p.pid)).toContain(h.pid);
      expect(await c.kill(h.pid)).toBe(true);
      expect(await exitErrorOf(client(), h.wait())).toMatchObject({ exitCode: -1, error: 'signal: killed' });
    });

    it('a command that ended within 30 s can still be connected to: start and its end', async () => {
      const h = await c.start('echo done; exit 4');
      const ended = await exitErrorOf(client(), h.wait());
      expect(ended).toMatchObject({ exitCode: 4, error: 'exit status 4', stdout: 'done\n' });
      const late = await c.connect(h.pid);
      expect(late.pid).toBe(h.pid);
      expect(await exitErrorOf(client(), late.wait())).toEqual({ exitCode: 4, error: 'exit status 4', message: 'exit status 4', stdout: '', stderr: '' });
      expect(await c.kill(h.pid)).toBe(false);
    });

    it('unknown pids: kill → false; connect and sendStdin → NotFoundError', async () => {
      const pid = 999_999;
      expect(await c.kill(pid)).toBe(false);
      for (const [what, call] of [
        ['connect', () => c.connect(pid)],
        ['sendStdin', () => c.sendStdin(pid, 'x')],
      ] as const) {
        const error = await rejection(call());
        expect(error, `${what}: ${error.name}: ${error.message}`).toBeInstanceOf(client().errors.NotFoundError);
        expect(error.message, what).toContain(`process with pid ${pid} not found`);
      }
    });
  });

  describe('stdin', () => {
    it('sendStdin + closeStdin: cat echoes the input and exits 0', async () => {
      const out = new TextCollector();
      const h = await c.start('cat', { stdin: true, onStdout: out.push });
      await c.sendStdin(h.pid, 'hello\n');
      await out.until('hello\n');
      await h.sendStdin('wörld ✓ ');
      await c.sendStdin(h.pid, new TextEncoder().encode('bytes\n'));
      await c.closeStdin(h.pid);
      expect(resultOf(await h.wait())).toEqual({ exitCode: 0, stdout: 'hello\nwörld ✓ bytes\n', stderr: '' });
    });

    it("the handle's closeStdin ends a `wc -c` that counted what it was sent", async () => {
      const h = await c.start('wc -c', { stdin: true });
      await h.sendStdin('x'.repeat(100_000));
      await h.closeStdin();
      expect(resultOf(await h.wait())).toEqual({ exitCode: 0, stdout: '100000\n', stderr: '' });
    });

    it('without stdin: true the command reads end of file at once', async () => {
      expect(resultOf(await c.run('cat; echo eof'))).toEqual({ exitCode: 0, stdout: 'eof\n', stderr: '' });
    });
  });

  describe('large output', () => {
    it('10 MB of random bytes, base64-encoded, arrive without loss', async () => {
      const path = `/tmp/big-${unique()}`;
      const digest = await makeBigFile(c, path);
      const result = await c.run(`base64 -w0 ${path}`);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout.length).toBe(13_333_336);
      const decoded = Buffer.from(result.stdout, 'base64');
      expect(decoded.length).toBe(10_000_000);
      expect(sha256(decoded)).toBe(digest);
      await c.run(`rm -f ${path}`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Adapters

function sdkHandle(h: e2b.CommandHandle): ProcHandle {
  return {
    pid: h.pid,
    wait: () => h.wait(),
    kill: () => h.kill(),
    sendStdin: (data) => h.sendStdin(data),
    closeStdin: () => h.closeStdin(),
    disconnect: () => h.disconnect(),
  };
}

function sdkSandbox(s: e2b.Sandbox): CommandsSandbox {
  const cmds = s.commands;
  return {
    sandboxId: s.sandboxId,
    kill: () => s.kill(),
    commands: {
      run: (cmd, opts = {}) => cmds.run(cmd, { ...opts, background: false }),
      start: async (cmd, opts = {}) => sdkHandle(await cmds.run(cmd, { ...opts, background: true })),
      connect: async (pid, opts = {}) => sdkHandle(await cmds.connect(pid, opts)),
      list: () => cmds.list(),
      kill: (pid) => cmds.kill(pid),
      sendStdin: (pid, data) => cmds.sendStdin(pid, data),
      closeStdin: (pid) => cmds.closeStdin(pid),
    },
  };
}

/** The official SDK; it reads E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY from process.env. */
export const sdkCommandsClient: CommandsClient = {
  label: 'official e2b SDK',
  errors: {
    SandboxError: e2b.SandboxError,
    CommandExitError: e2b.CommandExitError,
    TimeoutError: e2b.TimeoutError,
    InvalidArgumentError: e2b.InvalidArgumentError,
    NotFoundError: e2b.NotFoundError,
  },
  create: async (opts = {}) => sdkSandbox(await e2b.Sandbox.create(opts)),
  connect: async (id) => sdkSandbox(await e2b.Sandbox.connect(id)),
};

function ourHandle(h: ours.CommandHandle): ProcHandle {
  return {
    pid: h.pid,
    wait: () => h.wait(),
    kill: () => h.kill(),
    sendStdin: (data) => h.sendStdin(data),
    closeStdin: () => h.closeStdin(),
    disconnect: () => h.disconnect(),
  };
}

export function ourSandbox(s: ours.Sandbox): CommandsSandbox {
  const cmds = s.commands;
  return {
    sandboxId: s.sandboxId,
    kill: () => s.kill(),
    commands: {
      run: (cmd, opts = {}) => cmds.run(cmd, { ...opts, background: false }),
      start: async (cmd, opts = {}) => ourHandle(await cmds.run(cmd, { ...opts, background: true })),
      connect: async (pid, opts = {}) => ourHandle(await cmds.connect(pid, opts)),
      list: () => cmds.list(),
      kill: (pid) => cmds.kill(pid),
      sendStdin: (pid, data) => cmds.sendStdin(pid, data),
      closeStdin: (pid) => cmds.closeStdin(pid),
    },
  };
}

/** The connection options of our client, from the same `e2b-ts local env` values. */
export function ourConnection(env: LocalEnv): ours.ConnectionOptions {
  return { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL };
}

/** Our client, given the connection explicitly. */
export function ourCommandsClient(env: LocalEnv): CommandsClient {
  const conn = ourConnection(env);
  return {
    label: 'e2b-ts client',
    errors: {
      SandboxError: ours.SandboxError,
      CommandExitError: ours.CommandExitError,
      TimeoutError: ours.TimeoutError,
      InvalidArgumentError: ours.InvalidArgumentError,
      NotFoundError: ours.NotFoundError,
    },
    create: async (opts = {}) => ourSandbox(await ours.Sandbox.create('base', { ...conn, ...opts })),
    connect: async (id) => ourSandbox(await ours.Sandbox.connect(id, conn)),
  };
}
