/** Pure pieces of exec/run/proc: argv splitting, exec wrapping, exit statuses, signals. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { execArgv, signalFromStatus } from '../../src/client/commands.js';
import { splitCommandLine } from '../../src/cli/commands/exec.js';
import { commandLine } from '../../src/cli/commands/proc/list.js';
import { parseSignal } from '../../src/cli/commands/proc/shared.js';
import { UsageError } from '../../src/cli/errors.js';
import { exitStatusOf } from '../../src/cli/exit-status.js';
import { endInfo } from '../../src/local/envd/process/signals.js';

describe('splitCommandLine', () => {
  it('takes the words after -- as the command and the one before as the sandbox', () => {
    expect(splitCommandLine(['iabc', 'ls', '-la'], ['ls', '-la'], undefined)).toEqual({
      sandboxOperands: ['iabc'],
      command: { program: 'ls', args: ['-la'] },
    });
    expect(splitCommandLine(['ls'], ['ls'], undefined).sandboxOperands).toEqual([]);
    // words that look like the sandbox or options after -- belong to the command
    expect(splitCommandLine(['iabc', 'iabc', '--json'], ['iabc', '--json'], undefined).command).toEqual({ program: 'iabc', args: ['--json'] });
  });

  // main.ts puts the -- where the command starts when the user gave none (command-start.test.ts)
  it('requires -- (or --shell) and a non-empty command', () => {
    expect(() => splitCommandLine(['iabc', 'ls'], undefined, undefined)).toThrow(/missing command: e2b-ts exec <sandbox> \[--\] <command>/);
    expect(() => splitCommandLine(['iabc'], [], undefined)).toThrow(/empty command/);
    expect(() => splitCommandLine([''], [''], undefined)).toThrow(UsageError);
  });

  it('--shell runs a command line, alone', () => {
    expect(splitCommandLine(['iabc'], undefined, 'a | b').command).toEqual({ shell: 'a | b' });
    expect(() => splitCommandLine(['iabc', 'x'], ['x'], 'a')).toThrow(/not both/);
    expect(() => splitCommandLine(['iabc'], undefined, '  ')).toThrow(/needs a command line/);
  });
});

describe('execArgv', () => {
  it('passes argv exactly through bash (checked with a real bash)', () => {
    const { cmd, args } = execArgv('printf', ['%s|', 'a b', '*', '$HOME', '', "it's", '-n']);
    const out = spawnSync(
      cmd,
      args.filter((a) => a !== '-l'),
      { encoding: 'utf8' },
    );
    expect(out.stdout).toBe("a b|*|$HOME||it's|-n|");
  });
});

describe('end statuses and exit codes', () => {
  it('envd status strings round-trip to signal numbers', () => {
    expect(endInfo(0, null)).toEqual({ exitCode: 0, exited: true, status: 'exit status 0' });
    expect(endInfo(3, null)).toEqual({ exitCode: 3, exited: true, status: 'exit status 3', error: 'exit status 3' });
    expect(endInfo(null, 'SIGKILL')).toEqual({ exitCode: -1, exited: false, status: 'signal: killed', error: 'signal: killed' });
    for (const [sig, n] of [
      ['SIGINT', 2],
      ['SIGTERM', 15],
      ['SIGSEGV', 11],
      ['SIGPIPE', 13],
      ['SIGHUP', 1],
    ] as const) {
      expect(signalFromStatus(endInfo(null, sig).status)).toBe(n);
    }
    expect(signalFromStatus('signal: segmentation fault (core dumped)')).toBe(11);
    expect(signalFromStatus('exit status 1')).toBeUndefined();
  });

  it('CLI exit status: the code, 128+signal, 125 when unrepresentable', () => {
    expect(exitStatusOf({ exitCode: 42, stdout: '', stderr: '' })).toBe(42);
    expect(exitStatusOf({ exitCode: -1, signal: 9, stdout: '', stderr: '' })).toBe(137);
    expect(exitStatusOf({ exitCode: -1, stdout: '', stderr: '' })).toBe(125);
  });
});

describe('proc helpers', () => {
  it('signal names', () => {
    expect(parseSignal('TERM')).toBe(15);
    expect(parseSignal('sigint')).toBe(2);
    expect(parseSignal('9')).toBe(9);
    expect(() => parseSignal('FOO')).toThrow(UsageError);
    expect(() => parseSignal('99')).toThrow(UsageError);
  });
  it('command lines read naturally', () => {
    expect(commandLine('/bin/bash', ['-l', '-c', 'sleep 10'])).toBe('sleep 10');
    expect(commandLine('/bin/bash', ['-l', '-c', 'exec "$0" "$@"', 'ls', '-la'])).toBe('ls -la');
    expect(commandLine('/usr/bin/python3', ['app.py'])).toBe('/usr/bin/python3 app.py');
  });
});
