/**
 * Terminal tests: the built CLI (`node bin/e2b-ts.js --local pty attach <id>`) runs inside a real
 * pseudo-terminal (node-pty), the way a user runs it, against a local backend. The test types
 * into that outer terminal and reads what it shows: echo, resize (stty size), detach keys and
 * `~.`, reattach with --pid to the same shell, the remote shell's exit status, Ctrl-C delivered
 * to the remote program, SIGTERM/SIGHUP leaving the outer terminal in cooked mode, the
 * `sandbox connect` alias, and the refusal of a pipe as stdin.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { cliBin, repoRoot } from '../helpers/paths.js';
import { childrenOf, pollFor, Terminal } from '../helpers/terminal.js';

let backend: LocalBackend;
let sandboxId: string;
const terminals: Terminal[] = [];

/** A prompt of the remote login shell at the end of the output (user@e2b:~$ ). */
const PROMPT = /\$ $/;
/** The hint printed on detach: e2b-ts pty attach <id> --pid <pid>. */
const DETACH_HINT = /detached \(.*\); the session keeps running: e2b-ts pty attach (\S+) --pid (\d+)/;

function env(): Record<string, string> {
  return cleanEnv({ E2B_TS_HOME: backend.home, TERM: 'xterm-256color' });
}

function open(args: string[], size: { cols?: number; rows?: number } = {}): Terminal {
  const t = new Terminal(process.execPath, [cliBin, '--local', ...args], { ...size, env: env(), cwd: repoRoot });
  terminals.push(t);
  return t;
}

/** `pty attach <sandbox>` in a new outer terminal, once the remote prompt shows. */
async function attach(extra: string[] = [], size: { cols?: number; rows?: number } = {}): Promise<Terminal> {
  const t = open(['pty', 'attach', sandboxId, ...extra], size);
  await t.waitFor(PROMPT, { what: 'the remote prompt', timeoutMs: 20_000 });
  return t;
}

/** Types a command line and waits for the pattern in what follows. */
async function run(t: Terminal, line: string, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const mark = t.output.mark();
  t.write(`${line}\r`);
  return t.waitFor(pattern, { since: mark, timeoutMs, what: `${String(pattern)} after typing ${JSON.stringify(line)}` });
}

/** A line of output that is exactly `text` (not the echo of the command that printed it). */
const line = (text: string) => new RegExp(`(?:^|\\n)\\r*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r*\\n`);

async function sessions(): Promise<number[]> {
  const res = await runCli(['--local', '--json', 'pty', 'ls', sandboxId], { env: { E2B_TS_HOME: backend.home } });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { pid: number }[]).map((s) => s.pid);
}

beforeAll(async () => {
  backend = await startLocalBackend();
  const created = await runCli(['--local', 'sandbox', 'create', '--timeout', '600'], { env: { E2B_TS_HOME: backend.home } });
  expect(created.code, created.stderr).toBe(0);
  sandboxId = created.stdout.trim().split('\n')[0];
}, 60_000);

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.dispose()));
});

afterAll(async () => {
  await backend?.dispose();
});

