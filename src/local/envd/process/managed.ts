/**
 * A process envd started: its child, its stdin, and the fan-out of its output to every stream
 * subscribed to it (Start, then any number of Connect). Output produced while nobody listens is
 * dropped, as in E2B's envd; while someone listens, a slow listener slows the process down
 * (its pipes are paused) instead of losing bytes or growing memory without bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Writable } from 'node:stream';
import { spawnKillableFirst } from './oom.js';
import { loadPty, type PtyChild } from './pty-package.js';
import { endInfo, type EndInfo } from './signals.js';

/** Largest data event, as envd reads pipes (32 KiB). */
const CHUNK = 32 * 1024;
/** Largest event made by merging queued output chunks. */
const MERGE_LIMIT = 1024 * 1024;
/** Queued bytes per listener above which the process's output is paused. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Queued bytes below which it resumes. */
const LOW_WATER = 1024 * 1024;

export type OutputStream = 'stdout' | 'stderr' | 'pty';
export type ProcessItem = { kind: 'data'; stream: OutputStream; data: Uint8Array } | { kind: 'end'; end: EndInfo };

/** One listener's queue. */
export class Subscriber {
  private readonly queue: ProcessItem[] = [];
  private bytes = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly onDrain: () => void) {}

  get queuedBytes(): number {
    return this.bytes;
  }

  push(item: ProcessItem): void {
    this.queue.push(item);
    if (item.kind === 'data') this.bytes += item.data.length;
    this.wake?.();
  }

  /**
   * The next item; 'idle' after `idleMs` without one (for keepalives), 'aborted' when `signal`
   * aborts.
   */
  async next(idleMs: number, signal: AbortSignal): Promise<ProcessItem | 'idle' | 'aborted'> {
    for (;;) {
      let item = this.queue.shift();
      if (item) {
        if (item.kind === 'data') {
          // Output that piled up while the client was busy goes out as one larger event: fewer
          // messages is what keeps a fast producer's stream fast. Idle streams are unaffected.
          const stream = item.stream;
          let merged: Uint8Array[] | undefined;
          let size = item.data.length;
          for (let next = this.queue[0]; next?.kind === 'data' && next.stream === stream && size + next.data.length <= MERGE_LIMIT; next = this.queue[0]) {
            merged ??= [item.data];
            merged.push(next.data);
            size += next.data.length;
            this.queue.shift();
          }
          if (merged) item = { kind: 'data', stream, data: Buffer.concat(merged) };
          this.bytes -= size;
          if (this.bytes < LOW_WATER) this.onDrain();
        }
        return item;
      }
      if (signal.aborted) return 'aborted';
      const outcome = await new Promise<'item' | 'idle' | 'aborted'>((resolve) => {
        const timer = setTimeout(() => finish('idle'), idleMs);
        const onAbort = () => finish('aborted');
        const finish = (value: 'item' | 'idle' | 'aborted') => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          this.wake = undefined;
          resolve(value);
        };
        this.wake = () => finish('item');
        signal.addEventListener('abort', onAbort, { once: true });
      });
      if (outcome !== 'item') return outcome;
    }
  }
}

/** What a process was started with (reported back by List). */
export interface ProcessSpec {
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
}

export interface SpawnOptions {
  spec: ProcessSpec;
  /** Full environment of the child. */
  env: Record<string, string>;
  /** Working directory as the host filesystem names it. */
  hostCwd: string;
  uid?: number;
  gid?: number;
  /** Give the process a stdin pipe (else /dev/null). */
  stdin: boolean;
  tag?: string;
}

/** The two kinds of child behind a ManagedProcess: pipes, or a pseudo-terminal. */
interface Driver {
  readonly pid: number;
  readonly pty: boolean;
  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void;
  onEnd(listener: (end: EndInfo) => void): void;
  /** Called once the process itself is reaped (its pid is free), maybe before its output ends. */
  onReaped(listener: () => void): void;
  pause(): void;
  resume(): void;
  /** stdin bytes, or keystrokes for a PTY; rejects when input is closed. */
  write(data: Uint8Array): Promise<void>;
  closeInput(): void;
  readonly inputOpen: boolean;
  resize(cols: number, rows: number): void;
}

function pipeDriver(child: ChildProcess, stdin: boolean): Driver {
  let inputOpen = stdin;
  child.stdin?.on('error', () => {
    // the process closed its stdin; later writes report it
    inputOpen = false;
  });
  return {
    pid: child.pid!,
    pty: false,
    onOutput(listener) {
      child.stdout?.on('data', (chunk: Buffer) => listener('stdout', chunk));
      child.stderr?.on('data', (chunk: Buffer) => listener('stderr', chunk));
    },
    onReaped(listener) {
      if (child.exitCode !== null || child.signalCode !== null) listener();
      else child.once('exit', () => listener());
    },
    onEnd(listener) {
      // 'close' comes after the exit and after stdout and stderr have both ended.
      child.once('close', (code, signal) => {
        inputOpen = false;
        listener(endInfo(code, signal));
      });
    },
    pause() {
      child.stdout?.pause();
      child.stderr?.pause();
    },
    resume() {
      child.stdout?.resume();
      child.stderr?.resume();
    },
    get inputOpen() {
      return inputOpen && child.stdin !== null && !child.stdin.destroyed;
    },
    write(data) {
      const input = child.stdin as Writable | null;
      if (!this.inputOpen || !input) return Promise.reject(new Error('stdin not enabled or closed'));
      return new Promise((resolve, reject) => input.write(data, (error) => (error ? reject(error) : resolve())));
    },
    closeInput() {
      inputOpen = false;
      child.stdin?.end();
    },
    resize() {
      throw new Error('tty not assigned to process');
    },
  };
}

