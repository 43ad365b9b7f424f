/**
 * Pseudo-terminals in a sandbox (`sandbox.pty`), over the same envd process service as commands:
 * a PTY is a process started with a terminal size, whose output is one byte stream and whose
 * input is keystrokes.
 */
import type { CallOptions } from './config.js';
import { CommandHandle, type Commands, type OutputStream, type ProcessInfo } from './commands.js';

/** Tag our PTY sessions carry, so `pty.list` can tell them from other processes. */
export const PTY_TAG_PREFIX = 'pty';

/** Terminal size in character cells. */
export interface PtySize {
  cols: number;
  rows: number;
}

/** Options of `pty.create`. */
export interface PtyCreateOpts extends CallOptions, PtySize {
  /** A shell command line to run in the terminal instead of an interactive login shell. */
  cmd?: string;
  cwd?: string;
  user?: string;
  /** Extra environment (TERM, LANG and LC_ALL default to xterm-256color and C.UTF-8). */
  envs?: Record<string, string>;
  /** Tag to find the session by. @default `pty-<random>` */
  tag?: string;
  /** Receives the terminal's output bytes. A returned promise is awaited (backpressure). */
  onData?: (data: Uint8Array) => void | Promise<void>;
  /** Deadline of the session in ms; 0 keeps it until it exits or is killed. @default 60000 (official SDK) */
  timeoutMs?: number;
}

/** A keystroke channel from `pty.openInput`. */
export interface PtyInput {
  write(data: Uint8Array): void;
  /** Closes the channel; resolves once everything written was delivered. */
  end(): Promise<void>;
  /** Settles when the channel ends (rejects when it broke). */
  done: Promise<void>;
}

/** How often an idle keystroke channel sends an empty chunk, below common proxy idle timeouts. */
const INPUT_KEEPALIVE_MS = 30_000;

/** Options of `pty.connect`. */
export interface PtyConnectOpts extends CallOptions {
  onData?: (data: Uint8Array) => void | Promise<void>;
  /** @default 60000 */
  timeoutMs?: number;
}

function onOutput(onData: PtyCreateOpts['onData']): ((stream: OutputStream, data: Uint8Array) => void | Promise<void>) | undefined {
  if (!onData) return undefined;
  return (stream, data) => (stream === 'pty' ? onData(data) : undefined);
}

/** `sandbox.pty`. */
export class Pty {
  constructor(private readonly commands: Commands) {}

  /** Starts a terminal session; returns its handle once the process runs. */
  async create(opts: PtyCreateOpts): Promise<CommandHandle> {
    const envs = { TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...(opts.envs ?? {}) };
    const args = opts.cmd !== undefined ? ['-l', '-c', opts.cmd] : ['-i', '-l'];
    const tag = opts.tag ?? `${PTY_TAG_PREFIX}-${Math.random().toString(36).slice(2, 10)}`;
    const output = onOutput(opts.onData);
    return this.commands.startRaw(
      {
        process: { cmd: '/bin/bash', args, envs, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) },
        pty: { size: { cols: opts.cols, rows: opts.rows } },
        tag,
      },
      {
        ...opts,
        collect: false,
        ...(output ? { onOutput: output } : {}),
      },
      opts.user,
    );
  }

  /** Reattaches to a running session; output continues from now on. */
  async connect(pid: number, opts: PtyConnectOpts = {}): Promise<CommandHandle> {
    const output = onOutput(opts.onData);
    return this.commands.connect(pid, { ...opts, collect: false, ...(output ? { onOutput: output } : {}) });
  }

  /** Sends keystrokes (bytes) to a session. */
  sendInput(pid: number, data: Uint8Array, opts: CallOptions = {}): Promise<void> {
    return this.commands.sendInput(pid, { case: 'pty', value: data }, opts);
  }

  /**
   * An open keystroke channel to a session (one long-lived StreamInput call): write() sends at
   * once without waiting for an answer; end() closes the channel. Much lower latency than one
   * sendInput call per keystroke.
   */
  openInput(pid: number, opts: CallOptions = {}): PtyInput {
    const pending: Uint8Array[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const keepalive = setInterval(() => {
      // an empty chunk keeps idle proxies from closing the request
      pending.push(new Uint8Array(0));
      wake?.();
    }, INPUT_KEEPALIVE_MS);
    keepalive.unref();
    const source: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const chunk = pending.shift();
          if (chunk) {
            yield chunk;
            continue;
          }
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    };
    const done = this.commands.streamInput(pid, source, 'pty', opts).finally(() => clearInterval(keepalive));
    done.catch(() => {});
    return {
      write(data) {
        if (ended) throw new Error('the input channel is closed');
        pending.push(data);
        wake?.();
      },
      end() {
        ended = true;
        wake?.();
        return done;
      },
      done,
    };
  }

  /** Changes a session's terminal size (the process gets SIGWINCH). */
  resize(pid: number, size: PtySize, opts: CallOptions = {}): Promise<void> {
    return this.commands.resizePty(pid, size, opts);
  }

  /** Kills a session: false when it had already ended. */
  kill(pid: number, opts: CallOptions = {}): Promise<boolean> {
    return this.commands.kill(pid, opts);
  }

  /** Running sessions started through this library (processes with a `pty` tag). */
  async list(opts: CallOptions = {}): Promise<ProcessInfo[]> {
    return (await this.commands.list(opts)).filter((p) => p.tag?.startsWith(PTY_TAG_PREFIX));
  }
}

export { CommandHandle as PtyHandle };
