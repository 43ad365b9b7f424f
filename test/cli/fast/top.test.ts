/**
 * The verbs without a noun (`exec`, `run`, `completion`) without a backend: flags through each
 * builder's run seam ("options"), and the run logic against the fake API and envd ("run").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completionCommand } from '../../../src/cli/commands/completion.js';
import { execCommand } from '../../../src/cli/commands/exec.js';
import { buildProgram } from '../../../src/cli/commands/root.js';
import { runCommand } from '../../../src/cli/commands/run.js';
import type { Context } from '../../../src/cli/context.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
beforeEach(() => {
  cli = fakeCli();
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
});

const ID = 'isbx0000000000000001';
const json = (ctx: Context) => {
  ctx.globals.json = true;
};

describe('exec', () => {
  it('options: the sandbox before --, the command after it, and every flag', async () => {
    expect(await parsed(execCommand, [ID, '--', 'ls', '-la', '--', 'x'])).toEqual({
      sandboxId: ID,
      command: { program: 'ls', args: ['-la', '--', 'x'] },
      timeoutMs: 0,
      stdin: true,
      background: false,
    });
    expect(
      await parsed(execCommand, [
        ID,
        '--cwd',
        '/tmp',
        '--user',
        'root',
        '--env',
        'A=1',
        '--env',
        'B=2',
        '--timeout',
        '30s',
        '--no-stdin',
        '--background',
        '--shell',
        'make && make test',
      ]),
    ).toEqual({
      sandboxId: ID,
      command: { shell: 'make && make test' },
      cwd: '/tmp',
      user: 'root',
      envs: { A: '1', B: '2' },
      timeoutMs: 30_000,
      stdin: false,
      background: true,
    });
    expect(await parsed(execCommand, [ID, '--stream', '--', 'make'], json)).toMatchObject({ stream: true });
  });

  it.each([
    // The builder alone (no main.ts) sees no --: main marks where the command starts (command-start.test.ts).
    [[ID, 'ls'], /missing command: e2b-ts exec <sandbox> \[--\] <command>/],
    [[ID, '--shell', 'ls', '--', 'ls'], /either --shell or a command, not both/],
    [[ID, 'other', '--', 'ls'], /expected one sandbox ID before --, got 2/],
    [[ID, '-la', '--', 'ls'], /unknown option '-la' \(options of the command go after --\)/],
    [[ID, '--'], /empty command/],
    [[ID, '--stream', '--', 'ls'], /--stream goes with --json/],
    [[ID, '--timeout', '0', '--', 'ls'], /invalid timeout "0"/],
  ])('options: %j is a usage error (exit 2)', async (args, message) => {
    const refused = await refusal(execCommand, args);
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(message);
  });

  it('run: output byte-exact on stdout and stderr, the remote exit code, and the start request as given', async () => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    envd.onStart = () => ({ stdout: 'out \x1b[1mbold\x1b[0m\n', stderr: 'warn\n', exitCode: 3 });
    const res = await cli.run(['exec', ID, '--cwd', '/tmp', '--user', 'root', '--env', 'A=1', '--', 'ls', '-la', 'a b']);
    expect(res).toEqual({ code: 3, stdout: 'out \x1b[1mbold\x1b[0m\n', stderr: 'warn\n' });
    expect(envd.starts[0]).toMatchObject({ argv: ['ls', '-la', 'a b'], cwd: '/tmp', user: 'root', envs: { A: '1' } });
  });

  it('run: --json gives one document; killed by a signal: 128+N; --background prints the PID', async () => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    envd.onStart = () => ({ stdout: 'hi\n', exitCode: 0 });
    expect(JSON.parse((await cli.run(['exec', ID, '--json', '--', 'echo', 'hi'])).stdout)).toEqual({ pid: 100, exitCode: 0, stdout: 'hi\n', stderr: '' });
    envd.onStart = () => ({ signal: 'killed' });
    expect((await cli.run(['exec', ID, '--', 'sleep', '9'])).code).toBe(137);
    envd.onStart = () => ({ keepRunning: true });
    expect(await cli.run(['exec', ID, '--background', '--', 'server'])).toEqual({ code: 0, stdout: '102\n', stderr: '' });
    expect(envd.starts[2]!.stdin).toBe(true);
  });

  it('run: stdin is forwarded when it is a pipe; --no-stdin keeps it back', async () => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    envd.onStart = () => ({ echoStdin: true });
    expect(await cli.run(['exec', ID, '--', 'cat'], { input: 'piped bytes' })).toEqual({ code: 0, stdout: 'piped bytes', stderr: '' });
    expect(envd.starts[0]!.stdin).toBe(true);
    expect(envd.closedStdin).toEqual([100]);
    envd.onStart = () => ({});
    await cli.run(['exec', ID, '--no-stdin', '--', 'cat'], { input: 'kept back' });
    expect(envd.starts[1]!.stdin).toBe(false);
    expect(envd.stdin.map((s) => s.pid)).not.toContain(101);
  });

  it('run: an unknown sandbox exits 3 and starts nothing', async () => {
    const res = await cli.run(['exec', 'inope', '--', 'ls']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^error: .*inope/);
  });
});

describe('run', () => {
  it('options: an optional template before --, and the flags', async () => {
    expect(await parsed(runCommand, ['--', 'uname', '-a'])).toEqual({
      command: { program: 'uname', args: ['-a'] },
      timeoutMs: 0,
      stdin: true,
      secure: true,
      internet: true,
    });
    expect(
      await parsed(runCommand, [
        'py',
        '--metadata',
        'k=v',
        '--env',
        'E=1',
        '--cwd',
        '/w',
        '--user',
        'root',
        '--timeout',
        '10m',
        '--no-stdin',
        '--no-secure',
        '--no-internet',
        '--volume',
        'd:/d',
        '--',
        'python3',
      ]),
    ).toEqual({
      template: 'py',
      command: { program: 'python3', args: [] },
      metadata: { k: 'v' },
      envs: { E: '1' },
      cwd: '/w',
      user: 'root',
      timeoutMs: 600_000,
      stdin: false,
      secure: false,
      internet: false,
      volumeMounts: { '/d': 'd' },
    });
    expect((await refusal(runCommand, ['a', 'b', '--', 'ls'])).message).toMatch(/expected at most one template before --/);
    expect((await refusal(runCommand, ['--metadata', 'foo', '--', 'ls'])).message).toMatch(/invalid metadata "foo"/);
  });

  it("run: creates a labelled sandbox, runs the command, kills the sandbox, exits with the command's code", async () => {
    cli.envd.sandbox('isbx0000000000000001').onStart = () => ({ stdout: 'Linux\n', exitCode: 4 });
    const res = await cli.run(['run', '--metadata', 'job=1', '--', 'uname']);
    expect(res).toEqual({ code: 4, stdout: 'Linux\n', stderr: '' });
    expect(cli.api.calls('POST', '/sandboxes')[0]!.body).toMatchObject({ metadata: { 'e2b-ts': 'run', job: '1' } });
    expect(cli.api.calls('DELETE', '/sandboxes/isbx0000000000000001')).toHaveLength(1);
    expect(cli.api.sandboxes.size).toBe(0);
  });

  it('run: a --volume that names no volume exits 3 before any sandbox is made', async () => {
    const res = await cli.run(['run', '--volume', 'nope:/mnt', '--', 'ls']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/volume nope \(for \/mnt\) not found/);
    expect(cli.api.calls('POST', '/sandboxes')).toEqual([]);
  });
});

describe('completion', () => {
  const build = (ctx: Context, run: Parameters<typeof completionCommand>[2]) => completionCommand(ctx, () => buildProgram(ctx), run);

  it('options: one of the shells', async () => {
    expect(await parsed(build, ['zsh'])).toEqual({ shell: 'zsh' });
    expect(await refusal(build, ['tcsh'])).toEqual({ code: 2, message: 'unknown shell "tcsh": choose from bash, zsh, fish, powershell' });
  });

  it('run: prints the script generated from the command tree', async () => {
    const bash = await cli.run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete .*e2b-ts/);
    expect(bash.stdout).toContain('port-forward');
    expect((await cli.run(['completion', 'fish'])).stdout).toContain('complete -c e2b-ts');
  });
});
