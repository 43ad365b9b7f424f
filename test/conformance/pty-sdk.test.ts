/**
 * Conformance: the official `e2b` npm SDK's `sandbox.pty`, pointed at the local backend by the
 * values of `e2b-ts local env` (E2B_API_URL / E2B_SANDBOX_URL / E2B_API_KEY in process.env), gets
 * real terminals from our envd: create (size, cwd, envs, TERM), sendInput, resize (`stty size`
 * before and after), kill (true, then the handle ends as killed, then false), disconnect and
 * connect (the shell keeps its state, output continues on the new handle), and the shell's exit
 * status through wait().
 *
 * The same scenarios run through our own client (`sandbox.pty` of e2b-ts) in the second
 * describe block, with the same assertions: the two must behave alike.
 */
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { OutputLog } from '../helpers/terminal.js';
import { startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

/** What both clients' PTY handles offer and the scenarios use. */
interface PtyHandleLike {
  readonly pid: number;
  wait(): Promise<unknown>;
  disconnect(): void | Promise<void>;
}

interface PtyCreateLike {
  cols: number;
  rows: number;
  onData: (data: Uint8Array) => void;
  timeoutMs?: number;
  cwd?: string;
  envs?: Record<string, string>;
  user?: string;
}

interface PtySandbox {
  readonly sandboxId: string;
  pty: {
    create(opts: PtyCreateLike): Promise<PtyHandleLike>;
    connect(pid: number, opts: { onData: (data: Uint8Array) => void; timeoutMs?: number }): Promise<PtyHandleLike>;
    sendInput(pid: number, data: Uint8Array): Promise<void>;
    resize(pid: number, size: { cols: number; rows: number }): Promise<void>;
    kill(pid: number): Promise<boolean>;
  };
  commands: { list(): Promise<{ pid: number; cmd: string; args: string[] }[]> };
  kill(): Promise<unknown>;
}

interface PtyClient {
  label: string;
  create(): Promise<PtySandbox>;
  /** The client's CommandExitError class. */
  CommandExitError: abstract new (
    ...args: never[]
  ) => Error;
}

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => ({ backend, env } = await startLocalEnv()));
afterAll(async () => {
  await backend?.dispose();
});

const officialClient: PtyClient = {
  label: 'official e2b SDK',
  create: async () => (await e2b.Sandbox.create()) as unknown as PtySandbox,
  CommandExitError: e2b.CommandExitError,
};

const ourClient: PtyClient = {
  label: 'e2b-ts client',
  create: async () =>
    (await ours.Sandbox.create('base', { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL })) as unknown as PtySandbox,
  CommandExitError: ours.CommandExitError,
};

const PROMPT = /\$ $/;
const keys = (text: string) => new TextEncoder().encode(text);
/** A line of output that is exactly `text` (not the echo of the command line that printed it). */
const line = (text: string) => new RegExp(`(?:^|\\n)\\r*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r*\\n`);

/** How a handle's wait() ended: the exit code and error of the client's CommandExitError. */
async function outcome(client: PtyClient, handle: PtyHandleLike): Promise<{ exitCode: number; error?: string }> {
  try {
    await handle.wait();
    return { exitCode: 0 };
  } catch (error) {
    expect(error).toBeInstanceOf(client.CommandExitError);
    const e = error as { exitCode: number; error?: string };
    return { exitCode: e.exitCode, ...(e.error !== undefined ? { error: e.error } : {}) };
  }
}

