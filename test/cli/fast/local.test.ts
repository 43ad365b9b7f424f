/**
 * `local` verbs without a daemon: flags through each builder's run seam ("options"), and the run
 * logic that needs no running daemon against a private state folder ("run"): status and stop of
 * a backend that is not running, and the log. `local start` and `local env` start the daemon
 * (env starts it when needed): past their options they are the e2e suites' (test/e2e).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envCommand, envLines } from '../../../src/cli/commands/local/env.js';
import { localLogsCommand } from '../../../src/cli/commands/local/logs.js';
import { startCommand } from '../../../src/cli/commands/local/start.js';
import { statusCommand } from '../../../src/cli/commands/local/status.js';
import { stopCommand } from '../../../src/cli/commands/local/stop.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
let home: string;
beforeEach(() => {
  cli = fakeCli();
  home = mkdtempSync(join(tmpdir(), 'e2b-ts-fast-local-'));
});
afterEach(async () => {
  await cli.close();
  rmSync(home, { recursive: true, force: true });
});

describe('local start', () => {
  it('options: --port and --foreground', async () => {
    expect(await parsed(startCommand, [])).toEqual({ foreground: false });
    expect(await parsed(startCommand, ['--port', '0', '--foreground'])).toEqual({ port: 0, foreground: true });
    expect(await refusal(startCommand, ['--port', '70000'])).toEqual({ code: 2, message: 'invalid --port "70000": expected an integer from 0 to 65535' });
  });
});

describe('local stop', () => {
  it('options: none', async () => {
    expect(await parsed(stopCommand, [])).toEqual({});
    expect((await refusal(stopCommand, ['now'])).code).toBe(2);
  });

  it('run: a backend that is not running is not an error', async () => {
    expect(await cli.run(['local', 'stop'], { env: { E2B_TS_HOME: home }, tty: true })).toEqual({
      code: 0,
      stdout: '',
      stderr: 'The local backend was not running.\n',
    });
    expect(await cli.run(['local', 'stop', '--json'], { env: { E2B_TS_HOME: home } })).toEqual({ code: 0, stdout: '{"stopped":false}\n', stderr: '' });
  });
});

describe('local status', () => {
  it('options: none', async () => {
    expect(await parsed(statusCommand, [])).toEqual({});
  });

  it('run: not running is exit 3 (JSON says so with the state folder)', async () => {
    expect(await cli.run(['local', 'status'], { env: { E2B_TS_HOME: home } })).toEqual({
      code: 3,
      stdout: '',
      stderr: 'The local backend is not running (start it with `e2b-ts local start`).\n',
    });
    expect(JSON.parse((await cli.run(['local', 'status', '--json'], { env: { E2B_TS_HOME: home } })).stdout)).toEqual({ running: false, stateDir: home });
  });
});

describe('local env', () => {
  it('options: --shell', async () => {
    expect(await parsed(envCommand, [])).toEqual({ shell: 'sh' });
    expect(await parsed(envCommand, ['--shell', 'fish'])).toEqual({ shell: 'fish' });
    expect((await refusal(envCommand, ['--shell', 'csh'])).code).toBe(2);
  });

  it('the quoting of each syntax (the pure part of its run logic)', () => {
    const vars = { E2B_API_KEY: "it's" };
    expect(envLines(vars, 'sh')).toBe("export E2B_API_KEY='it'\\''s'\n");
    expect(envLines(vars, 'fish')).toBe("set -gx E2B_API_KEY 'it\\'s';\n");
    expect(envLines(vars, 'powershell')).toBe("$env:E2B_API_KEY = 'it''s'\n");
    expect(envLines(vars, 'dotenv')).toBe("E2B_API_KEY=it's\n");
  });
});

describe('local logs', () => {
  it('options: -f and -n', async () => {
    expect(await parsed(localLogsCommand, [])).toEqual({ follow: false, lines: 100 });
    expect(await parsed(localLogsCommand, ['-f', '-n', '5'])).toEqual({ follow: true, lines: 5 });
    expect((await refusal(localLogsCommand, ['-n', '-1'])).code).toBe(2);
  });

  it('run: the last lines of the log; a note when there is none yet', async () => {
    expect(await cli.run(['local', 'logs'], { env: { E2B_TS_HOME: home }, tty: true })).toEqual({
      code: 0,
      stdout: '',
      stderr: 'The local backend has not logged anything yet.\n',
    });
    writeFileSync(join(home, 'daemon.log'), 'one\ntwo\nthree\n');
    expect(await cli.run(['local', 'logs', '-n', '2'], { env: { E2B_TS_HOME: home } })).toEqual({ code: 0, stdout: 'two\nthree\n', stderr: '' });
  });
});
