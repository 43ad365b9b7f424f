/**
 * A runtime without processes, for lifecycle tests: each "sandbox" is an object the test can
 * make die, refuse to freeze or thaw, or start slowly; every call is counted.
 */
import type { CgroupUsage, SandboxLimits } from '../../src/local/runtime/cgroup.js';
import type { Runtime, SandboxProcess, SandboxSpec } from '../../src/local/runtime/index.js';
import type { SandboxExit } from '../../src/local/runtime/types.js';

/** A promise with its resolve and reject at hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Pids no process has (pid_max is at most 2^22): a fake sandbox must never name a real process. */
let nextPid = 5_000_000;

export class FakeProcess implements SandboxProcess {
  readonly pid = nextPid++;
  readonly socketPath: string;
  readonly platformSecret = 'fake-secret';
  readonly ready: Promise<void>;
  readonly exited: Promise<SandboxExit>;
  frozen = false;
  killed = false;
  dead = false;
  /** Set to make the next freeze / thaw / kill fail. */
  failFreeze?: Error;
  failThaw?: Error | undefined;
  failKill?: Error;
  private readonly exit = deferred<SandboxExit>();

  constructor(
    readonly spec: SandboxSpec,
    ready: Promise<void> = Promise.resolve(),
  ) {
    this.socketPath = `/nonexistent/${spec.sandboxId}-${this.pid}.sock`;
    this.ready = ready;
    this.exited = this.exit.promise;
  }

  /** envd dies on its own (killed inside the sandbox, by default). */
  die(exit: SandboxExit = { code: 137, signal: null }): void {
    if (this.dead) return;
    this.dead = true;
    this.exit.resolve(exit);
  }

  /** Limits the sandbox was given (a fake enforces nothing). */
  limits?: SandboxLimits;

  applyLimits(limits: SandboxLimits): string[] {
    this.limits = limits;
    return [];
  }

  usage(): CgroupUsage | undefined {
    return undefined;
  }

  async kill(): Promise<void> {
    this.killed = true;
    if (this.failKill) throw this.failKill;
    this.die({ code: null, signal: 'SIGKILL' });
  }

  async freeze(): Promise<void> {
    if (this.failFreeze) throw this.failFreeze;
    this.frozen = true;
  }

  async thaw(): Promise<void> {
    if (this.failThaw) throw this.failThaw;
    this.frozen = false;
  }
}

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  readonly isolated = false;
  readonly description = 'fake runtime for tests';
  /** No warm spare. */
  readonly relocatable = false;
  readonly started: FakeProcess[] = [];
  /** Starts still to fail, each with this error. */
  failStarts = 0;
  startError = new Error('the fake runtime refused to start');
  /** When set, the next start waits for it before it returns. */
  hold?: Promise<void> | undefined;
  /** A start is waiting for `hold`. */
  holding = false;

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    if (this.hold) {
      const hold = this.hold;
      this.hold = undefined;
      this.holding = true;
      await hold;
      this.holding = false;
    }
    if (this.failStarts > 0) {
      this.failStarts--;
      throw this.startError;
    }
    const proc = new FakeProcess(spec);
    this.started.push(proc);
    return proc;
  }

  /** The newest process started for a sandbox. */
  latest(sandboxId: string): FakeProcess | undefined {
    return this.started.filter((p) => p.spec.sandboxId === sandboxId).at(-1);
  }
}