describe('e2b-ts pty attach in a real terminal', () => {
  it('typing `echo hi` shows hi; `exit 7` exits the CLI with 7', async () => {
    const t = await attach();
    await run(t, 'echo hi', line('hi'));
    t.write('exit 7\r');
    expect((await t.waitExit()).exitCode).toBe(7);
  });

  it('resizing the outer terminal changes `stty size` inside', async () => {
    const t = await attach([], { cols: 80, rows: 24 });
    await run(t, 'stty size', line('24 80'));
    t.resize(132, 43);
    // The resize travels as SIGWINCH to the CLI, then an RPC: retry until it has landed.
    const deadline = Date.now() + 10_000;
    let seen = '';
    while (Date.now() < deadline) {
      const mark = t.output.mark();
      t.write('stty size\r');
      const m = await t.waitFor(/(?:^|\n)\r*(\d+ \d+)\r*\n/, { since: mark, what: 'the output of stty size' });
      seen = m[1];
      if (seen === '43 132') break;
    }
    expect(seen).toBe('43 132');
    t.write('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  });

  it('the detach keys detach (exit 0, the session keeps running) and --pid reattaches to the same shell', async () => {
    const first = await attach([], { cols: 80, rows: 24 });
    await run(first, 'KEEP=kept-$((6*7)); echo "set $KEEP"', line('set kept-42'));
    const mark = first.output.mark();
    first.write(Buffer.from([0x10, 0x11])); // Ctrl-P Ctrl-Q
    const hint = await first.waitFor(DETACH_HINT, { since: mark, what: 'the reattach hint' });
    expect((await first.waitExit()).exitCode).toBe(0);
    expect(hint[1]).toBe(sandboxId);
    const pid = Number(hint[2]);
    expect(await sessions()).toContain(pid);

    // A different outer size makes the reattach resize the session, so the shell redraws its prompt.
    const second = open(['pty', 'attach', sandboxId, '--pid', String(pid)], { cols: 100, rows: 30 });
    await second.waitFor(PROMPT, { what: 'the prompt redrawn after the reattach resized the session', timeoutMs: 20_000 });
    await run(second, 'echo "v=$KEEP"', line('v=kept-42'));
    await run(second, 'stty size', line('30 100'));
    second.write('exit 5\r');
    expect((await second.waitExit()).exitCode).toBe(5);
    expect(await sessions()).not.toContain(pid);
  });

  it('~. at the start of a line detaches', async () => {
    const t = await attach();
    await run(t, 'echo $((2+3))', /(?:^|\n)\r*5\r*\n[^\n]*\$ $/);
    const mark = t.output.mark();
    t.write('~.');
    const hint = await t.waitFor(DETACH_HINT, { since: mark, what: 'the reattach hint' });
    expect((await t.waitExit()).exitCode).toBe(0);
    const pid = Number(hint[2]);
    expect(await sessions()).toContain(pid);
    const killed = await runCli(['--local', 'pty', 'kill', sandboxId, String(pid)], { env: { E2B_TS_HOME: backend.home } });
    expect(killed.code, killed.stderr).toBe(0);
    expect(await sessions()).not.toContain(pid);
  });

  it('`sandbox connect <id>` is the same terminal', async () => {
    const t = open(['sandbox', 'connect', sandboxId]);
    await t.waitFor(PROMPT, { what: 'the remote prompt', timeoutMs: 20_000 });
    await run(t, 'echo "connected-$((40+2))"', line('connected-42'));
    t.write('exit 3\r');
    expect((await t.waitExit()).exitCode).toBe(3);
  });

  it('Ctrl-C goes to the remote program and does not end the CLI', async () => {
    const t = await attach();
    // the marker comes from the foreground job itself, so Ctrl-C cannot land before it owns the terminal
    await run(t, `sh -c 'echo "st$((1+1))"; exec sleep 100'`, line('st2'));
    const mark = t.output.mark();
    const sent = Date.now();
    t.write(Buffer.from([0x03]));
    await t.waitFor(PROMPT, { since: mark, what: 'the prompt back after Ctrl-C', timeoutMs: 10_000 });
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(t.done).toBe(false);
    await run(t, 'echo "rc=$?"', line('rc=130'));
    await run(t, 'echo "alive-$((3*4))"', line('alive-12'));
    expect(t.done).toBe(false);
    t.write('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s to the CLI exits %i, leaves the outer terminal in cooked mode and the session running', async (signal, code) => {
    // An outer interactive bash runs the CLI in the foreground, as a user's shell would. Between
    // them a small wrapper reports how the CLI ended: bash restores the terminal itself after a
    // foreground job dies of a signal, which would hide a CLI that never restored it. Through the
    // wrapper, only the CLI's own restore counts.
    const shell = new Terminal('bash', ['--norc', '--noprofile', '-i'], {
      env: { ...env(), PS1: 'outer$ ', HISTFILE: '/dev/null' },
      cwd: repoRoot,
    });
    terminals.push(shell);
    await shell.waitFor(/outer\$ $/, { what: 'the outer prompt' });
    const before = await sessions();
    let mark = shell.output.mark();
    const wrapper =
      'const r = require("child_process").spawnSync(process.argv[1], process.argv.slice(2), { stdio: "inherit" }); ' +
      'console.log("CLI-END status=" + r.status + " signal=" + r.signal); process.exit(r.status ?? 1)';
    shell.write(`${process.execPath} -e '${wrapper}' ${process.execPath} ${cliBin} --local pty attach ${sandboxId}; echo "DONE$?"\r`);
    await shell.waitFor(/user@\S*\$ $/, { since: mark, what: 'the remote prompt', timeoutMs: 20_000 });
    const cli = await pollFor(
      () =>
        childrenOf(shell.pid)
          .flatMap((wrapperProcess) => childrenOf(wrapperProcess.pid))
          .find((p) => p.argv.includes(cliBin) && p.argv.includes('attach')),
      'the CLI process under the outer shell',
    );
    // While attached, the outer terminal is raw (checked from outside, on the same tty).
    const tty = readlinkSync(`/proc/${shell.pid}/fd/0`);
    const raw = execFileSync('stty', ['-a', '-F', tty], { encoding: 'utf8' }).split(/[\s;]+/);
    expect(raw).toContain('-icanon');
    expect(raw).toContain('-echo');
    process.kill(cli.pid, signal);
    await shell.waitFor(new RegExp(`CLI-END status=${code} signal=null\\r*\\n[\\s\\S]*DONE${code}\\r*\\n`), {
      since: mark,
      what: `the CLI exiting ${code} by itself (not killed by ${signal})`,
    });
    await shell.waitFor(/outer\$ $/, { since: mark, what: 'the outer prompt back' });

    mark = shell.output.mark();
    shell.write('stty -a\r');
    const settings = (await shell.waitFor(/[\s\S]*\bicanon\b[\s\S]*outer\$ $/, { since: mark, what: 'stty -a output' }))[0];
    const flags = settings.split(/[\s;]+/);
    expect(flags).toContain('icanon');
    expect(flags).toContain('echo');
    expect(flags).toContain('isig');
    expect(flags).toContain('icrnl');
    expect(flags).not.toContain('-icanon');
    expect(flags).not.toContain('-echo');

    // The session was left running: one more than before.
    const after = await sessions();
    const added = after.filter((p) => !before.includes(p));
    expect(added).toHaveLength(1);
    const killed = await runCli(['--local', 'pty', 'kill', sandboxId, String(added[0])], { env: { E2B_TS_HOME: backend.home } });
    expect(killed.code, killed.stderr).toBe(0);
    shell.write('exit\r');
    await shell.waitExit();
  });

  it('a pipe as stdin: exit 2 with a message pointing at exec', async () => {
    const res = await runCli(['--local', 'pty', 'attach', sandboxId], { input: 'x', env: { E2B_TS_HOME: backend.home } });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not a terminal/);
    expect(res.stderr).toMatch(/e2b-ts exec/);
    expect(res.stdout).toBe('');
  });
});
