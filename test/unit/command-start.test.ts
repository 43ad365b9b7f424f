/**
 * The command lines PowerShell hands over (issue 17): it drops the first bare `--` when it runs
 * npm's `e2b-ts.ps1` shim, so `exec ID -- ls -la` arrives as `exec ID ls -la`. Each shape is
 * checked twice: the argv markCommandStart gives commander, and what the CLI then does with it
 * in process, against the fake API and envd (the program and arguments that reach the sandbox).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markCommandStart } from '../../src/cli/command-start.js';
import { buildProgram } from '../../src/cli/commands/root.js';
import { createContext } from '../../src/cli/context.js';
import { fakeCli, type FakeCli } from '../helpers/fakes/cli.js';
import { createTestIO } from '../helpers/io.js';

const ID = 'isbx0000000000000001';
const program = buildProgram(createContext({ io: createTestIO().io, env: {} }));
const mark = (line: string) => markCommandStart(line.split(' '), program).join(' ');

describe('markCommandStart: where the command starts without --', () => {
  it.each([
    // exec: the command starts at the first non-option word after the sandbox ID
    [`exec ${ID} ls -la`, `exec ${ID} -- ls -la`],
    [`exec ${ID} grep -v x`, `exec ${ID} -- grep -v x`],
    [`exec ${ID} ls --json --local -h`, `exec ${ID} -- ls --json --local -h`],
    // our options before the ID and between the ID and the command, with their values
    [`exec --cwd /tmp ${ID} ls`, `exec --cwd /tmp ${ID} -- ls`],
    [`exec ${ID} --cwd /tmp --env A=1 --user root ls -la`, `exec ${ID} --cwd /tmp --env A=1 --user root -- ls -la`],
    [`exec ${ID} --cwd=/tmp --background sleep 9`, `exec ${ID} --cwd=/tmp --background -- sleep 9`],
    [`exec ${ID} --timeout 5s --json sleep 9`, `exec ${ID} --timeout 5s --json -- sleep 9`],
    // global options before the verb, with values
    [`--api-key k --local exec ${ID} ls`, `--api-key k --local exec ${ID} -- ls`],
    [`--profile p exec ${ID} --profile q ls`, `--profile p exec ${ID} --profile q -- ls`],
    // a value that looks like a sandbox ID or a command is still the value
    [`exec --user ls ${ID} pwd`, `exec --user ls ${ID} -- pwd`],
    [`exec ${ID} --shell ls`, `exec ${ID} --shell ls`],
    // `-` alone is a word of the command
    [`exec ${ID} cat -`, `exec ${ID} -- cat -`],
    // run: the command starts at its first non-option word
    ['run uname -a', 'run -- uname -a'],
    ['run --template base python3 -c x', 'run --template base -- python3 -c x'],
    ['run --timeout 10m --env E=1 --metadata k=v python3 -V', 'run --timeout 10m --env E=1 --metadata k=v -- python3 -V'],
    ['--local run --no-internet sh -c x', '--local run --no-internet -- sh -c x'],
  ])('%s  →  %s', (line, expected) => {
    expect(mark(line)).toBe(expected);
  });

  it.each([
    // a -- anywhere after the verb: as typed (the words before it are ours)
    `exec ${ID} -- ls -la`,
    `exec ${ID} --cwd /tmp -- ls`,
    `exec -- ls`,
    'run base -- uname',
    'run --template base -- uname',
    // nothing that could be a command: the verb reports what is missing
    `exec ${ID}`,
    `exec ${ID} --cwd /tmp`,
    'exec',
    'run',
    'run --timeout 5m',
    // other verbs, help, and a -- before the verb
    `sandbox kill ${ID} -y`,
    `help exec`,
    `-- exec ${ID} ls`,
    `exec --help`,
  ])('%s  stays as typed', (line) => {
    expect(mark(line)).toBe(line);
  });

  // PowerShell dropped the first of two --: more words before the second than the verb takes.
  // Refused before commander reads them (`-v` would print the version instead).
  it.each([
    [`exec ${ID} git log -v -- README`, /^expected one sandbox ID before --, got 3: i\S+ git log \(in PowerShell a bare -- is dropped: quote it, '--'\)$/],
    [`exec ${ID} --cwd /tmp other -- ls`, /^expected one sandbox ID before --, got 2: i\S+ other /],
    ['run base other -h -- ls', /^expected at most one template before --, got: base other \(in PowerShell .*, or use --template\)$/],
  ])('%s  is refused', (line, message) => {
    expect(() => mark(line)).toThrow(message);
  });

  it('the command line before it is never changed (a new array)', () => {
    const argv = ['exec', ID, 'ls'];
    expect(markCommandStart(argv, program)).toEqual(['exec', ID, '--', 'ls']);
    expect(argv).toEqual(['exec', ID, 'ls']);
  });
});

describe('the PowerShell shapes in process (fake API and envd)', () => {
  let cli: FakeCli;
  beforeEach(() => {
    cli = fakeCli();
  });
  afterEach(async () => {
    cli.api.verify();
    await cli.close();
  });

  it('exec without --: the words after the sandbox ID reach the sandbox as they are, flags included', async () => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    envd.onStart = () => ({ stdout: 'ok\n', exitCode: 0 });
    // `grep -v` once printed our version; `--json` and `-h` once became ours
    expect(await cli.run(['exec', ID, 'grep', '-v', 'x'])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    expect(await cli.run(['exec', '--cwd', '/tmp', ID, '--user', 'root', 'ls', '--json', '-h'])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    expect(envd.starts.map((s) => s.argv)).toEqual([
      ['grep', '-v', 'x'],
      ['ls', '--json', '-h'],
    ]);
    expect(envd.starts[1]).toMatchObject({ cwd: '/tmp', user: 'root' });
  });

  it('exec with --, as POSIX shells pass it, runs the same; a second -- belongs to the command', async () => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    envd.onStart = () => ({ exitCode: 0 });
    await cli.run(['exec', ID, '--', 'grep', '-v', 'x']);
    await cli.run(['exec', ID, '--', 'git', 'log', '--', 'README']);
    expect(envd.starts.map((s) => s.argv)).toEqual([
      ['grep', '-v', 'x'],
      ['git', 'log', '--', 'README'],
    ]);
  });

  it('run without --: --template names the template, the rest is the command', async () => {
    cli.envd.sandbox(ID).onStart = () => ({ stdout: 'Python\n', exitCode: 0 });
    expect(await cli.run(['run', '--template', 'py', '--timeout', '1m', 'python3', '-V'])).toEqual({ code: 0, stdout: 'Python\n', stderr: '' });
    expect(cli.api.calls('POST', '/sandboxes')[0]!.body).toMatchObject({ templateID: 'py' });
    expect(cli.envd.sandbox(ID).starts[0]!.argv).toEqual(['python3', '-V']);
  });

  it.each([
    // PowerShell dropped the first of two --: the words before the second are too many to be ours
    [
      ['exec', ID, 'git', 'log', '--', 'README'],
      /^error: expected one sandbox ID before --, got 3: .* \(in PowerShell a bare -- is dropped: quote it, '--'\)$/,
    ],
    [['run', 'base', 'ls', '--', 'x'], /^error: expected at most one template before --, got: base ls \(in PowerShell .*'--', or use --template\)$/],
    [['run', 'base', '--template', 'py', '--', 'ls'], /^error: two templates: base before -- and --template py; give one$/],
    [['exec', ID], /^error: missing command: e2b-ts exec <sandbox> \[--\] <command> \[args\.\.\.\] \(or --shell "<command line>"\)$/],
    [['run', '--timeout', '5m'], /^error: missing command: e2b-ts run \[options\] \[--\] <command>/],
    [['exec', ID, '--shell', 'ls', 'pwd'], /^error: give either --shell or a command, not both$/],
    [['exec', ID, '-la', 'ls'], /^error: unknown option '-la'/],
  ])('%j is refused (exit 2) with one line that says what to write', async (args, message) => {
    cli.api.addSandbox();
    const res = await cli.run(args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trimEnd()).toMatch(message);
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(cli.envd.sandbox(ID).starts).toEqual([]);
  });
});