const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

function ptyDriver(child: PtyChild): Driver {
  let open = true;
  return {
    pid: child.pid,
    pty: true,
    onOutput(listener) {
      child.onData((data) => listener('pty', typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
    },
    onReaped(listener) {
      child.onExit(() => listener());
    },
    onEnd(listener) {
      child.onExit(({ exitCode, signal }) => {
        open = false;
        listener(signal ? endInfo(null, SIGNAL_NAMES[signal] ?? 'SIGKILL') : endInfo(exitCode, null));
      });
    },
    pause: () => child.pause(),
    resume: () => child.resume(),
    get inputOpen() {
      return open;
    },
    async write(data) {
      if (!open) throw new Error('pty closed');
      child.write(Buffer.from(data));
    },
    closeInput() {
      throw new Error('cannot close stdin for PTY process — send Ctrl+D (0x04) instead');
    },
    resize: (cols, rows) => child.resize(cols, rows),
  };
}

export class ManagedProcess {
  readonly pid: number;
  readonly spec: ProcessSpec;
  readonly tag?: string;
  readonly pty: boolean;
  end?: EndInfo;
  endedAt?: number;
  /** Resolves when the process has ended and all its output was published. */
  readonly done: Promise<EndInfo>;
  /** Resolves once the process is reaped: `kill -0 <pid>` no longer finds it. */
  readonly reaped: Promise<void>;

  private readonly driver: Driver;
  private readonly subscribers = new Set<Subscriber>();
  private paused = false;

  private constructor(driver: Driver, opts: SpawnOptions) {
    this.driver = driver;
    this.pid = driver.pid;
    this.pty = driver.pty;
    this.spec = opts.spec;
    if (opts.tag !== undefined) this.tag = opts.tag;
    driver.onOutput((stream, chunk) => {
      for (let offset = 0; offset < chunk.length; offset += CHUNK) {
        this.publish({ kind: 'data', stream, data: chunk.subarray(offset, offset + CHUNK) });
      }
    });
    this.reaped = new Promise<void>((resolve) => driver.onReaped(resolve));
    this.done = new Promise<EndInfo>((resolve) => {
      driver.onEnd((end) => {
        this.end = end;
        this.endedAt = Date.now();
        this.publish({ kind: 'end', end });
        resolve(end);
      });
    });
  }

  /** Spawns the process with pipes; rejects (before any start event) when it cannot be started. */
  static spawn(opts: SpawnOptions): Promise<ManagedProcess> {
    return new Promise((resolve, reject) => {
      const child = spawnKillableFirst(() =>
        spawn(opts.spec.cmd, opts.spec.args, {
          cwd: opts.hostCwd,
          env: opts.env,
          stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
          // Its own process group, so a signal reaches everything it started.
          detached: true,
          ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
          ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
        }),
      );
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        child.on('error', () => {});
        resolve(new ManagedProcess(pipeDriver(child, opts.stdin), opts));
      });
    });
  }

  /**
   * Spawns the process on a pseudo-terminal of the given size (node-pty, prebuilt, loaded on
   * the first PTY: pty-package.ts). The terminal makes it a session leader, so signals reach
   * its whole group too.
   */
  static async spawnPty(opts: SpawnOptions & { cols: number; rows: number }): Promise<ManagedProcess> {
    const nodePty = await loadPty();
    const child = spawnKillableFirst(() =>
      nodePty.spawn(opts.spec.cmd, opts.spec.args, {
        name: opts.env.TERM ?? 'xterm-256color',
        cols: Math.max(1, opts.cols),
        rows: Math.max(1, opts.rows),
        cwd: opts.hostCwd,
        env: opts.env,
        // bytes in, bytes out: nothing decoded on the way
        encoding: null,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      }),
    );
    return new ManagedProcess(ptyDriver(child), opts);
  }

  private publish(item: ProcessItem): void {
    for (const sub of this.subscribers) sub.push(item);
    if (item.kind === 'data' && !this.paused) {
      for (const sub of this.subscribers) {
        if (sub.queuedBytes > HIGH_WATER) {
          this.paused = true;
          this.driver.pause();
          break;
        }
      }
    }
  }

  private resumeIfDrained(): void {
    if (!this.paused) return;
    for (const sub of this.subscribers) if (sub.queuedBytes >= LOW_WATER) return;
    this.paused = false;
    this.driver.resume();
  }

  subscribe(): Subscriber {
    const sub = new Subscriber(() => this.resumeIfDrained());
    this.subscribers.add(sub);
    return sub;
  }

  unsubscribe(sub: Subscriber): void {
    this.subscribers.delete(sub);
    this.resumeIfDrained();
  }

  /** Sends a signal to the process's whole group. */
  signal(signal: NodeJS.Signals | number): void {
    if (this.end) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group leader is gone; signal the process itself in case it is still reaping
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  get hasStdin(): boolean {
    return !this.pty && this.driver.inputOpen;
  }

  /** Writes to stdin (pipes), resolving once the bytes are handed to the pipe. */
  writeStdin(data: Uint8Array): Promise<void> {
    if (this.pty) return Promise.reject(new Error('stdin not enabled or closed'));
    return this.driver.write(data);
  }

  /** Writes keystrokes to the terminal. */
  writePty(data: Uint8Array): Promise<void> {
    if (!this.pty) return Promise.reject(new Error('tty not assigned to process'));
    return this.driver.write(data);
  }

  closeStdin(): void {
    this.driver.closeInput();
  }

  resize(cols: number, rows: number): void {
    this.driver.resize(Math.max(1, cols), Math.max(1, rows));
  }
}
