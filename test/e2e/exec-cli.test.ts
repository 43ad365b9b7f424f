/**
 * Acceptance (issue #3): `exec`, `run` and `proc` end to end — the built CLI as a subprocess
 * against a real local backend. Runs twice (vitest.config.ts): with bubblewrap sandboxes, which
 * have their own PID namespace (so `pgrep` inside a sandbox sees only that sandbox's processes),
 * their own /tmp and /home/user; and with E2B_TS_RUNTIME=unisolated, where the sandbox's home and
 * TMPDIR are host folders and its processes are the host processes carrying its
 * E2B_TS_SANDBOX_MARK (test/helpers/runtime-mode.ts).
 *
 * Covered: byte-exact stdin → stdout (5 MB random, piped and redirected; sha256), argv exactness,
 * invalid UTF-8 and NUL bytes, separate stderr, exit codes (own code, 128+signal), --shell, --cwd,
 * --user, --env, --json (text and binary), --no-stdin, `| head -1` (141, remote process gone),
 * Ctrl-C (130, remote gone; a second Ctrl-C kills a process that ignores SIGINT), SIGTERM (143),
 * --timeout (5), --background + proc ls / kill / attach / stdin, and `run` leaving no sandbox
 * behind on success, failure and Ctrl-C.
 *
 * "Gone" is checked right after the CLI exits: the CLI must not return before its remote
 * process has ended. Waits are polls with deadlines, never fixed sleeps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { pollUntil, reap, spawnBash, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { cliBin } from '../helpers/paths.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import {
  checkRuntime,
  checkSandboxPaths,
  markedProcesses,
  sandboxHome,
  sandboxMark,
  sandboxTmp,
  sandboxUsers,
  titled,
  UNISOLATED,
} from '../helpers/runtime-mode.js';

let backend: LocalBackend;
let sbx: string;
/** The sandbox's home for `user` and its temporary folder, as sandbox paths (/home/user and /tmp under bubblewrap). */
let home: string;
let tmp: string;
let scratch: string;
const live: CliProcess[] = [];

const env = () => ({ E2B_TS_HOME: backend.home });
const cli = (args: string[], input?: string | Buffer): Promise<CliResult> =>
  runCli(['--local', ...args], { env: env(), timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });
const show = (r: CliResult) => `code ${r.code} signal ${r.signal}\nstdout ${JSON.stringify(r.stdout)}\nstderr ${JSON.stringify(r.stderr)}`;

/** Spawns the CLI with --local against this file's backend; killed after the test if still running. */
function spawnLocal(args: string[], opts: Parameters<typeof spawnCli>[1] = {}): CliProcess {
  const proc = spawnCli(['--local', ...args], { env: env(), ...opts });
  live.push(proc);
  return proc;
}

/** Runs the CLI to the end with stdout and stderr as bytes; stdin a Buffer (pipe), a file, or empty. */
async function runBytes(args: string[], stdin: { input?: Buffer; file?: string } = {}) {
  const proc = spawnLocal(args, stdin.file ? { stdin: { file: stdin.file } } : {});
  if (!stdin.file) proc.child.stdin!.end(stdin.input ?? Buffer.alloc(0));
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr(), stderrBytes: proc.stderrBytes() };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Whether a process with exactly this name runs in the sandbox (`pgrep -x`, itself named pgrep).
 * Unisolated, a sandbox has no PID namespace of its own (pgrep would see every host process,
 * other tests' too): its processes are the ones with the sandbox's mark in their environment.
 */
async function running(name: string, id = sbx): Promise<boolean> {
  if (UNISOLATED) return markedProcesses(await sandboxMark(cli, id), (p) => p.comm === name).length > 0;
  const r = await cli(['exec', id, '--', 'pgrep', '-x', name]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`pgrep failed: ${show(r)}`);
  return r.code === 0;
}

/** Waits until a process with this name runs in the sandbox. */
const untilRunning = (name: string, id = sbx) => pollUntil(`${name} to run in ${id}`, async () => ((await running(name, id)) ? true : undefined));

/** The PIDs envd lists (`proc ls --json`). */
async function procPids(id = sbx): Promise<number[]> {
  const r = await cli(['proc', 'ls', id, '--json']);
  expect(r.code, show(r)).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ pid: number }>).map((p) => p.pid);
}

