/**
 * Real pseudo-terminals for tests: a program run inside a node-pty (the "outer" terminal a user
 * would type in), its output collected as bytes, and waits on that output with a deadline
 * instead of fixed sleeps.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import type { IPty } from '@lydell/node-pty';

const require = createRequire(import.meta.url);
// node-pty (prebuilt, as @lydell/node-pty) is CommonJS with a native addon; require keeps it out
// of any ESM interop question.
const pty = require('@lydell/node-pty') as typeof import('@lydell/node-pty');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drops terminal escape sequences (CSI, OSC, two-byte ESC x) so tests match the visible text. */
export function stripAnsi(text: string): string {
  return text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\x1b[=>78]/g, '');
}

/** Output collected from something, with waits on it. */
export class OutputLog {
  private readonly chunks: Buffer[] = [];
  private cache: string | undefined;
  private waiters = new Set<() => void>();

  push(data: Uint8Array | string): void {
    this.chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
    this.cache = undefined;
    for (const wake of this.waiters) wake();
  }

  /** Every byte so far. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Everything so far, decoded, escape sequences kept. */
  raw(): string {
    return this.bytes().toString('utf8');
  }

  /** Everything so far as visible text (escape sequences dropped). */
  text(): string {
    this.cache ??= stripAnsi(this.raw());
    return this.cache;
  }

  /** A position in the visible text, for waits that only look at what comes after it. */
  mark(): number {
    return this.text().length;
  }

  /** Visible text after a mark. */
  since(mark: number): string {
    return this.text().slice(mark);
  }

  /** Resolves when the visible text after `since` matches, or throws with the output at the deadline. */
  async waitFor(pattern: RegExp, opts: { since?: number; timeoutMs?: number; what?: string } = {}): Promise<RegExpMatchArray> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
    for (;;) {
      const match = this.since(opts.since ?? 0).match(pattern);
      if (match) return match;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${opts.what ?? String(pattern)}; output after the mark:\n${JSON.stringify(this.since(opts.since ?? 0).slice(-2000))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 250));
        this.waiters.add(wake);
      });
    }
  }
}

export interface TerminalExit {
  exitCode: number;
  signal?: number;
}

export interface SpawnTerminalOpts {
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  cwd?: string;
}

/** A program running in a fresh pseudo-terminal. */
export class Terminal {
  readonly output = new OutputLog();
  readonly exited: Promise<TerminalExit>;
  private exit: TerminalExit | undefined;
  private readonly proc: IPty;

  constructor(file: string, args: string[], opts: SpawnTerminalOpts = {}) {
    this.proc = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: opts.cols ?? 80,
      rows: opts.rows ?? 24,
      cwd: opts.cwd ?? process.cwd(),
      env: opts.env ?? (process.env as Record<string, string>),
      encoding: null,
    } as Parameters<typeof pty.spawn>[2]);
    this.proc.onData((data: string | Buffer) => this.output.push(data));
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => {
        this.exit = e;
        resolve(e);
      });
    });
  }

  /** PID of the program (the session leader of the terminal). */
  get pid(): number {
    return this.proc.pid;
  }

  /** Whether the program has ended. */
  get done(): boolean {
    return this.exit !== undefined;
  }

  /** Types bytes as they are (use '\r' for Enter, as a real terminal sends). */
  write(data: string | Buffer): void {
    this.proc.write(data as string);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
  }

  waitFor(pattern: RegExp, opts: { since?: number; timeoutMs?: number; what?: string } = {}): Promise<RegExpMatchArray> {
    return this.output.waitFor(pattern, opts);
  }

  /** Resolves with the exit, or throws (with the output) when it takes longer than timeoutMs. */
  async waitExit(timeoutMs = 15_000): Promise<TerminalExit> {
    const timer = sleep(timeoutMs).then(() => undefined);
    const result = await Promise.race([this.exited, timer]);
    if (!result) throw new Error(`the program did not exit within ${timeoutMs} ms; output:\n${JSON.stringify(this.output.text().slice(-2000))}`);
    return result;
  }

  /** Kills the program if it still runs (clean-up). */
  async dispose(): Promise<void> {
    if (this.done) return;
    try {
      this.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
    await Promise.race([this.exited, sleep(2_000)]);
  }
}

/** PIDs of the processes whose parent is `ppid` (from /proc), with their command lines. */
export function childrenOf(ppid: number): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(entry), argv });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Waits until `find` returns a value, polling, or throws at the deadline. */
export async function pollFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = find();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
