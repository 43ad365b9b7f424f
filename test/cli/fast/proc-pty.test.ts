/**
 * `proc` and `pty` verbs without a backend: flags through each builder's run seam ("options"),
 * and the run logic against the fake envd ("run"). `pty attach` (and `sandbox connect`) bridge a
 * real terminal in raw mode: past their refusals that needs a pseudo-terminal, which
 * test/tty covers; here their options and the refusals are tested.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { procAttachCommand } from '../../../src/cli/commands/proc/attach.js';
import { procKillCommand } from '../../../src/cli/commands/proc/kill.js';
import { procListCommand } from '../../../src/cli/commands/proc/list.js';
import { procStdinCommand } from '../../../src/cli/commands/proc/stdin.js';
import { ptyAttachCommand } from '../../../src/cli/commands/pty/attach.js';
import { ptyKillCommand } from '../../../src/cli/commands/pty/kill.js';
import { ptyListCommand } from '../../../src/cli/commands/pty/list.js';
import { main } from '../../../src/cli/main.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
beforeEach(() => {
  cli = fakeCli();
  cli.api.addSandbox();
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
});

const ID = 'isbx0000000000000001';
const SHELL_ARGS = ['-l', '-c', 'exec "$0" "$@"'];

describe('proc ls', () => {
  it('options: the sandbox, or none', async () => {
    expect(await parsed(procListCommand, [ID])).toEqual({ sandboxId: ID });
    expect(await parsed(procListCommand, [])).toEqual({});
  });

  it('run: rows with the command as typed, JSON, a note when there are none', async () => {
    expect(await cli.run(['proc', 'ls', ID], { tty: true })).toMatchObject({ code: 0, stdout: '', stderr: 'No processes.\n' });
    cli.envd.sandbox(ID).existing.set(42, { cmd: '/bin/bash', args: [...SHELL_ARGS, 'sleep', '9'], tag: 'job', cwd: '/tmp', script: {} });
    expect((await cli.run(['proc', 'ls', ID])).stdout).toBe('42\tjob\t/tmp\tsleep 9\n');
    expect(JSON.parse((await cli.run(['proc', 'ls', ID, '--json'])).stdout)).toEqual([
      { pid: 42, cmd: '/bin/bash', args: [...SHELL_ARGS, 'sleep', '9'], envs: {}, tag: 'job', cwd: '/tmp' },
    ]);
    expect((await cli.run(['proc', 'ls', 'inope'])).code).toBe(3);
  });
});

describe('proc kill', () => {
  it('options: PID and signal (name, SIG name, any case, or number)', async () => {
    expect(await parsed(procKillCommand, [ID, '42'])).toEqual({ sandboxId: ID, pid: 42, signal: 9 });
    expect(await parsed(procKillCommand, [ID, '42', '-s', 'sigterm'])).toEqual({ sandboxId: ID, pid: 42, signal: 15 });
    expect(await parsed(procKillCommand, [ID, '42', '--signal', '2'])).toEqual({ sandboxId: ID, pid: 42, signal: 2 });
    expect((await refusal(procKillCommand, [ID, '42', '-s', 'BOOM'])).message).toBe(
      'invalid signal "BOOM": use one of HUP, INT, QUIT, KILL, USR1, USR2, TERM, CONT, STOP, TSTP (or its number)',
    );
    expect((await refusal(procKillCommand, [ID, '0'])).code).toBe(2);
  });

  it('run: sends the signal; an unknown PID exits 3', async () => {
    cli.envd.sandbox(ID).existing.set(42, { cmd: 'sleep', args: ['9'], script: {} });
    expect(JSON.parse((await cli.run(['proc', 'kill', ID, '42', '-s', 'TERM', '--json'])).stdout)).toEqual({ sandboxId: ID, pid: 42, signal: 15 });
    expect(cli.envd.sandbox(ID).signals).toEqual([{ pid: 42, signal: 15 }]);
    expect(await cli.run(['proc', 'kill', ID, '43'])).toMatchObject({ code: 3, stderr: `error: no process with PID 43 runs in sandbox ${ID}\n` });
  });
});

describe('proc attach', () => {
  it('options: sandbox and PID', async () => {
    expect(await parsed(procAttachCommand, [ID, '42'])).toEqual({ sandboxId: ID, pid: 42 });
    expect((await refusal(procAttachCommand, [ID, 'x'])).message).toMatch(/invalid PID "x"/);
  });

  it("run: streams the process's output and exits with its status; Ctrl-C detaches with 130", async () => {
    const envd = cli.envd.sandbox(ID);
    envd.existing.set(42, { cmd: 'job', args: [], script: { stdout: 'line\n', stderr: 'err\n', exitCode: 7 } });
    expect(await cli.run(['proc', 'attach', ID, '42'])).toEqual({ code: 7, stdout: 'line\n', stderr: 'err\n' });
    envd.existing.set(43, { cmd: 'server', args: [], script: { keepRunning: true, stdout: 'ready\n' } });
    let abort: AbortController | undefined;
    const { ctx, stdout, stderr } = cli.context({ controller: (c) => (abort = c) });
    let settled = false;
    const running = main(['proc', 'attach', ID, '43'], ctx).finally(() => (settled = true));
    while (!settled && !stdout().includes('ready')) await new Promise((resolve) => setImmediate(resolve));
    abort!.abort();
    expect(await running).toBe(130);
    expect(stderr()).toBe(`detached; process 43 keeps running (e2b-ts proc attach ${ID} 43)\n`);
    expect((await cli.run(['proc', 'attach', ID, '99'])).code).toBe(3);
  });
});

describe('proc stdin', () => {
  it('options: --no-close', async () => {
    expect(await parsed(procStdinCommand, [ID, '42'])).toEqual({ sandboxId: ID, pid: 42, close: true });
    expect(await parsed(procStdinCommand, [ID, '42', '--no-close'])).toEqual({ sandboxId: ID, pid: 42, close: false });
  });

  it('run: pipes stdin into the process and closes its stdin (not with --no-close); unknown PID: 3', async () => {
    const envd = cli.envd.sandbox(ID);
    envd.existing.set(42, { cmd: 'cat', args: [], script: {} });
    const res = await cli.run(['proc', 'stdin', ID, '42'], { input: 'quit\n', tty: false });
    expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(Buffer.concat(envd.stdin.map((s) => s.data)).toString()).toBe('quit\n');
    expect(envd.closedStdin).toEqual([42]);
    await cli.run(['proc', 'stdin', ID, '42', '--no-close'], { input: 'more' });
    expect(envd.closedStdin).toEqual([42]);
    expect(await cli.run(['proc', 'stdin', ID, '43'], { input: 'x' })).toMatchObject({
      code: 3,
      stderr: `error: no process with PID 43 runs in sandbox ${ID}\n`,
    });
  });
});

describe('pty attach', () => {
  it('options: a new session, or --pid to reattach', async () => {
    expect(await parsed(ptyAttachCommand, [ID])).toEqual({ sandboxId: ID, detachKeys: 'ctrl-p,ctrl-q', forceTty: false });
    expect(
      await parsed(ptyAttachCommand, [ID, '--cwd', '/w', '--user', 'root', '--env', 'T=1', '--cmd', 'htop', '--detach-keys', 'ctrl-a', '--force-tty']),
    ).toEqual({ sandboxId: ID, cwd: '/w', user: 'root', envs: { T: '1' }, cmd: 'htop', detachKeys: 'ctrl-a', forceTty: true });
    expect(await parsed(ptyAttachCommand, [ID, '--pid', '42'])).toEqual({ sandboxId: ID, pid: 42, detachKeys: 'ctrl-p,ctrl-q', forceTty: false });
    expect((await refusal(ptyAttachCommand, [ID, '--pid', 'x'])).code).toBe(2);
  });

  it('run: refused off a terminal (scripts use exec), for bad detach keys, and for --pid with new-session flags', async () => {
    expect(await cli.run(['pty', 'attach', ID])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: stdin is not a terminal: use `e2b-ts exec/) });
    expect((await cli.run(['pty', 'attach', ID, '--detach-keys', 'ctrl-'], { tty: true })).code).toBe(2);
    expect(await cli.run(['pty', 'attach', ID, '--pid', '42', '--cmd', 'htop'], { tty: true })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--pid reattaches/),
    });
    expect(cli.envd.sandbox(ID).starts).toEqual([]);
  });
});

describe('pty ls', () => {
  it('options: the sandbox, or none', async () => {
    expect(await parsed(ptyListCommand, [ID])).toEqual({ sandboxId: ID });
    expect(await parsed(ptyListCommand, [])).toEqual({});
  });

  it('run: only terminal sessions (by their tag); JSON; a note when there are none', async () => {
    const envd = cli.envd.sandbox(ID);
    envd.existing.set(42, { cmd: '/bin/bash', args: ['-i', '-l'], tag: 'pty-abc', script: {} });
    envd.existing.set(43, { cmd: 'sleep', args: ['9'], tag: 'job', script: {} });
    expect((await cli.run(['pty', 'ls', ID])).stdout).toBe('42\tpty-abc\t/bin/bash -i -l\n');
    expect(JSON.parse((await cli.run(['pty', 'ls', ID, '--json'])).stdout).map((s: { pid: number }) => s.pid)).toEqual([42]);
    envd.existing.clear();
    expect(await cli.run(['pty', 'ls', ID], { tty: true })).toMatchObject({ stdout: '', stderr: 'No terminal sessions.\n' });
  });
});

describe('pty kill', () => {
  it('options: sandbox and PID', async () => {
    expect(await parsed(ptyKillCommand, [ID, '42'])).toEqual({ sandboxId: ID, pid: 42 });
    expect((await refusal(ptyKillCommand, [ID])).code).toBe(2);
  });

  it('run: SIGKILL to the session; an unknown PID exits 3', async () => {
    const envd = cli.envd.sandbox(ID);
    envd.existing.set(42, { cmd: '/bin/bash', args: [], tag: 'pty-abc', script: {} });
    expect(JSON.parse((await cli.run(['pty', 'kill', ID, '42', '--json'])).stdout)).toEqual({ sandboxId: ID, pid: 42, killed: true });
    expect(envd.signals).toEqual([{ pid: 42, signal: 9 }]);
    expect(await cli.run(['pty', 'kill', ID, '42'])).toMatchObject({ code: 3, stderr: `error: no terminal session with PID 42 in sandbox ${ID}\n` });
  });
});