/** Sandboxes `run` created (metadata e2b-ts=run) that still exist, running or paused. */
async function runSandboxes(): Promise<Array<{ sandboxId: string; metadata: Record<string, string> }>> {
  const r = await cli(['sandbox', 'ls', '--metadata', 'e2b-ts=run', '--state', 'running,paused', '--json']);
  expect(r.code, show(r)).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  backend = await startLocalBackend();
  scratch = mkdtempSync(join(tmpdir(), 'e2bts-exec-'));
  const created = await cli(['sandbox', 'create', '--timeout', '1h', '--metadata', 'suite=exec-cli']);
  if (created.code !== 0) throw new Error(`could not create the sandbox: ${show(created)}`);
  sbx = created.stdout.trim();
  await checkRuntime((args) => runCli(args, { env: env() }));
  home = sandboxHome(backend.home, sbx);
  tmp = sandboxTmp(backend.home, sbx);
  await checkSandboxPaths(cli, backend.home, sbx);
});

afterEach(() => {
  for (const proc of live.splice(0)) reap(proc);
});

afterAll(async () => {
  for (const proc of live.splice(0)) reap(proc);
  await backend?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe(titled('exec: bytes in, bytes out'), () => {
  const payload = randomBytes(5 * 1024 * 1024);

  it('a 5 MB random binary piped into `cat` comes back byte-identical', async () => {
    const r = await runBytes(['exec', sbx, '--', 'cat'], { input: payload });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(payload.length);
    expect(sha256(r.stdout)).toBe(sha256(payload));
  });

  it('a 5 MB random binary redirected from a file into `cat` comes back byte-identical', async () => {
    const file = join(scratch, 'random.bin');
    writeFileSync(file, payload);
    const r = await runBytes(['exec', sbx, '--', 'cat'], { file });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(payload.length);
    expect(sha256(r.stdout)).toBe(sha256(payload));
  });

  it('argv after -- reaches the process exactly (no splitting, globbing or expansion)', async () => {
    const r = await cli(['exec', sbx, '--', 'printf', '%s|', 'a b', '*', '$HOME', '']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a b|*|$HOME||');
  });

  it('quotes, backslashes, newlines, non-ASCII and flag-like words are passed untouched', async () => {
    const words = [`it's`, 'a"b', 'back\\slash', 'new\nline', 'tab\there', 'ünï €', '--json', '-n', '--', '$(id)', '`id`', ';', '|'];
    const r = await cli(['exec', sbx, '--', 'printf', '%s\\0', ...words]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
  });

  // PowerShell drops the first bare -- (npm's e2b-ts.ps1 shim): the words after the sandbox ID are
  // the command, its flags included, even those that are ours too (issue 17)
  it('without -- (as PowerShell passes it): the words after the sandbox ID are the command, our flags among them included', async () => {
    const r = await cli(['exec', '--cwd', '/', sbx, '--env', 'E2BTS_PS=1', 'printf', '%s|', '-v', '--json', '-h', '--version', 'x']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('-v|--json|-h|--version|x|');
    const ls = await cli(['exec', sbx, 'ls', '-d', '/']);
    expect(ls.code, show(ls)).toBe(0);
    expect(ls.stdout).toBe('/\n');
  });

  it('invalid UTF-8 and NUL bytes pass through stdout and stderr byte-exact', async () => {
    const bytes = Buffer.from([0x61, 0xff, 0x00, 0x62, 0xc3, 0x28, 0x00, 0xfe, 0x0a, 0x80]);
    const out = await runBytes(['exec', sbx, '--', 'printf', 'a\\377\\000b\\303\\050\\000\\376\\n\\200']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.equals(bytes), out.stdout.toString('hex')).toBe(true);
    const err = await runBytes(['exec', sbx, '--', 'bash', '-c', `printf 'a\\377\\000b\\303\\050\\000\\376\\n\\200' >&2`]);
    expect(err.code).toBe(0);
    expect(err.stdout.length).toBe(0);
    expect(err.stderrBytes.equals(bytes), err.stderrBytes.toString('hex')).toBe(true);
  });

  it('stderr stays separate from stdout', async () => {
    const r = await cli(['exec', sbx, '--', 'bash', '-c', 'echo out1; echo err1 >&2; echo out2; echo err2 >&2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('out1\nout2\n');
    expect(r.stderr).toBe('err1\nerr2\n');
  });

  it('--no-stdin: the remote `cat` sees end of file at once although our stdin is an open pipe with data', async () => {
    const proc = spawnLocal(['exec', sbx, '--no-stdin', '--', 'cat']);
    proc.child.stdin!.write('this must not arrive\n');
    // Keep the pipe open; only close it if the CLI has not finished on its own (then cat would
    // print the data and the assertion below fails).
    const safety = setTimeout(() => proc.child.stdin!.end(), 20_000);
    const exit = await proc.exited;
    clearTimeout(safety);
    proc.child.stdin!.destroy();
    expect(proc.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(proc.stdout().toString()).toBe('');
  });

  it('stdin is forwarded by default (a pipe) and closed at its end', async () => {
    const r = await cli(['exec', sbx, '--', 'wc', '-c'], 'twelve bytes');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('12');
  });
});

describe(titled('exec: exit status, shell, cwd, user, env, json'), () => {
  it('`exit 42` gives 42', async () => {
    const r = await cli(['exec', sbx, '--', 'bash', '-c', 'exit 42']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(42);
  });

  it('`kill -9 $$` gives 137 (128+9)', async () => {
    const r = await cli(['exec', sbx, '--', 'bash', '-c', 'kill -9 $$']);
    expect(r.code, show(r)).toBe(137);
    expect(r.stdout).toBe('');
  });

  it('`kill -TERM $$` gives 143 (128+15)', async () => {
    const r = await cli(['exec', sbx, '--', 'bash', '-c', 'kill -TERM $$']);
    expect(r.code, show(r)).toBe(143);
  });

  it('a program that does not exist gives 127', async () => {
    const r = await cli(['exec', sbx, '--', 'no-such-program-xyz']);
    expect(r.code, show(r)).toBe(127);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no-such-program-xyz/);
  });

  it("--shell 'echo a | tr a b' runs a shell line", async () => {
    const r = await cli(['exec', sbx, '--shell', 'echo a | tr a b']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('b\n');
  });

  it("--shell passes the line's exit status through", async () => {
    const r = await cli(['exec', sbx, '--shell', 'false || exit 3']);
    expect(r.code).toBe(3);
  });

  it('--cwd sets the working directory (default: the home of user)', async () => {
    const r = await cli(['exec', sbx, '--cwd', tmp, '--', 'pwd']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toBe(`${tmp}\n`);
    const d = await cli(['exec', sbx, '--', 'pwd']);
    expect(d.stdout).toBe(`${home}\n`);
  });

  // Unisolated, both users are the daemon's own uid (no namespaces to map a second one).
  const users = sandboxUsers();
  const userTitle = UNISOLATED
    ? `--user root and the default user both run as the daemon's user (whoami → ${users.root.name}, id -u → ${users.root.uid})`
    : '--user root runs as root (whoami → root, id -u → 0); the default is user (1000)';
  it(userTitle, async () => {
    const who = await cli(['exec', sbx, '--user', 'root', '--', 'whoami']);
    expect(who.code, show(who)).toBe(0);
    expect(who.stdout).toBe(`${users.root.name}\n`);
    const uid = await cli(['exec', sbx, '--user', 'root', '--', 'id', '-u']);
    expect(uid.stdout).toBe(`${users.root.uid}\n`);
    const def = await cli(['exec', sbx, '--', 'id', '-un']);
    expect(def.stdout).toBe(`${users.user.name}\n`);
    const defUid = await cli(['exec', sbx, '--', 'id', '-u']);
    expect(defUid.stdout).toBe(`${users.user.uid}\n`);
  });

  it('--env variables are visible to the process (value may contain "=")', async () => {
    const r = await cli(['exec', sbx, '--env', 'E2BTS_A=1', '--env', 'E2BTS_B=x=y z', '--', 'printenv', 'E2BTS_A', 'E2BTS_B']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toBe('1\nx=y z\n');
  });

  it('--json prints {pid, exitCode, stdout, stderr} for valid UTF-8 output, and exits with the code', async () => {
    const r = await cli(['exec', sbx, '--json', '--', 'bash', '-c', 'printf "héllo wörld\\n"; printf "oops\\n" >&2; exit 3']);
    expect(r.code, show(r)).toBe(3);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ pid: expect.any(Number), exitCode: 3, stdout: 'héllo wörld\n', stderr: 'oops\n' });
  });

  it('--json base64-encodes output that is not valid UTF-8 and says so', async () => {
    const r = await cli(['--json', 'exec', sbx, '--', 'printf', 'a\\377\\000b']);
    expect(r.code, show(r)).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ exitCode: 0, stdoutEncoding: 'base64', stderr: '' });
    expect(doc.stderrEncoding).toBeUndefined();
    expect(Buffer.from(doc.stdout, 'base64').equals(Buffer.from([0x61, 0xff, 0x00, 0x62]))).toBe(true);
  });

  it('--json reports the signal of a killed process and exits 128+N', async () => {
    const r = await cli(['exec', sbx, '--json', '--', 'bash', '-c', 'echo before; kill -9 $$']);
    expect(r.code, show(r)).toBe(137);
    expect(JSON.parse(r.stdout)).toMatchObject({ signal: 9, stdout: 'before\n' });
  });
});

describe(titled('exec: ending early'), () => {
  // These tests look for a `sleep` in the sandbox: one left by a failed test must not stand in
  // for the next test's (a first failure would otherwise fail every test after it).
  afterEach(async () => {
    for (const pid of await procPids()) await cli(['proc', 'kill', sbx, String(pid)]);
  });

  it('`| head -1` ends promptly with 141, quietly, and leaves no remote process', async () => {
    const proc = spawnBash(`node ${JSON.stringify(cliBin)} --local exec ${sbx} -- yes | head -1; echo "\${PIPESTATUS[0]}"`, {
      env: env(),
      stdin: 'ignore',
    });
    live.push(proc);
    const exit = await proc.exited;
    expect(exit.code).toBe(0);
    expect(proc.stdout().toString()).toBe('y\n141\n');
    expect(proc.stderr()).toBe('');
    expect(await running('yes')).toBe(false);
    expect(await procPids()).toEqual([]);
  });

  it('Ctrl-C (SIGINT to the CLI) stops the remote `sleep 1000` and exits 130', async () => {
    const proc = spawnLocal(['exec', sbx, '--', 'sleep', '1000'], { stdin: 'ignore' });
    await untilRunning('sleep');
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(130);
    expect(proc.stdout().length).toBe(0);
    expect(await running('sleep')).toBe(false);
  });

  it('a second Ctrl-C kills a remote process that ignores SIGINT (exit 130)', async () => {
    const proc = spawnLocal(['exec', sbx, '--', 'bash', '-c', 'trap "" INT; echo ready; sleep 1000'], { stdin: 'ignore' });
    await proc.waitFor((out) => out.toString().includes('ready'));
    await untilRunning('sleep');
    proc.child.kill('SIGINT');
    // The first one is ignored remotely: the process is still there.
    expect(await running('sleep')).toBe(true);
    expect(proc.done()).toBe(false);
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(130);
    expect(await running('sleep')).toBe(false);
  });

  it('SIGTERM to the CLI is forwarded: the remote process dies of it (143) and is gone', async () => {
    const proc = spawnLocal(['exec', sbx, '--', 'sleep', '1000'], { stdin: 'ignore' });
    await untilRunning('sleep');
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(143);
    expect(await running('sleep')).toBe(false);
  });

  it('--timeout 1s -- sleep 10 exits 5 with one line on stderr, and the remote sleep is gone', async () => {
    const r = await cli(['exec', sbx, '--timeout', '1s', '--', 'sleep', '10']);
    expect(r.code, show(r)).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^[^\n]*time[^\n]*\n$/);
    expect(await running('sleep')).toBe(false);
  });
});

describe(titled('exec --background and proc ls / kill / attach / stdin'), () => {
  it('--background prints a PID that proc ls lists; proc kill ends it', async () => {
    const r = await cli(['exec', sbx, '--background', '--', 'sleep', '1000']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^\d+\n$/);
    const pid = Number(r.stdout.trim());
    expect(await procPids()).toContain(pid);
    const table = await cli(['proc', 'ls', sbx]);
    expect(table.stdout).toMatch(new RegExp(`^${pid}\\t.*sleep 1000$`, 'm'));

    const kill = await cli(['proc', 'kill', sbx, String(pid)]);
    expect(kill.code, show(kill)).toBe(0);
    expect(kill.stdout).toBe('');
    await pollUntil(`process ${pid} to be gone`, async () => ((await procPids()).includes(pid) ? undefined : true));
    expect(await running('sleep')).toBe(false);
  });

  it('proc kill --signal TERM delivers that signal', async () => {
    const r = await cli(['exec', sbx, '--background', '--', 'bash', '-c', `trap "echo got-term > ${tmp}/term.txt; exit 0" TERM; while :; do sleep 0.1; done`]);
    const pid = Number(r.stdout.trim());
    expect(await procPids()).toContain(pid);
    const kill = await cli(['proc', 'kill', sbx, String(pid), '--signal', 'TERM']);
    expect(kill.code, show(kill)).toBe(0);
    await pollUntil(`process ${pid} to be gone`, async () => ((await procPids()).includes(pid) ? undefined : true));
    const file = await cli(['exec', sbx, '--', 'cat', `${tmp}/term.txt`]);
    expect(file.stdout).toBe('got-term\n');
  });

  it('--background --json prints {pid, sandboxId}', async () => {
    const r = await cli(['exec', sbx, '--background', '--json', '--', 'sleep', '1000']);
    expect(r.code, show(r)).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ pid: expect.any(Number), sandboxId: sbx });
    await cli(['proc', 'kill', sbx, String(doc.pid)]);
    await pollUntil(`process ${doc.pid} to be gone`, async () => ((await procPids()).includes(doc.pid) ? undefined : true));
  });

  it('proc attach streams a ticking process; Ctrl-C detaches with 130 and the process keeps running', async () => {
    const bg = await cli(['exec', sbx, '--background', '--', 'bash', '-c', 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.1; done']);
    const pid = Number(bg.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    try {
      const attach = spawnLocal(['proc', 'attach', sbx, String(pid)], { stdin: 'ignore' });
      await attach.waitFor((out) => /tick \d+\n[\s\S]*tick \d+\n/.test(out.toString()));
      attach.child.kill('SIGINT');
      const exit = await attach.exited;
      expect(exit.code, attach.stderr()).toBe(130);
      expect(attach.stderr()).toMatch(/detached/);
      expect(attach.stdout().toString()).toMatch(/^(tick \d+\n)+$/);
      expect(await procPids()).toContain(pid);
      // and it is still ticking: attaching again gets new output
      const again = spawnLocal(['proc', 'attach', sbx, String(pid)], { stdin: 'ignore' });
      await again.waitFor((out) => /tick \d+\n/.test(out.toString()));
      again.child.kill('SIGINT');
      expect((await again.exited).code).toBe(130);
    } finally {
      await cli(['proc', 'kill', sbx, String(pid)]);
    }
    await pollUntil(`process ${pid} to be gone`, async () => ((await procPids()).includes(pid) ? undefined : true));
  });

  it('proc attach exits with the status of a process that ends while attached', async () => {
    const script = `while [ ! -e ${tmp}/go ]; do echo waiting; sleep 0.1; done; echo done; exit 9`;
    const bg = await cli(['exec', sbx, '--background', '--', 'bash', '-c', script]);
    const pid = Number(bg.stdout.trim());
    const attach = spawnLocal(['proc', 'attach', sbx, String(pid)], { stdin: 'ignore' });
    await attach.waitFor((out) => out.toString().includes('waiting\n'));
    const go = await cli(['exec', sbx, '--', 'touch', `${tmp}/go`]);
    expect(go.code).toBe(0);
    const exit = await attach.exited;
    expect(exit.code, attach.stderr()).toBe(9);
    expect(attach.stdout().toString()).toMatch(/waiting\n(waiting\n)*done\n$/);
  });

  it('proc stdin feeds a background `cat > file` and closes its stdin', async () => {
    const bg = await cli(['exec', sbx, '--background', '--', 'bash', '-c', `cat > ${tmp}/fed.bin`]);
    const pid = Number(bg.stdout.trim());
    expect(await procPids()).toContain(pid);
    const data = Buffer.concat([Buffer.from('hello\nworld\n'), Buffer.from([0, 0xff, 0x80, 0x0a])]);
    const fed = await cli(['proc', 'stdin', sbx, String(pid)], data);
    expect(fed.code, show(fed)).toBe(0);
    expect(fed.stdout).toBe('');
    // cat ends at the end of its stdin
    await pollUntil(`process ${pid} to end`, async () => ((await procPids()).includes(pid) ? undefined : true));
    const back = await runBytes(['exec', sbx, '--', 'cat', `${tmp}/fed.bin`]);
    expect(back.code).toBe(0);
    expect(back.stdout.equals(data), back.stdout.toString('hex')).toBe(true);
  });

  it('proc stdin --no-close keeps the process reading; a later proc stdin closes it', async () => {
    const bg = await cli(['exec', sbx, '--background', '--', 'bash', '-c', `cat > ${tmp}/fed2.txt`]);
    const pid = Number(bg.stdout.trim());
    expect((await cli(['proc', 'stdin', sbx, String(pid), '--no-close'], 'one\n')).code).toBe(0);
    expect(await procPids()).toContain(pid);
    expect((await cli(['proc', 'stdin', sbx, String(pid)], 'two\n')).code).toBe(0);
    await pollUntil(`process ${pid} to end`, async () => ((await procPids()).includes(pid) ? undefined : true));
    expect((await cli(['exec', sbx, '--', 'cat', `${tmp}/fed2.txt`])).stdout).toBe('one\ntwo\n');
  });
});

describe(titled('run: a throwaway sandbox that never outlives the command'), () => {
  it('success: exit 0, output passed through, no sandbox left', async () => {
    const r = await cli(['run', '--', 'printf', '%s|', 'a b', '$HOME']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toBe('a b|$HOME|');
    expect(r.stderr).toBe('');
    expect(await runSandboxes()).toEqual([]);
  });

  it('failure: exit 7 passed through, stderr separate, no sandbox left', async () => {
    const r = await cli(['run', '--', 'bash', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r.code, show(r)).toBe(7);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    expect(await runSandboxes()).toEqual([]);
  });

  it('without -- (as PowerShell passes it): --template names the template and the rest is the command', async () => {
    const r = await cli(['run', '--template', 'base', 'printf', '%s|', '--timeout', '-v']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toBe('--timeout|-v|');
    expect(await runSandboxes()).toEqual([]);
  });

  it('stdin, --env, --cwd and --shell work as for exec', async () => {
    // the throwaway sandbox's own folders are unknown before `run` makes it; unisolated, a path
    // is the host's, so a folder of this test's stands in for the sandbox's /tmp (only entered)
    const cwd = UNISOLATED ? scratch : '/tmp';
    const r = await cli(['run', '--env', 'E2BTS_X=42', '--cwd', cwd, '--shell', 'echo "$E2BTS_X $(pwd)"; wc -c'], 'abc');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.replace(/ +/g, ' ')).toBe(`42 ${cwd}\n3\n`);
    expect(await runSandboxes()).toEqual([]);
  });

  it('a failure around the remote process (missing --cwd) exits 125 and leaves no sandbox', async () => {
    const r = await cli(['run', '--cwd', '/nope', '--', 'ls']);
    expect(r.code, show(r)).toBe(125);
    expect(r.stderr).toMatch(/^[^\n]*\/nope[^\n]*\n$/);
    expect(await runSandboxes()).toEqual([]);
  });

  it('Ctrl-C: exit 130, the sandbox (labelled e2b-ts=run plus --metadata) is killed', async () => {
    const proc = spawnLocal(['run', '--metadata', 'case=ctrl-c', '--', 'sleep', '1000'], { stdin: 'ignore' });
    const [created] = await pollUntil('the run sandbox to exist', async () => {
      const list = await runSandboxes();
      return list.length ? list : undefined;
    });
    expect(created.metadata).toMatchObject({ 'e2b-ts': 'run', case: 'ctrl-c' });
    await untilRunning('sleep', created.sandboxId);
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(130);
    expect(await runSandboxes()).toEqual([]);
    const info = await cli(['sandbox', 'info', created.sandboxId]);
    expect(info.code).toBe(3);
  });
});
