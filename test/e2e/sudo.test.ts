/**
 * The sandbox's `sudo` (issue 18, item 1): passwordless, as E2B's base template gives `user`,
 * without a setuid binary (envd runs the command as the target user). Driven through the
 * official SDK and through our client with the same commands and compared, then interactively
 * in a terminal: `sudo -i`, `whoami`, an exit status.
 */
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import { startLocalEnv } from '../conformance/sandbox-scenarios.js';
import type { LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let sdkSandbox: e2b.Sandbox;
let ourSandbox: ours.Sandbox;

beforeAll(async () => {
  ({ backend } = await startLocalEnv());
  sdkSandbox = await e2b.Sandbox.create();
  ourSandbox = await ours.Sandbox.create();
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([sdkSandbox?.kill(), ourSandbox?.kill()]);
  await backend?.dispose();
});

/** Commands and what each must give (stdout, exit code), as `user` unless said. */
const CASES: Array<{ cmd: string; stdout?: string | RegExp; exitCode: number; user?: string }> = [
  { cmd: 'sudo id -u', stdout: '0\n', exitCode: 0 },
  { cmd: 'sudo -u user id -un', stdout: 'user\n', exitCode: 0 },
  { cmd: 'sudo --user=root whoami', stdout: 'root\n', exitCode: 0 },
  { cmd: 'echo piped | sudo cat', stdout: 'piped\n', exitCode: 0 },
  { cmd: 'sudo sh -c "exit 7"', stdout: '', exitCode: 7 },
  { cmd: 'sudo -i pwd', stdout: '/root\n', exitCode: 0 },
  { cmd: 'cd /tmp && sudo -s pwd', stdout: '/tmp\n', exitCode: 0 },
  { cmd: 'sudo -- echo -n flag-like', stdout: 'flag-like', exitCode: 0 },
  { cmd: 'sudo env | grep -E "^(HOME|USER|SUDO_USER)=" | sort', stdout: 'HOME=/root\nSUDO_USER=user\nUSER=root\n', exitCode: 0 },
  { cmd: 'FOO=kept sudo -E sh -c \'echo "$FOO"\'', stdout: 'kept\n', exitCode: 0 },
  { cmd: 'FOO=dropped sudo sh -c \'echo "[$FOO]"\'', stdout: '[]\n', exitCode: 0 },
  { cmd: 'sudo sh -c \'kill -TERM $$\'; echo "status $?"', stdout: 'status 143\n', exitCode: 0 },
  { cmd: 'sudo no-such-command 2>&1; echo "status $?"', stdout: 'sudo: no-such-command: command not found\nstatus 1\n', exitCode: 0 },
  { cmd: 'sudo -u nobody-here true 2>&1; echo "status $?"', stdout: 'sudo: unknown user nobody-here\nstatus 1\n', exitCode: 0 },
  { cmd: 'sudo -Z true 2>&1 | head -1', stdout: "sudo: invalid option -- 'Z'\n", exitCode: 0 },
  { cmd: 'sudo -n -k -v && echo validated', stdout: 'validated\n', exitCode: 0 },
  { cmd: 'sudo touch /etc/by-sudo && ls -l /etc/by-sudo | cut -d" " -f3', stdout: 'root\n', exitCode: 0 },
  { cmd: 'sudo id -u', stdout: '0\n', exitCode: 0, user: 'root' },
  { cmd: 'head -c 300000 /dev/zero | sudo wc -c', stdout: '300000\n', exitCode: 0 },
];

async function outcome(sandbox: { commands: e2b.Sandbox['commands'] }, c: (typeof CASES)[number]) {
  try {
    const r = await sandbox.commands.run(c.cmd, c.user ? { user: c.user } : {});
    return { stdout: r.stdout, exitCode: r.exitCode };
  } catch (error) {
    const e = error as e2b.CommandExitError;
    return { stdout: e.stdout, exitCode: e.exitCode };
  }
}

describe('sudo, the same through the official SDK and our client', () => {
  it.each(CASES.map((c) => [c.cmd, c] as const))('%s', async (_name, c) => {
    const sdk = await outcome(sdkSandbox, c);
    const mine = await outcome(ourSandbox as unknown as e2b.Sandbox, c);
    expect(mine).toEqual(sdk);
    expect(sdk.exitCode).toBe(c.exitCode);
    if (c.stdout instanceof RegExp) expect(sdk.stdout).toMatch(c.stdout);
    else if (c.stdout !== undefined) expect(sdk.stdout).toBe(c.stdout);
  });

  it('killing a command that runs sudo ends what sudo started', async () => {
    const handle = await sdkSandbox.commands.run('sudo sleep 4242', { background: true });
    const running = async () =>
      (await sdkSandbox.commands.run('ps -eo args', { user: 'root' })).stdout.split('\n').filter((l) => l.startsWith('sleep 4242')).length;
    for (let i = 0; i < 50 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await running()).toBe(1);
    await handle.kill();
    for (let i = 0; i < 50 && (await running()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await running()).toBe(0);
  });
});

describe('sudo in a terminal', () => {
  it('sudo -i gives a root login shell; whoami; its exit status comes back', async () => {
    let output = '';
    const decoder = new TextDecoder();
    const term = await sdkSandbox.pty.create({
      cols: 100,
      rows: 30,
      onData: (d) => {
        output += decoder.decode(d, { stream: true });
      },
    });
    const send = (text: string) => sdkSandbox.pty.sendInput(term.pid, new TextEncoder().encode(text));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 200 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 25));
      expect(output).toMatch(pattern);
    };
    await send('sudo -i\n');
    await send('echo "I am $(whoami) in $PWD on a $([ -t 0 ] && echo tty)"\n');
    await waitFor(/I am root in \/root on a tty/);
    await send('stty size\n');
    await waitFor(/30 100/);
    // as a person would: the next line is typed once the outer shell's prompt is back (typed
    // ahead, it would go to the root shell that is exiting)
    const mark = output.length;
    await send('exit 3\n');
    for (let i = 0; i < 200 && !/user@e2b/.test(output.slice(mark)); i++) await new Promise((r) => setTimeout(r, 25));
    await send('echo "sudo said $?"; exit\n');
    await waitFor(/sudo said 3/);
    const end = await term.wait().catch((e: e2b.CommandExitError) => e);
    expect(end.exitCode).toBe(0);
  });
});
