/**
 * The built CLI as a long-lived subprocess, for streaming, pipeline and signal tests: stdout kept
 * as bytes, stdin a pipe (kept open until the test ends it), a file, or nothing, and the exit
 * awaited separately from the output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { cleanEnv } from './cli.js';
import { cliBin } from './paths.js';

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout so far, as bytes. */
  stdout(): Buffer;
  /** Everything written to stderr so far, as text. */
  stderr(): string;
  /** Everything written to stderr so far, as bytes. */
  stderrBytes(): Buffer;
  /** Settles when the process has exited and its streams are closed. */
  exited: Promise<CliExit>;
  /** True once it has exited. */
  done(): boolean;
  /** Resolves as soon as `predicate(stdout, stderr)` holds; rejects when the process ends first or after `ms`. */
  waitFor(predicate: (stdout: Buffer, stderr: string) => boolean, ms?: number): Promise<void>;
}

export interface SpawnCliOptions {
  env?: Record<string, string | undefined>;
  /**
   * 'pipe' (default): a pipe the test writes to and ends itself (child.stdin);
   * { file }: stdin redirected from that file; 'ignore': /dev/null.
   */
  stdin?: 'pipe' | 'ignore' | { file: string };
}

/** Spawns `node bin/e2b-ts.js ...args` with a clean environment. */
export function spawnCli(args: string[], opts: SpawnCliOptions = {}): CliProcess {
  return spawnProcess(process.execPath, [cliBin, ...args], opts);
}

/** Spawns `bash -c script` (for pipelines such as `e2b-ts exec ... | head -1`). */
export function spawnBash(script: string, opts: SpawnCliOptions = {}): CliProcess {
  return spawnProcess('bash', ['-c', script], opts);
}

function spawnProcess(command: string, args: string[], opts: SpawnCliOptions): CliProcess {
  let stdinFd: number | undefined;
  let stdin: 'pipe' | 'ignore' | number = 'pipe';
  if (opts.stdin === 'ignore') stdin = 'ignore';
  else if (opts.stdin && typeof opts.stdin === 'object') stdin = stdinFd = openSync(opts.stdin.file, 'r');
  const child = spawn(command, args, { env: cleanEnv(opts.env), stdio: [stdin, 'pipe', 'pipe'] });
  if (stdinFd !== undefined) closeSync(stdinFd);
  child.stdin?.on('error', () => {});
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (d: Buffer) => {
    out.push(d);
    poke();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err.push(d);
    poke();
  });
  let finished = false;
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      finished = true;
      resolve({ code, signal });
      poke();
    });
  });
  const stdout = () => Buffer.concat(out);
  const stderr = () => Buffer.concat(err).toString('utf8');
  return {
    child,
    stdout,
    stderr,
    stderrBytes: () => Buffer.concat(err),
    exited,
    done: () => finished,
    waitFor(predicate, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(stdout(), stderr())) finish();
          else if (finished) finish(new Error(`process ended first (stdout ${JSON.stringify(stdout().toString())}, stderr ${JSON.stringify(stderr())})`));
        };
        const timer = setTimeout(
          () => finish(new Error(`waited ${ms} ms in vain (stdout ${JSON.stringify(stdout().toString().slice(-500))}, stderr ${JSON.stringify(stderr())})`)),
          ms,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Kills a test's subprocess if it is still running (cleanup after a failed assertion). */
export function reap(proc: CliProcess | undefined): void {
  if (proc && !proc.done()) proc.child.kill('SIGKILL');
}

/** Polls `probe` until it returns a value other than undefined, or throws after `ms`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
