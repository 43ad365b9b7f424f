/**
 * Bridging the local terminal to a PTY in a sandbox (`pty attach`): raw mode, size at start and
 * on every resize (polled on Windows, terminal-size.ts), keystrokes sent as they come (never held back for batching),
 * output written as it comes, detach keys, and a terminal that is restored on every way out.
 * Keystrokes travel over one long-lived input stream, so a key costs one frame, not a request.
 */
import type { CommandFinished, CommandHandle } from '../client/commands.js';
import type { PtyCreateOpts } from '../client/pty.js';
import type { Sandbox } from '../client/sandbox.js';
import type { Context, InterruptSignal } from './context.js';
import { DetachDetector } from './detach-keys.js';
import { ExecError, SilentError } from './errors.js';
import { exitStatusOf } from './exit-status.js';
import { SIGNAL_NUMBERS } from '../protocol/signals.js';
import { terminalSize, watchTerminalSize, type PollTimers } from './terminal-size.js';

/** How often the attached sandbox's lifetime is topped up, and to how much (never shortened). */
const KEEPALIVE_EVERY_MS = 60_000;
const KEEPALIVE_LEASE_MS = 5 * 60_000;

/** Modes a crashed or detached full-screen program may leave on: show the cursor, leave the
 * alternate screen, stop mouse reporting and bracketed paste. */
const RESET_MODES = '\x1b[?25h\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l';

export interface BridgeOptions {
  /** Reattach to this PTY; otherwise create one. */
  pid?: number;
  create?: Omit<PtyCreateOpts, 'cols' | 'rows' | 'onData'>;
  detachKeys: Uint8Array;
  detachKeysLabel: string;
  /** Whose terminal rules apply (Windows: the size is polled). @default process.platform */
  platform?: NodeJS.Platform;
  /** Timers of the Windows size poll. @default the global ones */
  timers?: PollTimers;
}

type Outcome = { kind: 'exit'; result: CommandFinished } | { kind: 'detach' } | { kind: 'signal'; signal: InterruptSignal } | { kind: 'error'; error: unknown };

export async function bridgeTerminal(ctx: Context, sandbox: Sandbox, opts: BridgeOptions): Promise<never> {
  const { stdin, stdout } = ctx.io;
  const size = () => terminalSize(stdout);
  const write = (data: Uint8Array) => (stdout.write(data) ? undefined : new Promise<void>((resolve) => stdout.once('drain', () => resolve())));

  let handle: CommandHandle;
  try {
    if (opts.pid !== undefined) {
      handle = await sandbox.pty.connect(opts.pid, { timeoutMs: 0, onData: write });
      await sandbox.pty.resize(opts.pid, size());
    } else {
      handle = await sandbox.pty.create({ ...(opts.create ?? {}), ...size(), timeoutMs: 0, onData: write });
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFoundError') throw error;
    throw new ExecError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const pid = handle.pid;

  // Raw mode from here on; every exit below goes through restore().
  const tty = stdin as typeof stdin & { setRawMode?: (mode: boolean) => void; isRaw?: boolean };
  const wasRaw = tty.isRaw === true;
  tty.setRawMode?.(true);
  let restored = false;
  const restore = (abnormal: boolean) => {
    if (restored) return;
    restored = true;
    tty.setRawMode?.(wasRaw);
    stdin.pause();
    stdout.write(abnormal ? RESET_MODES : '\x1b[?25h');
  };
  const onProcessExit = () => restore(true);
  process.once('exit', onProcessExit);

  let settle!: (outcome: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));

  // Keystrokes go out at once over one open input stream: no batching delay, no request per key.
  const detector = new DetachDetector(opts.detachKeys);
  const input = sandbox.pty.openInput(pid);
  input.done.catch((error: unknown) => settle({ kind: 'error', error }));
  const onInput = (chunk: Buffer | string) => {
    const { forward, detach } = detector.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (forward.length) input.write(forward);
    if (detach) settle({ kind: 'detach' });
  };
  stdin.on('data', onInput);
  stdin.resume();

  const stopWatchingSize = watchTerminalSize(stdout, (next) => void sandbox.pty.resize(pid, next).catch(() => {}), {
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.timers ? { timers: opts.timers } : {}),
  });
  const stopInterrupts = ctx.interrupts.on((signal) => settle({ kind: 'signal', signal }));
  const lease = setInterval(() => void sandbox.connect({ timeoutMs: KEEPALIVE_LEASE_MS }).catch(() => {}), KEEPALIVE_EVERY_MS);
  void sandbox.connect({ timeoutMs: KEEPALIVE_LEASE_MS }).catch(() => {});
  handle.finished().then(
    (result) => settle({ kind: 'exit', result }),
    (error: unknown) => settle({ kind: 'error', error }),
  );

  const end = await outcome;
  void input.end().catch(() => {});
  clearInterval(lease);
  stopInterrupts();
  stdin.off('data', onInput);
  stopWatchingSize();
  process.off('exit', onProcessExit);
  restore(end.kind !== 'exit');
  if (end.kind !== 'exit') void handle.disconnect();

  switch (end.kind) {
    case 'exit':
      throw new SilentError(exitStatusOf(end.result));
    case 'detach':
      ctx.io.stderr.write(`\r\ndetached (${opts.detachKeysLabel} or ~.); the session keeps running: e2b-ts pty attach ${sandbox.sandboxId} --pid ${pid}\n`);
      throw new SilentError(0);
    case 'signal':
      throw new SilentError(128 + SIGNAL_NUMBERS[end.signal]);
    case 'error':
      throw new ExecError(`the terminal session failed: ${end.error instanceof Error ? end.error.message : String(end.error)}`, { cause: end.error });
  }
}