function definePtyScenarios(client: PtyClient): void {
  let sandbox: PtySandbox;

  beforeAll(async () => {
    sandbox = await client.create();
  });
  afterAll(async () => {
    await sandbox?.kill().catch(() => false);
  });

  /** A new terminal, once its shell shows a prompt. */
  async function open(opts: Partial<PtyCreateLike> = {}): Promise<{ handle: PtyHandleLike; out: OutputLog }> {
    const out = new OutputLog();
    const handle = await sandbox.pty.create({ cols: 80, rows: 24, timeoutMs: 0, ...opts, onData: (d) => out.push(d) });
    expect(handle.pid).toBeGreaterThan(0);
    await out.waitFor(PROMPT, { what: 'the shell prompt' });
    return { handle, out };
  }

  /** Types a line into a terminal and waits for the pattern in what follows. */
  async function type(pid: number, out: OutputLog, text: string, pattern: RegExp): Promise<RegExpMatchArray> {
    const mark = out.mark();
    await sandbox.pty.sendInput(pid, keys(`${text}\r`));
    return out.waitFor(pattern, { since: mark, what: `${String(pattern)} after typing ${JSON.stringify(text)}` });
  }

  it('create gives an interactive login shell of the requested size; sendInput types into it', async () => {
    const { handle, out } = await open();
    await type(handle.pid, out, 'echo "sum=$((20+22))"', line('sum=42'));
    await type(handle.pid, out, 'stty size', line('24 80'));
    await type(
      handle.pid,
      out,
      'echo "term=$TERM lang=$LANG"; [[ $- == *i* ]] && echo interactive; shopt -q login_shell && echo login',
      /term=xterm-256color lang=C\.UTF-8\r*\ninteractive\r*\nlogin\r*\n/,
    );
    const listed = await sandbox.commands.list();
    expect(listed.find((p) => p.pid === handle.pid)).toMatchObject({ cmd: '/bin/bash' });
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
  });

  it('create applies cwd and envs', async () => {
    const { handle, out } = await open({ cwd: '/tmp', envs: { PTY_CHECK: 'from-envs' } });
    await type(handle.pid, out, 'echo "$PTY_CHECK:$PWD"', line('from-envs:/tmp'));
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
  });

  it('resize changes the size the shell sees (stty size before and after)', async () => {
    const { handle, out } = await open({ cols: 80, rows: 24 });
    await type(handle.pid, out, 'stty size', line('24 80'));
    await sandbox.pty.resize(handle.pid, { cols: 132, rows: 43 });
    await type(handle.pid, out, 'stty size', line('43 132'));
    await sandbox.pty.resize(handle.pid, { cols: 40, rows: 10 });
    await type(handle.pid, out, 'echo "cols=$(tput cols) lines=$(tput lines)"', line('cols=40 lines=10'));
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
  });

  it('kill returns true, then the handle ends as killed; a second kill returns false', async () => {
    const { handle } = await open();
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
    expect(await outcome(client, handle)).toEqual({ exitCode: -1, error: 'signal: killed' });
    expect(await sandbox.pty.kill(handle.pid)).toBe(false);
    expect((await sandbox.commands.list()).map((p) => p.pid)).not.toContain(handle.pid);
  });

  it('disconnect leaves the shell running; connect reattaches and the output continues', async () => {
    const { handle, out } = await open();
    await type(handle.pid, out, 'KEEP=kept-$((6*7)); echo "set $KEEP"', line('set kept-42'));
    await handle.disconnect();
    expect((await sandbox.commands.list()).map((p) => p.pid)).toContain(handle.pid);

    const again = new OutputLog();
    const reattached = await sandbox.pty.connect(handle.pid, { timeoutMs: 0, onData: (d) => again.push(d) });
    expect(reattached.pid).toBe(handle.pid);
    await type(handle.pid, again, 'echo "after-$KEEP"', line('after-kept-42'));
    // The session is the same terminal: a resize after the reattach reaches it too.
    await sandbox.pty.resize(handle.pid, { cols: 100, rows: 30 });
    await type(handle.pid, again, 'stty size', line('30 100'));
    await sandbox.pty.sendInput(handle.pid, keys('exit 7\r'));
    expect(await outcome(client, reattached)).toEqual({ exitCode: 7, error: 'exit status 7' });
  });

  it('`exit 7` in the shell ends wait() with exit code 7; `exit` with 0', async () => {
    const seven = await open();
    await sandbox.pty.sendInput(seven.handle.pid, keys('exit 7\r'));
    expect(await outcome(client, seven.handle)).toEqual({ exitCode: 7, error: 'exit status 7' });
    expect(await sandbox.pty.kill(seven.handle.pid)).toBe(false);

    const zero = await open();
    await sandbox.pty.sendInput(zero.handle.pid, keys('exit\r'));
    expect(await outcome(client, zero.handle)).toEqual({ exitCode: 0 });
  });

  it('Ctrl-C (0x03) interrupts the foreground program, not the shell', async () => {
    const { handle, out } = await open();
    // The marker comes from the foreground job itself (sh, which then becomes sleep), so the
    // Ctrl-C cannot slip in between the shell's echo and the job taking the terminal.
    await type(handle.pid, out, `sh -c 'echo "st$((1+1))"; exec sleep 100'`, line('st2'));
    const mark = out.mark();
    await sandbox.pty.sendInput(handle.pid, Uint8Array.of(0x03));
    await out.waitFor(PROMPT, { since: mark, what: 'the prompt after Ctrl-C' });
    await type(handle.pid, out, 'echo "rc=$?"', line('rc=130'));
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
  });

  it('a burst of output arrives complete and in order', async () => {
    const { handle, out } = await open();
    await type(handle.pid, out, 'seq 1 20000; echo "end-$((1+1))"', line('end-2'));
    const numbers = out
      .text()
      .split(/\r*\n/)
      .map((l) => l.replace(/^\r+/, ''))
      .filter((l) => /^\d+$/.test(l));
    // The prompt-less lines of seq: exactly 1..20000 (stty size etc. are not in this session).
    expect(numbers.length).toBe(20000);
    expect(numbers[0]).toBe('1');
    expect(numbers.at(-1)).toBe('20000');
    expect(numbers.every((n, i) => Number(n) === i + 1)).toBe(true);
    expect(await sandbox.pty.kill(handle.pid)).toBe(true);
  });
}

describe('the official e2b SDK uses PTYs on the local backend', () => {
  it('is configured only by the values of `e2b-ts local env`', () => {
    expect(
      Object.keys(process.env)
        .filter((k) => k.startsWith('E2B_'))
        .sort(),
    ).toEqual(['E2B_API_KEY', 'E2B_API_URL', 'E2B_SANDBOX_URL', 'E2B_VOLUME_API_URL']);
    expect(process.env.E2B_API_URL).toBe(env.E2B_API_URL);
  });

  definePtyScenarios(officialClient);
});

describe('the e2b-ts client does the same', () => {
  definePtyScenarios(ourClient);

  it('pty.list shows the sessions it started, with their tag', async () => {
    const sandbox = await ours.Sandbox.create('base', { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL });
    try {
      const handle = await sandbox.pty.create({ cols: 80, rows: 24, tag: 'pty-conformance', timeoutMs: 0 });
      const listed = await sandbox.pty.list();
      expect(listed.find((p) => p.pid === handle.pid)).toMatchObject({ tag: 'pty-conformance', cmd: '/bin/bash' });
      expect(await sandbox.pty.kill(handle.pid)).toBe(true);
      expect(await handle.finished()).toMatchObject({ exitCode: -1, signal: 9 });
      expect((await sandbox.pty.list()).map((p) => p.pid)).not.toContain(handle.pid);
    } finally {
      await sandbox.kill();
    }
  });
});
