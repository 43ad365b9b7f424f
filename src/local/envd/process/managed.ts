/**
 * A process envd started: its child, its stdin, and the fan-out of its output to every stream
 * subscribed to it (Start, then any number of Connect). Output produced while nobody listens is
 * dropped, as in E2B's envd; while someone listens, a slow listener slows the process down
 * (its pipes are paused) instead of losing bytes or growing memory without bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { endInfo, type EndInfo } from './signals.js';

/** Largest data event, as envd reads pipes (32 KiB). */
const CHUNK = 32 * 1024;
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
  private wake?: () => void;

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
      const item = this.queue.shift();
      if (item) {
        if (item.kind === 'data') {
          this.bytes -= item.data.length;
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

export class ManagedProcess {
  readonly pid: number;
  readonly spec: ProcessSpec;
  readonly tag?: string;
  readonly pty = false;
  end?: EndInfo;
  endedAt?: number;
  /** Resolves when the process has ended and all its output was published. */
  readonly done: Promise<EndInfo>;

  private readonly child: ChildProcess;
  private readonly subscribers = new Set<Subscriber>();
  private paused = false;
  private stdinOpen: boolean;

  private constructor(child: ChildProcess, opts: SpawnOptions) {
    this.child = child;
    this.pid = child.pid!;
    this.spec = opts.spec;
    if (opts.tag !== undefined) this.tag = opts.tag;
    this.stdinOpen = opts.stdin;
    child.stdin?.on('error', () => {
      // the process closed its stdin; later writes report it
      this.stdinOpen = false;
    });
    const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; offset += CHUNK) {
        this.publish({ kind: 'data', stream, data: chunk.subarray(offset, offset + CHUNK) });
      }
    };
    child.stdout?.on('data', forward('stdout'));
    child.stderr?.on('data', forward('stderr'));
    this.done = new Promise<EndInfo>((resolve) => {
      // 'close' comes after the exit and after stdout and stderr have both ended.
      child.once('close', (code, signal) => {
        const end = endInfo(code, signal);
        this.end = end;
        this.endedAt = Date.now();
        this.stdinOpen = false;
        this.publish({ kind: 'end', end });
        resolve(end);
      });
    });
  }

  /** Spawns the process; rejects (before any start event) when it cannot be started. */
  static spawn(opts: SpawnOptions): Promise<ManagedProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(opts.spec.cmd, opts.spec.args, {
        cwd: opts.hostCwd,
        env: opts.env,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        // Its own process group, so a signal reaches everything it started.
        detached: true,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        child.on('error', () => {});
        resolve(new ManagedProcess(child, opts));
      });
    });
  }

  private publish(item: ProcessItem): void {
    for (const sub of this.subscribers) sub.push(item);
    if (item.kind === 'data' && !this.paused) {
      for (const sub of this.subscribers) {
        if (sub.queuedBytes > HIGH_WATER) {
          this.paused = true;
          this.child.stdout?.pause();
          this.child.stderr?.pause();
          break;
        }
      }
    }
  }

  private resumeIfDrained(): void {
    if (!this.paused) return;
    for (const sub of this.subscribers) if (sub.queuedBytes >= LOW_WATER) return;
    this.paused = false;
    this.child.stdout?.resume();
    this.child.stderr?.resume();
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
    return this.stdinOpen && this.child.stdin !== null && !this.child.stdin.destroyed;
  }

  /** Writes to stdin, resolving once the bytes are handed to the pipe. */
  writeStdin(data: Uint8Array): Promise<void> {
    const stdin = this.child.stdin as Writable | null;
    if (!this.hasStdin || !stdin) return Promise.reject(new Error('stdin not enabled or closed'));
    return new Promise((resolve, reject) => {
      stdin.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  closeStdin(): void {
    this.stdinOpen = false;
    this.child.stdin?.end();
  }
}
